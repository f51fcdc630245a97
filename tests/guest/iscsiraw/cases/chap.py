# SPDX-License-Identifier: GPL-2.0
"""CHAP on the CHAP target (mutual credentials configured)."""
import hashlib

from . import case, cases
from ..conn import OPERATIONAL, logout, refusal, send_split
from ..pdu import F_T, Fail, kv


def chap_step3(env, c, mutate):
    ident, chal = c.chap_start()
    mychal = bytes(range(16))
    keys = {"CHAP_N": env.chap[0], "CHAP_R": c.chap_response(ident, chal),
            "CHAP_I": "7", "CHAP_C": "0x" + mychal.hex()}
    extra = mutate(keys, ident, chal)
    data = kv(list(keys.items())) + (extra or b"")
    return ident, chal, data


@case("chap")
def chap_control_mutual(env, c):
    ident, chal, data = chap_step3(env, c, lambda k, i, ch: None)
    st, fl, got, _ = c.exchange(c.login_pdu(0, 1, True, keys=data))
    if st or not fl & F_T:
        raise Fail("mutual CHAP refused: 0x%04x %r" % (st, got))
    want = "0x" + hashlib.md5(bytes([7]) + env.chap[3].encode() + bytes(range(16))).hexdigest()
    if got.get("CHAP_N") != env.chap[2] or got.get("CHAP_R", "").lower() != want:
        raise Fail("target's mutual answer wrong: %r" % got)
    c.operational(OPERATIONAL)
    return "ffp, " + logout(c, env.bound_post)


@case("chap")
def chap_control_c_odd_hex(env, c):
    # RFC 7143 6.1 hex-constant: an odd digit count has an implicit
    # leading zero, so 0x123 is the two bytes 01 23 (zcit_chap_decode)
    ident, chal, data = chap_step3(env, c, _set("CHAP_C", "0x123"))
    st, fl, got, _ = c.exchange(c.login_pdu(0, 1, True, keys=data))
    want = "0x" + hashlib.md5(bytes([7]) + env.chap[3].encode() + b"\x01\x23").hexdigest()
    if st or got.get("CHAP_R", "").lower() != want:
        raise Fail("CHAP_C=0x123: 0x%04x %r, want CHAP_R=%s" % (st, got, want))
    return "CHAP_R for 01 23"


def _set(key, val):
    def m(k, i, ch):
        if val is None:
            del k[key]
        else:
            k[key] = val
    return m


CHAP_BAD = [
    ("r-odd-hex", _set("CHAP_R", "0x123")),
    ("r-non-hex", _set("CHAP_R", "0xzz112233445566778899aabbccddeeff")),
    ("r-empty", _set("CHAP_R", "")),
    ("r-prefix-only", _set("CHAP_R", "0x")),
    ("r-base64-garbage", _set("CHAP_R", "0b!!!!****====")),
    ("r-base64-valid-wrong", _set("CHAP_R", "0bAAAAAAAAAAAAAAAAAAAAAA==")),
    ("r-short", _set("CHAP_R", "0x1234")),
    ("r-long-hex", _set("CHAP_R", "0x" + "ab" * 2000)),
    ("r-missing", _set("CHAP_R", None)),
    ("n-wrong", _set("CHAP_N", "nosuchuser")),
    ("n-missing", _set("CHAP_N", None)),
    ("c-non-hex", _set("CHAP_C", "0xqqqq")),
    ("c-empty", _set("CHAP_C", "")),
    ("c-prefix-only", _set("CHAP_C", "0x")),
    ("c-base64-garbage", _set("CHAP_C", "0b@@@@")),
    ("c-no-prefix", _set("CHAP_C", "00112233")),
    ("c-missing", _set("CHAP_C", None)),
    ("c-reflected", lambda k, i, ch: k.__setitem__("CHAP_C", "0x" + ch.hex())),
    ("c-long-hex", _set("CHAP_C", "0x" + "cd" * 4000)),
    ("i-256", _set("CHAP_I", "256")),
    ("i-minus-1", _set("CHAP_I", "-1")),
    ("i-huge", _set("CHAP_I", "999999999999")),
    ("i-empty", _set("CHAP_I", "")),
    ("i-hex-0x100", _set("CHAP_I", "0x100")),
    ("i-leading-zero", _set("CHAP_I", "07")),
    ("i-missing", _set("CHAP_I", None)),
    ("a-again", lambda k, i, ch: k.__setitem__("CHAP_A", "5")),
    ("dup-chap-r", lambda k, i, ch: b"CHAP_R=" + k["CHAP_R"].encode() + b"\0"),
    ("dup-authmethod", lambda k, i, ch: b"AuthMethod=CHAP\0"),
]


@cases("chap", CHAP_BAD)
def chap_bad_step3(env, c, mutate):
    _, _, data = chap_step3(env, c, mutate)
    c.send(c.login_pdu(0, 1, True, keys=data))
    return refusal(c, env.bound_post)


@cases("chap", [("r-8193", "CHAP_R"), ("c-8193", "CHAP_C"),
                ("r-8192-wrong", "CHAP_R-ok-len")])
def chap_huge_value(env, c, key):
    ident, chal = c.chap_start()
    long_len = 8192 if key.endswith("ok-len") else 8193
    k = key.split("-")[0]
    val = b"0x" + b"e" * (long_len - 2)
    keys = {"CHAP_N": env.chap[0].encode(), "CHAP_R": c.chap_response(ident, chal).encode(),
            "CHAP_I": b"7", "CHAP_C": b"0x" + bytes(range(16)).hex().encode()}
    keys[k] = val
    data = kv(list(keys.items()))
    st, fl, bhs, seg = send_split(c, 0, 1, True, data, env.bound_post)
    if not st:
        raise Fail("accepted a %d-byte %s: flags 0x%02x" % (long_len, k, fl))
    if not c.wait_close(env.bound_post):
        raise Fail("0x%04x but still open" % st)
    return "status 0x%04x" % st


@cases("chap", [("a-garbage", "abc,,def"), ("a-empty", ""),
                ("a-unsupported", "1,2,3,4"),
                ("a-long-list", ",".join(str(i) for i in range(100, 160))),
                ("a-huge", "5," * 600 + "5"),
                ("a-negative", "-5"), ("a-big-number", "99999999999999999999")])
def chap_bad_a(env, c, val):
    st, _, got, _ = c.exchange(c.login_pdu(
        0, 1, keys=c.first_keys(env.t_chap) + [("AuthMethod", "CHAP")]))
    if st or got.get("AuthMethod") != "CHAP":
        raise Fail("AuthMethod=CHAP: 0x%04x %r" % (st, got))
    c.send(c.login_pdu(0, 1, keys=[("CHAP_A", val)]))
    try:
        r = refusal(c, env.bound_post)
    except Fail as e:
        raise Fail("CHAP_A=%s...: %s" % (val[:20], e))
    return r


@cases("chap", [("step1-chap-r", [("CHAP_R", "0x00")]),
                ("step1-chap-n", [("CHAP_N", "user1")]),
                ("step2-with-r", [("CHAP_A", "5"), ("CHAP_R", "0x00")]),
                ("authmethod-none-on-chap", None),
                ("authmethod-garbage", "garbage"),
                ("authmethod-huge", ",".join(["KRB5", "SRP", "SPKM1"] * 20))])
def chap_bad_order(env, c, keys):
    if keys is None or isinstance(keys, str):
        am = "None" if keys is None else keys
        c.send(c.login_pdu(0, 1, True, keys=c.first_keys(env.t_chap) + [("AuthMethod", am)]))
        return refusal(c, env.bound_post)
    if keys[0][0] == "CHAP_A":
        st, _, got, _ = c.exchange(c.login_pdu(
            0, 1, keys=c.first_keys(env.t_chap) + [("AuthMethod", "CHAP")]))
        if st:
            raise Fail("AuthMethod=CHAP refused 0x%04x" % st)
        c.send(c.login_pdu(0, 1, keys=keys))
    else:
        c.send(c.login_pdu(0, 1, keys=c.first_keys(env.t_chap) +
                           [("AuthMethod", "CHAP")] + keys))
    return refusal(c, env.bound_post)


@case("chap")
def chap_stall_after_challenge(env, c):
    c.chap_start()
    return refusal(c, env.bound_post)
