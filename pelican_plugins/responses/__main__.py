"""Entry point: ``python -m pelican_plugins.responses moderate …``."""

import sys

from pelican_plugins.responses.cli import main

sys.exit(main())
