#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/qd1-latency.sh [--kver K] [--ko ZCIT_KO] [--fio-cpu N]
#                         [--io-cpus LIST] [--boots N] [--perf]
#
# Where a QD1 4 KiB READ's time goes, in a VM (tests/guest/qd1-latency.sh):
# zcit (built by scripts/build.sh, or the module ZCIT_KO, e.g. an older
# version's, to compare), open-iscsi, fio pinned to CPU N (default 0),
# the io work on the CPUs LIST (cpus_allowed_list; default all).
# Prints the "QD1" lines of each boot: fio's IOPS without and with the
# kprobes, the phases of a READ, io work runs and their run time, and the
# CPUs each phase ran on; --perf adds a run under perf record and the
# CPU time per READ of the functions that took most (zcit's first).
# Logs: out/logs/<K>/qd1-latency-<boot>.log.
# Figures are TCG's: compare versions or placements in the same run,
# boots alternating, never against a fixed number.
set -euo pipefail
cd "$(dirname "$0")/.."
kver=6.1 ko='' cpu=0 iocpus='' boots=1 perf=0
while [ $# -gt 0 ]; do
	case "$1" in
	--kver) kver=$2; shift 2 ;;
	--ko) ko=$(realpath "$2"); shift 2 ;;
	--fio-cpu) cpu=$2; shift 2 ;;
	--io-cpus) iocpus=$2; shift 2 ;;
	--boots) boots=$2; shift 2 ;;
	--perf) perf=1; shift ;;
	*) sed -n '4,17s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	esac
done
case "$kver" in 6.1 | 6.12) kver=$(./scripts/kvers.sh "$kver") ;; esac
[ -n "$ko" ] || [ -f "out/$kver/zcit.ko" ] || ./scripts/build.sh
mkdir -p "out/logs/$kver"
for b in $(seq "$boots"); do
	log=out/logs/$kver/qd1-latency-$b.log
	./tests/lib/vm.sh --kver "$kver" --mem 3G --timeout 600 --log "$log" \
		--script "$PWD/tests/guest/qd1-latency.sh" \
		--env "QD1_KO=$ko" --env "QD1_FIO_CPU=$cpu" \
		--env "QD1_IO_CPUS=$iocpus" --env "QD1_PERF=$perf" >/dev/null || {
		echo "qd1-latency: boot $b failed, log $log" >&2
		exit 1
	}
	echo "== boot $b"
	tr -d '\r' <"$log" | grep '^QD1'
done
