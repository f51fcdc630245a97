#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Adversarial iSCSI login client for tests/vm/55-login-fuzz.sh.

Runs deterministic (seeded) cases against a target, each with a bounded
wait, and checks that bad input gets a proper refusal: a Login Response
with a non-zero Status-Class (then the connection closes), a Reject PDU in
Full Feature Phase, or a closed connection; never silence past the login
timeout. Controls (the same paths with valid input) must succeed, so that
a target that refuses everything fails.

Category "data" needs LUN 0 (16 MiB or more, blocks of 512) mapped for
the initiator on the None target, whose param/InitialR2T is No and
param/MaxOutstandingR2T 4: SCSI commands, well-formed and not, each
answer checked field by field; LUN RESET runs alone after the others.

  iscsi-fuzz.py [options]
      --host H --port P        default 127.0.0.1 3260
      --initiator IQN          the initiator name in both ACLs
      --t-none IQN             target whose TPG has AuthMethod None
      --t-chap IQN             target whose TPG requires (mutual) CHAP
      --chap U:S:MU:MS         its credentials (user, secret, mutual ones)
      --bound-pre SEC          longest wait for a close before the target
                               is known (zcit: 15 s default timeout + slack)
      --bound-post SEC         the same once it is (attrib/login_timeout
                               + slack)
      --seed N --mutations N --parallel N --workers N
      --only CAT[,CAT]         run these categories only
      --login none|chap        just one normal login (mutual CHAP on the
                               CHAP target) and logout: exit 0 iff it works
      --events                 only the "events" cases, one at a time: NOP-In
                               pings, Async logout on TPG disable and portal
                               removal, against --events-target (AuthMethod
                               None, LUN 0, ACL with nopin_timeout --nopin
                               and nopin_response_timeout --nopin-rsp, its
                               only portal on --host:--events-port, its TPG
                               directory --events-tpg)

Prints "CASE <cat> <name> PASS|FAIL <seconds> <detail>" per case and
"CATEGORY <cat> <passed> <failed> <first failure>" per category; exit 0
iff every case passed.
"""
import argparse
import concurrent.futures
import hashlib
import importlib.util
import os
import random
import select
import socket
import struct
import sys
import threading
import time
import traceback

OP_NOP_OUT, OP_SCSI_CMD, OP_TMF, OP_LOGIN, OP_TEXT, OP_DATA_OUT, OP_LOGOUT = \
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06
OP_SNACK = 0x10
OP_NOP_IN, OP_LOGIN_RSP, OP_TEXT_RSP, OP_LOGOUT_RSP, OP_REJECT = \
    0x20, 0x23, 0x24, 0x26, 0x3F
IMM = 0x40
F_T = 0x80  # Login: Transit; others: Final
F_C = 0x40
RSV = 0xFFFFFFFF

# The valid login keys and the data-segment helpers are iscsi-raw.py's.
_spec = importlib.util.spec_from_file_location(
    "iscsi_raw", os.path.join(os.path.dirname(os.path.abspath(__file__)), "iscsi-raw.py"))
_raw = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_raw)
OPERATIONAL = _raw.OPERATIONAL
pad4 = _raw.pad4
parse_keys = _raw.parse_keys


def _crc32c_table():
    t = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t.append(c)
    return t


CRC_T = _crc32c_table()


def crc32c(b):
    c = 0xFFFFFFFF
    for x in b:
        c = CRC_T[(c ^ x) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def digest(b):
    return struct.pack("<I", crc32c(b))


def kv(keys):
    """[(k, v)] or bytes -> data segment bytes"""
    if isinstance(keys, (bytes, bytearray)):
        return bytes(keys)
    return b"".join((k if isinstance(k, bytes) else k.encode()) + b"=" +
                    (v if isinstance(v, bytes) else v.encode()) + b"\0"
                    for k, v in keys)


class Closed(Exception):
    pass


class Timeout(Exception):
    pass


class Fail(Exception):
    """The case failed: the message says why."""


def dsl_of(bhs):
    return struct.unpack(">I", b"\0" + bhs[5:8])[0]


def status_of(bhs):
    return (bhs[36] << 8) | bhs[37]


class Conn:
    """One TCP connection with PDU helpers and a deadline-bound reader."""

    def __init__(self, env, isid):
        self.env = env
        self.isid = isid
        self.sock = socket.create_connection((env.host, env.port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.t0 = time.monotonic()
        self.buf = b""
        self.eof = False
        self.hd = False  # header digests, both ways
        self.dd = False  # data digests, both ways
        self.cmdsn = 1
        self.statsn = 0
        self.tsih = 0
        self.cid = 1
        self.itt = 0x100
        self.mrdsl = 8192  # what the target receives (its declaration)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, b):
        """Send; a connection the target closed is not an error here."""
        try:
            self.sock.sendall(b)
            return True
        except OSError:
            return False

    def _fill(self, n, deadline):
        while len(self.buf) < n:
            if self.eof:
                raise Closed()
            left = deadline - time.monotonic()
            if left <= 0:
                raise Timeout()
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                raise Timeout()
            try:
                chunk = self.sock.recv(65536)
            except ConnectionError:
                chunk = b""
            if not chunk:
                self.eof = True
                raise Closed()
            self.buf += chunk

    def recv_pdu(self, secs):
        deadline = time.monotonic() + secs
        self._fill(48, deadline)
        bhs = self.buf[:48]
        hl = 48 + bhs[4] * 4 + (4 if self.hd else 0)
        dlen = dsl_of(bhs)
        dend = hl + dlen + (-dlen % 4)
        total = dend + (4 if self.dd and dlen else 0)
        self._fill(total, deadline)
        pdu, self.buf = self.buf[:total], self.buf[total:]
        if self.hd and pdu[hl - 4:hl] != digest(pdu[:hl - 4]):
            raise Fail("target's header digest is wrong")
        if total > dend and pdu[dend:total] != digest(pdu[hl:dend]):
            raise Fail("target's data digest is wrong (opcode 0x%02x)" % bhs[0])
        return bhs, pdu[hl:hl + dlen]

    def wait_close(self, secs):
        """True if the target closes within secs (other PDUs are skipped)."""
        deadline = time.monotonic() + secs
        try:
            while True:
                self.recv_pdu(max(0.01, deadline - time.monotonic()))
        except Closed:
            return True
        except Timeout:
            return False

    # ---- PDU builders ----

    def login_pdu(self, csg, nsg, t=False, c=False, keys=b"", **o):
        data = kv(keys)
        flags = o.get("flags", (csg << 2) | nsg | (F_T if t else 0) | (F_C if c else 0))
        dsl = o.get("dsl", len(data))
        bhs = struct.pack(
            ">BBBBB3s6sHIHHII16s",
            o.get("opcode", IMM | OP_LOGIN), flags, o.get("vmax", 0), o.get("vmin", 0),
            o.get("ahs", 0), struct.pack(">I", dsl)[1:], o.get("isid", self.isid),
            o.get("tsih", self.tsih), o.get("itt", self.itt), o.get("cid", self.cid), 0,
            o.get("cmdsn", self.cmdsn), o.get("expstatsn", self.statsn), b"\0" * 16)
        return bhs + pad4(data)

    def ffp_pdu(self, opcode, flags=F_T, data=b"", ttt=RSV, dsl=None, itt=None,
                imm=True, lun=b"\0" * 8, extra=None):
        """A Full Feature Phase PDU (NOP-Out, Text, Logout, anything)."""
        self.itt += 1
        b = struct.pack(">BBxxB3s8sIIII16s",
                        opcode | (IMM if imm else 0), flags, 0,
                        struct.pack(">I", len(data) if dsl is None else dsl)[1:], lun,
                        self.itt if itt is None else itt, ttt, self.cmdsn,
                        self.statsn, b"\0" * 16)
        if extra:
            b = extra(b)
        if self.hd:
            b += digest(b)
        return b + pad4(data)

    # ---- login exchanges ----

    def exchange(self, pdu, secs=None):
        """Send a Login Request; return (status, flags, keys, bhs) of the
        answer (the rest of a C-bit answer collected)."""
        secs = secs or self.env.bound_post
        self.send(pdu)
        data = b""
        while True:
            bhs, seg = self.recv_pdu(secs)
            if bhs[0] & 0x3F != OP_LOGIN_RSP:
                raise Fail("expected a Login Response, got opcode 0x%02x" % bhs[0])
            data += seg
            self.statsn = struct.unpack(">I", bhs[24:28])[0] + 1
            self.exp_max = struct.unpack(">II", bhs[28:36])
            st = status_of(bhs)
            if st:
                return st, bhs[1], {}, bhs
            self.tsih = struct.unpack(">H", bhs[14:16])[0]
            if not bhs[1] & F_C:
                return st, bhs[1], parse_keys(data), bhs
            csg = (bhs[1] >> 2) & 3
            self.send(self.login_pdu(csg, 0))

    def first_keys(self, target, discovery=False):
        ks = [("InitiatorName", self.env.initiator)]
        if discovery:
            ks.append(("SessionType", "Discovery"))
        else:
            ks += [("SessionType", "Normal"), ("TargetName", target)]
        return ks

    def operational(self, keys, first=False):
        """Operational stage into Full Feature Phase."""
        st, fl, got, _ = self.exchange(self.login_pdu(1, 3, True, keys=keys))
        for _ in range(3):
            if st:
                raise Fail("operational stage refused: 0x%04x" % st)
            if fl & F_T and fl & 3 == 3:
                if "MaxRecvDataSegmentLength" in got:
                    self.mrdsl = int(got["MaxRecvDataSegmentLength"])
                self.got = got
                return got
            st, fl, got2, _ = self.exchange(self.login_pdu(1, 3, True))
            got.update(got2)
        raise Fail("no transit to Full Feature Phase: %r" % got)

    def login_none(self, target=None, discovery=False, op_keys=None):
        target = target or self.env.t_none
        return self.operational(self.first_keys(target, discovery) +
                                (op_keys or OPERATIONAL), first=True)

    def chap_start(self, target=None):
        """AuthMethod=CHAP, CHAP_A=5; returns (CHAP_I, challenge bytes)."""
        target = target or self.env.t_chap
        st, _, got, _ = self.exchange(self.login_pdu(
            0, 1, keys=self.first_keys(target) + [("AuthMethod", "CHAP")]))
        if st or got.get("AuthMethod") != "CHAP":
            raise Fail("AuthMethod=CHAP: status 0x%04x %r" % (st, got))
        st, _, got, _ = self.exchange(self.login_pdu(0, 1, keys=[("CHAP_A", "5")]))
        if st or "CHAP_C" not in got:
            raise Fail("CHAP_A=5: status 0x%04x %r" % (st, got))
        c = got["CHAP_C"]
        if c[:2] not in ("0x", "0X"):
            raise Fail("CHAP_C not hex: %r" % c)
        return int(got["CHAP_I"]), bytes.fromhex(c[2:])

    def chap_response(self, ident, chal, secret=None):
        secret = secret or self.env.chap[1]
        return "0x" + hashlib.md5(bytes([ident]) + secret.encode() + chal).hexdigest()


# ---- outcomes ----

def refusal(c, secs, what="refusal"):
    """Wait for the answer to something bad: a proper non-zero Login
    Response (followed by a close), or a close. Returns a short detail;
    raises Fail otherwise."""
    t0 = time.monotonic()
    try:
        bhs, data = c.recv_pdu(secs)
    except Closed:
        return "closed %.1fs" % (time.monotonic() - t0)
    except Timeout:
        raise Fail("hang: no answer and still open after %.1fs" % secs)
    op = bhs[0] & 0x3F
    if op != OP_LOGIN_RSP:
        raise Fail("%s: got opcode 0x%02x, not a Login Response" % (what, bhs[0]))
    st = status_of(bhs)
    if st == 0:
        raise Fail("%s: Login Response with status 0 (flags 0x%02x, keys %r)" %
                   (what, bhs[1], parse_keys(data)))
    if bhs[36] not in (1, 2, 3):
        raise Fail("bad Status-Class 0x%04x" % st)
    if not c.wait_close(secs):
        raise Fail("status 0x%04x but the connection stayed open %.1fs" % (st, secs))
    return "status 0x%04x" % st


def reject_or_close(c, secs, sent_bhs=None):
    """Full Feature Phase: a Reject PDU (carrying our header) or a close."""
    t0 = time.monotonic()
    try:
        while True:
            bhs, data = c.recv_pdu(secs)
            op = bhs[0] & 0x3F
            if op == OP_NOP_IN and struct.unpack(">I", bhs[16:20])[0] == RSV:
                continue  # a ping from the target
            break
    except Closed:
        return "closed %.1fs" % (time.monotonic() - t0)
    except Timeout:
        raise Fail("hang: no Reject and still open after %.1fs" % secs)
    if op != OP_REJECT:
        raise Fail("got opcode 0x%02x, not a Reject" % bhs[0])
    if sent_bhs is not None and data[:48] != sent_bhs[:48]:
        raise Fail("Reject does not carry the rejected header")
    return "reject 0x%02x" % bhs[2]


def ping(c, secs, size=0):
    """NOP-Out with data; the NOP-In must echo it."""
    payload = bytes((i * 7) & 0xFF for i in range(size))
    c.send(c.ffp_pdu(OP_NOP_OUT, data=payload))
    itt = c.itt
    while True:
        bhs, data = c.recv_pdu(secs)
        if bhs[0] & 0x3F == OP_NOP_IN and struct.unpack(">I", bhs[16:20])[0] == itt:
            if data != payload:
                raise Fail("NOP-In data differs (%d bytes, sent %d)" % (len(data), size))
            return "nop-in %d" % size
        if bhs[0] & 0x3F != OP_NOP_IN:
            raise Fail("ping: got opcode 0x%02x" % bhs[0])


def logout(c, secs):
    c.send(c.ffp_pdu(OP_LOGOUT, flags=F_T | 0))
    while True:
        bhs, _ = c.recv_pdu(secs)
        if bhs[0] & 0x3F == OP_LOGOUT_RSP:
            if bhs[2]:
                raise Fail("logout response %d" % bhs[2])
            return "logout ok"


# ---- the cases ----

CASES = []


def case(cat, name=None):
    def reg(fn):
        CASES.append((cat, name or fn.__name__.replace("_", "-"), fn))
        return fn
    return reg


def cases(cat, names):
    """Register one generated case per name: fn(env, conn, param)."""
    def reg(fn):
        for n, p in names:
            CASES.append((cat, n, lambda env, c, p=p, fn=fn: fn(env, c, p)))
        return fn
    return reg


# DataSegmentLength lies

@case("dsl")
def dsl_bigger_then_stall(env, c):
    data = kv(c.first_keys(env.t_none) + OPERATIONAL)
    c.send(c.login_pdu(1, 3, True, keys=data, dsl=len(data) + 400))
    return refusal(c, env.bound_pre)


@case("dsl")
def dsl_bigger_then_stall_after_resolve(env, c):
    st, _, _, _ = c.exchange(c.login_pdu(1, 3, False, keys=c.first_keys(env.t_none)))
    if st:
        raise Fail("first request refused 0x%04x" % st)
    data = kv(OPERATIONAL)
    c.send(c.login_pdu(1, 3, True, keys=data, dsl=len(data) + 1000))
    return refusal(c, env.bound_post)


@case("dsl")
def dsl_8193(env, c):
    data = kv(c.first_keys(env.t_none)) + b"\0" * 9000
    c.send(c.login_pdu(1, 3, True, keys=data[:8193], dsl=8193))
    return refusal(c, env.bound_pre)


@case("dsl")
def dsl_8193_header_only(env, c):
    c.send(c.login_pdu(1, 3, True, dsl=8193))
    return refusal(c, env.bound_pre)


@case("dsl")
def dsl_ffffff(env, c):
    data = kv(c.first_keys(env.t_none))
    c.send(c.login_pdu(1, 3, True, keys=data, dsl=0xFFFFFF) + b"A" * 20000)
    return refusal(c, env.bound_pre)


@case("dsl")
def dsl_smaller(env, c):
    # the rest of the segment is then read as the next header
    data = kv(c.first_keys(env.t_none) + OPERATIONAL)
    c.send(c.login_pdu(1, 3, True, keys=data, dsl=20))
    return refusal(c, env.bound_pre)


@case("dsl")
def dsl_control_8192(env, c):
    # the largest segment allowed in login: names, then NULs (allowed)
    data = kv(c.first_keys(env.t_none) + OPERATIONAL)
    data += b"\0" * (8192 - len(data))
    st, fl, got, _ = c.exchange(c.login_pdu(1, 3, True, keys=data))
    if st or not fl & F_T:
        raise Fail("8192-byte login segment refused: 0x%04x %r" % (st, got))
    return "ffp"


# AHS in a Login Request

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


# Opcodes during login

@cases("opcode", [("first-0x%02x" % op, op) for op in
                  (0x00, 0x01, 0x02, 0x04, 0x05, 0x06, 0x10, 0x1C, 0x23, 0x3F,
                   0x83, 0xC3, 0x80, 0xFF)])
def opcode_first(env, c, op):
    c.send(c.login_pdu(1, 3, True, keys=c.first_keys(env.t_none) + OPERATIONAL, opcode=op))
    return refusal(c, env.bound_pre)


@cases("opcode", [("during-login-0x%02x" % op, op) for op in
                  (IMM | OP_NOP_OUT, IMM | OP_TEXT, IMM | OP_LOGOUT, OP_SCSI_CMD, 0x83)])
def opcode_during_login(env, c, op):
    st, _, _, _ = c.exchange(c.login_pdu(1, 3, False, keys=c.first_keys(env.t_none)))
    if st:
        raise Fail("first request refused 0x%04x" % st)
    c.send(c.login_pdu(1, 3, True, keys=OPERATIONAL, opcode=op))
    return refusal(c, env.bound_post)


@case("opcode")
def opcode_garbage_bytes(env, c):
    c.send(bytes(random.Random(env.seed).randrange(256) for _ in range(48 * 3)))
    return refusal(c, env.bound_pre)


# Full Feature Phase: normal session on the None target, discovery session

@cases("ffp", [("login-after-ffp", 0), ("login-after-ffp-c", 1),
               ("login-after-ffp-first", 2)])
def ffp_login_again(env, c, kind):
    c.login_none()
    if kind == 0:
        pdu = c.login_pdu(1, 3, True, keys=OPERATIONAL)
    elif kind == 1:
        pdu = c.login_pdu(1, 3, False, True, b"X-a=b\0")
    else:
        c.tsih = 0
        pdu = c.login_pdu(0, 1, True, keys=c.first_keys(env.t_none))
    c.send(pdu)
    r = reject_or_close(c, env.bound_post, pdu)
    if r.startswith("reject"):
        r += ", then " + ping(c, env.bound_post, 16)
    return r


@cases("ffp", [("opcode-0x%02x" % op, op) for op in (0x1C, 0x80, 0x83, 0x3F, 0x21)])
def ffp_bad_opcode(env, c, op):
    c.login_none()
    pdu = c.ffp_pdu(op & ~IMM & 0xFF, imm=False)
    c.send(pdu)
    r = reject_or_close(c, env.bound_post, pdu)
    if r.startswith("reject"):
        r += ", then " + ping(c, env.bound_post)
    return r


@cases("ffp", [("nop-data-over-mrdsl", 1), ("nop-data-ffffff", 0xFFFFFF)])
def ffp_nop_too_big(env, c, extra):
    c.login_none()
    n = c.mrdsl + 1 if extra == 1 else extra
    c.send(c.ffp_pdu(OP_NOP_OUT, data=b"\x5a" * min(n, c.mrdsl + 64), dsl=n))
    return reject_or_close(c, env.bound_post)


@case("ffp")
def ffp_control_nop_mrdsl(env, c):
    c.login_none()
    return ping(c, env.bound_post, c.mrdsl) + ", " + logout(c, env.bound_post)


@cases("ffp", [("disc-text-no-equals", b"garbage\0"),
               ("disc-text-no-nul", b"SendTargets=All"),
               ("disc-text-long-key", b"K" * 64 + b"=1\0"),
               ("disc-text-long-value", b"SendTargets=" + b"v" * 300 + b"\0"),
               ("disc-text-binary", bytes(range(1, 256)) + b"\0"),
               ("disc-text-equals-only", b"=\0")])
def ffp_disc_text_garbage(env, c, data):
    c.login_none(discovery=True)
    pdu = c.ffp_pdu(OP_TEXT, data=data)
    c.send(pdu)
    r = reject_or_close(c, env.bound_post, pdu)
    if r.startswith("reject"):
        r += ", then " + disc_sendtargets(env, c)
    return r


def disc_sendtargets(env, c):
    c.send(c.ffp_pdu(OP_TEXT, data=b"SendTargets=All\0"))
    data = b""
    while True:
        bhs, seg = c.recv_pdu(env.bound_post)
        if bhs[0] & 0x3F != OP_TEXT_RSP:
            raise Fail("SendTargets: got opcode 0x%02x" % bhs[0])
        data += seg
        if not bhs[1] & F_C:
            break
        c.send(c.ffp_pdu(OP_TEXT, ttt=struct.unpack(">I", bhs[20:24])[0]))
    if ("TargetName=" + env.t_none).encode() not in data.split(b"\0"):
        raise Fail("SendTargets does not list %s: %r" % (env.t_none, data[:200]))
    return "sendtargets ok"


@case("ffp")
def ffp_disc_control_sendtargets(env, c):
    c.login_none(discovery=True)
    return disc_sendtargets(env, c) + ", " + logout(c, env.bound_post)


@case("ffp")
def ffp_disc_text_c_forever(env, c):
    c.login_none(discovery=True)
    piece = (b"X-kkkkkkkk=" + b"v" * 200 + b"\0") * 100
    piece = piece[:min(c.mrdsl, 8192)]
    sent = 0
    ttt = 0xFFFFFFFF
    for i in range(40):
        # RFC 7143 11.10.4: each piece after the first carries the TTT of
        # the target's acknowledgement (a piece with 0xffffffff would start
        # a new request, which the target rightly answers afresh).
        pdu = c.ffp_pdu(OP_TEXT, flags=F_C, data=piece, ttt=ttt)
        c.send(pdu)
        sent += len(piece)
        try:
            bhs, _ = c.recv_pdu(env.bound_post)
        except Closed:
            return "closed after %d bytes" % sent
        except Timeout:
            raise Fail("hang after %d bytes of a C-bit Text request" % sent)
        if bhs[0] & 0x3F == OP_REJECT:
            if sent <= 65536:
                raise Fail("Reject after only %d bytes" % sent)
            return "reject after %d bytes, then %s" % (sent, ping(c, env.bound_post))
        if bhs[0] & 0x3F != OP_TEXT_RSP:
            raise Fail("got opcode 0x%02x" % bhs[0])
        ttt = struct.unpack(">I", bhs[20:24])[0]
    raise Fail("accepted %d bytes of one Text request" % sent)


@case("ffp")
def ffp_disc_text_bad_ttt(env, c):
    c.login_none(discovery=True)
    pdu = c.ffp_pdu(OP_TEXT, ttt=0x12345)
    c.send(pdu)
    return reject_or_close(c, env.bound_post, pdu)


@case("digest")
def digest_header_crc32c(env, c):
    ops = [(k, "CRC32C") if k == "HeaderDigest" else (k, v) for k, v in OPERATIONAL]
    got = c.login_none(op_keys=ops)
    if got.get("HeaderDigest") != "CRC32C":
        raise Fail("HeaderDigest=CRC32C not negotiated: %r" % got)
    c.hd = True
    r = ping(c, env.bound_post, 8)  # control: right digests work
    pdu = c.ffp_pdu(OP_NOP_OUT)
    bad = pdu[:48] + bytes(b ^ 0xFF for b in pdu[48:52]) + pdu[52:]
    c.send(bad)
    c.hd = False  # whatever comes back, the check is closure
    try:
        c.recv_pdu(env.bound_post)
    except Closed:
        return r + ", closed on a bad digest"
    except Timeout:
        raise Fail("still open %.1fs after a bad header digest" % env.bound_post)
    raise Fail("answered a PDU with a bad header digest")


@case("digest")
def digest_in_first_login(env, c):
    # digests start after login: a digest-sized tail in login is garbage
    pdu = c.login_pdu(1, 3, True, keys=c.first_keys(env.t_none) + OPERATIONAL)
    c.send(pdu[:48] + digest(pdu[:48]) + pdu[48:])
    return refusal(c, env.bound_pre)


# C bit and T bit

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


# stage codes

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


# ISID, TSIH, CID changing mid-login

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

def key_case(env, c, data, target=None, csg=1, secs=None):
    keys = kv(c.first_keys(target or env.t_none)) + data
    if csg == 1:
        c.send(c.login_pdu(1, 3, True, keys=keys + kv(OPERATIONAL)))
    else:
        c.send(c.login_pdu(0, 1, False, keys=keys + kv([("AuthMethod", "None")])))
    return refusal(c, secs or env.bound_post)


@cases("keys", [
    ("no-equals", b"HeaderDigestNone\0"),
    ("no-nul", None),
    ("key-64", b"A" * 64 + b"=1\0"),
    ("key-64-x", b"X-" + b"a" * 62 + b"=1\0"),
    ("key-empty", b"=Yes\0"),
    ("key-bad-char", b"Header Digest=None\0"),
    ("value-256", b"X-value=" + b"v" * 256 + b"\0"),
    ("value-300-known", b"MaxConnections=" + b"1" * 300 + b"\0"),
    ("dup-headerdigest", b"HeaderDigest=None\0"),
    ("dup-initiatorname", b"InitiatorName=iqn.1994-05.com.redhat:client1\0"),
    ("dup-targetname", b"TargetName=iqn.2003-01.org.linux-iscsi.zcit:t1\0"),
    ("dup-sessiontype", b"SessionType=Normal\0"),
    ("sendtargets-in-login", b"SendTargets=All\0"),
    ("target-only-key", b"TargetAddress=1.2.3.4:3260,1\0"),
    ("tpgt-from-initiator", b"TargetPortalGroupTag=1\0"),
    ("mrdsl-garbage", b"X-pad=1\0"),  # MRDSL replaced below
    ("mrdsl-zero", b"X-pad=2\0"),
    ("bad-sessiontype", b"X-pad=3\0"),
    ("initiatorname-empty", b"X-pad=4\0"),
    ("initiatorname-long", b"X-pad=5\0"),
])
def keys_bad(env, c, data):
    name_keys = c.first_keys(env.t_none)
    ops = list(OPERATIONAL)
    if data is None:  # the last pair without its NUL
        body = kv(name_keys + ops)[:-1]
        c.send(c.login_pdu(1, 3, True, keys=body))
        return refusal(c, env.bound_post)
    if data == b"X-pad=1\0":
        ops = [(k, "12x34") if k == "MaxRecvDataSegmentLength" else (k, v) for k, v in ops]
    elif data == b"X-pad=2\0":
        ops = [(k, "0") if k == "MaxRecvDataSegmentLength" else (k, v) for k, v in ops]
    elif data == b"X-pad=3\0":
        name_keys = [(k, "Bogus") if k == "SessionType" else (k, v) for k, v in name_keys]
    elif data == b"X-pad=4\0":
        name_keys = [(k, "") if k == "InitiatorName" else (k, v) for k, v in name_keys]
    elif data == b"X-pad=5\0":
        name_keys = [(k, "iqn.1994-05.com.redhat:" + "x" * 230) if k == "InitiatorName"
                     else (k, v) for k, v in name_keys]
    if data.startswith(b"X-pad="):
        data = b""
    c.send(c.login_pdu(1, 3, True, keys=kv(name_keys) + data + kv(ops)))
    return refusal(c, env.bound_post)


@cases("keys", [("control-key-63-x", b"X-" + b"a" * 61 + b"=1\0"),
                ("control-value-255-x", b"X-value=" + b"v" * 255 + b"\0"),
                ("control-x-hash", b"X#NodeArchitecture=zcit-fuzz\0"),
                ("control-unknown-key", b"NoSuchKey=1\0")])
def keys_control(env, c, data):
    body = kv(c.first_keys(env.t_none)) + data + kv(OPERATIONAL)
    st, fl, got, _ = c.exchange(c.login_pdu(1, 3, True, keys=body))
    key = data.split(b"=", 1)[0].decode()
    if st or got.get(key) != "NotUnderstood":
        raise Fail("want %s=NotUnderstood and status 0, got 0x%04x %r" % (key, st, got))
    return "NotUnderstood"


def x_keys(n, prefix="X-k", width=5):
    return b"".join(b"%s%0*d=1\0" % (prefix.encode(), width, i) for i in range(n))


def send_split(c, csg, nsg, t, data, secs):
    """Send data over C-bit PDUs of 8192; returns the last answer's
    (status, flags, bhs) (first answer with a non-zero status)."""
    pieces = [data[i:i + 8192] for i in range(0, len(data), 8192)] or [b""]
    for i, p in enumerate(pieces):
        last = i == len(pieces) - 1
        c.send(c.login_pdu(csg, nsg, t and last, not last, p))
        bhs, seg = c.recv_pdu(secs)
        if bhs[0] & 0x3F != OP_LOGIN_RSP:
            raise Fail("got opcode 0x%02x" % bhs[0])
        st = status_of(bhs)
        if st or last:
            return st, bhs[1], bhs, seg
    raise AssertionError()


@case("keys")
def keys_thousands_x_never_collected(env, c):
    # ~1500 X- keys: a ~35 KB NotUnderstood answer in C-bit pieces
    data = kv(c.first_keys(env.t_none)) + x_keys(1500)
    st, fl, bhs, seg = send_split(c, 1, 3, True, data, env.bound_pre)
    if st:
        raise Fail("refused: 0x%04x" % st)
    if not fl & F_C or len(seg) != 8192:
        raise Fail("want a C-bit 8192-byte first piece, got flags 0x%02x, %d bytes" %
                   (fl, len(seg)))
    t0 = time.monotonic()
    if not c.wait_close(env.bound_post):
        raise Fail("answer never collected: still open after %.1fs" % env.bound_post)
    return "C-bit answer, closed %.1fs later" % (time.monotonic() - t0)


@case("keys")
def keys_thousands_x_new_data_while_collecting(env, c):
    data = kv(c.first_keys(env.t_none)) + x_keys(1500)
    st, fl, bhs, seg = send_split(c, 1, 3, True, data, env.bound_pre)
    if st or not fl & F_C:
        raise Fail("want a C-bit answer: 0x%04x flags 0x%02x" % (st, fl))
    c.send(c.login_pdu(1, 3, True, keys=OPERATIONAL))
    return refusal(c, env.bound_post)


@case("keys")
def keys_thousands_x_control_collected(env, c):
    data = kv(c.first_keys(env.t_none)) + x_keys(1500) + kv(OPERATIONAL)
    pieces = [data[i:i + 8192] for i in range(0, len(data), 8192)]
    for i, p in enumerate(pieces):
        last = i == len(pieces) - 1
        st, fl, got, _ = c.exchange(c.login_pdu(1, 3, last, not last, p))
        if st:
            raise Fail("refused 0x%04x" % st)
    n = sum(1 for k, v in got.items() if k.startswith("X-k") and v == "NotUnderstood")
    if n != 1500:
        raise Fail("collected %d NotUnderstood answers, want 1500" % n)
    if not fl & F_T:
        for _ in range(3):
            st, fl, got, _ = c.exchange(c.login_pdu(1, 3, True))
            if st or fl & F_T:
                break
    if st or not fl & F_T:
        raise Fail("no Full Feature Phase: 0x%04x" % st)
    return "1500 NotUnderstood collected, ffp"


@case("keys")
def keys_x_overflowing_answer(env, c):
    # 4000 short keys (36 KB): the answer (84 KB) would exceed 64 KiB
    data = kv(c.first_keys(env.t_none)) + x_keys(4000, "X-", 4)
    st, fl, bhs, seg = send_split(c, 1, 3, True, data, env.bound_pre)
    if st:
        if not c.wait_close(env.bound_post):
            raise Fail("0x%04x but still open" % st)
        return "status 0x%04x" % st
    # the answer fitted after all: then it must not be left hanging
    if not c.wait_close(env.bound_post):
        raise Fail("C-bit answer never collected and still open")
    return "answered, closed"


# CHAP on the CHAP target (mutual credentials configured)

def chap_step3(env, c, mutate):
    ident, chal = c.chap_start()
    mychal = bytes(range(16))
    keys = {"CHAP_N": env.chap[0], "CHAP_R": c.chap_response(ident, chal),
            "CHAP_I": "7", "CHAP_C": "0x" + mychal.hex()}
    extra = mutate(keys, ident, chal)
    data = kv(list(keys.items())) + (extra or b"")
    return ident, chal, data


@case("chap")
def chap_control_mutual(env, c):
    ident, chal, data = chap_step3(env, c, lambda k, i, ch: None)
    st, fl, got, _ = c.exchange(c.login_pdu(0, 1, True, keys=data))
    if st or not fl & F_T:
        raise Fail("mutual CHAP refused: 0x%04x %r" % (st, got))
    want = "0x" + hashlib.md5(bytes([7]) + env.chap[3].encode() + bytes(range(16))).hexdigest()
    if got.get("CHAP_N") != env.chap[2] or got.get("CHAP_R", "").lower() != want:
        raise Fail("target's mutual answer wrong: %r" % got)
    c.operational(OPERATIONAL)
    return "ffp, " + logout(c, env.bound_post)


@case("chap")
def chap_control_c_odd_hex(env, c):
    # RFC 7143 6.1 hex-constant: an odd digit count has an implicit
    # leading zero, so 0x123 is the two bytes 01 23 (zcit_chap_decode)
    ident, chal, data = chap_step3(env, c, _set("CHAP_C", "0x123"))
    st, fl, got, _ = c.exchange(c.login_pdu(0, 1, True, keys=data))
    want = "0x" + hashlib.md5(bytes([7]) + env.chap[3].encode() + b"\x01\x23").hexdigest()
    if st or got.get("CHAP_R", "").lower() != want:
        raise Fail("CHAP_C=0x123: 0x%04x %r, want CHAP_R=%s" % (st, got, want))
    return "CHAP_R for 01 23"


def _set(key, val):
    def m(k, i, ch):
        if val is None:
            del k[key]
        else:
            k[key] = val
    return m


CHAP_BAD = [
    ("r-odd-hex", _set("CHAP_R", "0x123")),
    ("r-non-hex", _set("CHAP_R", "0xzz112233445566778899aabbccddeeff")),
    ("r-empty", _set("CHAP_R", "")),
    ("r-prefix-only", _set("CHAP_R", "0x")),
    ("r-base64-garbage", _set("CHAP_R", "0b!!!!****====")),
    ("r-base64-valid-wrong", _set("CHAP_R", "0bAAAAAAAAAAAAAAAAAAAAAA==")),
    ("r-short", _set("CHAP_R", "0x1234")),
    ("r-long-hex", _set("CHAP_R", "0x" + "ab" * 2000)),
    ("r-missing", _set("CHAP_R", None)),
    ("n-wrong", _set("CHAP_N", "nosuchuser")),
    ("n-missing", _set("CHAP_N", None)),
    ("c-non-hex", _set("CHAP_C", "0xqqqq")),
    ("c-empty", _set("CHAP_C", "")),
    ("c-prefix-only", _set("CHAP_C", "0x")),
    ("c-base64-garbage", _set("CHAP_C", "0b@@@@")),
    ("c-no-prefix", _set("CHAP_C", "00112233")),
    ("c-missing", _set("CHAP_C", None)),
    ("c-reflected", lambda k, i, ch: k.__setitem__("CHAP_C", "0x" + ch.hex())),
    ("c-long-hex", _set("CHAP_C", "0x" + "cd" * 4000)),
    ("i-256", _set("CHAP_I", "256")),
    ("i-minus-1", _set("CHAP_I", "-1")),
    ("i-huge", _set("CHAP_I", "999999999999")),
    ("i-empty", _set("CHAP_I", "")),
    ("i-hex-0x100", _set("CHAP_I", "0x100")),
    ("i-leading-zero", _set("CHAP_I", "07")),
    ("i-missing", _set("CHAP_I", None)),
    ("a-again", lambda k, i, ch: k.__setitem__("CHAP_A", "5")),
    ("dup-chap-r", lambda k, i, ch: b"CHAP_R=" + k["CHAP_R"].encode() + b"\0"),
    ("dup-authmethod", lambda k, i, ch: b"AuthMethod=CHAP\0"),
]


@cases("chap", CHAP_BAD)
def chap_bad_step3(env, c, mutate):
    _, _, data = chap_step3(env, c, mutate)
    c.send(c.login_pdu(0, 1, True, keys=data))
    return refusal(c, env.bound_post)


@cases("chap", [("r-8193", "CHAP_R"), ("c-8193", "CHAP_C"),
                ("r-8192-wrong", "CHAP_R-ok-len")])
def chap_huge_value(env, c, key):
    ident, chal = c.chap_start()
    long_len = 8192 if key.endswith("ok-len") else 8193
    k = key.split("-")[0]
    val = b"0x" + b"e" * (long_len - 2)
    keys = {"CHAP_N": env.chap[0].encode(), "CHAP_R": c.chap_response(ident, chal).encode(),
            "CHAP_I": b"7", "CHAP_C": b"0x" + bytes(range(16)).hex().encode()}
    keys[k] = val
    data = kv(list(keys.items()))
    st, fl, bhs, seg = send_split(c, 0, 1, True, data, env.bound_post)
    if not st:
        raise Fail("accepted a %d-byte %s: flags 0x%02x" % (long_len, k, fl))
    if not c.wait_close(env.bound_post):
        raise Fail("0x%04x but still open" % st)
    return "status 0x%04x" % st


@cases("chap", [("a-garbage", "abc,,def"), ("a-empty", ""),
                ("a-unsupported", "1,2,3,4"),
                ("a-long-list", ",".join(str(i) for i in range(100, 160))),
                ("a-huge", "5," * 600 + "5"),
                ("a-negative", "-5"), ("a-big-number", "99999999999999999999")])
def chap_bad_a(env, c, val):
    st, _, got, _ = c.exchange(c.login_pdu(
        0, 1, keys=c.first_keys(env.t_chap) + [("AuthMethod", "CHAP")]))
    if st or got.get("AuthMethod") != "CHAP":
        raise Fail("AuthMethod=CHAP: 0x%04x %r" % (st, got))
    c.send(c.login_pdu(0, 1, keys=[("CHAP_A", val)]))
    try:
        r = refusal(c, env.bound_post)
    except Fail as e:
        raise Fail("CHAP_A=%s...: %s" % (val[:20], e))
    return r


@cases("chap", [("step1-chap-r", [("CHAP_R", "0x00")]),
                ("step1-chap-n", [("CHAP_N", "user1")]),
                ("step2-with-r", [("CHAP_A", "5"), ("CHAP_R", "0x00")]),
                ("authmethod-none-on-chap", None),
                ("authmethod-garbage", "garbage"),
                ("authmethod-huge", ",".join(["KRB5", "SRP", "SPKM1"] * 20))])
def chap_bad_order(env, c, keys):
    if keys is None or isinstance(keys, str):
        am = "None" if keys is None else keys
        c.send(c.login_pdu(0, 1, True, keys=c.first_keys(env.t_chap) + [("AuthMethod", am)]))
        return refusal(c, env.bound_post)
    if keys[0][0] == "CHAP_A":
        st, _, got, _ = c.exchange(c.login_pdu(
            0, 1, keys=c.first_keys(env.t_chap) + [("AuthMethod", "CHAP")]))
        if st:
            raise Fail("AuthMethod=CHAP refused 0x%04x" % st)
        c.send(c.login_pdu(0, 1, keys=keys))
    else:
        c.send(c.login_pdu(0, 1, keys=c.first_keys(env.t_chap) +
                           [("AuthMethod", "CHAP")] + keys))
    return refusal(c, env.bound_post)


@case("chap")
def chap_stall_after_challenge(env, c):
    c.chap_start()
    return refusal(c, env.bound_post)


# joining and reinstating sessions

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


# aborts: the initiator resets the connection at every point

def rst_close(c):
    c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()


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
    rst_close(c)
    # the target is still there and serves the next login on that ISID
    x = Conn(env, c.isid)
    try:
        x.login_none()
        return "reset; next login: " + logout(x, env.bound_post)
    finally:
        x.close()


@cases("ffp", [("nop-flood-never-read", OP_NOP_OUT), ("text-flood-never-read", OP_TEXT)])
def ffp_flood_never_read(env, c, op):
    """A peer that sends requests but never reads the answers must be
    slowed down (TCP backpressure: its sends block once the socket buffers,
    a few MB, are full), not have the target queue answers without bound.
    Fails when the target took more than LIMIT bytes without our sends
    ever blocking for 2 s."""
    limit = 16 << 20
    total = 128 << 20
    if op == OP_TEXT:
        c.login_none(discovery=True)
        # an answer of ~200 bytes per 1 KiB request (NULs between pairs
        # are padding)
        data = b"SendTargets=All\0X-" + b"p" * 40 + b"=1\0"
        data += b"\0" * (1024 - len(data))
    else:
        c.login_none()
        data = b"\x44" * c.mrdsl
    mem0 = mem_available()
    c.sock.setblocking(False)
    sent, t0, blocked = 0, time.monotonic(), False
    pending = b""
    while sent < total and time.monotonic() - t0 < 20:
        if not pending:
            pending = c.ffp_pdu(op, data=data)
        try:
            n = c.sock.send(pending)
        except BlockingIOError:
            _, w, _ = select.select([], [c.sock], [], 2)
            if not w:
                blocked = True  # backpressure
                break
            continue
        except OSError:
            return "closed after %d bytes" % sent
        sent += n
        pending = pending[n:]
    secs = time.monotonic() - t0
    c.sock.setblocking(True)
    used = (mem0 - mem_available()) >> 20
    if not blocked and sent > limit:
        raise Fail("target took %d MB of requests in %.1fs whose answers were never "
                   "read, never blocking (MemAvailable -%d MB)" % (sent >> 20, secs, used))
    return "%s after %.1f MB (MemAvailable -%d MB)" % (
        "blocked" if blocked else "inconclusive: slow", sent / 1048576, used)


def mem_available():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) << 10
    except OSError:
        pass
    return 0


# seeded mutations of valid first Login Requests

def mutation_bases(env, c):
    return [
        c.login_pdu(1, 3, True, keys=c.first_keys(env.t_none) + OPERATIONAL),
        c.login_pdu(1, 3, True, keys=c.first_keys(env.t_none, True) + OPERATIONAL),
        c.login_pdu(0, 1, False, keys=c.first_keys(env.t_chap) + [("AuthMethod", "CHAP,None")]),
        c.login_pdu(0, 1, True, keys=c.first_keys(env.t_none) + [("AuthMethod", "None")]),
    ]


def mutate(rng, pdu):
    b = bytearray(pdu)
    what = rng.randrange(10)
    if what < 4:  # flip bits in the header
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(48)] ^= 1 << rng.randrange(8)
    elif what < 7:  # random bytes in the data segment
        for _ in range(rng.randint(1, 8)):
            b[rng.randrange(48, len(b))] = rng.randrange(256)
    elif what == 7:  # a length field
        f = rng.choice([4, 5, 6, 7])
        b[f] = rng.randrange(256)
    elif what == 8:  # truncate
        b = b[:rng.randrange(1, len(b))]
    else:  # insert/delete inside the segment, lengths unchanged
        i = rng.randrange(48, len(b))
        if rng.randrange(2):
            b[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 12)))
        else:
            del b[i:i + rng.randint(1, 12)]
    return bytes(b)


def run_mutation(env, c, idx):
    rng = random.Random(env.seed * 100003 + idx)
    base = rng.choice(mutation_bases(env, c))
    pdu = mutate(rng, base)
    c.send(pdu)
    t0 = time.monotonic()
    try:
        bhs, data = c.recv_pdu(env.bound_pre)
    except Closed:
        return "closed"
    except Timeout:
        raise Fail("hang: nothing in %.1fs (pdu %s)" % (env.bound_pre, pdu[:64].hex()))
    if bhs[0] & 0x3F != OP_LOGIN_RSP:
        raise Fail("got opcode 0x%02x" % bhs[0])
    if len(pdu) >= 48 and (bhs[16:20] != pdu[16:20] or bhs[8:14] != pdu[8:14]):
        raise Fail("response ITT/ISID do not echo the request")
    st = status_of(bhs)
    if st:
        if bhs[36] not in (1, 2, 3):
            raise Fail("bad Status-Class 0x%04x" % st)
        left = env.bound_post - (time.monotonic() - t0)
        if not c.wait_close(max(left, 2)):
            raise Fail("status 0x%04x, still open (pdu %s)" % (st, pdu[:64].hex()))
        return "refused"
    return "accepted"


# ---- data path: SCSI commands to LUN 0 of the None target ----
#
# Each case logs in (its own session), drives one SCSI exchange and checks
# the outcome field by field: the SCSI Response / Data-In / R2T expected,
# or a Reject carrying our header (and then a close, or a connection that
# still answers a ping and a TEST UNIT READY), or a silent drop (the next
# thing answered is a ping). StatSN and ExpCmdSN of every answer are
# checked against the client's count.

OP_SCSI_RSP, OP_TMF_RSP, OP_DATA_IN, OP_R2T = 0x21, 0x22, 0x25, 0x31
C_F, C_R, C_W, ATTR_SIMPLE = 0x80, 0x40, 0x20, 0x01
S_BIT, U_BIT, O_BIT = 0x01, 0x02, 0x04
BLOCK = 512
R_DIGEST, R_PROTO, R_NOTSUP = 0x02, 0x04, 0x05
GOOD, CHECK_CONDITION = 0x00, 0x02
TMF_ABORT_TASK, TMF_LUN_RESET, TMF_TASK_REASSIGN = 1, 5, 8
# answers that carry the next StatSN and advance it (RFC 7143 3.2.2.2)
STAT_OPS = (OP_SCSI_RSP, OP_TMF_RSP, OP_REJECT, OP_TEXT_RSP, OP_LOGOUT_RSP)


def u32(b, o):
    return struct.unpack_from(">I", b, o)[0]


def lun8(lun):
    return struct.pack(">Q", lun << 48)  # peripheral addressing, LUN < 256


def ops(**over):
    """OPERATIONAL with some values replaced."""
    return [(k, str(over[k]) if k in over else v) for k, v in OPERATIONAL]


def dlogin(c, **over):
    """Log in to the None target offering ops(**over); the negotiated
    values of the keys overridden (declarations aside) must be those.
    Notes the CmdSN window the session starts with."""
    got = c.login_none(op_keys=ops(**over))
    for k, v in over.items():
        if k != "MaxRecvDataSegmentLength" and got.get(k) != str(v):
            raise Fail("%s=%s not negotiated: %r" % (k, v, got.get(k)))
    c.check_exp = True
    c.max_burst = int(got.get("MaxBurstLength", 262144))
    c.window = (c.exp_max[1] - c.exp_max[0] + 1) & 0xFFFFFFFF
    if not 1 <= c.window <= 4096:
        raise Fail("login: ExpCmdSN %d MaxCmdSN %d" % c.exp_max)
    return got


def frame(c, hdr, data=b""):
    """Header (BHS + AHS), digests as negotiated, padded data."""
    b = hdr + (digest(hdr) if c.hd else b"")
    if data:
        p = pad4(data)
        b += p + (digest(p) if c.dd else b"")
    return b


def scsi_pdu(c, cdb, edtl, flags, data=b"", lun=0, imm=False, cmdsn=None,
             ahs=b"", total_ahs=None, dsl=None):
    """A SCSI Command; returns (pdu, itt). A non-immediate command
    without an explicit CmdSN takes the next one."""
    c.itt += 1
    if cmdsn is None:
        cmdsn = c.cmdsn
        if not imm:
            c.cmdsn += 1
    bhs = struct.pack(">BBxxB3s8sIIII16s", OP_SCSI_CMD | (IMM if imm else 0),
                      flags | ATTR_SIMPLE,
                      len(ahs) // 4 if total_ahs is None else total_ahs,
                      struct.pack(">I", len(data) if dsl is None else dsl)[1:],
                      lun8(lun), c.itt, edtl, cmdsn, c.statsn,
                      bytes(cdb[:16]).ljust(16, b"\0"))
    return frame(c, bhs + ahs, data), c.itt


def data_out_pdu(c, itt, ttt, datasn, offset, data, final, lun=0, dsl=None):
    bhs = struct.pack(">BBxxx3s8sII4xI4xII4x", OP_DATA_OUT, C_F if final else 0,
                      struct.pack(">I", len(data) if dsl is None else dsl)[1:],
                      lun8(lun), itt, ttt, c.statsn, datasn, offset)
    return frame(c, bhs, data)


def tmf_pdu(c, func, rtt=RSV, refcmdsn=0, lun=0):
    c.itt += 1
    bhs = struct.pack(">BBxxB3s8sIIIIII8x", IMM | OP_TMF, 0x80 | func, 0, b"\0\0\0",
                      lun8(lun), c.itt, rtt, c.cmdsn, c.statsn, refcmdsn, 0)
    return frame(c, bhs), c.itt


def cdb_rw(op, lba, blocks):
    return struct.pack(">BBIBHB", op, 0, lba, 0, blocks, 0)


def cdb_tur():
    return b"\0" * 6


def cdb_inquiry(alloc):
    return struct.pack(">BBBHB", 0x12, 0, 0, alloc, 0)


def describe(bhs, data=b""):
    op = bhs[0] & 0x3F
    d = "opcode 0x%02x ITT 0x%08x" % (op, u32(bhs, 16))
    if op == OP_REJECT:
        d = "Reject reason 0x%02x" % bhs[2]
    elif op == OP_SCSI_RSP:
        d += " (SCSI Response, response 0x%02x status 0x%02x)" % (bhs[2], bhs[3])
    elif op == OP_TMF_RSP:
        d += " (TMF Response %d)" % bhs[2]
    elif op == OP_R2T:
        d += " (R2T offset %d length %d)" % (u32(bhs, 40), u32(bhs, 44))
    elif op == OP_DATA_IN:
        d += " (Data-In flags 0x%02x, %d bytes)" % (bhs[1], len(data))
    return d


def dread(c, secs, what):
    """The next PDU, the target's own pings answered; StatSN and
    ExpCmdSN checked (c.check_exp False: ExpCmdSN not checked)."""
    deadline = time.monotonic() + secs
    while True:
        try:
            bhs, data = c.recv_pdu(max(0.01, deadline - time.monotonic()))
        except Timeout:
            raise Fail("%s: hang, nothing in %.1fs" % (what, secs))
        except Closed:
            raise Fail("%s: connection closed" % what)
        op = bhs[0] & 0x3F
        if op == OP_NOP_IN and u32(bhs, 16) == RSV:
            if u32(bhs, 20) != RSV:  # a ping: answer it
                c.send(frame(c, struct.pack(">BB2xI8sI4sII16s", IMM | OP_NOP_OUT, 0x80, 0,
                                            b"\0" * 8, RSV, bhs[20:24], c.cmdsn,
                                            c.statsn, b"\0" * 16)))
            continue
        status = op in STAT_OPS or op == OP_NOP_IN or \
            (op == OP_DATA_IN and bhs[1] & S_BIT)
        if status or op == OP_R2T:
            if u32(bhs, 24) != c.statsn:
                raise Fail("%s: %s with StatSN %d, want %d" %
                           (what, describe(bhs), u32(bhs, 24), c.statsn))
            if status:
                c.statsn += 1
        if getattr(c, "check_exp", False) and u32(bhs, 28) != c.cmdsn:
            raise Fail("%s: %s with ExpCmdSN %d, want %d" %
                       (what, describe(bhs), u32(bhs, 28), c.cmdsn))
        return bhs, data


def sense_key(sense):
    if len(sense) >= 3 and sense[0] & 0x7F in (0x72, 0x73):
        return sense[1] & 0x0F, sense[2]
    if len(sense) >= 13:
        return sense[2] & 0x0F, sense[12]
    return None, None


def d_status(c, itt, secs, what, r2ts=0):
    """A command's Data-In PDUs (DataSN from 0, offsets in order, TTT
    0xffffffff) and status: the S bit of the last one or a SCSI Response
    (whose ExpDataSN counts the Data-In and R2T PDUs). Returns a dict."""
    r = {"data": b"", "n": 0, "sense": b"", "s_bit": False, "resid": 0}
    while True:
        bhs, seg = dread(c, secs, what)
        op = bhs[0] & 0x3F
        if u32(bhs, 16) != itt or op not in (OP_DATA_IN, OP_SCSI_RSP):
            raise Fail("%s: got %s" % (what, describe(bhs, seg)))
        if op == OP_DATA_IN:
            if (u32(bhs, 36), u32(bhs, 40), u32(bhs, 20)) != (r["n"], len(r["data"]), RSV):
                raise Fail("%s: Data-In DataSN %d offset %d TTT 0x%x, want %d %d 0xffffffff" %
                           (what, u32(bhs, 36), u32(bhs, 40), u32(bhs, 20), r["n"],
                            len(r["data"])))
            r["data"] += seg
            r["n"] += 1
            seq_end = len(r["data"]) % c.max_burst == 0
            if bool(bhs[1] & C_F) != (seq_end or bool(bhs[1] & S_BIT)):
                raise Fail("%s: Data-In DataSN %d flags 0x%02x: F where no sequence ends, "
                           "or none where one does" % (what, u32(bhs, 36), bhs[1]))
            if not bhs[1] & S_BIT:
                continue
            if not bhs[1] & C_F:
                raise Fail("%s: Data-In with S but not F" % what)
            r.update(status=bhs[3], flags=bhs[1], s_bit=True, resid=u32(bhs, 44),
                     maxcmdsn=u32(bhs, 32))
            return r
        if bhs[2] != 0 or not bhs[1] & C_F:
            raise Fail("%s: %s flags 0x%02x" % (what, describe(bhs), bhs[1]))
        if u32(bhs, 36) != r["n"] + r2ts:
            raise Fail("%s: ExpDataSN %d, want %d" % (what, u32(bhs, 36), r["n"] + r2ts))
        if seg:
            n = struct.unpack(">H", seg[:2])[0]
            r["sense"] = seg[2:2 + n]
        r.update(status=bhs[3], flags=bhs[1], resid=u32(bhs, 44), maxcmdsn=u32(bhs, 32))
        return r


def want_good(r, what, length=None, resid_flag=0, resid=0):
    if r["status"] != GOOD:
        raise Fail("%s: status 0x%02x, sense %s" % (what, r["status"], r["sense"].hex()))
    if length is not None and len(r["data"]) != length:
        raise Fail("%s: %d bytes of data, want %d" % (what, len(r["data"]), length))
    if r["flags"] & (U_BIT | O_BIT) != resid_flag or \
            (resid_flag and r["resid"] != resid):
        raise Fail("%s: flags 0x%02x residual %d, want U/O 0x%02x residual %d" %
                   (what, r["flags"], r["resid"], resid_flag, resid))


def want_check(r, what, key):
    k, asc = sense_key(r["sense"])
    if r["status"] != CHECK_CONDITION or k != key:
        raise Fail("%s: status 0x%02x sense key %s, want CHECK CONDITION key 0x%x (sense %s)" %
                   (what, r["status"], k, key, r["sense"].hex()))
    return "CHECK CONDITION %x/%02x" % (k, asc)


def d_cmd(c, cdb, edtl, flags, what, data=b"", lun=0, secs=None, **kw):
    pdu, itt = scsi_pdu(c, cdb, edtl, flags, data, lun=lun, **kw)
    c.send(pdu)
    return d_status(c, itt, secs or c.env.bound_post, what)


def tur(c, what="TEST UNIT READY", lun=0, window=False):
    """A TUR answered GOOD; with window, nothing else outstanding, the
    CmdSN window must be as wide as at login (no slot leaked)."""
    r = d_cmd(c, cdb_tur(), 0, C_F, what, lun=lun)
    want_good(r, what, 0)
    if window and (r["maxcmdsn"] - c.cmdsn + 1) & 0xFFFFFFFF != c.window:
        raise Fail("%s: MaxCmdSN %d with ExpCmdSN %d: a window of %d, %d at login" %
                   (what, r["maxcmdsn"], c.cmdsn, (r["maxcmdsn"] - c.cmdsn + 1) & 0xFFFFFFFF,
                    c.window))
    return "tur good"


def read_blocks(c, lba, n, what="READ(10)", lun=0):
    r = d_cmd(c, cdb_rw(0x28, lba, n), n * BLOCK, C_F | C_R, what, lun=lun)
    want_good(r, what, n * BLOCK)
    if not r["s_bit"]:
        raise Fail("%s: status in a SCSI Response, not with the data (S bit)" % what)
    return r["data"]


def dping(c, what="ping"):
    """An immediate NOP-Out with data (digests as negotiated), answered
    next."""
    payload = b"zcit-pin"
    c.itt += 1
    itt = c.itt
    c.send(frame(c, struct.pack(">BBxxB3s8sIIII16s", IMM | OP_NOP_OUT, 0x80, 0,
                                struct.pack(">I", len(payload))[1:], b"\0" * 8, itt, RSV,
                                c.cmdsn, c.statsn, b"\0" * 16), payload))
    bhs, data = dread(c, c.env.bound_post, what)
    if bhs[0] & 0x3F != OP_NOP_IN or u32(bhs, 16) != itt or data != payload:
        raise Fail("%s: got %s, not the NOP-In" % (what, describe(bhs, data)))
    return "ping ok"


def survives(c):
    """The connection still works: a ping, then a command in order."""
    return dping(c, "ping after") + ", " + tur(c, "TEST UNIT READY after", window=True)


def expect_reject(c, sent, reasons, what, r2t_itt=None):
    """The next PDU is a Reject for sent (R2Ts for r2t_itt, which the
    target may send meanwhile, aside)."""
    if isinstance(reasons, int):
        reasons = (reasons,)
    bhs, data = dread(c, c.env.bound_post, what)
    while bhs[0] & 0x3F == OP_R2T and u32(bhs, 16) == r2t_itt:
        bhs, data = dread(c, c.env.bound_post, what)
    if bhs[0] & 0x3F != OP_REJECT:
        raise Fail("%s: got %s, not a Reject" % (what, describe(bhs, data)))
    if u32(bhs, 16) != RSV:
        raise Fail("%s: Reject with ITT 0x%08x, not 0xffffffff" % (what, u32(bhs, 16)))
    if bhs[2] not in reasons:
        raise Fail("%s: Reject reason 0x%02x, want %s" %
                   (what, bhs[2], "/".join("0x%02x" % r for r in reasons)))
    if data[:48] != sent[:48]:
        raise Fail("%s: the Reject does not carry the rejected header" % what)
    return "reject 0x%02x" % bhs[2]


def expect_close(c, what):
    """Nothing more but a close."""
    t0 = time.monotonic()
    try:
        bhs, data = c.recv_pdu(c.env.bound_post)
    except Closed:
        return "closed %.1fs" % (time.monotonic() - t0)
    except Timeout:
        raise Fail("%s: still open %.1fs later" % (what, c.env.bound_post))
    raise Fail("%s: got %s instead of a close" % (what, describe(bhs, data)))


def expect_r2t(c, itt, offset, length, r2tsn, what, lun=0):
    bhs, data = dread(c, c.env.bound_post, what)
    if bhs[0] & 0x3F != OP_R2T or u32(bhs, 16) != itt:
        raise Fail("%s: got %s, not an R2T" % (what, describe(bhs, data)))
    ttt = u32(bhs, 20)
    got = (u32(bhs, 36), u32(bhs, 40), u32(bhs, 44), bhs[8:16])
    if ttt == RSV or got != (r2tsn, offset, length, lun8(lun)) or not bhs[1] & C_F:
        raise Fail("%s: R2T TTT 0x%x R2TSN %d offset %d length %d LUN %s flags 0x%02x, "
                   "want R2TSN %d offset %d length %d" %
                   (what, ttt, got[0], got[1], got[2], got[3].hex(), bhs[1], r2tsn, offset,
                    length))
    return ttt


def send_burst(c, itt, ttt, offset, data, piece=4096, lun=0):
    """One sequence of Data-Out: DataSN from 0, F on the last."""
    for i, o in enumerate(range(0, len(data), piece)):
        chunk = data[o:o + piece]
        c.send(data_out_pdu(c, itt, ttt, i, offset + o, chunk,
                            o + len(chunk) == len(data), lun))


def answer_r2ts(c, itt, data, start, burst, what, piece=4096):
    """R2Ts for data[start:], one burst each, answered in turn; returns
    how many came."""
    n = 0
    while start < len(data):
        ln = min(burst, len(data) - start)
        ttt = expect_r2t(c, itt, start, ln, n, "%s R2T %d" % (what, n))
        send_burst(c, itt, ttt, start, data[start:start + ln], piece)
        start += ln
        n += 1
    return n


def pattern(seed, n):
    return random.Random(seed).randbytes(n)


def write_until_r2t(c, lba, blocks=8, lun=0):
    """WRITE(10) without data, F: the first R2T; returns (itt, ttt, cmdsn)."""
    cmdsn = c.cmdsn
    pdu, itt = scsi_pdu(c, cdb_rw(0x2A, lba, blocks), blocks * BLOCK, C_F | C_W, lun=lun)
    c.send(pdu)
    ttt = expect_r2t(c, itt, 0, blocks * BLOCK, 0, "WRITE(10)", lun)
    return itt, ttt, cmdsn


# well-formed: controls

@case("data", "tur")
def data_tur(env, c):
    dlogin(c)
    return tur(c) + ", " + dping(c)


@case("data", "inquiry")
def data_inquiry(env, c):
    dlogin(c)
    r = d_cmd(c, cdb_inquiry(36), 36, C_F | C_R, "INQUIRY")
    want_good(r, "INQUIRY", 36)
    if not r["s_bit"] or r["n"] != 1:
        raise Fail("INQUIRY: %d Data-In PDUs, S bit %s: want one, with S" % (r["n"], r["s_bit"]))
    d = r["data"]
    if d[0] & 0x1F != 0 or d[8:16] != b"LIO-ORG ":
        raise Fail("INQUIRY data: type 0x%02x vendor %r" % (d[0], d[8:16]))
    return "36 bytes, S bit, " + d[16:32].decode(errors="replace").strip()


@case("data", "read10-8")
def data_read10_8(env, c):
    # MaxRecvDataSegmentLength=512: 8 Data-In PDUs, DataSN 0..7
    dlogin(c, MaxRecvDataSegmentLength=512)
    r = d_cmd(c, cdb_rw(0x28, 1000, 8), 8 * BLOCK, C_F | C_R, "READ(10)")
    want_good(r, "READ(10)", 8 * BLOCK)
    if r["n"] != 8 or not r["s_bit"]:
        raise Fail("READ(10): %d Data-In PDUs (S %s), want 8 of 512 bytes" % (r["n"], r["s_bit"]))
    return "8 Data-In, S bit"


@case("data", "write-immediate")
def data_write_immediate(env, c):
    dlogin(c, ImmediateData="Yes", InitialR2T="Yes")
    data = pattern(1, 8 * BLOCK)
    r = d_cmd(c, cdb_rw(0x2A, 1100, 8), len(data), C_F | C_W, "WRITE(10)", data)
    want_good(r, "WRITE(10) with immediate data", 0)
    if read_blocks(c, 1100, 8) != data:
        raise Fail("read back differs")
    return "written, read back equal"


@case("data", "write-r2t")
def data_write_r2t(env, c):
    # two R2T sequences of 8192 (MaxBurstLength), each in two Data-Out
    dlogin(c, InitialR2T="Yes", MaxBurstLength=8192, FirstBurstLength=4096)
    data = pattern(2, 32 * BLOCK)
    pdu, itt = scsi_pdu(c, cdb_rw(0x2A, 1200, 32), len(data), C_F | C_W)
    c.send(pdu)
    n = answer_r2ts(c, itt, data, 0, 8192, "WRITE(10)")
    want_good(d_status(c, itt, env.bound_post, "WRITE(10)", r2ts=n), "WRITE(10)", 0)
    if read_blocks(c, 1200, 32) != data:
        raise Fail("read back differs")
    return "%d R2Ts, read back equal" % n


@case("data", "write-immediate-then-r2t")
def data_write_immediate_then_r2t(env, c):
    dlogin(c, ImmediateData="Yes", InitialR2T="Yes")
    data = pattern(3, 16 * BLOCK)
    pdu, itt = scsi_pdu(c, cdb_rw(0x2A, 1300, 16), len(data), C_F | C_W, data[:2048])
    c.send(pdu)
    n = answer_r2ts(c, itt, data, 2048, 262144, "WRITE(10)")
    want_good(d_status(c, itt, env.bound_post, "WRITE(10)", r2ts=n), "WRITE(10)", 0)
    if read_blocks(c, 1300, 16) != data:
        raise Fail("read back differs")
    return "immediate 2048, R2T for the rest, read back equal"


@case("data", "write-unsolicited")
def data_write_unsolicited(env, c):
    # InitialR2T=No (the TPG allows it): immediate 1024, unsolicited
    # Data-Out to FirstBurstLength 4096, then an R2T for the rest
    dlogin(c, InitialR2T="No", ImmediateData="Yes", FirstBurstLength=4096)
    data = pattern(4, 24 * BLOCK)
    pdu, itt = scsi_pdu(c, cdb_rw(0x2A, 1400, 24), len(data), C_W, data[:1024])
    c.send(pdu)
    send_burst(c, itt, RSV, 1024, data[1024:4096], piece=2048)
    n = answer_r2ts(c, itt, data, 4096, 262144, "WRITE(10)", piece=8192)
    want_good(d_status(c, itt, env.bound_post, "WRITE(10)", r2ts=n), "WRITE(10)", 0)
    if n != 1 or read_blocks(c, 1400, 24) != data:
        raise Fail("%d R2Ts, or read back differs" % n)
    return "unsolicited to 4096, 1 R2T, read back equal"


@case("data", "write-unsolicited-only")
def data_write_unsolicited_only(env, c):
    dlogin(c, InitialR2T="No", ImmediateData="No", FirstBurstLength=4096)
    data = pattern(5, 8 * BLOCK)
    pdu, itt = scsi_pdu(c, cdb_rw(0x2A, 1500, 8), len(data), C_W)
    c.send(pdu)
    send_burst(c, itt, RSV, 0, data, piece=2048)
    want_good(d_status(c, itt, env.bound_post, "WRITE(10)"), "WRITE(10)", 0)
    if read_blocks(c, 1500, 8) != data:
        raise Fail("read back differs")
    return "2 unsolicited Data-Out, no R2T, read back equal"


@case("data", "write-data-digest")
def data_write_data_digest(env, c):
    dlogin(c, DataDigest="CRC32C")
    c.dd = True
    data = pattern(6, 8 * BLOCK)
    itt, ttt, _ = write_until_r2t(c, 1600)
    send_burst(c, itt, ttt, 0, data)
    want_good(d_status(c, itt, env.bound_post, "WRITE(10)", r2ts=1), "WRITE(10)", 0)
    if read_blocks(c, 1600, 8) != data:
        raise Fail("read back differs")
    return "DataDigest=CRC32C both ways, read back equal"


@case("data", "ahs-cdb32")
def data_ahs_cdb32(env, c):
    # a 32-byte variable-length CDB (0x7f, additional length 24) through an
    # extended CDB AHS reaches LIO, which does not support that service
    # action: CHECK CONDITION, ILLEGAL REQUEST
    dlogin(c)
    cdb = bytes([0x7F, 0, 0, 0, 0, 0, 0, 24, 0x77, 0x77]) + b"\0" * 22
    ahs = struct.pack(">HB", 17, 1) + b"\0" + cdb[16:]
    r = d_cmd(c, cdb, 0, C_F, "32-byte CDB", ahs=ahs)
    return want_check(r, "32-byte CDB", 5) + ", " + survives(c)


# hostile commands

def reject_then_survive(c, pdu, reason, what):
    c.send(pdu)
    return expect_reject(c, pdu, reason, what) + ", " + survives(c)


def reject_then_close(c, pdu, reason, what, r2t_itt=None):
    c.send(pdu)
    return expect_reject(c, pdu, reason, what, r2t_itt) + ", " + expect_close(c, what)


@case("data", "bidi")
def data_bidi(env, c):
    dlogin(c)
    pdu, _ = scsi_pdu(c, cdb_rw(0x2A, 1700, 1), BLOCK, C_F | C_R | C_W)
    return reject_then_survive(c, pdu, R_NOTSUP, "R+W")


@case("data", "immediate-on-read")
def data_immediate_on_read(env, c):
    dlogin(c)
    pdu, _ = scsi_pdu(c, cdb_rw(0x28, 1700, 1), BLOCK, C_F | C_R, b"\x11" * BLOCK)
    return reject_then_survive(c, pdu, R_PROTO, "READ with immediate data")


@case("data", "immediate-on-tur")
def data_immediate_on_tur(env, c):
    dlogin(c)
    pdu, _ = scsi_pdu(c, cdb_tur(), 0, C_F, b"\x11" * 64)
    return reject_then_survive(c, pdu, R_PROTO, "TUR with immediate data")


@case("data", "w-edtl0-immediate")
def data_w_edtl0_immediate(env, c):
    dlogin(c)
    pdu, _ = scsi_pdu(c, cdb_rw(0x2A, 1700, 0), 0, C_F | C_W, b"\x22" * BLOCK)
    return reject_then_survive(c, pdu, R_PROTO, "W, EDTL 0, immediate data")


@case("data", "immediate-over-first-burst")
def data_immediate_over_first_burst(env, c):
    dlogin(c, FirstBurstLength=1024)
    pdu, _ = scsi_pdu(c, cdb_rw(0x2A, 1700, 8), 8 * BLOCK, C_F | C_W, b"\x33" * 2048)
    return reject_then_survive(c, pdu, R_PROTO, "immediate 2048 > FirstBurstLength 1024")


@case("data", "f0-with-initialr2t")
def data_f0_with_initialr2t(env, c):
    # InitialR2T=Yes: no unsolicited Data-Out may follow, F must be set
    dlogin(c)
    pdu, _ = scsi_pdu(c, cdb_rw(0x2A, 1700, 8), 8 * BLOCK, C_W)
    return reject_then_survive(c, pdu, R_PROTO, "W without F, InitialR2T=Yes")


@case("data", "read-edtl-huge")
def data_read_edtl_huge(env, c):
    # EDTL 0xffffffff for 512 bytes: the 512 bytes, residual underflow
    dlogin(c)
    r = d_cmd(c, cdb_rw(0x28, 1700, 1), 0xFFFFFFFF, C_F | C_R, "READ(10) EDTL 0xffffffff")
    want_good(r, "READ(10) EDTL 0xffffffff", BLOCK, U_BIT, 0xFFFFFFFF - BLOCK)
    return "512 bytes, U, residual 0x%x, " % r["resid"] + survives(c)


@cases("data", [("write-edtl-huge", b""), ("write-edtl-huge-immediate", b"\x44" * BLOCK)])
def data_write_edtl_huge(env, c, imm):
    # EDTL 0xffffffff for a 512-byte WRITE: LIO refuses a write whose
    # EDTL differs from the CDB's: CHECK CONDITION, ILLEGAL REQUEST, no R2T
    dlogin(c)
    r = d_cmd(c, cdb_rw(0x2A, 1700, 1), 0xFFFFFFFF, C_F | C_W, "WRITE(10) EDTL 0xffffffff", imm)
    return want_check(r, "WRITE(10) EDTL 0xffffffff", 5) + ", " + survives(c)


# Data-Out against a WRITE(10) of 4096 bytes whose R2T asked for all of it

DOUT_BAD = [
    ("dout-wrong-ttt", lambda c, itt, ttt: [(ttt ^ 1, 0, 0, 4096, True)]),
    ("dout-ttt-reserved", lambda c, itt, ttt: [(RSV, 0, 0, 4096, True)]),
    ("dout-wrong-datasn", lambda c, itt, ttt: [(ttt, 1, 0, 4096, True)]),
    ("dout-offset-gap", lambda c, itt, ttt: [(ttt, 0, 0, 1024, False),
                                             (ttt, 1, 2048, 2048, True)]),
    ("dout-offset-beyond-edtl", lambda c, itt, ttt: [(ttt, 0, 0, 2048, False),
                                                     (ttt, 1, 2048, 4096, True)]),
    ("dout-offset-at-edtl", lambda c, itt, ttt: [(ttt, 0, 4096, 512, True)]),
    ("dout-zero-length", lambda c, itt, ttt: [(ttt, 0, 0, 0, True)]),
    ("dout-f-early", lambda c, itt, ttt: [(ttt, 0, 0, 2048, True)]),
    ("dout-f-missing", lambda c, itt, ttt: [(ttt, 0, 0, 4096, False)]),
    ("dout-duplicate", lambda c, itt, ttt: [(ttt, 0, 0, 2048, False),
                                            (ttt, 0, 0, 2048, False)]),
]


@cases("data", DOUT_BAD)
def data_dout_bad(env, c, plan):
    dlogin(c)
    itt, ttt, _ = write_until_r2t(c, 1800)
    pdus = [data_out_pdu(c, itt, t, sn, off, b"\x55" * ln, f)
            for t, sn, off, ln, f in plan(c, itt, ttt)]
    for p in pdus[:-1]:
        c.send(p)
    return reject_then_close(c, pdus[-1], R_PROTO, "Data-Out")


@case("data", "dout-bad-data-digest")
def data_dout_bad_data_digest(env, c):
    dlogin(c, DataDigest="CRC32C")
    c.dd = True
    itt, ttt, _ = write_until_r2t(c, 1800)
    pdu = data_out_pdu(c, itt, ttt, 0, 0, b"\x66" * 4096, True)
    pdu = pdu[:-4] + bytes(b ^ 0xFF for b in pdu[-4:])
    return reject_then_close(c, pdu, R_DIGEST, "Data-Out with a bad data digest")


@case("data", "immediate-bad-data-digest")
def data_immediate_bad_data_digest(env, c):
    dlogin(c, DataDigest="CRC32C")
    c.dd = True
    pdu, _ = scsi_pdu(c, cdb_rw(0x2A, 1800, 8), 4096, C_F | C_W, b"\x67" * 4096)
    pdu = pdu[:-4] + bytes(b ^ 0xFF for b in pdu[-4:])
    return reject_then_close(c, pdu, R_DIGEST, "immediate data with a bad data digest")


@cases("data", [("unsol-f-early", (0, 0, 2048, True)),
                ("unsol-beyond-first-burst", (0, 0, 8192, True)),
                ("unsol-f-missing", (0, 0, 4096, False)),
                ("unsol-wrong-datasn", (1, 0, 4096, True))])
def data_unsol_bad(env, c, plan):
    # InitialR2T=No, FirstBurstLength 4096, EDTL 8192: the unsolicited
    # sequence is [0, 4096), TTT 0xffffffff (an R2T for the rest may come
    # first)
    dlogin(c, InitialR2T="No", FirstBurstLength=4096)
    pdu, itt = scsi_pdu(c, cdb_rw(0x2A, 1900, 16), 8192, C_W)
    c.send(pdu)
    sn, off, ln, f = plan
    return reject_then_close(c, data_out_pdu(c, itt, RSV, sn, off, b"\x77" * ln, f), R_PROTO,
                             "unsolicited Data-Out", itt)


@case("data", "dout-unknown-itt")
def data_dout_unknown_itt(env, c):
    dlogin(c)
    c.send(data_out_pdu(c, 0x7777, 0x1234, 0, 0, b"\x88" * BLOCK, True))
    return "dropped, " + survives(c)


@case("data", "dout-after-good")
def data_dout_after_good(env, c):
    # the write is answered: more Data-Out for it is dropped
    dlogin(c, ImmediateData="Yes")
    pdu, itt = scsi_pdu(c, cdb_rw(0x2A, 2000, 1), BLOCK, C_F | C_W, b"\x99" * BLOCK)
    c.send(pdu)
    want_good(d_status(c, itt, env.bound_post, "WRITE(10)"), "WRITE(10)", 0)
    c.send(data_out_pdu(c, itt, RSV, 0, BLOCK, b"\x99" * BLOCK, True))
    return "dropped, " + survives(c)


@case("data", "dout-never-sent")
def data_dout_never_sent(env, c):
    """An R2T never answered: at ErrorRecoveryLevel 0 the connection is
    dropped once the ACL's dataout_timeout (3 s) passes, as
    iscsi_target_mod does; else the write holds its tag, CmdSN slot and
    LUN reference for as long as the initiator answers pings."""
    dlogin(c)
    write_until_r2t(c, 3300)
    t0, bound = time.monotonic(), 10
    while True:
        try:
            bhs, data = c.recv_pdu(max(0.01, bound - (time.monotonic() - t0)))
        except Closed:
            return "closed %.1fs after the R2T" % (time.monotonic() - t0)
        except Timeout:
            raise Fail("still open %ds after an R2T never answered (dataout_timeout 3 s)" %
                       bound)
        if bhs[0] & 0x3F != OP_NOP_IN or u32(bhs, 16) != RSV:
            raise Fail("got %s" % describe(bhs, data))
        c.send(frame(c, struct.pack(">BB2xI8sI4sII16s", IMM | OP_NOP_OUT, 0x80, 0, b"\0" * 8,
                                    RSV, bhs[20:24], c.cmdsn, c.statsn, b"\0" * 16)))


# malformed AHS

@cases("data", [
    ("ahs-length-0", (1, struct.pack(">HBB", 0, 1, 0))),
    ("ahs-beyond-total", (2, struct.pack(">HBB", 20, 1, 0) + b"\0" * 4)),
    ("ahs-cdb32-claims-more", (5, struct.pack(">HBB", 17, 1, 0) + b"\0" * 16)),
    ("ahs-two-cdb", (10, (struct.pack(">HBB", 17, 1, 0) + b"\0" * 16) * 2)),
    ("ahs-cdb32-without-ahs", (0, b"")),
])
def data_ahs_bad(env, c, p):
    total, ahs = p
    dlogin(c)
    # a 0x7f CDB claiming 8 + 0xf8 bytes where at most 32 are given
    cdb = bytes([0x7F, 0, 0, 0, 0, 0, 0, 0xF8 if total != 10 else 24]) + b"\0" * 8
    pdu, _ = scsi_pdu(c, cdb, 0, C_F, ahs=ahs, total_ahs=total)
    return reject_then_survive(c, pdu, R_PROTO, "SCSI Command with bad AHS")


# CmdSN

@cases("data", [("cmdsn-far-ahead", 0x40000000), ("cmdsn-behind", -1),
                ("cmdsn-ahead-of-window", 1000)])
def data_cmdsn_outside(env, c, delta):
    dlogin(c)
    if delta < 0:
        tur(c)  # so that CmdSN - 1 is an old one
    pdu, _ = scsi_pdu(c, cdb_tur(), 0, C_F, cmdsn=(c.cmdsn + delta) & 0xFFFFFFFF)
    c.send(pdu)
    return "dropped, " + survives(c)


@case("data", "cmdsn-ahead-by-one")
def data_cmdsn_ahead_by_one(env, c):
    # RFC 7143 4.2.2.1: commands reach SCSI in CmdSN order; one that comes
    # early waits for the gap to be filled, and immediate PDUs are not held
    # up meanwhile
    dlogin(c)
    c.check_exp = False
    first = c.cmdsn
    p2, itt2 = scsi_pdu(c, cdb_tur(), 0, C_F, cmdsn=first + 1)
    c.send(p2)
    c.send(c.ffp_pdu(OP_NOP_OUT, data=b"between!"))
    nop_itt = c.itt
    p1, itt1 = scsi_pdu(c, cdb_tur(), 0, C_F, cmdsn=first)
    c.send(p1)
    c.cmdsn = first + 2
    want = {itt1: "TUR CmdSN n", itt2: "TUR CmdSN n+1", nop_itt: "ping"}
    got = []
    while want:
        try:
            bhs, data = dread(c, env.bound_post, "waiting for " + ", ".join(want.values()))
        except Fail as e:
            raise Fail("%s (answered: %s)" % (e, ", ".join(got) or "nothing"))
        itt = u32(bhs, 16)
        op = bhs[0] & 0x3F
        if itt not in want or (op == OP_NOP_IN) != (itt == nop_itt) or \
                (op != OP_NOP_IN and (op != OP_SCSI_RSP or bhs[3] != GOOD)):
            raise Fail("got %s (answered: %s)" % (describe(bhs, data), ", ".join(got)))
        got.append(want.pop(itt))
    c.check_exp = True
    return "answered " + ", ".join(got) + ", " + survives(c)


# EDTL and the CDB's length disagree; LUNs and LBAs that do not exist

@case("data", "read-edtl-short")
def data_read_edtl_short(env, c):
    # 4096 bytes asked for, EDTL 512: 512 sent, residual overflow 3584
    dlogin(c)
    r = d_cmd(c, cdb_rw(0x28, 2300, 8), BLOCK, C_F | C_R, "READ(10) 8 blocks, EDTL 512")
    want_good(r, "READ(10) 8 blocks, EDTL 512", BLOCK, O_BIT, 7 * BLOCK)
    return "512 bytes, O, residual %d, " % r["resid"] + survives(c)


@cases("data", [("read-edtl-0", C_F | C_R), ("read-edtl-0-no-r", C_F)])
def data_read_edtl_0(env, c, flags):
    # nothing can be sent: a SCSI Response, residual overflow 512
    dlogin(c)
    r = d_cmd(c, cdb_rw(0x28, 2300, 1), 0, flags, "READ(10) 1 block, EDTL 0")
    want_good(r, "READ(10) 1 block, EDTL 0", 0, O_BIT, BLOCK)
    if r["s_bit"]:
        raise Fail("READ(10) EDTL 0: an empty Data-In, want a SCSI Response")
    return "SCSI Response, O, residual 512, " + survives(c)


@case("data", "write-edtl-short")
def data_write_edtl_short(env, c):
    # 4096 bytes to write, EDTL 512 (immediate): LIO refuses the overflow
    dlogin(c)
    r = d_cmd(c, cdb_rw(0x2A, 2300, 8), BLOCK, C_F | C_W, "WRITE(10) 8 blocks, EDTL 512",
              b"\x12" * BLOCK)
    return want_check(r, "WRITE(10) 8 blocks, EDTL 512", 5) + ", " + survives(c)


@case("data", "write-beyond-end")
def data_write_beyond_end(env, c):
    # 16 MiB is 32768 blocks: LBA 32764 + 8 ends past it
    dlogin(c)
    r = d_cmd(c, cdb_rw(0x2A, 32764, 8), 4096, C_F | C_W, "WRITE(10) past the end",
              b"\x13" * 4096)
    return want_check(r, "WRITE(10) past the end", 5) + ", " + survives(c)


@cases("data", [("lun-not-mapped-tur", False), ("lun-not-mapped-write-unsolicited", True)])
def data_lun_not_mapped(env, c, write):
    # LUN 5 is not mapped: CHECK CONDITION, ILLEGAL REQUEST; unsolicited
    # data sent for the refused write right behind it is dropped
    dlogin(c, InitialR2T="No", FirstBurstLength=4096)
    if not write:
        r = d_cmd(c, cdb_tur(), 0, C_F, "TUR to LUN 5", lun=5)
    else:
        pdu, itt = scsi_pdu(c, cdb_rw(0x2A, 0, 8), 4096, C_W, b"\x14" * 1024, lun=5)
        c.send(pdu)
        send_burst(c, itt, RSV, 1024, b"\x14" * 3072, piece=1024, lun=5)
        r = d_status(c, itt, env.bound_post, "WRITE(10) to LUN 5")
    return want_check(r, "LUN 5", 5) + ", " + survives(c)


@case("data", "tag-pool-exhausted")
def data_tag_pool_exhausted(env, c):
    """The CmdSN window full of writes waiting for data, and 32 immediate
    ones (the tags beyond the window): one more immediate write is
    answered TASK SET FULL, its immediate data skipped, and the
    connection still answers pings; then it is reset with ~100 writes
    waiting for data."""
    dlogin(c)
    r = d_cmd(c, cdb_tur(), 0, C_F, "TUR")
    want_good(r, "TUR", 0)
    dping(c)
    n = (r["maxcmdsn"] - c.cmdsn + 1) & 0xFFFFFFFF
    if not 1 <= n <= 4096:
        raise Fail("CmdSN window of %d" % n)
    itts = []
    c.check_exp = False  # ExpCmdSN moves as the target takes the writes
    for i in range(n + 32):
        pdu, itt = scsi_pdu(c, cdb_rw(0x2A, 2400, 1), BLOCK, C_F | C_W, imm=i >= n)
        c.send(pdu)
        itts.append(itt)
    pdu, last = scsi_pdu(c, cdb_rw(0x2A, 2400, 1), BLOCK, C_F | C_W, b"\x15" * BLOCK, imm=True)
    c.send(pdu)
    want = set(itts)
    full = False
    while want or not full:
        bhs, data = dread(c, env.bound_post, "%d writes, TASK SET FULL (%d R2Ts to come)" %
                          (n + 33, len(want)))
        itt, op = u32(bhs, 16), bhs[0] & 0x3F
        if op == OP_R2T and itt in want:
            want.discard(itt)
        elif op == OP_SCSI_RSP and itt == last and bhs[3] == 0x28 and not full:
            full = True
        else:
            raise Fail("got %s (%d R2Ts to come)" % (describe(bhs, data), len(want)))
    r = "%d R2Ts, TASK SET FULL, %s" % (n + 32, dping(c))
    rst_close(c)
    return r + ", reset"


def relogin_works(env, c):
    x = Conn(env, c.isid)
    try:
        dlogin(x)
        return "next login: " + tur(x)
    finally:
        x.close()


@cases("data", [("reset-write-pending", 0), ("reset-mid-data-out", 1),
                ("reset-mid-immediate-data", 2)])
def data_reset_during_write(env, c, where):
    dlogin(c)
    if where == 2:
        pdu, _ = scsi_pdu(c, cdb_rw(0x2A, 2500, 8), 4096, C_F | C_W, b"\x16" * 4096)
        c.send(pdu[:48 + 1000])
    else:
        itt, ttt, _ = write_until_r2t(c, 2500)
        if where == 1:
            c.send(data_out_pdu(c, itt, ttt, 0, 0, b"\x16" * 4096, True)[:48 + 1000])
    time.sleep(0.2)
    rst_close(c)
    return "reset, " + relogin_works(env, c)


@case("data", "logout-write-pending")
def data_logout_write_pending(env, c):
    # the session ends; the write waiting for data goes with it
    dlogin(c)
    write_until_r2t(c, 2600)
    c.send(c.ffp_pdu(OP_LOGOUT, flags=F_T | 0))
    bhs, data = dread(c, env.bound_post, "Logout")
    if bhs[0] & 0x3F != OP_LOGOUT_RSP or bhs[2] != 0:
        raise Fail("Logout: got %s" % describe(bhs, data))
    return "logout response 0, " + expect_close(c, "after Logout") + ", " + relogin_works(env, c)


@case("data", "tur-immediate")
def data_tur_immediate(env, c):
    # an immediate command takes no CmdSN: ExpCmdSN does not move
    dlogin(c)
    r = d_cmd(c, cdb_tur(), 0, C_F, "immediate TUR", imm=True)
    want_good(r, "immediate TUR", 0)
    return "tur good, " + survives(c)


# lengths not multiple of 4 (padding), several bursts and R2Ts, writes
# interleaved

@cases("data", [("write-odd-lengths", False), ("write-odd-lengths-digest", True)])
def data_write_odd_lengths(env, c, dd):
    # immediate 3 bytes, then an R2T for 509 in Data-Out of 250 and 259:
    # every piece padded
    dlogin(c, **({"DataDigest": "CRC32C"} if dd else {}))
    c.dd = dd
    data = pattern(7 + dd, BLOCK)
    lba = 2800 + 10 * dd
    pdu, itt = scsi_pdu(c, cdb_rw(0x2A, lba, 1), BLOCK, C_F | C_W, data[:3])
    c.send(pdu)
    ttt = expect_r2t(c, itt, 3, 509, 0, "WRITE(10)")
    c.send(data_out_pdu(c, itt, ttt, 0, 3, data[3:253], False))
    c.send(data_out_pdu(c, itt, ttt, 1, 253, data[253:], True))
    want_good(d_status(c, itt, env.bound_post, "WRITE(10)", r2ts=1), "WRITE(10)", 0)
    if read_blocks(c, lba, 1) != data:
        raise Fail("read back differs")
    return "3 + 250 + 259 bytes, read back equal, " + dping(c)


@cases("data", [("read-edtl-510", False), ("read-edtl-510-digest", True)])
def data_read_edtl_510(env, c, dd):
    # READ of 512 bytes into 510: 510 bytes (2 of padding), O, residual 2
    dlogin(c, **({"DataDigest": "CRC32C"} if dd else {}))
    c.dd = dd
    r = d_cmd(c, cdb_rw(0x28, 2800, 1), 510, C_F | C_R, "READ(10) EDTL 510")
    want_good(r, "READ(10) EDTL 510", 510, O_BIT, 2)
    return "510 bytes, O, residual 2, " + survives(c)


@case("data", "read-multi-burst")
def data_read_multi_burst(env, c):
    # 32 KiB in Data-In of 4096, sequences of 8192: F on every second
    dlogin(c, MaxBurstLength=8192, FirstBurstLength=4096, MaxRecvDataSegmentLength=4096)
    r = d_cmd(c, cdb_rw(0x28, 2900, 64), 64 * BLOCK, C_F | C_R, "READ(10) 32 KiB")
    want_good(r, "READ(10) 32 KiB", 64 * BLOCK)
    if r["n"] != 8 or not r["s_bit"]:
        raise Fail("READ(10) 32 KiB: %d Data-In, S %s; want 8" % (r["n"], r["s_bit"]))
    return "8 Data-In in 4 sequences"


@case("data", "write-r2t-outstanding-4")
def data_write_r2t_outstanding_4(env, c):
    # MaxOutstandingR2T=4 (the TPG allows 4): the four R2Ts at once
    dlogin(c, MaxOutstandingR2T=4, MaxBurstLength=8192, FirstBurstLength=4096)
    data = pattern(9, 80 * BLOCK)
    pdu, itt = scsi_pdu(c, cdb_rw(0x2A, 3000, 80), len(data), C_F | C_W)
    c.send(pdu)
    ttts = [expect_r2t(c, itt, i * 8192, 8192, i, "WRITE(10) R2T %d" % i) for i in range(4)]
    for i, ttt in enumerate(ttts):
        send_burst(c, itt, ttt, i * 8192, data[i * 8192:(i + 1) * 8192])
    # the last R2T, for what is left, once one is answered
    ttt = expect_r2t(c, itt, 32768, 8192, 4, "WRITE(10) R2T 4")
    send_burst(c, itt, ttt, 32768, data[32768:])
    want_good(d_status(c, itt, env.bound_post, "WRITE(10)", r2ts=5), "WRITE(10)", 0)
    if read_blocks(c, 3000, 80) != data:
        raise Fail("read back differs")
    return "4 R2Ts outstanding, then the 5th, read back equal"


@case("data", "writes-interleaved")
def data_writes_interleaved(env, c):
    # two writes waiting for data; a READ answered meanwhile; then their
    # Data-Out interleaved
    dlogin(c)
    a, b = pattern(10, 4096), pattern(11, 4096)
    pa, ia = scsi_pdu(c, cdb_rw(0x2A, 3100, 8), 4096, C_F | C_W)
    c.send(pa)
    ta = expect_r2t(c, ia, 0, 4096, 0, "WRITE A")
    pb, ib = scsi_pdu(c, cdb_rw(0x2A, 3110, 8), 4096, C_F | C_W)
    c.send(pb)
    tb = expect_r2t(c, ib, 0, 4096, 0, "WRITE B")
    read_blocks(c, 3120, 2, "READ(10) while two writes wait")
    c.send(data_out_pdu(c, ib, tb, 0, 0, b[:2048], False))
    c.send(data_out_pdu(c, ia, ta, 0, 0, a[:2048], False))
    c.send(data_out_pdu(c, ib, tb, 1, 2048, b[2048:], True))
    c.send(data_out_pdu(c, ia, ta, 1, 2048, a[2048:], True))
    left = {ia: "A", ib: "B"}
    while left:
        bhs, data = dread(c, env.bound_post, "WRITE " + ", ".join(left.values()))
        if bhs[0] & 0x3F != OP_SCSI_RSP or u32(bhs, 16) not in left or bhs[3] != GOOD or \
                u32(bhs, 36) != 1:
            raise Fail("got %s" % describe(bhs, data))
        del left[u32(bhs, 16)]
    if read_blocks(c, 3100, 8) != a or read_blocks(c, 3110, 8) != b:
        raise Fail("read back differs")
    return "both good, read back equal, " + survives(c)


@cases("data", [("dout-dsl-over-mrdsl", True), ("immediate-dsl-over-mrdsl", False)])
def data_dsl_over_mrdsl(env, c, dout):
    # a data segment longer than the target's MaxRecvDataSegmentLength
    # cannot be taken: the connection is dropped
    dlogin(c)
    n = c.mrdsl + 4
    if dout:
        itt, ttt, _ = write_until_r2t(c, 3200, 64)
        pdu = data_out_pdu(c, itt, ttt, 0, 0, b"\x17" * n, True)
    else:
        pdu, _ = scsi_pdu(c, cdb_rw(0x2A, 3200, 64), 32768, C_F | C_W, b"\x17" * n)
    c.send(pdu)
    return expect_close(c, "DataSegmentLength %d > %d" % (n, c.mrdsl))


@case("data", "immediate-data-not-negotiated")
def data_immediate_not_negotiated(env, c):
    dlogin(c, ImmediateData="No")
    pdu, _ = scsi_pdu(c, cdb_rw(0x2A, 3200, 1), BLOCK, C_F | C_W, b"\x18" * BLOCK)
    return reject_then_survive(c, pdu, R_PROTO, "immediate data with ImmediateData=No")


@case("data", "abort-answered-task")
def data_abort_answered_task(env, c):
    # RFC 7143 11.5.1 c: the task is gone and its RefCmdSN is below
    # ExpCmdSN, outside the window: Task does not exist (case b, Function
    # complete, is for a RefCmdSN still within the window: never received)
    dlogin(c)
    cmdsn = c.cmdsn
    pdu, itt = scsi_pdu(c, cdb_tur(), 0, C_F)
    c.send(pdu)
    want_good(d_status(c, itt, env.bound_post, "TUR"), "TUR", 0)
    pdu, titt = tmf_pdu(c, TMF_ABORT_TASK, itt, cmdsn)
    c.send(pdu)
    bhs, data = dread(c, env.bound_post, "ABORT TASK")
    if bhs[0] & 0x3F != OP_TMF_RSP or u32(bhs, 16) != titt or bhs[2] != 1:
        raise Fail("ABORT TASK of an answered task: got %s, want Task does not exist" %
                   describe(bhs, data))
    return "task does not exist, " + survives(c)


@case("data", "unsol-after-f")
def data_unsol_after_f(env, c):
    # the command's F bit said no unsolicited Data-Out follows
    dlogin(c, InitialR2T="No", FirstBurstLength=4096)
    pdu, itt = scsi_pdu(c, cdb_rw(0x2A, 1900, 16), 8192, C_F | C_W, b"\x19" * 1024)
    c.send(pdu)
    return reject_then_close(c, data_out_pdu(c, itt, RSV, 0, 1024, b"\x19" * 1024, True),
                             R_PROTO, "unsolicited Data-Out after F", itt)


@cases("data", [("tmf-lun-reset-unmapped-lun", TMF_LUN_RESET),
                ("tmf-abort-task-unmapped-lun", TMF_ABORT_TASK)])
def data_tmf_unmapped_lun(env, c, func):
    dlogin(c)
    pdu, titt = tmf_pdu(c, func, 0x5555, (c.cmdsn + 0x40000000) & 0xFFFFFFFF, lun=5)
    c.send(pdu)
    bhs, data = dread(c, env.bound_post, "TMF %d to LUN 5" % func)
    if bhs[0] & 0x3F != OP_TMF_RSP or u32(bhs, 16) != titt or bhs[2] != 2:
        raise Fail("TMF %d to LUN 5: got %s, want LUN does not exist" %
                   (func, describe(bhs, data)))
    return "LUN does not exist, " + survives(c)


def trickle(c, b, step=7):
    """Send in pieces of step bytes, each its own TCP segment."""
    for i in range(0, len(b), step):
        c.send(b[i:i + step])
        time.sleep(0.0005)


@cases("data", [("write-trickled", False), ("write-trickled-digest", True)])
def data_write_trickled(env, c, dd):
    # every PDU in 7-byte pieces: header, immediate data, Data-Out, their
    # padding and digests each cut across receive passes
    dlogin(c, **({"DataDigest": "CRC32C", "HeaderDigest": "CRC32C"} if dd else {}))
    c.dd = c.hd = dd
    data = pattern(12 + dd, 8 * BLOCK)
    lba = 3400 + 10 * dd
    pdu, itt = scsi_pdu(c, cdb_rw(0x2A, lba, 8), len(data), C_F | C_W, data[:1001])
    trickle(c, pdu)
    ttt = expect_r2t(c, itt, 1001, len(data) - 1001, 0, "WRITE(10)")
    trickle(c, data_out_pdu(c, itt, ttt, 0, 1001, data[1001:2002], False) +
            data_out_pdu(c, itt, ttt, 1, 2002, data[2002:], True))
    want_good(d_status(c, itt, env.bound_post, "WRITE(10)", r2ts=1), "WRITE(10)", 0)
    if read_blocks(c, lba, 8) != data:
        raise Fail("read back differs")
    return "read back equal, " + survives(c)


@case("data", "readback-4mib-slow-reader")
def data_readback_4mib_slow_reader(env, c):
    # 4 MiB written (immediate 8192, then R2Ts of MaxBurstLength), then
    # read back by a reader that starts 1 s late: more than the socket
    # buffers of both ends take at first, so the Data-In wait on TCP
    dlogin(c)
    data = pattern(14, 4 << 20)
    blocks = len(data) // BLOCK
    pdu, itt = scsi_pdu(c, cdb_rw(0x2A, 8192, blocks), len(data), C_F | C_W, data[:8192])
    c.send(pdu)
    n = answer_r2ts(c, itt, data, 8192, 262144, "WRITE(10) 4 MiB", piece=8192)
    want_good(d_status(c, itt, env.bound_post, "WRITE(10) 4 MiB", r2ts=n), "WRITE(10)", 0)
    pdu, itt = scsi_pdu(c, cdb_rw(0x28, 8192, blocks), len(data), C_F | C_R)
    c.send(pdu)
    time.sleep(1)
    r = d_status(c, itt, env.bound_post, "READ(10) 4 MiB")
    want_good(r, "READ(10) 4 MiB", len(data))
    if r["data"] != data:
        raise Fail("read back differs")
    return "%d R2Ts, %d Data-In, read back equal, " % (n, r["n"]) + survives(c)


# task management

@case("data", "abort-write")
def data_abort_write(env, c):
    dlogin(c)
    itt, ttt, cmdsn = write_until_r2t(c, 2100)
    pdu, titt = tmf_pdu(c, TMF_ABORT_TASK, itt, cmdsn)
    c.send(pdu)
    bhs, data = dread(c, env.bound_post, "ABORT TASK")
    if bhs[0] & 0x3F != OP_TMF_RSP or u32(bhs, 16) != titt or bhs[2] != 0:
        raise Fail("ABORT TASK: got %s, want Function complete" % describe(bhs, data))
    # its data is no longer taken: dropped as for an unknown ITT
    c.send(data_out_pdu(c, itt, ttt, 0, 0, b"\xaa" * 4096, True))
    return "function complete, late Data-Out dropped, " + survives(c)


@case("data", "abort-unknown-task")
def data_abort_unknown_task(env, c):
    # RFC 7143 11.5.1 c: no such task and RefCmdSN outside the window
    dlogin(c)
    pdu, titt = tmf_pdu(c, TMF_ABORT_TASK, 0x5555, (c.cmdsn + 0x40000000) & 0xFFFFFFFF)
    c.send(pdu)
    bhs, data = dread(c, env.bound_post, "ABORT TASK")
    if bhs[0] & 0x3F != OP_TMF_RSP or u32(bhs, 16) != titt or bhs[2] != 1:
        raise Fail("ABORT TASK of no task: got %s, want Task does not exist" %
                   describe(bhs, data))
    return "task does not exist, " + survives(c)


@cases("data", [("tmf-function-0", (0, 255)), ("tmf-function-15", (15, 255)),
                ("tmf-function-127", (127, 255)), ("tmf-task-reassign", (TMF_TASK_REASSIGN, 4))])
def data_tmf_function(env, c, p):
    func, want = p
    dlogin(c)
    pdu, titt = tmf_pdu(c, func)
    c.send(pdu)
    bhs, data = dread(c, env.bound_post, "TMF function %d" % func)
    if bhs[0] & 0x3F != OP_TMF_RSP or u32(bhs, 16) != titt or bhs[2] != want:
        raise Fail("TMF function %d: got %s, want response %d" % (func, describe(bhs, data), want))
    return "response %d, " % want + survives(c)


@case("data", "snack")
def data_snack(env, c):
    # ErrorRecoveryLevel=0: no SNACK support: a Reject (iscsi_target_mod
    # says protocol error, "command not supported" fits as well)
    dlogin(c)
    c.itt += 1
    pdu = frame(c, struct.pack(">BBxxB3s8sII4xI8xII", OP_SNACK, 0x80, 0, b"\0\0\0", lun8(0),
                               c.itt, RSV, c.statsn, 0, 0))
    return reject_then_survive(c, pdu, (R_PROTO, R_NOTSUP), "SNACK")


def data_lun_reset(env, c):
    """Run alone (after the others): a LUN reset aborts every task of
    LUN 0 and leaves a unit attention on it (SAM-5 6.x, LIO's
    target_dev_ua_allocate: BUS DEVICE RESET FUNCTION OCCURRED)."""
    dlogin(c)
    itt, ttt, _ = write_until_r2t(c, 2200)
    pdu, titt = tmf_pdu(c, TMF_LUN_RESET)
    c.send(pdu)
    bhs, data = dread(c, env.bound_post, "LUN RESET")
    if bhs[0] & 0x3F != OP_TMF_RSP or u32(bhs, 16) != titt or bhs[2] != 0:
        raise Fail("LUN RESET: got %s, want Function complete" % describe(bhs, data))
    c.send(data_out_pdu(c, itt, ttt, 0, 0, b"\xbb" * 4096, True))
    dping(c, "ping after LUN RESET")
    r = d_cmd(c, cdb_tur(), 0, C_F, "TUR after LUN RESET")
    k, asc = sense_key(r["sense"])
    if r["status"] != CHECK_CONDITION or (k, asc) != (6, 0x29):
        raise Fail("TUR after LUN RESET: status 0x%02x sense %s, want UNIT ATTENTION 29h" %
                   (r["status"], r["sense"].hex()))
    return "function complete, late Data-Out dropped, unit attention 29h, " + \
        tur(c, window=True)


# ---- events: the target speaks first (--events, run one at a time) ----

EVENTS = []
OP_ASYNC = 0x32


def event(name):
    def reg(fn):
        EVENTS.append(("events", name, fn))
        return fn
    return reg


def answer_ping(c, bhs):
    """RFC 7143 11.18: the NOP-Out answering a NOP-In ping: immediate, ITT
    0xffffffff, the ping's LUN and TTT, CmdSN not advanced."""
    c.send(frame(c, struct.pack(">BB2xI8sI4sII16s", IMM | OP_NOP_OUT, 0x80, 0, bhs[8:16],
                                RSV, bhs[20:24], c.cmdsn, c.statsn, b"\0" * 16)))


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
        answer_ping(c, bhs)
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


@event("tpg-disable-write-pending")
def ev_tpg_disable_write_pending(env, c):
    """An initiator that does not log out when asked, with a write waiting
    for its data, is disconnected after the time the message gave, and
    the write is released (the enable write returns)."""
    dlogin(c)
    write_until_r2t(c, 4000)
    enable = os.path.join(env.events_tpg, "enable")
    op = CfsOp("write", enable, "0")
    t0 = time.monotonic()
    wait = async_logout(c, env.bound_post, "enable=0")
    if not c.wait_close(wait + 8):
        raise Fail("open %.0fs after an Async logout giving %ds" % (wait + 8, wait))
    t = time.monotonic() - t0
    if t < wait - 1:
        raise Fail("closed %.1fs after the Async logout: it gave %ds" % (t, wait))
    secs = op.finish(10, "echo 0 >enable")
    CfsOp("write", enable, "1").finish(10, "echo 1 >enable")
    return "closed %.1fs after the Async logout (Time2Wait %ds), enable=0 took %.1fs, %s" % (
        t, wait, secs, login_works(env, c.isid, "enabled again"))


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


# ---- runner ----

class Env:
    pass


def run_case(env, isid, cat, name, fn):
    t0 = time.monotonic()
    c = None
    try:
        c = Conn(env, isid)
        detail = fn(env, c)
        ok = True
    except Fail as e:
        ok, detail = False, str(e)
    except (Closed, Timeout) as e:
        ok, detail = False, "unexpected %s" % type(e).__name__
    except Exception as e:
        ok, detail = False, "client error %s: %s" % (type(e).__name__, e)
        traceback.print_exc()
    finally:
        if c:
            c.close()
    return cat, name, ok, time.monotonic() - t0, detail


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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=3260)
    p.add_argument("--initiator", required=True)
    p.add_argument("--t-none", required=True)
    p.add_argument("--t-chap", required=True)
    p.add_argument("--chap", required=True)
    p.add_argument("--bound-pre", type=float, default=25)
    p.add_argument("--bound-post", type=float, default=12)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--mutations", type=int, default=300)
    p.add_argument("--parallel", type=int, default=100)
    p.add_argument("--workers", type=int, default=24)
    p.add_argument("--only")
    p.add_argument("--login", choices=["none", "chap"])
    p.add_argument("--events", action="store_true")
    p.add_argument("--events-target")
    p.add_argument("--events-tpg")
    p.add_argument("--events-port", type=int, default=3261)
    p.add_argument("--nopin", type=int, default=3)
    p.add_argument("--nopin-rsp", type=int, default=3)
    a = p.parse_args()
    env = Env()
    env.__dict__.update(vars(a))
    env.chap = a.chap.split(":")
    if a.login:
        fn = chap_control_mutual if a.login == "chap" else stage_control_two_stages
        _, _, ok, secs, detail = run_case(env, b"\x80\xcc\x00\x00\x00\x01", "login",
                                          a.login, fn)
        print("login %s: %s %.1fs %s" % (a.login, "ok" if ok else "FAILED", secs, detail))
        return 0 if ok else 1
    only = set(a.only.split(",")) if a.only else None
    if a.events:
        only = {"events"}

    jobs = [(i, cat, name, fn) for i, (cat, name, fn) in enumerate(CASES, 1)
            if not only or cat in only]
    results = []
    lock = threading.Lock()
    t0 = time.monotonic()

    def report(r):
        cat, name, ok, secs, detail = r
        with lock:
            results.append(r)
            print("CASE %s %s %s %.1fs %s" % (cat, name, "PASS" if ok else "FAIL",
                                              secs, detail), flush=True)

    with concurrent.futures.ThreadPoolExecutor(a.workers) as ex:
        futs = [ex.submit(run_case, env, b"\x80\x00\x00" + i.to_bytes(3, "big"),
                          cat, name, fn) for i, cat, name, fn in jobs]
        if not only or "mutate" in only:
            # ISIDs far (in bits) from the other cases': a mutated ISID
            # must not reinstate another case's session
            futs += [ex.submit(run_case, env, b"\x80\x5a\xa5" + m.to_bytes(3, "big"),
                               "mutate", "m%03d" % m,
                               lambda e, c, m=m: run_mutation(e, c, m))
                     for m in range(a.mutations)]
        for f in concurrent.futures.as_completed(futs):
            report(f.result())
    if a.events:
        for r in run_events(env):
            report(r)
    if not only or "data" in only:
        # alone: a LUN reset aborts the tasks of every session on LUN 0
        report(run_case(env, b"\x80\xdd\x00\x00\x00\x01", "data", "lun-reset",
                        data_lun_reset))
    if not only or "parallel" in only:
        for r in run_parallel(env):
            report(r)

    print("---- summary (%.0fs, seed %d)" % (time.monotonic() - t0, a.seed))
    cats = {}
    for cat, name, ok, secs, detail in results:
        s = cats.setdefault(cat, [0, 0, "", {}])
        s[0 if ok else 1] += 1
        if not ok and not s[2]:
            s[2] = "%s: %s" % (name, detail)
        if cat == "mutate" and ok:
            s[3][detail] = s[3].get(detail, 0) + 1
    bad = 0
    for cat in sorted(cats):
        npass, nfail, first, outcomes = cats[cat]
        bad += nfail
        extra = " (%s)" % ", ".join("%s %d" % kv_ for kv_ in sorted(outcomes.items())) \
            if outcomes else ""
        print("CATEGORY %s %d %d %s%s" % (cat, npass, nfail, first or "-", extra), flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
