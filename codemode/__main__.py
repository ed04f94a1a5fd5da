"""`python -m codemode` runs the CLI."""

import sys

from codemode.cli import main

sys.exit(main())
