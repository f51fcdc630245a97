#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Configure LIO's iSCSI target (zcit or iscsi_target_mod) through configfs
# with nothing but sh, mkdir, echo and ln: for systems without targetcli.
#
#   lio.sh backstore rd NAME SIZE_MB
#   lio.sh backstore fileio NAME FILE SIZE_MB
#   lio.sh backstore iblock NAME /dev/BLOCKDEV
#   lio.sh backstore pscsi NAME /dev/sdX
#   lio.sh target IQN TPGT                 create target and TPG, enable it
#   lio.sh portal IQN TPGT ADDR:PORT       e.g. 0.0.0.0:3260, [::]:3260
#   lio.sh lun IQN TPGT LUN BACKSTORE      BACKSTORE: rd/NAME, fileio/NAME, ...
#   lio.sh acl IQN TPGT INITIATOR [MLUN=LUN ...]   ACL with mapped LUNs
#   lio.sh chap IQN TPGT INITIATOR USER PASS [MUTUAL_USER MUTUAL_PASS]
#   lio.sh demo IQN TPGT                   demo mode: no ACLs, no auth
#   lio.sh clear                           remove every target and backstore
#
# Exits non-zero, with a message, on the first failure.
set -eu

CFS=${CONFIGFS:-/sys/kernel/config}/target
ISCSI=$CFS/iscsi

die() { echo "lio.sh: $*" >&2; exit 1; }

# The HBA directory LIO core uses for each backstore type.
hba_of() {
	case "$1" in
	rd) echo rd_mcp_0 ;;
	fileio) echo fileio_0 ;;
	iblock) echo iblock_0 ;;
	pscsi) echo pscsi_0 ;;
	*) die "unknown backstore type: $1" ;;
	esac
}

ensure_fabric() {
	[ -d "$CFS" ] || modprobe target_core_mod || die "no LIO core"
	# mkdir makes LIO load the fabric (iscsi_target_mod, or zcit through
	# its modprobe.d redirect) if nothing provides "iscsi" yet.
	[ -d "$ISCSI" ] || mkdir "$ISCSI" || die "cannot create $ISCSI"
}

tpg_dir() { echo "$ISCSI/$1/tpgt_$2"; }

backstore() {
	type=$1 name=$2
	shift 2
	dir=$CFS/core/$(hba_of "$type")/$name
	mkdir -p "$dir"
	case "$type" in
	rd)
		[ $# -eq 1 ] || die "backstore rd NAME SIZE_MB"
		echo "rd_pages=$(($1 * 256))" >"$dir/control" ;;
	fileio)
		[ $# -eq 2 ] || die "backstore fileio NAME FILE SIZE_MB"
		[ -e "$1" ] || : >"$1"
		echo "fd_dev_name=$1,fd_dev_size=$(($2 * 1048576))" >"$dir/control"
		echo "$1" >"$dir/udev_path" ;;
	iblock)
		[ $# -eq 1 ] && [ -b "$1" ] || die "backstore iblock NAME /dev/BLOCKDEV"
		echo "udev_path=$1" >"$dir/control"
		echo "$1" >"$dir/udev_path" ;;
	pscsi)
		[ $# -eq 1 ] && [ -b "$1" ] || die "backstore pscsi NAME /dev/sdX"
		# H:C:T:L of the SCSI device behind the block device
		hctl=$(basename "$(readlink -f "/sys/class/block/${1#/dev/}/device")")
		IFS=: read -r h c t l <<-HCTL
		$hctl
		HCTL
		echo "scsi_host_id=$h,scsi_channel_id=$c,scsi_target_id=$t,scsi_lun_id=$l" >"$dir/control"
		echo "$1" >"$dir/udev_path" ;;
	esac
	echo 1 >"$dir/enable"
}

target() {
	[ $# -eq 2 ] || die "target IQN TPGT"
	ensure_fabric
	tpg=$(tpg_dir "$1" "$2")
	mkdir -p "$tpg"
	echo 1 >"$tpg/enable"
}

portal() {
	[ $# -eq 3 ] || die "portal IQN TPGT ADDR:PORT"
	mkdir "$(tpg_dir "$1" "$2")/np/$3"
}

lun() {
	[ $# -eq 4 ] || die "lun IQN TPGT LUN TYPE/NAME"
	type=${4%%/*} name=${4#*/}
	bs=$CFS/core/$(hba_of "$type")/$name
	[ -d "$bs" ] || die "no backstore $4"
	dir=$(tpg_dir "$1" "$2")/lun/lun_$3
	mkdir "$dir"
	ln -s "$bs" "$dir/$name"
}

acl() {
	[ $# -ge 3 ] || die "acl IQN TPGT INITIATOR [MLUN=LUN ...]"
	tpg=$(tpg_dir "$1" "$2")
	dir=$tpg/acls/$3
	shift 3
	mkdir "$dir"
	for m in "$@"; do
		mlun=${m%%=*} l=${m#*=}
		mkdir "$dir/lun_$mlun"
		ln -s "$tpg/lun/lun_$l" "$dir/lun_$mlun/map_$l"
	done
}

chap() {
	[ $# -eq 5 ] || [ $# -eq 7 ] ||
		die "chap IQN TPGT INITIATOR USER PASS [MUTUAL_USER MUTUAL_PASS]"
	tpg=$(tpg_dir "$1" "$2")
	auth=$tpg/acls/$3/auth
	# No trailing newline: iscsi_target_mod would keep it in the secret.
	printf '%s' "$4" >"$auth/userid"
	printf '%s' "$5" >"$auth/password"
	if [ $# -eq 7 ]; then
		printf '%s' "$6" >"$auth/userid_mutual"
		printf '%s' "$7" >"$auth/password_mutual"
	fi
	echo 1 >"$tpg/attrib/authentication"
}

demo() {
	[ $# -eq 2 ] || die "demo IQN TPGT"
	a=$(tpg_dir "$1" "$2")/attrib
	echo 0 >"$a/authentication"
	echo 1 >"$a/generate_node_acls"
	echo 1 >"$a/cache_dynamic_acls"
	echo 0 >"$a/demo_mode_write_protect"
}

# Remove in the reverse order of creation; symlinks before directories.
clear_all() {
	if [ -d "$ISCSI" ]; then
		for tpg in "$ISCSI"/*/tpgt_*; do
			[ -d "$tpg" ] || continue
			echo 0 >"$tpg/enable" 2>/dev/null || :
			for m in "$tpg"/acls/*/lun_*; do
				[ -d "$m" ] || continue
				find "$m" -maxdepth 1 -type l -exec rm {} \;
				rmdir "$m"
			done
			for d in "$tpg"/acls/*; do [ -d "$d" ] && rmdir "$d"; done
			for l in "$tpg"/lun/lun_*; do
				[ -d "$l" ] || continue
				find "$l" -maxdepth 1 -type l -exec rm {} \;
				rmdir "$l"
			done
			for d in "$tpg"/np/*; do [ -d "$d" ] && rmdir "$d"; done
			rmdir "$tpg"
		done
		for t in "$ISCSI"/*; do
			[ -d "$t" ] && [ "${t##*/}" != discovery_auth ] && rmdir "$t"
		done
	fi
	for d in "$CFS"/core/*_[0-9]*/*; do
		[ -d "$d" ] && [ "${d##*/}" != alua ] && [ "${d##*/}" != hba_info ] &&
			[ -f "$d/enable" ] && rmdir "$d"
	done
	for h in "$CFS"/core/*_[0-9]*; do [ -d "$h" ] && rmdir "$h"; done
	:
}

cmd=${1:-}
[ -n "$cmd" ] || die "usage: see the head of $0"
shift
case "$cmd" in
backstore|target|portal|lun|acl|chap|demo) "$cmd" "$@" ;;
clear) clear_all ;;
*) die "unknown command: $cmd" ;;
esac
