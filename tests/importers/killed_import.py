"""Run the importer command line and SIGKILL it after N merged batches (tests only).

``python -m tests.importers.killed_import N wordpress EXPORT ...``: the product
code has no kill switch; this wrapper wraps the store writer's merge instead.
"""

from __future__ import annotations

import os
import signal
import sys

from pelican_plugins.importers import cli


def main() -> int:
    """Patch the merge to die after the N-th batch, then run the real CLI."""
    limit = int(sys.argv[1])
    merge = cli.StoreWriter._merge
    done = 0

    def merge_then_die(self: cli.StoreWriter, batch: list) -> object:
        nonlocal done
        result = merge(self, batch)
        done += 1
        if done >= limit:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    cli.StoreWriter._merge = merge_then_die
    return cli.main(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
