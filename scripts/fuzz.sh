#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/fuzz.sh (`make fuzz SEED=N TIME=SEC [FUZZ_KVER=6.1|6.12|debug]`,
# or SEED, TIME and KVER in the environment): the fuzzing tests
# (tests/vm/55-login-fuzz.sh, 56-ffp-fuzz.sh) round after round, seeds N,
# N+1, ..., until SEC seconds have passed (a round started before then is
# finished; TIME=0: one round). make check runs one round with seed 1.
# Each round's logs: out/fuzz/seed-<n>/; ZCIT_FUZZ_MUTATIONS sets the login
# fuzzer's seeded mutations a round (default 300, as in make check; mind
# the test's VM timeout). A failing seed is printed with the command that
# replays it; turn what it found into a named regression case in
# tests/guest/iscsiraw/cases/. Ends with "N passed, N failed" over all
# rounds.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

seed=${SEED:-1} time=${TIME:-600} kver=${KVER:-6.1}
mutations=${ZCIT_FUZZ_MUTATIONS:-300}
case "$seed$time" in *[!0-9]*) echo "fuzz: SEED and TIME are numbers" >&2; exit 2 ;; esac
case "$kver" in
6.1 | 6.12 | debug) full=$(./scripts/kvers.sh "$kver") ;;
*) full=$kver ;;
esac
[ -n "$full" ] || { echo "fuzz: no $kver kernel" >&2; exit 2; }
ZCIT_KVERS=$full ./scripts/build.sh || exit 1
end=$((SECONDS + time))
pass=0 fail=0 rounds=0 bad=()
while [ $SECONDS -lt $end ] || [ $rounds = 0 ]; do
	log=out/fuzz/seed-$seed.log
	mkdir -p out/fuzz
	echo "fuzz: round $((rounds + 1)), seed $seed ($((end - SECONDS)) s left)"
	./tests/run.sh --kver "$full" --filter 55-login-fuzz --filter 56-ffp-fuzz \
		--env "ZCIT_FUZZ_SEED=$seed" --env "ZCIT_FUZZ_ARGS=--mutations $mutations" >"$log" 2>&1
	rm -rf "out/fuzz/seed-$seed"
	cp -r "out/logs/$full" "out/fuzz/seed-$seed" 2>/dev/null
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
	p=${line%% passed*} f=${line#*passed, } f=${f%% failed*}
	if [ -z "$line" ]; then
		p=0 f=1
	fi
	pass=$((pass + p)) fail=$((fail + f))
	if [ "$f" != 0 ]; then
		grep '^FAIL' "$log" | sed 's/^/  /'
		bad+=("$seed")
	fi
	rounds=$((rounds + 1)) seed=$((seed + 1))
done
echo "fuzz: $rounds rounds"
for s in "${bad[@]}"; do
	echo "fuzz: seed $s failed; replay: make fuzz SEED=$s TIME=0 FUZZ_KVER=$kver (logs out/fuzz/seed-$s/)"
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
