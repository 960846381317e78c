"""`python -m dqn_tutorial` is the same as the `dqn-tutorial` command."""

import sys

from dqn_tutorial.cli import main

sys.exit(main())
