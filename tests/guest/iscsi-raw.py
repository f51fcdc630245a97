#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hand-built iSCSI login PDUs (RFC 7143) for the VM tests: a raw client
that sends exactly what a test asks, including what no real initiator
sends, and reports what the target answered.

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
  iscsi-raw.py stall [options]   connect, send --send-bytes N bytes of
                                 a Login request header (after --first-pdu:
                                 one complete first Login request with T=0
                                 before it) and wait up to --wait SEC for
                                 the target to close: prints "closed after S
                                 s" (exit 0) or "open after S s" (exit 1);
                                 --ready FILE: touched once stalled.
"""
import argparse
import hashlib
import os
import select
import socket
import struct
import sys
import time

OP_LOGIN_REQ = 0x03
OP_LOGIN_RSP = 0x23
OP_NOP_OUT = 0x00
OP_NOP_IN = 0x20
OP_LOGOUT_REQ = 0x06
OP_LOGOUT_RSP = 0x26
OP_REJECT = 0x3F
IMMEDIATE = 0x40
F_TRANSIT = 0x80
F_CONTINUE = 0x40
ITT = 0x1000

OPERATIONAL = [
    ("HeaderDigest", "None"), ("DataDigest", "None"),
    ("ErrorRecoveryLevel", "0"), ("InitialR2T", "Yes"),
    ("ImmediateData", "Yes"), ("MaxBurstLength", "262144"),
    ("FirstBurstLength", "65536"), ("MaxConnections", "1"),
    ("DataPDUInOrder", "Yes"), ("DataSequenceInOrder", "Yes"),
    ("DefaultTime2Wait", "2"), ("DefaultTime2Retain", "0"),
    ("MaxOutstandingR2T", "1"), ("MaxRecvDataSegmentLength", "262144"),
    ("IFMarker", "No"), ("OFMarker", "No"),
]


class Closed(Exception):
    pass


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def keys_bytes(keys):
    return b"".join(("%s=%s" % kv).encode() + b"\0" for kv in keys)


def parse_keys(data):
    out = {}
    for item in data.split(b"\0"):
        if b"=" in item:
            k, v = item.split(b"=", 1)
            out[k.decode(errors="replace")] = v.decode(errors="replace")
    return out


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise Closed()
        buf += chunk
    return buf


def recv_pdu(sock):
    bhs = recv_exact(sock, 48)
    ahs = bhs[4] * 4
    dlen = struct.unpack(">I", b"\0" + bhs[5:8])[0]
    rest = recv_exact(sock, ahs + dlen + (-dlen % 4))
    return bhs, rest[ahs:ahs + dlen]


class Login:
    def __init__(self, a):
        self.a = a
        self.isid = bytes.fromhex(a.isid)
        self.cmdsn = 1
        self.statsn = None
        self.tsih = 0
        self.sock = socket.create_connection((a.host, a.port), timeout=10)

    def login_pdu(self, csg, nsg, transit, keys, vmax=None, vmin=None):
        a = self.a
        flags = (csg << 2) | nsg | (F_TRANSIT if transit else 0)
        data = keys_bytes(keys)
        bhs = struct.pack(
            ">BBBBB3s6sHIHHII16s",
            IMMEDIATE | OP_LOGIN_REQ, flags,
            a.version_max if vmax is None else vmax,
            a.version_min if vmin is None else vmin,
            0, struct.pack(">I", len(data))[1:], self.isid, a.tsih, ITT,
            a.cid, 0,
            self.cmdsn, 0 if self.statsn is None else self.statsn + 1,
            b"\0" * 16)
        return bhs + pad4(data)

    def exchange(self, csg, nsg, transit, keys):
        """One Login request; returns (status, transit, nsg, keys)."""
        self.sock.sendall(self.login_pdu(csg, nsg, transit, keys))
        data = b""
        while True:
            bhs, seg = recv_pdu(self.sock)
            op = bhs[0] & 0x3F
            if op != OP_LOGIN_RSP:
                raise RuntimeError("expected a Login Response, got opcode 0x%02x" % op)
            data += seg
            self.statsn = struct.unpack(">I", bhs[24:28])[0]
            self.tsih = struct.unpack(">H", bhs[14:16])[0]
            status = (bhs[36] << 8) | bhs[37]
            flags = bhs[1]
            if status or not flags & F_CONTINUE:
                break
            # C bit: ask for the rest with an empty request
            self.sock.sendall(self.login_pdu(csg, nsg, transit, []))
        return status, bool(flags & F_TRANSIT), flags & 3, parse_keys(data)

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
            __import__("base64").b64decode(chal[2:])
        resp = hashlib.md5(bytes([ident]) + secret.encode() + chal).hexdigest()
        st, t, _, got = self.exchange(0, 1, True, [("CHAP_N", user), ("CHAP_R", "0x" + resp)])
        if st:
            return st
        if not t:
            raise RuntimeError("no transit after CHAP: %r" % got)
        return 0

    def operational(self):
        keys = [(k, str(self.a.max_connections) if k == "MaxConnections" else v)
                for k, v in OPERATIONAL]
        st, t, nsg, got = self.exchange(1, 3, True, keys)
        for _ in range(3):
            if st or (t and nsg == 3):
                return st
            st, t, nsg, got = self.exchange(1, 3, True, [])
        raise RuntimeError("target never transited to full feature phase: %r" % got)

    def run(self):
        st = self.security()
        if not st:
            st = self.operational()
        return st

    def nop_reply(self, bhs):
        ttt = bhs[20:24]
        if ttt == b"\xff\xff\xff\xff":
            return
        self.statsn = struct.unpack(">I", bhs[24:28])[0]
        pdu = struct.pack(">BB2xI8sI4sII16s", IMMEDIATE | OP_NOP_OUT, 0x80, 0,
                          bhs[8:16], 0xFFFFFFFF, ttt, self.cmdsn,
                          self.statsn + 1, b"\0" * 16)
        self.sock.sendall(pdu)

    def logout(self):
        pdu = struct.pack(">BB2xI8sIH2xII16s", IMMEDIATE | OP_LOGOUT_REQ, 0x80, 0,
                          b"\0" * 8, ITT + 1, 0, self.cmdsn,
                          (self.statsn or 0) + 1, b"\0" * 16)
        self.sock.sendall(pdu)
        while True:
            bhs, _ = recv_pdu(self.sock)
            if bhs[0] & 0x3F == OP_LOGOUT_RSP:
                return bhs[2]
            if bhs[0] & 0x3F == OP_NOP_IN:
                self.nop_reply(bhs)

    def hold(self, seconds, release, ready):
        if ready:
            open(ready, "w").close()
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            if release and os.path.exists(release):
                break
            r, _, _ = select.select([self.sock], [], [], 0.2)
            if not r:
                continue
            try:
                bhs, _ = recv_pdu(self.sock)
            except (Closed, ConnectionError):
                print("eof after %.1f s" % (time.monotonic() - start))
                return 0
            if bhs[0] & 0x3F == OP_NOP_IN:
                self.nop_reply(bhs)
        try:
            print("logout response %d" % self.logout())
        except (Closed, ConnectionError):
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
    print("status 0x%04x" % st)
    print("tsih %d" % lg.tsih)
    sys.stdout.flush()
    if st:
        return 1
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
    lg.sock.sendall(pdu[:a.send_bytes])
    start = time.monotonic()
    if a.ready:
        open(a.ready, "w").close()
    lg.sock.settimeout(None)
    while True:
        left = a.wait - (time.monotonic() - start)
        if left <= 0:
            print("open after %.1f s" % (time.monotonic() - start))
            return 1
        r, _, _ = select.select([lg.sock], [], [], left)
        if r:
            try:
                if lg.sock.recv(4096):
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
    p.add_argument("--chap")
    p.add_argument("--hold", type=float, default=0)
    p.add_argument("--release")
    p.add_argument("--ready")
    p.add_argument("--expect-eof", action="store_true")
    p.add_argument("--send-bytes", type=int, default=20)
    p.add_argument("--first-pdu", action="store_true")
    p.add_argument("--wait", type=float, default=30)
    a = p.parse_args()
    try:
        return cmd_login(a) if a.cmd == "login" else cmd_stall(a)
    except Closed:
        print("error: connection closed by the target")
        return 2
    except (OSError, RuntimeError, KeyError, ValueError) as e:
        print("error: %s: %s" % (type(e).__name__, e))
        return 4


if __name__ == "__main__":
    sys.exit(main())
