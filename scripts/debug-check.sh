#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/debug-check.sh (`make debug-check`): the VM tests that feed zcit
# the most hostile and the most varied input, on the debug guest kernel of
# scripts/debug-kernel.sh (KASAN, lockdep, kmemleak, DEBUG_LIST,
# DEBUG_OBJECTS): login fuzzing (55), Full Feature Phase fuzzing (56), the
# events and teardown paths (57), the attacks (58), data integrity with
# open-iscsi, fio, ext4 and QEMU (70, zcit only), and the faults: multipath
# (75), bounded teardown (77) and the soak (78). Any kernel report fails
# its test (tests/lib/vm.sh), and so does a kmemleak report after the test
# (tests/lib/guest-init.sh scans after unloading zcit). KUnit runs under UML
# with KASAN in make kunit (kunit/kasan/). Ends with "N passed, N failed";
# exit 1 when the debug kernel is not built (make debug-kernel).
# ZCIT_DEBUG_TESTS: other test globs (default "5[5-8]-* 70-io 7[578]-*").
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

kver=$(./scripts/debug-kernel.sh --print) || {
	echo "debug-check: no debug kernel: run make debug-kernel (~22 min) first" >&2
	exit 1
}
echo "debug-check: $kver"
ZCIT_KVERS=$kver ./scripts/build.sh || { echo "0 passed, 1 failed"; exit 1; }
filters=()
set -f # globs for run.sh
for f in ${ZCIT_DEBUG_TESTS:-5[5-8]-* 70-io 7[578]-*}; do
	filters+=(--filter "$f")
done
ZCIT_IO_FABRICS=zcit exec ./tests/run.sh --kver "$kver" "${filters[@]}"
