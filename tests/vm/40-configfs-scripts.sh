#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# configfs-scripts/lio.sh builds a configuration with plain sh on every
# backstore type; targetcli reads it back; lio.sh clear undoes it.
# zcit-vm: blk-disk=64M scsi-disk=64M timeout=240
set -u
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
. "$ZCIT_ROOT/tests/guest/cfs.sh"
blk=$(first_disk vd)
scsi=$(first_disk sd)
T=$CFS/iscsi/$IQN1/tpgt_1

load_target_core
t_check lio-backstore-rd "$LIO" backstore rd rd1 32
t_check lio-backstore-fileio "$LIO" backstore fileio fio1 /tmp/fio1.img 32
t_check lio-backstore-iblock "$LIO" backstore iblock blk1 "$blk"
t_check lio-backstore-pscsi "$LIO" backstore pscsi ps1 "$scsi"
t_check lio-target "$LIO" target "$IQN1" 1
t_check zcit-autoloaded grep -q '^zcit ' /proc/modules
t_check lio-portal "$LIO" portal "$IQN1" 1 127.0.0.1:3260
t_check lio-lun0 "$LIO" lun "$IQN1" 1 0 rd/rd1
t_check lio-lun1 "$LIO" lun "$IQN1" 1 1 fileio/fio1
t_check lio-lun2 "$LIO" lun "$IQN1" 1 2 iblock/blk1
t_check lio-lun3 "$LIO" lun "$IQN1" 1 3 pscsi/ps1
t_check lio-acl "$LIO" acl "$IQN1" 1 "$INI1" 0=0 1=1 2=2 3=3
t_check lio-chap "$LIO" chap "$IQN1" 1 "$INI1" user1 secret1secret mu1 msecret1secret
t_check lio-demo-target "$LIO" target "$IQN2" 1
t_check lio-demo "$LIO" demo "$IQN2" 1

t_check enabled grep -qx 1 "$T/enable"
t_check mapped-luns test "$(ls -d "$T/acls/$INI1"/lun_* | wc -l)" = 4
t_check authenticate-target grep -qx 1 "$T/acls/$INI1/auth/authenticate_target"
t_check authmethod-chap-only grep -qx CHAP "$T/param/AuthMethod"
t_check demo-mode grep -qx 1 "$CFS/iscsi/$IQN2/tpgt_1/attrib/generate_node_acls"
t_check listening sh -c "ss -Hltn | grep -q '127.0.0.1:3260'"
tcli "ls" "exit" >/tmp/ls 2>&1
cat /tmp/ls
t_check targetcli-sees-luns grep -q 'lun3 .*pscsi/ps1' /tmp/ls
t_check targetcli-sees-mapped grep -q 'mapped_lun2 .*lun2 block/blk1' /tmp/ls
t_check targetcli-sees-portal grep -q '127.0.0.1:3260' /tmp/ls
t_check lio-clear "$LIO" clear
t_check cleared sh -c "! ls $CFS/iscsi | grep -q iqn && ! ls $CFS/core | grep -q _0"
rmdir $CFS/iscsi
t_check rmmod rmmod zcit
t_done
