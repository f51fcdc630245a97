# SPDX-License-Identifier: GPL-2.0
"""The C bit (continued requests) and the T bit."""
from . import case
from ..conn import OPERATIONAL, refusal
from ..pdu import Closed, F_C, F_T, Fail, OP_LOGIN_RSP, Timeout, dsl_of, kv, status_of


@case("cbit")
def cbit_forever(env, c):
    piece = (b"X-cccccccc=" + b"w" * 200 + b"\0") * 40
    piece = piece[:8192]
    sent = 0
    first = kv(c.first_keys(env.t_none))
    for i in range(40):
        data = (first + piece)[:8192] if i == 0 else piece
        pdu = c.login_pdu(1, 3, False, True, data)
        c.send(pdu)
        sent += len(data)
        try:
            bhs, _ = c.recv_pdu(env.bound_pre)
        except Closed:
            return "closed after %d bytes" % sent
        except Timeout:
            raise Fail("hang after %d bytes of C-bit requests" % sent)
        st = status_of(bhs)
        if bhs[0] & 0x3F != OP_LOGIN_RSP:
            raise Fail("got opcode 0x%02x" % bhs[0])
        if st:
            if sent <= 65536:
                raise Fail("refused after only %d bytes: 0x%04x" % (sent, st))
            if not c.wait_close(env.bound_post):
                raise Fail("0x%04x but still open" % st)
            return "status 0x%04x after %d bytes" % (st, sent)
        if dsl_of(bhs) or bhs[1] & (F_T | F_C):
            raise Fail("C-bit acknowledgement not empty (flags 0x%02x)" % bhs[1])
    raise Fail("accepted %d bytes of one login request" % sent)


@case("cbit")
def cbit_control_split(env, c):
    # a valid request split at an arbitrary byte over 3 PDUs
    data = kv(c.first_keys(env.t_none) + OPERATIONAL)
    cuts = [0, 17, 200, len(data)]
    for i in range(3):
        last = i == 2
        st, fl, got, _ = c.exchange(c.login_pdu(1, 3, last, not last,
                                                data[cuts[i]:cuts[i + 1]]))
        if st:
            raise Fail("split request refused at piece %d: 0x%04x" % (i, st))
    if not fl & F_T:
        raise Fail("no transit after a split request: %r" % got)
    return "ffp"


@case("cbit")
def cbit_t_and_c(env, c):
    c.send(c.login_pdu(1, 3, True, True, c.first_keys(env.t_none) + OPERATIONAL))
    return refusal(c, env.bound_pre)


@case("cbit")
def cbit_t_and_c_second(env, c):
    c.exchange(c.login_pdu(1, 3, False, True, c.first_keys(env.t_none)))
    c.send(c.login_pdu(1, 3, True, True, OPERATIONAL))
    return refusal(c, env.bound_pre)


@case("cbit")
def cbit_then_stall(env, c):
    st, _, _, _ = c.exchange(c.login_pdu(1, 3, False, True, kv(c.first_keys(env.t_none))))
    if st:
        raise Fail("C-bit piece refused 0x%04x" % st)
    return refusal(c, env.bound_pre)
