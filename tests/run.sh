#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/run.sh [--kver K]... [--filter GLOB] [--env K=V]...
#
# Run each guest test script tests/vm/*.sh (sorted; GLOB matches its name
# with or without .sh; several --filter: any) in its own VM (tests/lib/vm.sh)
# on each kernel K (6.1, 6.12, all, debug or a full version; default: all of
# scripts/kvers.sh; debug: the debug guest kernel of scripts/debug-kernel.sh,
# whose tests get 3 times their timeout).
# Logs: out/logs/<kver>/<test>.log. Every "ZCIT-RESULT" line is one test,
# <kver>/<test>/<name>; a script without such lines is one test, <kver>/<test>,
# passed by its exit status. A kernel BUG/WARNING/..., a timeout or a missing
# exit marker adds a failure for <kver>/<test>. A header line like
#   # zcit-vm: blk-disk=64M scsi-disk=64M timeout=300 mem=2G
# asks for sparse disk images (made in out/disks/ for that run) and VM settings;
# the word "deb" there has scripts/deb.sh build out/deb/zcit-dkms_*.deb on the
# host first (once a run; log out/logs/deb.log).
# --env K=V sets K in every guest script's environment; the host's
# ZCIT_LOGIN_FABRICS, ZCIT_CONF_FABRICS, ZCIT_IO_FABRICS and
# ZCIT_ABUSE_FABRICS (which fabrics tests/vm/50-login.sh,
# 60-conformance.sh, 70-io.sh and 58-abuse.sh run) and
# ZCIT_MPATH_FULL, ZCIT_MPATH_FAULTS, ZCIT_MPATH_ONE_FAULTS,
# ZCIT_MPATH_FABRICS (75-multipath.sh) and ZCIT_SOAK_SECS (78-soak.sh)
# are passed on when set. Ends with "N skipped" and "N passed, N failed";
# exit 0 iff nothing failed.
set -uo pipefail
export LC_ALL=C

root=$(cd "$(dirname "$0")/.." && pwd)
kvers=() filters=() envs=()
for v in ZCIT_LOGIN_FABRICS ZCIT_CONF_FABRICS ZCIT_IO_FABRICS ZCIT_ABUSE_FABRICS \
	ZCIT_MPATH_FULL ZCIT_MPATH_FAULTS ZCIT_MPATH_ONE_FAULTS ZCIT_MPATH_FABRICS \
	ZCIT_SOAK_SECS; do
	[ -z "${!v+set}" ] || envs+=(--env "$v=${!v}")
done

usage() { sed -n '4,25s/^# \{0,1\}//p' "$0" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case "$1" in
	--kver)
		case "$2" in
		6.1 | 6.12 | all | default | bpo | debug)
			read -ra ks <<<"$("$root/scripts/kvers.sh" "$2")"
			[ ${#ks[@]} -gt 0 ] || { echo "run.sh: no $2 kernel (debug: make debug-kernel)" >&2; exit 2; }
			;;
		*) ks=("$2") ;;
		esac
		kvers+=("${ks[@]}")
		shift
		;;
	--filter) filters+=("$2"); shift ;;
	--env) envs+=(--env "$2"); shift ;;
	*) usage ;;
	esac
	shift
done
[ ${#kvers[@]} -gt 0 ] || read -ra kvers <<<"$("$root/scripts/kvers.sh" all)"
[ ${#kvers[@]} -gt 0 ] || { echo "run.sh: no kernels (scripts/kvers.sh)" >&2; exit 2; }

[ ${#filters[@]} -gt 0 ] || filters=('*')
tests=()
for t in "$root"/tests/vm/*.sh; do
	n=$(basename "$t")
	for filter in "${filters[@]}"; do
		# shellcheck disable=SC2053 # $filter is a glob
		if [[ $n == $filter || ${n%.sh} == $filter ]]; then
			tests+=("$t")
			break
		fi
	done
done
[ ${#tests[@]} -gt 0 ] || { echo "run.sh: no tests/vm/*.sh match '${filters[*]}'" >&2; exit 2; }

passed=0 failed=0 skipped=0 skips=() deb_rc=''
zcit_out=${ZCIT_OUT:-$root/out}
[[ $zcit_out == /* ]] || zcit_out=$PWD/$zcit_out
result() { # PASS|FAIL|SKIP ID [REASON]
	echo "$1 $2${3:+: $3}"
	case "$1" in
	PASS) passed=$((passed + 1)) ;;
	FAIL) failed=$((failed + 1)) ;;
	SKIP) skipped=$((skipped + 1)); skips+=("$2${3:+: $3}") ;;
	esac
}

run_one() { # KVER SCRIPT
	local k=$1 t=$2 n id log args imgs=() kv img rc=0 vmerr nres=0 nfail=0 st name reason
	n=$(basename "$t" .sh)
	id=$k/$n
	log=$root/out/logs/$k/$n.log
	args=(--kver "$k" --script "$t" --log "$log" ${envs[@]+"${envs[@]}"})
	for kv in $(sed -n 's/^# zcit-vm://p' "$t" | head -n1); do
		case "$kv" in
		blk-disk=* | scsi-disk=*)
			img=$root/out/disks/$k-$n-${kv%%=*}.img
			mkdir -p "$root/out/disks" && rm -f "$img" && truncate -s "${kv#*=}" "$img" || return
			imgs+=("$img")
			args+=("--${kv%%=*}" "$img")
			;;
		timeout=*)
			# KASAN, lockdep and kmemleak make the debug kernel ~3x slower
			case "$k" in
			*-zcitdbg-*) args+=(--timeout "$(( ${kv#*=} * 3 ))") ;;
			*) args+=(--timeout "${kv#*=}") ;;
			esac
			;;
		mem=*) args+=("--${kv%%=*}" "${kv#*=}") ;;
		deb)
			if [ -z "$deb_rc" ]; then
				deb_rc=0
				mkdir -p "$zcit_out/logs"
				"$root/scripts/deb.sh" "$zcit_out/deb" >"$zcit_out/logs/deb.log" 2>&1 ||
					deb_rc=$?
			fi
			if [ "$deb_rc" != 0 ]; then
				result FAIL "$id" "scripts/deb.sh failed (log $zcit_out/logs/deb.log)"
				return
			fi
			;;
		*) echo "run.sh: $t: unknown zcit-vm setting '$kv'" >&2 ;;
		esac
	done

	vmerr=$("$root/tests/lib/vm.sh" "${args[@]}" 2>&1 >/dev/null) || rc=$?
	[ ${#imgs[@]} -eq 0 ] || rm -f "${imgs[@]}"
	grep 'VM ran' <<<"$vmerr" | sed 's/^/  /'

	if [ -f "$log" ]; then
		while read -r _ st name reason; do
			result "$st" "$id/$name" "$reason"
			nres=$((nres + 1))
			[ "$st" != FAIL ] || nfail=$((nfail + 1))
		done < <(tr -d '\r' <"$log" | grep -aoE 'ZCIT-RESULT (PASS|FAIL|SKIP) [^ ]+.*')
	fi
	reason=$(grep -v 'VM ran' <<<"$vmerr" | tail -n1)
	case "$rc" in
	0) [ "$nres" -gt 0 ] || result PASS "$id" ;;
	97 | 98 | 124) result FAIL "$id" "${reason#vm.sh: }" ;;
	*) [ "$nfail" -gt 0 ] || result FAIL "$id" "exit status $rc${reason:+ (${reason#vm.sh: })}" ;;
	esac
	if [ "$rc" -ne 0 ] || [ "$nfail" -gt 0 ]; then
		[ -f "$log" ] && tr -d '\r' <"$log" | tail -n 40 | sed 's/^/  | /'
	fi
}

for k in "${kvers[@]}"; do
	for t in "${tests[@]}"; do
		run_one "$k" "$t"
	done
done

[ ${#skips[@]} -eq 0 ] || printf 'skipped %s\n' "${skips[@]}"
echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
