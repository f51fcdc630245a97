#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Same configuration, same negotiation (issue 14): for each configuration
# below, the TPG's param/ (and the ACL's attrib/) written the same way on
# iscsi_target_mod ("lio") and on zcit, the values every initiator
# negotiates must agree key by key, or differ only where
# Documentation/negotiation.md says so (the "documented" list below).
#
# Target: $IQN1, TPG 1, portal 127.0.0.1:3260, LUN 0 = 16 MiB rd_mcp, an
# explicit ACL for $INI1 (attrib/authentication 0: no CHAP). Initiators:
#  oi          open-iscsi with its defaults (sysfs iscsi_session and
#              iscsi_connection values, and the ACL's param/: the
#              target's view)
#  oi-crc      open-iscsi with the bench's "crc" settings (HeaderDigest
#              and DataDigest CRC32C)
#  raw-oi      tests/guest/iscsi-raw.py offering exactly what open-iscsi
#              2.1 offers in a normal session (the target's answers and
#              declarations, "neg"/"decl" lines)
#  raw-lib     the same, offering what libiscsi 1.19 (and so QEMU)
#              offers, from the first request in the operational stage
#  raw-nomrdsl open-iscsi's keys without MaxRecvDataSegmentLength: the
#              target declares first
# Configurations (param/ KEY=VALUE written on the TPG; a:KEY=VALUE on the
# ACL's attrib/; "_" is written as a space), each with some of the
# initiators:
#  default     nothing changed (what targetcli makes)
#  bench       make bench's tuned mode: MaxRecvDataSegmentLength and
#              MaxXmitDataSegmentLength 262144
#  mxdsl-64k   MaxXmitDataSegmentLength 65536
#  mrdsl-64k   MaxRecvDataSegmentLength 65536
#  burst       FirstBurstLength 16384, MaxBurstLength 131072
#  imm-no-r2t-no  ImmediateData No, InitialR2T No
#  digests     HeaderDigest and DataDigest CRC32C only (the initiators
#              offer CRC32C,None, raw-lib None,CRC32C for HeaderDigest)
#  misc        MaxOutstandingR2T 4, DefaultTime2Wait 5,
#              DefaultTime2Retain 10, TargetAlias "nego alias" (raw-oi
#              offers ErrorRecoveryLevel 1 and DataPDUInOrder and
#              DataSequenceInOrder No here; zcit refuses those values in
#              the TPG's param/ and the ACL's default_erl 1: 63-settings.sh)
# Checks: <fab>-configure, <fab>-<config>-<initiator> (the login worked and
# its values were read), then nego-<config>-<initiator> (both fabrics'
# values agree but for the documented keys), and dataout-128k: under the
# default configuration, open-iscsi's Data-Out PDUs (iscsiadm -s
# dataout_pdus, txdata_octets) for sixteen 128 KiB direct writes are the
# same on both fabrics.
# zcit-vm: timeout=400
set -u
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
. "$ZCIT_ROOT/tests/guest/cfs.sh"

RAW=(/usr/bin/python3 "$ZCIT_ROOT/tests/guest/iscsi-raw.py")
IQN=$IQN1
PORTAL=127.0.0.1:3260
T=$CFS/iscsi/$IQN/tpgt_1
W=/tmp/nego
mkdir -p $W

# "name|initiators|settings"
CONFIGS=(
	"default|oi oi-crc raw-oi raw-lib raw-nomrdsl|"
	"bench|oi oi-crc raw-lib|MaxRecvDataSegmentLength=262144 MaxXmitDataSegmentLength=262144"
	"mxdsl-64k|oi raw-lib raw-nomrdsl|MaxXmitDataSegmentLength=65536"
	"mrdsl-64k|oi raw-lib raw-nomrdsl|MaxRecvDataSegmentLength=65536"
	"burst|oi raw-oi raw-lib|FirstBurstLength=16384 MaxBurstLength=131072"
	"imm-no-r2t-no|oi raw-lib|ImmediateData=No InitialR2T=No"
	"digests|oi raw-lib|HeaderDigest=CRC32C DataDigest=CRC32C"
	"misc|oi raw-oi raw-lib|MaxOutstandingR2T=4 DefaultTime2Wait=5 DefaultTime2Retain=10 TargetAlias=nego_alias"
)

# Keys where the fabrics may differ, as globs on "<config>/<initiator>/<key>"
# (Documentation/negotiation.md): zcit takes data in order and recovers
# at ErrorRecoveryLevel 0 only; iscsi_target_mod does not answer
# DataPDUInOrder=Yes and DataSequenceInOrder=Yes (the answer is optional),
# and open-iscsi then shows 0 for them (both sides use Yes).
DOCUMENTED=(misc/raw-oi/ErrorRecoveryLevel misc/raw-oi/DataPDUInOrder
	misc/raw-oi/DataSequenceInOrder '*/oi*/data_pdu_in_order' '*/oi*/data_seq_in_order')

# documented CONFIG/INITIATOR/KEY: a difference the list above allows
documented() {
	local p
	for p in "${DOCUMENTED[@]}"; do
		# shellcheck disable=SC2053 # $p is a glob
		[[ $1 == $p ]] && return 0
	done
	return 1
}

# open-iscsi 2.1's operational keys in a normal session (its defaults)
OI_KEYS=(--key HeaderDigest=None --key DataDigest=None --key DefaultTime2Wait=2
	--key DefaultTime2Retain=0 --key IFMarker=No --key OFMarker=No
	--key ErrorRecoveryLevel=0 --key InitialR2T=No --key ImmediateData=Yes
	--key MaxBurstLength=16776192 --key FirstBurstLength=262144
	--key MaxOutstandingR2T=1 --key MaxConnections=1 --key DataPDUInOrder=Yes
	--key DataSequenceInOrder=Yes --key MaxRecvDataSegmentLength=262144)
# libiscsi 1.19's (lib/login.c, lib/init.c defaults)
# shellcheck disable=SC2054 # commas inside values
LIB_KEYS=(--key HeaderDigest=None,CRC32C --key DataDigest=None --key InitialR2T=No
	--key ImmediateData=Yes --key MaxBurstLength=262144 --key FirstBurstLength=262144
	--key DefaultTime2Wait=2 --key DefaultTime2Retain=0 --key MaxOutstandingR2T=1
	--key ErrorRecoveryLevel=0 --key IFMarker=No --key OFMarker=No
	--key MaxConnections=1 --key MaxRecvDataSegmentLength=262144
	--key DataPDUInOrder=Yes --key DataSequenceInOrder=Yes)

up() { cut -d' ' -f1 /proc/uptime; }

configure() {
	load_fabric "$fab" &&
		"$LIO" backstore rd nego 16 &&
		"$LIO" target "$IQN" 1 &&
		"$LIO" portal "$IQN" 1 "$PORTAL" &&
		"$LIO" lun "$IQN" 1 0 rd/nego &&
		"$LIO" acl "$IQN" 1 "$INI1" 0=0 &&
		echo 0 >"$T/attrib/authentication" &&
		save_params
}

# save_params: the TPG's param/ as configure found it, into $W/param.orig
# (cp cannot copy configfs files)
save_params() {
	local f
	rm -rf $W/param.orig && mkdir $W/param.orig || return
	for f in "$T/param/"*; do
		cat "$f" >"$W/param.orig/${f##*/}" || return
	done
}

cleanup() {
	timeout 60 iscsiadm -m node --logoutall=all >/dev/null 2>&1
	iscsiadm -m node -o delete >/dev/null 2>&1
	teardown_fabric "$fab"
}

# set_config SPEC...: param/ back to what configure found, then SPEC's
set_config() {
	local kv f
	for f in $W/param.orig/*; do
		cmp -s "$f" "$T/param/${f##*/}" || cat "$f" >"$T/param/${f##*/}" || return
	done
	echo 0 >"$T/acls/$INI1/attrib/default_erl" || return
	for kv in "$@"; do
		case $kv in
		a:*) kv=${kv#a:}; f=$T/acls/$INI1/attrib/${kv%%=*} ;;
		*) f=$T/param/${kv%%=*} ;;
		esac
		echo "${kv#*=}" | tr _ ' ' >"$f" || return
	done
}

# oi_login_read OUT [KEY=VALUE...]: open-iscsi logs in with the node
# settings given, its session's values and the ACL's param/ into OUT
oi_login_read() {
	local out=$1 kv s c n
	shift
	iscsiadm -m node -o delete >/dev/null 2>&1
	iscsiadm -m node -T "$IQN" -p $PORTAL,1 -o new >/dev/null || return
	for kv in "$@"; do
		iscsiadm -m node -T "$IQN" -p $PORTAL -o update -n "${kv%%=*}" -v "${kv#*=}" ||
			return
	done
	timeout 60 iscsiadm -m node -T "$IQN" -p $PORTAL --login >$W/login.out 2>&1 || {
		cat $W/login.out
		return 1
	}
	s=$(echo /sys/class/iscsi_session/session*)
	[ -d "$s" ] || { echo "no session in sysfs: $s"; return 1; }
	c=$(echo /sys/class/iscsi_connection/connection"${s##*session}":*)
	{
		for n in header_digest data_digest max_recv_dlength max_xmit_dlength; do
			echo "conn $n=$(cat "$c/$n")"
		done
		for n in initial_r2t immediate_data first_burst_len max_burst_len \
			data_pdu_in_order data_seq_in_order erl max_outstanding_r2t \
			targetalias tpgt def_time2wait def_time2retain; do
			[ -e "$s/$n" ] && echo "sess $n=$(cat "$s/$n")"
		done
		for n in "$T/acls/$INI1/param/"*; do
			echo "acl ${n##*/}=$(cat "$n")"
		done
	} >"$out"
	if [ -n "${DATAOUT:-}" ]; then
		dataout_run "${s##*session}" "$out"
	fi
	timeout 60 iscsiadm -m node -T "$IQN" -p $PORTAL --logout >/dev/null 2>&1 || return
	wait_for 20 sh -c '! iscsiadm -m session >/dev/null 2>&1'
}

# dataout_run SID OUT: sixteen 128 KiB direct writes; open-iscsi's
# Data-Out PDU and octet counts for them appended to OUT
dataout_run() {
	local sid=$1 out=$2 blk a0 a1 o0 o1
	blk="/sys/class/iscsi_session/session$sid/device/target*/*:0:0:0/block"
	# shellcheck disable=SC2086 # a glob
	wait_for 30 sh -c "ls $blk/ >/dev/null 2>&1" || { echo "dataout: no disk"; return 1; }
	# shellcheck disable=SC2086 # a glob
	blk=/dev/$(ls $blk/)
	a0=$(oi_stat "$sid" dataout_pdus) o0=$(oi_stat "$sid" txdata_octets)
	dd if=/dev/zero of="$blk" bs=128k count=16 oflag=direct 2>&1 || return
	a1=$(oi_stat "$sid" dataout_pdus) o1=$(oi_stat "$sid" txdata_octets)
	echo "dataout pdus=$((a1 - a0)) octets=$((o1 - o0))" >>"$out"
}

# oi_stat SID NAME: one of open-iscsi's counters of session SID
oi_stat() { iscsiadm -m session -r "$1" -s | sed -n "s/^[[:space:]]*$2: //p"; }

# raw_read OUT ARGS...: one raw login, its outcome into OUT
raw_read() {
	local out=$1 rc=0
	shift
	"${RAW[@]}" login --initiator "$INI1" --target "$IQN" --outcome --hold 0.1 "$@" >$W/raw.out 2>&1 ||
		rc=$?
	grep -E '^(neg|decl) ' $W/raw.out >"$out"
	[ $rc = 0 ] || { cat $W/raw.out; return 1; }
}

# one CONFIG INITIATOR OUT: INITIATOR's login under CONFIG
one() {
	local cfg=$1 ini=$2 out=$3 dig=() more=()
	# shellcheck disable=SC2054 # commas inside values
	[ "$cfg" = digests ] &&
		dig=(--key HeaderDigest=CRC32C,None --key DataDigest=CRC32C,None)
	case $ini in
	oi)
		if [ "$cfg" = digests ]; then
			oi_login_read "$out" 'node.conn[0].iscsi.HeaderDigest=CRC32C,None' \
				'node.conn[0].iscsi.DataDigest=CRC32C,None'
		elif [ "$cfg" = default ]; then
			DATAOUT=1 oi_login_read "$out"
		else
			oi_login_read "$out"
		fi ;;
	oi-crc)
		oi_login_read "$out" 'node.conn[0].iscsi.HeaderDigest=CRC32C' \
			'node.conn[0].iscsi.DataDigest=CRC32C' ;;
	raw-oi)
		[ "$cfg" = misc ] && more=(--key ErrorRecoveryLevel=1 --key DataPDUInOrder=No
			--key DataSequenceInOrder=No)
		raw_read "$out" "${more[@]}" "${dig[@]}" "${OI_KEYS[@]}" ;;
	raw-lib)
		# shellcheck disable=SC2054 # commas inside values
		[ "$cfg" = digests ] &&
			dig=(--key HeaderDigest=None,CRC32C --key DataDigest=CRC32C,None)
		raw_read "$out" --no-security "${dig[@]}" "${LIB_KEYS[@]}" ;;
	raw-nomrdsl)
		raw_read "$out" "${dig[@]}" "${OI_KEYS[@]}" --omit MaxRecvDataSegmentLength ;;
	esac
}

run() {
	local spec cfg ini inis settings
	for spec in "${CONFIGS[@]}"; do
		IFS='|' read -r cfg inis settings <<<"$spec"
		echo "---- $fab $cfg: $settings ($(up)s)"
		# shellcheck disable=SC2086 # words
		if ! set_config $settings; then
			t_fail "$fab-$cfg" "cannot write the configuration"
			continue
		fi
		for ini in $inis; do
			t_check "$fab-$cfg-$ini" one "$cfg" "$ini" "$W/$fab.$cfg.$ini" ||
				echo "FAILED" >"$W/$fab.$cfg.$ini"
		done
	done
}

start_open_iscsi "$INI1" crc32c_generic <<-EOF
	node.session.scan = auto
	$(oi_fast_fail 10)
EOF
t_check open-iscsi true

each_fabric "lio zcit" run

echo "==== comparison ($(up)s)"
for spec in "${CONFIGS[@]}"; do
	IFS='|' read -r cfg inis _ <<<"$spec"
	for ini in $inis; do
		l=$W/lio.$cfg.$ini z=$W/zcit.$cfg.$ini name=nego-$cfg-$ini
		if [ ! -s "$l" ] || [ ! -s "$z" ] || grep -qx FAILED "$l" "$z"; then
			t_fail "$name" "a login failed (lio: $(head -c 80 "$l" 2>&1), zcit: $(head -c 80 "$z" 2>&1))"
			continue
		fi
		bad='' doc=''
		while read -r k; do
			key=${k%%=*} key=${key#* }
			if documented "$cfg/$ini/$key"; then
				doc+=" $key"
			else
				bad+=" $key"
			fi
		done < <(diff <(grep -v '^dataout' "$l") <(grep -v '^dataout' "$z") |
			sed -n 's/^[<>] //p' | sed 's/=.*//' | sort -u)
		echo "$name: lio: $(grep -v '^dataout' "$l" | tr '\n' ' ')"
		[ -z "$bad$doc" ] || echo "$name: zcit: $(grep -v '^dataout' "$z" | tr '\n' ' ')"
		[ -z "$doc" ] || echo "$name: documented differences:$doc"
		if [ -z "$bad" ]; then
			t_pass "$name"
		else
			t_fail "$name" "differ:$bad"
		fi
	done
done

# Data-Out PDUs open-iscsi sent for 16 x 128 KiB writes, default config
l=$(grep '^dataout' $W/lio.default.oi 2>/dev/null)
z=$(grep '^dataout' $W/zcit.default.oi 2>/dev/null)
echo "dataout-128k: lio: ${l:-none}; zcit: ${z:-none}"
if [ -n "$l" ] && [ "$l" = "$z" ] && [[ $l == *pdus=[1-9]* ]]; then
	t_pass dataout-128k
else
	t_fail dataout-128k "lio: ${l:-none}; zcit: ${z:-none}"
fi
t_done
