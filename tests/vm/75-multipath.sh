#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# dm-multipath over two iSCSI paths, under faults (issue 13, the seed's
# multipath): nothing is lost and I/O keeps flowing when a path, a
# connection, a TPG, a LUN mapping or an ALUA state changes under load.
#
# Target (targetcli, as a user would): one 256 MiB ramdisk, two ALUA target
# port groups on it (pg1, id 1; pg2, id 2; implicit ALUA only, so that the
# initiator cannot undo a state change with SET TARGET PORT GROUPS),
# exported as LUN 0 of $IQN1 (portal 127.0.0.1:3260, LUN in pg1: path 1)
# and $IQN2 (127.0.0.2:3260, pg2: path 2); a second, 128 MiB ramdisk as
# LUN 1 of both (for the lun fault); ACL $INI1 on both, no
# authentication. Both paths of a LUN show the same LU (LIO core's VPD
# 0x83 of the one backstore): two maps.
# Then the second topology ("one"): one target, $IQN1, whose TPG has both
# portals (127.0.0.1 and 127.0.0.2:3260) and LUN 0 on the 256 MiB
# ramdisk: open-iscsi logs in once per portal, two sessions of one ACL
# (two ISIDs), one map; its faults are named one-<fault>.
# Initiator: open-iscsi (iscsid in the guest) finds both by SendTargets and
# logs in with replacement_timeout 5 s and NOP-Out pings every 2 s (3 s
# timeout); systemd-udevd and multipathd (the built-in LIO-ORG settings:
# group_by_prio, prio alua, "1 alua" handler, failback immediate,
# no_path_retry 12; here with polling_interval 2) make one map.
#
# For each fault, fio (libaio, direct, QD 16, random writes of mixed sizes
# 4k/16k/64k/256k, write rate capped so the write phase outlasts the fault
# and the repair, then a full read-back with verify=crc32c) runs on
# /dev/mapper/<map> while the fault is made on path 2 and repaired.
# A fault's run passes when fio ends with no error and its verify clean,
# the fault took effect (the path failed in dm-multipath, its device went
# away, its ALUA state or its connection changed), the path is
# "active ready" in multipathd again after the repair and carries I/O
# again, and the longest write completion (fio's clat max) stayed under
# the bound: replacement_timeout + $ZCIT_MPATH_SLACK (default 3 s),
# plus the NOP-Out interval and timeout for a silent path (blackhole).
# Faults (ZCIT_MPATH_FAULTS picks some; ZCIT_MPATH_FULL=1 runs all, and
# iscsi_target_mod too):
#  tpg           echo 0 >tpgt_1/enable, until the path fails; enable again
#  portal        rmdir np/127.0.0.2:3260, until the path fails; mkdir again
#  rst           ss -K the target's TCP connections of path 2 (RST)
#  logout        iscsiadm --logout of path 2 under I/O; --login again
#  lun           LUN 1 of $IQN2 removed (ACL mapping and TPG LUN), until
#                the path fails; created again; fio on LUN 1's map (see
#                run_fault on why not LUN 0)
#  alua          pg2 set to Standby, until the path is a ghost (I/O moves
#                to path 1); Active/Optimized again
#  alua-unavail  (full) the same with Unavailable
#  blackhole     (full) tc netem 100% loss on 127.0.0.2 until the
#                initiator fails the path (NOP-Out timeout, then
#                replacement_timeout); removed
#  both          (full) path 1, then path 2 (TPG disabled and enabled),
#                never both at once, in one fio run
#  one-portal    (one target) rmdir np/127.0.0.2:3260 of the TPG both
#                paths use: only path 2's connection ends; mkdir again
#  one-rst       (one target, full) ss -K of path 2's connections
#  one-logout    (one target, full) logout and login of path 2
# (ZCIT_MPATH_ONE_FAULTS picks the one-target faults; "" skips it)
# Checks: <fab>-configure, <fab>-login (both sessions), <fab>-map (a map
# for each LUN, two paths active ready, one WWID), zcit-<fault>; at the end a
# table of every fault on each fabric (stall, time until the path failed,
# recovery time after the repair, how long the fault's own configfs or
# iscsiadm action took). iscsi_target_mod's results are only reported
# ("INFO lio-<fault> ..."): by default only zcit runs (budget), with
# ZCIT_MPATH_FABRICS="zcit lio" or ZCIT_MPATH_FULL=1 both.
# Then for each fabric: map flushed, logout, no session left, configfs
# cleared, module unloaded; a clean kernel log.
# zcit-vm: timeout=1500 mem=2G
set -u
# shellcheck source=tests/lib/guest-lib.sh
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
# shellcheck source=tests/guest/cfs.sh
. "$ZCIT_ROOT/tests/guest/cfs.sh"

FULL=${ZCIT_MPATH_FULL:-0}
if [ "$FULL" = 1 ]; then
	DEF_FAULTS="tpg portal rst logout lun alua alua-unavail blackhole both"
	DEF_FABRICS="zcit lio"
else
	DEF_FAULTS="tpg portal rst logout lun alua"
	DEF_FABRICS="zcit"
fi
FAULTS=${ZCIT_MPATH_FAULTS:-$DEF_FAULTS}
if [ "$FULL" = 1 ]; then
	DEF_ONE="one-portal one-rst one-logout"
else
	DEF_ONE="one-portal"
fi
ONE_FAULTS=${ZCIT_MPATH_ONE_FAULTS-$DEF_ONE}
FABRICS=${ZCIT_MPATH_FABRICS:-$DEF_FABRICS}
# KiB/s of fio's write phase. The debug kernel (KASAN, lockdep, kmemleak)
# is ~3x slower and its paths take up to ~9x longer to come back (logout:
# 21 s): the same amount written at a quarter of the rate keeps fio going
# until they do.
case $(uname -r) in
*-zcitdbg-*) RATE=${ZCIT_MPATH_RATE:-1536} ;;
*) RATE=${ZCIT_MPATH_RATE:-6144} ;;
esac
SLACK=${ZCIT_MPATH_SLACK:-3}	# s over the initiator's timeouts

# The initiator's timeouts (iscsid.conf) the stall bound follows from.
REPL=5 NOOP_INT=2 NOOP_TMO=3

PORT=3260
ADDR=(- 127.0.0.1 127.0.0.2)
TGT=() LUNS=()	# topo
PG=(- pg1 pg2)
BS=mp0
BS_MB=256
# (a backstore's configfs directory: bsd NAME; rtslib gives each ramdisk
# an HBA of its own, rd_mcp_<n>)
# LUN 1 (the "lun" fault's): a second ramdisk, default ALUA group
BS1=mp1
BS1_MB=128
LUN=0	# the LUN the current fault runs on (dev_of)
W=/tmp/mpath
mkdir -p $W

# Seconds each fault's write phase lasts (fio's size = 6 MiB/s * this,
# written at RATE): the fault, its effect, the repair and the recovery must
# fit in it.
declare -A WSEC=([tpg]=22 [portal]=22 [rst]=12 [logout]=14 [lun]=16
	[alua]=16 [alua-unavail]=16 [blackhole]=30 [both]=36
	[one-portal]=22 [one-rst]=12 [one-logout]=14)
declare -A RES TAB

up() { cut -d' ' -f1 /proc/uptime; }
now() { local t=$EPOCHREALTIME; echo $((${t/./} / 1000)); } # ms
tpgd() { echo "$CFS/iscsi/${TGT[$1]}/tpgt_1"; }
bsd() { local d; for d in "$CFS"/core/rd_mcp_*/"$1"; do [ -d "$d" ] && echo "$d"; done; }

# ---- the initiator's view of a path ----

# dev_of P: sdX of LUN $LUN in path P's session (its target, logged in
# through its portal address)
dev_of() {
	local s b
	for s in /sys/class/iscsi_session/session*; do
		[ "$(cat "$s/targetname" 2>/dev/null)" = "${TGT[$1]}" ] || continue
		grep -qx "${ADDR[$1]}" "$s"/device/connection*/iscsi_connection/connection*/persistent_address \
			2>/dev/null || continue
		for b in "$s"/device/target*/*:0:0:"$LUN"/block/*; do
			[ -e "$b" ] && echo "${b##*/}" && return 0
		done
	done
	return 1
}

# mp_paths: "dev|dm_state|checker_state|priority" for each path
mp_paths() { multipathd show paths raw format "%d|%t|%T|%p" 2>/dev/null | tr -d ' '; }

# path_state P: "dm_state/checker_state/priority" of path P ("active/ready/50"),
# "gone" without a device, "unknown" if multipathd does not list it
path_state() {
	local d
	d=$(dev_of "$1") || { echo gone; return; }
	mp_paths | awk -F'|' -v d="$d" '$1 == d { print $2 "/" $3 "/" $4; f = 1 }
		END { if (!f) print "unknown" }'
}

path_up() { case $(path_state "$1") in active/ready/*) return 0 ;; esac; return 1; }
both_up() { path_up 1 && path_up 2; }
# path_is P STATE: path P is in STATE again (its state before the fault:
# active, ready, and the same ALUA priority)
path_is() { [ "$(path_state "$1")" = "$2" ]; }

# fail_count P: dm-multipath's failure count of path P's device
fail_count() {
	local d mm
	d=$(dev_of "$1") || { echo -; return; }
	mm=$(cat "/sys/block/$d/dev")
	dmsetup status "$MAP" 2>/dev/null |
		awk -v mm="$mm" '{ for (i = 1; i < NF; i++) if ($i == mm) { print $(i + 2); exit } }'
}

# path_ios P: reads + writes completed on path P's device
path_ios() {
	local d
	d=$(dev_of "$1") || { echo 0; return; }
	awk '{ print $1 + $5 }' "/sys/block/$d/stat"
}

# conn_port P: the initiator's local TCP port of path P ("" if none)
conn_port() {
	ss -Htn state established dst "${ADDR[$1]}" dport = :$PORT 2>/dev/null |
		awk '{ sub(/.*:/, "", $3); print $3; exit }'
}

# map_of_lun: the map of LUN $LUN (the one holding path 1's device)
map_of_lun() {
	local d
	d=$(dev_of 1) || return
	multipathd show paths raw format "%d|%m" 2>/dev/null | tr -d ' ' |
		awk -F'|' -v d="$d" '$1 == d { print $2 }'
}

# ---- the target ----

# topo two|one: the paths' targets and the LUNs of a topology (set in
# the script's shell, not in a check's subshell)
topo() {
	case $1 in
	two) TGT=(- "$IQN1" "$IQN2") LUNS=(0 1) ;;
	one) TGT=(- "$IQN1" "$IQN1") LUNS=(0) ;;
	esac
}

# What both topologies' targetcli sessions begin with: no saving, no
# default portal, LUNs mapped to ACLs, the 256 MiB ramdisk.
TCLI_START=("set global auto_save_on_exit=false"
	"set global auto_add_default_portal=false"
	"set global auto_add_mapped_luns=true"
	"/backstores/ramdisk create name=$BS size=${BS_MB}M")

configure() {
	local p
	load_fabric "$fab" || return
	tcli "${TCLI_START[@]}" \
		"/backstores/ramdisk/$BS/alua create pg1 1" \
		"/backstores/ramdisk/$BS/alua create pg2 2" \
		"/backstores/ramdisk/$BS/alua/pg1 set alua alua_access_type=1" \
		"/backstores/ramdisk/$BS/alua/pg2 set alua alua_access_type=1" \
		"/backstores/ramdisk create name=$BS1 size=${BS1_MB}M" \
		"/iscsi create $IQN1" \
		"/iscsi/$IQN1/tpg1/portals create ${ADDR[1]} $PORT" \
		"/iscsi/$IQN1/tpg1/luns create /backstores/ramdisk/$BS lun=0" \
		"/iscsi/$IQN1/tpg1/luns/lun0 set alua alua_tg_pt_gp_name=pg1" \
		"/iscsi/$IQN1/tpg1/luns create /backstores/ramdisk/$BS1 lun=1" \
		"/iscsi/$IQN1/tpg1/acls create $INI1" \
		"/iscsi/$IQN1/tpg1 set attribute authentication=0" \
		"/iscsi create $IQN2" \
		"/iscsi/$IQN2/tpg1/portals create ${ADDR[2]} $PORT" \
		"/iscsi/$IQN2/tpg1/luns create /backstores/ramdisk/$BS lun=0" \
		"/iscsi/$IQN2/tpg1/luns/lun0 set alua alua_tg_pt_gp_name=pg2" \
		"/iscsi/$IQN2/tpg1/luns create /backstores/ramdisk/$BS1 lun=1" \
		"/iscsi/$IQN2/tpg1/acls create $INI1" \
		"/iscsi/$IQN2/tpg1 set attribute authentication=0" \
		"ls" "exit"
	# targetcli exits 0 whatever happened: check configfs.
	for p in 1 2; do
		[ -d "$(tpgd "$p")/np/${ADDR[$p]}:$PORT" ] &&
			[ -d "$(tpgd "$p")/acls/$INI1/lun_0" ] &&
			[ -d "$(tpgd "$p")/acls/$INI1/lun_1" ] &&
			[ "$(cat "$(tpgd "$p")/enable")" = 1 ] &&
			head -n1 "$(tpgd "$p")/lun/lun_0/alua_tg_pt_gp" | grep -q "${PG[$p]}" || return
	done
	[ "$(cat "$(bsd "$BS")/alua/pg1/tg_pt_gp_id")" = 1 ] &&
		[ "$(cat "$(bsd "$BS")/alua/pg2/tg_pt_gp_id")" = 2 ] &&
		[ "$(cat "$(bsd "$BS")/alua/pg2/alua_access_type")" = "Implicit" ]
}

# configure_one: the one-target topology (one TPG, both portals, LUN 0)
configure_one() {
	local p
	load_fabric "$fab" || return
	tcli "${TCLI_START[@]}" \
		"/iscsi create $IQN1" \
		"/iscsi/$IQN1/tpg1/portals create ${ADDR[1]} $PORT" \
		"/iscsi/$IQN1/tpg1/portals create ${ADDR[2]} $PORT" \
		"/iscsi/$IQN1/tpg1/luns create /backstores/ramdisk/$BS lun=0" \
		"/iscsi/$IQN1/tpg1/acls create $INI1" \
		"/iscsi/$IQN1/tpg1 set attribute authentication=0" \
		"ls" "exit"
	for p in 1 2; do
		[ -d "$(tpgd "$p")/np/${ADDR[$p]}:$PORT" ] || return
	done
	[ -d "$(tpgd 1)/acls/$INI1/lun_0" ] && [ "$(cat "$(tpgd 1)/enable")" = 1 ]
}

# ---- the initiator ----

setup_initiator() {
	{
		echo "node.session.scan = auto"
		echo "node.session.timeo.replacement_timeout = $REPL"
		echo "node.conn[0].timeo.noop_out_interval = $NOOP_INT"
		echo "node.conn[0].timeo.noop_out_timeout = $NOOP_TMO"
		echo "node.conn[0].timeo.login_timeout = 5"
		echo "node.conn[0].timeo.logout_timeout = 5"
		echo "node.session.err_timeo.abort_timeout = 5"
		echo "node.session.err_timeo.lu_reset_timeout = 5"
		echo "node.session.err_timeo.tgt_reset_timeout = 5"
		echo "node.session.initial_login_retry_max = 2"
	} | start_open_iscsi "$INI1" || return
	modprobe -a dm_multipath dm_round_robin dm_service_time scsi_dh_alua sch_netem ||
		return
	mkdir -p /etc/multipath
	cat >/etc/multipath.conf <<-EOF
	defaults {
		user_friendly_names yes
		find_multipaths no
		polling_interval 2
		skip_kpartx yes
	}
	EOF
	/lib/systemd/systemd-udevd --daemon || return
	udevadm trigger --subsystem-match=block --action=add
	udevadm settle -t 30
	multipathd || return
	wait_for 20 sh -c 'multipathd show daemon 2>/dev/null | grep -q "running\|idle"'
}

login_both() {
	iscsiadm -m node -o delete >/dev/null 2>&1
	timeout 30 iscsiadm -m discovery -t st -p "${ADDR[1]}:$PORT" || return
	timeout 60 iscsiadm -m node -L all || return
	for LUN in "${LUNS[@]}"; do
		wait_for 30 both_devs || return
	done
}
both_devs() { [ -n "$(dev_of 1)" ] && [ -n "$(dev_of 2)" ]; }

# map_ok: a map for each LUN (two: LUN 0 and LUN 1; one target: one),
# each with both paths "active ready" and one WWID (path 1's and path 2's
# device report the same)
map_ok() {
	local wa wb m
	for LUN in "${LUNS[@]}"; do
		wait_for 40 both_up || { mp_paths; multipath -ll; return 1; }
		m=$(map_of_lun)
		[ -n "$m" ] && [ -b "/dev/mapper/$m" ] || return
		[ "$(multipath -ll "$m" | grep -c 'active ready running')" = 2 ] || return
		wa=$(/lib/udev/scsi_id -g -u "/dev/$(dev_of 1)")
		wb=$(/lib/udev/scsi_id -g -u "/dev/$(dev_of 2)")
		echo "LUN $LUN: WWIDs $wa $wb, map $m"
		[ -n "$wa" ] && [ "$wa" = "$wb" ] || return
	done
	[ "$(multipathd show maps raw format "%n" | wc -l)" = ${#LUNS[@]} ]
}

# ---- faults: <name>_down P, <name>_up P ----

tpg_down() { echo 0 >"$(tpgd "$1")/enable"; }
tpg_up() { echo 1 >"$(tpgd "$1")/enable"; }
portal_down() { rmdir "$(tpgd "$1")/np/${ADDR[$1]}:$PORT"; }
portal_up() { mkdir "$(tpgd "$1")/np/${ADDR[$1]}:$PORT"; }
logout_down() { timeout 30 iscsiadm -m node -T "${TGT[$1]}" -p "${ADDR[$1]}:$PORT" --logout; }
logout_up() { timeout 30 iscsiadm -m node -T "${TGT[$1]}" -p "${ADDR[$1]}:$PORT" --login; }
# LUN 1 of path P's target: its ACL mapping and the TPG LUN removed, as
# "luns delete lun1" does; then created again, as "luns create" does.
lun_down() {
	local t
	t=$(tpgd "$1")
	find "$t/acls/$INI1/lun_1" -maxdepth 1 -type l -delete &&
		rmdir "$t/acls/$INI1/lun_1" &&
		find "$t/lun/lun_1" -maxdepth 1 -type l -delete && rmdir "$t/lun/lun_1"
}
lun_up() {
	local t
	t=$(tpgd "$1")
	mkdir "$t/lun/lun_1" && ln -s "$(bsd "$BS1")" "$t/lun/lun_1/$BS1" &&
		mkdir "$t/acls/$INI1/lun_1" && ln -s "$t/lun/lun_1" "$t/acls/$INI1/lun_1/map"
}
alua_set() { echo "$2" >"$(bsd "$BS")/alua/${PG[$1]}/alua_access_state"; }
alua_down() { alua_set "$1" 2; }	# Standby
alua_up() { alua_set "$1" 0; }	# Active/Optimized
alua-unavail_down() { alua_set "$1" 3; }
alua-unavail_up() { alua_set "$1" 0; }
# A prio root qdisc on lo whose fourth band (unused by the priomap) is
# netem 100% loss; u32 filters send path P's address there, both ways.
blackhole_down() {
	local a=${ADDR[$1]}
	tc qdisc add dev lo root handle 1: prio bands 4 priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1 &&
		tc qdisc add dev lo parent 1:4 handle 40: netem loss 100% &&
		tc filter add dev lo parent 1: protocol ip prio 1 u32 match ip dst "$a/32" flowid 1:4 &&
		tc filter add dev lo parent 1: protocol ip prio 1 u32 match ip src "$a/32" flowid 1:4
}
blackhole_up() { tc qdisc del dev lo root; }

# path_hit P FC0 DEV0: path P shows the fault: failed in dm-multipath
# (state or failure count above FC0), its device DEV0 gone or replaced,
# or an ALUA ghost (standby/unavailable); prints how.
path_hit() {
	local st fc d
	st=$(path_state "$1") fc=$(fail_count "$1") d=$(dev_of "$1")
	if [ "$d" != "$3" ]; then
		echo "device $3 gone${d:+, now $d}"
	elif [ "$fc" != "$2" ] && [ "$fc" != - ]; then
		echo "failed in dm ($2 -> $fc failures, $st)"
	else
		case $st in
		failed/* | */ghost/*) echo "state $st" ;;
		*) return 1 ;;
		esac
	fi
}

# fault_seq KIND P: make fault KIND on path P, hold it until the path
# shows it (at most 40 s), repair, wait until the path is active ready
# again; appends "P down_ms rec_ms op_ms ios effect" to $W/seq (ios: the
# path's I/O count once back; effect: how the fault showed, "-" if not).
fault_seq() {
	local k=$1 p=$2 fc0 dev0 st0 t0 t1 tr tu td=- rec=- ios=- eff='' end
	fc0=$(fail_count "$p") dev0=$(dev_of "$p") st0=$(path_state "$p")
	echo "  [$(up)s] $k on path $p (dev $dev0, $(path_state "$p"), failures $fc0)"
	t0=$(now)
	"${k}_down" "$p" || echo "  ${k}_down failed"
	t1=$(now)
	echo "  [$(up)s] ${k}_down took $((t1 - t0)) ms"
	end=$((t0 + 40000))
	while [ "$(now)" -lt $end ]; do
		eff=$(path_hit "$p" "$fc0" "$dev0") && td=$(($(now) - t0)) && break
		eff=''
		sleep 0.2
	done
	echo "  [$(up)s] effect after ${td} ms: ${eff:-none within 40 s}"
	sleep 1
	tr=$(now)
	"${k}_up" "$p" || echo "  ${k}_up failed"
	tu=$(now)
	echo "  [$(up)s] ${k}_up took $((tu - tr)) ms"
	if wait_for 60 path_is "$p" "$st0"; then
		rec=$(($(now) - tr))
		ios=$(path_ios "$p")
	fi
	echo "  [$(up)s] path $p: $(path_state "$p") ($(dev_of "$p")), recovery $rec ms"
	eff=${eff:--}
	echo "$p $td $rec $((t1 - t0 > tu - tr ? t1 - t0 : tu - tr)) $ios ${eff// /_}" >>$W/seq
}

new_conn() { local c; c=$(conn_port "$1"); [ -n "$c" ] && [ "$c" != "$2" ]; }

# rst_seq P: the target's TCP connections of path P reset (ss -K, RST to
# the initiator); the effect is a new connection, the recovery time until
# the path is active ready on it.
rst_seq() {
	local p=$1 port0 out n t0 t1 rec=- eff=- ios=- st0
	port0=$(conn_port "$p") st0=$(path_state "$p")
	t0=$(now)
	out=$(ss -K -Htn src "${ADDR[$p]}" sport = :$PORT 2>&1)
	t1=$(now)
	n=$(printf '%s\n' "$out" | grep -c .)
	echo "  [$(up)s] ss -K: $n connection(s) of the target killed (initiator port was $port0)"
	if wait_for 60 new_conn "$p" "$port0" && wait_for 60 path_is "$p" "$st0"; then
		rec=$(($(now) - t0))
		ios=$(path_ios "$p")
		[ "$n" = 0 ] || eff="$n reset, new connection from port $(conn_port "$p")"
	fi
	echo "  [$(up)s] path $p: $(path_state "$p"), recovery $rec ms: $eff"
	echo "$p - $rec $((t1 - t0)) $ios ${eff// /_}" >>$W/seq
}

# ---- one fault under fio ----

fio_start() { # NAME SIZE_MB
	rm -f "$W/fio-$1".*
	fio --name="$1" --filename="/dev/mapper/$MAP" --ioengine=libaio --direct=1 \
		--iodepth=16 --rw=randwrite --bssplit=4k/40:16k/25:64k/20:256k/15 \
		--size="$2M" --rate=,"${RATE}k" --verify=crc32c --do_verify=1 \
		--verify_fatal=1 --verify_state_save=0 --randrepeat=0 \
		--output-format=json --output="$W/fio-$1.json" >"$W/fio-$1.err" 2>&1 &
	fio_pid=$!
}

# fio_json NAME: "error write_clat_max_ms write_MiB read_MiB read_clat_max_ms"
fio_json() {
	python3 - "$W/fio-$1.json" <<-'EOF' 2>/dev/null || echo "- - - - -"
	import json, sys
	t = open(sys.argv[1]).read()
	j = json.loads(t[t.index('{'):])["jobs"][0]
	w, r = j["write"], j["read"]
	print(j["error"], w["clat_ns"]["max"] // 1000000, w["io_bytes"] >> 20,
	      r["io_bytes"] >> 20, r["clat_ns"]["max"] // 1000000)
	EOF
}

ios_above() { [ "$(path_ios "$1")" -gt "$2" ]; }

run_fault() {
	local f=$1 k=${1#one-} mb fio_rc=0 err stall wmb rmb rmax down rec op bound why=()
	local p td r ios eff n fc1
	echo "---- $fab fault $f ($(up)s)"
	# The lun fault removes a LUN other than 0: without a LUN 0, LIO core
	# answers for a read-only virtual LUN 0, whose WRITE PROTECTED sense
	# is a target error, not a path error: dm-multipath would pass the
	# write's error up instead of retrying on the other path.
	LUN=0
	[ "$f" != lun ] || LUN=1
	MAP=$(map_of_lun)
	echo "  LUN $LUN, map $MAP"
	if ! wait_for 60 both_up; then
		mp_paths
		RES[$fab,$f]="FAIL paths not both active before the fault"
		TAB[$fab,$f]="- - - - not-run"
		return
	fi
	mb=$((6 * WSEC[$f]))
	: >$W/seq
	fc1=$(fail_count 1)
	fio_start "$f" "$mb"
	# I/O flows on path 2 before the fault.
	wait_for 20 ios_above 2 $(($(path_ios 2) + 20)) ||
		echo "  little I/O on path 2 before the fault"
	case $k in
	rst) rst_seq 2 ;;
	both) fault_seq tpg 1 && fault_seq tpg 2 ;;
	*) fault_seq "$k" 2 ;;
	esac
	kill -0 $fio_pid 2>/dev/null ||
		why+=("fio had ended when the path was back: write phase too short")
	# A path back carries I/O again while fio writes or verifies.
	while read -r p td r _ ios eff; do
		[ "$ios" = - ] || wait_for 10 ios_above "$p" "$ios" ||
			why+=("no I/O on path $p after its recovery")
	done <$W/seq
	wait $fio_pid || fio_rc=$?
	read -r err stall wmb rmb rmax <<<"$(fio_json "$f")"
	echo "  [$(up)s] fio exit $fio_rc: error $err, wrote $wmb MiB (of $mb), verified $rmb MiB," \
		"write clat max $stall ms, read clat max $rmax ms"
	grep -iE 'verify|error|bad' "$W/fio-$f.err" | head -n 5 | sed 's/^/  fio: /'
	wait_for 60 both_up ||
		why+=("paths not both active after the run: $(path_state 1), $(path_state 2)")
	[ "$fio_rc" = 0 ] && [ "$err" = 0 ] ||
		why+=("fio exit $fio_rc, error $err: $(grep -m1 -iE 'verify|error' "$W/fio-$f.err")")
	[ "$rmb" = "$wmb" ] && [ "$wmb" = "$mb" ] ||
		why+=("wrote $wmb MiB, verified $rmb MiB of $mb")
	# A fault of path 2 leaves path 1 alone (one target: the portal
	# removed ends only the connections that came in through it).
	[ "$k" = both ] || [ "$(fail_count 1)" = "$fc1" ] ||
		why+=("path 1 failed too: $fc1 -> $(fail_count 1) failures")
	while read -r p td r _ ios eff; do
		[ "$eff" != - ] || why+=("the fault did not show on path $p")
		[ "$r" != - ] || why+=("path $p did not come back within 60 s")
	done <$W/seq
	bound=$(((REPL + SLACK) * 1000))
	[ "$f" != blackhole ] || bound=$((bound + (NOOP_INT + NOOP_TMO) * 1000))
	[ "$stall" != - ] && [ "$stall" -le $bound ] ||
		why+=("longest write $stall ms > bound $bound ms")
	down=$(awk '{ print $2 }' $W/seq | paste -sd/)
	rec=$(awk '{ print $3 }' $W/seq | paste -sd/)
	op=$(awk '{ print $4 }' $W/seq | sort -n | tail -n1)
	n=${#why[@]}
	TAB[$fab,$f]="$stall $down $rec $op $n"
	if [ "$n" = 0 ]; then
		RES[$fab,$f]="PASS stall $stall ms, recovery $rec ms"
	else
		RES[$fab,$f]="FAIL $(IFS=';'; echo "${why[*]}")"
	fi
	echo "MPATH fabric=$fab fault=$f stall_ms=$stall bound_ms=$bound down_ms=$down" \
		"recovery_ms=$rec op_ms=$op problems=$n"
	echo "CASE $fab $f ${RES[$fab,$f]}"
}

# ---- per fabric ----

# faults TOPO FAULT...: log in, check the maps, run each fault (TOPO:
# "" for two targets, "-one" for one target; a suffix of check names)
faults() {
	local t=$1 f
	shift
	t_check "$fab$t-login" login_both || return
	t_check "$fab$t-map" map_ok || return
	multipath -ll
	for f in "$@"; do
		run_fault "$f"
	done
}

# cleanup TOPO
cleanup() {
	local f=$fab g
	multipath -F || multipath -ll
	timeout 60 iscsiadm -m node --logoutall=all >/dev/null 2>&1
	iscsiadm -m node -o delete >/dev/null 2>&1
	tc qdisc del dev lo root 2>/dev/null
	t_check "$f$1-no-sessions-left" sh -c '! iscsiadm -m session >/dev/null 2>&1'
	multipath -F >/dev/null 2>&1
	# lio.sh clear leaves the ALUA groups, which keep the backstore.
	for g in "$(bsd "$BS")"/alua/*; do
		[ "${g##*/}" = default_tg_pt_gp ] || rmdir "$g" 2>/dev/null
	done
	teardown_fabric "$f"
	MAP=
}

# ---- main ----

cd $W || exit
load_target_core
t_check initiator-setup setup_initiator || t_done
for fab in $FABRICS; do
	echo "==== fabric $fab ($(up)s)"
	if [ "$fab" = zcit ] && ! have_zcit; then
		t_skip zcit-all "no zcit.ko (run scripts/build.sh)"
		continue
	fi
	MAP=
	# shellcheck disable=SC2086 # lists of names
	topo two
	t_check "$fab-configure" configure && faults "" $FAULTS
	cleanup ""
	[ -n "$ONE_FAULTS" ] || continue
	# shellcheck disable=SC2086
	topo one
	t_check "$fab-one-configure" configure_one && faults -one $ONE_FAULTS
	cleanup -one
done
multipathd shutdown >/dev/null 2>&1

echo "==== results ($(up)s): stall = fio's longest write (ms); down = fault to the"
echo "     path failing (ms); recovery = repair to the path active ready (ms);"
echo "     op = the fault's longest own action (configfs write, iscsiadm; ms)"
printf '%-13s | %-38s | %s\n' fault "zcit: stall down recovery op problems" \
	"iscsi_target_mod: stall down recovery op problems"
for f in $FAULTS $ONE_FAULTS; do
	printf '%-13s | %-38s | %s\n' "$f" "${TAB[zcit,$f]:-not run}" "${TAB[lio,$f]:-not run}"
done | tee "$ZCIT_OUTDIR/mpath-table.txt"
# shellcheck disable=SC2086 # a list of names
t_side_by_side $FAULTS $ONE_FAULTS
t_check kernel-log-clean kernel_log_clean
t_done
