# SPDX-License-Identifier: GPL-2.0
"""Full Feature Phase: bad PDUs on a normal session of the None target
and on a discovery session (Text), NOP-Out/Text floods whose answers are
never read."""
import select
import struct
import time

from . import case, cases
from ..conn import OPERATIONAL, logout, ping, reject_or_close
from ..pdu import (Closed, F_C, Fail, IMM, OP_NOP_OUT, OP_REJECT, OP_TEXT, OP_TEXT_RSP,
                   Timeout)


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
