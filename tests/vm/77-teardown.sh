#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Bounded teardown (issue 13): disabling a TPG, removing a portal or an
# ACL, unmapping a LUN, clearing the configuration and unloading zcit each finish within a
# stated bound while an initiator misbehaves or a backend is slow.
#
# Target $IQN1, TPG 1, portal 127.0.0.1:3260, ACL $INI1 with LUN 0 = 64 MiB
# rd_mcp ("fast") and LUN 1 = iblock on a dm-delay device over a brd
# ramdisk that completes each I/O after $DELAY s ("slow"; created without
# the delay, which is loaded once the kernel's partition scan is over). The initiators are
# tests/guest/iscsi-teardown.py (raw PDUs): each sets a state up, prints
# READY and holds its socket without reading.
#
# Each scenario (fresh configuration each time) is one check
# <state>-<operation>: the operation returned within its bound (seconds,
# below), the target closed the initiator's connection (stuck-lun-unmap:
# kept it, the session goes on without the LUN), and, where a
# backend command held the teardown, the kernel log named it ("waiting
# for LIO core to release N command(s): ITT ..."). States:
#  stall-read   32 READ(10)s of 1 MiB from LUN 0, nothing read (the
#               target's socket buffer full: a zero window)
#  stuck        a READ(10) of LUN 1 in the slow backend
#  stuck-abort  the same with an ABORT TASK for it under way
#  half-login   the first Login Request answered, then silence
#  stuck2       two sessions of the ACL (two ISIDs), each with a READ(10)
#               of LUN 1 in the slow backend: removing the ACL must close
#               both at once (within $CLOSE_BOTH s), not one after the
#               other's commands are done
# Bounds: 8 s (zcit's 2 s Async logout wait, then the close) where nothing
# waits for the backend; the backend's $DELAY s + 8 s where LIO core must
# wait for a command. The hung task detector is set to 30 s for the test
# (vm.sh fails it on "blocked for more than"). Then: rmmod zcit within
# 10 s, and the times in a table (TEARDOWN lines).
# zcit-vm: timeout=400
set -u
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
. "$ZCIT_ROOT/tests/guest/cfs.sh"

W=/tmp/teardown
T=$CFS/iscsi/$IQN1/tpgt_1
ACL=$T/acls/$INI1
NP=$T/np/127.0.0.1:3260
DELAY=12
FAST=8
SLOW=$((DELAY + 8))
CLOSE_BOTH=4
HELPER=(/usr/bin/python3 "$ZCIT_ROOT/tests/guest/iscsi-teardown.py"
	--target "$IQN1" --initiator "$INI1")
mkdir -p $W
echo 30 >/proc/sys/kernel/hung_task_timeout_secs

SLOWDEV=/dev/mapper/zcit-slow
setup() {
	local n
	modprobe brd rd_nr=1 rd_size=65536 && modprobe dm_delay &&
		[ -b /dev/ram0 ] &&
		n=$(blockdev --getsz /dev/ram0) &&
		dmsetup create zcit-slow --noudevsync --table "0 $n delay /dev/ram0 0 0" &&
		dmsetup mknodes zcit-slow &&
		dmsetup reload zcit-slow --table "0 $n delay /dev/ram0 0 $((DELAY * 1000))" &&
		dmsetup resume --noudevsync zcit-slow &&
		[ -b $SLOWDEV ] &&
		load_fabric zcit
}

configure() {
	"$LIO" target "$IQN1" 1 &&
		"$LIO" portal "$IQN1" 1 127.0.0.1:3260 &&
		"$LIO" backstore rd fast 64 &&
		"$LIO" backstore iblock slow $SLOWDEV &&
		"$LIO" lun "$IQN1" 1 0 rd/fast &&
		"$LIO" lun "$IQN1" 1 1 iblock/slow &&
		"$LIO" acl "$IQN1" 1 "$INI1" 0=0 1=1 &&
		echo 0 >"$T/attrib/authentication"
}

# REMOVE_ACL: what targetcli does to delete an ACL (mapped LUNs first)
REMOVE_ACL=(bash -c 'for m in "$0"/lun_*; do
	for l in "$m"/*; do [ ! -L "$l" ] || rm "$l" || exit; done
	rmdir "$m" || exit
done
rmdir "$0"' "$ACL")

# UNMAP_LUN1: the ACL's mapped LUN 1 removed (what targetcli does)
UNMAP_LUN1=(bash -c 'for l in "$0"/*; do [ ! -L "$l" ] || rm "$l" || exit; done
rmdir "$0"' "$ACL/lun_1")

conns_up() { ss -Htn state established "( dport = :3260 )" | grep -q .; }
no_conns() { ! conns_up; }
since() { awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $1 }"; }

# scenario NAME BOUND MODE-ARGS -- OPERATION...: see the header; with
# PEERS=N, N initiators (ISIDs ...01 to ...0N) in that state, and with
# CLOSED_BY=S, all their connections closed within S s of the start
scenario() {
	local name=$1 bound=$2 args=() t0 t1 secs rc pid pids=() before i op gone=-
	shift 2
	while [ "$1" != -- ]; do args+=("$1"); shift; done
	shift
	if ! configure >$W/$name.cfg 2>&1; then
		t_fail "$name" "configure: $(tail -n 3 $W/$name.cfg)"
		"$LIO" clear >/dev/null 2>&1
		return
	fi
	before=$(dmesg | wc -l)
	for i in $(seq "${PEERS:-1}"); do
		"${HELPER[@]}" --isid "80000000000$i" "${args[@]}" >$W/$name.$i.out 2>&1 &
		pids+=($!)
	done
	pid=${pids[*]}
	for i in $(seq "${PEERS:-1}"); do
		wait_for 20 grep -q '^READY' $W/$name.$i.out && continue
		t_fail "$name" "initiator $i: $(tail -n 3 $W/$name.$i.out)"
		kill $pid 2>/dev/null
		"$LIO" clear >/dev/null 2>&1
		return
	done
	sleep 1
	t0=$(date +%s.%N)
	timeout $((bound + 60)) "$@" &
	op=$!
	# When did the last connection close (while the operation runs)?
	while kill -0 $op 2>/dev/null; do
		conns_up || { gone=$(since "$t0"); break; }
		sleep 0.1
	done
	wait $op
	rc=$?
	t1=$(date +%s.%N)
	secs=$(awk "BEGIN { printf \"%.1f\", $t1 - $t0 }")
	[ -n "${KEEP:-}" ] || [ "$gone" != - ] || ! wait_for 5 no_conns ||
		gone=$(since "$t0")
	dmesg | tail -n +$((before + 1)) >$W/$name.log
	echo "TEARDOWN $name: '$*' took ${secs}s (bound ${bound}s, exit $rc)," \
		"connections closed after ${gone}s; $(head -n 1 $W/$name.1.out)"
	sed "s/^/  $name| /" $W/$name.log
	if [ $rc -ne 0 ]; then
		t_fail "$name" "'$*' exited $rc after ${secs}s"
	elif awk "BEGIN { exit !($secs > $bound) }"; then
		t_fail "$name" "'$*' took ${secs}s, bound ${bound}s"
	elif [ -n "${KEEP:-}" ]; then
		if conns_up; then
			t_pass "$name"
		else
			t_fail "$name" "the connection was closed: $KEEP"
		fi
	elif [ "$gone" = - ]; then
		t_fail "$name" "the initiator's connection is still up"
	elif [ -n "${CLOSED_BY:-}" ] && awk "BEGIN { exit !($gone > $CLOSED_BY) }"; then
		t_fail "$name" "the last connection closed after ${gone}s, bound ${CLOSED_BY}s"
	elif [ -n "${HELD:-}" ] && ! grep -q "closed; waiting for LIO core to release $HELD: ITT 0x" $W/$name.log; then
		t_fail "$name" "no log line naming the command(s) waited for ($HELD)"
	else
		t_pass "$name"
	fi
	kill $pid 2>/dev/null
	wait $pid 2>/dev/null
	t0=$(date +%s.%N)
	t_check "$name-clear" timeout $((SLOW + 60)) "$LIO" clear
	echo "TEARDOWN $name-clear: $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $t0 }")s"
}

t_check setup setup || t_done

scenario stall-read-tpg-disable $FAST stall-read -- sh -c "echo 0 >$T/enable"
scenario stall-read-portal-remove $FAST stall-read -- rmdir "$NP"
scenario stall-read-acl-remove $FAST stall-read -- "${REMOVE_ACL[@]}"
scenario half-login-tpg-disable $FAST half-login -- sh -c "echo 0 >$T/enable"
scenario half-login-portal-remove $FAST half-login -- rmdir "$NP"
HELD="1 command" scenario stuck-tpg-disable $SLOW stuck --lun 1 -- sh -c "echo 0 >$T/enable"
HELD="2 commands" scenario stuck-abort-tpg-disable $SLOW stuck --lun 1 --abort -- \
	sh -c "echo 0 >$T/enable"
HELD="1 command" scenario stuck-acl-remove $SLOW stuck --lun 1 -- "${REMOVE_ACL[@]}"
PEERS=2 CLOSED_BY=$CLOSE_BOTH HELD="1 command" scenario stuck2-acl-remove $SLOW \
	stuck --lun 1 -- "${REMOVE_ACL[@]}"
KEEP="unmapping a LUN must not end the session" scenario stuck-lun-unmap $FAST \
	stuck --lun 1 -- "${UNMAP_LUN1[@]}"
scenario stuck-clear $SLOW stuck --lun 1 -- "$LIO" clear

rmdir "$CFS/iscsi" 2>/dev/null
t0=$(date +%s.%N)
t_check zcit-unload unload_zcit
echo "TEARDOWN rmmod: $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $t0 }")s"
t_check no-d-state sh -c "! ps -eo stat=,comm= | grep '^D'"
dmsetup remove --noudevsync zcit-slow
rmmod brd
t_done
