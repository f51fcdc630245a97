#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The Debian package as an administrator uses it: install
# out/deb/zcit-dkms_<version>_all.deb (built on the host by scripts/deb.sh,
# which tests/run.sh runs first for a test with "deb" in its zcit-vm line)
# with apt, DKMS builds zcit against the guest's kernel headers, the
# modprobe.d redirect makes iscsi_target_mod requests load zcit, targetcli
# serves a LUN that an initiator writes and reads; removing and purging the
# package gives iscsi_target_mod back. The guest first drops the zcit.ko
# and modprobe.d file the harness installed (guest-init.sh). Checks:
#  deb-present         out/deb/zcit-dkms_<v>_all.deb exists, <v> is
#                      ZCIT_VERSION_NUM of the tree's include/zcit/zcit.h
#  headers             /lib/modules/$(uname -r)/build (the guest kernel's
#                      headers, the host's through 9p) has a Makefile
#  apt-install         apt-get install ./zcit-dkms_<v>_all.deb succeeds
#                      offline (dkms is installed on the host)
#  dkms-installed      dkms status: zcit <v> installed for the running kernel
#  kernel-hook         for every other kernel with headers that the
#                      package's postinst left out (Debian's common.postinst
#                      builds for the running and the newest kernel), the
#                      kernel's own hook /etc/kernel/postinst.d/dkms (what a
#                      kernel upgrade runs) builds and installs zcit; SKIP
#                      when the postinst covered every kernel. Only with
#                      ZCIT_PKG_ALL_KERNELS=1 (tests/run.sh --env): by
#                      default the other kernels' headers are hidden, one
#                      DKMS build (minutes under TCG) is enough
#  dkms-all-kernels    zcit is installed for every kernel with headers
#  module-path         modinfo finds zcit.ko under updates/dkms/
#  modprobe-redirect   /lib/modprobe.d/zcit.conf is installed;
#                      "modprobe iscsi_target_mod" loads zcit, and
#                      iscsi_target_mod stays unloaded
#  version-modinfo     modinfo zcit's version is the package's version
#  configure           targetcli: 32 MiB ramdisk LUN on 127.0.0.1:3260,
#                      ACL for QEMU's initiator name, no authentication
#  still-zcit          after targetcli, zcit is loaded and
#                      iscsi_target_mod is not
#  lio-version         target/iscsi/lio_version names zcit and contains
#                      the package's version
#  io-pattern          qemu-io (libiscsi) writes 1 MiB of 0x5a at 1 MiB
#                      and reads it back with pattern checking
#  io-roundtrip        qemu-img converts 4 MiB of random data to the LUN
#                      and the LUN back to a file: cmp equal
#  teardown            targetcli clearconfig; rmmod zcit
#  apt-remove          apt-get remove zcit-dkms succeeds
#  removed-modules     no zcit.ko under any /lib/modules/*/, modinfo
#                      zcit fails (depmod ran), dkms lists no zcit
#  removed-redirect    /lib/modprobe.d/zcit.conf is gone, modprobe's
#                      configuration has no "install iscsi_target_mod"
#  apt-purge           dpkg --purge zcit-dkms (apt-get purge cannot find
#                      a package removed from a local .deb: no archive
#                      lists here): no package, no /usr/src/zcit-*, no
#                      /var/lib/dkms/zcit
#  lio-back            modprobe iscsi_target_mod loads the in-tree module
#                      (zcit stays unloaded), its lio_version is not zcit's
#  kernel-log-clean    no kernel BUG/WARNING in dmesg
# Timings (apt install, each DKMS make, apt remove) are printed as
# "80-package: time ..." lines.
# zcit-vm: deb timeout=1800 mem=2G
set -u
# shellcheck source=tests/lib/guest-lib.sh
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
# shellcheck source=tests/guest/cfs.sh
. "$ZCIT_ROOT/tests/guest/cfs.sh"

K=$(uname -r)
IQN=$IQN1
QINI=iqn.2008-11.org.linux-kvm # qemu-io's initiator name (block/iscsi.c)
URL=iscsi://127.0.0.1/$IQN/0
W=/tmp/pkg
mkdir -p $W
export DEBIAN_FRONTEND=noninteractive

up() { cut -d' ' -f1 /proc/uptime; }
elapsed() { echo "$1 $(up)" | awk '{ printf "%.0f", $2 - $1 }'; }
apt_get() { apt-get -y -q --no-install-recommends "$@"; }
has_mod() { [ -d "/sys/module/$1" ]; }
# kernels whose headers the guest sees (the host's)
kernels_with_headers() {
	local d
	for d in /lib/modules/*; do
		[ -e "$d/build/Makefile" ] && echo "${d##*/}"
	done
}
dkms_installed() { # KVER
	dkms status -m zcit -v "$ver" -k "$1" 2>/dev/null | grep -q ': installed'
}
# make_time KVER: seconds DKMS's make took (make.log: its start date on
# line 2, its last output as the file's mtime)
make_time() {
	local l=/var/lib/dkms/zcit/$ver/$1/x86_64/log/make.log
	[ -f "$l" ] && echo $(($(stat -c %Y "$l") - $(date -d "$(sed -n 2p "$l")" +%s)))
}

# ---- the package ----
ver=$(sed -n 's/^#define ZCIT_VERSION_NUM[[:space:]]*"\([^"]*\)".*/\1/p' \
	"$ZCIT_ROOT/include/zcit/zcit.h")
deb=$ZCIT_OUT/deb/zcit-dkms_${ver}_all.deb
t_check deb-present test -n "$ver" -a -f "$deb" || t_done
ls -l "$deb"
t_check headers test -f "/lib/modules/$K/build/Makefile" || t_done

# As on a machine that never had zcit: no harness-installed module or
# redirect (the module index is rebuilt by DKMS's depmod).
rm -f "/lib/modules/$K/updates/zcit.ko" /etc/modprobe.d/zcit.conf
# A DKMS build takes minutes under TCG: unless $ZCIT_PKG_ALL_KERNELS=1,
# hide the other kernels' headers (an empty tmpfs over them), as on a
# machine with only the running kernel's headers installed.
if [ "${ZCIT_PKG_ALL_KERNELS:-0}" != 1 ]; then
	for k in $(kernels_with_headers); do
		[ "$k" = "$K" ] || mount -t tmpfs -o size=1M,mode=755 none \
			"$(readlink -f "/lib/modules/$k/build")"
	done
fi
echo "kernels with headers: $(kernels_with_headers | tr '\n' ' ')"

# progress NAME: a line every 30 s while DKMS compiles (it is slow here)
progress() {
	local t n
	t=$(up)
	while sleep 30; do
		n=$(find /var/lib/dkms/zcit/"$ver"/build -name '*.o' 2>/dev/null | wc -l)
		echo "80-package: $1 at $(elapsed "$t") s: $n objects"
	done
}
progress apt-install &
pp=$!
t0=$(up)
apt_get install "$deb" 2>&1 | sed 's/^/  apt| /'
rc=${PIPESTATUS[0]}
kill $pp
echo "80-package: time apt-install $(elapsed "$t0") s"
if [ "$rc" = 0 ]; then
	t_pass apt-install
else
	t_fail apt-install "exit status $rc"
	t_done
fi
dkms status
t_check dkms-installed dkms_installed "$K"
for k in $(kernels_with_headers); do
	! dkms_installed "$k" || echo "80-package: time dkms-make $k $(make_time "$k") s"
done

missing=
for k in $(kernels_with_headers); do
	dkms_installed "$k" || missing="$missing $k"
done
if [ -z "$missing" ]; then
	t_skip kernel-hook "the postinst built for every kernel with headers$(
		[ "${ZCIT_PKG_ALL_KERNELS:-0}" = 1 ] || echo ' (only the running one: ZCIT_PKG_ALL_KERNELS=1 for all)')"
else
	ok=1
	for k in $missing; do
		t0=$(up)
		/etc/kernel/postinst.d/dkms "$k" || ok=0
		echo "80-package: time kernel-hook $k $(elapsed "$t0") s (make $(make_time "$k") s)"
	done
	t_check kernel-hook test $ok = 1
fi
bad=
for k in $(kernels_with_headers); do
	dkms_installed "$k" || bad="$bad $k"
done
t_check dkms-all-kernels test -z "$bad"
dkms status

t_check module-path sh -c "modinfo -F filename zcit | grep -q '^/lib/modules/$K/updates/dkms/zcit\.ko'"
t_check modprobe-redirect sh -c "test -f /lib/modprobe.d/zcit.conf &&
	modprobe iscsi_target_mod && test -d /sys/module/zcit &&
	test ! -d /sys/module/iscsi_target_mod"
pkgver=$(dpkg-query -W -f='${Version}' zcit-dkms)
modver=$(modinfo -F version zcit)
echo "package $pkgver, modinfo $modver, tree $ver"
t_check version-modinfo test -n "$modver" -a "$modver" = "$pkgver" -a "$pkgver" = "$ver"

configure() {
	load_target_core || return
	tcli "set global auto_save_on_exit=false" \
		"set global auto_add_default_portal=false" \
		"set global auto_add_mapped_luns=true" \
		"/backstores/ramdisk create name=pkg0 size=32M" \
		"/iscsi create $IQN" \
		"/iscsi/$IQN/tpg1/portals create 127.0.0.1 3260" \
		"/iscsi/$IQN/tpg1/luns create /backstores/ramdisk/pkg0" \
		"/iscsi/$IQN/tpg1/acls create $QINI" \
		"/iscsi/$IQN/tpg1 set attribute authentication=0" \
		"ls" "exit"
	local T=$CFS/iscsi/$IQN/tpgt_1
	[ -d "$T/np/127.0.0.1:3260" ] && [ -d "$T/acls/$QINI/lun_0" ] &&
		[ "$(cat "$T/enable")" = 1 ]
}
t_check configure configure || t_done
t_check still-zcit sh -c "test -d /sys/module/zcit && test ! -d /sys/module/iscsi_target_mod"
lv=$(cat $CFS/iscsi/lio_version)
echo "lio_version: $lv"
t_check lio-version sh -c "echo '$lv' | grep -q zcit && echo '$lv' | grep -qF '$ver'"

rc=0
timeout 60 qemu-io -f raw "$URL" -c 'write -P 0x5a 1M 1M' -c 'read -P 0x5a 1M 1M' \
	>$W/qio 2>&1 || rc=$?
cat $W/qio
t_check io-pattern sh -c "[ $rc = 0 ] &&
	grep -q '^wrote 1048576/1048576 bytes at offset 1048576' $W/qio &&
	grep -q '^read 1048576/1048576 bytes at offset 1048576' $W/qio &&
	! grep -q 'verification failed' $W/qio"
head -c 4M /dev/urandom >$W/rand
t_check io-roundtrip sh -c "
	timeout 120 qemu-img convert -n -f raw -O raw $W/rand '$URL' &&
	timeout 120 qemu-img convert -f raw -O raw '$URL' $W/back &&
	cmp -n 4194304 $W/rand $W/back"
rm -f $W/rand $W/back

teardown() {
	tcli "clearconfig confirm=True" "exit" >/dev/null
	rmdir "$CFS/iscsi" && unload_zcit
}
t_check teardown teardown

# ---- remove, purge: iscsi_target_mod again ----
t0=$(up)
t_check apt-remove apt_get remove zcit-dkms
echo "80-package: time apt-remove $(elapsed "$t0") s"
t_check removed-modules sh -c "! find /lib/modules -name 'zcit.ko*' | grep . &&
	! modinfo zcit >/dev/null 2>&1 && ! dkms status | grep zcit"
t_check removed-redirect sh -c "test ! -e /lib/modprobe.d/zcit.conf &&
	! modprobe -c | grep -q 'install iscsi_target_mod'"
t_check apt-purge sh -c "dpkg --purge zcit-dkms &&
	! dpkg-query -W -f='\${Status}' zcit-dkms 2>/dev/null | grep -q 'ok installed\|config-files' &&
	! ls -d /usr/src/zcit-* /var/lib/dkms/zcit 2>/dev/null"

lio_back() {
	modprobe iscsi_target_mod && has_mod iscsi_target_mod && ! has_mod zcit || return
	mkdir -p "$CFS/iscsi" || return
	lv=$(cat "$CFS/iscsi/lio_version")
	echo "lio_version: $lv"
	rmdir "$CFS/iscsi" && rmmod iscsi_target_mod || return
	case "$lv" in *zcit*) return 1 ;; esac
}
t_check lio-back lio_back
t_check kernel-log-clean kernel_log_clean
t_done
