"""``python -m pgmpy_mixture.cli``: the same as the ``pgmpy-mixture`` command."""

import sys

from pgmpy_mixture.cli import main

sys.exit(main())
