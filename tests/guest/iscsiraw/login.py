# SPDX-License-Identifier: GPL-2.0
"""Hand-built iSCSI login PDUs (RFC 7143) for the VM tests: one login,
or a stalled one, exactly as asked, including what no real initiator
sends, and what the target answered.

  iscsi-raw.py login [options]   one login; prints "status 0xCCDD" of the
                                 last Login Response (0x0000 on success),
                                 "tsih N" ("status closed" if the target
                                 closed the connection without a Login
                                 Response); exit 0 iff the login reached
                                 Full Feature Phase.  Options:
      --host H --port P          default 127.0.0.1 3260
      --initiator IQN            InitiatorName (--no-initiator: omit it)
      --target IQN               TargetName (--no-target: omit it)
      --session-type T           default Normal (--no-session-type: omit)
      --isid HEX                 6-byte ISID, default 400001000001
      --version-max N --version-min N   default 0 0
      --tsih N --cid N           TSIH and CID of the requests (default 0 0:
                                 a new session; a TSIH joins a session)
      --max-connections N        MaxConnections offered (default 1)
      --key K=V                  operational key to offer (repeatable),
                                 in this order, before the default keys
                                 it does not name; the first one of a K
                                 wins
      --omit K                   do not offer operational key K (repeatable)
      --print-keys               print every key the target answered or
                                 declared, "key K=V", in arrival order
      --outcome                  print "neg K=V" for each operational key
                                 offered: the answer, or the offer where
                                 RFC 7143 6.2.2 makes the answer optional
                                 (OR with Yes, AND with No); then "decl
                                 K=V" for MaxRecvDataSegmentLength,
                                 TargetAlias, TargetPortalGroupTag as the
                                 target declared them ("-" for none)
      --no-security              start in the operational stage, names and
                                 operational keys in the first request
                                 (as libiscsi does without CHAP)
      --chap USER:SECRET         offer AuthMethod=CHAP and answer the
                                 challenge (MD5) with SECRET
      --hold SEC                 after a successful login keep the
                                 connection (answering NOP-Ins) until the
                                 target closes it ("eof after S s", exit
                                 0), --release FILE appears or SEC pass
                                 (then Logout: "logout response N", exit 0;
                                 exit 3 if the target never closed it and
                                 --expect-eof was given)
      --ready FILE               touch FILE once logged in (with --hold)
      --ping SEC                 while holding, send an immediate NOP-Out
                                 (with an ITT: the target answers) every
                                 SEC seconds; prints "pings N answered M"
      --sendtargets              once logged in, ask SendTargets=All and
                                 print each key=value answered on a line
                                 "st key=value", then log out
  iscsi-raw.py stall [options]   connect, send --send-bytes N bytes of
                                 a Login request header (after --first-pdu:
                                 one complete first Login request with T=0
                                 before it) and wait up to --wait SEC for
                                 the target to close: prints "closed after S
                                 s" (exit 0) or "open after S s" (exit 1);
                                 --ready FILE: touched once stalled.
"""
import argparse
import base64
import os
import select
import struct
import sys
import time

from .conn import OPERATIONAL, Conn, chap_md5
from .pdu import (F_C, F_T, OP_LOGOUT, OP_LOGOUT_RSP, OP_NOP_IN, OP_NOP_OUT, OP_TEXT,
                  OP_TEXT_RSP, RSV, Closed, Fail, Timeout, u32)

ITT = 0x1000
PING_ITT = 0x10000  # NOP-Out pings of --hold --ping: 0x10001...
# RFC 7143 13.10, 13.11, 13.18, 13.19, 13.25: result functions OR and AND.
OR_KEYS = ("InitialR2T", "DataPDUInOrder", "DataSequenceInOrder")
AND_KEYS = ("ImmediateData", "IFMarker", "OFMarker")
WAIT = 10  # seconds for each answer


class Login:
    """The login of the command line: every request with its ISID, TSIH,
    CID, versions, and ITT 0x1000."""

    def __init__(self, a):
        self.a = a
        a.bound_post = WAIT
        self.c = Conn(a, bytes.fromhex(a.isid))
        self.tsih = 0
        self.answers = []  # (key, value) of every Login Response

    def login_pdu(self, csg, nsg, transit, keys):
        a = self.a
        return self.c.login_pdu(csg, nsg, transit, False, keys, vmax=a.version_max,
                                vmin=a.version_min, tsih=a.tsih, itt=ITT, cid=a.cid)

    def exchange(self, csg, nsg, transit, keys):
        """One Login request (the rest of a C-bit answer asked for with
        empty ones); returns (status, transit, nsg, keys)."""
        st, flags, got, bhs = self.c.exchange(
            self.login_pdu(csg, nsg, transit, keys), WAIT,
            rest=lambda bhs: self.login_pdu(csg, nsg, transit, []))
        self.tsih = struct.unpack_from(">H", bhs, 14)[0]
        self.answers += list(got.items())
        return st, bool(flags & F_T), flags & 3, got

    def first_keys(self):
        a = self.a
        keys = []
        if not a.no_initiator:
            keys.append(("InitiatorName", a.initiator))
        if not a.no_session_type:
            keys.append(("SessionType", a.session_type))
        if not a.no_target and a.session_type == "Normal":
            keys.append(("TargetName", a.target))
        return keys

    def security(self):
        """Security stage; returns a non-zero status on failure, else 0."""
        a = self.a
        keys = self.first_keys()
        if not a.chap:
            keys.append(("AuthMethod", "None"))
            st, t, _, got = self.exchange(0, 1, True, keys)
            if st:
                return st
            for _ in range(3):  # target not ready to transit yet
                if t:
                    return 0
                st, t, _, got = self.exchange(0, 1, True, [])
                if st:
                    return st
            raise RuntimeError("target never transited from security: %r" % got)
        user, secret = a.chap.split(":", 1)
        keys.append(("AuthMethod", "CHAP"))
        st, _, _, got = self.exchange(0, 1, False, keys)
        if st:
            return st
        if got.get("AuthMethod") != "CHAP":
            raise RuntimeError("target chose AuthMethod=%s" % got.get("AuthMethod"))
        st, _, _, got = self.exchange(0, 1, False, [("CHAP_A", "5")])
        if st:
            return st
        ident = int(got["CHAP_I"])
        chal = got["CHAP_C"]
        chal = bytes.fromhex(chal[2:]) if chal[:2] in ("0x", "0X") else \
            base64.b64decode(chal[2:])
        st, t, _, got = self.exchange(0, 1, True, [("CHAP_N", user),
                                                   ("CHAP_R", chap_md5(ident, secret, chal))])
        if st:
            return st
        if not t:
            raise RuntimeError("no transit after CHAP: %r" % got)
        return 0

    def operational(self, first=()):
        a = self.a
        # --key values first, in their order, then the defaults of the
        # keys they did not name.
        keys, named = [], []
        for kv in a.key:
            k, v = kv.split("=", 1)
            if k not in named:  # the first --key K=V wins
                keys.append((k, v))
                named.append(k)
        keys += [(k, str(a.max_connections) if k == "MaxConnections" else v)
                 for k, v in OPERATIONAL if k not in named]
        keys = [(k, v) for k, v in keys if k not in a.omit]
        self.offered = keys
        st, t, nsg, got = self.exchange(1, 3, True, list(first) + keys)
        for _ in range(3):
            if st or (t and nsg == 3):
                return st
            st, t, nsg, got = self.exchange(1, 3, True, [])
        raise RuntimeError("target never transited to full feature phase: %r" % got)

    def run(self):
        if self.a.no_security:
            return self.operational(self.first_keys())
        st = self.security()
        if not st:
            st = self.operational()
        return st

    def use_digests(self):
        """Full Feature Phase PDUs with the digests agreed."""
        got = dict(self.answers)
        self.c.hd = got.get("HeaderDigest") == "CRC32C"
        self.c.dd = got.get("DataDigest") == "CRC32C"

    def outcome(self):
        """The negotiated value of each key offered (see --outcome)."""
        got = dict(self.answers)
        out = []
        for k, v in self.offered:
            if k == "MaxRecvDataSegmentLength":
                continue
            if k in got:
                out.append(("neg", k, got[k]))
            elif (k in OR_KEYS and v == "Yes") or (k in AND_KEYS and v == "No"):
                out.append(("neg", k, v))
            else:
                out.append(("neg", k, "(no answer)"))
        for k in ("MaxRecvDataSegmentLength", "TargetAlias", "TargetPortalGroupTag"):
            out.append(("decl", k, got.get(k, "-")))
        return out

    def nop_reply(self, bhs):
        if u32(bhs, 20) == RSV:
            return
        self.c.statsn = u32(bhs, 24) + 1
        self.c.send(self.c.nop_answer(bhs))

    def logout(self):
        self.c.send(self.c.ffp_pdu(OP_LOGOUT, flags=0x80, itt=ITT + 1, ttt=0))
        while True:
            bhs, _ = self.c.recv_pdu(WAIT)
            if bhs[0] & 0x3F == OP_LOGOUT_RSP:
                return bhs[2]
            if bhs[0] & 0x3F == OP_NOP_IN:
                self.nop_reply(bhs)

    def sendtargets(self):
        """SendTargets=All; returns the answer's key=value strings."""
        self.c.send(self.c.ffp_pdu(OP_TEXT, itt=ITT + 2, data=b"SendTargets=All\0"))
        data = b""
        while True:
            bhs, seg = self.c.recv_pdu(WAIT)
            if bhs[0] & 0x3F == OP_NOP_IN:
                self.nop_reply(bhs)
                continue
            if bhs[0] & 0x3F != OP_TEXT_RSP:
                raise Fail("SendTargets: got opcode 0x%02x" % bhs[0])
            self.c.statsn = u32(bhs, 24) + 1
            data += seg
            if not bhs[1] & F_C:
                break
            self.c.send(self.c.ffp_pdu(OP_TEXT, itt=ITT + 2, ttt=u32(bhs, 20)))
        return [kv.decode() for kv in data.split(b"\0") if kv]

    def hold(self, seconds, release, ready):
        if ready:
            open(ready, "w").close()
        start = time.monotonic()
        ping = self.a.ping
        next_ping = start + ping if ping else None
        pings = answered = 0
        while time.monotonic() - start < seconds:
            if release and os.path.exists(release):
                break
            if next_ping and time.monotonic() >= next_ping:
                pings += 1
                self.c.send(self.c.ffp_pdu(OP_NOP_OUT, itt=PING_ITT + (pings & 0xFFFF)))
                next_ping += ping
            r, _, _ = select.select([self.c.sock], [], [], min(0.2, ping or 0.2))
            if not r:
                continue
            try:
                bhs, _ = self.c.recv_pdu(WAIT)
            except Closed:
                print("eof after %.1f s" % (time.monotonic() - start))
                return 0
            if bhs[0] & 0x3F == OP_NOP_IN:
                if (u32(bhs, 16) & ~0xFFFF) == PING_ITT:
                    answered += 1
                self.nop_reply(bhs)
        if ping:
            print("pings %d answered %d" % (pings, answered))
        try:
            print("logout response %d" % self.logout())
        except Closed:
            print("eof at logout")
        return 3 if self.a.expect_eof else 0


def cmd_login(a):
    lg = Login(a)
    try:
        st = lg.run()
    except (Closed, ConnectionError) as e:
        print("closed by target during login (%s)" % type(e).__name__)
        print("status closed")
        return 2
    if a.print_keys:
        for k, v in lg.answers:
            print("key %s=%s" % (k, v))
    if a.outcome and not st:
        for what, k, v in lg.outcome():
            print("%s %s=%s" % (what, k, v))
    print("status 0x%04x" % st)
    print("tsih %d" % lg.tsih)
    sys.stdout.flush()
    if st:
        return 1
    lg.use_digests()
    if a.sendtargets:
        for kv in lg.sendtargets():
            print("st " + kv)
        print("logout response %d" % lg.logout())
        return 0
    if a.hold:
        return lg.hold(a.hold, a.release, a.ready)
    return 0


def cmd_stall(a):
    lg = Login(a)
    if a.first_pdu:
        keys = lg.first_keys() + [("AuthMethod", "None")]
        st, _, _, _ = lg.exchange(0, 1, False, keys)
        if st:
            print("first login request refused: status 0x%04x" % st)
            return 2
    pdu = lg.login_pdu(0, 1, False, [])
    lg.c.sock.sendall(pdu[:a.send_bytes])
    start = time.monotonic()
    if a.ready:
        open(a.ready, "w").close()
    lg.c.sock.settimeout(None)
    while True:
        left = a.wait - (time.monotonic() - start)
        if left <= 0:
            print("open after %.1f s" % (time.monotonic() - start))
            return 1
        r, _, _ = select.select([lg.c.sock], [], [], left)
        if r:
            try:
                if lg.c.sock.recv(4096):
                    continue  # a (reject) PDU: keep waiting for the close
            except ConnectionError:
                pass
            print("closed after %.1f s" % (time.monotonic() - start))
            return 0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("cmd", choices=["login", "stall"])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=3260)
    p.add_argument("--initiator", default="iqn.1994-05.com.redhat:client1")
    p.add_argument("--no-initiator", action="store_true")
    p.add_argument("--target", default="")
    p.add_argument("--no-target", action="store_true")
    p.add_argument("--session-type", default="Normal")
    p.add_argument("--no-session-type", action="store_true")
    p.add_argument("--isid", default="400001000001")
    p.add_argument("--version-max", type=int, default=0)
    p.add_argument("--version-min", type=int, default=0)
    p.add_argument("--tsih", type=int, default=0)
    p.add_argument("--cid", type=int, default=0)
    p.add_argument("--max-connections", type=int, default=1)
    p.add_argument("--key", action="append", default=[])
    p.add_argument("--omit", action="append", default=[])
    p.add_argument("--print-keys", action="store_true")
    p.add_argument("--outcome", action="store_true")
    p.add_argument("--no-security", action="store_true")
    p.add_argument("--chap")
    p.add_argument("--hold", type=float, default=0)
    p.add_argument("--release")
    p.add_argument("--ready")
    p.add_argument("--ping", type=float, default=0)
    p.add_argument("--expect-eof", action="store_true")
    p.add_argument("--send-bytes", type=int, default=20)
    p.add_argument("--first-pdu", action="store_true")
    p.add_argument("--wait", type=float, default=30)
    p.add_argument("--sendtargets", action="store_true")
    a = p.parse_args()
    try:
        return cmd_login(a) if a.cmd == "login" else cmd_stall(a)
    except Closed:
        print("error: connection closed by the target")
        return 2
    except (OSError, RuntimeError, KeyError, ValueError, Fail, Timeout) as e:
        print("error: %s: %s" % (type(e).__name__, e))
        return 4
