"""``python3 -m py_bridge.crosscheck``: see :func:`py_bridge.crosscheck.main`."""

import sys

from . import main

sys.exit(main())
