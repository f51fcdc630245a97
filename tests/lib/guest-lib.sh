# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by the guest test scripts (tests/vm/*.sh), which tests/lib/vm.sh
# runs with bash inside the VM. Each check prints one console line
#   ZCIT-RESULT PASS|FAIL|SKIP <name> [reason]
# that tests/run.sh counts. Names must not contain spaces.

_t_failed=0

t_pass() { # NAME
	printf 'ZCIT-RESULT PASS %s\n' "$1"
}

t_fail() { # NAME REASON
	printf 'ZCIT-RESULT FAIL %s %s\n' "$1" "${2:-}"
	_t_failed=1
}

t_skip() { # NAME REASON
	printf 'ZCIT-RESULT SKIP %s %s\n' "$1" "${2:-}"
}

# t_check NAME CMD [ARGS...]: pass if CMD exits 0, else fail showing its
# output's last lines.
t_check() {
	local name=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" -eq 0 ]; then
		t_pass "$name"
		return 0
	fi
	[ -z "$out" ] || printf '%s\n' "$out" | tail -n 10 | sed "s/^/  $name| /"
	t_fail "$name" "'$*' exited $rc${out:+: ${out##*$'\n'}}"
	return "$rc"
}

# t_side_by_side KEY...: the checks of a zcit/iscsi_target_mod comparison.
# The script's associative array RES holds "PASS ..." or "FAIL <reason>"
# for [zcit,KEY] and [lio,KEY]: zcit's is a check "zcit-KEY", LIO's is
# printed as information ("INFO lio-KEY ..."): LIO is compared, not judged.
t_side_by_side() {
	local k r
	for k in "$@"; do
		r=${RES[lio,$k]:-}
		[ -z "$r" ] || echo "INFO lio-$k $r"
		r=${RES[zcit,$k]:-}
		[ -n "$r" ] || continue
		if [ "${r%% *}" = PASS ]; then
			t_pass "zcit-$k"
		else
			t_fail "zcit-$k" "${r#* }"
		fi
	done
}

# t_done: end the script, exit 1 if any check failed.
t_done() {
	exit "$_t_failed"
}

# load_target_core: LIO's core and its backstores. rtslib points LIO's
# db_root at /etc/rtslib-fb-target, which lacks pr/ and alua/ (PERSISTENT
# RESERVE OUT fails without pr/).
load_target_core() {
	mkdir -p /etc/rtslib-fb-target/pr /etc/rtslib-fb-target/alua &&
		modprobe -a target_core_mod target_core_iblock target_core_file \
			target_core_pscsi target_core_user
}

# tcli CMD...: one targetcli run for all CMDs (one per argument), no colours.
# targetcli exits 0 even when a command fails: check its output or configfs.
tcli() {
	printf '%s\n' 'set global color_mode=false' "$@" | targetcli
}

# wait_for SECS CMD...: until CMD succeeds; fails after SECS seconds.
wait_for() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ $SECONDS -lt $end ] || return 1
		sleep 0.2
	done
}

# kernel_log_clean: no sign of a kernel bug in dmesg (for a check of its
# own; vm.sh also scans the whole console log afterwards), but for the
# known initiator-side warnings of tests/lib/kernel-log-known.awk.
kernel_log_clean() {
	! dmesg | awk -f "$ZCIT_ROOT/tests/lib/kernel-log-known.awk" | grep -E 'BUG:|kernel BUG at|Oops|WARNING:|general protection|KASAN|blocked for more than|soft lockup|refcount_t|Call Trace:'
}

# unload_zcit: rmmod must return; a leaked connection or session makes it wait
# forever (zcit_conn_exit), so it runs in the background.
unload_zcit() {
	local p i
	rmmod zcit &
	p=$!
	for i in $(seq 300); do
		kill -0 $p 2>/dev/null || break
		sleep 0.2
	done
	if kill -0 $p 2>/dev/null; then
		echo "rmmod zcit still running after 60 s:"
		cat /proc/$p/stack 2>/dev/null
		cat /sys/module/zcit/refcnt 2>/dev/null
		return 1
	fi
	wait $p
}

# have_zcit: zcit.ko was built for this kernel (scripts/build.sh)
have_zcit() {
	[ -f "/lib/modules/$ZCIT_KVER/updates/zcit.ko" ]
}

# zcit_only_start CONFIGURE: the start of a zcit-only test: skip it all
# without zcit.ko, else load LIO core and check CONFIGURE (a function);
# the test ends there if it fails.
zcit_only_start() {
	if ! have_zcit; then
		t_skip zcit-all "no zcit.ko (run scripts/build.sh)"
		t_done
	fi
	load_target_core
	t_check configure "$1" || t_done
}

# each_fabric "FABRIC..." RUN: the tests that run the same scenarios on
# several fabrics ("lio" for iscsi_target_mod, "zcit"): for each, with
# $fab set to it and $fab_start to $SECONDS, the test's configure
# function is checked as <fab>-configure, then RUN (a function) runs if
# it passed, then the test's cleanup function. zcit is skipped
# (zcit-all) without zcit.ko.
each_fabric() {
	local run=$2
	for fab in $1; do
		echo "==== fabric $fab ($(cut -d' ' -f1 /proc/uptime)s)"
		if [ "$fab" = zcit ] && ! have_zcit; then
			t_skip zcit-all "no zcit.ko (run scripts/build.sh)"
			continue
		fi
		# shellcheck disable=SC2034 # for the caller
		fab_start=$SECONDS
		t_check "$fab-configure" configure && "$run"
		cleanup
	done
}

# oi_fast_fail SECS: iscsid.conf lines for start_open_iscsi: one login
# attempt, SECS for every timeout of open-iscsi (failures must be fast)
oi_fast_fail() {
	local k
	echo "node.session.initial_login_retry_max = 1"
	for k in session.timeo.replacement_timeout 'conn[0].timeo.login_timeout' \
		'conn[0].timeo.logout_timeout' 'conn[0].timeo.noop_out_interval' \
		'conn[0].timeo.noop_out_timeout' session.err_timeo.abort_timeout \
		session.err_timeo.lu_reset_timeout session.err_timeo.tgt_reset_timeout; do
		echo "node.$k = $1"
	done
}

# start_open_iscsi INITIATOR [MODULE...]: open-iscsi in the guest, as
# INITIATOR, with no node records; /etc/iscsi/iscsid.conf is stdin after
# what every test wants (no iscsid autostart, node.startup = manual, no
# discoveryd); iscsi_tcp and the MODULEs loaded; iscsid started and
# answering. With ISCSID_LOG set, iscsid stays in the foreground and
# writes its log (debug level 1) there, for a test to show on failure.
start_open_iscsi() {
	local ini=$1
	shift
	mkdir -p /etc/iscsi /run/lock/iscsi /var/lib/iscsi
	rm -rf /etc/iscsi/nodes /etc/iscsi/send_targets /etc/iscsi/ifaces
	echo "InitiatorName=$ini" >/etc/iscsi/initiatorname.iscsi
	{
		echo "iscsid.startup = /bin/true"
		echo "node.startup = manual"
		echo "discovery.sendtargets.use_discoveryd = No"
		cat
	} >/etc/iscsi/iscsid.conf
	modprobe -a iscsi_tcp "$@" || return
	if [ -n "${ISCSID_LOG:-}" ]; then
		iscsid -f -d 1 >"$ISCSID_LOG" 2>&1 &
	else
		iscsid || return
	fi
	wait_for 10 sh -c 'iscsiadm -m session >/dev/null 2>&1; [ $? != 20 ]'
}
