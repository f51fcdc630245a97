#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Soak (issue 13): $N sessions, one per initiator name (open-iscsi ifaces
# soak00..), each with its own LUN (a rd_mcp backstore of $MB MiB), run
# fio's mixed random reads and writes of mixed sizes at QD 32 with
# verify (crc32c, checked as it goes: verify_backlog) for $SECS s; every
# other session negotiates header and data digests. Meanwhile, faults:
# every 2-6 s one connection is reset (ss -K, the initiator's socket or
# the target's, in turn), and every $TPG_EVERY s the TPG is disabled for
# 3 s and enabled again. open-iscsi recovers (replacement_timeout 60 s),
# so no I/O may fail.
#
# Checks: fio ended with no error and every job did I/O; every session is
# logged in again at the end and the target counted at least one new
# login per TPG flap (reconnections); no reconnection of this one host's
# $N sessions was closed at accept (max_logins_per_host_hits, default
# bound 32: at 8, open-iscsi lost a session for good now and then);
# then, every session logged out: zcit
# holds nothing (<debugfs>/zcit/in_use: no connection, login, session),
# LIO shows no session, the kernel's live kmalloc objects (/proc/slabinfo,
# empty slabs given back first) grew by less than $SLAB_KIB KiB over the
# whole run (a leak of 64 bytes per I/O would be more: it does over
# 70000 I/Os), rmmod works, and the kernel log is
# clean. Prints one SOAK line: sessions, I/Os, faults, reconnections.
# ZCIT_SOAK_SECS (default 60) makes it longer. When I/O fails or a session
# does not come back, soak_diag shows why: every session's state on both
# sides, zcit's log and iscsid's log for the sessions that are not back.
# zcit-vm: timeout=900 mem=2G
set -u
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
. "$ZCIT_ROOT/tests/guest/cfs.sh"

W=/tmp/soak
N=16
MB=16
SECS=${ZCIT_SOAK_SECS:-60}
TPG_EVERY=20
SLAB_KIB=4096
PORTAL=127.0.0.1:3260
T=$CFS/iscsi/$IQN1/tpgt_1
DBG=/sys/kernel/debug/zcit
HITS=/sys/module/zcit/statistics/max_logins_per_host_hits
mkdir -p $W

ini() { printf 'iqn.2026-12.org.zcit.soak:host%02d' "$1"; }
up() { cut -d' ' -f1 /proc/uptime; }

configure() {
	local i
	load_fabric zcit || return
	"$LIO" target "$IQN1" 1 && "$LIO" portal "$IQN1" 1 $PORTAL || return
	for i in $(seq 0 $((N - 1))); do
		"$LIO" backstore rd "soak$i" $MB && "$LIO" lun "$IQN1" 1 "$i" "rd/soak$i" &&
			"$LIO" acl "$IQN1" 1 "$(ini "$i")" "0=$i" || return
	done
	echo 0 >"$T/attrib/authentication"
}

# One iface (own InitiatorName) and node record per session; digests on
# the odd ones.
setup_initiator() {
	local i f
	{
		echo "node.session.timeo.replacement_timeout = 60"
		echo "node.conn[0].timeo.noop_out_interval = 5"
		echo "node.conn[0].timeo.noop_out_timeout = 5"
		echo "node.conn[0].timeo.login_timeout = 10"
		echo "node.session.initial_login_retry_max = 2"
	} | ISCSID_LOG=$W/iscsid.log start_open_iscsi "$(ini 0)" || return
	for i in $(seq 0 $((N - 1))); do
		f=soak$(printf %02d "$i")
		iscsiadm -m iface -I "$f" -o new >/dev/null &&
			iscsiadm -m iface -I "$f" -o update -n iface.initiatorname \
				-v "$(ini "$i")" >/dev/null &&
			iscsiadm -m node -T "$IQN1" -p $PORTAL,1 -I "$f" -o new >/dev/null ||
			return
		[ $((i % 2)) = 1 ] || continue
		for k in HeaderDigest DataDigest; do
			iscsiadm -m node -T "$IQN1" -p $PORTAL,1 -I "$f" -o update \
				-n "node.conn[0].iscsi.$k" -v CRC32C >/dev/null || return
		done
	done
}

# disk_of I: /dev/sdX of session I's LUN 0
disk_of() {
	local s b
	for s in /sys/class/iscsi_session/session*; do
		[ "$(cat "$s/initiatorname" 2>/dev/null)" = "$(ini "$1")" ] || continue
		for b in "$s"/device/target*/*:0:0:0/block/*; do
			[ -b "/dev/${b##*/}" ] && echo "/dev/${b##*/}" && return 0
		done
	done
	return 1
}
all_disks() {
	local i
	for i in $(seq 0 $((N - 1))); do disk_of "$i" >/dev/null || return; done
}
logged_in() { [ "$(iscsiadm -m session -P 1 2>/dev/null | grep -c 'iSCSI Session State: LOGGED_IN')" = "$N" ]; }

login_all() {
	timeout 120 iscsiadm -m node -T "$IQN1" -L all >/dev/null || return
	wait_for 60 all_disks || return
	local i d
	for i in $(seq 0 $((N - 1))); do
		d=$(disk_of "$i")
		echo 60 >"/sys/block/${d#/dev/}/device/timeout"
	done
}

# digests_as_asked: the target's view (<debugfs>/zcit/connections)
digests_as_asked() {
	local i want line
	for i in $(seq 0 $((N - 1))); do
		want=none
		[ $((i % 2)) = 0 ] || want=crc32c
		line=$(grep " initiator=$(ini "$i") " $DBG/connections) || return
		grep -q "hdgst=$want ddgst=$want" <<<"$line" || { echo "$line"; return 1; }
	done
}

# soak_diag: the initiator's sessions that are not logged in (with the
# last lines iscsid logged about them), every session on zcit's side,
# what zcit holds, and zcit's last log lines
soak_diag() {
	local s id ini
	echo "soak-diag: sessions not logged in ($(up)s):"
	for s in /sys/class/iscsi_session/session*; do
		id=${s##*session}
		ini=$(cat "$s/initiatorname" 2>/dev/null)
		iscsiadm -m session -r "$id" -P 1 2>/dev/null |
			grep -q 'iSCSI Session State: LOGGED_IN' && continue
		echo "  session$id $ini state=$(cat "$s/state" 2>/dev/null)" \
			"conn=$(cat /sys/class/iscsi_connection/connection"$id":*/state 2>/dev/null)"
		grep -E "connection$id:|session ?$id([^0-9]|\$)" $W/iscsid.log | tail -n 15 |
			sed 's/^/    iscsid| /'
	done
	echo "soak-diag: zcit connections:"
	sed 's/^/  /' $DBG/connections
	echo "soak-diag: zcit in_use: $(tr '\n' ' ' <$DBG/in_use)"
	echo "soak-diag: zcit log (last 40 lines):"
	dmesg | grep -E 'zcit|connection[0-9]+:|session[0-9]+:' | tail -n 40 |
		sed 's/^/  /'
}

accepts() { cat "$CFS/iscsi/$IQN1/fabric_statistics/iscsi_login_stats/accepts"; }
# slab_snap FILE: live bytes per slab cache (dentries and inodes dropped,
# empty slabs given back first)
slab_snap() {
	local f
	echo 2 >/proc/sys/vm/drop_caches
	for f in /sys/kernel/slab/*/shrink; do echo 1 >"$f" 2>/dev/null; done
	awk 'NR > 2 { print $1, $2 * $4 }' /proc/slabinfo | sort >"$1"
}
# slab_growth A B: KiB more in live kmalloc objects (where zcit's and LIO
# core's per-session and per-command memory is) in B than in A; the five
# caches that grew most, of any kind and of kmalloc, on stderr
slab_growth() {
	join "$1" "$2" | awk '{ print $3 - $2, $1 }' | sort -rn | head -n 5 |
		awk '{ printf "  %s +%d KiB\n", $2, $1 / 1024 }' >&2
	join "$1" "$2" | awk '/^kmalloc/ { print $3 - $2, $1 }' | sort -rn |
		head -n 5 | awk '{ printf "  %s +%d KiB\n", $2, $1 / 1024 }' >&2
	join "$1" "$2" | awk '/^kmalloc/ { d += $3 - $2 } END { printf "%d\n", d / 1024 }'
}
in_use_zero() { ! grep -qv ' 0$' $DBG/in_use; }
no_lio_session() { ! grep -q 'InitiatorName:' "$T"/acls/*/info; }

fio_start() {
	local i args=()
	for i in $(seq 0 $((N - 1))); do
		args+=(--name="s$i" --filename="$(disk_of "$i")")
	done
	fio --ioengine=libaio --direct=1 --iodepth=32 --rw=randrw --rwmixread=50 \
		--bssplit=4k/50:16k/20:64k/20:256k/10 --time_based --runtime="$SECS" \
		--verify=crc32c --verify_backlog=128 --verify_fatal=1 \
		--verify_state_save=0 --randrepeat=0 --output-format=json \
		--output=$W/fio.json "${args[@]}" >$W/fio.err 2>&1 &
	fio_pid=$!
}

# fio_result: "<errors> <jobs with no I/O> <I/Os>" over every job
fio_result() {
	python3 - $W/fio.json <<-'EOF' 2>/dev/null || echo "- - -"
	import json, sys
	t = open(sys.argv[1]).read()
	jobs = json.loads(t[t.index('{'):])["jobs"]
	ios = [j["read"]["total_ios"] + j["write"]["total_ios"] for j in jobs]
	print(sum(j["error"] != 0 for j in jobs), sum(n == 0 for n in ios), sum(ios))
	EOF
}

# reset_one SIDE: reset one established iSCSI connection, from the
# initiator's socket ("ini") or the target's ("tgt")
reset_one() {
	local p
	p=$(ss -Htn state established "( dport = :3260 )" | awk '{ print $3 }' |
		sed 's/.*://' | shuf -n 1)
	[ -n "$p" ] || return 1
	if [ "$1" = ini ]; then
		ss -K -tn "( sport = :$p and dport = :3260 )" >/dev/null
	else
		ss -K -tn "( sport = :3260 and dport = :$p )" >/dev/null
	fi
}

faults() {
	local end=$((SECONDS + SECS - 15)) next_tpg=$((SECONDS + TPG_EVERY)) side=ini
	kills=0 flaps=0
	while [ $SECONDS -lt $end ] && kill -0 $fio_pid 2>/dev/null; do
		sleep "$(shuf -i 2-6 -n 1)"
		if [ $SECONDS -ge $next_tpg ]; then
			echo "soak: TPG disabled ($(up)s)"
			echo 0 >"$T/enable" && sleep 3 && echo 1 >"$T/enable" || return
			echo "soak: TPG enabled ($(up)s)"
			flaps=$((flaps + 1))
			next_tpg=$((SECONDS + TPG_EVERY))
		elif reset_one $side; then
			kills=$((kills + 1))
			[ $side = ini ] && side=tgt || side=ini
		fi
	done
}

zcit_only_start configure
t_check initiator setup_initiator || t_done
slab_snap $W/slab0
t_check login login_all || t_done
t_check digests digests_as_asked
acc0=$(accepts)
echo "soak: $N sessions, fio for ${SECS}s ($(up)s)"
fio_start
faults
t_check faults-injected test "$kills" -gt 0 -a "$flaps" -gt 0
fio_rc=0
wait $fio_pid || fio_rc=$?
read -r errs idle ios <<<"$(fio_result)"
[ "$fio_rc" = 0 ] || sed 's/^/  fio| /' $W/fio.err | tail -n 20
t_check fio-no-error test "$fio_rc" = 0 -a "$errs" = 0
t_check fio-every-disk test "$idle" = 0
t_check all-back wait_for 90 logged_in
[ "$fio_rc" = 0 ] && [ "$errs" = 0 ] && logged_in || soak_diag
reconn=$(($(accepts) - acc0))
t_check reconnected test "$reconn" -ge "$flaps"
t_check never-closed-at-accept test "$(cat $HITS)" = 0
echo "SOAK sessions=$N initiators=$N digests=$((N / 2)) secs=$SECS ios=$ios" \
	"connection_resets=$kills tpg_flaps=$flaps reconnections=$reconn"

timeout 120 iscsiadm -m node --logoutall=all >/dev/null 2>&1
t_check in-use-zero wait_for 30 in_use_zero || cat $DBG/in_use
t_check lio-no-session no_lio_session
sleep 2
slab_snap $W/slab1
grew=$(slab_growth $W/slab0 $W/slab1 2>$W/slab-top)
echo "SOAK slab: live kmalloc objects grew by $grew KiB from before the logins to after the logouts; most (all caches, then kmalloc):"
cat $W/slab-top
t_check slab-back test "$grew" -lt $SLAB_KIB
t_check clear "$LIO" clear
rmdir "$CFS/iscsi" 2>/dev/null
t_check zcit-unload unload_zcit
t_check kernel-log-clean kernel_log_clean
t_done
