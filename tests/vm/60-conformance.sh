#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# SCSI conformance: libiscsi's iscsi-test-cu (-d -S --test=ALL, initiators
# $INI1 and $INI2, the URL twice for the MultipathIO tests) against each
# fabric of $ZCIT_CONF_FABRICS (default "lio zcit": iscsi_target_mod first,
# as the reference, then zcit; tests/run.sh passes it on), on two
# backstores, each the LUN 0 of its own target on 127.0.0.1:3260 with
# ACLs for both initiators (configured with targetcli):
#   rd      $IQN_RD, a 64 MiB rd_mcp ramdisk
#   fileio  $IQN_FIO, a 64 MiB fileio file on tmpfs
# iscsi-test-cu prints skipped tests as passed, and its exit status says
# little: each test's verdict is read from its output (CUnit's "passed" or
# "FAILED", libiscsi's "[SKIPPED]") and logged as
#   RESULT <fabric> <bs> PASS|FAIL|SKIP <Suite>.<Test>
#   WHY <fabric> <bs> <Suite>.<Test>: <first failure message>
#   COUNTS <fabric> <bs>: P passed F failed S skipped
# and the summary at the end puts the fabrics' counts side by side. The
# whole outputs, the result lists and each run's kernel log are in
# out/logs/<kver>/60-conformance.out/. Checks (<bs> is rd or fileio):
#  target-core              LIO's core and backstores load
#  zcit-all                 (skip only) no out/<kver>/zcit.ko was built
#  <f>-configure            targetcli built both targets (seen in configfs)
#  <f>-<bs>-ran             the suite ran: >= 200 test verdicts, within
#                           $ZCIT_CONF_TIMEOUT (--env; 600) s, and as many
#                           passed/failed as CUnit's own Run Summary counts
#  <f>-<bs>-pr              every test of the PR families ProutRegister*,
#                           ProutReserve*, PrinReadKeys* passes (on zcit:
#                           every one that passes on lio, when lio ran)
#  zcit-<bs>-residuals      zcit passes every iSCSIResiduals test it runs
#                           (RFC 7143 11.4.5: writes whose EDTL differs
#                           from the CDB's length; lio fails them)
#  conf-<bs>-<Suite.Test>   (failures only) a test lio passes and zcit fails
#  zcit-<bs>-no-regressions zcit passes every test lio passes (skipped
#                           without a lio run to compare with)
#  <f>-clear, <f>-unload    configfs teardown, rmmod
# Nothing checks the lio failures themselves: iscsi_target_mod fails some
# tests (WRITE residuals, DataSN, SPC-2 reservations across logout; the
# ramdisk lacks WRITE SAME and UNMAP). The console log level is lowered
# while the suite runs (LIO logs ~20,000 lines per run); each run's kernel
# log is saved, and its problem lines (BUG, WARNING, Call Trace...) are
# echoed, timestamps included, where tests/run.sh finds them.
# zcit-vm: timeout=2700
# shellcheck disable=SC2317 # functions called through each_fabric
set -u
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
. "$ZCIT_ROOT/tests/guest/cfs.sh"

FABRICS=${ZCIT_CONF_FABRICS:-lio zcit}
BACKSTORES="rd fileio"
SUITE_TIMEOUT=${ZCIT_CONF_TIMEOUT:-600}
PORTAL=127.0.0.1:3260
IQN_RD=iqn.2003-01.org.linux-iscsi.zcit:conf-rd
IQN_FIO=iqn.2003-01.org.linux-iscsi.zcit:conf-fileio
W=/tmp/conf
OUT=${ZCIT_OUTDIR:-$W}
PR_FAMILIES='ProutRegister|ProutReserve|PrinReadKeys'
BAD='BUG:|kernel BUG at|Oops|WARNING:|general protection|KASAN|blocked for more than'
BAD+='|soft lockup|hard LOCKUP|refcount_t|Kernel panic|rcu: INFO|Call Trace:'
mkdir -p "$W" "$OUT"

now() { cut -d' ' -f1 /proc/uptime; }

iqn_of() { # BACKSTORE
	case "$1" in rd) echo "$IQN_RD" ;; fileio) echo "$IQN_FIO" ;; esac
}

# shellcheck disable=SC2317 # called through t_check
configure() {
	local bs iqn tpg cmds=(
		"set global auto_add_default_portal=false"
		"set global auto_save_on_exit=false"
		"/backstores/ramdisk create name=rd1 size=64M"
		"/backstores/fileio create name=fio1 file_or_dev=$W/fio1.img size=64M"
	)
	for bs in $BACKSTORES; do
		iqn=$(iqn_of "$bs")
		cmds+=("/iscsi create $iqn"
			"/iscsi/$iqn/tpg1/portals create ${PORTAL%:*} ${PORTAL#*:}"
			"/iscsi/$iqn/tpg1 set attribute authentication=0")
		case "$bs" in
		rd) cmds+=("/iscsi/$iqn/tpg1/luns create /backstores/ramdisk/rd1") ;;
		fileio) cmds+=("/iscsi/$iqn/tpg1/luns create /backstores/fileio/fio1") ;;
		esac
		# Both initiators get LUN 0 (add_mapped_luns).
		cmds+=("/iscsi/$iqn/tpg1/acls create $INI1"
			"/iscsi/$iqn/tpg1/acls create $INI2")
	done
	load_fabric "$fab" || return
	tcli "${cmds[@]}" "exit" >"$W/tcli.log" 2>&1
	cat "$W/tcli.log"
	# targetcli exits 0 whatever happened: look at configfs.
	for bs in $BACKSTORES; do
		tpg=$CFS/iscsi/$(iqn_of "$bs")/tpgt_1
		[ -d "$tpg/lun/lun_0" ] && [ -d "$tpg/acls/$INI1/lun_0" ] &&
			[ -d "$tpg/acls/$INI2/lun_0" ] && [ -d "$tpg/np/$PORTAL" ] &&
			grep -qx 1 "$tpg/enable" || return
	done
}

# parse OUTPUT: "PASS|FAIL|SKIP Suite.Test" for each test, and in
# OUTPUT.why "Suite.Test: message" for each failed one (its first
# "[FAILED]" message, else its first failed assertion). CUnit's verbose
# mode prints "Suite: S", then for each test "  Test: T ..." followed by
# what the test prints and the verdict, "passed" or "FAILED", at the start
# of a line (right after "..." when the test printed nothing). What
# follows the verdict on its line, and the lines after it, come from the
# suite's cleanup and do not count. libiscsi prints "[SKIPPED] reason" for
# a test CUnit then counts as passed.
parse() {
	awk -v why="$1.why" '
	function flush() {
		if (test == "")
			return
		if (res == "FAIL") {
			print "FAIL", test
			if (msg == "")
				msg = (assert == "" ? "(no message)" : assert)
			print test ": " substr(msg, 1, 300) >why
		} else if (res == "PASS") {
			print (skip ? "SKIP" : "PASS"), test
		} else {
			print "FAIL", test
			print test ": no verdict (crash or timeout?)" >why
		}
		test = ""; res = ""; skip = 0; msg = ""; assert = ""
	}
	/^Suite: / { flush(); suite = $2; next }
	/^  Test: / {
		flush()
		line = $0
		sub(/^  Test: /, "", line)
		sub(/ \.\.\..*$/, "", line)
		test = suite "." line
		sub(/^  Test: .* \.\.\./, "")
	}
	/^Run Summary/ { flush() }
	test == "" { next }
	res == "" && /^(passed|FAILED)( |$)/ { res = ($1 == "passed" ? "PASS" : "FAIL"); next }
	res == "" && /\[SKIPPED\]/ { skip = 1 }
	res == "" && /\[FAILED\]/ && msg == "" {
		msg = $0
		sub(/^.*\[FAILED\] */, "", msg)
	}
	res == "FAIL" && assert == "" && /^ +[0-9]+\. [^ ]+:[0-9]+ +- / {
		assert = $0
		sub(/^ +[0-9]+\. /, "", assert)
	}
	END { flush() }' "$1"
}

# suite_times FILE: copy stdin to stdout; FILE gets "<seconds> <suite>"
# for each "Suite: " of iscsi-test-cu's output (line-buffered by stdbuf;
# mawk needs -W interactive not to wait for a whole block of input).
suite_times() {
	local awk=(awk)
	command -v mawk >/dev/null && awk=(mawk -W interactive)
	# shellcheck disable=SC2016 # an awk program
	"${awk[@]}" -v times="$1" '
	function now(u) {
		getline u <"/proc/uptime"
		close("/proc/uptime")
		return u + 0
	}
	function done(t) {
		if (suite != "")
			printf "%.1f %s\n", t - start, suite >times
	}
	/^Suite: / { t = now(); done(t); suite = $2; start = t }
	/^Run Summary/ { done(now()); suite = "" }
	{ print }
	END { done(now()); printf "" >times }'
}

# count RESULT FILE: how many lines of FILE start with RESULT
count() { grep -c "^$1 " "$2"; }

# run_suite BACKSTORE: iscsi-test-cu against that target; the per-test
# results go to $W/<fabric>-<bs>.res (and with the whole output, the failure
# messages and the kernel log to $OUT).
run_suite() {
	local bs=$1 base=$fab-$1 rc=0 t0 url np nf ns sum
	url=iscsi://$PORTAL/$(iqn_of "$bs")/0
	echo "---- $fab $bs: iscsi-test-cu $url ($(now)s)"
	t0=$SECONDS
	dmesg -C
	timeout "$SUITE_TIMEOUT" stdbuf -oL iscsi-test-cu -d -S --test=ALL -i "$INI1" -I "$INI2" \
		"$url" "$url" 2>&1 | suite_times "$W/$base.times" >"$OUT/$base.out"
	rc=${PIPESTATUS[0]}
	dmesg >"$OUT/$base.dmesg"
	echo "$fab $bs: iscsi-test-cu exited $rc after $((SECONDS - t0)) s" \
		"(kernel log: $(wc -l <"$OUT/$base.dmesg") lines)"
	# Timestamped, as in the console: tests/run.sh fails the test on them.
	if grep -E "$BAD" "$OUT/$base.dmesg" >"$W/bad"; then
		echo "$fab $bs: kernel problems logged during the run:"
		head -n 50 "$W/bad"
	fi
	rm -f "$OUT/$base.out.why"
	parse "$OUT/$base.out" >"$W/$base.res"
	cp "$W/$base.res" "$OUT/$base.res"
	sed "s/^/RESULT $fab $bs /" "$W/$base.res"
	if [ -s "$OUT/$base.out.why" ]; then
		echo "$fab $bs: why they failed:"
		sed "s/^/WHY $fab $bs /" "$OUT/$base.out.why"
	fi
	np=$(count PASS "$W/$base.res")
	nf=$(count FAIL "$W/$base.res")
	ns=$(count SKIP "$W/$base.res")
	echo "COUNTS $fab $bs: $np passed $nf failed $ns skipped"
	[ ! -s "$W/$base.times" ] ||
		echo "$fab $bs: slowest suites (s): $(sort -rn "$W/$base.times" | head -n 8 |
			awk '{ printf "%s%s %.1f", (NR > 1 ? ", " : ""), $2, $1 }')"
	# CUnit's own summary: "tests <total> <ran> <passed> <failed> <inactive>"
	# (its passed include the skipped).
	sum=$(awk '/^Run Summary/ { on = 1 } on && $1 == "tests" { print $4, $5; exit }' \
		"$OUT/$base.out")
	if [ $((np + nf + ns)) -lt 200 ]; then
		tail -n 15 "$OUT/$base.out" | sed "s/^/  $base| /"
		t_fail "$base-ran" "only $((np + nf + ns)) test results (exit $rc)"
	elif [ "$rc" = 124 ]; then
		t_fail "$base-ran" "timed out after $SUITE_TIMEOUT s, $((np + nf + ns)) results"
	elif [ -n "$sum" ] && [ "$sum" != "$((np + ns)) $nf" ]; then
		t_fail "$base-ran" "CUnit counts $sum passed/failed, parsed $((np + ns)) $nf"
	else
		t_pass "$base-ran"
	fi
}

# check_pr BACKSTORE: the PR families pass (on zcit: each test that passes
# on lio, when lio ran)
check_pr() {
	local bs=$1 base=$fab-$1 ref=$W/lio-$1.res bad
	grep -E "^[A-Z]+ ($PR_FAMILIES)" "$W/$base.res" >"$W/$base.pr"
	if [ "$fab" != lio ] && [ -s "$ref" ]; then
		bad=$(grep -E "^PASS ($PR_FAMILIES)" "$ref" | cut -d' ' -f2 |
			while read -r t; do grep -qx "PASS $t" "$W/$base.pr" || echo "$t"; done)
	else
		bad=$(grep -v '^PASS ' "$W/$base.pr" | cut -d' ' -f2)
	fi
	if [ ! -s "$W/$base.pr" ]; then
		t_fail "$base-pr" "no results of $PR_FAMILIES tests"
	elif [ -n "$bad" ]; then
		t_fail "$base-pr" "$(echo "$bad" | paste -sd ' ')"
	else
		t_pass "$base-pr"
	fi
}

# check_residuals BACKSTORE: zcit passes the iSCSIResiduals tests (issue 12)
check_residuals() {
	local base=$fab-$1 bad
	[ "$fab" = zcit ] || return 0
	grep -E '^[A-Z]+ iSCSIResiduals\.' "$W/$base.res" >"$W/$base.resid"
	bad=$(grep -E '^FAIL ' "$W/$base.resid" | cut -d' ' -f2 | paste -sd ' ')
	if ! grep -q '^PASS ' "$W/$base.resid"; then
		t_fail "$base-residuals" "no iSCSIResiduals test passed"
	elif [ -n "$bad" ]; then
		t_fail "$base-residuals" "$bad"
	else
		echo "residuals: $(grep -c "^PASS " "$W/$base.resid") passed"
		t_pass "$base-residuals"
	fi
}

# regressions BACKSTORE: one failure for each test lio passes and zcit
# fails; tests zcit did not get to (its run stopped) are only counted
regressions() {
	local bs=$1 ref=$W/lio-$1.res n=0 missing=0 kind t why
	if [ ! -s "$ref" ]; then
		t_skip "zcit-$bs-no-regressions" "no lio run to compare with"
		return
	fi
	touch "$OUT/zcit-$bs.out.why"
	# One awk for all (a process per test costs seconds in the VM):
	# "FAIL <test> <why>" or "MISSING <test>" for each test lio passes.
	awk 'FILENAME == ARGV[1] { i = index($0, ": "); why[substr($0, 1, i - 1)] = substr($0, i + 2); next }
	FILENAME == ARGV[2] { zcit[$2] = $1; next }
	$1 == "PASS" && !($2 in zcit) { print "MISSING", $2 }
	$1 == "PASS" && ($2 in zcit) && zcit[$2] != "PASS" { print "FAIL", $2, why[$2] }' \
		"$OUT/zcit-$bs.out.why" "$W/zcit-$bs.res" "$ref" >"$W/regr-$bs"
	while read -r kind t why; do
		case "$kind" in
		MISSING) missing=$((missing + 1)) ;;
		FAIL)
			t_fail "conf-$bs-$t" "passes on lio, fails on zcit: $why"
			n=$((n + 1)) ;;
		esac
	done <"$W/regr-$bs"
	if [ $((n + missing)) -eq 0 ]; then
		t_pass "zcit-$bs-no-regressions"
	else
		t_fail "zcit-$bs-no-regressions" \
			"of the tests lio passes, zcit fails $n and did not run $missing"
	fi
}

cleanup() {
	teardown_fabric "$fab"
	rm -f "$W/fio1.img"
}

# Both backstores' suites, for fabric $fab (the kernel log quiet meanwhile).
suites() {
	dmesg -n 1
	for bs in $BACKSTORES; do
		run_suite "$bs"
		check_pr "$bs"
		check_residuals "$bs"
	done
	dmesg -n "$loglevel"
}

# ---- main ----

if ! t_check target-core load_target_core; then
	t_done
fi
read -r loglevel _ </proc/sys/kernel/printk
each_fabric "$FABRICS" suites
echo "==== summary ($(now)s)"
for bs in $BACKSTORES; do
	for fab in $FABRICS; do
		r=$W/$fab-$bs.res
		[ -f "$r" ] || continue
		echo "$fab $bs: $(count PASS "$r") passed $(count FAIL "$r") failed" \
			"$(count SKIP "$r") skipped"
	done
	if [[ " $FABRICS " == *" zcit "* ]] && [ -f "$W/zcit-$bs.res" ]; then
		regressions "$bs"
	fi
done
echo "==== done ($(now)s)"
t_done
