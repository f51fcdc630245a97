#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of `make run`: a 1 GiB ramdisk LUN served by zcit in demo
# mode (any initiator, no CHAP, writable) on port 3260, until the VM is
# stopped. The host reaches it as 127.0.0.1:$ZCIT_HOST_PORT (scripts/run.sh).
set -eu
IQN=${ZCIT_IQN:-iqn.2003-01.org.linux-iscsi.zcit:ramdisk}
HPORT=${ZCIT_HOST_PORT:-3260}
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
load_target_core
modprobe zcit
tcli "set global auto_save_on_exit=false" \
	"/backstores/ramdisk create name=rd0 size=1G" \
	"/iscsi create $IQN" \
	"/iscsi/$IQN/tpg1/luns create /backstores/ramdisk/rd0" \
	"/iscsi/$IQN/tpg1 set attribute authentication=0 generate_node_acls=1 cache_dynamic_acls=1 demo_mode_write_protect=0" \
	"ls" "exit"
T=/sys/kernel/config/target/iscsi/$IQN/tpgt_1
[ -d "$T/lun/lun_0" ] && [ -d "$T/np/0.0.0.0:3260" ] &&
	grep -q zcit /sys/kernel/config/target/iscsi/lio_version
URL=iscsi://127.0.0.1:$HPORT/$IQN/0
echo "ZCIT-READY $IQN"
cat <<MSG

zcit is serving $URL
From another shell on the host (libiscsi-bin, qemu-utils, qemu-block-extra):
  iscsi-inq $URL
  iscsi-readcapacity16 $URL
Write 1 MiB of 0x5a and read it back, checking the pattern, through libiscsi:
  qemu-io -f raw -c 'write -P 0x5a 0 1M' -c 'read -P 0x5a 0 1M' $URL
MSG
while :; do sleep 3600; done
