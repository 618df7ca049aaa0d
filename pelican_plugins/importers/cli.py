"""``python -m pelican_plugins.importers SOURCE FILE``: import responses into the store.

Exit codes: 0 everything imported; 1 partial (a truncated file, a quarantined
record: the rest was imported and a re-run after fixing the file completes
it); 2 the file was refused (not that format, DTD/entities, unreadable
encoding) and nothing was written.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
import os
from pathlib import Path
import signal
import sqlite3
import sys
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from pelican_plugins import atomic
from pelican_plugins.importers.articles import ArticleIndex
from pelican_plugins.importers.clean import Rejected
from pelican_plugins.importers.disqus import DisqusImporter
from pelican_plugins.importers.jf2 import Jf2Importer
from pelican_plugins.importers.posts import PostWriter
from pelican_plugins.importers.report import Report
from pelican_plugins.importers.urls import load_settings
from pelican_plugins.importers.wordpress import WordPressImporter
from pelican_plugins.importers.xmlstream import Truncated, XMLRejected
from pelican_plugins.responses.model import Response, validate
from pelican_plugins.responses.store import MergeReport, ResponseStore

BATCH = 5000
#: Test hook: SIGKILL this process after N merged batches (re-run tests, A15).
KILL_AFTER_ENV = "LISTENING_BACK_IMPORT_KILL_AFTER_BATCHES"
IMPORTERS = {
    "wordpress": WordPressImporter,
    "disqus": DisqusImporter,
    "jf2": Jf2Importer,
}


def _batches(items: Iterable[Response], size: int) -> Iterator[list[Response]]:
    batch: list[Response] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class StoreWriter:
    """Merge batches on one worker thread that owns the store.

    SQLite commits and the fsyncs of the public files release the GIL, so the
    next batch is parsed meanwhile. At most one batch waits, so memory stays
    bounded; the connection never leaves its thread.
    """

    def __init__(self, responses_dir: Path, db: Path, report: Report) -> None:
        self.responses_dir = responses_dir
        self.db = db
        self.report = report
        self.kill_after = int(os.environ.get(KILL_AFTER_ENV, "0") or 0)
        self.merged = 0
        self._store: ResponseStore | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self._pending: Future[MergeReport] | None = None

    def _merge(self, batch: list[Response]) -> MergeReport:
        if self._store is None:
            self._store = ResponseStore(self.responses_dir, self.db)
        # Bulk mode: one os.sync per batch instead of two fsyncs per public file.
        result = self._store.merge(batch, durable=False)
        self.merged += 1
        if self.kill_after and self.merged >= self.kill_after:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    def _collect(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            self.report.add_merge(pending.result())

    def submit(self, batch: list[Response]) -> None:
        """Queue *batch*; wait for the one before it (so at most one waits)."""
        future = self._pool.submit(self._merge, batch)
        self._collect()
        self._pending = future

    def finish(self) -> None:
        """Wait for the last merge and count it (its errors are raised here)."""
        self._collect()

    def close(self) -> None:
        """Close the store on its own thread, even after an error."""
        if self._pending is not None:
            self._pending.exception()  # wait; the error was already reported
        if self._store is not None:
            self._pool.submit(self._store.close).result()
        self._pool.shutdown()


def _guarded(items: Iterable[Response], report: Report) -> Iterator[Response]:
    """Drop invalid items with a reason; stop cleanly at a fatal file error.

    One invalid item would roll a whole store batch back, so each is checked
    here; the batch read before a fatal error is still merged.
    """
    count = 0
    try:
        for count, item in enumerate(items, 1):  # noqa: B007
            try:
                validate(item)
            except ValueError as error:
                report.dropped["invalid for the store (see warnings)"] += 1
                report.warnings.append(str(error))
                continue
            yield item
    except (XMLRejected, Rejected) as error:
        report.fatal = str(error)
        report.rejected = count == 0 and not isinstance(error, Truncated)


def run(  # noqa: PLR0917
    kind: str,
    path: Path,
    content: Path,
    db: Path,
    responses_dir: Path | None = None,
    posts: bool = False,
    progress: Progress | None = None,
    batch_size: int = BATCH,
    settings: dict[str, Any] | None = None,
    uploads: Path | None = None,
) -> Report:
    """Import *path* with the *kind* importer; the report says what happened."""
    report = Report(source=str(path))
    index = ArticleIndex(content)
    with path.open("rb") as fh:
        if not IMPORTERS[kind].detect(fh.read(8192)):
            report.rejected = True
            report.fatal = f"{path} does not look like a {kind} export"
            return report
    writer = (
        PostWriter(content, index, report, settings, uploads)
        if posts and kind == "wordpress"
        else None
    )
    importer = IMPORTERS[kind](index, report, writer)
    task = progress.add_task(kind, total=path.stat().st_size) if progress else None
    writer_thread = StoreWriter(responses_dir or content / "responses", db, report)
    try:
        with path.open("rb") as fh:
            responses = _guarded(importer.responses(fh), report)
            for batch in _batches(responses, batch_size):
                writer_thread.submit(batch)
                if progress is not None and task is not None:
                    progress.update(task, completed=importer.bytes_read())
        writer_thread.finish()
    except (sqlite3.Error, OSError) as error:
        report.fatal = f"store error: {error}"
    finally:
        writer_thread.close()
    _quarantine(importer, db, path)
    return report


def _quarantine(importer: Any, db: Path, source: Path) -> None:
    """Keep the raw text of each broken record next to the private database."""
    for broken in importer.broken:
        name = f"{source.stem}-line{broken.line}.xml"
        atomic.write_bytes(db.parent / "quarantine" / name, broken.raw)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(
        prog="python -m pelican_plugins.importers",
        description="Import comments and linkbacks into the responses store.",
    )
    parser.add_argument("kind", choices=sorted(IMPORTERS), help="export format")
    parser.add_argument("file", type=Path, help="the export file")
    parser.add_argument("--content", type=Path, default=Path("content"))
    parser.add_argument("--db", type=Path, default=Path("var/responses.sqlite3"))
    parser.add_argument(
        "--responses-dir",
        type=Path,
        default=None,
        help="public JSON folder (default: CONTENT/responses)",
    )
    parser.add_argument(
        "--posts",
        action="store_true",
        help="also write WordPress posts/pages missing from CONTENT as Markdown",
    )
    parser.add_argument(
        "--uploads",
        type=Path,
        default=None,
        help="a copy of the old wp-content/uploads: referenced files are copied in",
    )
    parser.add_argument(
        "--settings",
        type=Path,
        default=None,
        help="the Pelican settings whose URL patterns the posts get"
        " (default: pelicanconf.py when it exists)",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=BATCH,
        help=f"responses per store transaction (default {BATCH})",
    )
    args = parser.parse_args(argv)
    console = Console()
    if not args.file.is_file():
        console.print(f"Error: {args.file} is not a file", markup=False)
        return 2
    settings = None
    if args.posts:
        if args.uploads is not None and not args.uploads.is_dir():
            console.print(f"Error: --uploads {args.uploads} is not a folder")
            return 2
        conf = args.settings
        if conf is None and Path("pelicanconf.py").is_file():
            conf = Path("pelicanconf.py")
        try:
            settings = load_settings(conf)
        except Exception as error:  # noqa: BLE001 - a broken settings file of any kind
            console.print(f"Error: cannot read settings {conf}: {error}", markup=False)
            return 2
    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        transient=True,
        console=Console(stderr=True),
        disable=not sys.stderr.isatty(),
    )
    with progress:
        report = run(
            args.kind,
            args.file,
            args.content,
            args.db,
            args.responses_dir,
            args.posts,
            progress,
            max(1, args.batch_size),
            settings,
            args.uploads,
        )
    report.render(console)
    return report.exit_code
