# SPDX-License-Identifier: GPL-2.0
"""Half-open logins in parallel."""
import select
import time

from ..conn import Conn, logout, ping
from ..pdu import Closed, Fail, Timeout


def run_parallel(env):
    """env.parallel half-open logins at once; a logged-in session must keep
    answering meanwhile, they must all be closed within the bound, and a
    normal login must work afterwards."""
    res = []
    t0 = time.monotonic()
    live = Conn(env, b"\x80\xaa\x00\x00\x00\x01")
    live.login_none()
    conns = []
    for i in range(env.parallel):
        try:
            c = Conn(env, b"\x80\xbb\x00\x00" + i.to_bytes(2, "big"))
        except OSError as e:
            res.append(("connect", False, "connect %d failed: %s" % (i, e)))
            break
        kind = i % 3
        if kind == 1:
            c.send(c.login_pdu(1, 3, True, keys=c.first_keys(env.t_none))[:20])
        elif kind == 2:
            c.send(c.login_pdu(1, 3, False, keys=c.first_keys(env.t_none)))
        conns.append(c)
    opened = time.monotonic()
    # every one closed: at once past the limit of logins in progress (64),
    # by the login timeout otherwise
    deadline = opened + env.bound_pre + 5
    closed_at = []
    waiting = {c.sock: c for c in conns}

    def poll(until):
        while waiting and time.monotonic() < until:
            r, _, _ = select.select(list(waiting), [], [], 0.2)
            for sk in r:
                try:
                    data = sk.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    closed_at.append(time.monotonic() - waiting.pop(sk).t0)
                    sk.close()

    poll(opened + 1)
    try:
        res.append(("session-answers-during-flood", True, ping(live, 10, 64)))
    except (Fail, Closed, Timeout) as e:
        res.append(("session-answers-during-flood", False, "%s %s" % (type(e).__name__, e)))
    poll(deadline)
    for c in conns:
        c.close()
    at_once = sum(1 for t in closed_at if t < 2)
    held = len(closed_at) - at_once
    res.append(("all-closed", not waiting and len(conns) == env.parallel,
                "%d/%d closed, last %.1fs after its connect" %
                (len(closed_at), len(conns), max(closed_at or [0]))))
    res.append(("logins-bounded", held <= 64 and at_once >= env.parallel - 64,
                "%d closed at once, %d held until their login timeout (limit 64)" %
                (at_once, held)))
    try:
        c = Conn(env, b"\x80\xaa\x00\x00\x00\x02")
        c.login_none()
        res.append(("login-after-flood", True, logout(c, env.bound_post)))
        c.close()
    except (Fail, Closed, Timeout, OSError) as e:
        res.append(("login-after-flood", False, "%s %s" % (type(e).__name__, e)))
    try:
        res.append(("session-survives-flood", True, logout(live, 10)))
    except (Fail, Closed, Timeout) as e:
        res.append(("session-survives-flood", False, "%s %s" % (type(e).__name__, e)))
    live.close()
    return [("parallel", n, ok, time.monotonic() - t0, d) for n, ok, d in res]
