#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""One raw login, or a stalled one, for tests/vm/30-portals.sh and
50-login.sh: iscsiraw.login (commands and options there)."""
import sys

sys.dont_write_bytecode = True  # the guest runs it from a read-only tree
from iscsiraw.login import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
