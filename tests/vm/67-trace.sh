#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# zcit's tracepoints (the "zcit" trace system, Documentation/tracing.md):
# every event is enabled through tracefs, a workload that causes each one
# runs (tests/guest/iscsi-trace.py, the raw initiator), and each event is
# checked in the trace, field by field, against what the client did:
#  events-listed          events/zcit/ has every event, each with a format
#  step-*                 the workload's steps: a good session (WRITE with
#                         an R2T, READ, a READ with immediate data that is
#                         rejected, ABORT TASK of an answered task, Logout),
#                         a login to an unknown target, and five connections
#                         ended by a timeout at once (first_pdu, login,
#                         nopin, dataout, tx_stall)
#  login-good, login-bad  zcit_login: initiator, target, status in words,
#                         TSIH
#  state-*                zcit_conn_state: the good connection's states,
#                         the refused login's and each timed-out one's end
#                         with its reason
#  cmd-start-*, cmd-done-*, cmd-latency-*   zcit_cmd_start/zcit_cmd_done of
#                         the WRITE and the READ: opcode, EDTL, direction,
#                         status, length, residual, a latency
#  reject, reject-not-started   zcit_reject: reason, opcode, ITT
#  tmf-req, tmf-rsp       zcit_tmf_req/zcit_tmf_rsp: function, RTT,
#                         RefCmdSN, response in words
#  timeout-*, timeout-*-ms   zcit_timeout of each kind, its ITT (dataout)
#                         and elapsed time against the configured limit
#  disabled-silent        with the events off, a session adds nothing to
#                         the trace
# zcit only (iscsi_target_mod has no such events).
# zcit-vm: timeout=240
set -u
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
. "$ZCIT_ROOT/tests/guest/cfs.sh"

TR=/sys/kernel/tracing
T1=$CFS/iscsi/$IQN1/tpgt_1
W=/tmp/trace
mkdir -p $W
EVENTS="zcit_login zcit_conn_state zcit_reject zcit_tmf_req zcit_tmf_rsp
	zcit_timeout zcit_cmd_start zcit_cmd_done zcit_async"

configure() {
	load_target_core &&
		modprobe zcit first_pdu_timeout=2 tx_stall_secs=5 &&
		load_fabric zcit &&
		"$LIO" target "$IQN1" 1 &&
		"$LIO" portal "$IQN1" 1 127.0.0.1:3260 &&
		"$LIO" backstore rd tr 16 &&
		"$LIO" lun "$IQN1" 1 0 rd/tr &&
		"$LIO" acl "$IQN1" 1 "$INI1" 0=0 &&
		"$LIO" acl "$IQN1" 1 "$INI2" 0=0 &&
		echo 0 >"$T1/attrib/authentication" &&
		echo 5 >"$T1/attrib/login_timeout" &&
		echo 3 >"$T1/acls/$INI1/attrib/nopin_timeout" &&
		echo 3 >"$T1/acls/$INI1/attrib/nopin_response_timeout" &&
		echo 2 >"$T1/acls/$INI1/attrib/dataout_timeout" &&
		echo 0 >"$T1/acls/$INI2/attrib/nopin_timeout" &&
		grep -qx 1 "$T1/enable"
}

tracefs() {
	[ -d $TR/events ] || mount -t tracefs nodev $TR
	echo 0 >$TR/tracing_on &&
		echo 4096 >$TR/buffer_size_kb &&
		echo >$TR/trace &&
		echo 1 >$TR/events/zcit/enable &&
		echo 1 >$TR/tracing_on
}

events_listed() {
	local e
	for e in $EVENTS; do
		grep -q '^print fmt:' "$TR/events/zcit/$e/format" || {
			echo "no $TR/events/zcit/$e/format"
			return 1
		}
		[ "$(cat "$TR/events/zcit/$e/enable")" = 1 ] || {
			echo "$e not enabled"
			return 1
		}
	done
}

# With every zcit event off, a session (login, I/O, logout) traces nothing.
disabled_silent() {
	echo 0 >$TR/events/zcit/enable && echo >$TR/trace &&
		/usr/bin/python3 "$ZCIT_ROOT/tests/guest/iscsi-raw.py" login \
			--initiator "$INI1" --target "$IQN1" >$W/raw 2>&1 &&
		! grep -q ' zcit_' $TR/trace
}

zcit_only_start configure
t_check tracefs tracefs || t_done
t_check events-listed events_listed

start=$SECONDS
timeout 120 /usr/bin/python3 "$ZCIT_ROOT/tests/guest/iscsi-trace.py" \
	--initiator "$INI1" --stall-initiator "$INI2" --target "$IQN1" \
	--trace $TR >$W/out 2>&1
echo "==== trace workload exit $? after $((SECONDS - start)) s"
cat $W/out
echo "==== zcit events in the trace"
grep ' zcit_' $TR/trace | head -n 200
n=0
while read -r _ name res detail; do
	[ -n "$name" ] || continue
	n=$((n + 1))
	if [ "$res" = PASS ]; then
		t_pass "$name"
	else
		t_fail "$name" "$detail"
	fi
done <<<"$(grep '^CHECK ' $W/out)"
t_check checks-ran test "$n" -ge 40
t_check disabled-silent disabled_silent
t_check no-sessions-left wait_for 20 sh -c \
	"[ \"\$(cat $CFS/iscsi/$IQN1/fabric_statistics/iscsi_instance/sessions)\" = 0 ]"
t_check clear "$LIO" clear
rmdir "$CFS/iscsi" 2>/dev/null
t_check unload unload_zcit
t_check kernel-log-clean kernel_log_clean
t_done
