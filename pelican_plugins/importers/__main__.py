"""Run the importer command line (see :mod:`pelican_plugins.importers.cli`)."""

import sys

from pelican_plugins.importers.cli import main

sys.exit(main())
