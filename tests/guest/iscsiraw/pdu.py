# SPDX-License-Identifier: GPL-2.0
"""iSCSI PDUs (RFC 7143): opcodes and flags, the BHS fields the tests
read, padding, CRC32C digests, the text key codec, and the reader of
whole PDUs (deadline-bound, digests checked as negotiated)."""
import select
import socket
import struct
import time

# initiator opcodes
OP_NOP_OUT, OP_SCSI_CMD, OP_TMF, OP_LOGIN, OP_TEXT, OP_DATA_OUT, OP_LOGOUT = \
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06
OP_SNACK = 0x10
# target opcodes
OP_NOP_IN, OP_SCSI_RSP, OP_TMF_RSP, OP_LOGIN_RSP, OP_TEXT_RSP, OP_DATA_IN, \
    OP_LOGOUT_RSP, OP_R2T, OP_ASYNC, OP_REJECT = \
    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x31, 0x32, 0x3F
IMM = 0x40
F_T = 0x80  # Login: Transit; others: Final
F_C = 0x40
RSV = 0xFFFFFFFF
# SCSI Command flags and attributes, SCSI Response/Data-In flags
C_F, C_R, C_W, ATTR_SIMPLE = 0x80, 0x40, 0x20, 0x01
S_BIT, U_BIT, O_BIT = 0x01, 0x02, 0x04
# Reject reasons
R_DIGEST, R_PROTO, R_NOTSUP = 0x02, 0x04, 0x05
# SCSI status
GOOD, CHECK_CONDITION = 0x00, 0x02
# TMF functions
TMF_ABORT_TASK, TMF_LUN_RESET, TMF_TASK_REASSIGN = 1, 5, 8
# answers that carry the next StatSN and advance it (RFC 7143 3.2.2.2)
STAT_OPS = (OP_SCSI_RSP, OP_TMF_RSP, OP_REJECT, OP_TEXT_RSP, OP_LOGOUT_RSP)


class Closed(Exception):
    """The target closed the connection."""


class Timeout(Exception):
    """Nothing (or not a whole PDU) before the deadline."""


class Fail(Exception):
    """The case failed: the message says why."""


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


def pad4(b):
    return b + b"\0" * (-len(b) % 4)


def kv(keys):
    """[(k, v)] or bytes -> data segment bytes"""
    if isinstance(keys, (bytes, bytearray)):
        return bytes(keys)
    return b"".join((k if isinstance(k, bytes) else k.encode()) + b"=" +
                    (v if isinstance(v, bytes) else v.encode()) + b"\0"
                    for k, v in keys)


def parse_keys(data):
    out = {}
    for item in data.split(b"\0"):
        if b"=" in item:
            k, v = item.split(b"=", 1)
            out[k.decode(errors="replace")] = v.decode(errors="replace")
    return out


def u32(b, o):
    return struct.unpack_from(">I", b, o)[0]


def dsl_of(bhs):
    return struct.unpack(">I", b"\0" + bhs[5:8])[0]


def status_of(bhs):
    return (bhs[36] << 8) | bhs[37]


def lun8(lun):
    return struct.pack(">Q", lun << 48)  # peripheral addressing, LUN < 256


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


class Reader:
    """Whole PDUs from a socket, each within a deadline; header and data
    digests (hd, dd) checked when set."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.eof = False
        self.hd = False  # header digests, both ways
        self.dd = False  # data digests, both ways

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
        """(BHS, data segment) of the next PDU; Closed, Timeout or Fail
        (a wrong digest)."""
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


def connect(host, port, timeout=10, source=None):
    """A TCP connection, from the local address source if given."""
    sock = socket.create_connection((host, port), timeout=timeout,
                                    source_address=(source, 0) if source else None)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock
