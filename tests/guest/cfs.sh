# SPDX-License-Identifier: GPL-2.0
# Guest-side helpers shared by the VM tests (sourced, bash).

CFS=/sys/kernel/config/target
LIO=$ZCIT_ROOT/configfs-scripts/lio.sh
IQN1=iqn.2003-01.org.linux-iscsi.zcit:t1
IQN2=iqn.2003-01.org.linux-iscsi.zcit:t2
INI1=iqn.1994-05.com.redhat:client1
INI2=iqn.1994-05.com.redhat:client2

# Load the fabric under test: "zcit" or "lio" (iscsi_target_mod).
load_fabric() {
	load_target_core
	case "$1" in
	zcit) modprobe zcit ;;
	lio) modprobe --ignore-install iscsi_target_mod ;;
	esac
	[ -d "$CFS/iscsi" ] || mkdir "$CFS/iscsi"
}

# teardown_fabric FABRIC: what load_fabric and the test made, undone,
# as checks: configfs cleared (<fabric>-clear), target/iscsi removed, the
# fabric's module unloaded (<fabric>-unload).
teardown_fabric() {
	local f=$1
	t_check "$f-clear" "$LIO" clear
	rmdir "$CFS/iscsi" 2>/dev/null
	case "$f" in
	lio)
		# iscsi_target_mod lets rmmod succeed while the rx/tx kthreads of
		# a closed connection are still exiting: the next module loaded
		# at its address then oopses in "iscsi_trx". Wait for them.
		wait_for 30 sh -c '! pgrep -x "iscsi_t[rt]x" >/dev/null'
		t_check "$f-unload" rmmod iscsi_target_mod ;;
	zcit) t_check "$f-unload" rmmod zcit ;;
	esac
}

unload_fabric() {
	"$LIO" clear
	rmdir "$CFS/iscsi" 2>/dev/null || true
	rmmod zcit 2>/dev/null || true
	rmmod iscsi_target_mod 2>/dev/null || true
}

# first_disk vd|sd: the first virtio-blk or SCSI disk the VM was given
first_disk() {
	local d
	for d in /sys/block/"$1"*; do
		[ -e "$d" ] && echo "/dev/${d##*/}" && return
	done
}

# One configuration exercising every kind of directory.
build_config() {
	"$LIO" backstore rd rd1 16
	"$LIO" target "$IQN1" 1
	"$LIO" portal "$IQN1" 1 127.0.0.1:3260
	"$LIO" portal "$IQN1" 1 "[::1]:3260"
	"$LIO" lun "$IQN1" 1 0 rd/rd1
	"$LIO" acl "$IQN1" 1 "$INI1" 0=0
	"$LIO" chap "$IQN1" 1 "$INI1" user1 secret1secret mutual1 msecret1secret
	"$LIO" target "$IQN1" 2
	"$LIO" target "$IQN2" 1
	# 3261: a wildcard next to a specific address on one port works on
	# zcit (30-portals.sh) but not on iscsi_target_mod, compared here.
	"$LIO" portal "$IQN2" 1 0.0.0.0:3261
}

# dump_tree DIR: "path mode value" for every file, sorted; symlinks by target
dump_tree() {
	local root=$1 f rel
	find "$root" -mindepth 1 | sort | while read -r f; do
		rel=${f#"$root"/}
		if [ -L "$f" ]; then
			echo "$rel -> $(readlink "$f" | sed 's|.*/target/||')"
		elif [ -d "$f" ]; then
			echo "$rel/ $(stat -c %a "$f")"
		elif [ -r "$f" ] && [ "$(stat -c %a "$f")" != 200 ]; then
			printf '%s %s = %s\n' "$rel" "$(stat -c %a "$f")" \
				"$(tr '\n' '|' <"$f" 2>&1 | head -c 400)"
		else
			echo "$rel $(stat -c %a "$f")"
		fi
	done
}
