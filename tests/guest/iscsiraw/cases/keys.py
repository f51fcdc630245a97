# SPDX-License-Identifier: GPL-2.0
"""Text keys in login: malformed, too long, duplicated, misplaced;
thousands of keys (answers in C-bit pieces)."""
import time

from . import case, cases
from ..conn import OPERATIONAL, refusal, send_split, x_keys
from ..pdu import F_C, F_T, Fail, kv


def key_case(env, c, data, target=None, csg=1, secs=None):
    keys = kv(c.first_keys(target or env.t_none)) + data
    if csg == 1:
        c.send(c.login_pdu(1, 3, True, keys=keys + kv(OPERATIONAL)))
    else:
        c.send(c.login_pdu(0, 1, False, keys=keys + kv([("AuthMethod", "None")])))
    return refusal(c, secs or env.bound_post)


@cases("keys", [
    ("no-equals", b"HeaderDigestNone\0"),
    ("no-nul", None),
    ("key-64", b"A" * 64 + b"=1\0"),
    ("key-64-x", b"X-" + b"a" * 62 + b"=1\0"),
    ("key-empty", b"=Yes\0"),
    ("key-bad-char", b"Header Digest=None\0"),
    ("value-256", b"X-value=" + b"v" * 256 + b"\0"),
    ("value-300-known", b"MaxConnections=" + b"1" * 300 + b"\0"),
    ("dup-headerdigest", b"HeaderDigest=None\0"),
    ("dup-initiatorname", b"InitiatorName=iqn.1994-05.com.redhat:client1\0"),
    ("dup-targetname", b"TargetName=iqn.2003-01.org.linux-iscsi.zcit:t1\0"),
    ("dup-sessiontype", b"SessionType=Normal\0"),
    ("sendtargets-in-login", b"SendTargets=All\0"),
    ("target-only-key", b"TargetAddress=1.2.3.4:3260,1\0"),
    ("tpgt-from-initiator", b"TargetPortalGroupTag=1\0"),
    ("mrdsl-garbage", b"X-pad=1\0"),  # MRDSL replaced below
    ("mrdsl-zero", b"X-pad=2\0"),
    ("bad-sessiontype", b"X-pad=3\0"),
    ("initiatorname-empty", b"X-pad=4\0"),
    ("initiatorname-long", b"X-pad=5\0"),
])
def keys_bad(env, c, data):
    name_keys = c.first_keys(env.t_none)
    ops = list(OPERATIONAL)
    if data is None:  # the last pair without its NUL
        body = kv(name_keys + ops)[:-1]
        c.send(c.login_pdu(1, 3, True, keys=body))
        return refusal(c, env.bound_post)
    if data == b"X-pad=1\0":
        ops = [(k, "12x34") if k == "MaxRecvDataSegmentLength" else (k, v) for k, v in ops]
    elif data == b"X-pad=2\0":
        ops = [(k, "0") if k == "MaxRecvDataSegmentLength" else (k, v) for k, v in ops]
    elif data == b"X-pad=3\0":
        name_keys = [(k, "Bogus") if k == "SessionType" else (k, v) for k, v in name_keys]
    elif data == b"X-pad=4\0":
        name_keys = [(k, "") if k == "InitiatorName" else (k, v) for k, v in name_keys]
    elif data == b"X-pad=5\0":
        name_keys = [(k, "iqn.1994-05.com.redhat:" + "x" * 230) if k == "InitiatorName"
                     else (k, v) for k, v in name_keys]
    if data.startswith(b"X-pad="):
        data = b""
    c.send(c.login_pdu(1, 3, True, keys=kv(name_keys) + data + kv(ops)))
    return refusal(c, env.bound_post)


@cases("keys", [("control-key-63-x", b"X-" + b"a" * 61 + b"=1\0"),
                ("control-value-255-x", b"X-value=" + b"v" * 255 + b"\0"),
                ("control-x-hash", b"X#NodeArchitecture=zcit-fuzz\0"),
                ("control-unknown-key", b"NoSuchKey=1\0")])
def keys_control(env, c, data):
    body = kv(c.first_keys(env.t_none)) + data + kv(OPERATIONAL)
    st, fl, got, _ = c.exchange(c.login_pdu(1, 3, True, keys=body))
    key = data.split(b"=", 1)[0].decode()
    if st or got.get(key) != "NotUnderstood":
        raise Fail("want %s=NotUnderstood and status 0, got 0x%04x %r" % (key, st, got))
    return "NotUnderstood"


@case("keys")
def keys_thousands_x_never_collected(env, c):
    # ~1500 X- keys: a ~35 KB NotUnderstood answer in C-bit pieces
    data = kv(c.first_keys(env.t_none)) + x_keys(1500)
    st, fl, bhs, seg = send_split(c, 1, 3, True, data, env.bound_pre)
    if st:
        raise Fail("refused: 0x%04x" % st)
    if not fl & F_C or len(seg) != 8192:
        raise Fail("want a C-bit 8192-byte first piece, got flags 0x%02x, %d bytes" %
                   (fl, len(seg)))
    t0 = time.monotonic()
    if not c.wait_close(env.bound_post):
        raise Fail("answer never collected: still open after %.1fs" % env.bound_post)
    return "C-bit answer, closed %.1fs later" % (time.monotonic() - t0)


@case("keys")
def keys_thousands_x_new_data_while_collecting(env, c):
    data = kv(c.first_keys(env.t_none)) + x_keys(1500)
    st, fl, bhs, seg = send_split(c, 1, 3, True, data, env.bound_pre)
    if st or not fl & F_C:
        raise Fail("want a C-bit answer: 0x%04x flags 0x%02x" % (st, fl))
    c.send(c.login_pdu(1, 3, True, keys=OPERATIONAL))
    return refusal(c, env.bound_post)


@case("keys")
def keys_thousands_x_control_collected(env, c):
    data = kv(c.first_keys(env.t_none)) + x_keys(1500) + kv(OPERATIONAL)
    pieces = [data[i:i + 8192] for i in range(0, len(data), 8192)]
    for i, p in enumerate(pieces):
        last = i == len(pieces) - 1
        st, fl, got, _ = c.exchange(c.login_pdu(1, 3, last, not last, p))
        if st:
            raise Fail("refused 0x%04x" % st)
    n = sum(1 for k, v in got.items() if k.startswith("X-k") and v == "NotUnderstood")
    if n != 1500:
        raise Fail("collected %d NotUnderstood answers, want 1500" % n)
    if not fl & F_T:
        for _ in range(3):
            st, fl, got, _ = c.exchange(c.login_pdu(1, 3, True))
            if st or fl & F_T:
                break
    if st or not fl & F_T:
        raise Fail("no Full Feature Phase: 0x%04x" % st)
    return "1500 NotUnderstood collected, ffp"


@case("keys")
def keys_x_overflowing_answer(env, c):
    # 4000 short keys (36 KB): the answer (84 KB) would exceed 64 KiB
    data = kv(c.first_keys(env.t_none)) + x_keys(4000, "X-", 4)
    st, fl, bhs, seg = send_split(c, 1, 3, True, data, env.bound_pre)
    if st:
        if not c.wait_close(env.bound_post):
            raise Fail("0x%04x but still open" % st)
        return "status 0x%04x" % st
    # the answer fitted after all: then it must not be left hanging
    if not c.wait_close(env.bound_post):
        raise Fail("C-bit answer never collected and still open")
    return "answered, closed"


# CHAP on the CHAP target (mutual credentials configured)
