"""``python -m pelican_plugins.linkbacks``: see pelican_plugins.linkbacks.cli."""

import sys

from pelican_plugins.linkbacks.cli import main

sys.exit(main())
