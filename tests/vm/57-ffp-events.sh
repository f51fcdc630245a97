#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Full Feature Phase events the target starts (issue 4), with the raw
# initiator of tests/guest/iscsi-fuzz.py (--events), one case at a time:
#  events-nopin-answered     an idle connection is pinged (NOP-In, TTT set)
#                            after the ACL's nopin_timeout; answered pings
#                            keep it up
#  events-nopin-unanswered   an unanswered ping closes it after
#                            nopin_response_timeout, not sooner
#  events-tpg-disable-logout echo 0 >enable: an Async Message asks for a
#                            logout, the Logout is answered, the write
#                            returns once the session is gone, the TPG
#                            refuses logins until enabled again
#  events-tpg-disable-write-pending
#                            the same with a write waiting for its data and
#                            no logout: told the connections are dropped
#                            (AsyncEvent 3, the session's Time2Wait and
#                            Time2Retain), closed after the Async Message's
#                            Time2Wait, the write released
#  events-portal-removal     rmdir of the portal: Async logout, Logout,
#                            the portal gone; created again, it takes logins
# Then: no session left, configfs teardown, rmmod, a clean kernel log.
# zcit only: iscsi_target_mod sends no Async logout requests.
# Target: $IQN1, portal 127.0.0.1:3261 (its own, so that removing it
# touches nothing else), ACL $INI1 with nopin_timeout=3 and
# nopin_response_timeout=3 (the minimums) and dataout_timeout=10 (the TPG
# disable, not the Data-Out timeout, must end the write-pending case),
# LUN 0 = 16 MiB rd_mcp.
# zcit-vm: timeout=300
set -u
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
. "$ZCIT_ROOT/tests/guest/cfs.sh"

PORT=3261
T1=$CFS/iscsi/$IQN1/tpgt_1
W=/tmp/events
mkdir -p $W

configure() {
	load_fabric zcit &&
		"$LIO" target "$IQN1" 1 &&
		"$LIO" portal "$IQN1" 1 127.0.0.1:$PORT &&
		"$LIO" backstore rd ev 16 &&
		"$LIO" lun "$IQN1" 1 0 rd/ev &&
		"$LIO" acl "$IQN1" 1 "$INI1" 0=0 &&
		echo 0 >"$T1/attrib/authentication" &&
		echo 3 >"$T1/acls/$INI1/attrib/nopin_timeout" &&
		echo 3 >"$T1/acls/$INI1/attrib/nopin_response_timeout" &&
		echo 10 >"$T1/acls/$INI1/attrib/dataout_timeout" &&
		grep -qx 3 "$T1/acls/$INI1/attrib/nopin_timeout" &&
		grep -qx 3 "$T1/acls/$INI1/attrib/nopin_response_timeout" &&
		grep -qx 1 "$T1/enable"
}

zcit_only_start configure

# --t-none/--t-chap/--chap are required by the client; only the events
# target is used.
timeout 200 /usr/bin/python3 "$ZCIT_ROOT/tests/guest/iscsi-fuzz.py" \
	--initiator "$INI1" --t-none "$IQN1" --t-chap "$IQN1" --chap u:s:m:n \
	--bound-post 12 --events --events-target "$IQN1" --events-tpg "$T1" \
	--events-port $PORT --nopin 3 --nopin-rsp 3 >$W/out 2>&1
echo "==== events client exit $?"
cat $W/out
n=0
while read -r _ _ name res _ detail; do
	[ -n "$name" ] || continue
	n=$((n + 1))
	if [ "$res" = PASS ]; then
		t_pass "events-$name"
	else
		t_fail "events-$name" "$detail"
	fi
done <<<"$(grep '^CASE events ' $W/out)"
t_check events-all-ran test "$n" = 5
t_check no-sessions-left wait_for 20 sh -c \
	"[ \"\$(cat $CFS/iscsi/$IQN1/fabric_statistics/iscsi_instance/sessions)\" = 0 ]"
t_check clear "$LIO" clear
rmdir "$CFS/iscsi" 2>/dev/null
t_check unload unload_zcit
t_check kernel-log-clean kernel_log_clean
t_done
