#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Data integrity through the full feature phase, on each fabric of
# $ZCIT_IO_FABRICS (default "lio zcit": iscsi_target_mod first, as the
# reference every check must pass on, then zcit). Check names start with
# the fabric. tests/run.sh passes ZCIT_IO_FABRICS on.
#
# Target: $IQN1, one 128 MiB fileio LUN on tmpfs, portal 127.0.0.1:3260,
# ACLs for $INI1 (open-iscsi), $INI2 (open-iscsi iface "ifb") and QEMU's
# default initiator name, all configured with targetcli. Checks
# (<f>- prefix omitted):
#  configure                targetcli made the backstore, LUN, portal, ACLs
#  <c>-login                for each session parameter combination <c>
#                           below: open-iscsi logs in (fresh node record)
#                           and the LUN shows up as /dev/sdX
#  <c>-negotiated           the kernel initiator's values (sysfs
#                           iscsi_session/iscsi_connection) and the ACL's
#                           param/ are the ones the combination asked for
#  <c>-rand4k, <c>-seq1m    fio --verify=crc32c write-then-verify, 16 MiB,
#                           libaio, direct, iodepth 32: 4 KiB random writes
#                           and 1 MiB sequential writes
#  <c>-logout               the session ends
#  Combinations (TPG param/ on the target, node record on the initiator;
#  both sides are set so the expected result follows from the rules of
#  RFC 7143 only when the target applies them):
#    none             digests None (target None, initiator offers
#                     CRC32C,None), ImmediateData=Yes, InitialR2T=No,
#                     FirstBurstLength 65536, MaxBurstLength 262144,
#                     MaxRecvDataSegmentLength 262144 both ways
#    imm-yes-r2t-yes-burst-256k-1m   the target's InitialR2T=Yes (OR)
#                     against an initiator offering No; bursts
#                     262144/1048576 from the target (initiator offers more)
#    imm-no-r2t-yes   ... and the target's ImmediateData=No (AND)
#    imm-no-r2t-no-crc32c   ImmediateData=No alone; HeaderDigest and
#                     DataDigest CRC32C (target CRC32C only, initiator
#                     offers None,CRC32C)
#    burst-8k-16k     FirstBurstLength 8192, MaxBurstLength 16384 from the
#                     initiator (target offers 262144/1048576: min)
#    mrdsl-4k-crc32c  MaxRecvDataSegmentLength 4096 both ways, digests on
#  fs-source                the tree to copy (part of /usr/share/doc and an
#                           8 MiB random file), made once per VM
#  fs-login, fs-mkfs, fs-mount, fs-copy   mkfs.ext4 on the LUN, copy the
#                           tree
#  fs-relogin               unmount, log out and in again (no cached data)
#  fs-fsck                  fsck.ext4 -fn is clean
#  fs-remount, fs-compare   mount read-only, diff -r against the source
#  qemu-io-pattern          qemu-io (libiscsi, iscsi:// URL) writes 1 MiB of
#                           0xab and reads it back with pattern checking
#  qemu-io-wrong-pattern    control: reading it as 0xcd fails
#  qemu-img-roundtrip       qemu-img convert 8 MiB of random data to the LUN
#                           and the LUN back to a file: cmp equal
#  pr-login-a/-b, pr-two-disks   two open-iscsi sessions, $INI1 (A) and
#                           $INI2 (B, iface ifb): two disks
#  pr-register-a/-b, pr-keys-two   PERSISTENT RESERVE OUT REGISTER 0xa,
#                           0xb; READ KEYS lists both
#  pr-full-status-a/-b      READ FULL STATUS: each initiator's TransportID
#                           "<name>,i,0x<isid>" with the session's ISID
#  pr-reserve-a, pr-reservation   A reserves type 3 (Exclusive Access);
#                           READ RESERVATION shows key 0xa, type 3
#  pr-read-a                the holder reads
#  pr-conflict-b            B's READ(10) (sg_raw) gets RESERVATION CONFLICT
#  pr-conflict-b-dd         ... and a direct read of B's disk fails
#  pr-release-a, pr-read-b  after A's RELEASE, B reads
#  pr-unregister-a/-b, pr-keys-none   both unregister; no keys left
#  pr-logout                both sessions end
#  gave-up                  the fabric's LUN never showed up, or it ran over
#                           $ZCIT_IO_BUDGET seconds (default 360): its
#                           remaining scenarios were dropped
# Every fabric run ends with cleanup checks (no-sessions-left, clear,
# unload). $ZCIT_IO_SCENARIOS picks scenarios (default "matrix fs qemu pr").
# zcit-vm: timeout=1200 mem=2G
set -u
# shellcheck source=tests/lib/guest-lib.sh
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
# shellcheck source=tests/guest/cfs.sh
. "$ZCIT_ROOT/tests/guest/cfs.sh"

FABRICS=${ZCIT_IO_FABRICS:-lio zcit}
SCENARIOS=${ZCIT_IO_SCENARIOS:-matrix fs qemu pr}
# Seconds a fabric may take before its remaining scenarios are dropped
# (a fabric failing by timeouts must not eat the VM's timeout).
BUDGET=${ZCIT_IO_BUDGET:-360}
PORTAL=127.0.0.1:3260
IQN=$IQN1
T=$CFS/iscsi/$IQN/tpgt_1
# QEMU's block/iscsi.c: without -iscsi initiator-name=, a UUID or a VM
# name, qemu-io and qemu-img log in as this.
QINI=iqn.2008-11.org.linux-kvm
LUN_MB=128
URL=iscsi://127.0.0.1/$IQN/0
W=/tmp/io
MNT=/mnt/io
mkdir -p $W $MNT

# ---- helpers ----

up() { cut -d' ' -f1 /proc/uptime; }

# open-iscsi node records, made fresh for each login: oi_node drops every
# record of the target and makes one on IFACE with the settings of
# iscsid.conf plus KEY = VALUE lines (cheaper than one "iscsiadm -o
# update" each), oi_iface adds one on another iface. With a TPGT in the
# portal: records without one (",-1") are one file per portal, which the
# second iface's record would replace.
oi_node() { # IFACE [KEY=VALUE...]
	local i=$1 kv rc=0
	shift
	iscsiadm -m node -T "$IQN" -o delete >/dev/null 2>&1
	{
		cat $W/iscsid.conf
		for kv in "$@"; do echo "${kv%%=*} = ${kv#*=}"; done
	} >/etc/iscsi/iscsid.conf
	oi_iface "$i" || rc=$?
	cp $W/iscsid.conf /etc/iscsi/iscsid.conf
	return $rc
}
oi_iface() { iscsiadm -m node -T "$IQN" -p $PORTAL,1 -I "$1" -o new >/dev/null; }
oi_login() { timeout 60 iscsiadm -m node -T "$IQN" -p $PORTAL -I "$1" --login; }
oi_logout() { timeout 60 iscsiadm -m node -T "$IQN" -p $PORTAL -I "$1" --logout; }
oi_sessions() { iscsiadm -m session 2>/dev/null | grep -c " $IQN\( \|$\)"; }

# sess_of INITIATOR: the sysfs iscsi_session directory of its session
sess_of() {
	local s
	for s in /sys/class/iscsi_session/session*; do
		[ -e "$s/initiatorname" ] || continue
		[ "$(cat "$s/initiatorname")" = "$1" ] &&
			[ "$(cat "$s/targetname")" = "$IQN" ] && echo "$s" && return 0
	done
	return 1
}

# disk_of INITIATOR: /dev/sdX of LUN 0 in its session
disk_of() {
	local s b
	s=$(sess_of "$1") || return 1
	for b in "$s"/device/target*/*:0:0:0/block/*; do
		[ -e "$b" ] && [ -b "/dev/${b##*/}" ] && echo "/dev/${b##*/}" && return 0
	done
	return 1
}

has_disk() { [ -n "$(disk_of "$1")" ]; }
login_wait() { oi_login "$1" && wait_for 30 has_disk "$2"; } # IFACE INITIATOR

# login_disk NAME IFACE INITIATOR: log in, wait for the disk; sets $disk.
# Gives up on the fabric when its LUN never showed up.
login_disk() {
	disk=
	if ! t_check "$1" login_wait "$2" "$3"; then
		[ "$disk_seen" = 1 ] || give_up "no disk after the first login"
		return 1
	fi
	disk_seen=1
	disk=$(disk_of "$3")
	# Fail fast (the default is 30 s).
	echo 15 >"/sys/block/${disk#/dev/}/device/timeout"
	echo "$3: $disk ($(cat "/sys/block/${disk#/dev/}/size") sectors)"
}

# give_up REASON: drop the fabric's remaining scenarios, as one failure.
give_up() {
	[ "$gave_up" = 1 ] && return
	gave_up=1
	t_fail "$fab-gave-up" "$1: the remaining checks did not run"
}

# go_on: false once the fabric gave up or ran over its budget
go_on() {
	[ "$gave_up" = 0 ] || return 1
	[ $((SECONDS - fab_start)) -le "$BUDGET" ] && return 0
	give_up "over the budget of ${BUDGET}s"
	return 1
}

acl_param() { cat "$T/acls/$1/param/$2" 2>&1; }

# ---- open-iscsi in the guest ----

setup_open_iscsi() {
	# Scan the LUNs (iscsid does it after login); short recovery
	# timeouts: failures must be fast.
	{
		echo "node.session.scan = auto"
		oi_fast_fail 10
	} | start_open_iscsi "$INI1" crc32c_generic || return
	cp /etc/iscsi/iscsid.conf $W/iscsid.conf
	# The second initiator (persistent reservations): its own iface.
	iscsiadm -m iface -I ifb -o new >/dev/null &&
		iscsiadm -m iface -I ifb -o update -n iface.initiatorname -v "$INI2" >/dev/null
}

# ---- the scenarios, for fabric $fab ----

configure() {
	load_fabric "$fab" || return
	rm -f $W/lun.img
	tcli "set global auto_save_on_exit=false" \
		"set global auto_add_default_portal=false" \
		"set global auto_add_mapped_luns=true" \
		"/backstores/fileio create name=io0 file_or_dev=$W/lun.img size=${LUN_MB}M" \
		"/iscsi create $IQN" \
		"/iscsi/$IQN/tpg1/portals create 127.0.0.1 3260" \
		"/iscsi/$IQN/tpg1/luns create /backstores/fileio/io0" \
		"/iscsi/$IQN/tpg1/acls create $INI1" \
		"/iscsi/$IQN/tpg1/acls create $INI2" \
		"/iscsi/$IQN/tpg1/acls create $QINI" \
		"/iscsi/$IQN/tpg1 set attribute authentication=0" \
		"ls" "exit"
	echo "db_root: $(cat $CFS/dbroot)"
	local i
	# targetcli exits 0 whatever happened: check configfs.
	[ -d "$T/np/$PORTAL" ] && [ -d "$T/lun/lun_0" ] && [ "$(cat "$T/enable")" = 1 ] || return
	for i in "$INI1" "$INI2" "$QINI"; do
		[ -d "$T/acls/$i/lun_0" ] || return
	done
	[ -d "$(cat $CFS/dbroot)/pr" ]
}

# The parameter matrix. Each combination: name, then settings
# key=value; keys: hd, dd (the target's HeaderDigest/DataDigest list),
# ihd, idd (the initiator's), imm, r2t, fbl, mbl, mrdsl (the target's;
# mrdsl also sets MaxXmitDataSegmentLength: iscsi_target_mod declares
# that one as its MaxRecvDataSegmentLength), iimm, ir2t, ifbl, imbl,
# imrdsl (the initiator's), and the expected negotiated values
# x_hd, x_dd (0/1), x_imm, x_r2t (0/1), x_fbl, x_mbl,
# x_irecv (initiator's MaxRecvDataSegmentLength), x_ixmit (target's).
# shellcheck disable=SC2054 # commas inside values
COMBO_DEFAULTS=(hd=None dd=None ihd=CRC32C,None idd=CRC32C,None imm=Yes r2t=No
	fbl=65536 mbl=262144 mrdsl=262144 iimm=Yes ir2t=No ifbl=262144
	imbl=16776192 imrdsl=262144 x_hd=0 x_dd=0 x_imm=1 x_r2t=0 x_fbl=65536
	x_mbl=262144 x_irecv=262144 x_ixmit=262144)
COMBOS=(
	"none"
	"imm-yes-r2t-yes-burst-256k-1m r2t=Yes fbl=262144 mbl=1048576 x_r2t=1 x_fbl=262144
	 x_mbl=1048576"
	"imm-no-r2t-yes imm=No r2t=Yes x_imm=0 x_r2t=1"
	"imm-no-r2t-no-crc32c imm=No hd=CRC32C dd=CRC32C ihd=None,CRC32C idd=None,CRC32C
	 x_imm=0 x_hd=1 x_dd=1"
	"burst-8k-16k fbl=262144 mbl=1048576 ifbl=8192 imbl=16384 x_fbl=8192 x_mbl=16384"
	"mrdsl-4k-crc32c mrdsl=4096 imrdsl=4096 hd=CRC32C,None dd=CRC32C,None
	 ihd=CRC32C idd=CRC32C x_hd=1 x_dd=1 x_irecv=4096 x_ixmit=4096"
)

# set_tpg_params: the target's side of combination $c (variables)
set_tpg_params() {
	local p=$T/param
	echo "$hd" >$p/HeaderDigest && echo "$dd" >$p/DataDigest &&
		echo "$imm" >$p/ImmediateData && echo "$r2t" >$p/InitialR2T &&
		echo "$mbl" >$p/MaxBurstLength && echo "$fbl" >$p/FirstBurstLength &&
		echo "$mrdsl" >$p/MaxRecvDataSegmentLength &&
		echo "$mrdsl" >$p/MaxXmitDataSegmentLength
}

# negotiated INITIATOR: "key=value" lines of the session's values
negotiated() {
	local s c
	s=$(sess_of "$1") || return 1
	c=$(echo /sys/class/iscsi_connection/connection"${s##*session}":*)
	echo "hd=$(cat "$c/header_digest")"
	echo "dd=$(cat "$c/data_digest")"
	echo "imm=$(cat "$s/immediate_data")"
	echo "r2t=$(cat "$s/initial_r2t")"
	echo "fbl=$(cat "$s/first_burst_len")"
	echo "mbl=$(cat "$s/max_burst_len")"
	echo "irecv=$(cat "$c/max_recv_dlength")"
	echo "ixmit=$(cat "$c/max_xmit_dlength")"
	# The target's view (session-wide keys only: LIO keeps no per
	# connection values in configfs).
	echo "acl-imm=$(acl_param "$INI1" ImmediateData)"
	echo "acl-r2t=$(acl_param "$INI1" InitialR2T)"
	echo "acl-fbl=$(acl_param "$INI1" FirstBurstLength)"
	echo "acl-mbl=$(acl_param "$INI1" MaxBurstLength)"
}

# fio_checks PREFIX DISK: two jobs one after the other, each writing
# 16 MiB and reading it back with verification: rand4k (4 KiB random
# writes) at 0, seq1m (1 MiB sequential) at 32 MiB. One fio run (fio
# starts slowly here); each job is one check, passed by its "err= 0" line.
fio_checks() {
	local p=$1 rc=0 j
	timeout 120 fio --filename="$2" --size=16M --ioengine=libaio --iodepth=32 \
		--direct=1 --verify=crc32c --do_verify=1 --verify_fatal=1 \
		--verify_state_save=0 --randrepeat=0 \
		--name=rand4k --rw=randwrite --bs=4k --offset=0 \
		--name=seq1m --rw=write --bs=1M --offset=32M --stonewall \
		>$W/fio.out 2>&1 || rc=$?
	echo "fio: exit $rc"
	grep -E '^ *(READ|WRITE):|err=|verify' $W/fio.out | sed 's/^ */  fio: /'
	for j in rand4k seq1m; do
		if grep -qE "^$j: \(groupid=[0-9]+, jobs=1\): err= 0:" $W/fio.out; then
			t_pass "$p-$j"
		else
			tail -n 15 $W/fio.out | sed "s/^/  $p-$j| /"
			t_fail "$p-$j" "fio exited $rc: $(grep -m1 -iE "^$j:|verify:|error" $W/fio.out)"
		fi
	done
}

sc_matrix() {
	local f=$fab spec c kv
	for spec in "${COMBOS[@]}"; do
		go_on || break
		read -rd '' -a kvs <<<"$spec"
		c=${kvs[0]}
		local hd dd ihd idd imm r2t fbl mbl mrdsl iimm ir2t ifbl imbl imrdsl
		local x_hd x_dd x_imm x_r2t x_fbl x_mbl x_irecv x_ixmit
		for kv in "${COMBO_DEFAULTS[@]}" "${kvs[@]:1}"; do
			printf -v "${kv%%=*}" %s "${kv#*=}"
		done
		echo "---- $f combination $c: ${kvs[*]:1} ($(up)s)"
		if ! set_tpg_params; then
			t_fail "$f-$c-login" "cannot set the TPG's param/ ($(grep . $T/param/* | tr '\n' ' '))"
			continue
		fi
		oi_node default node.conn[0].iscsi.HeaderDigest="$ihd" \
			node.conn[0].iscsi.DataDigest="$idd" \
			node.session.iscsi.ImmediateData="$iimm" \
			node.session.iscsi.InitialR2T="$ir2t" \
			node.session.iscsi.FirstBurstLength="$ifbl" \
			node.session.iscsi.MaxBurstLength="$imbl" \
			node.conn[0].iscsi.MaxRecvDataSegmentLength="$imrdsl"
		login_disk "$f-$c-login" default "$INI1"
		if [ -z "$disk" ]; then
			oi_logout default >/dev/null 2>&1
			continue
		fi
		negotiated "$INI1" >$W/neg
		cat >$W/neg.want <<-EOF
		hd=$x_hd
		dd=$x_dd
		imm=$x_imm
		r2t=$x_r2t
		fbl=$x_fbl
		mbl=$x_mbl
		irecv=$x_irecv
		ixmit=$x_ixmit
		acl-imm=$x_imm
		acl-r2t=$x_r2t
		acl-fbl=$x_fbl
		acl-mbl=$x_mbl
		EOF
		t_check "$f-$c-negotiated" diff $W/neg.want $W/neg
		fio_checks "$f-$c" "$disk"
		t_check "$f-$c-logout" oi_logout default
	done
	# Back to the defaults for what follows.
	for kv in "${COMBO_DEFAULTS[@]}"; do
		printf -v "${kv%%=*}" %s "${kv#*=}"
	done
	set_tpg_params
	oi_node default
}

# The tree sc_fs copies: part of /usr/share/doc (about 400 entries, 5 MB)
# and 8 MiB of random data, made once (reading 9p is slow).
SRC=$W/src
make_src() {
	[ -d $SRC ] && return
	mkdir -p $SRC.tmp &&
		cp -a /usr/share/doc/[a-c]* $SRC.tmp/ &&
		head -c 8M /dev/urandom >$SRC.tmp/random.bin &&
		mv $SRC.tmp $SRC
}

sc_fs() {
	local f=$fab src=$SRC
	t_check "$f-fs-source" make_src || return
	echo "fs: source $(du -sh $SRC | cut -f1), $(find $SRC | wc -l) entries"
	login_disk "$f-fs-login" default "$INI1" || return
	t_check "$f-fs-mkfs" mkfs.ext4 -q -F -E nodiscard "$disk" || { oi_logout default; return; }
	t_check "$f-fs-mount" mount -t ext4 "$disk" $MNT || { oi_logout default; return; }
	t_check "$f-fs-copy" sh -c "cp -a $src/. $MNT/ && sync"
	umount $MNT
	oi_logout default >/dev/null
	login_disk "$f-fs-relogin" default "$INI1" || return
	t_check "$f-fs-fsck" fsck.ext4 -fn "$disk"
	if t_check "$f-fs-remount" mount -t ext4 -o ro "$disk" $MNT; then
		t_check "$f-fs-compare" diff -r --no-dereference $src $MNT --exclude=lost+found
		umount $MNT
	fi
	oi_logout default >/dev/null
}

# qemu_io QEMU-IO-COMMAND...: qemu-io (libiscsi) on the LUN, one -c each
qemu_io() {
	local a=() c
	for c in "$@"; do a+=(-c "$c"); done
	timeout 60 qemu-io -f raw "$URL" "${a[@]}"
}

sc_qemu() {
	local f=$fab rc=0
	qemu_io 'write -P 0xab 0 1M' 'read -P 0xab 0 1M' >$W/qio 2>&1 || rc=$?
	echo "qemu-io: exit $rc"
	cat $W/qio
	t_check "$f-qemu-io-pattern" sh -c "[ $rc = 0 ] &&
		grep -q '^wrote 1048576/1048576 bytes at offset 0' $W/qio &&
		grep -q '^read 1048576/1048576 bytes at offset 0' $W/qio &&
		! grep -q 'verification failed' $W/qio"
	rc=0
	qemu_io 'read -P 0xcd 0 1M' >$W/qio 2>&1 || rc=$?
	echo "qemu-io: exit $rc"
	cat $W/qio
	t_check "$f-qemu-io-wrong-pattern" sh -c "[ $rc != 0 ] &&
		grep -q 'Pattern verification failed' $W/qio"
	head -c 8M /dev/urandom >$W/rand8
	rm -f $W/back
	t_check "$f-qemu-img-roundtrip" sh -c "
		timeout 120 qemu-img convert -n -f raw -O raw $W/rand8 '$URL' &&
		timeout 120 qemu-img convert -f raw -O raw '$URL' $W/back &&
		[ \$(stat -c %s $W/back) = $((LUN_MB << 20)) ] &&
		cmp -n 8388608 $W/rand8 $W/back"
	rm -f $W/rand8 $W/back
}

# ISID of INITIATOR's session, from the ACL's info (12 hex digits)
acl_isid() {
	sed -n 's/.*ISID: 0x\([0-9a-f ]*[0-9a-f]\) .*/\1/p' "$T/acls/$1/info" | tr -d ' '
}

pr() { # DISK ARGS...: sg_persist, output to the log
	local d=$1
	shift
	echo "+ sg_persist $* $d"
	timeout 30 sg_persist "$@" "$d"
}

# read10 DISK: one READ(10) of LBA 0 through SG_IO; prints the status
read10() { timeout 30 sg_raw -r 512 "$1" 28 00 00 00 00 00 00 00 01 00; }

sc_pr() {
	local f=$fab a b isa isb rc
	oi_node default
	oi_iface ifb
	login_disk "$f-pr-login-a" default "$INI1" || return
	a=$disk
	if ! login_disk "$f-pr-login-b" ifb "$INI2"; then
		oi_logout default >/dev/null
		return
	fi
	b=$disk
	t_check "$f-pr-two-disks" test "$a" != "$b"
	t_check "$f-pr-register-a" pr "$a" --out --register --param-sark=0xa
	t_check "$f-pr-register-b" pr "$b" --out --register --param-sark=0xb
	pr "$a" --in --read-keys >$W/keys 2>&1
	cat $W/keys
	t_check "$f-pr-keys-two" sh -c "grep -q '2 registered reservation keys' $W/keys &&
		grep -qx ' *0xa' $W/keys && grep -qx ' *0xb' $W/keys"
	pr "$b" --in --read-full-status >$W/full 2>&1
	cat $W/full
	isa=$(acl_isid "$INI1") isb=$(acl_isid "$INI2")
	echo "ISIDs from the ACL info: A $isa, B $isb"
	t_check "$f-pr-full-status-a" sh -c "[ ${#isa} = 12 ] &&
		grep -q 'world wide unique port id: $INI1,i,0x$isa\$' $W/full"
	t_check "$f-pr-full-status-b" sh -c "[ ${#isb} = 12 ] &&
		grep -q 'world wide unique port id: $INI2,i,0x$isb\$' $W/full"
	t_check "$f-pr-reserve-a" pr "$a" --out --reserve --param-rk=0xa --prout-type=3
	pr "$b" --in --read-reservation >$W/resv 2>&1
	cat $W/resv
	t_check "$f-pr-reservation" sh -c "grep -qx ' *Key=0xa' $W/resv &&
		grep -q 'type: Exclusive Access\$' $W/resv"
	t_check "$f-pr-read-a" read10 "$a"
	# sg_raw: exit 24 is sg3_utils' SG_LIB_CAT_RES_CONFLICT
	read10 "$b" >$W/conflict 2>&1
	rc=$?
	echo "read10 B: exit $rc"
	cat $W/conflict
	t_check "$f-pr-conflict-b" sh -c "[ $rc = 24 ] &&
		grep -q 'SCSI Status: Reservation Conflict' $W/conflict"
	t_check "$f-pr-conflict-b-dd" sh -c "! dd if=$b of=/dev/null bs=4096 count=1 iflag=direct"
	t_check "$f-pr-release-a" pr "$a" --out --release --param-rk=0xa --prout-type=3
	t_check "$f-pr-read-b" read10 "$b"
	t_check "$f-pr-unregister-a" pr "$a" --out --register --param-rk=0xa --param-sark=0
	t_check "$f-pr-unregister-b" pr "$b" --out --register --param-rk=0xb --param-sark=0
	pr "$a" --in --read-keys >$W/keys 2>&1
	cat $W/keys
	t_check "$f-pr-keys-none" grep -qi 'there are NO registered reservation keys' $W/keys
	t_check "$f-pr-logout" sh -c "timeout 60 iscsiadm -m node -T '$IQN' -p $PORTAL -I default --logout &&
		timeout 60 iscsiadm -m node -T '$IQN' -p $PORTAL -I ifb --logout"
}

cleanup() {
	local f=$fab
	umount $MNT 2>/dev/null
	timeout 60 iscsiadm -m node --logoutall=all >/dev/null 2>&1
	iscsiadm -m node -o delete >/dev/null 2>&1
	t_check "$f-no-sessions-left" test "$(oi_sessions)" = 0
	teardown_fabric "$f"
	rm -f $W/lun.img
}

# The scenarios of $SCENARIOS, for fabric $fab, within its budget.
scenarios() {
	local sc
	gave_up=0 disk_seen=0
	for sc in $SCENARIOS; do
		go_on || break
		echo "---- $fab $sc ($(up)s)"
		"sc_$sc"
	done
}

# ---- main ----

cd $W || exit # fio writes its verify dumps to the current directory
load_target_core
if ! t_check open-iscsi-setup setup_open_iscsi; then
	t_done
fi
each_fabric "$FABRICS" scenarios
echo "==== done ($(up)s)"
t_done
