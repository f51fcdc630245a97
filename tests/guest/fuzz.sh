# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The fuzzing tests' common part (sourced by tests/vm/55-login-fuzz.sh and
# 56-ffp-fuzz.sh, after guest-lib.sh and cfs.sh): their targets, the run
# of tests/guest/iscsi-fuzz.py on some categories and the checks after it.
#
# zcit only (ZCIT_LOGIN_FABRICS is not used: the bounds are zcit's). Targets
# on 127.0.0.1:3260, demo mode off, attrib/login_timeout=5 (the minimum) on both:
#   T1 = $IQN1, ACL $INI1, AuthMethod None, LUN 0 = 16 MiB rd_mcp "fuzz"
#        (mapped to the ACL), param/InitialR2T=No, MaxOutstandingR2T=4 and
#        MaxConnections=2 (so that a session may negotiate unsolicited
#        Data-Out, several R2Ts and two connections; the cases that offer
#        Yes and 1 get those)
#   T2 = $IQN2, ACL $INI1, CHAP required, mutual credentials configured
# The client runs the seeded cases (seed $ZCIT_FUZZ_SEED, default 1;
# $ZCIT_FUZZ_ARGS adds options) in parallel, each with a bounded wait
# (25 s before the target is known, when zcit's 15 s default timeout
# applies; 12 s after). Checks:
#  fuzz-ran                 the client ran to its summary
#  fuzz-<category>          every case of the category passed (and there
#                           was one)
#  after-login-none, after-login-chap   normal logins still work
#  no-sessions-left         both targets' session counters drop to 0
#  clear                    configfs teardown
#  unload                   rmmod zcit returns (within 60 s)
#  kernel-log-clean         no BUG/WARNING/Call Trace/... in dmesg

FUZZ=(/usr/bin/python3 "$ZCIT_ROOT/tests/guest/iscsi-fuzz.py")
SEED=${ZCIT_FUZZ_SEED:-1}
PORTAL=127.0.0.1:3260
T1=$CFS/iscsi/$IQN1/tpgt_1
T2=$CFS/iscsi/$IQN2/tpgt_1
W=/tmp/fuzz
FARGS=(--initiator "$INI1" --t-none "$IQN1" --t-chap "$IQN2"
	--chap user1:secret1secret:mutual1:msecret1secret)

# shellcheck disable=SC2317 # called through zcit_only_start
fuzz_configure() {
	# The fuzzers run up to 24 logins and discovery sessions at once from
	# 127.0.0.1 (and 100 half-open logins): per-host bounds of their own
	# (tests/vm/58-abuse.sh tests the defaults).
	echo "options zcit max_logins_per_host=64 max_discovery_per_host=32 max_session_kib=32768" \
		>/etc/modprobe.d/zcit-fuzz.conf &&
		load_fabric zcit &&
		"$LIO" target "$IQN1" 1 &&
		"$LIO" portal "$IQN1" 1 $PORTAL &&
		"$LIO" backstore rd fuzz 16 &&
		"$LIO" lun "$IQN1" 1 0 rd/fuzz &&
		"$LIO" acl "$IQN1" 1 "$INI1" 0=0 &&
		echo 0 >"$T1/attrib/authentication" &&
		echo 5 >"$T1/attrib/login_timeout" &&
		echo No >"$T1/param/InitialR2T" &&
		echo 4 >"$T1/param/MaxOutstandingR2T" &&
		echo 2 >"$T1/param/MaxConnections" &&
		"$LIO" target "$IQN2" 1 &&
		"$LIO" portal "$IQN2" 1 $PORTAL &&
		"$LIO" acl "$IQN2" 1 "$INI1" &&
		"$LIO" chap "$IQN2" 1 "$INI1" user1 secret1secret mutual1 msecret1secret &&
		echo 5 >"$T2/attrib/login_timeout" &&
		grep -qx No "$T1/param/InitialR2T" &&
		grep -qx 4 "$T1/param/MaxOutstandingR2T" &&
		grep -qx 2 "$T1/param/MaxConnections" &&
		grep -qx 0 "$T1/attrib/generate_node_acls" &&
		grep -qx 0 "$T2/attrib/generate_node_acls" &&
		grep -qx 1 "$T2/attrib/authentication"
}

# fuzz_login none|chap: one normal login and logout
fuzz_login() {
	timeout 40 "${FUZZ[@]}" "${FARGS[@]}" --login "$1"
}

# fuzz_run "CATEGORY..." [CLIENT-OPTION...]: the whole test: configure,
# run the client on these categories, one check per category, then the
# checks after it; ends the script.
fuzz_run() {
	local cats=$1 cat line npass nfail first rc
	shift
	mkdir -p $W
	zcit_only_start fuzz_configure

	echo "==== fuzz $cats, seed $SEED ($(cut -d' ' -f1 /proc/uptime)s)"
	# shellcheck disable=SC2086 # ZCIT_FUZZ_ARGS: options, split
	"${FUZZ[@]}" "${FARGS[@]}" --seed "$SEED" --bound-pre 25 --bound-post 12 \
		--only "${cats// /,}" "$@" ${ZCIT_FUZZ_ARGS:-} >$W/out 2>&1
	rc=$?
	cat $W/out
	echo "==== fuzz exit $rc ($(cut -d' ' -f1 /proc/uptime)s)"
	t_check fuzz-ran grep -q '^---- summary' $W/out
	for cat in $cats; do
		line=$(grep "^CATEGORY $cat " $W/out)
		read -r _ _ npass nfail first <<<"$line"
		if [ -z "$line" ]; then
			t_fail "fuzz-$cat" "no result"
		elif [ "$nfail" = 0 ] && [ "$npass" -gt 0 ]; then
			t_pass "fuzz-$cat"
		else
			grep "^CASE $cat .* FAIL " $W/out | head -n 10 | sed "s/^/  fuzz-$cat| /"
			t_fail "fuzz-$cat" "$nfail of $((npass + nfail)) cases failed, first: $first"
		fi
	done

	echo "==== after ($(cut -d' ' -f1 /proc/uptime)s)"
	t_check after-login-none fuzz_login none
	t_check after-login-chap fuzz_login chap
	t_check no-sessions-left wait_for 20 sh -c "
		[ \"\$(cat $CFS/iscsi/$IQN1/fabric_statistics/iscsi_instance/sessions)\" = 0 ] &&
		[ \"\$(cat $CFS/iscsi/$IQN2/fabric_statistics/iscsi_instance/sessions)\" = 0 ]"
	t_check clear "$LIO" clear
	rmdir "$CFS/iscsi" 2>/dev/null
	t_check unload unload_zcit
	t_check kernel-log-clean kernel_log_clean
	echo "==== done ($(cut -d' ' -f1 /proc/uptime)s)"
	t_done
}
