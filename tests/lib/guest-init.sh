#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the zcit test VM, started by the initramfs on the host's root
# (read-only 9p + tmpfs overlay). Sets the guest up, installs out/<kver>/zcit.ko,
# runs the test script with bash and powers off after printing
# "ZCIT-EXIT=<status>". Its settings come from the host (tests/lib/vm.sh) in
# /zcit-out/.zcit-vm.env on the second 9p share (tag "out"): ZCIT_ROOT,
# ZCIT_OUT, ZCIT_SCRIPT, ZCIT_MODDEP and any --env values.
# Never exit: PID 1 must not die.

PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
cd /

mnt() { # TYPE DIR [OPTIONS]
	mountpoint -q "$2" || mount -t "$1" -o "${3:-defaults}" "$1" "$2"
}
mnt proc /proc
mnt sysfs /sys
mnt devtmpfs /dev
mkdir -p /dev/pts /dev/shm
# What udev would make: bash's <(...) (dkms uses it) needs /dev/fd.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
for f in stdin:0 stdout:1 stderr:2; do
	[ -e "/dev/${f%:*}" ] || ln -s "/proc/self/fd/${f#*:}" "/dev/${f%:*}"
done
mnt devpts /dev/pts
mnt tmpfs /dev/shm mode=1777
# The guest gets a fresh /tmp; keep the host's reachable for a repository
# (or out/ dir) that lives there, e.g. a CI clone made with mktemp -d.
mkdir -p /.host-tmp
mount --bind /tmp /.host-tmp
mnt tmpfs /tmp mode=1777
mnt tmpfs /run mode=755
mnt configfs /sys/kernel/config
mkdir -p /zcit-out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out /zcit-out ||
	echo "guest-init: cannot mount the out share"
# shellcheck disable=SC1091
. /zcit-out/.zcit-vm.env
for p in "$ZCIT_ROOT" "$ZCIT_OUT"; do
	case "$p" in
	/tmp/*)
		mountpoint -q "$p" && continue
		mkdir -p "$p"
		mount --bind "/.host-tmp/${p#/tmp/}" "$p" ||
			echo "guest-init: cannot reach $p"
		;;
	esac
done

hostname zcit-vm
echo zcit-vm >/etc/hostname
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.1.1\tzcit-vm\n' >/etc/hosts
: >/etc/resolv.conf # no DNS in here: fail fast instead of timing out
ip link set lo up
ip -6 addr add ::1/128 dev lo 2>/dev/null
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2

modprobe -a virtio_blk virtio_scsi sd_mod sg

# out/<kver>/zcit.ko and the module index, made on the host by moddep.sh
# (the same as "cp zcit.ko updates/; depmod -a", which takes ~30 s here).
ZCIT_KVER=$(uname -r)
if [ -n "$ZCIT_MODDEP" ]; then
	mkdir -p "/lib/modules/$ZCIT_KVER/updates"
	cp "$ZCIT_MODDEP/zcit.ko" "/lib/modules/$ZCIT_KVER/updates/"
	cp "$ZCIT_MODDEP"/modules.* "/lib/modules/$ZCIT_KVER/"
fi
if [ -f "$ZCIT_ROOT/scripts/modprobe.d/zcit.conf" ]; then
	cp "$ZCIT_ROOT/scripts/modprobe.d/zcit.conf" /etc/modprobe.d/
fi

mkdir -p /run/dbus
dbus-daemon --system --fork

# The debug kernel (scripts/debug-kernel.sh) has kmemleak: forget what
# boot left, and after the test (and zcit's unload, when the test left it
# loaded but unused) scan: a leak prints "suspected memory leaks" in the
# kernel log, which tests/lib/vm.sh counts as a kernel problem.
kml=/sys/kernel/debug/kmemleak
mnt debugfs /sys/kernel/debug 2>/dev/null || true
if [ -w "$kml" ]; then
	echo scan >"$kml" && echo clear >"$kml"
fi

export ZCIT_ROOT ZCIT_OUT ZCIT_KVER ZCIT_OUTDIR=/zcit-out HOME=/root TERM=dumb
echo "guest-init: running $ZCIT_SCRIPT at $(cut -d' ' -f1 /proc/uptime)s"
cd "$ZCIT_ROOT" && bash "$ZCIT_SCRIPT" </dev/null
status=$?
cd /

if [ -w "$kml" ]; then
	if grep -q '^zcit ' /proc/modules; then
		rmmod zcit 2>/dev/null || echo "guest-init: zcit still in use, not unloaded before the kmemleak scan"
	fi
	# kmemleak reports an object only after it stayed unreferenced over
	# two scans
	echo scan >"$kml"; sleep 1; echo scan >"$kml"
	if [ -s "$kml" ]; then
		echo "guest-init: kmemleak report:"
		cat "$kml"
		echo "kmemleak: suspected memory leaks after the test (report above)" >/dev/kmsg
	else
		echo "guest-init: kmemleak: no leaks"
	fi
fi
echo "ZCIT-EXIT=$status"
sync
busybox poweroff -f
echo o >/proc/sysrq-trigger
while :; do sleep 60; done
