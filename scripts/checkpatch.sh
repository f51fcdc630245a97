#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# checkpatch.pl --strict on the given sources, with the checkpatch of the
# extracted linux-source-6.1 (scripts/kunit.sh extracts it; so do we).
set -eu
cd "$(dirname "$0")/.."
cache=${ZCIT_CACHE:-$HOME/.cache/zcit}
src=$cache/linux-source-6.1
if [ ! -x "$src/scripts/checkpatch.pl" ]; then
	mkdir -p "$cache"
	tar -C "$cache" -xf /usr/src/linux-source-6.1.tar.xz
fi
[ $# -gt 0 ] || set -- drivers/*.c include/zcit/*.h kunit/*.c kunit/*.h
"$src/scripts/checkpatch.pl" --no-tree --strict --quiet --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f "$@"
echo "checkpatch: clean ($# files)"
