#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh --kver KVER --script PATH [options]: boot a QEMU (TCG) VM on the host's
# root (read-only 9p + tmpfs overlay), run PATH there with bash as root, power
# off. Options:
#   --timeout SEC     kill QEMU after SEC seconds (default 600): exit 124
#   --log FILE        console log (default out/logs/KVER/<script>.log)
#   --outdir DIR      host dir shared at $ZCIT_OUTDIR=/zcit-out (default
#                     <log without .log>.out, emptied first)
#   --hostfwd PORT    forward 127.0.0.1:PORT on the host to the guest's :3260
#   --blk-disk IMG    add a raw virtio-blk disk (repeatable)
#   --scsi-disk IMG   add a raw virtio-scsi disk (repeatable)
#   --env K=V         set K in the script's environment (repeatable)
#   --mem SIZE        guest memory (default 2G)
#   --interactive     also stream the console; Ctrl-C stops the VM (exit 130)
# Exit status: the script's, from the console's "ZCIT-EXIT=<n>" line; 98 when
# the kernel logged a BUG/Oops/WARNING/... (even if the script passed); 124 on
# timeout (--timeout 0: none); 97 when the guest printed no marker; 2 on
# usage errors.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
kver='' script='' timeout=600 log='' outdir='' hostfwd='' mem=2G interactive=''
envs=() disks=()

usage() { sed -n '4,20s/^# \{0,1\}//p' "$0" >&2; exit 2; }
die() { echo "vm.sh: $*" >&2; exit 2; }
abs() { case "$1" in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
# The guest sees the host's / except these (fresh or virtual there).
# (guest-init.sh binds the repository and out/ back when they are under /tmp)
guest_visible() {
	case "$1" in /tmp | /run | /run/* | /proc/* | /sys/* | /dev/*) return 1 ;; esac
}

while [ $# -gt 0 ]; do
	case "$1" in
	--kver) kver=$2; shift ;;
	--script) script=$(abs "$2"); shift ;;
	--timeout) timeout=$2; shift ;;
	--log) log=$(abs "$2"); shift ;;
	--outdir) outdir=$(abs "$2"); shift ;;
	--hostfwd) hostfwd=$2; shift ;;
	--blk-disk) disks+=(-drive "file=$(abs "$2"),if=none,format=raw,id=blk${#disks[@]}"
		-device "virtio-blk-pci,drive=blk${#disks[@]}"); shift ;;
	--scsi-disk) disks+=(-drive "file=$(abs "$2"),if=none,format=raw,id=sd${#disks[@]}"
		-device "scsi-hd,bus=scsi0.0,drive=sd${#disks[@]}"); shift ;;
	--env) [[ $2 =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "bad --env $2"
		envs+=("$2"); shift ;;
	--mem) mem=$2; shift ;;
	--interactive) interactive=1 ;;
	-h | --help) usage ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
	shift
done
{ [ -n "$kver" ] && [ -n "$script" ]; } || usage
kernel=/boot/vmlinuz-$kver
# the debug guest kernel (scripts/debug-kernel.sh) lives in the cache
[ -r "$kernel" ] || kernel=${ZCIT_CACHE:-$HOME/.cache/zcit}/debug-kernel/$kver/vmlinuz
[ -r "$kernel" ] || die "no /boot/vmlinuz-$kver"
[ -f "$script" ] || die "no script $script"
zcit_out=$(abs "${ZCIT_OUT:-$root/out}")
for p in "$root" "$zcit_out" "$script"; do
	guest_visible "$p" || die "$p is not visible in the guest (its /run is fresh)"
done
case "$script" in "$root"/*) ;; /tmp/*) die "$script: scripts under /tmp must be in the repository" ;; esac
log=${log:-$root/out/logs/$kver/$(basename "$script" .sh).log}
if [ -z "$outdir" ]; then
	outdir=${log%.log}.out
	rm -rf "$outdir"
fi
mkdir -p "$(dirname "$log")" "$outdir"

initrd=$("$root/tests/lib/mkinitramfs.sh" "$kver")
moddep=
if [ -f "$zcit_out/$kver/zcit.ko" ]; then
	moddep=$("$root/tests/lib/moddep.sh" "$kver" "$zcit_out/$kver/zcit.ko")
	guest_visible "$moddep" || { cp -r "$moddep" "$outdir/.moddep"; moddep=$outdir/.moddep; }
fi

q() { printf "'%s'" "$(printf %s "$1" | sed "s/'/'\\\\''/g")"; } # shell-quote
{
	echo "ZCIT_ROOT=$(q "$root")"
	echo "ZCIT_OUT=$(q "$zcit_out")"
	echo "ZCIT_SCRIPT=$(q "$script")"
	echo "ZCIT_MODDEP=$(q "$moddep")"
	for kv in ${envs[@]+"${envs[@]}"}; do
		echo "export ${kv%%=*}=$(q "${kv#*=}")"
	done
} >"$outdir/.zcit-vm.env"

net=user,id=n0,restrict=on
[ -z "$hostfwd" ] || net+=",hostfwd=tcp:127.0.0.1:$hostfwd-:3260"
scsi=()
[[ " ${disks[*]-} " != *scsi-hd* ]] || scsi=(-device "virtio-scsi-pci,id=scsi0")

cmdline="console=ttyS0 panic=-1 log_buf_len=16M printk.time=1"
cmdline+=" zcitvm.init=$root/tests/lib/guest-init.sh"
qemu=(qemu-system-x86_64 -accel "tcg,thread=multi" -cpu max -smp 2 -m "$mem"
	-display none -no-reboot -nodefaults -chardev "stdio,id=con,signal=on" -serial chardev:con
	-kernel "$kernel" -initrd "$initrd"
	-append "$cmdline"
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$outdir,mount_tag=out,security_model=none"
	-netdev "$net" -device "virtio-net-pci,netdev=n0,romfile="
	${scsi[@]+"${scsi[@]}"} ${disks[@]+"${disks[@]}"})

start=$SECONDS
status=0
if [ -n "$interactive" ]; then
	# Ctrl-C reaches QEMU (stdio chardev, signal=on) and timeout, which stop
	# the VM; tee -i keeps logging its last words.
	trap 'interrupted=1; echo "vm.sh: interrupted, stopping the VM" >&2' INT
	timeout --foreground "$timeout" "${qemu[@]}" 2>&1 | tee -i "$log" || status=$?
	trap - INT
	[ ! -t 0 ] || stty sane
else
	timeout "$timeout" "${qemu[@]}" </dev/null >"$log" 2>&1 || status=$?
fi
echo "vm.sh: $kver $(basename "$script"): VM ran $((SECONDS - start)) s, log $log" >&2

# Kernel problems: only printk lines (with a timestamp) count, wherever they
# start on a console line. "Call Trace:" catches every other stack dump
# (page allocation failures, sysrq, lockdep...). Normal boots of Debian's
# 6.1 and 6.12 print none of these; the few known warnings that are not
# zcit's (the initiator's, in the same guest) are blanked out first by
# kernel-log-known.awk, which says so on stderr.
bad='BUG:|kernel BUG at|Oops|WARNING:|general protection|KASAN|blocked for more than'
bad+='|soft lockup|hard LOCKUP|refcount_t|Kernel panic|rcu: INFO|Call Trace:'
bad+='|suspected memory leaks|possible circular locking|inconsistent lock state'
if hit=$(awk -f "$root/tests/lib/kernel-log-known.awk" "$log" | grep -anE "\[ *[0-9]+\.[0-9]+\] .*($bad)" | head -n1); then
	echo "vm.sh: kernel problem at $log:${hit%%:*}: ${hit#*:}" >&2
	exit 98
fi
[ -z "${interrupted-}" ] || exit 130
if [ "$status" = 124 ]; then
	echo "vm.sh: timeout after $timeout s, log $log" >&2
	exit 124
fi
marker=$(tr -d '\r' <"$log" | grep -aoE 'ZCIT-EXIT=[0-9]+' | tail -n1) || {
	echo "vm.sh: no ZCIT-EXIT marker (QEMU status $status), log $log" >&2
	exit 97
}
exit "${marker#ZCIT-EXIT=}"
