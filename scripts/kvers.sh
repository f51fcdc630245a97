#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the Debian amd64 kernels zcit is built and tested for:
# "default" (the newest 6.1), "bpo" (the newest 6.12), or "all" (both);
# "debug": the cached debug guest kernel (scripts/debug-kernel.sh), if any.
set -eu
what=${1:-all}
list() {
	for d in /usr/src/linux-headers-"$1"*-amd64; do
		[ -d "$d" ] && basename "$d" | sed 's/^linux-headers-//'
	done | sort -V | tail -n1
}
k61=$(list 6.1.)
k612=$(list 6.12.)
case "$what" in
6.1|default) echo "$k61" ;;
6.12|bpo) echo "$k612" ;;
all) echo "$k61 $k612" ;;
debug) "$(dirname "$0")/debug-kernel.sh" --print || true ;;
*) echo "usage: $0 [6.1|6.12|all|debug]" >&2; exit 2 ;;
esac
