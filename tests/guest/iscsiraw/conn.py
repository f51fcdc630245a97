# SPDX-License-Identifier: GPL-2.0
"""One initiator connection: the socket and its PDU reader (optional
digests), the one Login request builder and exchange (C-bit answers
collected), the login stages (None, CHAP), and the Full Feature Phase
PDUs the tests send: NOP-Out (ping and answer), Text, Logout, SCSI
Command, Data-Out, Task Management; and the outcomes they wait for
(a Login refusal, a Reject or a close, a ping answered)."""
import hashlib
import socket
import struct
import time

from .pdu import (F_C, F_T, IMM, OP_DATA_OUT, OP_LOGIN, OP_LOGIN_RSP, OP_LOGOUT,
                  OP_LOGOUT_RSP, OP_NOP_IN, OP_NOP_OUT, OP_REJECT, OP_SCSI_CMD, OP_TMF,
                  ATTR_SIMPLE, C_F, RSV, Closed, Fail, Reader, Timeout, connect, digest,
                  kv, lun8, pad4, parse_keys, status_of)

# The operational keys of a valid login (what the tests offer by default).
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


def ops(**over):
    """OPERATIONAL with some values replaced."""
    return [(k, str(over[k]) if k in over else v) for k, v in OPERATIONAL]


def chap_md5(ident, secret, chal):
    """CHAP_R for CHAP_A=5 (RFC 1994): MD5 of identifier, secret and
    challenge, as a hex constant."""
    if isinstance(secret, str):
        secret = secret.encode()
    return "0x" + hashlib.md5(bytes([ident]) + secret + chal).hexdigest()


class Conn(Reader):
    """One TCP connection to env.host:env.port with PDU builders and a
    deadline-bound reader (from env.source, if set, else any local
    address). env also gives initiator, t_none, t_chap,
    chap (user, secret, mutual user, mutual secret) and bound_post (the
    default wait) to the login helpers that use them."""

    def __init__(self, env, isid):
        super().__init__(connect(env.host, env.port, source=getattr(env, "source", None)))
        self.env = env
        self.isid = isid
        self.t0 = time.monotonic()
        self.cmdsn = 1
        self.statsn = 0  # the next StatSN: ExpStatSN
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

    def rst_close(self):
        """Close with a TCP reset."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close()

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

    def exchange(self, pdu, secs=None, rest=None):
        """Send a Login Request; return (status, flags, keys, bhs) of the
        answer (the rest of a C-bit answer collected: rest(bhs) is the
        request that asks for more, by default an empty one for the
        answer's stage, T=0 and NSG=0)."""
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
            if rest:
                self.send(rest(bhs))
                continue
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
        return chap_md5(ident, secret or self.env.chap[1], chal)



    def frame(self, hdr, data=b""):
        """Header (BHS + AHS), digests as negotiated, padded data."""
        b = hdr + (digest(hdr) if self.hd else b"")
        if data:
            p = pad4(data)
            b += p + (digest(p) if self.dd else b"")
        return b

    def nop_answer(self, bhs, lun=None):
        """RFC 7143 11.18: the NOP-Out answering a NOP-In ping: immediate, ITT
        0xffffffff, the ping's TTT (and LUN, unless given), CmdSN not
        advanced."""
        return self.frame(struct.pack(">BB2xI8sI4sII16s", IMM | OP_NOP_OUT, 0x80, 0,
                                      bhs[8:16] if lun is None else lun, RSV, bhs[20:24],
                                      self.cmdsn, self.statsn, b"\0" * 16))

    def scsi_pdu(self, cdb, edtl, flags, data=b"", lun=0, imm=False, cmdsn=None,
                 ahs=b"", total_ahs=None, dsl=None):
        """A SCSI Command; returns (pdu, itt). A non-immediate command
        without an explicit CmdSN takes the next one."""
        self.itt += 1
        if cmdsn is None:
            cmdsn = self.cmdsn
            if not imm:
                self.cmdsn += 1
        bhs = struct.pack(">BBxxB3s8sIIII16s", OP_SCSI_CMD | (IMM if imm else 0),
                          flags | ATTR_SIMPLE,
                          len(ahs) // 4 if total_ahs is None else total_ahs,
                          struct.pack(">I", len(data) if dsl is None else dsl)[1:],
                          lun8(lun), self.itt, edtl, cmdsn, self.statsn,
                          bytes(cdb[:16]).ljust(16, b"\0"))
        return self.frame(bhs + ahs, data), self.itt

    def data_out_pdu(self, itt, ttt, datasn, offset, data, final, lun=0, dsl=None):
        bhs = struct.pack(">BBxxx3s8sII4xI4xII4x", OP_DATA_OUT, C_F if final else 0,
                          struct.pack(">I", len(data) if dsl is None else dsl)[1:],
                          lun8(lun), itt, ttt, self.statsn, datasn, offset)
        return self.frame(bhs, data)

    def tmf_pdu(self, func, rtt=RSV, refcmdsn=0, lun=0):
        self.itt += 1
        bhs = struct.pack(">BBxxB3s8sIIIIII8x", IMM | OP_TMF, 0x80 | func, 0, b"\0\0\0",
                          lun8(lun), self.itt, rtt, self.cmdsn, self.statsn, refcmdsn, 0)
        return self.frame(bhs), self.itt


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

