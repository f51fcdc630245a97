#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The workload of tests/vm/65-stats.sh: the same PDUs against any target
(zcit or iscsi_target_mod), for the counters of fabric_statistics/.

Target --target, TPG 1 on --host:--port, LUN 0 of at least 1 MiB, an ACL
for --initiator with one-way CHAP (--chap user:secret), authentication=1,
attrib/dataout_timeout of the ACL 2 s. Steps, in order (each prints
"STEP <name> ok|FAIL <detail>"):
  io          CHAP login, HeaderDigest and DataDigest CRC32C; TEST UNIT
              READY; WRITE(10) of 4 KiB as immediate data; WRITE(10) of
              64 KiB solicited by R2T (Data-Out of 8 KiB); READ(10) of
              68 KiB (status with the data); then the ACL's
              iscsi_sess_stats/ read while the session is up ("SESS <file>
              <value>" lines); Logout (close the session)
  logout-conn CHAP login, Logout with reason "close the connection"
  chap-bad    CHAP login with a wrong CHAP_R: refused 0x0201
  not-allowed --other-initiator (no ACL) asks to log in: refused 0x0202
  abandoned   the first Login request answered, then the initiator closes
  killed      CHAP login, TEST UNIT READY, then a TCP reset
  hdr-digest  CHAP login with HeaderDigest=CRC32C, a NOP-Out whose header
              digest is wrong: the target closes the connection
  data-digest CHAP login with DataDigest=CRC32C, a NOP-Out whose data
              digest is wrong: zcit answers with a Reject (reason 0x02) and
              the session goes on (its iscsi_sess_stats/ read: "SESS2"
              lines, then a TCP reset); iscsi_target_mod closes the
              connection
  dataout-timeout  CHAP login, WRITE(10) of 8 KiB solicited by R2T whose
              data never comes: the target closes the connection within
              dataout_timeout (2 s) + 4 s
"Expected" values live in 65-stats.sh, next to the counters."""
import argparse
import os
import sys
import time

sys.dont_write_bytecode = True  # the guest runs it from a read-only tree
from iscsiraw.conn import Conn, ops  # noqa: E402
from iscsiraw.pdu import (C_F, C_W, F_T, OP_LOGOUT, OP_LOGOUT_RSP, OP_NOP_OUT,  # noqa: E402
                          OP_REJECT, OP_SCSI_RSP, GOOD, R_DIGEST, Closed, Fail, Timeout,
                          describe, digest, pad4, u32)
from iscsiraw.scsi import (BLOCK, answer_r2ts, cdb_rw, d_cmd, dread, expect_r2t,  # noqa: E402
                           pattern, read_blocks, tur, want_good)


class Env:
    pass


def chap_login(env, isid, digests=(False, False)):
    """A CHAP login into Full Feature Phase; digests (header, data)."""
    c = Conn(env, isid)
    ident, chal = c.chap_start(env.target)
    st, fl, got, _ = c.exchange(c.login_pdu(0, 1, True, keys=[
        ("CHAP_N", env.chap[0]), ("CHAP_R", c.chap_response(ident, chal))]))
    if st:
        raise Fail("CHAP answer refused: 0x%04x" % st)
    hd, dd = digests
    c.operational(ops(HeaderDigest="CRC32C" if hd else "None",
                      DataDigest="CRC32C" if dd else "None"))
    c.hd, c.dd = hd, dd
    c.max_burst = int(c.got.get("MaxBurstLength", 262144))
    return c


def logout(c, reason=0):
    """Logout with this reason (the CID is ours); the Response must say
    success."""
    c.send(c.ffp_pdu(OP_LOGOUT, flags=F_T | reason, ttt=c.cid << 16))
    deadline = time.monotonic() + c.env.bound_post
    while True:
        bhs, _ = c.recv_pdu(max(0.01, deadline - time.monotonic()))
        if bhs[0] & 0x3F == OP_LOGOUT_RSP:
            if bhs[2]:
                raise Fail("logout response %d" % bhs[2])
            c.wait_close(c.env.bound_post)
            return "logout reason %d ok" % reason


def expect_closed(c, secs, what):
    t0 = time.monotonic()
    if not c.wait_close(secs):
        raise Fail("%s: still open after %.1fs" % (what, secs))
    return "%s: closed after %.1fs" % (what, time.monotonic() - t0)


def step_io(env):
    c = chap_login(env, b"\x80\x00\x00\x00\x00\x01", (True, True))
    tur(c)
    w1 = pattern(1, 8 * BLOCK)
    r = d_cmd(c, cdb_rw(0x2A, 0, 8), len(w1), C_F | C_W, "WRITE immediate", data=w1)
    want_good(r, "WRITE immediate")
    w2 = pattern(2, 128 * BLOCK)
    pdu, itt = c.scsi_pdu(cdb_rw(0x2A, 8, 128), len(w2), C_F | C_W)
    c.send(pdu)
    answer_r2ts(c, itt, w2, 0, c.max_burst, "WRITE R2T", piece=8192)
    # Its SCSI Response (iscsi_target_mod's ExpDataSN leaves out the R2Ts).
    bhs, _ = dread(c, env.bound_post, "WRITE R2T")
    if bhs[0] & 0x3F != OP_SCSI_RSP or u32(bhs, 16) != itt or bhs[3] != GOOD:
        raise Fail("WRITE R2T: got %s" % describe(bhs))
    data = read_blocks(c, 0, 136)
    if data != w1 + w2:
        raise Fail("READ: the data differs from what was written")
    d = os.path.join(env.acl, "fabric_statistics", "iscsi_sess_stats")
    for f in sorted(os.listdir(d)):
        with open(os.path.join(d, f)) as fh:
            print("SESS %s %s" % (f, fh.read().strip() or "-"))
    # zcit's per-connection view (debugfs), at the same moment.
    try:
        with open("/sys/kernel/debug/zcit/connections") as fh:
            for line in fh:
                print("CONN " + line.strip())
    except OSError:
        pass
    return logout(c, 0)


def step_logout_conn(env):
    c = chap_login(env, b"\x80\x00\x00\x00\x00\x02")
    return logout(c, 1)


def step_chap_bad(env):
    c = Conn(env, b"\x80\x00\x00\x00\x00\x03")
    ident, chal = c.chap_start(env.target)
    st, _, _, _ = c.exchange(c.login_pdu(0, 1, True, keys=[
        ("CHAP_N", env.chap[0]), ("CHAP_R", c.chap_response(ident, chal, "wrong-secret"))]))
    if st != 0x0201:
        raise Fail("wrong CHAP_R: status 0x%04x, want 0x0201" % st)
    return expect_closed(c, env.bound_post, "status 0x0201")


def step_not_allowed(env):
    e = Env()
    e.__dict__.update(env.__dict__)
    e.initiator = env.other_initiator
    c = Conn(e, b"\x80\x00\x00\x00\x00\x04")
    st, _, _, _ = c.exchange(c.login_pdu(
        0, 1, keys=c.first_keys(env.target) + [("AuthMethod", "CHAP,None")]))
    if st != 0x0202:
        raise Fail("initiator without ACL: status 0x%04x, want 0x0202" % st)
    return expect_closed(c, env.bound_post, "status 0x0202")


def step_abandoned(env):
    c = Conn(env, b"\x80\x00\x00\x00\x00\x05")
    st, _, got, _ = c.exchange(c.login_pdu(
        0, 1, keys=c.first_keys(env.target) + [("AuthMethod", "CHAP")]))
    if st or got.get("AuthMethod") != "CHAP":
        raise Fail("first request: status 0x%04x %r" % (st, got))
    c.close()
    return "closed after the first answer"


def step_killed(env):
    c = chap_login(env, b"\x80\x00\x00\x00\x00\x06")
    tur(c)
    c.rst_close()
    return "reset after TEST UNIT READY"


def step_hdr_digest(env):
    c = chap_login(env, b"\x80\x00\x00\x00\x00\x07", (True, False))
    pdu = c.ffp_pdu(OP_NOP_OUT, itt=0x77)
    c.send(pdu[:48] + bytes(b ^ 0xFF for b in pdu[48:52]) + pdu[52:])
    c.hd = False
    return expect_closed(c, env.bound_post, "bad header digest")


def step_data_digest(env):
    c = chap_login(env, b"\x80\x00\x00\x00\x00\x09", (False, True))
    payload = b"zcit-dd!"
    pdu = c.ffp_pdu(OP_NOP_OUT, data=payload)
    c.send(pdu + bytes(b ^ 0xFF for b in digest(pad4(payload))))
    try:
        bhs, _ = c.recv_pdu(env.bound_post)
    except Closed:
        return "closed, no Reject"
    if bhs[0] & 0x3F != OP_REJECT or bhs[2] != R_DIGEST:
        raise Fail("bad data digest: got %s" % describe(bhs))
    d = os.path.join(env.acl, "fabric_statistics", "iscsi_sess_stats")
    for f in sorted(os.listdir(d)):
        with open(os.path.join(d, f)) as fh:
            print("SESS2 %s %s" % (f, fh.read().strip() or "-"))
    c.rst_close()
    return "Reject 0x02, then a reset"


def step_dataout_timeout(env):
    c = chap_login(env, b"\x80\x00\x00\x00\x00\x08")
    pdu, itt = c.scsi_pdu(cdb_rw(0x2A, 0, 16), 16 * BLOCK, C_F | C_W)
    c.send(pdu)
    expect_r2t(c, itt, 0, 16 * BLOCK, 0, "WRITE(10)")
    return expect_closed(c, 6, "no Data-Out")


STEPS = [("io", step_io), ("logout-conn", step_logout_conn), ("chap-bad", step_chap_bad),
         ("not-allowed", step_not_allowed), ("abandoned", step_abandoned),
         ("killed", step_killed), ("hdr-digest", step_hdr_digest),
         ("data-digest", step_data_digest), ("dataout-timeout", step_dataout_timeout)]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=3260)
    p.add_argument("--target", required=True)
    p.add_argument("--initiator", required=True)
    p.add_argument("--other-initiator", required=True)
    p.add_argument("--chap", required=True, help="user:secret")
    p.add_argument("--acl", required=True, help="the ACL's configfs directory")
    p.add_argument("--only", help="comma-separated steps")
    a = p.parse_args()
    env = Env()
    env.__dict__.update(vars(a))
    env.chap = a.chap.split(":")
    env.bound_post = 10
    only = set(a.only.split(",")) if a.only else None
    failed = 0
    for name, fn in STEPS:
        if only and name not in only:
            continue
        t0 = time.monotonic()
        try:
            detail = fn(env)
            ok = "ok"
        except (Fail, Closed, Timeout, OSError) as e:
            detail = "%s: %s" % (type(e).__name__, e)
            ok = "FAIL"
            failed += 1
        print("STEP %s %s %.1fs %s" % (name, ok, time.monotonic() - t0, detail), flush=True)
        time.sleep(0.3)  # let the target finish with the connection
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
