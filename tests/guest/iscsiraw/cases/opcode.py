# SPDX-License-Identifier: GPL-2.0
"""Opcodes other than Login during login."""
import random

from . import case, cases
from ..conn import OPERATIONAL, refusal
from ..pdu import Fail, IMM, OP_LOGOUT, OP_NOP_OUT, OP_SCSI_CMD, OP_TEXT


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
