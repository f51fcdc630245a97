# SPDX-License-Identifier: GPL-2.0
"""SCSI over a raw session (RFC 7143 11.2-11.8) for the data-path and
event cases: a login to the None target with LUN 0, CDBs, a reader that
answers the target's pings and checks StatSN and ExpCmdSN of every
answer, Data-In collection, R2T answering, and the expected outcomes (a
status, a Reject carrying our header, a close).

Each case logs in (its own session), drives one SCSI exchange and checks
the outcome field by field: the SCSI Response / Data-In / R2T expected,
or a Reject carrying our header (and then a close, or a connection that
still answers a ping and a TEST UNIT READY), or a silent drop (the next
thing answered is a ping). StatSN and ExpCmdSN of every answer are
checked against the client's count."""
import random
import struct
import time

from .conn import ops
from .pdu import (C_F, C_R, C_W, CHECK_CONDITION, GOOD, IMM, O_BIT, OP_DATA_IN, OP_NOP_IN,
                  OP_NOP_OUT, OP_R2T, OP_REJECT, OP_SCSI_RSP, RSV, S_BIT, STAT_OPS, U_BIT,
                  Closed, Fail, Timeout, describe, lun8, u32)

BLOCK = 512


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



def cdb_rw(op, lba, blocks):
    return struct.pack(">BBIBHB", op, 0, lba, 0, blocks, 0)


def cdb_tur():
    return b"\0" * 6


def cdb_inquiry(alloc):
    return struct.pack(">BBBHB", 0x12, 0, 0, alloc, 0)



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
                c.send(c.nop_answer(bhs, lun=b"\0" * 8))
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
    pdu, itt = c.scsi_pdu(cdb, edtl, flags, data, lun=lun, **kw)
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
    c.send(c.frame(struct.pack(">BBxxB3s8sIIII16s", IMM | OP_NOP_OUT, 0x80, 0,
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
        c.send(c.data_out_pdu(itt, ttt, i, offset + o, chunk,
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
    pdu, itt = c.scsi_pdu(cdb_rw(0x2A, lba, blocks), blocks * BLOCK, C_F | C_W, lun=lun)
    c.send(pdu)
    ttt = expect_r2t(c, itt, 0, blocks * BLOCK, 0, "WRITE(10)", lun)
    return itt, ttt, cmdsn


# well-formed: controls
