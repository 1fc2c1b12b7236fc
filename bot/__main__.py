"""`python -m bot` is the `hamdeli` command."""

import sys

from bot.cli import main

sys.exit(main())
