#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of `make run`: a 1 GiB ramdisk LUN served by zcit in demo
# mode (any initiator, no CHAP) on port 3260, until the VM is stopped.
set -eu
IQN=${ZCIT_IQN:-iqn.2003-01.org.linux-iscsi.zcit:ramdisk}
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
load_target_core
modprobe zcit
tcli "set global auto_save_on_exit=false" \
	"/backstores/ramdisk create name=rd0 size=1G" \
	"/iscsi create $IQN" \
	"/iscsi/$IQN/tpg1/luns create /backstores/ramdisk/rd0" \
	"/iscsi/$IQN/tpg1 set attribute authentication=0 generate_node_acls=1 cache_dynamic_acls=1 demo_mode_write_protect=0" \
	"ls" "exit"
[ -d "/sys/kernel/config/target/iscsi/$IQN/tpgt_1/lun/lun_0" ]
echo "ZCIT-READY $IQN"
while :; do sleep 3600; done
