# SPDX-License-Identifier: GPL-2.0
"""HeaderDigest=CRC32C: a bad header digest closes the connection;
no digests during login."""
from . import case
from ..conn import OPERATIONAL, ping, refusal
from ..pdu import Closed, Fail, OP_NOP_OUT, Timeout, digest


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
