#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Settings zcit cannot honour (issue 15; Documentation/admin-guide/settings.rst):
# a value that asks for what zcit does not do is refused with a kernel log
# line saying why, unless a saved configuration may carry it, in which case
# it is accepted with a one-time warning. Nothing is accepted silently.
#
# Checks (zcit only):
#  param-refused-<key>   param/<key>=<value> (ErrorRecoveryLevel 1 and 2,
#                        DataPDUInOrder and DataSequenceInOrder No, markers,
#                        AuthMethod with a method zcit lacks): the write
#                        fails, the value is unchanged, one "refused" line
#  param-honoured        values zcit honours are stored, with no line
#  attrib-refused-<where>  default_erl 1 (TPG and ACL): refused, one line
#  attrib-warned-<name>  t10_pi, login_keys_workaround, netif_timeout (6.1),
#                        dataout_timeout_retries, random_*_offsets: stored,
#                        one warning line the first time, none after
#  restore-modified      targetcli restoreconfig of a saved configuration
#                        edited to hold ErrorRecoveryLevel 1, default_erl 1
#                        and t10_pi 1: targetcli reports the two refused
#                        settings as recoverable errors, the rest (LUN, ACL,
#                        t10_pi) is restored, ErrorRecoveryLevel stays 0
#  cpus-allowed          with cpus_allowed_list 1 a new connection's io
#                        work runs on CPU 1 (<debugfs>/zcit/connections);
#                        set to 0, the live connection moves to CPU 0 and
#                        goes on (a raw session held open, then logged out)
#  cpus-spread           four sessions logging in from one process pinned
#                        to CPU 0 (so every packet arrives on CPU 0): their
#                        io work is spread over the CPUs, at most one
#                        connection apart (iscsi_target_mod spreads its
#                        threads; following sk_incoming_cpu alone put all
#                        four on CPU 0)
#  cpus-follow           a session accepted while cpus_allowed_list was 1
#                        (io work on CPU 1) whose data then arrives on
#                        CPU 0 (NOP-Out pings every 0.1 s from a process
#                        pinned to CPU 0), cpus_allowed_list back to all:
#                        its io work moves to CPU 0 within 5 s (two
#                        ticks), and the session goes on (every ping but
#                        the last one answered, logout response 0)
#  lio-config-no-warning (in 20-targetcli.sh) covers the other direction.
# zcit-vm: timeout=300
set -u
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
. "$ZCIT_ROOT/tests/guest/cfs.sh"

W=/tmp/settings
T=$CFS/iscsi/$IQN1/tpgt_1
ACL=$T/acls/$INI1
mkdir -p $W

configure() {
	modprobe zcit &&
		mkdir -p "$CFS/iscsi" &&
		"$LIO" target "$IQN1" 1 &&
		"$LIO" portal "$IQN1" 1 127.0.0.1:3260 &&
		"$LIO" backstore rd settings 4 &&
		"$LIO" lun "$IQN1" 1 0 rd/settings &&
		"$LIO" acl "$IQN1" 1 "$INI1" 0=0
}

# log_lines PATTERN: how many kernel log lines since the test began match
log_lines() {
	dmesg | grep -F "zcit: " | grep -cF -- "$1"
}

# refused NAME FILE VALUE TEXT: writing VALUE to FILE fails, FILE keeps
# its value, and one more log line holds TEXT
refused() {
	local name=$1 f=$2 v=$3 text=$4 before old now
	old=$(cat "$f")
	before=$(log_lines "$text")
	if echo "$v" >"$f" 2>/dev/null; then
		t_fail "$name" "'$v' was accepted"
		echo "$old" >"$f"
		return
	fi
	now=$(cat "$f")
	[ "$now" = "$old" ] || { t_fail "$name" "value changed: '$old' -> '$now'"; return; }
	[ "$(log_lines "$text")" -eq $((before + 1)) ] ||
		{ t_fail "$name" "no log line '$text'"; return; }
	t_pass "$name"
}

# warned NAME FILE VALUE VALUE2 TEXT: VALUE is stored with one log line
# holding TEXT; VALUE2 afterwards is stored with no further line; the
# default is written back
warned() {
	local name=$1 f=$2 v=$3 v2=$4 text=$5 before old
	old=$(cat "$f")
	before=$(log_lines "$text")
	echo "$v" >"$f" || { t_fail "$name" "'$v' refused"; return; }
	[ "$(cat "$f")" = "$v" ] || { t_fail "$name" "reads $(cat "$f"), not $v"; return; }
	[ "$(log_lines "$text")" -eq $((before + 1)) ] ||
		{ t_fail "$name" "no log line '$text'"; return; }
	echo "$v2" >"$f" || { t_fail "$name" "'$v2' refused"; return; }
	[ "$(log_lines "$text")" -eq $((before + 1)) ] ||
		{ t_fail "$name" "warned twice"; return; }
	echo "$old" >"$f" || { t_fail "$name" "default '$old' refused"; return; }
	t_pass "$name"
}

run() {
	local kv k v ok=1

	for kv in ErrorRecoveryLevel=1 ErrorRecoveryLevel=2 DataPDUInOrder=No \
		DataSequenceInOrder=No IFMarker=Yes OFMarker=Yes \
		IFMarkInt=2048~65535 OFMarkInt=1~65535 AuthMethod=CHAP,SRP \
		AuthMethod=KRB5,None; do
		k=${kv%%=*} v=${kv#*=}
		refused "param-refused-$k-${v//,/_}" "$T/param/$k" "$v" \
			"param/$k=$v refused: "
	done

	for kv in MaxOutstandingR2T=4 DefaultTime2Wait=5 DefaultTime2Retain=10 \
		InitialR2T=No AuthMethod=CHAP ErrorRecoveryLevel=0; do
		k=${kv%%=*} v=${kv#*=}
		echo "$v" >"$T/param/$k" && [ "$(cat "$T/param/$k")" = "$v" ] ||
			{ ok=0; echo "param/$k=$v not stored"; }
	done
	[ "$(log_lines "refused")" -eq 10 ] || { ok=0; echo "log lines for honoured values"; }
	if [ $ok = 1 ]; then t_pass param-honoured; else t_fail param-honoured; fi

	refused attrib-refused-tpg "$T/attrib/default_erl" 1 \
		"tpgt 1: attrib/default_erl=1 refused: zcit runs at ErrorRecoveryLevel 0"
	refused attrib-refused-acl "$ACL/attrib/default_erl" 2 \
		"acl $INI1: attrib/default_erl=2 refused: zcit runs at ErrorRecoveryLevel 0"

	warned attrib-warned-t10_pi "$T/attrib/t10_pi" 1 1 \
		"attrib/t10_pi=1 accepted, with no effect"
	warned attrib-warned-login_keys_workaround "$T/attrib/login_keys_workaround" 0 0 \
		"attrib/login_keys_workaround=0 accepted, with no effect"
	if [ -e "$T/attrib/netif_timeout" ]; then
		warned attrib-warned-netif_timeout "$T/attrib/netif_timeout" 5 7 \
			"attrib/netif_timeout=5 accepted, with no effect"
	fi
	warned attrib-warned-dataout_timeout_retries "$ACL/attrib/dataout_timeout_retries" 3 7 \
		"attrib/dataout_timeout_retries=3 accepted, with no effect"
	for k in random_datain_pdu_offsets random_datain_seq_offsets random_r2t_offsets; do
		warned "attrib-warned-$k" "$ACL/attrib/$k" 1 1 \
			"attrib/$k=1 accepted, with no effect"
	done
}

# restore_modified: a saved configuration with ErrorRecoveryLevel 1,
# default_erl 1 and t10_pi 1, restored with targetcli
restore_modified() {
	tcli "set global auto_save_on_exit=false" "saveconfig $W/saved.json" exit \
		>$W/save.log 2>&1 || { cat $W/save.log; return 1; }
	python3 - "$W/saved.json" "$W/edited.json" <<'EOF' || return
import json, sys
c = json.load(open(sys.argv[1]))
tpg = [t for t in c["targets"] if t["fabric"] == "iscsi"][0]["tpgs"][0]
tpg["parameters"]["ErrorRecoveryLevel"] = "1"
tpg["attributes"]["default_erl"] = 1
tpg["attributes"]["t10_pi"] = 1
json.dump(c, open(sys.argv[2], "w"), indent=2)
EOF
	"$LIO" clear >/dev/null 2>&1
	mkdir -p "$CFS/iscsi"
	tcli "set global auto_save_on_exit=false" "restoreconfig $W/edited.json" exit \
		>$W/restore.log 2>&1
	cat $W/restore.log
	grep -q "2 recoverable errors" $W/restore.log || { echo "not 2 recoverable errors"; return 1; }
	grep -q ErrorRecoveryLevel $W/restore.log || { echo "ErrorRecoveryLevel not reported"; return 1; }
	grep -q default_erl $W/restore.log || { echo "default_erl not reported"; return 1; }
	[ "$(cat "$T/param/ErrorRecoveryLevel")" = 0 ] || { echo "ErrorRecoveryLevel changed"; return 1; }
	[ "$(cat "$T/attrib/t10_pi")" = 1 ] || { echo "t10_pi not restored"; return 1; }
	[ -d "$T/lun/lun_0" ] && [ -d "$ACL" ] || { echo "LUN or ACL not restored"; return 1; }
}

# conn_cpu: the cpu= of the connection in Full Feature Phase
conn_cpu() {
	sed -n 's/.* state=ffp cpu=\([0-9]*\) .*/\1/p' /sys/kernel/debug/zcit/connections
}

# hold_session SUFFIX CPU [ARGS...]: in the background, a raw session of
# $INI1 to $IQN1 (iscsi-raw.py login ARGS) from a process pinned to CPU
# (none if ""), held until $W/release appears; it touches $W/ready<SUFFIX>
# once logged in and writes $W/raw<SUFFIX>.
hold_session() {
	local n=$1 cpu=$2
	shift 2
	rm -f "$W/ready$n"
	${cpu:+taskset -c "$cpu"} /usr/bin/python3 "$ZCIT_ROOT/tests/guest/iscsi-raw.py" login \
		--initiator "$INI1" --target "$IQN1" "$@" --hold 60 \
		--ready "$W/ready$n" --release "$W/release" >"$W/raw$n" 2>&1 &
}

cpus_allowed() {
	local f=$CFS/iscsi/cpus_allowed_list all cpu rc=0
	[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs"; return 1; }
	all=$(cat $f)
	# run() left AuthMethod=CHAP: back to None allowed for the raw login
	echo 0 >"$T/attrib/authentication" || return
	echo 1 >$f || return
	rm -f $W/release
	hold_session "" ""
	wait_for 10 test -e $W/ready || { cat $W/raw; return 1; }
	cpu=$(conn_cpu)
	echo "cpus_allowed_list 1: cpu=$cpu"
	[ "$cpu" = 1 ] || rc=1
	echo 0 >$f || rc=1
	cpu=$(conn_cpu)
	echo "cpus_allowed_list 0: cpu=$cpu"
	[ "$cpu" = 0 ] || rc=1
	touch $W/release
	wait
	cat $W/raw
	grep -q "logout response 0" $W/raw || rc=1
	echo "$all" >$f || rc=1
	return $rc
}

cpus_spread() {
	local i n rc=0 counts min max
	[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs"; return 1; }
	rm -f $W/release
	for i in 1 2 3 4; do
		hold_session $i 0 --isid 40000100002$i
		wait_for 10 test -e $W/ready$i || { cat $W/raw$i; rc=1; break; }
	done
	grep ' state=ffp ' /sys/kernel/debug/zcit/connections | sed 's/ target=.*//'
	n=$(grep -c ' state=ffp ' /sys/kernel/debug/zcit/connections)
	counts=$(for i in $(seq 0 $(($(nproc) - 1))); do
		grep -c " state=ffp cpu=$i " /sys/kernel/debug/zcit/connections
	done | sort -n)
	min=$(echo "$counts" | head -1) max=$(echo "$counts" | tail -1)
	echo "$n connections in Full Feature Phase; per CPU, fewest $min, most $max"
	[ "$n" = 4 ] && [ $((max - min)) -le 1 ] || rc=1
	touch $W/release
	wait
	for i in 1 2 3 4; do
		grep -q "logout response 0" $W/raw$i || { cat $W/raw$i; rc=1; }
	done
	return $rc
}

conn_on_cpu() { # CPU
	[ "$(conn_cpu)" = "$1" ]
}

cpus_follow() {
	local f=$CFS/iscsi/cpus_allowed_list all cpu rc=0
	[ "$(nproc)" -ge 2 ] || { echo "needs 2 CPUs"; return 1; }
	all=$(cat $f)
	echo 1 >$f || return
	rm -f $W/release
	hold_session "" 0 --isid 400001000031 --ping 0.1
	wait_for 10 test -e $W/ready || { cat $W/raw; echo "$all" >$f; return 1; }
	cpu=$(conn_cpu)
	echo "accepted with cpus_allowed_list 1: cpu=$cpu"
	[ "$cpu" = 1 ] || rc=1
	echo "$all" >$f || rc=1
	wait_for 5 conn_on_cpu 0 || rc=1
	echo "cpus_allowed_list $all, data arriving on CPU 0: cpu=$(conn_cpu)"
	touch $W/release
	wait
	cat $W/raw
	grep -q "logout response 0" $W/raw || rc=1
	# the last ping may be on its way when the logout goes out
	awk '/^pings/ { ok = $2 >= 10 && $4 >= $2 - 1 } END { exit !ok }' $W/raw || rc=1
	return $rc
}

zcit_only_start configure
run
t_check cpus-allowed cpus_allowed
t_check cpus-spread cpus_spread
t_check cpus-follow cpus_follow
t_check restore-modified restore_modified
"$LIO" clear >/dev/null 2>&1
rmdir "$CFS/iscsi" 2>/dev/null
t_check zcit-unload unload_zcit
t_done
