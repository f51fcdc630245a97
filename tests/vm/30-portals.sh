#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Network portals: listening on IPv4 and IPv6, one socket shared by all
# targets naming an address, -EEXIST for the same address twice in one
# target, closing with the last user; discovery logins over IPv4 and IPv6;
# the module refusing to load next to iscsi_target_mod; clean unload.
# zcit-vm: timeout=240
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

# Loading next to iscsi_target_mod is refused; clean unload after clear.
"$LIO" clear
rmdir $CFS/iscsi
t_check rmmod-zcit rmmod zcit
t_check load-lio modprobe --ignore-install iscsi_target_mod
if modprobe zcit 2>/tmp/err; then
	t_fail zcit-refuses-next-to-lio "zcit loaded next to iscsi_target_mod"
	rmmod zcit
else
	t_check zcit-refuses-next-to-lio sh -c "dmesg | grep -q 'zcit: iscsi_target_mod is loaded'"
fi
t_check rmmod-lio rmmod iscsi_target_mod
t_check modprobe-redirect sh -c "modprobe iscsi_target_mod && grep -q '^zcit ' /proc/modules && ! grep -q '^iscsi_target_mod ' /proc/modules"
t_check mkdir-autoloads sh -c "rmmod zcit && mkdir $CFS/iscsi && grep -q '^zcit ' /proc/modules"
rmdir $CFS/iscsi
t_check final-rmmod rmmod zcit
t_done
