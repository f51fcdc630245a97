#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Adversarial Full Feature Phase (issue 3): after a good login, bad PDUs
# and SCSI commands get a Reject (carrying the rejected header), a SCSI
# status, or a closed connection, never a crash, a leak or a hang; good
# ones are answered field by field. Login phase: 55-login-fuzz.sh.
#
# zcit only; targets T1 (AuthMethod None, LUN 0 = 16 MiB rd_mcp,
# InitialR2T=No, MaxOutstandingR2T=4) and T2 (mutual CHAP) as in
# tests/guest/fuzz.sh. tests/guest/iscsi-fuzz.py runs the cases in
# parallel; LUN RESET runs alone after them. One check per category:
#  fuzz-ran                 the client ran to its summary
#  fuzz-ffp                 every case of: bad PDUs in Full Feature Phase
#                           (a second Login, unknown opcodes, NOP-Out
#                           data over MaxRecvDataSegmentLength), discovery
#                           Text (garbage, C bit forever, a bad TTT),
#                           NOP-Out/Text floods whose answers are never
#                           read: TCP backpressure, not an unbounded
#                           queue of answers
#  fuzz-data                every case of: SCSI commands to LUN 0: TUR,
#                           INQUIRY, READ, WRITE with immediate data, R2T
#                           and unsolicited Data-Out, odd lengths,
#                           trickled PDUs, a slow reader, read back; R+W,
#                           bad immediate data, EDTL huge/short/0, bad
#                           Data-Out TTT/DataSN/offset/length/F/digest,
#                           Data-Out for no task or never sent, bad AHS,
#                           a CDB without data sent with W and a 4 GiB
#                           EDTL (64 at once), PR OUT with a 2 GiB
#                           parameter list (the max_xfer_kib cap),
#                           8 MiB writes past max_session_kib (32 MiB
#                           here): TASK SET FULL, and room again after
#                           ABORT TASK,
#                           CmdSN outside the window or one ahead, a full
#                           tag pool, resets and Logout with writes
#                           pending, ABORT TASK of a write waiting for
#                           data, unknown TMF functions, SNACK; then,
#                           alone, LUN RESET: the answer expected field by
#                           field, or a Reject carrying our header, then a
#                           close or a ping and TUR still answered, the
#                           CmdSN window intact
# Each category holds controls (the same path with valid input succeeds).
# Then:
#  after-login-none, after-login-chap   normal logins still work
#  no-sessions-left         both targets' session counters drop to 0
#  clear                    configfs teardown
#  unload                   rmmod zcit returns (within 60 s)
#  kernel-log-clean         no BUG/WARNING/Call Trace/... in dmesg
# zcit-vm: timeout=600
set -u
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
. "$ZCIT_ROOT/tests/guest/cfs.sh"
. "$ZCIT_ROOT/tests/guest/fuzz.sh"

fuzz_run "ffp data"
