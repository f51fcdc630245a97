#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# zcit's configfs tree against iscsi_target_mod's, booted in the same VM
# one after the other with the same configuration: same entries, same
# permissions, same values; then the same writes accepted and refused.
# zcit-vm: timeout=600
set -u
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
. "$ZCIT_ROOT/tests/guest/cfs.sh"
work=/tmp/cfs
mkdir -p $work

# Values that legitimately differ: the name of the implementation, and
# LIO core's own counters (device and ACL indexes, creation times), which
# grow from one load of a fabric to the next.
mask() {
	sed -E 's#^(lio_version 444 = ).*#\1<version>#;
		s#(iscsi_instance/vendor 444 = ).*#\1<vendor>#;
		s#(/statistics/[a-z_]+/(dev|port_auth_indx|creation_time|role) 444 = ).*#\1<core>#;
		s#(/statistics/scsi_auth_intr/indx 444 = ).*#\1<core>#;
		s#(/statistics/scsi_[a-z_]*port/inst 444 = ).*#\1<core>#;
		s#(/statistics/scsi_transport/inst 444 = ).*#\1<core>#'
}

for impl in lio zcit; do
	load_fabric $impl
	build_config
	dump_tree "$CFS/iscsi" | mask >$work/$impl.tree
	unload_fabric
done
cp $work/*.tree "$ZCIT_OUTDIR/" 2>/dev/null || true

n=$(wc -l <$work/lio.tree)
if [ "$n" -lt 200 ]; then
	t_fail tree-reference "iscsi_target_mod's tree has only $n entries"
elif diff -u $work/lio.tree $work/zcit.tree >$work/diff; then
	t_pass "tree-identical-$n-entries"
else
	t_fail tree-identical "$(grep -c '^[-+][^-+]' $work/diff) lines differ:
$(head -n 60 $work/diff)"
fi

# Differential writes: every writable attribute of a TPG, an ACL and
# discovery_auth gets each probe value; record accepted/refused and the
# read-back; then write the original value back (must be accepted).
PROBES=("0" "1" "3" "-1" "60" "512" "65536" "16777216" "abc" "" "1x"
	"Yes" "No" "CHAP" "None,CHAP" "CRC32C,None" "NULL" "2048~65535")

probe_all() {
	local tpg=$CFS/iscsi/$IQN1/tpgt_1 f v orig rc rb
	for f in "$tpg"/attrib/* "$tpg"/param/* "$tpg"/auth/* \
		 "$tpg/acls/$INI1"/attrib/* "$tpg/acls/$INI1"/auth/* \
		 "$tpg/acls/$INI1/cmdsn_depth" "$CFS/iscsi/discovery_auth"/*; do
		case $(stat -c %a "$f") in 6??) ;; *) continue ;; esac
		orig=$(cat "$f")
		for v in "${PROBES[@]}"; do
			if echo "$v" >"$f" 2>/dev/null; then rc=ok; else rc=refused; fi
			rb=$(<"$f")
			rb=${rb//$'\n'/|}
			echo "${f#"$CFS"/iscsi/} [$v] $rc $rb"
			echo "$orig" >"$f" 2>/dev/null || echo "${f#"$CFS"/iscsi/} READBACK-REFUSED [$orig]"
		done
	done
}

for impl in lio zcit; do
	load_fabric $impl
	build_config
	probe_all >$work/$impl.probe
	unload_fabric
done
cp $work/*.probe "$ZCIT_OUTDIR/" 2>/dev/null || true

if grep -q READBACK-REFUSED $work/zcit.probe; then
	t_fail readback-accepted "$(grep READBACK-REFUSED $work/zcit.probe | head)"
else
	t_pass readback-accepted
fi
# zcit may refuse what LIO takes (stricter validation), never the reverse,
# and where both accept, the stored value must read back the same.
paste -d'\n' $work/lio.probe $work/zcit.probe | paste - - |
while IFS=$'\t' read -r l z; do
	[ "$l" = "$z" ] && continue
	case "$l|$z" in
	*" ok "*"|"*" refused "*) echo "STRICTER: $z (lio: $l)" ;;
	*) echo "MISMATCH: zcit: $z | lio: $l" ;;
	esac
done >$work/probe.diff
grep STRICTER $work/probe.diff | sed 's/^/  /' | head -n 80
if grep -q MISMATCH $work/probe.diff; then
	t_fail writes-like-lio "$(grep MISMATCH $work/probe.diff | head -n 40)"
else
	t_pass "writes-like-lio-$(wc -l <$work/zcit.probe)-probes"
fi
t_done
