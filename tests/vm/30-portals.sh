#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Network portals: listening on IPv4 and IPv6, one socket shared by all
# targets naming an address, -EEXIST for the same address twice in one
# target, closing with the last user; discovery logins over IPv4 and IPv6;
# the module refusing to load next to iscsi_target_mod; clean unload.
#
# Portals that never clash (configured with targetcli, as a user would;
# each check logs in with libiscsi's iscsi-readcapacity16, which reads
# LUN 0's capacity: t1's LUN is 1 MiB, t2's 2 MiB, t1's TPG 2's 3 MiB, so
# the answer says which target and TPG the login landed on; logins that
# must not land are refused with "target not found"). Extra addresses:
# 127.0.0.2, 127.0.0.3 and fd00::1 on lo, fe80::99 on a dummy interface.
#   3260  wildcard then specific: t1 0.0.0.0 (targetcli's default portal),
#         then t2 127.0.0.2; t1 through 127.0.0.1 and 127.0.0.2, t2
#         through 127.0.0.2, not through 127.0.0.1
#   3262  specific then wildcard: t2 127.0.0.3, then t1 0.0.0.0
#   3263  IPv6 wildcard [::] alone serving IPv4 (127.0.0.1) and IPv6
#         (::1, fd00::1) clients: dual-stack
#   3264  IPv4 and IPv6 wildcards together, in two TPGs of one target:
#         IPv4 lands on 0.0.0.0's TPG, IPv6 on [::]'s
#   3265  two specific addresses (127.0.0.2, [fd00::1]) in one TPG, and
#         the same address (127.0.0.2) in TPGs of two targets (LIO allows
#         it; the same address twice in one target is refused, above);
#         no listener on 127.0.0.1:3265
#   3266  0.0.0.0 and 127.0.0.2 in one TPG
#   deletion, sessions held open across it (they must log out cleanly
#         afterwards): t1's 0.0.0.0:3260 deleted, t2's session through
#         127.0.0.2:3260 and new logins there go on, 127.0.0.1:3260 stops
#         listening; t2's 127.0.0.3:3262 deleted while t1's session through
#         it (served by 0.0.0.0:3262) goes on; 127.0.0.2:3266 deleted from
#         a TPG that keeps 0.0.0.0:3266, its session goes on; t1 TPG 1's
#         0.0.0.0:3264 deleted: its IPv4 session is closed, and IPv4
#         logins now land on TPG 2 ([::]:3264)
#   SendTargets over IPv4, IPv6 and link-local: wildcard portals given as
#         the address reached, never 0.0.0.0 or [::], 0.0.0.0 not to an
#         IPv6 initiator, a link-local portal only to whoever reached it
# zcit-vm: timeout=300
set -u
. "$ZCIT_ROOT/tests/lib/guest-lib.sh"
. "$ZCIT_ROOT/tests/guest/cfs.sh"

listeners() { ss -Hltn "sport = :$1" | wc -l; }
T1=$CFS/iscsi/$IQN1/tpgt_1
T2=$CFS/iscsi/$IQN2/tpgt_1

load_fabric zcit
t_check fabric-registered grep -q zcit $CFS/iscsi/lio_version
"$LIO" target "$IQN1" 1
"$LIO" target "$IQN2" 1
"$LIO" target "$IQN1" 2

t_check np-v4 mkdir "$T1/np/127.0.0.1:3260"
t_check np-v4-listening test "$(listeners 3260)" = 1
t_check np-v6 mkdir "$T1/np/[::1]:3260"
t_check np-v6-listening sh -c "ss -Hltn | grep -q '\[::1\]:3260'"
t_check np-shared-by-second-target mkdir "$T2/np/127.0.0.1:3260"
t_check np-shared-one-socket test "$(listeners 3260)" = 2
if mkdir "$CFS/iscsi/$IQN1/tpgt_2/np/127.0.0.1:3260" 2>/tmp/np.err; then
	t_fail np-same-target-eexist "second TPG of one target got the same address"
else
	t_check np-same-target-eexist sh -c "dmesg | grep -q 'already a portal of another TPG of this target'"
fi
for bad in "1.2.3.4" "[::1]3260" "[::1" "1.2.3.4:" "1.2.3.4:99999" \
	   "1.2.3.256:3260" "host:3260"; do
	if mkdir "$T1/np/$bad" 2>/dev/null; then
		t_fail "np-refuses-$bad" "accepted"
		rmdir "$T1/np/$bad"
	else
		t_pass "np-refuses-$bad"
	fi
done
t_check np-iser-reads-0 grep -qx 0 "$T1/np/127.0.0.1:3260/iser"
t_check np-iser-refuses-1 sh -c "! echo 1 > '$T1/np/127.0.0.1:3260/iser'"
t_check np-iser-accepts-0 sh -c "echo 0 > '$T1/np/127.0.0.1:3260/iser'"

# Connections are accepted and handed to the login layer: a discovery
# login is answered over IPv4 and IPv6 (the raw client exits 0 only when
# it reaches Full Feature Phase).
RAW="/usr/bin/python3 $ZCIT_ROOT/tests/guest/iscsi-raw.py"
t_check accept-login-v4 timeout 20 $RAW login --host 127.0.0.1 \
	--initiator iqn.1994-05.com.example:probe --no-target \
	--session-type Discovery
t_check accept-login-v6 timeout 20 $RAW login --host ::1 \
	--initiator iqn.1994-05.com.example:probe --no-target \
	--session-type Discovery
for i in $(seq 1 50); do
	(exec 3<>/dev/tcp/127.0.0.1/3260) 2>/dev/null || true
done
t_check many-connections-then-still-listening test "$(listeners 3260)" = 2

t_check np-wildcard-v4 mkdir "$CFS/iscsi/$IQN1/tpgt_2/np/0.0.0.0:3261"
t_check np-wildcard-v6 mkdir "$CFS/iscsi/$IQN1/tpgt_2/np/[::]:3261"
t_check np-wildcards-both-listen test "$(listeners 3261)" = 2

t_check np-remove-one-user rmdir "$T1/np/127.0.0.1:3260"
t_check np-still-listening-for-other test "$(ss -Hltn | grep -c '127.0.0.1:3260')" = 1
t_check np-remove-last-user rmdir "$T2/np/127.0.0.1:3260"
t_check np-closed sh -c "! ss -Hltn | grep -q '127.0.0.1:3260'"
t_check np-port-reusable mkdir "$T2/np/127.0.0.1:3260"
"$LIO" clear

# ---- portals that never clash (the header) ----
work=/tmp/portals
mkdir -p $work
t_check extra-addresses sh -c 'ip addr add 127.0.0.2/8 dev lo &&
	ip addr add 127.0.0.3/8 dev lo &&
	ip -6 addr add fd00::1/64 dev lo nodad &&
	modprobe dummy && ip link add zd0 type dummy &&
	ip -6 addr add fe80::99/64 dev zd0 nodad && ip link set zd0 up'

# targetcli exits 0 even when a command failed: look at its output.
tcli_ok() {
	tcli "set global auto_save_on_exit=false" "$@" "exit" >$work/tcli.log 2>&1
	if grep -qiE '^(error|No such|Could not|Unknown|Traceback)|[^a-z]error:' $work/tcli.log; then
		cat $work/tcli.log
		return 1
	fi
}
demo() { # IQN TPGT: demo mode, no authentication, writable
	echo "/iscsi/$1/tpg$2 set attribute generate_node_acls=1 cache_dynamic_acls=1 authentication=0 demo_mode_write_protect=0"
}
url() { # ADDR PORT IQN
	case $1 in *:*) echo "iscsi://[$1]:$2/$3/0" ;; *) echo "iscsi://$1:$2/$3/0" ;; esac
}
# lands NAME ADDR PORT IQN SIZE: a login to IQN through ADDR:PORT reads a
# LUN 0 of SIZE bytes
lands() {
	local out
	out=$(timeout 20 iscsi-readcapacity16 -s -i "$INI1" "$(url "$2" "$3" "$4")" 2>&1)
	if [ "$out" = "$5" ]; then
		t_pass "$1"
	else
		t_fail "$1" "$2:$3 $4: want size $5, got: $(echo $out)"
	fi
}
# refused NAME ADDR PORT IQN: the target says IQN is not behind ADDR:PORT
refused() {
	local out
	out=$(timeout 20 iscsi-readcapacity16 -s -i "$INI1" "$(url "$2" "$3" "$4")" 2>&1)
	if grep -qi "not found" <<<"$out"; then
		t_pass "$1"
	else
		t_fail "$1" "$2:$3 $4: want target not found, got: $(echo $out)"
	fi
}
no_listener() { ! timeout 5 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
# sendtargets HOST PORT OUT: a discovery session's SendTargets=All answer
sendtargets() {
	timeout 30 $RAW login --host "$1" --port "$2" --initiator "$INI1" \
		--session-type Discovery --no-target --sendtargets >"$3" 2>&1
	grep -q "^logout response 0" "$3"
}
# hold NAME ADDR PORT IQN ISID: a session held open in the background
# until $work/NAME.release appears
hold() {
	rm -f "$work/$1".*
	timeout 60 $RAW login --host "$2" --port "$3" --target "$4" \
		--initiator "$INI1" --isid "$5" --hold 50 \
		--release "$work/$1.release" --ready "$work/$1.ready" \
		>"$work/$1.out" 2>&1 &
	wait_for 20 test -e "$work/$1.ready"
}
# still_held NAME: the held session was never closed; it logs out cleanly
still_held() {
	touch "$work/$1.release"
	wait_for 20 grep -q "^logout response 0" "$work/$1.out" ||
		{ cat "$work/$1.out"; return 1; }
}

t1=/iscsi/$IQN1/tpg1
t2=/iscsi/$IQN2/tpg1
clash_start=$SECONDS
t_check clash-configure tcli_ok \
	"/backstores/ramdisk create name=rd1 size=1M" \
	"/backstores/ramdisk create name=rd2 size=2M" \
	"/backstores/ramdisk create name=rd3 size=3M" \
	"set global auto_add_default_portal=true" \
	"/iscsi create $IQN1" \
	"set global auto_add_default_portal=false" \
	"$t1/luns create /backstores/ramdisk/rd1" "$(demo "$IQN1" 1)" \
	"/iscsi create $IQN2" \
	"$t2/luns create /backstores/ramdisk/rd2" "$(demo "$IQN2" 1)" \
	"$t2/portals create 127.0.0.2 3260" \
	"$t2/portals create 127.0.0.3 3262" \
	"$t1/portals create 0.0.0.0 3262" \
	"$t1/portals create :: 3263" \
	"$t1/portals create 0.0.0.0 3264" \
	"/iscsi/$IQN1 create 2" \
	"/iscsi/$IQN1/tpg2/luns create /backstores/ramdisk/rd3" "$(demo "$IQN1" 2)" \
	"/iscsi/$IQN1/tpg2/portals create :: 3264" \
	"/iscsi/$IQN1/tpg2 enable" \
	"$t1/portals create 127.0.0.2 3265" \
	"$t1/portals create fd00::1 3265" \
	"$t2/portals create 127.0.0.2 3265" \
	"$t1/portals create 0.0.0.0 3266" \
	"$t1/portals create 127.0.0.2 3266"
t_check clash-default-portal test -d "$CFS/iscsi/$IQN1/tpgt_1/np/0.0.0.0:3260"
ss -Hltn | sort
# (ss shows a dual-stack socket, [::] with IPV6_V6ONLY off, as *:P)
t_check clash-listening sh -c "ss -Hltn | grep -q '0.0.0.0:3260' &&
	ss -Hltn | grep -q '127.0.0.2:3260' && ss -Hltn | grep -q '127.0.0.3:3262' &&
	ss -Hltn | grep -q '0.0.0.0:3262' && ss -Hltn | grep -q '^.* \*:3263' &&
	ss -Hltn | grep -q '0.0.0.0:3264' && ss -Hltn | grep -q '^.* \*:3264'"
M1=1048576 M2=2097152 M3=3145728

# 3260: wildcard (t1) then specific (t2)
lands ws-t1-via-wildcard 127.0.0.1 3260 "$IQN1" $M1
lands ws-t1-via-specific 127.0.0.2 3260 "$IQN1" $M1
lands ws-t2-via-specific 127.0.0.2 3260 "$IQN2" $M2
refused ws-t2-not-via-other 127.0.0.1 3260 "$IQN2"
# 3262: specific (t2) then wildcard (t1)
lands sw-t2-via-specific 127.0.0.3 3262 "$IQN2" $M2
lands sw-t1-via-specific 127.0.0.3 3262 "$IQN1" $M1
lands sw-t1-via-wildcard 127.0.0.1 3262 "$IQN1" $M1
refused sw-t2-not-via-other 127.0.0.1 3262 "$IQN2"
# 3263: [::] serves IPv4 and IPv6
lands v6any-ipv4-client 127.0.0.1 3263 "$IQN1" $M1
lands v6any-ipv6-client ::1 3263 "$IQN1" $M1
lands v6any-ipv6-extra fd00::1 3263 "$IQN1" $M1
t_check v6any-one-socket test "$(listeners 3263)" = 1
# 3264: 0.0.0.0 (t1 TPG 1) and [::] (t1 TPG 2)
lands anys-ipv4-to-0000 127.0.0.1 3264 "$IQN1" $M1
lands anys-ipv4-other-to-0000 127.0.0.3 3264 "$IQN1" $M1
lands anys-ipv6-to-v6any ::1 3264 "$IQN1" $M3
# 3265: two specific addresses; one address in two targets
lands two-specific-v4 127.0.0.2 3265 "$IQN1" $M1
lands two-specific-v6 fd00::1 3265 "$IQN1" $M1
lands same-addr-second-target 127.0.0.2 3265 "$IQN2" $M2
refused two-specific-t2-not-v6 fd00::1 3265 "$IQN2"
t_check two-specific-no-wildcard no_listener 127.0.0.1 3265

# SendTargets: no wildcard, and link-local only where reached.
mkdir "$CFS/iscsi/$IQN2/tpgt_1/np/[fe80::99%zd0]:3267" 2>$work/ll.err
t_check st-link-local-portal test -d "$CFS/iscsi/$IQN2/tpgt_1/np/[fe80::99%zd0]:3267"
no_bad() { ! grep -E '^st TargetAddress=(0\.0\.0\.0|\[::\]|\[fe80)' "$1"; }
t_check st-v4 sendtargets 127.0.0.2 3260 $work/st4
cat $work/st4
if grep -q "^logout response 0" $work/st4; then
	t_check st-v4-no-wildcard-no-link-local no_bad $work/st4
	t_check st-v4-wildcard-as-reached grep -qx "st TargetAddress=127.0.0.2:3260,1" $work/st4
	t_check st-v4-wildcard-own-port grep -qx "st TargetAddress=127.0.0.2:3262,1" $work/st4
	t_check st-v4-v6any-as-reached grep -qx "st TargetAddress=127.0.0.2:3263,1" $work/st4
	t_check st-v4-specific grep -qx "st TargetAddress=\[fd00::1\]:3265,1" $work/st4
	t_check st-v4-once-per-tpg test "$(grep -c 'TargetAddress=127.0.0.2:3266,1' $work/st4)" = 1
fi
t_check st-v6 sendtargets fd00::1 3263 $work/st6
cat $work/st6
if grep -q "^logout response 0" $work/st6; then
	t_check st-v6-no-wildcard-no-link-local no_bad $work/st6
	t_check st-v6-v6any-as-reached grep -qx "st TargetAddress=\[fd00::1\]:3263,1" $work/st6
	t_check st-v6-no-ipv4-wildcard sh -c "! grep -q 'TargetAddress=\[fd00::1\]:326[0246],1' $work/st6"
	t_check st-v6-second-tpg grep -qx "st TargetAddress=\[fd00::1\]:3264,2" $work/st6
	t_check st-v6-specific-v4 grep -qx "st TargetAddress=127.0.0.2:3260,1" $work/st6
fi
t_check st-link-local sendtargets fe80::99%zd0 3267 $work/stll
cat $work/stll
if grep -q "^logout response 0" $work/stll; then
	t_check st-ll-own-address grep -qx "st TargetAddress=\[fe80::99\]:3267,1" $work/stll
	t_check st-ll-v6any-as-reached grep -qx "st TargetAddress=\[fe80::99\]:3263,1" $work/stll
	t_check st-ll-no-wildcard sh -c "! grep -qE '^st TargetAddress=(0\.0\.0\.0|\[::\])' $work/stll"
fi
t_check ll-login timeout 20 $RAW login --host fe80::99%zd0 --port 3267 \
	--target "$IQN2" --initiator "$INI1"
# (rtslib, under targetcli below, does not expect a scope in a name)
rmdir "$CFS/iscsi/$IQN2/tpgt_1/np/[fe80::99%zd0]:3267"

# Deletion: sessions held across it.
t_check del-hold-t2-3260 hold s1 127.0.0.2 3260 "$IQN2" 400001000011
t_check del-hold-t1-3262 hold s2 127.0.0.3 3262 "$IQN1" 400001000012
t_check del-hold-t1-3266 hold s3 127.0.0.2 3266 "$IQN1" 400001000013
t_check del-hold-t1-3264 hold s4 127.0.0.1 3264 "$IQN1" 400001000014
t_check del-portals tcli_ok "$t1/portals delete 0.0.0.0 3260" \
	"$t2/portals delete 127.0.0.3 3262" "$t1/portals delete 127.0.0.2 3266" \
	"$t1/portals delete 0.0.0.0 3264"
ss -Hltn | sort
t_check del-t2-session-kept still_held s1
t_check del-t1-session-kept-by-wildcard still_held s2
t_check del-same-tpg-session-kept still_held s3
lands del-t2-still-lands 127.0.0.2 3260 "$IQN2" $M2
refused del-t1-gone-from-specific 127.0.0.2 3260 "$IQN1"
t_check del-wildcard-closed no_listener 127.0.0.1 3260
lands del-t1-via-wildcard-3262 127.0.0.3 3262 "$IQN1" $M1
refused del-t2-gone-3262 127.0.0.3 3262 "$IQN2"
lands del-same-tpg-via-wildcard 127.0.0.2 3266 "$IQN1" $M1
# TPG 1 no longer serves 127.0.0.1:3264; TPG 2's [::] does.
t_check del-unserved-session-closed wait_for 10 grep -q "^eof after" "$work/s4.out"
lands del-ipv4-now-to-v6any 127.0.0.1 3264 "$IQN1" $M3
wait
echo "clash scenarios: $((SECONDS - clash_start)) s"
"$LIO" clear

# Loading next to iscsi_target_mod is refused; clean unload after clear.
rmdir $CFS/iscsi
t_check rmmod-zcit rmmod zcit
t_check load-lio modprobe --ignore-install iscsi_target_mod
if modprobe zcit 2>/tmp/err; then
	t_fail zcit-refuses-next-to-lio "zcit loaded next to iscsi_target_mod"
	rmmod zcit
else
	t_check zcit-refuses-next-to-lio sh -c "dmesg | grep -q 'zcit: iscsi_target_mod is loaded'"
fi
# For the record (Documentation/design.md): iscsi_target_mod with a
# wildcard next to a specific address on one port, in either order.
mkdir -p "$CFS/iscsi"
"$LIO" target "$IQN1" 1 && "$LIO" target "$IQN2" 1 && "$LIO" target "$IQN1" 2
"$LIO" portal "$IQN1" 1 127.0.0.2:3270 && "$LIO" portal "$IQN2" 1 0.0.0.0:3270 &&
	echo "LIO-COMPARE wildcard after specific: accepted" ||
	echo "LIO-COMPARE wildcard after specific: refused"
"$LIO" portal "$IQN1" 2 0.0.0.0:3271 && "$LIO" portal "$IQN2" 1 127.0.0.2:3271 &&
	echo "LIO-COMPARE specific after wildcard: accepted" ||
	echo "LIO-COMPARE specific after wildcard: refused"
ss -Hltn | grep ':327[01]'
"$LIO" clear
rmdir "$CFS/iscsi"
t_check rmmod-lio rmmod iscsi_target_mod
t_check modprobe-redirect sh -c "modprobe iscsi_target_mod && grep -q '^zcit ' /proc/modules && ! grep -q '^iscsi_target_mod ' /proc/modules"
t_check mkdir-autoloads sh -c "rmmod zcit && mkdir $CFS/iscsi && grep -q '^zcit ' /proc/modules"
rmdir $CFS/iscsi
t_check final-rmmod rmmod zcit
t_done
