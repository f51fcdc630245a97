# SPDX-License-Identifier: GPL-2.0
"""Aborts: the initiator resets (or half-closes) the connection at every
point of a login."""
import socket
import time

from . import cases
from ..conn import Conn, OPERATIONAL, logout, send_split, x_keys
from ..pdu import F_C, Fail, OP_NOP_OUT, kv


@cases("abort", [("after-connect", 0), ("mid-header", 1), ("mid-data", 2),
                 ("after-first-response", 3), ("mid-c-bit-answer", 4),
                 ("in-ffp", 5), ("in-ffp-unread-answers", 6),
                 ("mid-chap", 7), ("fin-mid-data", 8)])
def abort_at(env, c, where):
    pdu = c.login_pdu(1, 3, True, keys=c.first_keys(env.t_none) + OPERATIONAL)
    if where == 1:
        c.send(pdu[:30])
    elif where in (2, 8):
        c.send(pdu[:70])
    elif where == 3:
        c.exchange(c.login_pdu(1, 3, False, keys=c.first_keys(env.t_none)))
    elif where == 4:
        st, fl, _, _ = send_split(c, 1, 3, True,
                                  kv(c.first_keys(env.t_none)) + x_keys(1500), env.bound_post)
        if st or not fl & F_C:
            raise Fail("no C-bit answer: 0x%04x" % st)
    elif where in (5, 6):
        c.login_none()
        if where == 6:
            for _ in range(64):
                c.send(c.ffp_pdu(OP_NOP_OUT, data=b"\x33" * c.mrdsl))
            time.sleep(0.5)
    elif where == 7:
        c.chap_start()
    if where == 8:
        c.sock.shutdown(socket.SHUT_WR)  # FIN with a half-sent PDU
        if not c.wait_close(env.bound_post):
            raise Fail("half-closed connection kept open")
        c.close()
        return "closed after FIN"
    time.sleep(0.2)
    c.rst_close()
    # the target is still there and serves the next login on that ISID
    x = Conn(env, c.isid)
    try:
        x.login_none()
        return "reset; next login: " + logout(x, env.bound_post)
    finally:
        x.close()
