#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Statistics (issue 15): the same workload against iscsi_target_mod
# ("lio") and zcit in one VM, then every counter of fabric_statistics/
# of both side by side. tests/guest/iscsi-stats.py is the workload (raw
# PDUs): a session with header and data digests doing TEST UNIT READY, a
# 4 KiB write as immediate data, a 64 KiB write by R2T, a 68 KiB read,
# the ACL's iscsi_sess_stats/ read while it is up, a normal logout; a
# logout closing the connection; a wrong CHAP response; an initiator
# without an ACL; a login abandoned after its first answer; a session
# killed by a TCP reset; a bad header digest; a NOP-Out with a bad data
# digest (zcit: a Reject, the session goes on and shows the error; then a
# reset); a write whose data never comes (ACL dataout_timeout 2 s).
#
# Checks (zcit only; iscsi_target_mod's values are the reference):
#  zcit-workload   every step did what the target must do
#  zcit-counters   every counter has its expected value, and where
#                  iscsi_target_mod keeps it too, agrees with it, or differs
#                  exactly as Documentation/statistics.md says
#  zcit-module-stats  /sys/module/zcit/statistics/ counted the events
#  zcit-conn-view  <debugfs>/zcit/connections, read with the session's
#                  iscsi_sess_stats/, shows its connection: addresses,
#                  names, digests, and the same counters
#  zcit-log        one kernel log line per failed login (3), each with the
#                  initiator, its address, the target and the reason
# The table "counter | lio | zcit | expected" is printed.
# zcit-vm: timeout=300
set -u
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
. "$ZCIT_ROOT/tests/guest/cfs.sh"

W=/tmp/stats
T=$CFS/iscsi/$IQN1
ACL=$T/tpgt_1/acls/$INI1
declare -A V
mkdir -p $W

configure() {
	load_target_core || return
	case $fab in
	zcit) modprobe zcit ;;
	lio) modprobe --ignore-install iscsi_target_mod ;;
	esac || return
	mkdir -p "$CFS/iscsi" &&
		"$LIO" target "$IQN1" 1 &&
		"$LIO" portal "$IQN1" 1 127.0.0.1:3260 &&
		"$LIO" backstore rd stats 4 &&
		"$LIO" lun "$IQN1" 1 0 rd/stats &&
		"$LIO" acl "$IQN1" 1 "$INI1" 0=0 &&
		"$LIO" chap "$IQN1" 1 "$INI1" statsuser statssecret12 &&
		echo 2 >"$ACL/attrib/dataout_timeout"
}

cleanup() {
	"$LIO" clear >/dev/null 2>&1
	rmdir "$CFS/iscsi" 2>/dev/null
	if [ "$fab" = zcit ]; then
		t_check zcit-unload unload_zcit
	else
		wait_for 30 sh -c '! pgrep -x "iscsi_t[rt]x" >/dev/null'
		timeout 60 rmmod iscsi_target_mod
	fi
}

# collect: every counter of the target into V[$fab,<group>/<file>]
collect() {
	local f k
	for f in "$T"/fabric_statistics/*/*; do
		k=${f#"$T"/fabric_statistics/}
		V[$fab,$k]=$(cat "$f")
	done
	while read -r s k v; do
		[ "$s" = SESS ] && V[$fab,sess/$k]=$v
		[ "$s" = SESS2 ] && V[$fab,sess2/$k]=$v
	done < <(grep -E '^SESS2? ' $W/$fab.out)
	[ "$fab" = zcit ] || return 0
	for f in /sys/module/zcit/statistics/*; do
		V[zcit,mod/${f##*/}]=$(cat "$f")
	done
}

run() {
	local before
	before=$(dmesg | wc -l)
	python3 "$ZCIT_ROOT/tests/guest/iscsi-stats.py" --target "$IQN1" \
		--initiator "$INI1" --other-initiator "$INI2" \
		--chap statsuser:statssecret12 --acl "$ACL" >$W/$fab.out 2>&1
	echo "workload exit $?" >>$W/$fab.out
	sed "s/^/  $fab| /" $W/$fab.out
	# Sessions gone (the killed one too) before the counters are read.
	wait_for 10 sh -c "[ \"\$(cat '$T/fabric_statistics/iscsi_instance/sessions')\" = 0 ]"
	sleep 0.5
	dmesg | tail -n +$((before + 1)) >$W/$fab.log
	collect
	if [ "$fab" = zcit ]; then
		t_check zcit-workload sh -c "! grep -q '^STEP .* FAIL' $W/zcit.out && grep -q 'workload exit 0' $W/zcit.out"
	elif grep -q '^STEP .* FAIL' $W/lio.out; then
		echo "INFO lio-workload FAIL $(grep '^STEP .* FAIL' $W/lio.out | tr '\n' ' ')"
	fi
}

each_fabric "lio zcit" run

# ---- expectations ----
# Each row: counter, zcit's expected value, iscsi_target_mod's in terms of
# zcit's (Documentation/statistics.md, "Differences"): "=" the same; a
# number; "!0" non-zero; "*" not compared (an index, a time).
# The workload: 6 logins reach Full Feature Phase (io, logout-conn,
# killed, hdr-digest, data-digest, dataout-timeout); 3 fail at the target (wrong
# CHAP, no ACL, abandoned).
ROWS="
iscsi_login_stats/accepts 6 =
iscsi_login_stats/authenticate_fails 1 =
iscsi_login_stats/authorize_fails 1 =
iscsi_login_stats/negotiate_fails 1 3
iscsi_login_stats/other_fails 0 =
iscsi_login_stats/redirects 0 =
iscsi_login_stats/indx 1 =
iscsi_logout_stats/normal_logouts 1 =
iscsi_logout_stats/abnormal_logouts 1 =
iscsi_tgt_attr/login_fails 3 5
iscsi_tgt_attr/last_fail_type 6 =
iscsi_tgt_attr/fail_intr_name $INI1 =
iscsi_tgt_attr/fail_intr_addr 127.0.0.1 =
iscsi_tgt_attr/fail_intr_addr_type ipv4 =
iscsi_tgt_attr/last_fail_time !0 *
iscsi_sess_err/digest_errors 1 0
iscsi_sess_err/cxn_errors 1 2
iscsi_sess_err/format_errors 0 =
iscsi_instance/fail_sess 2 2
iscsi_instance/fail_type 2 =
iscsi_instance/fail_rem_name $INI1 =
iscsi_instance/sessions 0 =
iscsi_instance/portals 1 =
sess/cmd_pdus 4 =
sess/rsp_pdus 3 =
sess/txdata_octs 69632 =
sess/rxdata_octs 69632 65536
sess/conn_digest_errors 0 =
sess/conn_timeout_errors 0 =
sess/node 1 =
sess/inst 0 =
sess/indx !0 *
sess2/conn_digest_errors 1 -
sess2/cmd_pdus 0 -
mod/logins_failed 3 -
mod/logins_refused_no_target 0 -
mod/closed_by_initiator 3 -
mod/closed_login_refused 2 -
mod/closed_logout 2 -
mod/closed_header_digest_error 1 -
mod/closed_dataout_timeout 1 -
mod/rejects 1 -
mod/data_digest_rejects 1 -
"

# matches VALUE WANT: WANT is a value, or !0 (a number other than 0)
matches() {
	case $2 in
	'!0') [ -n "$1" ] && [ "$1" != 0 ] ;;
	*) [ "$1" = "$2" ] ;;
	esac
}

bad=""
printf '%-40s | %-32s | %-32s | %s\n' counter lio zcit "expected (zcit; lio)"
while read -r k zw lw; do
	[ -n "$k" ] || continue
	z=${V[zcit,$k]-(none)} l=${V[lio,$k]-(none)}
	[ "$lw" = - ] && l="n/a"
	printf '%-40s | %-32s | %-32s | %s; %s\n' "$k" "$l" "$z" "$zw" "$lw"
	matches "$z" "$zw" || bad="$bad $k=$z(want $zw)"
	case $lw in
	-|'*') ;;
	=) [ "$l" = "$z" ] || bad="$bad $k:lio=$l,zcit=$z" ;;
	*) matches "$l" "$lw" || bad="$bad $k:lio=$l(documented $lw)" ;;
	esac
done <<<"$ROWS"
if [ -z "${V[zcit,iscsi_login_stats/accepts]-}" ]; then
	t_fail zcit-counters "zcit did not run"
elif [ -z "${V[lio,iscsi_login_stats/accepts]-}" ]; then
	t_fail zcit-counters "iscsi_target_mod did not run: nothing to compare with"
elif [ -n "$bad" ]; then
	t_fail zcit-counters "${bad# }"
else
	t_pass zcit-counters
fi

# zcit-module-stats: the rows above under mod/ are the module's counters;
# none of the events they count may go uncounted.
mbad=""
for k in logins_failed closed_by_initiator closed_login_refused closed_logout \
	closed_header_digest_error closed_dataout_timeout rejects data_digest_rejects; do
	matches "${V[zcit,mod/$k]-}" '!0' || mbad="$mbad $k"
done
if [ -n "$mbad" ]; then
	t_fail zcit-module-stats "zero:$mbad"
else
	t_pass zcit-module-stats
fi

# zcit-conn-view: the connection's line agrees with its session's counters
conn_view() {
	local line want
	line=$(grep "^CONN .*initiator=$INI1 " $W/zcit.out | grep ' state=ffp ')
	[ "$(printf '%s\n' "$line" | grep -c .)" = 1 ] ||
		{ echo "want one line for the session, got: $line"; return 1; }
	echo "$line"
	for want in "peer=127.0.0.1:" "local=127.0.0.1:3260 " " cpu=[0-9]* cmds=[0-9]" \
		" target=$IQN1 tpgt=1 " " hdgst=crc32c ddgst=crc32c " \
		" cmd_pdus=${V[zcit,sess/cmd_pdus]-x} " " rsp_pdus=${V[zcit,sess/rsp_pdus]-x} " \
		" rx_bytes=${V[zcit,sess/rxdata_octs]-x} " " tx_bytes=${V[zcit,sess/txdata_octs]-x} " \
		" digest_errors=0 " " isid=0x800000000001 "; do
		printf '%s\n' "$line" | grep -q -- "$want" || { echo "no '$want'"; return 1; }
	done
}
t_check zcit-conn-view conn_view

# zcit-log: exactly one line per failed login, with everything in it
echo "zcit kernel log during the workload:"
sed 's/^/  log| /' $W/zcit.log 2>/dev/null
n=$(grep -c 'login failed: ' $W/zcit.log 2>/dev/null)
lbad=""
[ "$n" = 3 ] || lbad="$n lines 'login failed', want 3;"
grep 'login failed: ' $W/zcit.log 2>/dev/null | grep -v "127\.0\.0\.1: login failed: iqn\..* to $IQN1: " |
	sed 's/^/missing a field: /' >$W/lbad
grep -q "login failed: $INI1 to $IQN1: authentication failed" $W/zcit.log ||
	lbad="$lbad no line for the wrong CHAP response;"
grep -q "login failed: $INI2 to $IQN1: initiator not allowed" $W/zcit.log ||
	lbad="$lbad no line for the initiator without ACL;"
grep -q "login failed: $INI1 to $IQN1: closed by the initiator during login" $W/zcit.log ||
	lbad="$lbad no line for the abandoned login;"
[ -s $W/lbad ] && lbad="$lbad $(head -n1 $W/lbad)"
if [ -n "$lbad" ]; then
	t_fail zcit-log "$lbad"
else
	t_pass zcit-log
fi
t_done
