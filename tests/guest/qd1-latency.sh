#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Where a QD1 4 KiB READ's time goes (run by scripts/qd1-latency.sh in a
# VM): zcit serves a 256 MiB ramdisk LUN on 127.0.0.1, open-iscsi logs in,
# fio (libaio, direct) reads 4 KiB at random at QD 1 for 8 s, pinned to
# CPU $QD1_FIO_CPU (default 0), three times: without probes, with
# kprobes, without again. The kprobes (zcit_sock_data_ready,
# zcit_conn_io_work entry and return, rd_execute_rw, zcit_queue_data_in,
# the initiator's iscsi_queuecommand and iscsi_sw_tcp_data_ready) exist in
# every zcit version, so an older zcit.ko ($QD1_KO) compares too;
# $QD1_IO_CPUS, if set, is written to cpus_allowed_list first. Prints
# fio's IOPS, each phase of a READ (initiator submit -> next submit), io
# work runs per READ and their run time, and the CPUs each phase ran on.
# With QD1_PERF=1, a fourth run under perf record (cpu-clock, every CPU)
# prints the kernel functions that took the most samples, as CPU time
# per READ (us), the functions of zcit and their sum first.
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
. "$ZCIT_ROOT/tests/guest/cfs.sh"
W=/tmp/lat; mkdir -p $W
load_target_core
if [ -n "${QD1_KO:-}" ]; then
	modprobe -a libcrc32c scsi_common configfs && insmod "$QD1_KO"
else
	modprobe zcit
fi || { echo "zcit not loaded"; echo ZCIT-EXIT=1; exit 1; }
echo "QD1 module ${QD1_KO:-zcit} $(cat /sys/module/zcit/version 2>/dev/null)"
mkdir -p "$CFS/iscsi" &&
"$LIO" target "$IQN1" 1 && "$LIO" portal "$IQN1" 1 127.0.0.1:3260 &&
"$LIO" backstore rd lat 256 && "$LIO" lun "$IQN1" 1 0 rd/lat &&
"$LIO" acl "$IQN1" 1 "$INI1" 0=0 || { echo setup failed; echo ZCIT-EXIT=1; exit 1; }
echo 0 > "$CFS/iscsi/$IQN1/tpgt_1/attrib/authentication"
if [ -n "${QD1_IO_CPUS:-}" ]; then
	echo "$QD1_IO_CPUS" >"$CFS/iscsi/cpus_allowed_list" || { echo ZCIT-EXIT=1; exit 1; }
fi
printf 'node.session.scan = auto\n' | start_open_iscsi "$INI1"
iscsiadm -m node -T "$IQN1" -p 127.0.0.1:3260 -o new >/dev/null
iscsiadm -m node -T "$IQN1" -p 127.0.0.1:3260 --login >/dev/null
sleep 3
dev=$(ls -d /sys/class/iscsi_session/session*/device/target*/*:*/block/* | head -1)
dev=/dev/${dev##*/}
echo none >"/sys/block/${dev#/dev/}/queue/scheduler"
T=/sys/kernel/tracing; [ -d $T/events ] || T=/sys/kernel/debug/tracing
# qd1_fio JSON [WRAPPER...]: the QD1 random read, pinned, run under
# WRAPPER (e.g. perf record), fio's JSON in JSON
qd1_fio() {
	local out=$1
	shift
	"$@" taskset -c "${QD1_FIO_CPU:-0}" fio --name=qd1 --filename="$dev" \
		--ioengine=libaio --direct=1 --rw=randread --bs=4k --iodepth=1 \
		--runtime=8 --time_based --output-format=json --output="$out" \
		>/dev/null 2>&1
}
for run in notrace1 trace notrace2; do
	if [ $run = trace ]; then
		echo > $T/trace; echo 32768 > $T/buffer_size_kb; echo global > $T/trace_clock
		for p in 'p:zdr zcit_sock_data_ready' 'p:zio zcit_conn_io_work' \
			'r:zior zcit_conn_io_work' 'p:zrd rd_execute_rw' \
			'p:zqd zcit_queue_data_in' 'p:zir iscsi_sw_tcp_data_ready' \
			'p:zqc iscsi_queuecommand'; do
			echo "$p" >> $T/kprobe_events || echo "kprobe failed: $p"
		done
		echo 1 > $T/events/kprobes/enable
	fi
	qd1_fio $W/$run.json
	echo 0 > $T/events/kprobes/enable 2>/dev/null
	python3 - $W/$run.json $run <<'PY'
import json,sys
j=json.load(open(sys.argv[1]))['jobs'][0]['read']
c=j['clat_ns']
print(f"QD1 fio {sys.argv[2]}: {j['iops']:.0f} IOPS, clat mean {c['mean']/1000:.1f} us")
PY
done
cp $T/trace $W/trace.txt
python3 - $W/trace.txt <<'PY'
import collections
import re
import sys

PROBES = "zdr|zio|zior|zrd|zqd|zir|zqc"
events = []  # (time in us, probe, CPU)
for line in open(sys.argv[1]):
    m = re.search(r"\[(\d+)\].*\s(\d+\.\d+): (%s):" % PROBES, line)
    if m:
        events.append((float(m.group(2)) * 1e6, m.group(3), int(m.group(1))))
events.sort()

# io work run time: entry and return pair up per CPU (it never sleeps)
entered, runs = {}, []
for t, probe, cpu in events:
    if probe == "zio":
        entered[cpu] = t
    elif probe == "zior" and cpu in entered:
        runs.append(t - entered.pop(cpu))

# one cycle per READ: from one iscsi_queuecommand to the next
cycles, cur = [], None
for ev in events:
    if ev[1] == "zqc":
        if cur:
            cycles.append(cur)
        cur = [ev]
    elif cur is not None:
        cur.append(ev)

def first(cycle, probe, after=0.0):
    return next((e for e in cycle if e[1] == probe and e[0] >= after), None)

phases = collections.defaultdict(list)
io_runs, cpus = [], collections.Counter()
for i, cy in enumerate(cycles):
    sub, pkt = cy[0], first(cy, "zdr")
    io1 = pkt and first(cy, "zio", pkt[0])
    rd, qd = first(cy, "zrd"), first(cy, "zqd")
    io2 = qd and first(cy, "zio", qd[0])
    ini = qd and first(cy, "zir", qd[0])
    if not (pkt and io1 and rd and qd and io2 and ini):
        continue
    steps = [("1 submit -> command packet in", sub, pkt),
             ("2 packet in -> io work runs", pkt, io1),
             ("3 io work -> rd_execute_rw", io1, rd),
             ("4 rd -> queue_data_in (LIO)", rd, qd),
             ("5 queue_data_in -> io work runs", qd, io2),
             ("6 io work -> initiator data_ready", io2, ini)]
    if i + 1 < len(cycles):
        steps.append(("7 initiator data_ready -> next submit", ini, cycles[i + 1][0]))
    for name, a, b in steps:
        phases[name].append(b[0] - a[0])
    io_runs.append(sum(1 for e in cy if e[1] == "zio"))
    cpus[tuple(e[2] for e in (sub, pkt, io1, rd, qd, io2, ini))] += 1

def stats(x):
    if not x:
        return "none"
    x = sorted(x)
    return "mean %7.1f p50 %7.1f" % (sum(x) / len(x), x[len(x) // 2])

print("QD1 %d READs traced, %d with every phase" % (len(cycles), len(io_runs)))
for name in sorted(phases):
    print("QD1   %-40s %s us" % (name, stats(phases[name])))
print("QD1   io work runs per READ %.2f; run time %s us (%d runs)"
      % (sum(io_runs) / max(1, len(io_runs)), stats(runs), len(runs)))
print("QD1   CPUs (submit, packet, io work, rd, LIO done, io work, initiator rx):",
      ", ".join("%s x%d" % (c, n) for c, n in cpus.most_common(3)))
PY
if [ "${QD1_PERF:-0}" = 1 ]; then
	hz=2000
	qd1_fio $W/perf.json perf record -q -a -F $hz -o $W/perf.data --
	perf report -i $W/perf.data --stdio --no-children --sort dso,sym -n \
		2>/dev/null | grep -v '^#' >$W/perf.txt
	python3 - $W/perf.json $W/perf.txt $hz <<'PY'
import json, re, sys
ios = json.load(open(sys.argv[1]))['jobs'][0]['read']['total_ios']
rows = []
for line in open(sys.argv[2]):
    m = re.match(r"\s*[\d.]+%\s+(\d+)\s+(\S+)\s+\[[k.]\]\s+(\S+)", line)
    if m:
        rows.append((int(m.group(1)), m.group(3), m.group(2)))
idle = re.compile(r"halt|idle|mwait|poll_idle")
busy = [r for r in rows if not idle.search(r[1])]
hz = float(sys.argv[3])   # perf's samples per second per CPU
us = lambda n: n / hz * 1e6 / max(1, ios)
def ours(r):
    return r[2] == "[zcit]" or r[1].startswith("zcit_")
z = [r for r in busy if ours(r)]
print("QD1 perf: %d READs, CPU per READ (idle left out): %.1f us in all, %.1f us in zcit"
      % (ios, us(sum(r[0] for r in busy)), us(sum(r[0] for r in z))))
for n, sym, dso in z[:15]:
    print("QD1 perf   zcit %-40s %6.2f us" % (sym, us(n)))
for n, sym, dso in [r for r in busy if not ours(r)][:15]:
    print("QD1 perf   %-16s %-35s %6.2f us" % (dso.strip("[]")[:16], sym, us(n)))
PY
fi
iscsiadm -m node --logoutall=all >/dev/null 2>&1
echo ZCIT-EXIT=0
