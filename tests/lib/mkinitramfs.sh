#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh KVER [OUT.cpio.gz]
#
# Build a tiny busybox initramfs for the zcit test VM: it loads the modules
# needed to mount the host's / read-only over virtio-9p (tag "hostroot"),
# puts a tmpfs overlay on top and switch_root's into the script named by
# "zcitvm.init=PATH" on the kernel command line (tests/lib/guest-init.sh).
#
# OUT defaults to $ZCIT_CACHE/initramfs-KVER.cpio.gz (ZCIT_CACHE defaults to
# ~/.cache/zcit). It is rebuilt only when its inputs change (this script,
# busybox, the module files). Prints OUT.
set -eu

kver=${1:?usage: mkinitramfs.sh KVER [OUT.cpio.gz]}
cache=${ZCIT_CACHE:-$HOME/.cache/zcit}
out=${2:-$cache/initramfs-$kver.cpio.gz}
busybox=/bin/busybox

# Wanted modules; builtin or absent ones (fscache on 6.12) are skipped.
WANT="virtio virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
9pnet 9pnet_virtio netfs fscache 9p overlay failover net_failover virtio_net
configfs"

[ -d "/lib/modules/$kver" ] || { echo "mkinitramfs: no /lib/modules/$kver" >&2; exit 1; }

# Module files in load order (each module's dependencies come first).
mods=$(for m in $WANT; do
	modprobe -S "$kver" --show-depends "$m" 2>/dev/null || true
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }')

stamp=$({ cat "$0" "$busybox"; echo "$kver"; for f in $mods; do echo "$f"; cat "$f"; done; } |
	sha256sum | cut -d' ' -f1)
if [ -f "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$out"
	exit 0
fi

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/dev" "$stage/proc" "$stage/sys" "$stage/mnt" \
	"$stage/lower" "$stage/rw" "$stage/modules"
cp "$busybox" "$stage/bin/busybox"
for c in sh mount umount mkdir insmod switch_root cat echo sleep poweroff; do
	ln -s busybox "$stage/bin/$c"
done
mknod -m 600 "$stage/dev/console" c 5 1

for f in $mods; do
	name=$(basename "$f")
	case "$f" in
	*.xz) xz -dc "$f" >"$stage/modules/${name%.xz}"; name=${name%.xz} ;;
	*.zst) zstd -qdc "$f" >"$stage/modules/${name%.zst}"; name=${name%.zst} ;;
	*) cp "$f" "$stage/modules/$name" ;;
	esac
	echo "$name" >>"$stage/modules/order"
done

cat >"$stage/init" <<'EOF'
#!/bin/sh
# zcit initramfs: host / over 9p (read-only) + tmpfs overlay, then switch_root.
fail() {
	echo "zcit-initramfs: FATAL: $*"
	echo o >/proc/sysrq-trigger
	sleep 10
}
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
while read -r m; do
	insmod "/modules/$m" || fail "insmod $m failed"
done </modules/order
init=
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case "$arg" in zcitvm.init=*) init=${arg#zcitvm.init=} ;; esac
done
[ -n "$init" ] || fail "no zcitvm.init= on the kernel command line"
# cache=loose: python (targetcli) starts ~2x faster; the guest does not see
# host edits to files it has already read, which a short test VM can afford.
mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /lower ||
	fail "cannot mount the host root over 9p"
mount -t tmpfs -o mode=755 rw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work root /mnt ||
	fail "cannot mount the overlay"
for d in proc sys dev; do
	mount --move "/$d" "/mnt/$d"
done
exec switch_root /mnt /bin/sh "$init"
EOF
chmod 755 "$stage/init"

mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) >"$out.tmp.$$"
mv "$out.tmp.$$" "$out"
echo "$stamp" >"$out.stamp"
echo "$out"
