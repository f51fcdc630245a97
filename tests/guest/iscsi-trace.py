#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The tracepoint workload and checks of tests/vm/67-trace.sh:
iscsiraw.trace (options there)."""
import sys

sys.dont_write_bytecode = True  # the guest runs it from a read-only tree
from iscsiraw.trace import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
