"""Run one Pelican build in this (fresh) process, for bench/build.py.

A separate process per build keeps imports, caches and memory of one build
from leaking into the next, and lets the parent read its peak RSS.

Usage: python bench/_one_build.py SETTINGS_FILE|- OVERRIDES_JSON
Prints one JSON line: in-process build seconds and warning/error log counts.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
import sys
import time

from pelican import Pelican
from pelican.settings import read_settings


class _Counter(logging.Handler):
    """Count warnings and errors instead of printing them (keeps timing quiet)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.warnings = 0
        self.errors = 0
        self.first_error = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.errors += 1
            if not self.first_error:
                self.first_error = record.getMessage()[:300]
        else:
            self.warnings += 1


def main(argv: list[str]) -> int:
    """Build once with the given settings file (or '-' for defaults) and overrides."""
    settings_file, overrides = argv[0], json.loads(argv[1])
    counter = _Counter()
    root = logging.getLogger()
    root.handlers[:] = [counter]
    root.setLevel(logging.WARNING)
    if settings_file != "-":
        # Like running `pelican` from the repo root: sibling modules importable.
        sys.path.insert(0, str(Path(settings_file).resolve().parent))

    t0 = time.perf_counter()
    settings = read_settings(
        None if settings_file == "-" else settings_file, override=overrides
    )
    Pelican(settings).run()
    result = {
        "run_s": time.perf_counter() - t0,
        "warnings": counter.warnings,
        "errors": counter.errors,
        "first_error": counter.first_error,
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
