# SPDX-License-Identifier: GPL-2.0
"""Data path: SCSI commands to LUN 0 of the None target (see
iscsiraw.scsi); LUN RESET (data_lun_reset) runs alone, after the
others."""
import struct
import time

from . import case, cases
from ..conn import Conn
from ..pdu import (CHECK_CONDITION, C_F, C_R, C_W, Closed, F_T, Fail, GOOD, OP_LOGOUT,
                   OP_LOGOUT_RSP, OP_NOP_IN, OP_NOP_OUT, OP_R2T, OP_SCSI_RSP, OP_SNACK,
                   OP_TMF_RSP, O_BIT, RSV, R_DIGEST, R_NOTSUP, R_PROTO, TMF_ABORT_TASK,
                   TMF_LUN_RESET, TMF_TASK_REASSIGN, Timeout, U_BIT, describe, lun8, u32)
from ..scsi import (BLOCK, answer_r2ts, cdb_inquiry, cdb_rw, cdb_tur, d_cmd, d_status, dlogin,
                    dping, dread, expect_close, expect_r2t, expect_reject, pattern,
                    read_blocks, send_burst, sense_key, survives, tur, want_check, want_good,
                    write_until_r2t)


def await_answers(c, env, want, nop_itt=None, forbid=None):
    """Collect the answers to the ITTs of want ({itt: what}), in any
    order: a NOP-In for nop_itt, a GOOD SCSI Response for the others;
    an answer to forbid (an aborted task) is a failure. Returns the
    answers' descriptions in arrival order."""
    got = []
    while want:
        try:
            bhs, data = dread(c, env.bound_post, "waiting for " + ", ".join(want.values()))
        except Fail as e:
            raise Fail("%s (answered: %s)" % (e, ", ".join(got) or "nothing"))
        itt = u32(bhs, 16)
        op = bhs[0] & 0x3F
        if forbid is not None and itt == forbid:
            raise Fail("the aborted task ran: %s" % describe(bhs, data))
        if itt not in want or (op == OP_NOP_IN) != (itt == nop_itt) or \
                (op != OP_NOP_IN and (op != OP_SCSI_RSP or bhs[3] != GOOD)):
            raise Fail("got %s (answered: %s)" % (describe(bhs, data), ", ".join(got)))
        got.append(want.pop(itt))
    return got


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
    pdu, itt = c.scsi_pdu(cdb_rw(0x2A, 1200, 32), len(data), C_F | C_W)
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
    pdu, itt = c.scsi_pdu(cdb_rw(0x2A, 1300, 16), len(data), C_F | C_W, data[:2048])
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
    pdu, itt = c.scsi_pdu(cdb_rw(0x2A, 1400, 24), len(data), C_W, data[:1024])
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
    pdu, itt = c.scsi_pdu(cdb_rw(0x2A, 1500, 8), len(data), C_W)
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
    pdu, _ = c.scsi_pdu(cdb_rw(0x2A, 1700, 1), BLOCK, C_F | C_R | C_W)
    return reject_then_survive(c, pdu, R_NOTSUP, "R+W")


@case("data", "immediate-on-read")
def data_immediate_on_read(env, c):
    dlogin(c)
    pdu, _ = c.scsi_pdu(cdb_rw(0x28, 1700, 1), BLOCK, C_F | C_R, b"\x11" * BLOCK)
    return reject_then_survive(c, pdu, R_PROTO, "READ with immediate data")


@case("data", "immediate-on-tur")
def data_immediate_on_tur(env, c):
    dlogin(c)
    pdu, _ = c.scsi_pdu(cdb_tur(), 0, C_F, b"\x11" * 64)
    return reject_then_survive(c, pdu, R_PROTO, "TUR with immediate data")


@case("data", "w-edtl0-immediate")
def data_w_edtl0_immediate(env, c):
    dlogin(c)
    pdu, _ = c.scsi_pdu(cdb_rw(0x2A, 1700, 0), 0, C_F | C_W, b"\x22" * BLOCK)
    return reject_then_survive(c, pdu, R_PROTO, "W, EDTL 0, immediate data")


@case("data", "immediate-over-first-burst")
def data_immediate_over_first_burst(env, c):
    dlogin(c, FirstBurstLength=1024)
    pdu, _ = c.scsi_pdu(cdb_rw(0x2A, 1700, 8), 8 * BLOCK, C_F | C_W, b"\x33" * 2048)
    return reject_then_survive(c, pdu, R_PROTO, "immediate 2048 > FirstBurstLength 1024")


@case("data", "f0-with-initialr2t")
def data_f0_with_initialr2t(env, c):
    # InitialR2T=Yes: no unsolicited Data-Out may follow, F must be set
    dlogin(c)
    pdu, _ = c.scsi_pdu(cdb_rw(0x2A, 1700, 8), 8 * BLOCK, C_W)
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
    # EDTL 0xffffffff for a 512-byte WRITE (RFC 7143 11.4.5.1, issue 12):
    # the block is asked for (an R2T of 512 when no immediate data came)
    # and written; GOOD, residual underflow 0xffffffff - 512
    dlogin(c, ImmediateData="Yes")
    lba, data = 1700 + len(imm), pattern(20 + len(imm), BLOCK)
    pdu, itt = c.scsi_pdu(cdb_rw(0x2A, lba, 1), 0xFFFFFFFF, C_F | C_W, data if imm else b"")
    c.send(pdu)
    n = 0 if imm else answer_r2ts(c, itt, data, 0, BLOCK, "WRITE(10) EDTL 0xffffffff")
    r = d_status(c, itt, env.bound_post, "WRITE(10) EDTL 0xffffffff", r2ts=n)
    want_good(r, "WRITE(10) EDTL 0xffffffff", 0, U_BIT, 0xFFFFFFFF - BLOCK)
    if read_blocks(c, lba, 1) != data:
        raise Fail("read back differs")
    return "%d R2T, U, residual 0x%x, read back equal, " % (n, r["resid"]) + survives(c)


# What the nodata-w-edtl cases let the guest's MemAvailable fall by: the
# defect held the whole EDTL (1 GiB for one command) or failed to
# allocate it (a WARN). They run alone (ALONE): among the parallel cases
# they saw up to 83 MiB go, other cases' socket buffers (nop-flood-never-
# read alone holds ~50 MiB). A fall over the bound is measured again a
# second later.
EDTL_HELD_MAX = 64 << 20


@cases("data", [("nodata-w-edtl-1g", (1 << 30, 1)), ("nodata-w-edtl-4g-x64", (0xFFFFFFFF, 64))],
       alone=True)
def data_nodata_w_edtl_huge(env, c, arg):
    # issue 12 defect 1: TEST UNIT READY with W and a huge EDTL and no
    # data. LIO would keep the whole EDTL as its write buffer (a WARN past
    # 512 MiB, the OOM killer after a few); it transfers nothing: GOOD at
    # once, no R2T, residual underflow = the EDTL. Many at once (the
    # CmdSN window) must not hold memory either: every answer comes, and
    # the guest's free memory is what it was.
    edtl, count = arg
    dlogin(c)
    before = mem_available()
    itts = []
    for _ in range(min(count, c.window)):
        pdu, itt = c.scsi_pdu(cdb_tur(), edtl, C_F | C_W)
        c.send(pdu)
        itts.append(itt)
    c.check_exp = False  # answers come while later commands are in flight
    for itt in itts:
        r = d_status(c, itt, env.bound_post, "TUR W EDTL 0x%x" % edtl)
        want_good(r, "TUR W EDTL 0x%x" % edtl, 0, U_BIT, edtl)
    # a few 1-byte Data-Outs for the answered task: dropped, no effect
    for i in range(4):
        c.send(c.data_out_pdu(itts[0], RSV, i, i, b"\x01", False, 0))
    after = mem_available()
    if before - after > EDTL_HELD_MAX:
        # Something else in the guest may be allocating for a moment; a
        # buffer held for these commands would still be held a second
        # later.
        time.sleep(1)
        after = max(after, mem_available())
    c.check_exp = True
    if before - after > EDTL_HELD_MAX:
        raise Fail("MemAvailable fell by %d MiB" % ((before - after) >> 20))
    return "%d answered GOOD, U, residual 0x%x, memory held %d KiB, " % (
        len(itts), edtl, max(0, before - after) >> 10) + survives(c)


def mem_available():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    raise Fail("no MemAvailable in /proc/meminfo")


@case("data", "pr-out-param-huge")
def data_pr_out_param_huge(env, c):
    # PERSISTENT RESERVE OUT whose parameter list length and EDTL agree on
    # 2 GiB: LIO caps the buffer at max_xfer_kib (8 MiB), asks for no more
    # than that, and answers once it has it; never a 2 GiB buffer
    dlogin(c, InitialR2T="Yes", MaxBurstLength=262144)
    size = 1 << 31
    cdb = bytes([0x5F, 0x00, 0, 0, 0]) + struct.pack(">I", size) + b"\0"
    pdu, itt = c.scsi_pdu(cdb, size, C_F | C_W)
    c.send(pdu)
    bhs, seg = dread(c, env.bound_post, "PR OUT 2 GiB")
    if bhs[0] & 0x3F != OP_R2T:
        raise Fail("PR OUT 2 GiB: %s, want R2Ts for a buffer of 8 MiB" % describe(bhs, seg))
    total = u32(bhs, 44)
    if u32(bhs, 40) != 0 or total > 262144:
        raise Fail("PR OUT: first R2T offset %d length %d" % (u32(bhs, 40), total))
    # the R2Ts never ask past the cap
    ttt = u32(bhs, 20)
    send_burst(c, itt, ttt, 0, b"\0" * total, piece=8192)
    n, off = 1, total
    while True:
        bhs, seg = dread(c, env.bound_post, "PR OUT R2T %d" % n)
        if bhs[0] & 0x3F != OP_R2T:
            break
        if u32(bhs, 40) != off or off + u32(bhs, 44) > 8 << 20:
            raise Fail("PR OUT: R2T offset %d length %d past 8 MiB" %
                       (u32(bhs, 40), u32(bhs, 44)))
        send_burst(c, itt, u32(bhs, 20), off, b"\0" * u32(bhs, 44), piece=8192)
        off += u32(bhs, 44)
        n += 1
    if off != 8 << 20:
        raise Fail("PR OUT: %d bytes asked for, want the 8 MiB cap" % off)
    if bhs[0] & 0x3F != OP_SCSI_RSP or u32(bhs, 16) != itt:
        raise Fail("PR OUT: got %s" % describe(bhs, seg))
    return "asked for 8 MiB at most, answered status 0x%02x, " % bhs[3] + survives(c)


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
    pdus = [c.data_out_pdu(itt, t, sn, off, b"\x55" * ln, f)
            for t, sn, off, ln, f in plan(c, itt, ttt)]
    for p in pdus[:-1]:
        c.send(p)
    return reject_then_close(c, pdus[-1], R_PROTO, "Data-Out")


@case("data", "dout-bad-data-digest")
def data_dout_bad_data_digest(env, c):
    dlogin(c, DataDigest="CRC32C")
    c.dd = True
    itt, ttt, _ = write_until_r2t(c, 1800)
    pdu = c.data_out_pdu(itt, ttt, 0, 0, b"\x66" * 4096, True)
    pdu = pdu[:-4] + bytes(b ^ 0xFF for b in pdu[-4:])
    return reject_then_close(c, pdu, R_DIGEST, "Data-Out with a bad data digest")


@case("data", "immediate-bad-data-digest")
def data_immediate_bad_data_digest(env, c):
    dlogin(c, DataDigest="CRC32C")
    c.dd = True
    pdu, _ = c.scsi_pdu(cdb_rw(0x2A, 1800, 8), 4096, C_F | C_W, b"\x67" * 4096)
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
    pdu, itt = c.scsi_pdu(cdb_rw(0x2A, 1900, 16), 8192, C_W)
    c.send(pdu)
    sn, off, ln, f = plan
    return reject_then_close(c, c.data_out_pdu(itt, RSV, sn, off, b"\x77" * ln, f), R_PROTO,
                             "unsolicited Data-Out", itt)


@case("data", "dout-unknown-itt")
def data_dout_unknown_itt(env, c):
    dlogin(c)
    c.send(c.data_out_pdu(0x7777, 0x1234, 0, 0, b"\x88" * BLOCK, True))
    return "dropped, " + survives(c)


@case("data", "dout-after-good")
def data_dout_after_good(env, c):
    # the write is answered: more Data-Out for it is dropped
    dlogin(c, ImmediateData="Yes")
    pdu, itt = c.scsi_pdu(cdb_rw(0x2A, 2000, 1), BLOCK, C_F | C_W, b"\x99" * BLOCK)
    c.send(pdu)
    want_good(d_status(c, itt, env.bound_post, "WRITE(10)"), "WRITE(10)", 0)
    c.send(c.data_out_pdu(itt, RSV, 0, BLOCK, b"\x99" * BLOCK, True))
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
        c.send(c.nop_answer(bhs, lun=b"\0" * 8))


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
    pdu, _ = c.scsi_pdu(cdb, 0, C_F, ahs=ahs, total_ahs=total)
    return reject_then_survive(c, pdu, R_PROTO, "SCSI Command with bad AHS")


# CmdSN

@cases("data", [("cmdsn-far-ahead", 0x40000000), ("cmdsn-behind", -1),
                ("cmdsn-ahead-of-window", 1000)])
def data_cmdsn_outside(env, c, delta):
    dlogin(c)
    if delta < 0:
        tur(c)  # so that CmdSN - 1 is an old one
    pdu, _ = c.scsi_pdu(cdb_tur(), 0, C_F, cmdsn=(c.cmdsn + delta) & 0xFFFFFFFF)
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
    p2, itt2 = c.scsi_pdu(cdb_tur(), 0, C_F, cmdsn=first + 1)
    c.send(p2)
    c.send(c.ffp_pdu(OP_NOP_OUT, data=b"between!"))
    nop_itt = c.itt
    p1, itt1 = c.scsi_pdu(cdb_tur(), 0, C_F, cmdsn=first)
    c.send(p1)
    c.cmdsn = first + 2
    got = await_answers(c, env, {itt1: "TUR CmdSN n", itt2: "TUR CmdSN n+1",
                                 nop_itt: "ping"}, nop_itt)
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
    # 4096 bytes to write, EDTL 512 (immediate): FCP-4 9.4.2 a), as
    # iscsi-test-cu's Write*Residuals want: the first block written, the
    # rest not; GOOD, residual overflow 3584
    dlogin(c, ImmediateData="Yes")
    old = read_blocks(c, 2300, 8)
    new = pattern(21, BLOCK)
    r = d_cmd(c, cdb_rw(0x2A, 2300, 8), BLOCK, C_F | C_W, "WRITE(10) 8 blocks, EDTL 512", new)
    want_good(r, "WRITE(10) 8 blocks, EDTL 512", 0, O_BIT, 7 * BLOCK)
    if read_blocks(c, 2300, 8) != new + old[BLOCK:]:
        raise Fail("read back: not the first block new and the rest as before")
    return "O, residual 3584, one block written, " + survives(c)


@case("data", "mcs-session-keys")
def data_mcs_session_keys(env, c):
    # issue 12 defect 6: a connection joining a session works with the
    # session's leading-only values (RFC 7143 13.10-13.17), here
    # InitialR2T=No and FirstBurstLength=4096 from the leading login: on
    # the second connection a write may carry unsolicited Data-Out, and
    # its R2T asks for the data after 4096
    dlogin(c, InitialR2T="No", ImmediateData="Yes", FirstBurstLength=4096, MaxConnections=2)
    c2 = Conn(env, c.isid)
    try:
        c2.tsih, c2.cid, c2.cmdsn = c.tsih, 2, c.cmdsn
        c2.login_none(op_keys=[("HeaderDigest", "None"), ("DataDigest", "None"),
                               ("MaxRecvDataSegmentLength", "262144")])
        c2.max_burst = c.max_burst
        data = pattern(30, 16 * BLOCK)
        pdu, itt = c2.scsi_pdu(cdb_rw(0x2A, 2600, 16), len(data), C_W, data[:1024])
        c2.send(pdu)
        send_burst(c2, itt, RSV, 1024, data[1024:4096], piece=1024)
        n = answer_r2ts(c2, itt, data, 4096, c.max_burst, "WRITE(10) on CID 2", piece=4096)
        want_good(d_status(c2, itt, env.bound_post, "WRITE(10) on CID 2", r2ts=n),
                  "WRITE(10) on CID 2", 0)
        c.cmdsn = c2.cmdsn
    finally:
        c2.close()
    if read_blocks(c, 2600, 16) != data:
        raise Fail("read back on CID 1 differs")
    return "CID 2: unsolicited to 4096, %d R2T, read back on CID 1 equal" % n


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
        pdu, itt = c.scsi_pdu(cdb_rw(0x2A, 0, 8), 4096, C_W, b"\x14" * 1024, lun=5)
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
        pdu, itt = c.scsi_pdu(cdb_rw(0x2A, 2400, 1), BLOCK, C_F | C_W, imm=i >= n)
        c.send(pdu)
        itts.append(itt)
    pdu, last = c.scsi_pdu(cdb_rw(0x2A, 2400, 1), BLOCK, C_F | C_W, b"\x15" * BLOCK, imm=True)
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
    c.rst_close()
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
        pdu, _ = c.scsi_pdu(cdb_rw(0x2A, 2500, 8), 4096, C_F | C_W, b"\x16" * 4096)
        c.send(pdu[:48 + 1000])
    else:
        itt, ttt, _ = write_until_r2t(c, 2500)
        if where == 1:
            c.send(c.data_out_pdu(itt, ttt, 0, 0, b"\x16" * 4096, True)[:48 + 1000])
    time.sleep(0.2)
    c.rst_close()
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
    pdu, itt = c.scsi_pdu(cdb_rw(0x2A, lba, 1), BLOCK, C_F | C_W, data[:3])
    c.send(pdu)
    ttt = expect_r2t(c, itt, 3, 509, 0, "WRITE(10)")
    c.send(c.data_out_pdu(itt, ttt, 0, 3, data[3:253], False))
    c.send(c.data_out_pdu(itt, ttt, 1, 253, data[253:], True))
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
    pdu, itt = c.scsi_pdu(cdb_rw(0x2A, 3000, 80), len(data), C_F | C_W)
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
    pa, ia = c.scsi_pdu(cdb_rw(0x2A, 3100, 8), 4096, C_F | C_W)
    c.send(pa)
    ta = expect_r2t(c, ia, 0, 4096, 0, "WRITE A")
    pb, ib = c.scsi_pdu(cdb_rw(0x2A, 3110, 8), 4096, C_F | C_W)
    c.send(pb)
    tb = expect_r2t(c, ib, 0, 4096, 0, "WRITE B")
    read_blocks(c, 3120, 2, "READ(10) while two writes wait")
    c.send(c.data_out_pdu(ib, tb, 0, 0, b[:2048], False))
    c.send(c.data_out_pdu(ia, ta, 0, 0, a[:2048], False))
    c.send(c.data_out_pdu(ib, tb, 1, 2048, b[2048:], True))
    c.send(c.data_out_pdu(ia, ta, 1, 2048, a[2048:], True))
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
        pdu = c.data_out_pdu(itt, ttt, 0, 0, b"\x17" * n, True)
    else:
        pdu, _ = c.scsi_pdu(cdb_rw(0x2A, 3200, 64), 32768, C_F | C_W, b"\x17" * n)
    c.send(pdu)
    return expect_close(c, "DataSegmentLength %d > %d" % (n, c.mrdsl))


@case("data", "immediate-data-not-negotiated")
def data_immediate_not_negotiated(env, c):
    dlogin(c, ImmediateData="No")
    pdu, _ = c.scsi_pdu(cdb_rw(0x2A, 3200, 1), BLOCK, C_F | C_W, b"\x18" * BLOCK)
    return reject_then_survive(c, pdu, R_PROTO, "immediate data with ImmediateData=No")


@case("data", "abort-answered-task")
def data_abort_answered_task(env, c):
    # RFC 7143 11.5.1 c: the task is gone and its RefCmdSN is below
    # ExpCmdSN, outside the window: Task does not exist (case b, Function
    # complete, is for a RefCmdSN still within the window: never received)
    dlogin(c)
    cmdsn = c.cmdsn
    pdu, itt = c.scsi_pdu(cdb_tur(), 0, C_F)
    c.send(pdu)
    want_good(d_status(c, itt, env.bound_post, "TUR"), "TUR", 0)
    pdu, titt = c.tmf_pdu(TMF_ABORT_TASK, itt, cmdsn)
    c.send(pdu)
    bhs, data = dread(c, env.bound_post, "ABORT TASK")
    if bhs[0] & 0x3F != OP_TMF_RSP or u32(bhs, 16) != titt or bhs[2] != 1:
        raise Fail("ABORT TASK of an answered task: got %s, want Task does not exist" %
                   describe(bhs, data))
    return "task does not exist, " + survives(c)


@case("data", "nop-ahead-in-order")
def data_nop_ahead_in_order(env, c):
    # issue 12 defect 7: a non-immediate NOP-Out whose CmdSN is one ahead
    # waits for its turn (RFC 7143 4.2.2.1) and then takes its CmdSN:
    # sent before the command with ExpCmdSN, then one more command after
    # it; all three answered and ExpCmdSN is past all three. Before, the
    # NOP-Out was answered at once without taking its CmdSN, and the last
    # command waited for it forever.
    dlogin(c)
    n = c.cmdsn
    c.check_exp = False
    c.cmdsn = n + 1
    nop = c.ffp_pdu(OP_NOP_OUT, flags=0x80, imm=False)
    nitt = c.itt
    c.send(nop)
    p1, i1 = c.scsi_pdu(cdb_tur(), 0, C_F, cmdsn=n)
    p2, i2 = c.scsi_pdu(cdb_tur(), 0, C_F, cmdsn=n + 2)
    c.send(p1 + p2)
    await_answers(c, env, {nitt: "NOP-In", i1: "TUR CmdSN n", i2: "TUR CmdSN n+2"}, nitt)
    c.cmdsn = n + 3
    c.check_exp = True
    return "NOP-In, both TURs answered, " + survives(c)


@case("data", "abort-task-unseen")
def data_abort_task_unseen(env, c):
    # issue 12 defect 7, RFC 7143 11.5.1 b: ABORT TASK of a task whose
    # CmdSN (n+1) is in the window but whose command has not been taken
    # (it waits for n): Function complete, its CmdSN counts as received,
    # and the task never runs. Then the commands n and n+2 both run.
    dlogin(c)
    n = c.cmdsn
    c.check_exp = False
    pa, ia = c.scsi_pdu(cdb_tur(), 0, C_F, cmdsn=n + 1)
    c.send(pa)
    c.cmdsn = n + 2
    pdu, titt = c.tmf_pdu(TMF_ABORT_TASK, ia, n + 1)
    c.send(pdu)
    bhs, data = dread(c, env.bound_post, "ABORT TASK")
    if bhs[0] & 0x3F != OP_TMF_RSP or u32(bhs, 16) != titt or bhs[2] != 0:
        raise Fail("ABORT TASK of a task not taken yet: got %s, want Function complete" %
                   describe(bhs, data))
    p1, i1 = c.scsi_pdu(cdb_tur(), 0, C_F, cmdsn=n)
    p2, i2 = c.scsi_pdu(cdb_tur(), 0, C_F, cmdsn=n + 2)
    c.send(p1 + p2)
    await_answers(c, env, {i1: "TUR CmdSN n", i2: "TUR CmdSN n+2"}, forbid=ia)
    c.cmdsn = n + 3
    c.check_exp = True
    return "function complete, n and n+2 ran, the aborted task did not, " + survives(c)


@case("data", "unsol-after-f")
def data_unsol_after_f(env, c):
    # the command's F bit said no unsolicited Data-Out follows
    dlogin(c, InitialR2T="No", FirstBurstLength=4096)
    pdu, itt = c.scsi_pdu(cdb_rw(0x2A, 1900, 16), 8192, C_F | C_W, b"\x19" * 1024)
    c.send(pdu)
    return reject_then_close(c, c.data_out_pdu(itt, RSV, 0, 1024, b"\x19" * 1024, True),
                             R_PROTO, "unsolicited Data-Out after F", itt)


@cases("data", [("tmf-lun-reset-unmapped-lun", TMF_LUN_RESET),
                ("tmf-abort-task-unmapped-lun", TMF_ABORT_TASK)])
def data_tmf_unmapped_lun(env, c, func):
    dlogin(c)
    pdu, titt = c.tmf_pdu(func, 0x5555, (c.cmdsn + 0x40000000) & 0xFFFFFFFF, lun=5)
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
    pdu, itt = c.scsi_pdu(cdb_rw(0x2A, lba, 8), len(data), C_F | C_W, data[:1001])
    trickle(c, pdu)
    ttt = expect_r2t(c, itt, 1001, len(data) - 1001, 0, "WRITE(10)")
    trickle(c, c.data_out_pdu(itt, ttt, 0, 1001, data[1001:2002], False) +
            c.data_out_pdu(itt, ttt, 1, 2002, data[2002:], True))
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
    pdu, itt = c.scsi_pdu(cdb_rw(0x2A, 8192, blocks), len(data), C_F | C_W, data[:8192])
    c.send(pdu)
    n = answer_r2ts(c, itt, data, 8192, 262144, "WRITE(10) 4 MiB", piece=8192)
    want_good(d_status(c, itt, env.bound_post, "WRITE(10) 4 MiB", r2ts=n), "WRITE(10)", 0)
    pdu, itt = c.scsi_pdu(cdb_rw(0x28, 8192, blocks), len(data), C_F | C_R)
    c.send(pdu)
    time.sleep(1)
    r = d_status(c, itt, env.bound_post, "READ(10) 4 MiB")
    want_good(r, "READ(10) 4 MiB", len(data))
    if r["data"] != data:
        raise Fail("read back differs")
    return "%d R2Ts, %d Data-In, read back equal, " % (n, r["n"]) + survives(c)


@case("data", "reader-stops")
def data_reader_stops(env, c):
    # issue 12 defect 5: READs of 8 MiB, then the peer reads nothing and
    # sends a NOP-Out that needs no answer (ITT 0xffffffff) every second,
    # so that it never looks idle: once nothing could be sent for
    # tx_stall_secs the target must close the connection (and free the
    # READs' buffers), rather than hold them for as long as the peer likes
    stall = int(open("/sys/module/zcit/parameters/tx_stall_secs").read())
    dlogin(c, MaxRecvDataSegmentLength=262144)
    for i in range(32):
        pdu, _ = c.scsi_pdu(cdb_rw(0x28, 512 * i, 512), 256 * 1024, C_F | C_R)
        c.send(pdu)
    t0 = time.monotonic()
    while time.monotonic() - t0 < stall + 15:
        time.sleep(1)
        nop = c.ffp_pdu(OP_NOP_OUT, itt=RSV)
        if not c.send(nop):
            break
    else:
        raise Fail("still open %d s after the peer stopped reading (tx_stall_secs=%d)" %
                   (stall + 15, stall))
    took = time.monotonic() - t0
    if took < stall - 2:
        raise Fail("closed after %.0f s, before tx_stall_secs=%d" % (took, stall))
    return "closed after %.0f s (tx_stall_secs=%d)" % (took, stall)


# task management

@case("data", "abort-write")
def data_abort_write(env, c):
    dlogin(c)
    itt, ttt, cmdsn = write_until_r2t(c, 2100)
    pdu, titt = c.tmf_pdu(TMF_ABORT_TASK, itt, cmdsn)
    c.send(pdu)
    bhs, data = dread(c, env.bound_post, "ABORT TASK")
    if bhs[0] & 0x3F != OP_TMF_RSP or u32(bhs, 16) != titt or bhs[2] != 0:
        raise Fail("ABORT TASK: got %s, want Function complete" % describe(bhs, data))
    # its data is no longer taken: dropped as for an unknown ITT
    c.send(c.data_out_pdu(itt, ttt, 0, 0, b"\xaa" * 4096, True))
    return "function complete, late Data-Out dropped, " + survives(c)


@case("data", "abort-unknown-task")
def data_abort_unknown_task(env, c):
    # RFC 7143 11.5.1 c: no such task and RefCmdSN outside the window
    dlogin(c)
    pdu, titt = c.tmf_pdu(TMF_ABORT_TASK, 0x5555, (c.cmdsn + 0x40000000) & 0xFFFFFFFF)
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
    pdu, titt = c.tmf_pdu(func)
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
    pdu = c.frame(struct.pack(">BBxxB3s8sII4xI8xII", OP_SNACK, 0x80, 0, b"\0\0\0", lun8(0),
                               c.itt, RSV, c.statsn, 0, 0))
    return reject_then_survive(c, pdu, (R_PROTO, R_NOTSUP), "SNACK")


def data_lun_reset(env, c):
    """Run alone (after the others): a LUN reset aborts every task of
    LUN 0 and leaves a unit attention on it (SAM-5 6.x, LIO's
    target_dev_ua_allocate: BUS DEVICE RESET FUNCTION OCCURRED)."""
    dlogin(c)
    itt, ttt, _ = write_until_r2t(c, 2200)
    pdu, titt = c.tmf_pdu(TMF_LUN_RESET)
    c.send(pdu)
    bhs, data = dread(c, env.bound_post, "LUN RESET")
    if bhs[0] & 0x3F != OP_TMF_RSP or u32(bhs, 16) != titt or bhs[2] != 0:
        raise Fail("LUN RESET: got %s, want Function complete" % describe(bhs, data))
    c.send(c.data_out_pdu(itt, ttt, 0, 0, b"\xbb" * 4096, True))
    dping(c, "ping after LUN RESET")
    r = d_cmd(c, cdb_tur(), 0, C_F, "TUR after LUN RESET")
    k, asc = sense_key(r["sense"])
    if r["status"] != CHECK_CONDITION or (k, asc) != (6, 0x29):
        raise Fail("TUR after LUN RESET: status 0x%02x sense %s, want UNIT ATTENTION 29h" %
                   (r["status"], r["sense"].hex()))
    return "function complete, late Data-Out dropped, unit attention 29h, " + \
        tur(c, window=True)


TASK_SET_FULL = 0x28
SESSION_BUF = 32 << 20  # max_session_kib in tests/guest/fuzz.sh


@case("data", "session-buffers-bound")
def data_session_buffers_bound(env, c):
    # issue 12: what one session's commands may hold in data buffers is
    # bounded (max_session_kib), whatever its CmdSN window and max_xfer_kib
    # allow: 8 MiB writes that never send data hold their buffers; the
    # fifth and sixth (over 32 MiB) get TASK SET FULL without an R2T. An
    # ABORT TASK gives one buffer back: a new 8 MiB write gets its R2T.
    dlogin(c, InitialR2T="Yes", MaxBurstLength=262144)
    size, n = 8 << 20, SESSION_BUF // (8 << 20)
    itts = []
    for i in range(n + 2):
        pdu, itt = c.scsi_pdu(cdb_rw(0x2A, 0, size // BLOCK), size, C_F | C_W)
        c.send(pdu)
        itts.append((itt, c.cmdsn - 1))
    c.check_exp = False
    r2t, full = {}, set()  # r2t: itt -> [TTT, DataSN, offset]
    while len(r2t) + len(full) < n + 2:
        bhs, seg = dread(c, env.bound_post, "answers to %d 8 MiB writes" % (n + 2))
        op, itt = bhs[0] & 0x3F, u32(bhs, 16)
        if op == OP_R2T and itt not in r2t and itt not in full:
            r2t[itt] = [u32(bhs, 20), 0, 0]
        elif op == OP_SCSI_RSP and bhs[3] == TASK_SET_FULL and itt not in r2t and \
                itt not in full:
            full.add(itt)
        elif op != OP_R2T:
            raise Fail("8 MiB writes: got %s" % describe(bhs, seg))

    def trickle():
        # a block of data for each write still waiting: within the ACL's
        # dataout_timeout (3 s) however slow the guest is
        for itt, st in r2t.items():
            c.send(c.data_out_pdu(itt, st[0], st[1], st[2], b"\x5a" * BLOCK, False))
            st[1] += 1
            st[2] += BLOCK
    trickle()
    want = {i for i, _ in itts[n:]}
    if full != want:
        raise Fail("TASK SET FULL for %d write(s) (%s), want the last two" %
                   (len(full), ", ".join("0x%x" % i for i in sorted(full))))
    ia, ca = itts[0]
    del r2t[ia]
    pdu, titt = c.tmf_pdu(TMF_ABORT_TASK, ia, ca)
    c.send(pdu)
    while True:
        bhs, seg = dread(c, env.bound_post, "ABORT TASK")
        if bhs[0] & 0x3F == OP_R2T:
            continue
        if bhs[0] & 0x3F != OP_TMF_RSP or u32(bhs, 16) != titt or bhs[2] != 0:
            raise Fail("ABORT TASK of a write waiting for data: got %s" % describe(bhs, seg))
        break
    # the abort's buffer may be given back just after its answer: retry
    for tries in range(20):
        trickle()
        pdu, itt = c.scsi_pdu(cdb_rw(0x2A, 0, size // BLOCK), size, C_F | C_W)
        c.send(pdu)
        bhs, seg = dread(c, env.bound_post, "8 MiB write after the abort")
        while bhs[0] & 0x3F == OP_R2T and u32(bhs, 16) != itt:
            bhs, seg = dread(c, env.bound_post, "8 MiB write after the abort")
        if bhs[0] & 0x3F == OP_R2T:
            break
        if bhs[0] & 0x3F != OP_SCSI_RSP or u32(bhs, 16) != itt or bhs[3] != TASK_SET_FULL:
            raise Fail("8 MiB write after the abort: got %s" % describe(bhs, seg))
        time.sleep(0.25)
    else:
        raise Fail("the aborted write's buffer never came back: TASK SET FULL 20 times")
    return "%d R2T, 2 TASK SET FULL, an R2T again after ABORT TASK (try %d)" % (n, tries + 1)
