"""``python -m refocus_dsl`` is the ``refocus`` command."""

import sys

from refocus_dsl.cli import main

sys.exit(main())
