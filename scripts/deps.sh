#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Idempotent: install with apt what zcit's build and tests need on Debian 12.
set -eu

PKGS="build-essential flex bison bc libelf-dev libssl-dev kmod cpio
linux-image-amd64 linux-headers-amd64 linux-source-6.1
qemu-system-x86 qemu-block-extra qemu-utils busybox-static
libiscsi-bin targetcli-fb python3-rtslib-fb open-iscsi sg3-utils fio tgt
multipath-tools sparse dbus e2fsprogs iproute2 procps ccache
dkms dh-dkms debhelper dpkg-dev fakeroot python3-docutils"
BPO_PKGS="linux-image-amd64/bookworm-backports linux-headers-amd64/bookworm-backports"

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps: must run as root to install packages" >&2
		exit 1
	fi
}

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
bpo_have=$(ls -d /usr/src/linux-headers-6.1[2-9]*-amd64 2>/dev/null | head -n1 || true)

if [ -z "$missing" ] && [ -n "$bpo_have" ]; then
	exit 0
fi
need_root

if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	echo "deps: adding bookworm-backports to apt sources"
	cat > /etc/apt/sources.list.d/zcit-backports.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q || echo "deps: apt-get update reported errors (unreachable extra sources?)" >&2
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $PKGS
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $BPO_PKGS
