#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Build zcit.ko with W=1 for each supported Debian kernel into out/<kver>/,
# failing on any compiler warning.  --sparse: also run sparse on every
# source (C=2 checks them whether or not they are recompiled), warnings
# as errors.  Kernels: $ZCIT_KVERS, or scripts/kvers.sh all.
set -eu
cd "$(dirname "$0")/.."
root=$PWD
sparse=""
[ "${1:-}" = "--sparse" ] && sparse="C=2 CF=-Wsparse-error"
kvers=${ZCIT_KVERS:-$(./scripts/kvers.sh all)}
[ -n "$kvers" ] || { echo "build: no Debian kernel headers installed (run scripts/deps.sh)" >&2; exit 1; }

for kver in $kvers; do
	kdir=/lib/modules/$kver/build
	# the debug guest kernel (scripts/debug-kernel.sh) keeps its build tree
	# in the cache
	dbg=${ZCIT_CACHE:-$HOME/.cache/zcit}/debug-kernel/$kver/build
	[ -d "$kdir" ] || [ ! -d "$dbg" ] || kdir=$dbg
	[ -d "$kdir" ] || { echo "build: missing $kdir" >&2; exit 1; }
	dir=$root/out/$kver
	# A tree of symlinks to the sources: each kernel gets its own objects.
	rm -rf "$dir/drivers" "$dir/include" "$dir/kunit" "$dir/Kbuild"
	mkdir -p "$dir"
	for f in Kbuild drivers include; do
		cp -rs "$root/$f" "$dir/$f"
	done
	log=$dir/build${sparse:+-sparse}.log
	echo "build: $kver${sparse:+ (sparse)}"
	# shellcheck disable=SC2086
	if ! make -C "$kdir" M="$dir" W=1 $sparse modules >"$log" 2>&1; then
		cat "$log" >&2
		echo "build: FAILED for $kver" >&2
		exit 1
	fi
	if grep -E 'warning:|error:' "$log" >&2; then
		echo "build: warnings for $kver (see $log)" >&2
		exit 1
	fi
done
