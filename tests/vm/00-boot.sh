#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Smoke test of the VM: configfs, LIO's core, targetcli, the disks the
# harness attaches, and loading zcit.ko when it has been built.
# zcit-vm: blk-disk=16M scsi-disk=16M timeout=300

# shellcheck source=tests/lib/guest-lib.sh
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"

t_check configfs-mounted mountpoint -q /sys/kernel/config
t_check modprobe-target-core load_target_core
t_check target-configfs test -d /sys/kernel/config/target

out=$(tcli 'ls /' 2>&1)
case "$out" in
*"o- backstores"*"o- iscsi"*) t_pass targetcli-ls ;;
*) t_fail targetcli-ls "unexpected output: $(printf '%s\n' "$out" | tail -n 1)" ;;
esac

# The disks from the header above: one virtio-blk, one virtio-scsi disk.
# shellcheck disable=SC2317 # called through t_check
virtio_disk() { # PREFIX: a /sys/block/PREFIX* disk behind a virtio device
	local d
	for d in /sys/block/"$1"*; do
		case "$(readlink -f "$d")" in */virtio*) return 0 ;; esac
	done
	return 1
}
t_check virtio-blk-disk virtio_disk vd
t_check virtio-scsi-disk virtio_disk sd

if [ -f "$ZCIT_OUT/$ZCIT_KVER/zcit.ko" ]; then
	# targetcli's "ls" made target/iscsi, loading iscsi_target_mod: zcit
	# will not share the "iscsi" fabric with it.
	rmdir /sys/kernel/config/target/iscsi && modprobe -r iscsi_target_mod
	t_check modprobe-zcit modprobe zcit
else
	t_skip modprobe-zcit "no $ZCIT_OUT/$ZCIT_KVER/zcit.ko (run scripts/build.sh)"
fi
t_done
