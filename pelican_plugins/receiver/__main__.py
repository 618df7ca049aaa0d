"""``python -m pelican_plugins.receiver``: see :mod:`pelican_plugins.receiver.cli`."""

import sys

from pelican_plugins.receiver.cli import main

sys.exit(main())
