# SPDX-License-Identifier: GPL-2.0
"""Events the target starts (--events, run one at a time): NOP-In pings,
Async logout on TPG disable and portal removal."""
import os
import struct
import threading
import time

from . import Env, run_case
from ..conn import Conn, logout
from ..pdu import OP_ASYNC, OP_NOP_IN, RSV, Closed, F_T, Fail, Timeout, describe, u32
from ..scsi import dlogin, survives, tur, write_until_r2t


EVENTS = []  # run by run_events, in this order


def event(name):
    def reg(fn):
        EVENTS.append(("events", name, fn))
        return fn
    return reg


def nopin_ping(c, secs, what):
    """The target's next PDU is a NOP-In ping (RFC 7143 11.19): F set,
    ITT 0xffffffff, a TTT other than 0xffffffff, no data, StatSN the next
    one but not taken, ExpCmdSN ours. Returns (bhs, seconds waited)."""
    t0 = time.monotonic()
    try:
        bhs, data = c.recv_pdu(secs)
    except Timeout:
        raise Fail("%s: no NOP-In in %.0fs" % (what, secs))
    except Closed:
        raise Fail("%s: closed after %.1fs, no NOP-In" % (what, time.monotonic() - t0))
    if bhs[0] & 0x3F != OP_NOP_IN or u32(bhs, 16) != RSV or u32(bhs, 20) == RSV:
        raise Fail("%s: got %s, not a NOP-In ping" % (what, describe(bhs, data)))
    if not bhs[1] & F_T or data:
        raise Fail("%s: flags 0x%02x, %d data bytes" % (what, bhs[1], len(data)))
    if u32(bhs, 24) != c.statsn or u32(bhs, 28) != c.cmdsn:
        raise Fail("%s: StatSN %d ExpCmdSN %d, want %d and %d" %
                   (what, u32(bhs, 24), u32(bhs, 28), c.statsn, c.cmdsn))
    return bhs, time.monotonic() - t0


@event("nopin-answered")
def ev_nopin_answered(env, c):
    """An idle connection gets a ping after nopin_timeout; an answered one
    stays up (a second ping comes only once the first is answered, and
    the two span more than nopin_response_timeout)."""
    dlogin(c)
    waits = []
    for i in (1, 2):
        bhs, waited = nopin_ping(c, env.nopin + 6, "ping %d" % i)
        if waited < env.nopin - 1.5:
            raise Fail("ping %d after %.1fs idle: nopin_timeout is %ds" % (i, waited, env.nopin))
        waits.append(waited)
        c.send(c.nop_answer(bhs))
    return "pings after %.1fs and %.1fs idle, answered, %s, %s" % (
        waits[0], waits[1], survives(c), logout(c, env.bound_post))


@event("nopin-unanswered")
def ev_nopin_unanswered(env, c):
    """A ping left unanswered ends the connection after
    nopin_response_timeout, and no sooner."""
    dlogin(c)
    nopin_ping(c, env.nopin + 6, "ping")
    t0 = time.monotonic()
    try:
        bhs, data = c.recv_pdu(env.nopin_rsp + 6)
        raise Fail("got %s instead of a close" % describe(bhs, data))
    except Timeout:
        raise Fail("still open %ds after an unanswered NOP-In (nopin_response_timeout %ds)" %
                   (env.nopin_rsp + 6, env.nopin_rsp))
    except Closed:
        t = time.monotonic() - t0
    if t < env.nopin_rsp - 1:
        raise Fail("closed %.1fs after the ping: nopin_response_timeout is %ds" %
                   (t, env.nopin_rsp))
    return "closed %.1fs after the ping" % t


class CfsOp(threading.Thread):
    """A configfs write or directory operation, in the background: with
    sessions on the TPG it returns only once they are gone."""

    def __init__(self, op, path, value=None):
        super().__init__(daemon=True)
        self.op, self.path, self.value = op, path, value
        self.error, self.secs = None, None
        self.start()

    def run(self):
        t0 = time.monotonic()
        try:
            if self.op == "write":
                with open(self.path, "w") as f:
                    f.write(self.value)
            elif self.op == "rmdir":
                os.rmdir(self.path)
            else:
                os.mkdir(self.path)
        except OSError as e:
            self.error = e
        self.secs = time.monotonic() - t0

    def finish(self, secs, what):
        self.join(secs)
        if self.is_alive():
            raise Fail("%s still blocked after %.0fs" % (what, secs))
        if self.error:
            raise Fail("%s: %s" % (what, self.error))
        return self.secs


def async_logout(c, secs, what):
    """The next PDU is an Asynchronous Message asking for a logout (RFC 7143
    11.9.1, AsyncEvent 1): ITT field 0xffffffff, this StatSN (taken).
    Returns Parameter3, the seconds the target waits."""
    try:
        bhs, data = c.recv_pdu(secs)
    except (Timeout, Closed) as e:
        raise Fail("%s: %s, no Async Message" % (what, type(e).__name__))
    if bhs[0] & 0x3F != OP_ASYNC or u32(bhs, 16) != RSV or bhs[36] != 1:
        raise Fail("%s: got %s (AsyncEvent %d), not a logout request" %
                   (what, describe(bhs, data), bhs[36]))
    if u32(bhs, 24) != c.statsn:
        raise Fail("%s: StatSN %d, want %d" % (what, u32(bhs, 24), c.statsn))
    c.statsn += 1
    return struct.unpack_from(">H", bhs, 42)[0]


def login_refused(env, isid, what):
    try:
        c = Conn(env, isid)
    except OSError as e:
        return "%s: connection refused (%s)" % (what, e.strerror)
    try:
        c.login_none()
    except (Fail, Closed, Timeout):
        return "%s refused" % what
    finally:
        c.close()
    raise Fail("%s: a login succeeded" % what)


def login_works(env, isid, what):
    c = Conn(env, isid)
    try:
        dlogin(c)
        return "%s: %s, %s" % (what, tur(c), logout(c, env.bound_post))
    finally:
        c.close()


@event("tpg-disable-logout")
def ev_tpg_disable_logout(env, c):
    """Disabling the TPG asks its initiators to log out; one that does is
    answered; the write to enable returns once the session is gone; the
    TPG takes no login until enabled again."""
    dlogin(c)
    enable = os.path.join(env.events_tpg, "enable")
    op = CfsOp("write", enable, "0")
    wait = async_logout(c, env.bound_post, "enable=0")
    r = logout(c, env.bound_post)
    if not c.wait_close(env.bound_post):
        raise Fail("open %ds after the Logout Response" % env.bound_post)
    secs = op.finish(wait + 10, "echo 0 >enable")
    d = "Async logout (Time2Wait %ds), %s, enable=0 took %.1fs, %s" % (
        wait, r, secs, login_refused(env, c.isid, "disabled TPG"))
    CfsOp("write", enable, "1").finish(10, "echo 1 >enable")
    return d + ", " + login_works(env, c.isid, "enabled again")


def drop_notice_then_close(c, secs):
    """The target closes within secs, and says so first (RFC 7143 11.9.1):
    an Asynchronous Message, AsyncEvent 3 (dropping all the session's
    connections) with this StatSN. Returns (Parameter2, Parameter3):
    Time2Wait and Time2Retain. Other PDUs are skipped."""
    deadline = time.monotonic() + secs
    notice = None
    try:
        while True:
            bhs, data = c.recv_pdu(max(0.01, deadline - time.monotonic()))
            if bhs[0] & 0x3F == OP_ASYNC:
                if bhs[36] != 3 or u32(bhs, 24) != c.statsn:
                    raise Fail("before the close: %s (AsyncEvent %d, StatSN %d, want 3 and %d)" %
                               (describe(bhs, data), bhs[36], u32(bhs, 24), c.statsn))
                notice = struct.unpack_from(">HH", bhs, 40)
    except Closed:
        pass
    except Timeout:
        raise Fail("open %.0fs after an Async logout" % secs)
    if notice is None:
        raise Fail("closed without an Async Message dropping the connections")
    return notice


@event("tpg-disable-write-pending")
def ev_tpg_disable_write_pending(env, c):
    """An initiator that does not log out when asked, with a write waiting
    for its data, is told the connections are dropped (AsyncEvent 3, with
    the session's DefaultTime2Wait, 3 here, and DefaultTime2Retain) and
    disconnected after the time the message gave, and the write is
    released (the enable write returns)."""
    dlogin(c, DefaultTime2Wait=3)
    write_until_r2t(c, 4000)
    enable = os.path.join(env.events_tpg, "enable")
    op = CfsOp("write", enable, "0")
    t0 = time.monotonic()
    wait = async_logout(c, env.bound_post, "enable=0")
    t2w, t2r = drop_notice_then_close(c, wait + 8)
    if (t2w, t2r) != (3, 0):
        raise Fail("AsyncEvent 3 gave Time2Wait %d, Time2Retain %d: the session has 3 and 0" %
                   (t2w, t2r))
    t = time.monotonic() - t0
    if t < wait - 1:
        raise Fail("closed %.1fs after the Async logout: it gave %ds" % (t, wait))
    secs = op.finish(10, "echo 0 >enable")
    CfsOp("write", enable, "1").finish(10, "echo 1 >enable")
    return ("closed %.1fs after the Async logout (%ds), AsyncEvent 3 first (Time2Wait %d, "
            "Time2Retain %d), enable=0 took %.1fs, %s" % (
                t, wait, t2w, t2r, secs, login_works(env, c.isid, "enabled again")))


@event("portal-removal")
def ev_portal_removal(env, c):
    """Removing the portal a session came in through asks it to log out;
    the portal created again takes logins."""
    dlogin(c)
    np = os.path.join(env.events_tpg, "np", "%s:%d" % (env.host, env.port))
    op = CfsOp("rmdir", np)
    wait = async_logout(c, env.bound_post, "rmdir np")
    r = logout(c, env.bound_post)
    if not c.wait_close(env.bound_post):
        raise Fail("open %ds after the Logout Response" % env.bound_post)
    secs = op.finish(wait + 10, "rmdir np")
    try:
        Conn(env, c.isid).close()
        raise Fail("the portal still accepts connections")
    except OSError:
        pass
    CfsOp("mkdir", np).finish(10, "mkdir np")
    time.sleep(0.5)
    return "Async logout (Time2Wait %ds), %s, rmdir took %.1fs, %s" % (
        wait, r, secs, login_works(env, c.isid, "portal again"))


def run_events(env):
    """The events cases, one after the other, against --events-target
    (its TPG at --events-tpg, its portal --events-port)."""
    ev = Env()
    ev.__dict__.update(env.__dict__)
    ev.port, ev.t_none = env.events_port, env.events_target
    return [run_case(ev, b"\x80\xee\x00\x00\x00" + bytes([i]), cat, name, fn)
            for i, (cat, name, fn) in enumerate(EVENTS, 1)]
