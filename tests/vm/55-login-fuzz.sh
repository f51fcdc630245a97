#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Adversarial login (issue 3): nothing in the login path may be made to
# crash, leak or hang by a peer that lies about lengths or keys; bad input
# gets a Login Response with a non-zero Status-Class or a closed
# connection, within the login timeout. Full Feature Phase: 56-ffp-fuzz.sh.
#
# zcit only; targets T1 (AuthMethod None) and T2 (mutual CHAP) as in
# tests/guest/fuzz.sh. tests/guest/iscsi-fuzz.py runs the login-phase
# cases in parallel, then 100 concurrent half-open logins. One check per
# category:
#  fuzz-ran                 the client ran to its summary
#  fuzz-<category>          every case of: dsl (DataSegmentLength lies),
#                           ahs, opcode (non-login PDUs during login),
#                           digest (HeaderDigest=CRC32C), cbit (C bit
#                           forever, T+C), stage (CSG/NSG), ids
#                           (ISID/TSIH/CID changes, joins, reinstatement
#                           storm), keys, chap, abort (RST/FIN at each
#                           point of a login), mutate (300 seeded
#                           mutations of valid first requests), parallel
#                           (100 half-open logins: 64 held until their
#                           timeout, the rest closed at once, a session
#                           keeps answering, a login works after)
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

fuzz_run "dsl ahs opcode digest cbit stage ids keys chap abort mutate parallel" \
	--mutations 300 --parallel 100
