# SPDX-License-Identifier: GPL-2.0
"""Seeded mutations of valid first Login Requests (their own ISIDs: see
iscsiraw.fuzz)."""
import random
import time

from ..conn import OPERATIONAL
from ..pdu import Closed, Fail, OP_LOGIN_RSP, Timeout, status_of


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
