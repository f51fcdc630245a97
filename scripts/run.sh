#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The main job: build zcit, boot a VM with it, serve a 1 GiB ramdisk LUN
# on 127.0.0.1:$ZCIT_PORT (default 3260) until Ctrl-C.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
kver=${ZCIT_KVER:-$(./scripts/kvers.sh 6.1)}
ZCIT_KVERS=$kver ./scripts/build.sh
port=${ZCIT_PORT:-3260}
iqn=iqn.2003-01.org.linux-iscsi.zcit:ramdisk
cat <<MSG
zcit: booting $kver; the target will listen on 127.0.0.1:$port
  URL:  iscsi://127.0.0.1:$port/$iqn/0
  e.g.  iscsi-inq iscsi://127.0.0.1:$port/$iqn/0
        qemu-img info iscsi://127.0.0.1:$port/$iqn/0
  (discovery and login work today, e.g. iscsi-ls iscsi://127.0.0.1:$port;
   SCSI I/O arrives with the data-path work)
  Ctrl-C stops the VM.
MSG
exec ./tests/lib/vm.sh --kver "$kver" --interactive --hostfwd "$port" \
	--mem 3G --timeout 0 --env "ZCIT_IQN=$iqn" --script tests/guest/serve.sh
