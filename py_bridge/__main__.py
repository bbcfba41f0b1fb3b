"""`python3 -m py_bridge ...` is the same as the `flowar-proofs` console script."""

import sys

from py_bridge.cli import main

sys.exit(main())
