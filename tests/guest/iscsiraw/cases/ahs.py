# SPDX-License-Identifier: GPL-2.0
"""AHS in a Login Request."""
from . import case
from ..conn import OPERATIONAL, refusal
from ..pdu import Fail, kv, pad4


@case("ahs")
def ahs_full(env, c):
    c.send(c.login_pdu(1, 3, True, keys=c.first_keys(env.t_none), ahs=255)[:48] +
           b"\x11" * 1020 + pad4(kv(c.first_keys(env.t_none))))
    return refusal(c, env.bound_pre)


@case("ahs")
def ahs_announced_not_sent(env, c):
    c.send(c.login_pdu(1, 3, True, ahs=4))
    return refusal(c, env.bound_pre)


@case("ahs")
def ahs_second_pdu(env, c):
    st, _, _, _ = c.exchange(c.login_pdu(1, 3, False, keys=c.first_keys(env.t_none)))
    if st:
        raise Fail("first request refused 0x%04x" % st)
    pdu = c.login_pdu(1, 3, True, keys=OPERATIONAL, ahs=2)
    c.send(pdu[:48] + b"\0" * 8 + pdu[48:])
    return refusal(c, env.bound_post)
