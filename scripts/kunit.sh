#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run zcit's KUnit suites under UML (ARCH=um) with tools/testing/kunit/kunit.py.
#
#   scripts/kunit.sh            plain config (kunit/.kunitconfig)
#   scripts/kunit.sh --kasan    KASAN config (kunit/kasan/.kunitconfig)
#   scripts/kunit.sh --all      both, one after the other
#
# Idempotent.  Everything lives in ${ZCIT_CACHE:-~/.cache/zcit}:
#   linux-source-6.1/   pristine tree, extracted from Debian's linux-source-6.1
#   kunit-src/          hard-link copy (cp -al) of it; drivers/zcit -> this repo,
#                       drivers/Kconfig and drivers/Makefile replaced (never
#                       edited in place: their inodes are shared with the
#                       pristine tree) to hook drivers/zcit in
#   kunit-build/, kunit-build-kasan/   kunit.py build directories
#   ccache/             compiler cache, when ccache is installed
#
# Prints kunit.py's output, then one line per run:
#   KUNIT <config>: N passed, N failed, N skipped
# ("failed" counts crashed tests and KTAP errors too).  Exits non-zero if a
# build fails, a test fails or crashes, a suite is missing, or the kernel log
# shows a KASAN/UBSAN report, an oops or a WARNING other than the known
# harmless one from arch/um/drivers/virt-pci.c.

set -u
set -o pipefail

usage() {
	echo "usage: $0 [--kasan] [--all]" >&2
	exit 2
}

configs=()
for arg in "$@"; do
	case "$arg" in
	--kasan) configs+=(kasan) ;;
	--all) configs+=(plain kasan) ;;
	-h|--help) usage ;;
	*) usage ;;
	esac
done
[ ${#configs[@]} -eq 0 ] && configs=(plain)
# Drop duplicates (--all --kasan), keeping the order.
mapfile -t configs < <(printf '%s\n' "${configs[@]}" | awk '!seen[$0]++')

REPO=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd -P)
CACHE=${ZCIT_CACHE:-$HOME/.cache/zcit}
KVER_DIR=linux-source-6.1
TARBALL=/usr/src/$KVER_DIR.tar.xz
PRISTINE=$CACHE/$KVER_DIR
SRC=$CACHE/kunit-src
# Suites kunit/*.c define; each must show up in the KTAP output.  Only they
# run (the KASAN config also builds KASAN's own suite, which must not run).
SUITES="zcit_param zcit_names zcit_text zcit_nego zcit_chap zcit_pdu zcit_login zcit_xfer"
GLOB='zcit_*'


die() {
	echo "kunit.sh: $*" >&2
	exit 1
}

mkdir -p "$CACHE" || die "cannot create $CACHE"
CACHE=$(cd "$CACHE" && pwd -P)
PRISTINE=$CACHE/$KVER_DIR
SRC=$CACHE/kunit-src

# One run at a time per cache: runs share kunit-src and the build dirs.
exec 9>"$CACHE/.kunit.lock"
flock 9 || die "cannot lock $CACHE/.kunit.lock"

for tool in flex bison bc python3 make gcc; do
	command -v "$tool" >/dev/null ||
		die "$tool not found: run scripts/deps.sh"
done

# 1. The pristine tree.
if [ ! -f "$PRISTINE/Makefile" ]; then
	[ -f "$TARBALL" ] ||
		die "$TARBALL missing: apt-get install linux-source-6.1 (scripts/deps.sh)"
	echo "kunit.sh: extracting $TARBALL into $CACHE"
	tmp=$(mktemp -d "$CACHE/.extract.XXXXXX") || die "mktemp failed"
	tar -xJf "$TARBALL" -C "$tmp" || { rm -rf "$tmp"; die "extracting $TARBALL failed"; }
	rm -rf "$PRISTINE"
	mv "$tmp/$KVER_DIR" "$PRISTINE" || die "cannot move the extracted tree"
	rm -rf "$tmp"
fi

# 2. The hard-link copy (made once; the stamp marks a complete copy).
if [ ! -f "$SRC/.zcit-kunit-src" ]; then
	echo "kunit.sh: hard-linking $PRISTINE to $SRC"
	rm -rf "$SRC" "$SRC.tmp"
	cp -al "$PRISTINE" "$SRC.tmp" || die "cp -al failed"
	touch "$SRC.tmp/.zcit-kunit-src"
	mv "$SRC.tmp" "$SRC" || die "cannot move $SRC.tmp"
fi

# 3. Hook the repo in.  replace_file FILE CONTENT-FILE: put a new inode in
#    place of FILE only if the content differs (keeps mtimes, so no rebuild).
replace_file() {
	if ! cmp -s "$2" "$1"; then
		rm -f "$1"
		mv "$2" "$1"
	else
		rm -f "$2"
	fi
}

if [ -e "$SRC/drivers/zcit" ] && [ ! -L "$SRC/drivers/zcit" ]; then
	die "$SRC/drivers/zcit exists and is not a symlink"
fi
if [ "$(readlink "$SRC/drivers/zcit" 2>/dev/null)" != "$REPO" ]; then
	ln -sfn "$REPO" "$SRC/drivers/zcit" || die "cannot link $SRC/drivers/zcit"
fi

kconfig_new=$(mktemp "$SRC/drivers/.Kconfig.XXXXXX")
awk '
	/^endmenu/ && !done {
		print "source \"drivers/zcit/kunit/Kconfig\""
		print ""
		done = 1
	}
	{ print }
' "$PRISTINE/drivers/Kconfig" >"$kconfig_new" || die "cannot write drivers/Kconfig"
grep -q 'drivers/zcit/kunit/Kconfig' "$kconfig_new" ||
	die "no endmenu in $PRISTINE/drivers/Kconfig"
chmod 644 "$kconfig_new"
replace_file "$SRC/drivers/Kconfig" "$kconfig_new"

makefile_new=$(mktemp "$SRC/drivers/.Makefile.XXXXXX")
{
	cat "$PRISTINE/drivers/Makefile"
	# shellcheck disable=SC2016 # a make variable, not a shell one
	echo 'obj-$(CONFIG_ZCIT_KUNIT_TEST)	+= zcit/'
} >"$makefile_new" || die "cannot write drivers/Makefile"
chmod 644 "$makefile_new"
replace_file "$SRC/drivers/Makefile" "$makefile_new"

# 4. ccache, when installed: put its gcc/cc wrappers first in PATH.  The
#    command lines stay "gcc ...", so switching it on or off rebuilds nothing.
if [ -d /usr/lib/ccache ] && command -v ccache >/dev/null; then
	export PATH=/usr/lib/ccache:$PATH
	export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
	use_ccache=1
else
	use_ccache=0
fi

# 5. Run kunit.py for each config.
summaries=()
status=0

# log_problems LOG: print kernel log lines that must fail the run.
log_problems() {
	grep -E 'BUG: (KASAN|KFENCE|UBSAN)|UBSAN:|Kernel panic|Oops|general protection|WARNING: (CPU|at)' "$1" |
		grep -v 'arch/um/drivers/virt-pci\.c'
	return 0
}

run_one() {
	local cfg=$1 kunitconfig build log start end rc line
	local passed=0 failed=0 skipped=0 errors=0 crashed=0 note=""
	local extra=()

	case "$cfg" in
	plain)
		kunitconfig=$REPO/kunit
		build=$CACHE/kunit-build
		;;
	kasan)
		kunitconfig=$REPO/kunit/kasan
		build=$CACHE/kunit-build-kasan
		# Report every bug, not only the first one.
		extra=(--kernel_args=kasan_multi_shot)
		;;
	esac
	mkdir -p "$build"
	log=$build/kunit.sh.log

	echo "kunit.sh: $cfg: kunit.py run --kunitconfig=$kunitconfig --build_dir=$build ${extra[*]} '$GLOB' (ccache: $use_ccache)"
	start=$(date +%s)
	(cd "$SRC" && python3 tools/testing/kunit/kunit.py run \
		--kunitconfig="$kunitconfig" --build_dir="$build" --jobs=2 \
		"${extra[@]}" "$GLOB") 2>&1 |
		tee "$log"
	rc=$?
	end=$(date +%s)
	echo "kunit.sh: $cfg: kunit.py exited $rc after $((end - start)) s"

	# "[09:03:20] Testing complete. Ran 42 tests: passed: 40, failed: 1, skipped: 1"
	# (kunit.py lists only the non-zero counts: passed, failed, crashed,
	# skipped, errors).
	line=$(sed -e 's/\x1b\[[0-9;]*m//g' -e 's/^\[[0-9:]*\] //' "$log" |
		grep -E '^Testing complete\. Ran [0-9]+ tests' | tail -n1)
	if [ -n "$line" ]; then
		passed=$(sed -n 's/.*passed: \([0-9]*\).*/\1/p' <<<"$line")
		failed=$(sed -n 's/.*failed: \([0-9]*\).*/\1/p' <<<"$line")
		skipped=$(sed -n 's/.*skipped: \([0-9]*\).*/\1/p' <<<"$line")
		errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' <<<"$line")
		crashed=$(sed -n 's/.*crashed: \([0-9]*\).*/\1/p' <<<"$line")
		failed=$(( ${failed:-0} + ${errors:-0} + ${crashed:-0} ))
		passed=${passed:-0}
		skipped=${skipped:-0}
	elif grep -q 'Build interruption\|Could not call\|make\[.*Error\|error:' "$log"; then
		note=" (build failed)"
	else
		note=" (no test results)"
	fi

	if [ -z "$note" ] && [ -f "$build/test.log" ]; then
		for s in $SUITES; do
			grep -Eq "# Subtest: $s\$" "$build/test.log" ||
				note="$note (suite $s missing)"
		done
		problems=$(log_problems "$build/test.log")
		if [ -n "$problems" ]; then
			echo "kunit.sh: $cfg: the kernel log reports:"
			echo "$problems"
			note="$note (kernel log: see above)"
		fi
	fi
	[ "$passed" -eq 0 ] && [ -z "$note" ] && note=" (no test passed)"

	summaries+=("KUNIT $cfg: $passed passed, $failed failed, $skipped skipped$note")
	if [ "$rc" -ne 0 ] || [ "$failed" -ne 0 ] || [ -n "$note" ]; then
		status=1
	fi
}

for cfg in "${configs[@]}"; do
	run_one "$cfg"
done

for s in "${summaries[@]}"; do
	echo "$s"
done
exit "$status"
