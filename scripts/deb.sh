#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# deb.sh [OUTDIR]: build zcit-dkms_<version>_all.deb with dpkg-buildpackage
# (debhelper, dh-dkms) into OUTDIR (default out/deb/), and print its path.
# The build runs in a scratch copy of the tree's files (git's tracked and
# untracked-but-not-ignored files, else the packaged directories), so the
# tree stays clean; there debian/changelog is written with the version of
# include/zcit/zcit.h (make version) and the date of the last commit.
set -eu
cd "$(dirname "$0")/.."
root=$PWD
outdir=${1:-$root/out/deb}
ver=$(make -s --no-print-directory version 2>/dev/null | tail -n1)
case "$ver" in
[0-9]*) ;;
*) echo "deb: no version in include/zcit/zcit.h (ZCIT_VERSION_NUM)" >&2; exit 1 ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/zcit-deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
src=$tmp/zcit-$ver
mkdir -p "$src"
paths="Kbuild dkms.conf README.md Documentation drivers include scripts/modprobe.d debian"
# shellcheck disable=SC2086
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard -- $paths |
		xargs -0 cp --parents -t "$src"
	when=$(git log -1 --format=%ct 2>/dev/null || date +%s)
	what="git $(git describe --always --dirty 2>/dev/null || echo unknown)"
else
	cp -r --parents $paths "$src"
	when=$(date +%s)
	what="a source tree"
fi
maint=$(sed -n 's/^Maintainer: //p' debian/control)
cat >"$src/debian/changelog" <<CL
zcit ($ver) unstable; urgency=medium

  * zcit $ver, built from $what.

 -- $maint  $(date -R -u -d "@$when")
CL

log=$tmp/build.log
if ! (cd "$src" && SOURCE_DATE_EPOCH=$when dpkg-buildpackage -b -us -uc) >"$log" 2>&1; then
	cat "$log" >&2
	echo "deb: dpkg-buildpackage failed" >&2
	exit 1
fi
mkdir -p "$outdir"
rm -f "$outdir"/zcit-dkms_*.deb
cp "$tmp/zcit-dkms_${ver}_all.deb" "$outdir/"
echo "$outdir/zcit-dkms_${ver}_all.deb"
