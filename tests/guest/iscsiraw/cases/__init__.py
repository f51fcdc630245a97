# SPDX-License-Identifier: GPL-2.0
"""The fuzzing cases, one module per category. A case is fn(env, conn):
it returns a short detail on success and raises pdu.Fail (or lets
Closed/Timeout out) on failure; run_case runs one on a fresh
connection with its own ISID.

Login phase: dsl, ahs, opcode, digest, cbit, stage, ids, keys, chap,
abort, and mutate (seeded mutations, iscsiraw.fuzz numbers them) and
parallel (half-open logins, run after the others). Full Feature Phase:
ffp, data (SCSI commands to LUN 0). events (run_events, one at a time)
need a target of their own."""
import importlib
import time
import traceback

from ..conn import Conn
from ..pdu import Closed, Fail, Timeout

CASES = []  # (category, name, fn) in registration order: see MODULES
# (category, name) of the cases that run alone, after the parallel ones:
# they measure the whole guest (its free memory), which the other cases'
# sockets and buffers would move by tens of MiB
ALONE = set()


def case(cat, name=None):
    def reg(fn):
        CASES.append((cat, name or fn.__name__.replace("_", "-"), fn))
        return fn
    return reg


def cases(cat, names, alone=False):
    """Register one generated case per name: fn(env, conn, param)."""
    def reg(fn):
        for n, p in names:
            CASES.append((cat, n, lambda env, c, p=p, fn=fn: fn(env, c, p)))
            if alone:
                ALONE.add((cat, n))
        return fn
    return reg


class Env:
    pass


def run_case(env, isid, cat, name, fn):
    t0 = time.monotonic()
    c = None
    try:
        c = Conn(env, isid)
        detail = fn(env, c)
        ok = True
    except Fail as e:
        ok, detail = False, str(e)
    except (Closed, Timeout) as e:
        ok, detail = False, "unexpected %s" % type(e).__name__
    except Exception as e:
        ok, detail = False, "client error %s: %s" % (type(e).__name__, e)
        traceback.print_exc()
    finally:
        if c:
            c.close()
    return cat, name, ok, time.monotonic() - t0, detail


# The modules whose cases go into CASES, in this order: a case's number
# there makes its ISID (iscsiraw.fuzz).
MODULES = ("dsl", "ahs", "opcode", "ffp", "digest", "cbit", "stage", "ids", "keys", "chap",
           "abort", "data")
for _m in MODULES + ("events",):
    importlib.import_module("." + _m, __name__)
