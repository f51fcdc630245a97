#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The initiators of tests/vm/77-teardown.sh: each puts a target in a state
that a teardown must end in bounded time, prints "READY <detail>" and then
holds its socket (reading nothing) until killed or --hold seconds pass.

Modes (login: AuthMethod None to --target, ISID from --isid):
  stall-read  log in, send --count READ(10)s of --blocks blocks each to LUN
              --lun and never read: the target's send buffer and the
              socket's fill up (the "zero window" of an initiator that
              stopped reading)
  stuck       log in, send one READ(10) of 8 blocks to LUN --lun (a slow
              backend: it stays there), wait --settle seconds; with
              --abort, send an ABORT TASK for it too
  half-login  connect, send the first Login Request (security stage, no
              T bit) and read its answer: a login that is half done"""
import argparse
import sys
import time

sys.dont_write_bytecode = True  # the guest runs it from a read-only tree
from iscsiraw.conn import Conn, ops  # noqa: E402
from iscsiraw.pdu import C_F, C_R, Closed, Fail, Timeout  # noqa: E402
from iscsiraw.scsi import cdb_rw, dlogin  # noqa: E402


class Env:
    pass


def stall_read(env, a):
    c = Conn(env, bytes.fromhex(a.isid))
    dlogin(c)
    for i in range(a.count):
        pdu, _ = c.scsi_pdu(cdb_rw(0x28, i * a.blocks, a.blocks), a.blocks * 512,
                            C_F | C_R, lun=a.lun)
        c.send(pdu)
    return c, "%d READ(10)s of %d KiB sent, none read" % (a.count, a.blocks // 2)


def stuck(env, a):
    c = Conn(env, bytes.fromhex(a.isid))
    dlogin(c)
    pdu, itt = c.scsi_pdu(cdb_rw(0x28, 0, 8), 8 * 512, C_F | C_R, lun=a.lun)
    c.send(pdu)
    time.sleep(a.settle)
    detail = "READ(10) ITT 0x%08x sent to LUN %d" % (itt, a.lun)
    if a.abort:
        tmf, titt = c.tmf_pdu(1, rtt=itt, refcmdsn=c.cmdsn - 1, lun=a.lun)
        c.send(tmf)
        detail += ", ABORT TASK ITT 0x%08x for it" % titt
    return c, detail


def half_login(env, a):
    c = Conn(env, bytes.fromhex(a.isid))
    st, _, _, _ = c.exchange(c.login_pdu(0, 1, False, keys=c.first_keys(env.t_none) +
                                         [("AuthMethod", "None")]))
    if st:
        raise Fail("first Login Request refused: 0x%04x" % st)
    return c, "first Login Request answered, no T bit"


MODES = {"stall-read": stall_read, "stuck": stuck, "half-login": half_login}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("mode", choices=sorted(MODES))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=3260)
    p.add_argument("--target", required=True)
    p.add_argument("--initiator", required=True)
    p.add_argument("--isid", default="800000000001")
    p.add_argument("--lun", type=int, default=0)
    p.add_argument("--count", type=int, default=32)
    p.add_argument("--blocks", type=int, default=2048)
    p.add_argument("--settle", type=float, default=1.0)
    p.add_argument("--abort", action="store_true")
    p.add_argument("--hold", type=float, default=300)
    a = p.parse_args()
    env = Env()
    env.host, env.port, env.initiator = a.host, a.port, a.initiator
    env.t_none = env.t_chap = a.target
    env.bound_post = 10
    try:
        c, detail = MODES[a.mode](env, a)
    except (Fail, Closed, Timeout, OSError) as e:
        print("FAILED %s: %s" % (type(e).__name__, e), flush=True)
        return 1
    print("READY " + detail, flush=True)
    time.sleep(a.hold)
    c.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
