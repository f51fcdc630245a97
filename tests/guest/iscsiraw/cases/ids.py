# SPDX-License-Identifier: GPL-2.0
"""ISID, TSIH, CID changing mid-login; joining and reinstating sessions."""
import struct
import threading
import time

from . import case, cases
from ..conn import Conn, OPERATIONAL, logout, ping, refusal
from ..pdu import Closed, Fail, Timeout


@cases("ids", [("isid-changes", "isid"), ("tsih-changes", "tsih"),
               ("cid-changes", "cid"), ("itt-changes-ok", "itt")])
def ids_change(env, c, what):
    st, _, _, _ = c.exchange(c.login_pdu(0, 1, False, keys=c.first_keys(env.t_none) +
                                         [("AuthMethod", "None")]))
    if st:
        raise Fail("first request refused 0x%04x" % st)
    o = {"isid": bytes([c.isid[0] ^ 1]) + c.isid[1:], "tsih": 77, "cid": c.cid + 1,
         "itt": c.itt + 1}
    pdu = c.login_pdu(0, 1, True, **{what: o[what]})
    if what == "itt":
        # RFC 7143 11.12.8 lets the ITT change between requests: a control
        st, fl, got, bhs = c.exchange(pdu)
        if st or struct.unpack(">I", bhs[16:20])[0] != c.itt + 1:
            raise Fail("ITT change refused or not echoed: 0x%04x" % st)
        return "accepted"
    c.send(pdu)
    return refusal(c, env.bound_post)


@cases("ids", [("tsih-unknown", 0x4321), ("tsih-ffff", 0xFFFF)])
def ids_unknown_tsih(env, c, tsih):
    c.tsih = tsih
    c.send(c.login_pdu(1, 3, True, keys=c.first_keys(env.t_none) + OPERATIONAL))
    return refusal(c, env.bound_post)


@case("ids")
def ids_version(env, c):
    c.send(c.login_pdu(1, 3, True, keys=c.first_keys(env.t_none) + OPERATIONAL, vmax=1, vmin=1))
    return refusal(c, env.bound_pre)


# keys


@cases("ids", [("join-existing-session", 2), ("join-existing-same-cid", 1)])
def ids_join(env, c, cid):
    c.login_none()
    c2 = Conn(env, c.isid)
    try:
        c2.tsih, c2.cid = c.tsih, cid
        c2.send(c2.login_pdu(1, 3, True, keys=c2.first_keys(env.t_none) + OPERATIONAL))
        r = refusal(c2, env.bound_post)  # MaxConnections=1
    finally:
        c2.close()
    return r + ", first connection: " + ping(c, env.bound_post)


@case("ids")
def ids_reinstate_storm(env, c):
    """8 concurrent logins with one ISID: each is answered (a session, or a
    refusal), none hangs; afterwards one more login with that ISID works."""
    isid = b"\x80\x77\x00\x00\x00\x01"
    out = []

    def one(i):
        x = None
        try:
            x = Conn(env, isid)
            x.login_none()
            try:
                ping(x, env.bound_post)
                out.append("ffp")
            except Closed:
                out.append("ffp-then-replaced")
        except Fail as e:
            if "refused" not in str(e):
                out.append("FAIL %s" % e)
            else:
                out.append("refused")
        except Closed:
            out.append("closed")
        except Timeout:
            out.append("FAIL hang")
        finally:
            if x:
                x.close()

    ts = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(env.bound_pre * 2)
    if any(t.is_alive() for t in ts) or len(out) != 8:
        raise Fail("logins still running: %r" % out)
    bad = [o for o in out if o.startswith("FAIL")]
    if bad:
        raise Fail("%r" % out)
    x = Conn(env, isid)
    try:
        x.login_none()
        r = logout(x, env.bound_post)
    finally:
        x.close()
    return "%s; then %s" % (",".join(sorted(out)), r)


@case("ids")
def ids_isid_race(env, c):
    """Issue 12 defect 9: 12 leading logins with one ISID released at
    once, 4 rounds: whatever each gets (a session, a refusal, a session
    replaced at once), at most one session with that ISID is alive at
    the end of a round (reinstatement is one critical section)."""
    rounds = []
    for rnd in range(4):
        isid = bytes([0x80, 0x78, 0, 0, 0, rnd])
        gate = threading.Barrier(12)
        conns = []
        lock = threading.Lock()

        def one():
            x = None
            try:
                x = Conn(env, isid)
                with lock:
                    conns.append(x)
                gate.wait(env.bound_pre)
                x.login_none()
            except (Fail, Closed, Timeout, threading.BrokenBarrierError, OSError):
                pass

        ts = [threading.Thread(target=one) for _ in range(12)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(env.bound_pre * 2)
        time.sleep(1)
        alive = 0
        for x in conns:
            try:
                ping(x, env.bound_post)
                alive += 1
            except (Fail, Closed, Timeout, OSError):
                pass
        for x in conns:
            x.close()
        if alive > 1:
            raise Fail("round %d: %d sessions with one ISID answer pings" % (rnd, alive))
        rounds.append(alive)
    return "sessions alive after each round: %r" % rounds


# aborts: the initiator resets the connection at every point
