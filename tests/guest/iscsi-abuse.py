#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Well-formed abuse for tests/vm/58-abuse.sh: iscsiraw.abuse (modes and
options there)."""
import sys

sys.dont_write_bytecode = True  # the guest runs it from a read-only tree
from iscsiraw.abuse import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
