#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The main job: build zcit, boot a VM with it, serve a 1 GiB ramdisk LUN
# on 127.0.0.1:$ZCIT_PORT (default 3260) until Ctrl-C. ZCIT_KVER picks the
# guest kernel (default the newest Debian 6.1; e.g. ZCIT_KVER=$(scripts/kvers.sh 6.12)).
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
kver=${ZCIT_KVER:-$(./scripts/kvers.sh 6.1)}
ZCIT_KVERS=$kver ./scripts/build.sh
port=${ZCIT_PORT:-3260}
iqn=iqn.2003-01.org.linux-iscsi.zcit:ramdisk
cat <<MSG
zcit: booting Linux $kver in QEMU (TCG: boot and setup take a while).
  In the VM, zcit serves a 1 GiB ramdisk as LUN 0 of $iqn
  with targetcli, in demo mode (any initiator, no CHAP, writable), on the
  VM's port 3260, forwarded to 127.0.0.1:$port here. Login, SCSI commands
  and data in both directions work; "ZCIT-READY" says it is up.
  URL:  iscsi://127.0.0.1:$port/$iqn/0
  Use only 127.0.0.1:$port from this machine: discovery (SendTargets)
  answers the VM's own address, which this machine cannot reach.
  Ctrl-C stops the VM; the ramdisk's contents go with it.
MSG
exec ./tests/lib/vm.sh --kver "$kver" --interactive --hostfwd "$port" \
	--mem 3G --timeout 0 --env "ZCIT_IQN=$iqn" --env "ZCIT_HOST_PORT=$port" \
	--script tests/guest/serve.sh
