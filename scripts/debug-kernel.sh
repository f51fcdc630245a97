#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# scripts/debug-kernel.sh [--print | --build]: the debug guest kernel.
#
# Debian's linux-source-6.1 built with KASAN, lockdep (PROVE_LOCKING),
# kmemleak, DEBUG_LIST and DEBUG_OBJECTS (work, timers): Debian's own
# config, cut down by "make localmodconfig" to the modules the VM tests load
# (scripts/debug-kernel/modules.list), with scripts/debug-kernel/fragment.config
# merged on top. Built once per machine into
# $ZCIT_CACHE/debug-kernel/<kver>/ (ZCIT_CACHE: ~/.cache/zcit): vmlinuz,
# the build tree (for building zcit.ko against it) and the modules, installed
# in /lib/modules/<kver>/ so that the VM, which runs on the host's root,
# finds them. <kver> is 6.1.<n>-zcitdbg-<hash of the fragment and the module
# list>; a cached kernel built from the same fragment and module list is
# used whatever its hash.
#   --print   print the cached kernel's version; exit 1 if there is none
#             (the default)
#   --build   build it unless it is cached (about 22 minutes on 2 cores), then
#             print its version. Log: $ZCIT_CACHE/debug-kernel/<kver>.log
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cache=${ZCIT_CACHE:-$HOME/.cache/zcit}/debug-kernel
frag=$root/scripts/debug-kernel/fragment.config
mods=$root/scripts/debug-kernel/modules.list
tarball=/usr/src/linux-source-6.1.tar.xz
mode=${1:---print}
case "$mode" in --print | --build) ;; *) sed -n '4,22s/^# \{0,1\}//p' "$0" >&2; exit 2 ;; esac

# The options a fragment sets ("# CONFIG_X is not set" included), sorted.
norm_config() {
	grep -E '^(CONFIG_|# CONFIG_.* is not set)' "$1" | grep -v LOCALVERSION | sort
}
# The modules of an lsmod-format file or of modules.list, sorted.
norm_modules() {
	grep -vE '^(#|Module )' "$1" | awk 'NF { print $1 }' | sort -u
}

find_cached() {
	local d
	for d in "$cache"/*/; do
		d=${d%/}
		{ [ -f "$d/done" ] && [ -f "$d/vmlinuz" ]; } || continue
		[ -d "/lib/modules/$(basename "$d")/kernel" ] || continue
		cmp -s <(norm_config "$d/fragment.config") <(norm_config "$frag") || continue
		cmp -s <(norm_modules "$d/lsmod") <(norm_modules "$mods") || continue
		basename "$d"
		return 0
	done
	return 1
}

if kver=$(find_cached); then
	echo "$kver"
	exit 0
fi
[ "$mode" = --build ] || exit 1

[ -f "$tarball" ] || { echo "debug-kernel: no $tarball (apt install linux-source-6.1)" >&2; exit 1; }
base=$(printf '%s\n' /boot/config-6.1.*-amd64 | sort -V | tail -n1)
[ -f "$base" ] || base=
[ -n "$base" ] || { echo "debug-kernel: no /boot/config-6.1.*-amd64" >&2; exit 1; }
src=$cache/src
mkdir -p "$cache"
if [ ! -f "$src/.extracted" ] || [ "$tarball" -nt "$src/.extracted" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1
	touch "$src/.extracted"
fi
ver=$(make -s -C "$src" kernelversion)
hash=$({ norm_config "$frag"; norm_modules "$mods"; echo "$ver"; } | sha256sum | cut -c1-10)
kver=$ver-zcitdbg-$hash
dir=$cache/$kver
log=$cache/$kver.log
rm -rf "$dir"
mkdir -p "$dir/build"
cp "$frag" "$dir/fragment.config"
echo "CONFIG_LOCALVERSION=\"-zcitdbg-$hash\"" >>"$dir/fragment.config"
echo "# CONFIG_LOCALVERSION_AUTO is not set" >>"$dir/fragment.config"
{ echo "Module Size Used by"; norm_modules "$mods" | sed 's/$/ 0 0/'; } >"$dir/lsmod"

echo "debug-kernel: building $kver (log $log)" >&2
start=$SECONDS
(
	set -e
	m=(make -C "$src" O="$dir/build" -j"$(nproc)")
	cp "$base" "$dir/build/.config"
	"${m[@]}" olddefconfig
	"${m[@]}" LSMOD="$dir/lsmod" localmodconfig </dev/null
	"$src/scripts/kconfig/merge_config.sh" -m -O "$dir/build" "$dir/build/.config" \
		"$dir/fragment.config"
	"${m[@]}" olddefconfig
	cp "$dir/build/.config" "$dir/.config"
	"${m[@]}" bzImage modules
	rm -rf "$dir/modules-stage"
	"${m[@]}" INSTALL_MOD_PATH="$dir/modules-stage" INSTALL_MOD_STRIP=1 modules_install
	rm -rf "/lib/modules/$kver"
	mv "$dir/modules-stage/lib/modules/$kver" "/lib/modules/$kver"
	rm -rf "$dir/modules-stage"
	rm -f "/lib/modules/$kver/build" "/lib/modules/$kver/source"
	cp "$dir/build/arch/x86/boot/bzImage" "$dir/vmlinuz"
) >"$log" 2>&1 || { echo "debug-kernel: build failed, see $log" >&2; exit 1; }
echo "built in $((SECONDS - start)) s" >>"$log"
date -u +%FT%TZ >"$dir/done"
echo "debug-kernel: built $kver in $((SECONDS - start)) s" >&2
echo "$kver"
