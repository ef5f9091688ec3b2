"""``python -m mhr_indicators`` runs the ``mhr`` command line."""

import sys

from .cli import main

sys.exit(main())
