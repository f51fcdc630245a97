# SPDX-License-Identifier: GPL-2.0
"""The workload of tests/vm/67-trace.sh: every event of zcit's "zcit"
trace system caused once with the raw initiator, then the trace read
back from tracefs and each event checked field by field against what
the client did.

  iscsi-trace.py --initiator IQN --stall-initiator IQN --target IQN
                 [--host H --port P --trace DIR]

The target (AuthMethod None, LUN 0 of 16 MiB) has an ACL for
--initiator with nopin_timeout 3, nopin_response_timeout 3,
dataout_timeout 2, and one for --stall-initiator with NOP-In pings off;
zcit was loaded with first_pdu_timeout=2 and tx_stall_secs=5, the TPG's
login_timeout is 5, and every zcit event is on (DIR/events/zcit/enable).

Steps, then checks: a good login, a WRITE answered through an R2T, a
READ, a READ with immediate data (a Reject), an ABORT TASK of an
answered task (TMF request and response), a Logout; a login to an
unknown target (refused); then, at once, five connections that each
end by a timeout: first_pdu (nothing sent), login (one Login request,
then nothing), nopin (a ping left unanswered), dataout (an R2T left
unanswered), tx_stall (READs whose data is never read).

Prints "CHECK <name> PASS|FAIL <detail>" per check; exit 0 iff all
passed.
"""
import argparse
import re
import socket
import threading
import time

from .cases import Env
from .cases.events import nopin_ping
from .conn import Conn, logout
from .pdu import C_F, C_R, C_W, OP_NOP_IN, OP_TMF_RSP, RSV, TMF_ABORT_TASK, Closed, Fail, \
    Timeout, connect, describe, u32
from .scsi import (BLOCK, answer_r2ts, cdb_rw, cdb_tur, d_status, dlogin, dread,
                   expect_reject, pattern, read_blocks, want_good, write_until_r2t)

LINE = re.compile(r"^\s*(\S.*?)\s+\[\d+\]\s.*?\s([\d.]+): (zcit_\w+): (.*)$")
results = []


def check(name, ok, detail=""):
    results.append(ok)
    print("CHECK %s %s %s" % (name, "PASS" if ok else "FAIL", detail), flush=True)


def read_trace(tdir):
    """[(event, text)] of every zcit line in the trace buffer."""
    out = []
    with open(tdir + "/trace", errors="replace") as f:
        for line in f:
            m = LINE.match(line.rstrip("\n"))
            if m:
                out.append((m.group(3), m.group(4)))
    return out


def fields(text):
    """key=value words of an event's text (values without spaces)."""
    return dict(re.findall(r"(\w+)=(\S+)", text))


def peer_of(text):
    return text.split(" ", 1)[0]


class Run:
    def __init__(self, a):
        self.a = a
        self.env = self.mkenv(a.initiator)
        self.info = {}

    def mkenv(self, initiator):
        e = Env()
        e.host, e.port, e.initiator = self.a.host, self.a.port, initiator
        e.t_none = self.a.target
        e.bound_post = 10
        e.chap = ("", "", "", "")
        e.nopin, e.nopin_rsp = 3, 3
        return e

    def conn(self, env, n):
        c = Conn(env, b"\x80\x67\x00\x00\x00" + bytes([n]))
        return c, "%s:%d" % c.sock.getsockname()[:2]

    # ---- the steps ----

    def good_session(self):
        c, addr = self.conn(self.env, 1)
        c.itt = 0x6700  # ITTs no other connection of the run uses
        try:
            dlogin(c, InitialR2T="Yes", ImmediateData="Yes", MaxBurstLength=8192,
                   FirstBurstLength=4096)
            self.info.update(good=addr, tsih=c.tsih)
            data = pattern(67, 16 * BLOCK)
            pdu, itt = c.scsi_pdu(cdb_rw(0x2A, 100, 16), len(data), C_F | C_W)
            c.send(pdu)
            n = answer_r2ts(c, itt, data, 0, 8192, "WRITE(10)")
            want_good(d_status(c, itt, 10, "WRITE(10)", r2ts=n), "WRITE(10)", 0)
            self.info["write_itt"] = itt
            if read_blocks(c, 100, 16) != data:
                raise Fail("read back differs")
            self.info["read_itt"] = c.itt
            pdu, itt = c.scsi_pdu(cdb_rw(0x28, 100, 1), BLOCK, C_F | C_R, b"\x11" * BLOCK)
            c.send(pdu)
            expect_reject(c, pdu, 0x04, "READ with immediate data")
            self.info["reject_itt"] = itt
            cmdsn = c.cmdsn
            pdu, itt = c.scsi_pdu(cdb_tur(), 0, C_F)
            c.send(pdu)
            want_good(d_status(c, itt, 10, "TUR"), "TUR", 0)
            pdu, titt = c.tmf_pdu(TMF_ABORT_TASK, itt, cmdsn)
            c.send(pdu)
            bhs, data = dread(c, 10, "ABORT TASK")
            if bhs[0] & 0x3F != OP_TMF_RSP or u32(bhs, 16) != titt or bhs[2] != 1:
                raise Fail("ABORT TASK: got %s, want Task does not exist" % describe(bhs, data))
            self.info.update(tmf_itt=titt, tmf_rtt=itt, tmf_refcmdsn=cmdsn)
            logout(c, 10)
            c.wait_close(5)
        finally:
            c.close()

    def bad_login(self):
        c, addr = self.conn(self.env, 2)
        try:
            try:
                c.login_none(target=self.a.target + "-none")
                raise Fail("a login to an unknown target succeeded")
            except Fail as e:
                if "0x0203" not in str(e):
                    raise
            self.info["bad"] = addr
        finally:
            c.close()

    def to_first_pdu(self):
        s = connect(self.a.host, self.a.port)
        self.info["first_pdu"] = "%s:%d" % s.getsockname()[:2]
        s.settimeout(10)
        try:
            if s.recv(100):
                raise Fail("first_pdu: the target sent something")
        finally:
            s.close()

    def to_login(self):
        c, addr = self.conn(self.env, 3)
        self.info["login"] = addr
        try:
            st, _, _, _ = c.exchange(c.login_pdu(0, 1, keys=c.first_keys(self.a.target) +
                                                 [("AuthMethod", "None")]))
            if st:
                raise Fail("first Login request refused: 0x%04x" % st)
            if not c.wait_close(12):
                raise Fail("login: open 12 s after a stalled login")
        finally:
            c.close()

    def to_nopin(self):
        c, addr = self.conn(self.env, 4)
        self.info["nopin"] = addr
        try:
            dlogin(c)
            nopin_ping(c, 10, "ping")
            if not c.wait_close(10):
                raise Fail("nopin: open 10 s after an unanswered ping")
        finally:
            c.close()

    def to_dataout(self):
        c, addr = self.conn(self.env, 5)
        self.info["dataout"] = addr
        try:
            dlogin(c)
            itt, _, _ = write_until_r2t(c, 300)
            self.info["dataout_itt"] = itt
            t0 = time.monotonic()
            while time.monotonic() - t0 < 10:
                try:
                    bhs, _ = c.recv_pdu(10)
                except Closed:
                    return
                if bhs[0] & 0x3F == OP_NOP_IN and u32(bhs, 16) == RSV:
                    c.send(c.nop_answer(bhs, lun=b"\0" * 8))
            raise Fail("dataout: open 10 s after an unanswered R2T")
        finally:
            c.close()

    def to_tx_stall(self):
        env = self.mkenv(self.a.stall_initiator)
        c, addr = self.conn(env, 6)
        self.info["tx_stall"] = addr
        try:
            dlogin(c, MaxRecvDataSegmentLength=262144)
            c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
            for i in range(24):
                pdu, _ = c.scsi_pdu(cdb_rw(0x28, (i % 14) * 2048, 2048), 2048 * BLOCK,
                                    C_F | C_R)
                c.send(pdu)
            # Read nothing: wait for the event rather than for a close,
            # which would only show behind the data never read.
            t0 = time.monotonic()
            while time.monotonic() - t0 < 15:
                if any(e == "zcit_timeout" and "tx_stall" in t and peer_of(t) == addr
                       for e, t in read_trace(self.a.trace)):
                    return
                time.sleep(0.5)
            raise Fail("tx_stall: no tx_stall timeout 15 s after the initiator stopped reading")
        finally:
            c.rst_close()

    def step(self, name, fn):
        t0 = time.monotonic()
        try:
            fn()
            check("step-" + name, True, "%.1fs" % (time.monotonic() - t0))
        except (Fail, Closed, Timeout, OSError) as e:
            check("step-" + name, False, "%s: %s" % (type(e).__name__, e))

    def run(self):
        self.step("good-session", self.good_session)
        self.step("bad-login", self.bad_login)
        ths = [threading.Thread(target=self.step, args=(n, getattr(self, "to_" + n)))
               for n in ("first_pdu", "login", "nopin", "dataout", "tx_stall")]
        for t in ths:
            t.start()
        for t in ths:
            t.join()
        time.sleep(0.5)  # the last connections' release
        self.verify(read_trace(self.a.trace))

    # ---- the checks ----

    def verify(self, ev):
        info, a = self.info, self.a

        def find(name, pred):
            return [t for e, t in ev if e == name and pred(t)]

        def one(cname, name, pred, want):
            got = find(name, pred)
            ok = bool(got) and all(re.search(want, t) for t in got)
            check(cname, ok, (got[0] if got else "no %s event" % name)[:300])
            return got

        def at(addr):
            return lambda t: peer_of(t) == addr

        names = sorted({e for e, _ in ev})
        check("events-seen", len(names) >= 8, " ".join(names))
        g = info.get("good", "?")
        one("login-good", "zcit_login", at(g),
            r"initiator=%s target=%s type=normal status=0x0000 \(success: accepted\) tsih=%d " %
            (re.escape(a.initiator), re.escape(a.target), info.get("tsih", -1)))
        one("login-bad", "zcit_login", at(info.get("bad", "?")),
            r"initiator=%s target=%s-none type=normal status=0x0203 \(initiator error: not found\)"
            " tsih=0" % (re.escape(a.initiator), re.escape(a.target)))
        for fr, to, why in (("accepted", "login", "-"), ("login", "ffp", "-"),
                            ("ffp", "draining", "logout"), ("draining", "dead", "logout")):
            one("state-good-%s-%s" % (fr, to), "zcit_conn_state",
                lambda t: at(g)(t) and " %s -> %s " % (fr, to) in t, r"why=%s$" % why)
        one("state-bad-refused", "zcit_conn_state",
            lambda t: at(info.get("bad", "?"))(t) and "-> draining" in t, r"why=login refused$")
        tsih = info.get("tsih", -1)

        def cmd(itt):
            return lambda t: fields(t).get("tsih") == str(tsih) and \
                fields(t).get("itt") == "0x%08x" % itt
        w, r = info.get("write_itt", -1), info.get("read_itt", -1)
        one("cmd-start-write", "zcit_cmd_start", cmd(w),
            r"lun=0 opcode=0x2a edtl=8192 dir=write$")
        one("cmd-start-read", "zcit_cmd_start", cmd(r), r"lun=0 opcode=0x28 edtl=8192 dir=read$")
        for n, itt, op in (("write", w, "2a"), ("read", r, "28")):
            got = one("cmd-done-" + n, "zcit_cmd_done", cmd(itt),
                      r"opcode=0x%s status=0x00 \(GOOD\) sense=0/00/00 len=8192 resid=0 "
                      r"latency_us=\d+$" % op)
            lat = [int(fields(t)["latency_us"]) for t in got]
            check("cmd-latency-" + n, bool(lat) and all(0 < x < 10_000_000 for x in lat),
                  "latency_us %s" % lat)
        one("reject", "zcit_reject", at(g),
            r"reason=0x04 \(protocol error\) opcode=0x01 itt=0x%08x$" %
            info.get("reject_itt", -1))
        check("reject-not-started", not find("zcit_cmd_start", cmd(info.get("reject_itt", -1))),
              "a rejected command never goes to LIO")
        ti = info.get("tmf_itt", -1)
        one("tmf-req", "zcit_tmf_req", cmd(ti),
            r"ABORT_TASK lun=0 rtt=0x%08x refcmdsn=%d$" %
            (info.get("tmf_rtt", -1), info.get("tmf_refcmdsn", -1)))
        one("tmf-rsp", "zcit_tmf_rsp", cmd(ti),
            r"ABORT_TASK response=0x01 \(task does not exist\)$")
        for what, least, why in (("first_pdu", 2000, "login timed out"),
                                 ("login", 5000, "login timed out"),
                                 ("nopin", 3000, "NOP-In unanswered"),
                                 ("dataout", 2000, "Data-Out timed out"),
                                 ("tx_stall", 5000, "initiator stopped reading")):
            addr = info.get(what, "?")
            itt = "0x%08x" % info["dataout_itt"] if what == "dataout" else "0xffffffff"
            got = one("timeout-" + what, "zcit_timeout", at(addr),
                      r" %s after \d+ ms itt=%s$" % (what, itt))
            ms = [int(re.search(r"after (\d+) ms", t).group(1)) for t in got]
            check("timeout-%s-ms" % what, bool(ms) and all(least - 20 <= x < least + 4000
                                                           for x in ms),
                  "%s ms, want %d ms or a little more" % (ms, least))
            one("state-%s-dead" % what, "zcit_conn_state",
                lambda t, addr=addr: at(addr)(t) and "-> dead" in t, r"why=%s$" % why)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=3260)
    p.add_argument("--initiator", required=True)
    p.add_argument("--stall-initiator", required=True)
    p.add_argument("--target", required=True)
    p.add_argument("--trace", default="/sys/kernel/tracing")
    a = p.parse_args()
    Run(a).run()
    return 0 if results and all(results) else 1
