# SPDX-License-Identifier: GPL-2.0
"""Stage codes: CSG/NSG values and transitions."""
from . import case, cases
from ..conn import OPERATIONAL, logout, refusal
from ..pdu import F_T, Fail


@cases("stage", [
    ("csg2", (2, 3, True)), ("csg3", (3, 3, True)), ("csg2-no-t", (2, 0, False)),
    ("csg3-no-t", (3, 0, False)), ("nsg2-from-0", (0, 2, True)),
    ("nsg2-from-1", (1, 2, True)), ("nsg0-from-0", (0, 0, True)),
    ("nsg0-from-1", (1, 0, True)), ("nsg1-from-1", (1, 1, True))])
def stage_bad(env, c, p):
    csg, nsg, t = p
    keys = c.first_keys(env.t_none) + ([("AuthMethod", "None")] if csg == 0 else OPERATIONAL)
    c.send(c.login_pdu(csg, nsg, t, False, keys))
    return refusal(c, env.bound_pre)


@case("stage")
def stage_back_to_security(env, c):
    st, _, _, _ = c.exchange(c.login_pdu(0, 1, True, keys=c.first_keys(env.t_none) +
                                         [("AuthMethod", "None")]))
    if st:
        raise Fail("security stage refused 0x%04x" % st)
    c.send(c.login_pdu(0, 1, True, keys=[("AuthMethod", "None")]))
    return refusal(c, env.bound_post)


@case("stage")
def stage_skip_security_on_chap(env, c):
    c.send(c.login_pdu(1, 3, True, keys=c.first_keys(env.t_chap) + OPERATIONAL))
    return refusal(c, env.bound_post)


@case("stage")
def stage_security_to_ffp_on_chap(env, c):
    c.send(c.login_pdu(0, 3, True, keys=c.first_keys(env.t_chap) + [("AuthMethod", "None")]))
    return refusal(c, env.bound_post)


@case("stage")
def stage_control_two_stages(env, c):
    st, fl, got, _ = c.exchange(c.login_pdu(0, 1, True, keys=c.first_keys(env.t_none) +
                                            [("AuthMethod", "None")]))
    if st or not fl & F_T or fl & 3 != 1:
        raise Fail("security stage: 0x%04x flags 0x%02x %r" % (st, fl, got))
    c.operational(OPERATIONAL)
    return "ffp, " + logout(c, env.bound_post)
