# SPDX-License-Identifier: GPL-2.0
"""Well-formed abuse for tests/vm/58-abuse.sh (issue 12): a remote host
asking the target to hold login slots, discovery sessions or log lines.
Each mode runs from one or more local source addresses (127.0.0.x: every
loopback address is local, no setup needed) and prints one line
"RESULT key=value ..." that the test script asserts on.

  iscsi-abuse.py sockets [options]    keep --per-source connections open
      from each source, reopening those the target closes, for --duration
      seconds; --kind silent (nothing sent), partial (20 bytes of a Login
      header) or first (a whole first Login request, T=0, then silence).
      RESULT opened, refused (connect failed), held_max (most connections
      at once that had been open --held-after seconds or more, over all
      sources), held_max_host (the same per source), longest (longest
      life of a connection, closed by the target or still open at the
      end), closed (connections the target closed)
  iscsi-abuse.py discovery [options]  from each source, --per-source
      discovery sessions one after the other (login, SendTargets=All),
      kept idle; then waits up to --hold seconds for the target to close
      them. RESULT ok, ok_max_host, refused (a non-zero Login Response or
      a close), statuses, closed (by the target within --hold),
      idle_max (longest time from the last PDU to the close),
      still_open
  iscsi-abuse.py refusals [options]   --count logins to an unknown target
      and --count discovery logins with Logout, one after the other, from
      the sources in turn. RESULT refused, disc_ok, errors

Common options: --host --port (127.0.0.1 3260), --sources A[,B...],
--initiator, --target (a target the initiator may log in to).
"""
import argparse
import select
import socket
import struct
import time

from .conn import Conn, logout
from .pdu import F_C, OP_TEXT, OP_TEXT_RSP, Closed, Fail, Timeout, connect


class Env:
    pass


def env_for(a, source):
    e = Env()
    e.host, e.port, e.initiator, e.source = a.host, a.port, a.initiator, source
    e.t_none = a.target
    e.bound_post = 10
    return e


class Held:
    """One connection of the sockets mode."""

    def __init__(self, sock, source):
        self.sock = sock
        self.source = source
        self.t0 = time.monotonic()


def open_one(a, source, n):
    """A new connection from source, with what --kind sends; None if the
    connect failed."""
    try:
        if a.kind == "silent":
            return Held(connect(a.host, a.port, timeout=2, source=source), source)
        c = Conn(env_for(a, source), b"\x80\xab" + n.to_bytes(4, "big"))
        pdu = c.login_pdu(0, 1, False, keys=c.first_keys(a.target) + [("AuthMethod", "None")])
        c.send(pdu[:20] if a.kind == "partial" else pdu)
        return Held(c.sock, source)
    except OSError:
        return None


def run_sockets(a):
    sources = a.sources.split(",")
    live = []
    opened = refused = closed = 0
    longest = 0.0
    held_max = held_max_host = 0
    last_open = {s: 0.0 for s in sources}
    t_end = time.monotonic() + a.duration
    n = 0
    while time.monotonic() < t_end:
        # top up each source, at most one new connection per source every
        # 20 ms once the first round is open (a steady, not a CPU-bound, load)
        for s in sources:
            have = sum(1 for h in live if h.source == s)
            while have < a.per_source and time.monotonic() < t_end:
                if opened >= len(sources) * a.per_source and \
                        time.monotonic() - last_open[s] < 0.02:
                    break
                n += 1
                h = open_one(a, s, n)
                last_open[s] = time.monotonic()
                if h is None:
                    refused += 1
                    break
                opened += 1
                live.append(h)
                have += 1
        # the target's closes
        r, _, _ = select.select([h.sock for h in live], [], [], 0.1)
        gone = set()
        for sk in r:
            try:
                data = sk.recv(65536)
            except OSError:
                data = b""
            if not data:
                gone.add(sk)
        now = time.monotonic()
        for h in [h for h in live if h.sock in gone]:
            longest = max(longest, now - h.t0)
            closed += 1
            h.sock.close()
            live.remove(h)
        held = [h for h in live if now - h.t0 >= a.held_after]
        held_max = max(held_max, len(held))
        for s in sources:
            held_max_host = max(held_max_host, sum(1 for h in held if h.source == s))
    now = time.monotonic()
    for h in live:
        longest = max(longest, now - h.t0)
        h.sock.close()
    print("RESULT opened=%d refused=%d held_max=%d held_max_host=%d longest=%.1f closed=%d" %
          (opened, refused, held_max, held_max_host, longest, closed), flush=True)
    return 0


def sendtargets(c):
    c.send(c.ffp_pdu(OP_TEXT, data=b"SendTargets=All\0"))
    while True:
        bhs, _ = c.recv_pdu(10)
        if bhs[0] & 0x3F != OP_TEXT_RSP:
            raise Fail("SendTargets: got opcode 0x%02x" % bhs[0])
        if not bhs[1] & F_C:
            return
        c.send(c.ffp_pdu(OP_TEXT, ttt=struct.unpack(">I", bhs[20:24])[0]))


def run_discovery(a):
    sources = a.sources.split(",")
    ok, statuses = [], {}
    per = {s: 0 for s in sources}
    refused = 0
    n = 0
    for s in sources:
        for _ in range(a.per_source):
            n += 1
            try:
                c = Conn(env_for(a, s), b"\x80\xac" + n.to_bytes(4, "big"))
            except OSError as e:
                statuses[type(e).__name__] = statuses.get(type(e).__name__, 0) + 1
                refused += 1
                continue
            try:
                c.login_none(discovery=True)
                sendtargets(c)
                c.last = time.monotonic()
                ok.append(c)
                per[s] += 1
            except (Fail, Closed, Timeout, OSError) as e:
                m = str(e)
                k = m.split(": ")[-1] if "refused" in m else type(e).__name__
                statuses[k] = statuses.get(k, 0) + 1
                refused += 1
                c.close()
    closed, idle_max = 0, 0.0
    t_end = time.monotonic() + a.hold
    live = {c.sock: c for c in ok}
    while live and time.monotonic() < t_end:
        r, _, _ = select.select(list(live), [], [], 0.2)
        for sk in r:
            try:
                data = sk.recv(65536)
            except OSError:
                data = b""
            if not data:
                c = live.pop(sk)
                idle_max = max(idle_max, time.monotonic() - c.last)
                closed += 1
                c.close()
    for c in live.values():
        c.close()
    print("RESULT ok=%d ok_max_host=%d refused=%d statuses=%s closed=%d idle_max=%.1f "
          "still_open=%d" % (len(ok), max(per.values()), refused,
                             ",".join("%s:%d" % kv for kv in sorted(statuses.items())) or "-",
                             closed, idle_max, len(live)), flush=True)
    return 0


def run_refusals(a):
    sources = a.sources.split(",")
    refused = disc_ok = errors = 0
    for i in range(a.count):
        e = env_for(a, sources[i % len(sources)])
        try:
            c = Conn(e, b"\x80\xad" + i.to_bytes(4, "big"))
            try:
                c.login_none(target=a.target + "-no-such-target")
                errors += 1
            except Fail:
                refused += 1
            except (Closed, Timeout):
                refused += 1
            c.close()
            c = Conn(e, b"\x80\xae" + i.to_bytes(4, "big"))
            c.login_none(discovery=True)
            logout(c, 10)
            disc_ok += 1
            c.close()
        except (Fail, Closed, Timeout, OSError, socket.timeout):
            errors += 1
    print("RESULT refused=%d disc_ok=%d errors=%d" % (refused, disc_ok, errors), flush=True)
    return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["sockets", "discovery", "refusals"])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=3260)
    p.add_argument("--sources", default="127.0.0.2")
    p.add_argument("--initiator", default="iqn.1994-05.com.redhat:client1")
    p.add_argument("--target", default="")
    p.add_argument("--per-source", type=int, default=8)
    p.add_argument("--kind", choices=["silent", "partial", "first"], default="silent")
    p.add_argument("--duration", type=float, default=20)
    p.add_argument("--held-after", type=float, default=2.5)
    p.add_argument("--hold", type=float, default=20)
    p.add_argument("--count", type=int, default=50)
    a = p.parse_args()
    return {"sockets": run_sockets, "discovery": run_discovery,
            "refusals": run_refusals}[a.mode](a)
