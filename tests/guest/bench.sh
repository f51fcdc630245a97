#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make bench` (scripts/bench.sh), run by tests/lib/vm.sh.
# Measures, in this one VM, the TCP ceiling over loopback, then each fabric
# of $ZCIT_BENCH_FABRICS in turn (default "zcit lio tgt"): zcit,
# iscsi_target_mod ("lio") and tgt, and "zbase" (another build of zcit,
# $ZCIT_BENCH_BASE_KO, a file in $ZCIT_OUTDIR, set up as zcit is; with
# $ZCIT_BENCH_IO_CPUS, its cpus_allowed_list as zcit's and lio's), each
# serving one ramdisk LUN of
# $ZCIT_BENCH_SIZE_MB MiB (zcit and lio: targetcli, rd_mcp; tgt: tgtd's rdwr
# on a file in tmpfs) on 127.0.0.1:3260 to open-iscsi, one ACL for $INI, no
# CHAP, in each mode of $ZCIT_BENCH_MODES (default "stock tuned"): stock
# leaves every param/ at its default (tgt: HeaderDigest and DataDigest
# CRC32C,None, iscsi_target_mod's default lists, else its defaults), tuned
# sets 256 KiB data segments both ways (see DSL); every other setting at
# its default on both sides. fio (libaio,
# direct=1, $ZCIT_BENCH_TIME s, time based) on the /dev/sdX of 1 or 4
# sessions (open-iscsi node.session.nr_sessions; 4 sessions: one fio job per
# disk, iodepth per job, group_reporting), digests off (none) and on (crc:
# HeaderDigest and DataDigest CRC32C). Cases, named
# <rw>-<bs>-qd<depth>-s<sessions>-<none|crc>, are those matching the
# extended regex $ZCIT_BENCH_CASES (empty: all 24, and
# randread-4k-qd1-s1-libiscsi, $PERF_CASE: see run_perf).
# CPU per I/O: the rate of busy jiffies of all CPUs (/proc/stat: everything
# but idle and iowait; sampled every 0.2 s, over fio's measured run only)
# divided by fio's IOPS, in µs; cpu%: that rate as a share of all CPUs.
# Ceiling (unless ZCIT_BENCH_CEILING=0): $ZCIT_BENCH_TOOL (tcpbench.c,
# built on the host) streaming 128 KiB writes and 4 KiB/4 KiB
# request/reply, 1 and 4 connections, and 1 connection with both ends on
# CPU 0.
# The whole sequence (ceiling, then each fabric) runs $ZCIT_BENCH_ROUNDS
# times (default 1). A fabric or case that fails gets "-" values and a
# note: the run goes on.
# Writes $ZCIT_OUTDIR/results.tsv (kind fabric case iops MB/s cpu-µs/op
# cpu% note round mode; MB = 10^6 bytes; mode "-" for the ceiling) and,
# per mode, fabric and session setup,
# params-<mode>-<fabric>-s<N>-<digest>.txt (open-iscsi's negotiated values),
# and fio's JSON of each run, fio-<mode>-<fabric>-<case>-r<round>.json.
# With ZCIT_BENCH_PERF=1, perf counts context switches, wake-ups, work
# items, softirqs and packets during each fio run:
# $ZCIT_OUTDIR/perf-<fabric>-<case>.txt, per second and per I/O.
# Progress: "BENCH ..." lines on the console.
set -u
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
. "$ZCIT_ROOT/tests/guest/cfs.sh"

T=${ZCIT_BENCH_TIME:-20}
CASES=${ZCIT_BENCH_CASES:-}
FABRICS=${ZCIT_BENCH_FABRICS:-zcit lio tgt}
SIZE_MB=${ZCIT_BENCH_SIZE_MB:-512}
CEILING=${ZCIT_BENCH_CEILING:-1}
ROUNDS=${ZCIT_BENCH_ROUNDS:-1}
PERF=${ZCIT_BENCH_PERF:-0}
ROUND=1
MODES=${ZCIT_BENCH_MODES:-stock tuned}
MODE=-
TOOL=${ZCIT_BENCH_TOOL:-}
OUT=${ZCIT_OUTDIR:-/tmp}
BASE_KO=${ZCIT_BENCH_BASE_KO:+$OUT/$ZCIT_BENCH_BASE_KO}
IO_CPUS=${ZCIT_BENCH_IO_CPUS:-}
# iscsi-perf's case (run_perf), with 1 session and no digests
PERF_CASE=randread-4k-qd1-s1-libiscsi
# Data segments of up to 256 KiB both ways on every fabric (tgt's
# defaults are smaller). zcit and iscsi_target_mod declare their
# MaxXmitDataSegmentLength (default 262144) as their
# MaxRecvDataSegmentLength (Documentation/negotiation.md).
DSL=262144
IQN=iqn.2003-01.org.linux-iscsi.zcit:bench
INI=iqn.1994-05.com.redhat:bench
PORTAL=127.0.0.1:3260
W=/tmp/bench
RES=$OUT/results.tsv
HZ=$(getconf CLK_TCK)
# rw bs depth
WORKLOADS=("randread 4k 1" "randread 4k 32" "randwrite 4k 1" "randwrite 4k 32"
	"read 128k 8" "write 128k 8")
mkdir -p $W
printf 'kind\tfabric\tcase\tiops\tmbps\tcpu_us\tcpu_pct\tnote\tround\tmode\n' >"$RES"

say() { echo "BENCH $*"; }

# record KIND FABRIC CASE IOPS MBPS CPU_US CPU_PCT NOTE (in round $ROUND,
# mode $MODE)
record() {
	local note=${8//[$'\t\r\n']/ } m=$MODE
	[ "$1" = tcp ] && m=-
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${@:1:7}" "$note" "$ROUND" "$m" \
		>>"$RES"
	if [ "$4" = - ]; then
		say "$2 $3 ($m): n/a ($note)"
	else
		say "$2 $3 ($m): $4 op/s, $5 MB/s, $6 us CPU/op, CPU $7% (over ${WINDOW:-?} s)"
	fi
}

case_name() { echo "$1-$2-qd$3-s$4-$5"; } # RW BS DEPTH SESSIONS DIGEST
selected() { [ -z "$CASES" ] || grep -qE -- "$CASES" <<<"$1"; }
# perf_selected SESSIONS DIGEST: does run_perf run with this login?
perf_selected() { [ "$1$2" = 1none ] && selected $PERF_CASE; }

# "BUSY TOTAL UPTIME": busy and total jiffies of all CPUs, seconds since boot
cpu_now() {
	awk 'NR == FNR && /^cpu / { b = $2 + $3 + $4 + $7 + $8 + $9; t = b + $5 + $6 }
		NR != FNR { u = $1 } END { print b, t, u }' /proc/stat /proc/uptime
}

# cpu_figures "CPU_NOW0" "CPU_NOW1" OPS: "µs-per-op cpu% seconds"
# cpu%: busy share of all CPUs over the wall-clock window. (Under TCG on a
# loaded host the guest loses ticks while QEMU is not running it: busy time
# then counts what ran, and the jiffy total falls behind the wall clock.)
cpu_figures() {
	awk -v a="$1" -v b="$2" -v ops="$3" -v hz="$HZ" -v ncpu="$(nproc)" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		db = y[1] - x[1]; dw = y[3] - x[3]
		printf "%.1f %.0f %.1f\n", (ops > 0 ? db * 1e6 / hz / ops : 0),
			(dw > 0 ? 100 * db / hz / dw / ncpu : 0), dw
	}'
}

# ---- TCP ceiling ----

# Ceiling figures: NAME MODE CONNECTIONS PINNED ("1cpu": both ends on CPU 0,
# where a wake-up costs no inter-processor interrupt)
CEILINGS=("stream-c1 stream 1 no" "stream-c4 stream 4 no" "rr-4k-c1 rr 1 no"
	"rr-4k-c4 rr 4 no" "stream-c1-1cpu stream 1 yes" "rr-4k-c1-1cpu rr 1 yes")

ceiling() {
	local port=5201 pid pid1 spec name mode c pin args pre out c0 c1 ops bytes secs cpu pct
	if [ ! -x "$TOOL" ]; then
		record tcp tcp all - - - - "no tcpbench binary"
		return
	fi
	"$TOOL" server $port &
	pid=$!
	taskset -c 0 "$TOOL" server $((port + 1)) &
	pid1=$!
	wait_for 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port && exec 4<>/dev/tcp/127.0.0.1/$((port + 1))" \
		2>/dev/null
	for spec in "${CEILINGS[@]}"; do
		read -r name mode c pin <<<"$spec"
		args=("$mode" 127.0.0.1 "$port" "$T" "$c")
		[ "$mode" = rr ] && args+=(4096 4096)
		pre=()
		[ "$pin" = yes ] && args[2]=$((port + 1)) && pre=(taskset -c 0)
		c0=$(cpu_now)
		out=$(timeout $((T + 30)) ${pre[@]+"${pre[@]}"} "$TOOL" "${args[@]}" 2>&1)
		c1=$(cpu_now)
		if ! read -r ops bytes secs <<<"$out" || ! [[ $ops =~ ^[0-9]+$ ]]; then
			record tcp tcp "$name" - - - - "tcpbench: $out"
			continue
		fi
		read -r cpu pct WINDOW <<<"$(cpu_figures "$c0" "$c1" "$ops")"
		record tcp tcp "$name" "$(awk -v o="$ops" -v s="$secs" 'BEGIN { printf "%.0f", o / s }')" \
			"$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.1f", b / s / 1e6 }')" \
			"$cpu" "$pct" ""
	done
	kill "$pid" "$pid1"
	wait "$pid" "$pid1" 2>/dev/null
}

# ---- open-iscsi ----

setup_open_iscsi() {
	# Defaults, except: no automatic logins, quicker failures, and NOPs
	# that a loaded TCG guest cannot miss.
	start_open_iscsi "$INI" crc32c <<-EOF
	node.session.scan = auto
	node.session.initial_login_retry_max = 2
	node.session.timeo.replacement_timeout = 15
	node.conn[0].timeo.login_timeout = 15
	node.conn[0].timeo.logout_timeout = 15
	node.conn[0].timeo.noop_out_interval = 10
	node.conn[0].timeo.noop_out_timeout = 30
	EOF
}

# The /dev/sdX of every session to $IQN.
disks() {
	local s b
	for s in /sys/class/iscsi_session/session*; do
		[ "$(cat "$s/targetname" 2>/dev/null)" = "$IQN" ] || continue
		for b in "$s"/device/target*/*:*/block/*; do
			[ -e "$b" ] && echo "/dev/${b##*/}"
		done
	done
}
# shellcheck disable=SC2317 # called through wait_for
ndisks_is() { [ "$(disks | wc -l)" = "$1" ]; }

# login SESSIONS DIGEST(none|crc): fails with a reason on stdout
login() {
	local ns=$1 dig=None d
	[ "$2" = crc ] && dig=CRC32C
	iscsiadm -m node -T $IQN -p $PORTAL -o delete >/dev/null 2>&1
	{ iscsiadm -m node -T $IQN -p $PORTAL -o new &&
		iscsiadm -m node -T $IQN -p $PORTAL -o update -n node.session.nr_sessions -v "$ns" &&
		iscsiadm -m node -T $IQN -p $PORTAL -o update -n 'node.conn[0].iscsi.HeaderDigest' -v $dig &&
		iscsiadm -m node -T $IQN -p $PORTAL -o update -n 'node.conn[0].iscsi.DataDigest' -v $dig
	} >/dev/null 2>&1 || { echo "iscsiadm cannot make the node record"; return 1; }
	if ! timeout 90 iscsiadm -m node -T $IQN -p $PORTAL --login >$W/login.out 2>&1; then
		echo "login failed: $(grep -m1 'reported error' $W/login.out || tail -n1 $W/login.out)"
		return 1
	fi
	if ! wait_for 30 ndisks_is "$ns"; then
		echo "$(disks | wc -l) of $ns disks after 30 s (no SCSI I/O?)"
		return 1
	fi
	for d in $(disks); do
		echo none >"/sys/block/${d#/dev/}/queue/scheduler" 2>/dev/null
	done
	# The digests asked for must be the ones in use.
	iscsiadm -m session -P 2 >$W/params 2>&1
	if [ "$(grep -c "HeaderDigest: $dig" $W/params)" != "$ns" ] ||
		[ "$(grep -c "DataDigest: $dig" $W/params)" != "$ns" ]; then
		echo "digests not negotiated as $dig: $(grep -E 'HeaderDigest|DataDigest' $W/params | sort -u | tr -s ' \n' ' ')"
		return 1
	fi
}

logout() {
	timeout 90 iscsiadm -m node --logoutall=all >/dev/null 2>&1
	iscsiadm -m node -o delete >/dev/null 2>&1
	wait_for 30 sh -c '! iscsiadm -m session >/dev/null 2>&1'
}

# ---- fio ----

# sampler FILE: "EPOCHREALTIME BUSY-JIFFIES" every 0.2 s until killed. No
# fork per sample (a fork costs much CPU under TCG): builtins only, and a
# read with a timeout on a FIFO nobody writes as the sleep.
sampler() {
	local fifo=$W/sampler.fifo _c u n s i w q sq st _r
	[ -p "$fifo" ] || mkfifo "$fifo"
	exec 8<>"$fifo"
	while :; do
		read -r _c u n s i w q sq st _r </proc/stat
		printf '%s %s\n' "$EPOCHREALTIME" $((u + n + s + q + sq + st))
		read -r -t 0.2 -u 8 _r
	done >"$1"
}

# steady_cpu SAMPLES START END OPS-PER-S: "µs-per-op cpu% seconds" from the
# samples inside [START, END] (epoch seconds), else from all of them.
steady_cpu() {
	awk -v st="$2" -v en="$3" -v rate="$4" -v hz="$HZ" -v ncpu="$(nproc)" '
	{ t[NR] = $1; b[NR] = $2 }
	$1 >= st && $1 <= en { if (!i) i = NR; j = NR }
	END {
		if (!i || t[j] - t[i] < 0.5) { i = 1; j = NR }
		dt = t[j] - t[i]
		r = dt > 0 ? (b[j] - b[i]) / dt / hz : 0
		printf "%.1f %.0f %.1f\n", (rate > 0 ? r * 1e6 / rate : 0), 100 * r / ncpu, dt
	}' "$1"
}

# perf_start: count scheduling and network events in the whole guest
# during the middle of the fio run (sampling profiles are of no use under
# TCG: the guest sees its CPUs idle).
PERF_EVENTS="context-switches cpu-migrations sched:sched_wakeup
	workqueue:workqueue_execute_start irq:softirq_entry net:netif_rx"
perf_start() {
	local e args=()
	for e in $PERF_EVENTS; do args+=(-e "$e"); done
	PERF_T=$((T > 4 ? T - 4 : 1))
	(sleep 2 && exec perf stat -a -x, -o $W/perf.stat "${args[@]}" \
		-- sleep $PERF_T) >$W/perf.err 2>&1 &
	PERF_PID=$!
}

# perf_report NAME OPS-PER-S: $OUT/perf-NAME.txt: each count, per second
# and per I/O.
perf_report() {
	wait $PERF_PID
	awk -F, -v t=$PERF_T -v rate="$2" '
	NF > 2 && $1 ~ /^[0-9]+$/ {
		printf "%-36s %12d %10.0f/s %8.2f/IO\n", $3, $1, $1 / t,
			(rate > 0 ? $1 / t / rate : 0)
	}' $W/perf.stat >"$OUT/perf-$1.txt" 2>&1
	cat $W/perf.stat $W/perf.err >>"$OUT/perf-$1.txt" 2>&1
}

# run_fio FABRIC RW BS DEPTH SESSIONS DIGEST
run_fio() {
	local fab=$1 rw=$2 bs=$3 qd=$4 ns=$5 dig=$6 name job d i=0 out dir spid
	name=$(case_name "$rw" "$bs" "$qd" "$ns" "$dig")
	job=$W/$name.fio
	cat >"$job" <<-EOF
	[global]
	ioengine=libaio
	direct=1
	rw=$rw
	bs=$bs
	iodepth=$qd
	time_based=1
	runtime=$T
	norandommap=1
	randrepeat=0
	group_reporting=1
	EOF
	for d in $(disks); do
		printf '[d%s]\nfilename=%s\n' $i "$d" >>"$job"
		i=$((i + 1))
	done
	# CPU: busy jiffies sampled all along; only the samples within fio's
	# measured run count (not its start-up and exit).
	sampler $W/samples &
	spid=$!
	[ "$PERF" = 1 ] && perf_start
	timeout $((T + 120)) fio --output-format=json --output="$W/$name.json" "$job" >$W/fio.err 2>&1
	kill $spid
	wait $spid 2>/dev/null
	cp "$W/$name.json" "$OUT/fio-$MODE-$fab-$name-r$ROUND.json" 2>/dev/null
	dir="read"
	case "$rw" in *write) dir="write" ;; esac
	out=$(python3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
job = j["jobs"][0]
d = job[sys.argv[2]]
if job["error"] or not d["total_ios"]:
    sys.exit("fio error %d, %d I/Os" % (job["error"], d["total_ios"]))
# group_reporting sums the jobs run times; they ran side by side.
end = j["timestamp_ms"] / 1000
run = job["job_runtime"] / 1000 / int(sys.argv[3])
print(d["total_ios"], round(d["iops"]), round(d["bw_bytes"] / 1e6, 1),
      "%.3f %.3f %.1f" % (end - run, end, d["iops"]))
' "$W/$name.json" $dir $i 2>&1)
	local ios iops mbps t0 t1 rate cpu pct
	if ! read -r ios iops mbps t0 t1 rate <<<"$out" || ! [[ $ios =~ ^[0-9]+$ ]]; then
		record io "$fab" "$name" - - - - \
			"fio failed: $(tail -n1 $W/fio.err) ${out##*$'\n'}"
		return 1
	fi
	read -r cpu pct WINDOW <<<"$(steady_cpu $W/samples "$t0" "$t1" "$rate")"
	[ "$PERF" = 1 ] && perf_report "$fab-$name" "$rate"
	record io "$fab" "$name" "$iops" "$mbps" "$cpu" "$pct" ""
}

# run_perf FABRIC: the QD1 4 KiB random read of libiscsi's iscsi-perf, a
# user-space initiator (one session of its own, no digests, beside
# open-iscsi's idle one): set against tcpbench's rr-4k-c1 (user space at
# both ends too), it shows what the target side costs a QD1 READ without
# the kernel initiator's block and SCSI layers. CPU per I/O: over the
# whole run, its login included.
run_perf() {
	local fab=$1 name=$PERF_CASE lun=0 c0 c1 iops cpu pct
	[ "$fab" = tgt ] && lun=1
	c0=$(cpu_now)
	timeout $((T + 60)) iscsi-perf -i "$INI" -m 1 -b 8 -r -t "$T" \
		"iscsi://$PORTAL/$IQN/$lun" >$W/iscsi-perf.out 2>&1
	c1=$(cpu_now)
	# its last "iops average" (printed every second, and at the end)
	iops=$(tr '\r' '\n' <$W/iscsi-perf.out | grep -o 'iops average [0-9]*' | tail -n1)
	iops=${iops##* }
	if ! [[ $iops =~ ^[1-9][0-9]*$ ]]; then
		record io "$fab" "$name" - - - - "iscsi-perf: $(tr '\r' '\n' <$W/iscsi-perf.out | tail -n1)"
		return 1
	fi
	read -r cpu pct WINDOW <<<"$(cpu_figures "$c0" "$c1" $((iops * T)))"
	record io "$fab" "$name" "$iops" "$(awk -v i="$iops" 'BEGIN { printf "%.1f", i * 4096 / 1e6 }')" \
		"$cpu" "$pct" ""
}

# ---- fabrics ----

# fabric_up FABRIC: prints the reason when it fails. Not in a subshell
# (tgt sets TGTD): redirect its output instead.
fabric_up() {
	local fab=$1
	case "$fab" in
	zcit | zbase | lio)
		if [ "$fab" = zcit ] && [ ! -f "/lib/modules/$ZCIT_KVER/updates/zcit.ko" ]; then
			echo "no zcit.ko for $ZCIT_KVER (scripts/build.sh)"
			return 1
		fi
		if [ "$fab" = zbase ]; then
			load_base >$W/up.out 2>&1
		else
			load_fabric "$fab" >$W/up.out 2>&1
		fi || {
			echo "cannot load the fabric: $(tail -n1 $W/up.out)"
			return 1
		}
		if [ -n "$IO_CPUS" ] &&
			! echo "$IO_CPUS" >"$CFS/iscsi/cpus_allowed_list" 2>$W/up.out; then
			echo "cpus_allowed_list $IO_CPUS: $(tail -n1 $W/up.out)"
			return 1
		fi
		local tuned=()
		[ "$MODE" = tuned ] &&
			tuned=("/iscsi/$IQN/tpg1 set parameter MaxRecvDataSegmentLength=$DSL"
				"/iscsi/$IQN/tpg1 set parameter MaxXmitDataSegmentLength=$DSL")
		tcli "set global auto_save_on_exit=false" \
			"set global auto_add_default_portal=false" \
			"/backstores/ramdisk create name=rd0 size=${SIZE_MB}M" \
			"/iscsi create $IQN" \
			"/iscsi/$IQN/tpg1/portals create 127.0.0.1 3260" \
			"/iscsi/$IQN/tpg1/luns create /backstores/ramdisk/rd0" \
			"/iscsi/$IQN/tpg1/acls create $INI" \
			"/iscsi/$IQN/tpg1 set attribute authentication=0" \
			${tuned[@]+"${tuned[@]}"} \
			"exit" >$W/up.out 2>&1
		local t=$CFS/iscsi/$IQN/tpgt_1
		if ! [ -d "$t/lun/lun_0" ] || ! [ -d "$t/acls/$INI/lun_0" ] ||
			! [ -d "$t/np/127.0.0.1:3260" ] || [ "$(cat "$t/enable")" != 1 ]; then
			echo "targetcli did not configure it: $(tr '\n' ' ' <$W/up.out | tail -c 200)"
			return 1
		fi
		;;
	tgt)
		command -v tgtd >/dev/null || { echo "no tgtd (apt-get install tgt)"; return 1; }
		mkdir -p $W/tgt
		# Like rd_mcp: every page allocated up front, in RAM.
		fallocate -l "${SIZE_MB}M" $W/tgt/disk.img || { echo "no room for the image"; return 1; }
		tgtd -f >$W/tgtd.log 2>&1 &
		TGTD=$!
		wait_for 10 tgtadm --lld iscsi --op show --mode target >/dev/null 2>&1 ||
			{ echo "tgtd did not start: $(tail -n1 $W/tgtd.log)"; return 1; }
		{ tgtadm --lld iscsi --op new --mode target --tid 1 -T $IQN &&
			tgtadm --lld iscsi --op new --mode logicalunit --tid 1 --lun 1 \
				--bstype rdwr -b $W/tgt/disk.img &&
			tgtadm --lld iscsi --op bind --mode target --tid 1 --initiator-name $INI &&
			# iscsi_target_mod's defaults (tgt's: None only)
			tgtadm --lld iscsi --op update --mode target --tid 1 \
				--name HeaderDigest --value CRC32C,None &&
			tgtadm --lld iscsi --op update --mode target --tid 1 \
				--name DataDigest --value CRC32C,None &&
			if [ "$MODE" = tuned ]; then
				tgtadm --lld iscsi --op update --mode target --tid 1 \
					--name MaxRecvDataSegmentLength --value $DSL &&
					tgtadm --lld iscsi --op update --mode target --tid 1 \
						--name MaxXmitDataSegmentLength --value $DSL
			fi
		} >$W/up.out 2>&1 || { echo "tgtadm: $(tail -n1 $W/up.out)"; return 1; }
		;;
	*) echo "unknown fabric"; return 1 ;;
	esac
	# SCSI I/O at all? (a fabric without a data path fails here, fast)
	local lun=0
	[ "$fab" = tgt ] && lun=1
	if ! timeout 30 iscsi-inq -i "$INI" "iscsi://$PORTAL/$IQN/$lun" >$W/inq.out 2>&1; then
		echo "no SCSI I/O (iscsi-inq: $(tail -n1 $W/inq.out))"
		return 1
	fi
}

# load_base: the other build of zcit (its module is called zcit too)
load_base() {
	local deps
	[ -f "$BASE_KO" ] || { echo "no $BASE_KO"; return 1; }
	read -ra deps <<<"$(modinfo -F depends "$BASE_KO" | tr , ' ')"
	load_target_core &&
		modprobe -a "${deps[@]}" &&
		insmod "$BASE_KO" &&
		{ [ -d "$CFS/iscsi" ] || mkdir "$CFS/iscsi"; }
}

fabric_down() { # FABRIC
	local fab=$1
	logout
	case "$fab" in
	zcit | zbase | lio)
		"$LIO" clear
		rmdir "$CFS/iscsi" 2>/dev/null
		if [ "$fab" = lio ]; then
			# see tests/vm/50-login.sh: rmmod may not outrun iscsi_trx/ttx
			wait_for 30 sh -c '! pgrep -x "iscsi_t[rt]x" >/dev/null'
			rmmod iscsi_target_mod
		else
			rmmod zcit
		fi
		;;
	tgt)
		if [ -n "${TGTD:-}" ]; then
			tgtadm --lld iscsi --op delete --force --mode target --tid 1 >/dev/null 2>&1
			tgtadm --op update --mode sys --name State -v offline >/dev/null 2>&1
			tgtadm --op delete --mode system >/dev/null 2>&1
			wait_for 10 sh -c "! kill -0 $TGTD 2>/dev/null" || kill "$TGTD"
			wait "$TGTD" 2>/dev/null
			TGTD=
		fi
		rm -rf $W/tgt
		;;
	esac
}

# diag FABRIC: keep what the last setup step said, for the curious
diag() {
	mkdir -p "$OUT/diag-$1"
	cp $W/*.out $W/*.log $W/params "$OUT/diag-$1/" 2>/dev/null
	dmesg | tail -n 50 >"$OUT/diag-$1/dmesg.txt"
}

# na_all FABRIC SESSIONS DIGEST REASON: "-" for every selected workload
na_all() {
	local w rw bs qd name
	for w in "${WORKLOADS[@]}"; do
		read -r rw bs qd <<<"$w"
		name=$(case_name "$rw" "$bs" "$qd" "$2" "$3")
		selected "$name" && record io "$1" "$name" - - - - "$4"
	done
	perf_selected "$2" "$3" && record io "$1" $PERF_CASE - - - - "$4"
}

bench_fabric() { # FABRIC
	local fab=$1 why ns dig w rw bs qd any
	say "fabric $fab, $MODE mode ($(cut -d' ' -f1 /proc/uptime)s)"
	if ! fabric_up "$fab" >$W/why; then
		why=$(tail -n1 $W/why)
		diag "$fab"
		for dig in none crc; do
			for ns in 1 4; do na_all "$fab" $ns $dig "$why"; done
		done
		fabric_down "$fab" >/dev/null 2>&1
		return
	fi
	for dig in none crc; do
		for ns in 1 4; do
			any=
			for w in "${WORKLOADS[@]}"; do
				read -r rw bs qd <<<"$w"
				selected "$(case_name "$rw" "$bs" "$qd" $ns $dig)" && any=1
			done
			perf_selected $ns $dig && any=1
			[ -n "$any" ] || continue
			if ! why=$(login $ns $dig); then
				diag "$fab"
				na_all "$fab" $ns $dig "$why"
				logout
				continue
			fi
			cp $W/params "$OUT/params-$MODE-$fab-s$ns-$dig.txt"
			# Where zcit's io work runs (sk_incoming_cpu at accept):
			# two sessions on one CPU leave the other idle.
			[ "$fab" != zcit ] ||
				say "zcit io-work CPUs, $ns session(s):" \
					"$(grep -o 'state=[a-z]* cpu=[0-9-]*' \
						/sys/kernel/debug/zcit/connections 2>&1 |
						sort | uniq -c | paste -sd, -)"
			for w in "${WORKLOADS[@]}"; do
				read -r rw bs qd <<<"$w"
				selected "$(case_name "$rw" "$bs" "$qd" $ns $dig)" || continue
				run_fio "$fab" "$rw" "$bs" "$qd" $ns $dig
			done
			! perf_selected $ns $dig || run_perf "$fab"
			logout
		done
	done
	fabric_down "$fab"
}

# ---- main ----

say "start: $(nproc) CPUs, $(awk '/MemTotal/ { print $2 / 1024 " MiB" }' /proc/meminfo)," \
	"$T s per figure, $ROUNDS round(s), modes: $MODES, fabrics: $FABRICS," \
	"cases: ${CASES:-all}"
load_target_core
oi=1
setup_open_iscsi >$W/oi.out 2>&1 || oi=
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
	[ "$ROUNDS" = 1 ] || say "round $ROUND of $ROUNDS"
	[ "$CEILING" = 0 ] || ceiling
	for MODE in $MODES; do
		for fab in $FABRICS; do
			if [ -n "$oi" ]; then
				bench_fabric "$fab"
				continue
			fi
			for dig in none crc; do
				for ns in 1 4; do
					na_all "$fab" $ns $dig "open-iscsi: $(tail -n1 $W/oi.out)"
				done
			done
		done
	done
	MODE=-
done
say "done ($(cut -d' ' -f1 /proc/uptime)s)"
exit 0
