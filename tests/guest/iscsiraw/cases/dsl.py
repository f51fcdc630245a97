# SPDX-License-Identifier: GPL-2.0
"""DataSegmentLength lies in a Login Request."""
from . import case
from ..conn import OPERATIONAL, refusal
from ..pdu import F_T, Fail, kv


@case("dsl")
def dsl_bigger_then_stall(env, c):
    data = kv(c.first_keys(env.t_none) + OPERATIONAL)
    c.send(c.login_pdu(1, 3, True, keys=data, dsl=len(data) + 400))
    return refusal(c, env.bound_pre)


@case("dsl")
def dsl_bigger_then_stall_after_resolve(env, c):
    st, _, _, _ = c.exchange(c.login_pdu(1, 3, False, keys=c.first_keys(env.t_none)))
    if st:
        raise Fail("first request refused 0x%04x" % st)
    data = kv(OPERATIONAL)
    c.send(c.login_pdu(1, 3, True, keys=data, dsl=len(data) + 1000))
    return refusal(c, env.bound_post)


@case("dsl")
def dsl_8193(env, c):
    data = kv(c.first_keys(env.t_none)) + b"\0" * 9000
    c.send(c.login_pdu(1, 3, True, keys=data[:8193], dsl=8193))
    return refusal(c, env.bound_pre)


@case("dsl")
def dsl_8193_header_only(env, c):
    c.send(c.login_pdu(1, 3, True, dsl=8193))
    return refusal(c, env.bound_pre)


@case("dsl")
def dsl_ffffff(env, c):
    data = kv(c.first_keys(env.t_none))
    c.send(c.login_pdu(1, 3, True, keys=data, dsl=0xFFFFFF) + b"A" * 20000)
    return refusal(c, env.bound_pre)


@case("dsl")
def dsl_smaller(env, c):
    # the rest of the segment is then read as the next header
    data = kv(c.first_keys(env.t_none) + OPERATIONAL)
    c.send(c.login_pdu(1, 3, True, keys=data, dsl=20))
    return refusal(c, env.bound_pre)


@case("dsl")
def dsl_control_8192(env, c):
    # the largest segment allowed in login: names, then NULs (allowed)
    data = kv(c.first_keys(env.t_none) + OPERATIONAL)
    data += b"\0" * (8192 - len(data))
    st, fl, got, _ = c.exchange(c.login_pdu(1, 3, True, keys=data))
    if st or not fl & F_T:
        raise Fail("8192-byte login segment refused: 0x%04x %r" % (st, got))
    return "ffp"
