# SPDX-License-Identifier: GPL-2.0
"""Adversarial iSCSI client for tests/vm/55-login-fuzz.sh (login phase)
and 56-ffp-fuzz.sh (Full Feature Phase), and the events of
57-ffp-events.sh.

Runs deterministic (seeded) cases against a target, each with a bounded
wait, and checks that bad input gets a proper refusal: a Login Response
with a non-zero Status-Class (then the connection closes), a Reject PDU in
Full Feature Phase, or a closed connection; never silence past the login
timeout. Controls (the same paths with valid input) must succeed, so that
a target that refuses everything fails.

Category "data" needs LUN 0 (16 MiB or more, blocks of 512) mapped for
the initiator on the None target, whose param/InitialR2T is No and
param/MaxOutstandingR2T 4: SCSI commands, well-formed and not, each
answer checked field by field; the cases in ALONE (they measure the
guest's free memory) and LUN RESET run alone after the others.

  iscsi-fuzz.py [options]
      --host H --port P        default 127.0.0.1 3260
      --initiator IQN          the initiator name in both ACLs
      --t-none IQN             target whose TPG has AuthMethod None
      --t-chap IQN             target whose TPG requires (mutual) CHAP
      --chap U:S:MU:MS         its credentials (user, secret, mutual ones)
      --bound-pre SEC          longest wait for a close before the target
                               is known (zcit: 15 s default timeout + slack)
      --bound-post SEC         the same once it is (attrib/login_timeout
                               + slack)
      --seed N --mutations N --parallel N --workers N
      --only CAT[,CAT]         run these categories only
      --login none|chap        just one normal login (mutual CHAP on the
                               CHAP target) and logout: exit 0 iff it works
      --events                 only the "events" cases, one at a time: NOP-In
                               pings, Async logout on TPG disable and portal
                               removal, against --events-target (AuthMethod
                               None, LUN 0, ACL with nopin_timeout --nopin
                               and nopin_response_timeout --nopin-rsp, its
                               only portal on --host:--events-port, its TPG
                               directory --events-tpg)

Prints "CASE <cat> <name> PASS|FAIL <seconds> <detail>" per case and
"CATEGORY <cat> <passed> <failed> <first failure>" per category; exit 0
iff every case passed.
"""
import argparse
import concurrent.futures
import threading
import time

from .cases import ALONE, CASES, Env, run_case
from .cases.chap import chap_control_mutual
from .cases.data import data_lun_reset
from .cases.events import run_events
from .cases.mutate import run_mutation
from .cases.parallel import run_parallel
from .cases.stage import stage_control_two_stages


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=3260)
    p.add_argument("--initiator", required=True)
    p.add_argument("--t-none", required=True)
    p.add_argument("--t-chap", required=True)
    p.add_argument("--chap", required=True)
    p.add_argument("--bound-pre", type=float, default=25)
    p.add_argument("--bound-post", type=float, default=12)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--mutations", type=int, default=300)
    p.add_argument("--parallel", type=int, default=100)
    p.add_argument("--workers", type=int, default=24)
    p.add_argument("--only")
    p.add_argument("--login", choices=["none", "chap"])
    p.add_argument("--events", action="store_true")
    p.add_argument("--events-target")
    p.add_argument("--events-tpg")
    p.add_argument("--events-port", type=int, default=3261)
    p.add_argument("--nopin", type=int, default=3)
    p.add_argument("--nopin-rsp", type=int, default=3)
    a = p.parse_args()
    env = Env()
    env.__dict__.update(vars(a))
    env.chap = a.chap.split(":")
    if a.login:
        fn = chap_control_mutual if a.login == "chap" else stage_control_two_stages
        _, _, ok, secs, detail = run_case(env, b"\x80\xcc\x00\x00\x00\x01", "login",
                                          a.login, fn)
        print("login %s: %s %.1fs %s" % (a.login, "ok" if ok else "FAILED", secs, detail))
        return 0 if ok else 1
    only = set(a.only.split(",")) if a.only else None
    if a.events:
        only = {"events"}

    def isid(i):
        return b"\x80\x00\x00" + i.to_bytes(3, "big")  # the i-th case's

    jobs = [(i, cat, name, fn) for i, (cat, name, fn) in enumerate(CASES, 1)
            if not only or cat in only]
    results = []
    lock = threading.Lock()
    t0 = time.monotonic()

    def report(r):
        cat, name, ok, secs, detail = r
        with lock:
            results.append(r)
            print("CASE %s %s %s %.1fs %s" % (cat, name, "PASS" if ok else "FAIL",
                                              secs, detail), flush=True)

    with concurrent.futures.ThreadPoolExecutor(a.workers) as ex:
        futs = [ex.submit(run_case, env, isid(i), cat, name, fn)
                for i, cat, name, fn in jobs if (cat, name) not in ALONE]
        if not only or "mutate" in only:
            # ISIDs far (in bits) from the other cases': a mutated ISID
            # must not reinstate another case's session
            futs += [ex.submit(run_case, env, b"\x80\x5a\xa5" + m.to_bytes(3, "big"),
                               "mutate", "m%03d" % m,
                               lambda e, c, m=m: run_mutation(e, c, m))
                     for m in range(a.mutations)]
        for f in concurrent.futures.as_completed(futs):
            report(f.result())
    for i, cat, name, fn in jobs:
        if (cat, name) in ALONE:
            report(run_case(env, isid(i), cat, name, fn))
    if a.events:
        for r in run_events(env):
            report(r)
    if not only or "data" in only:
        # alone: a LUN reset aborts the tasks of every session on LUN 0
        report(run_case(env, b"\x80\xdd\x00\x00\x00\x01", "data", "lun-reset",
                        data_lun_reset))
    if not only or "parallel" in only:
        for r in run_parallel(env):
            report(r)

    print("---- summary (%.0fs, seed %d)" % (time.monotonic() - t0, a.seed))
    cats = {}
    for cat, name, ok, secs, detail in results:
        s = cats.setdefault(cat, [0, 0, "", {}])
        s[0 if ok else 1] += 1
        if not ok and not s[2]:
            s[2] = "%s: %s" % (name, detail)
        if cat == "mutate" and ok:
            s[3][detail] = s[3].get(detail, 0) + 1
    bad = 0
    for cat in sorted(cats):
        npass, nfail, first, outcomes = cats[cat]
        bad += nfail
        extra = " (%s)" % ", ".join("%s %d" % kv_ for kv_ in sorted(outcomes.items())) \
            if outcomes else ""
        print("CATEGORY %s %d %d %s%s" % (cat, npass, nfail, first or "-", extra), flush=True)
    return 1 if bad else 0

