# SPDX-License-Identifier: GPL-2.0
"""A raw iSCSI initiator (RFC 7143) for the VM tests: it sends exactly
what a test asks, including what no real initiator sends, and reports
what the target answered.

  pdu       opcodes, BHS fields, padding, CRC32C digests, the text key
            codec, the reader of whole PDUs
  conn      one connection: the Login request builder and exchange, the
            login stages, the Full Feature Phase PDUs, the outcomes
            (refusal, Reject or close, ping, logout)
  scsi      SCSI commands over a session: Data-In, R2T, Data-Out, status
  cases/    the fuzzing cases, one module per category
  fuzz      the fuzzing client (tests/guest/iscsi-fuzz.py)
  login     one login or a stalled one (tests/guest/iscsi-raw.py)

The guest runs it from the host's read-only tree: the entry scripts
turn off bytecode writing (sys.dont_write_bytecode) before importing it.
"""
