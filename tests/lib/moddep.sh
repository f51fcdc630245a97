#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# moddep.sh KVER ZCIT.KO: index ZCIT.KO as updates/zcit.ko together with the
# kernel's modules (depmod on the host: in the TCG guest, depmod -a takes
# ~30 s) and print a directory holding zcit.ko and the modules.* files for
# /lib/modules/KVER/. Cached in $ZCIT_CACHE (default ~/.cache/zcit) by content.
set -eu

kver=${1:?usage: moddep.sh KVER ZCIT.KO}
ko=${2:?usage: moddep.sh KVER ZCIT.KO}
cache=${ZCIT_CACHE:-$HOME/.cache/zcit}
key=$({ cat "$ko"; stat -c '%s %Y' "/lib/modules/$kver/modules.dep"; } | sha256sum | cut -c1-16)
dir=$cache/moddep-$kver-$key
if [ -f "$dir/zcit.ko" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$cache"
find "$cache" -maxdepth 1 -name "moddep-$kver-*" -mmin +60 -exec rm -rf {} +
tmp=$(mktemp -d "$cache/moddep.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/lib/modules" "$tmp/out"
cp -as "/lib/modules/$kver" "$tmp/lib/modules/"
mkdir -p "$tmp/lib/modules/$kver/updates"
cp "$ko" "$tmp/lib/modules/$kver/updates/zcit.ko"
depmod -b "$tmp" "$kver"
find "$tmp/lib/modules/$kver" -maxdepth 1 -type f -name 'modules.*' -exec cp {} "$tmp/out/" \;
cp "$ko" "$tmp/out/zcit.ko"
mv -T "$tmp/out" "$dir" 2>/dev/null || [ -f "$dir/zcit.ko" ]
echo "$dir"
