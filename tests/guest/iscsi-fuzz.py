#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The adversarial iSCSI client of tests/vm/55-login-fuzz.sh,
56-ffp-fuzz.sh and 57-ffp-events.sh: iscsiraw.fuzz (options there)."""
import sys

sys.dont_write_bytecode = True  # the guest runs it from a read-only tree
from iscsiraw.fuzz import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
