#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Stock targetcli-fb drives zcit: every backstore type, a target with
# portals, LUNs, ACLs with mapped LUNs and CHAP; saveconfig, clearconfig,
# restoreconfig give the same tree; a configuration saved under
# iscsi_target_mod restores onto zcit, with no setting refused or warned
# about; rmmod zcit succeeds afterwards.
# zcit-vm: blk-disk=64M scsi-disk=64M timeout=400
set -u
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
. "$ZCIT_ROOT/tests/guest/cfs.sh"
work=/tmp/tcli
mkdir -p $work
SAVE=$work/saveconfig.json

# targetcli exits 0 even when a command failed: look at its output.
tcli_ok() {
	tcli "set global auto_save_on_exit=false" "$@" "exit" >$work/tcli.log 2>&1
	if grep -qiE '^(error|No such|Could not|Unknown|Traceback)|[^a-z]error:' $work/tcli.log; then
		cat $work/tcli.log
		return 1
	fi
}

tls() {
	tcli "ls" "exit" 2>&1 | sed -n '/^o- \//,$p'
}

blk=$(first_disk vd)
scsi=$(first_disk sd)

CONFIG=(
	"set global auto_add_default_portal=true"
	"/backstores/ramdisk create name=rd1 size=32M"
	"/backstores/fileio create name=fio1 file_or_dev=$work/fio1.img size=32M"
	"/backstores/block create name=blk1 dev=$blk"
	"/backstores/pscsi create name=ps1 dev=$scsi"
	"/iscsi create $IQN1"
	"/iscsi/$IQN1/tpg1/portals delete 0.0.0.0 3260"
	"/iscsi/$IQN1/tpg1/portals create 127.0.0.1 3260"
	"/iscsi/$IQN1/tpg1/portals create ::1 3260"
	"/iscsi/$IQN1/tpg1/luns create /backstores/ramdisk/rd1"
	"/iscsi/$IQN1/tpg1/luns create /backstores/fileio/fio1"
	"/iscsi/$IQN1/tpg1/luns create /backstores/block/blk1"
	"/iscsi/$IQN1/tpg1/luns create /backstores/pscsi/ps1"
	"/iscsi/$IQN1/tpg1/acls create $INI1"
	"/iscsi/$IQN1/tpg1/acls create $INI2 add_mapped_luns=false"
	"/iscsi/$IQN1/tpg1/acls/$INI2 create mapped_lun=0 tpg_lun_or_backstore=2 write_protect=1"
	"/iscsi/$IQN1/tpg1/acls/$INI1 set auth userid=user1 password=secret1secret"
	"/iscsi/$IQN1/tpg1/acls/$INI1 set auth mutual_userid=mu1 mutual_password=msecret1secret"
	"/iscsi/$IQN1/tpg1 set attribute authentication=1"
	"/iscsi/$IQN1/tpg1 set parameter MaxRecvDataSegmentLength=65536"
	"set global auto_add_default_portal=false"
	"/iscsi create $IQN2"
	"/iscsi/$IQN2/tpg1/portals create 0.0.0.0 3261"
	"/iscsi set discovery_auth enable=1 userid=duser password=dsecret"
)

run_flow() {	# IMPL: build, check, save, clear, restore, compare
	local impl=$1
	load_fabric "$impl"
	if ! tcli_ok "${CONFIG[@]}"; then
		t_fail "$impl-targetcli-configure" "$(tail -n 20 $work/tcli.log)"
		return 1
	fi
	tls >$work/$impl.ls1
	t_pass "$impl-targetcli-configure"
	cat $work/$impl.ls1

	local tpg=$CFS/iscsi/$IQN1/tpgt_1
	t_check "$impl-configfs-luns" test -d "$tpg/lun/lun_3"
	t_check "$impl-configfs-mapped-lun" sh -c "find '$tpg/acls/$INI2/lun_0' -maxdepth 1 -type l | grep -q ."
	t_check "$impl-configfs-chap" grep -qx user1 "$tpg/acls/$INI1/auth/userid"
	t_check "$impl-configfs-mrdsl" grep -qx 65536 "$tpg/param/MaxRecvDataSegmentLength"
	t_check "$impl-listening-v4" sh -c "ss -Hltn | grep -q '127.0.0.1:3260'"
	t_check "$impl-listening-v6" sh -c "ss -Hltn | grep -q '\[::1\]:3260'"
	t_check "$impl-listening-wildcard" sh -c "ss -Hltn | grep -q '0.0.0.0:3261'"

	t_check "$impl-saveconfig" tcli_ok "saveconfig $SAVE"
	t_check "$impl-clearconfig" tcli_ok "clearconfig confirm=True"
	t_check "$impl-cleared" sh -c "[ -z \"\$(ls $CFS/iscsi | grep iqn)\" ]"
	t_check "$impl-restoreconfig" tcli_ok "restoreconfig $SAVE"
	tls >$work/$impl.ls2
	if diff -u $work/$impl.ls1 $work/$impl.ls2 >$work/ls.diff; then
		t_pass "$impl-restore-same-ls"
	else
		t_fail "$impl-restore-same-ls" "$(cat $work/ls.diff)"
	fi
}

run_flow zcit
t_check zcit-clear-before-unload tcli_ok "clearconfig confirm=True"
rmdir $CFS/iscsi 2>/dev/null
t_check zcit-rmmod rmmod zcit

# A configuration saved under iscsi_target_mod restores onto zcit.
run_flow lio
cp $SAVE $work/lio.json
cp $work/lio.ls2 $work/lio.ls
tcli_ok "clearconfig confirm=True"
unload_fabric
load_fabric zcit
if tcli_ok "restoreconfig $work/lio.json"; then
	tls >$work/cross.ls
	if diff -u $work/lio.ls $work/cross.ls >$work/ls.diff; then
		t_pass lio-config-restores-on-zcit
	else
		t_fail lio-config-restores-on-zcit "$(cat $work/ls.diff)"
	fi
else
	t_fail lio-config-restores-on-zcit "$(tail -n 20 $work/tcli.log)"
fi
# ... and every value it holds is one zcit honours (63-settings.sh has the
# values it refuses or warns about).
if dmesg | grep -E 'zcit: .*(refused|with no effect)' >$work/warn.log; then
	t_fail lio-config-no-warning "$(cat $work/warn.log)"
else
	t_pass lio-config-no-warning
fi
t_check zcit-final-clear tcli_ok "clearconfig confirm=True"
rmdir $CFS/iscsi 2>/dev/null
t_check zcit-final-rmmod rmmod zcit
t_done
