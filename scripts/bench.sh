#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench.sh [options] (`make bench`): zcit against iscsi_target_mod
# (and tgt) in one VM (QEMU TCG, -smp 2): the guest (tests/guest/bench.sh)
# measures the TCP ceiling over loopback, then serves one ramdisk LUN with
# each fabric in turn to open-iscsi over 127.0.0.1 and runs fio (libaio,
# direct): 4 KiB random read/write at QD1 and QD32, 128 KiB sequential
# read/write at QD8, with 1 and 4 sessions, digests off and on; each in two
# modes: "stock" (every fabric as targetcli or tgtd leave it: nothing in
# param/ changed) and "tuned" (256 KiB data segments both ways on every
# fabric). It prints one table per mode, stock first (zcit, lio, zcit/lio,
# tgt; guest CPU µs per I/O), and writes them to
# out/bench/<date>-<kver>.txt, with .json and the raw .tsv beside it.
# A fabric or case that cannot serve I/O shows "n/a"; the run goes on.
# Options (environment variables in brackets):
#   --kver K        guest kernel: 6.1, 6.12 or a full version (default 6.1)
#                   [ZCIT_KVER]
#   --time SEC      seconds per figure (default 20) [ZCIT_BENCH_TIME]
#   --quick         3 s per figure and a reduced matrix (4 KiB QD32 random
#                   read, 128 KiB read and write; 1 and 4 sessions; no
#                   digests) unless --time/--cases say otherwise
#                   [ZCIT_BENCH_QUICK=1]
#   --cases REGEX   only the cases whose name matches (grep -E), names
#                   <rw>-<bs>-qd<depth>-s<sessions>-<none|crc>, e.g.
#                   'randread-4k-qd32-s1-none' or '128k.*-s4' [ZCIT_BENCH_CASES]
#   --fabrics LIST  any of "zcit zbase lio tgt", by default "zcit lio tgt"
#                   ("zcit zbase lio tgt" with --base-ko) [ZCIT_BENCH_FABRICS]
#   --base-ko KO    "zbase": another build of zcit.ko for the same kernel
#                   (an older commit's: `git worktree add /tmp/b REF; cd
#                   /tmp/b; ZCIT_KVERS=<kver> scripts/build.sh`, then KO is
#                   /tmp/b/out/<kver>/zcit.ko), set up as zcit is; its
#                   column has a zcit/zbase ratio: the way to see whether
#                   a change made zcit slower [ZCIT_BENCH_BASE_KO]
#   --io-cpus LIST  write LIST to cpus_allowed_list (zcit, zbase, lio):
#                   where their io work (lio: its threads) may run, e.g. to
#                   compare two builds with the same placement
#                   [ZCIT_BENCH_IO_CPUS]
#   --no-ceiling    skip the TCP ceiling [ZCIT_BENCH_CEILING=0]
#   --size MB       ramdisk size in MiB (default 512) [ZCIT_BENCH_SIZE_MB]
#   --perf          count scheduling and network events per I/O in the guest
#                   (perf stat): out/bench/<run>.out/perf-<fabric>-<case>.txt;
#                   turning the events on patches kernel text: one of five
#                   such runs hung the TCG guest there
#                   [ZCIT_BENCH_PERF=1]
#   --rounds N      run the whole sequence N times, interleaving the fabrics
#                   in time; the table shows medians (default 1)
#                   [ZCIT_BENCH_ROUNDS]
#   --modes LIST    any of "stock tuned", in that order by default
#                   [ZCIT_BENCH_MODES]
# Exit status: 0 when the table was written (whatever failed inside), 1 when
# the VM gave no results, 2 on usage errors.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
root=$PWD

usage() { sed -n '4,/^[^#]/s/^# \{0,1\}//p' "$0" >&2; exit 2; }

kver=${ZCIT_KVER:-6.1}
btime=${ZCIT_BENCH_TIME:-}
quick=${ZCIT_BENCH_QUICK:-0}
cases=${ZCIT_BENCH_CASES:-}
fabrics=${ZCIT_BENCH_FABRICS:-}
base_ko=${ZCIT_BENCH_BASE_KO:-}
iocpus=${ZCIT_BENCH_IO_CPUS:-}
ceiling=${ZCIT_BENCH_CEILING:-1}
size=${ZCIT_BENCH_SIZE_MB:-512}
rounds=${ZCIT_BENCH_ROUNDS:-1}
perf=${ZCIT_BENCH_PERF:-0}
modes=${ZCIT_BENCH_MODES:-stock tuned}
while [ $# -gt 0 ]; do
	case "$1" in
	--kver) kver=$2; shift ;;
	--time) btime=$2; shift ;;
	--quick) quick=1 ;;
	--cases) cases=$2; shift ;;
	--fabrics) fabrics=$2; shift ;;
	--base-ko) base_ko=$2; shift ;;
	--io-cpus) iocpus=$2; shift ;;
	--no-ceiling) ceiling=0 ;;
	--size) size=$2; shift ;;
	--rounds) rounds=$2; shift ;;
	--perf) perf=1 ;;
	--modes) modes=$2; shift ;;
	-h | --help) usage ;;
	*) echo "bench: unknown option $1" >&2; usage ;;
	esac
	shift
done
if [ "$quick" = 1 ]; then
	btime=${btime:-3}
	cases=${cases:-'^(randread-4k-qd32|read-128k-qd8|write-128k-qd8)-s[14]-none$'}
fi
btime=${btime:-20}
if ! [[ $btime =~ ^[1-9][0-9]*$ ]]; then echo "bench: bad --time $btime" >&2; exit 2; fi
[[ $size =~ ^[1-9][0-9]*$ ]] || { echo "bench: bad --size $size" >&2; exit 2; }
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "bench: bad --rounds $rounds" >&2; exit 2; }
if [ -n "$base_ko" ]; then
	[ -f "$base_ko" ] || { echo "bench: no $base_ko" >&2; exit 2; }
	base_ko=$(realpath "$base_ko")
	fabrics=${fabrics:-zcit zbase lio tgt}
else
	fabrics=${fabrics:-zcit lio tgt}
fi
for f in $fabrics; do
	case "$f" in
	zcit | lio | tgt) ;;
	zbase) [ -n "$base_ko" ] || { echo "bench: zbase needs --base-ko" >&2; exit 2; } ;;
	*) echo "bench: unknown fabric $f" >&2; exit 2 ;;
	esac
done
for m in $modes; do
	case "$m" in stock | tuned) ;; *) echo "bench: unknown mode $m" >&2; exit 2 ;; esac
done
[ -n "${modes// /}" ] || { echo "bench: no mode" >&2; exit 2; }

./scripts/deps.sh
case "$kver" in 6.1 | 6.12) kver=$(./scripts/kvers.sh "$kver") ;; esac
if [ -z "$kver" ] || [ ! -r "/boot/vmlinuz-$kver" ]; then echo "bench: no kernel '$kver'" >&2; exit 2; fi

# zcit for the guest kernel: without it the zcit column is n/a.
if [[ " $fabrics " == *" zcit "* ]] && ! ZCIT_KVERS=$kver ./scripts/build.sh; then
	echo "bench: zcit does not build for $kver: its column will be n/a" >&2
	rm -f "out/$kver/zcit.ko"
fi
mkdir -p out/bench/bin
tool=$root/out/bench/bin/tcpbench
gcc -O2 -Wall -pthread -o "$tool" tests/guest/tcpbench.c

stamp=$(date +%Y%m%d-%H%M%S)
base=$root/out/bench/$stamp-$kver
log=$base.log
outdir=$base.out
if [ -n "$base_ko" ]; then
	# The guest has a /tmp of its own: it loads the copy in the run's
	# directory.
	mkdir -p "$outdir"
	cp "$base_ko" "$outdir/zbase.ko"
fi
nfab=$(($(wc -w <<<"$fabrics") * $(wc -w <<<"$modes")))
# An upper bound: 25 cases and 4 logins per fabric, 6 ceiling figures.
timeout=$((600 + rounds * (6 * (btime + 10) + nfab * (25 * (btime + 30) + 4 * 120))))
load0=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date '+%Y-%m-%d %H:%M:%S %z')
echo "bench: $kver, $btime s per figure, $rounds round(s), modes: $modes, fabrics: $fabrics, cases: ${cases:-all}"
echo "bench: console log $log"

vmargs=(--kver "$kver" --script tests/guest/bench.sh --mem 3G --timeout "$timeout"
	--log "$log" --outdir "$outdir"
	--env "ZCIT_BENCH_TIME=$btime" --env "ZCIT_BENCH_CASES=$cases"
	--env "ZCIT_BENCH_FABRICS=$fabrics" --env "ZCIT_BENCH_CEILING=$ceiling"
	--env "ZCIT_BENCH_SIZE_MB=$size" --env "ZCIT_BENCH_TOOL=$tool"
	--env "ZCIT_BENCH_ROUNDS=$rounds" --env "ZCIT_BENCH_PERF=$perf"
	--env "ZCIT_BENCH_MODES=$modes" --env "ZCIT_BENCH_BASE_KO=${base_ko:+zbase.ko}"
	--env "ZCIT_BENCH_IO_CPUS=$iocpus")
vmrc=0
./tests/lib/vm.sh "${vmargs[@]}" &
vmpid=$!
# Progress: the guest's "BENCH ..." console lines.
tail -n +1 -F --pid=$vmpid "$log" 2>/dev/null |
	grep -a --line-buffered -o 'BENCH .*' | sed -u 's/\r$//; s/^BENCH /  /' || true
wait $vmpid || vmrc=$?
load1=$(cut -d' ' -f1-3 /proc/loadavg)

res=$outdir/results.tsv
if [ ! -s "$res" ] || [ "$(wc -l <"$res")" -lt 2 ]; then
	echo "bench: the VM produced no results (vm.sh exit $vmrc), see $log" >&2
	exit 1
fi
cp "$res" "$base.tsv"

desc=$(git describe --always --dirty 2>/dev/null || echo unknown)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
qemu=$(qemu-system-x86_64 --version | head -n1)
vmnote=
[ "$vmrc" = 0 ] || vmnote="vm.sh exited $vmrc (see the console log)"

# A warning for each session setup whose negotiated values (open-iscsi's
# view, every session) differ from the first fabric's in the same mode:
# their figures do not compare.
negotiated() {
	local f g m ref keys='^[[:space:]]*(HeaderDigest|DataDigest|MaxRecvDataSegmentLength|MaxXmitDataSegmentLength|FirstBurstLength|MaxBurstLength|ImmediateData|InitialR2T|MaxOutstandingR2T):'
	for f in "$outdir"/params-*.txt; do
		[ -e "$f" ] || return 0
		g=${f##*/params-}
		m=${g%%-*} g=${g#*-}
		ref=$outdir/params-$m-${fabrics%% *}-${g#*-}
		[ "$f" != "$ref" ] && [ -e "$ref" ] || continue
		if ! diff -q <(grep -E "$keys" "$ref") <(grep -E "$keys" "$f") >/dev/null; then
			echo "WARNING: negotiated values differ: ${ref##*/} ${f##*/}:"
			# (diff exits 1 on differences: not an error here)
			diff <(grep -E "$keys" "$ref") <(grep -E "$keys" "$f") | grep '^[<>]' || true
		fi
	done
}

# table MODE: IOPS for the 4 KiB cases of MODE, MB/s for the 128 KiB ones,
# then guest CPU µs per I/O; zcit/lio ratios when both have figures. With
# several rounds, each figure is the median of the rounds that have one.
# MODE "-": the TCP ceiling only.
table() {
	awk -F'\t' -v fabrics="$fabrics" -v rounds="$rounds" -v mode="$1" '
	function num(x) { return x != "" && x != "-" }
	function cell(x, fmt) { return num(x) ? sprintf(fmt, x) : "n/a" }
	function ratio(a, b) { return num(a) && num(b) && b > 0 ? sprintf("%.2f", a / b) : "n/a" }
	function add(k, x) { if (num(x)) { n[k]++; val[k, n[k]] = x + 0 } }
	function med(k,   i, j, t, a, m) {
		m = n[k]
		if (!m) return "-"
		for (i = 1; i <= m; i++) a[i] = val[k, i]
		for (i = 2; i <= m; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		t = m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
		return t
	}
	NR == 1 { next }
	($1 == "tcp") != (mode == "-") { next }
	$1 != "tcp" && $10 != mode { next }
	$1 == "tcp" {
		if (!($3 in tseen)) { tseen[$3] = 1; tn[++nt] = $3 }
		for (i = 4; i <= 7; i++) add("tcp" SUBSEP $3 SUBSEP i, $i)
		if ($8 != "") tnote[$3] = $8
		next
	}
	{
		if (!($3 in seen)) { seen[$3] = 1; cs[++nc] = $3 }
		for (i = 4; i <= 7; i++) add($2 SUBSEP $3 SUBSEP i, $i)
		key = $2 ": " $8
		if ($8 != "" && !(key in noted)) { noted[key] = 1; notes[++nn] = key }
	}
	END {
		nf = split(fabrics, f, " ")
		for (i = 1; i <= nf; i++) has[f[i]] = 1
		both = has["zcit"] && has["lio"]
		bboth = has["zcit"] && has["zbase"]
		if (rounds > 1 && nc) print "(medians of " rounds " rounds)"
		if (nc) {
			hdr = sprintf("%-26s %-5s", "case", "unit")
			for (i = 1; i <= nf; i++) {
				hdr = hdr sprintf(" %9s", f[i])
				if (f[i] == "lio" && both) hdr = hdr sprintf(" %9s", "zcit/lio")
				if (f[i] == "zbase" && bboth) hdr = hdr sprintf(" %9s", "zcit/zb")
			}
			hdr = hdr " | cpu us/IO:"
			for (i = 1; i <= nf; i++) {
				hdr = hdr sprintf(" %7s", f[i])
				if (f[i] == "lio" && both) hdr = hdr sprintf(" %8s", "zcit/lio")
				if (f[i] == "zbase" && bboth) hdr = hdr sprintf(" %8s", "zcit/zb")
			}
			print hdr
			for (c = 1; c <= nc; c++) {
				k = cs[c] ~ /-4k-/ ? 4 : 5
				line = sprintf("%-26s %-5s", cs[c], k == 4 ? "IOPS" : "MB/s")
				for (i = 1; i <= nf; i++) {
					line = line sprintf(" %9s", cell(med(f[i] SUBSEP cs[c] SUBSEP k), k == 4 ? "%.0f" : "%.1f"))
					if ((f[i] == "lio" && both) || (f[i] == "zbase" && bboth))
						line = line sprintf(" %9s", ratio(med("zcit" SUBSEP cs[c] SUBSEP k),
							med(f[i] SUBSEP cs[c] SUBSEP k)))
				}
				line = line sprintf(" | %-10s", "")
				for (i = 1; i <= nf; i++) {
					line = line sprintf(" %7s", cell(med(f[i] SUBSEP cs[c] SUBSEP 6), "%.1f"))
					if ((f[i] == "lio" && both) || (f[i] == "zbase" && bboth))
						line = line sprintf(" %8s", ratio(med("zcit" SUBSEP cs[c] SUBSEP 6),
							med(f[i] SUBSEP cs[c] SUBSEP 6)))
				}
				print line
			}
		}
		if (nt) {
			print ""
			print "TCP ceiling over loopback in the guest (tests/guest/tcpbench.c):"
			printf "%-26s %12s %10s %10s %6s\n", "test", "ops/s", "MB/s", "cpu us/op", "cpu%"
			for (t = 1; t <= nt; t++) {
				printf "%-26s", tn[t]
				printf " %12s", cell(med("tcp" SUBSEP tn[t] SUBSEP 4), "%.0f")
				printf " %10s", cell(med("tcp" SUBSEP tn[t] SUBSEP 5), "%.1f")
				printf " %10s", cell(med("tcp" SUBSEP tn[t] SUBSEP 6), "%.1f")
				printf " %6s", cell(med("tcp" SUBSEP tn[t] SUBSEP 7), "%.0f")
				print tnote[tn[t]] == "" ? "" : "  (" tnote[tn[t]] ")"
			}
			print "  stream: one op is a 128 KiB write; rr-4k: 4 KiB out, 4 KiB back;"
			print "  1cpu: both ends on CPU 0"
		}
		if (nn) {
			print ""
			print "n/a because:"
			for (i = 1; i <= nn; i++) print "  " notes[i]
		}
	}' "$res"
}

# One JSON object: the settings and every figure (null when n/a).
json() {
	awk -F'\t' -v kver="$kver" -v date="$started" -v t="$btime" -v cases="$cases" -v rounds="$rounds" \
		-v fabrics="$fabrics" -v desc="$desc" -v load0="$load0" -v load1="$load1" \
		-v vmrc="$vmrc" -v cpu="$cpu" -v qemu="$qemu" -v modes="$modes" '
	function s(x) { gsub(/\\/, "\\\\", x); gsub(/"/, "\\\"", x); return "\"" x "\"" }
	function n(x) { return x == "" || x == "-" ? "null" : x + 0 }
	BEGIN {
		printf "{\"date\": %s, \"kver\": %s, \"seconds_per_figure\": %d, \"rounds\": %d,\n",
			s(date), s(kver), t, rounds
		printf " \"cases\": %s,", s(cases)
		printf " \"modes\": %s,", s(modes)
		printf " \"fabrics\": %s, \"zcit\": %s, \"host_cpu\": %s, \"qemu\": %s,\n",
			s(fabrics), s(desc), s(cpu), s(qemu)
		printf " \"host_loadavg_start\": %s, \"host_loadavg_end\": %s, \"vm_exit\": %d,\n",
			s(load0), s(load1), vmrc
		printf " \"results\": ["
	}
	NR > 1 {
		printf "%s\n  {\"kind\": %s, \"fabric\": %s, \"case\": %s, \"iops\": %s, \"mbps\": %s, " \
			"\"cpu_us_per_op\": %s, \"cpu_pct\": %s, \"note\": %s, \"round\": %d, \"mode\": %s}",
			(NR > 2 ? "," : ""), s($1), s($2), s($3), n($4), n($5), n($6), n($7), s($8), $9 + 0,
			s($10)
	}
	END { print "\n ]}" }' "$res"
}

{
	echo "zcit benchmark, $started, guest kernel $kver, $btime s per figure, $rounds round(s)"
	echo "zcit $desc; host: $cpu, $(nproc) CPUs, load average $load0 at the start, $load1 at the end"
	[ -z "$base_ko" ] || echo "zbase: $base_ko (sha1 $(sha1sum "$base_ko" | cut -c1-12))"
	echo "guest: $qemu, TCG, -smp 2, 3 GiB; fabrics: $fabrics; cases: ${cases:-all}"
	[ -z "$iocpus" ] || echo "cpus_allowed_list: $iocpus"
	[ "$btime" -ge 20 ] || echo "NOTE: short run ($btime s per figure): noisy figures"
	[ -z "$vmnote" ] || echo "NOTE: $vmnote"
	echo
	echo "iSCSI over 127.0.0.1: open-iscsi, fio libaio direct=1, one ${size} MiB ramdisk LUN"
	echo "(lio/zcit: rd_mcp via targetcli; tgt: rdwr on tmpfs). Case <rw>-<bs>-qd<depth per"
	echo "disk>-s<sessions>-<digests none|crc32c>; 4 KiB cases in IOPS, 128 KiB in MB/s"
	echo "(10^6 B/s); cpu us/IO: guest busy time of both CPUs per I/O. zcit/lio, zcit/zb: ratios."
	for m in $modes; do
		echo
		case $m in
		stock) echo "== stock: every fabric as targetcli (tgt: tgtd) leaves it, nothing in param/" \
			"changed (tgt: digests CRC32C,None)" ;;
		tuned) echo "== tuned: MaxRecvDataSegmentLength and MaxXmitDataSegmentLength 262144 on" \
			"every fabric" ;;
		esac
		table "$m"
	done
	table -
	echo
	echo "console log: $log"
	echo "open-iscsi's negotiated values: $outdir/params-*.txt"
	negotiated
} >"$base.txt"
json >"$base.json"
cat "$base.txt"
echo "bench: wrote $base.txt, $base.json, $base.tsv"
