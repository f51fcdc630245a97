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
# own; vm.sh also scans the whole console log afterwards).
kernel_log_clean() {
	! dmesg | grep -E 'BUG:|kernel BUG at|Oops|WARNING:|general protection|KASAN|blocked for more than|soft lockup|refcount_t|Call Trace:'
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

# zcit_only_start CONFIGURE: the start of a zcit-only test: skip it all
# without zcit.ko, else load LIO core and check CONFIGURE (a function);
# the test ends there if it fails.
zcit_only_start() {
	if [ ! -f "/lib/modules/$ZCIT_KVER/updates/zcit.ko" ]; then
		t_skip zcit-all "no zcit.ko (run scripts/build.sh)"
		t_done
	fi
	load_target_core
	t_check configure "$1" || t_done
}
