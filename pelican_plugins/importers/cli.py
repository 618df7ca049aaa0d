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
import contextlib
from dataclasses import replace
import hashlib
import html
import os
from pathlib import Path
import re
import sqlite3
import sys
from typing import Any

import nh3
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from pelican_plugins import atomic
from pelican_plugins.importers.articles import ArticleIndex
from pelican_plugins.importers.clean import check_decodable
from pelican_plugins.importers.disqus import DisqusImporter
from pelican_plugins.importers.jf2 import Jf2Importer
from pelican_plugins.importers.posts import PostWriter
from pelican_plugins.importers.report import Report
from pelican_plugins.importers.urls import load_settings
from pelican_plugins.importers.wordpress import WordPressImporter
from pelican_plugins.importers.xmlstream import Truncated
from pelican_plugins.responses.model import Rejected, Response, validate
from pelican_plugins.responses.store import MergeReport, ResponseStore, writer_lock

BATCH = 5000
_UTF8_LEAD = re.compile("[\u00c2-\u00f4]")
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
        self._store: ResponseStore | None = None
        self._lock: contextlib.ExitStack | None = None
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self._pending: Future[MergeReport] | None = None

    def _merge(self, batch: list[Response]) -> MergeReport:
        if self._store is None:
            # Taken on the first write, so a refused file creates nothing.
            self._lock = contextlib.ExitStack()
            self._lock.enter_context(writer_lock(self.db, _waiting))
            self._store = ResponseStore(self.responses_dir, self.db)
        # Bulk mode: one os.sync per batch instead of two fsyncs per public file.
        return self._store.merge(batch, durable=False)

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
        if self._lock is not None:
            self._lock.close()
        self._pool.shutdown()


def _waiting(db: Path) -> None:
    """Say why the import pauses: another import holds the store."""
    sys.stderr.write(
        f"Waiting: another import is writing to {db}; continuing when it ends.\n"
    )
    sys.stderr.flush()


def _guarded(
    items: Iterable[Response], report: Report, fix_mojibake: bool = False
) -> Iterator[Response]:
    """Drop invalid items with a reason; stop cleanly at a fatal file error.

    One invalid item would roll a whole store batch back, so each is checked
    here; the batch read before a fatal error is still merged. An id seen
    twice in one file is a conflict: the first is kept (so a re-import
    changes nothing) and the second reported. Likely mojibake is reported,
    and repaired only on request (the raw text is kept either way).
    """
    count = 0
    first_key: dict[str, str] = {}
    try:
        for count, item in enumerate(items, 1):  # noqa: B007
            try:
                validate(item)
            except ValueError as error:
                report.dropped["invalid for the store (see warnings)"] += 1
                report.warnings.append(str(error))
                continue
            if item.id in first_key:
                report.conflicts.append(
                    f"{item.id} appears again (post {item.key!r}; first under "
                    f"{first_key[item.id]!r}): the first is kept"
                )
                continue
            first_key[item.id] = item.key
            yield _mojibake(item, report, fix_mojibake)
    except Rejected as error:  # the file as a whole (XMLRejected included)
        report.fatal = str(error)
        report.rejected = count == 0 and not isinstance(error, Truncated)


def _mojibake(item: Response, report: Report, fix: bool) -> Response:
    """Report text that looks double-encoded (``cafÃ©``); fix it if asked."""
    changes = {}
    for name in ("author_name", "content_html", "source_title"):
        value = getattr(item, name)
        # UTF-8 read as Latin-1 or cp1252 always shows a lead byte as one of
        # Â…ô: text without one skips the detector (and ftfy is never loaded).
        if not value or _UTF8_LEAD.search(value) is None:
            continue
        from ftfy import fix_encoding  # noqa: PLC0415
        from ftfy.badness import is_bad  # noqa: PLC0415

        if not is_bad(value):
            continue
        words = html.unescape(nh3.clean(value, tags=set())).split() or [value]
        sample = next((w for w in words if is_bad(w)), words[0])[:40]
        report.mojibake.append(
            f"{item.id} {name}: {sample!r}"
            + (f" → {fix_encoding(sample)!r}" if fix else "")
        )
        changes[name] = fix_encoding(value)
    return replace(item, **changes) if fix and changes else item


def run(  # noqa: PLR0917
    kind: str,
    path: Path,
    content: Path,
    db: Path,
    responses_dir: Path | None = None,
    posts: bool = False,
    progress: Progress | None = None,
    batch_size: int = BATCH,
    fix_mojibake: bool = False,
    settings: dict[str, Any] | None = None,
    uploads: Path | None = None,
) -> Report:
    """Import *path* with the *kind* importer; the report says what happened."""
    report = Report(source=str(path))
    try:
        with path.open("rb") as fh:
            if not IMPORTERS[kind].detect(fh.read(8192)):
                report.rejected = True
                report.fatal = f"{path} does not look like a {kind} export"
                return report
            if kind != "jf2":
                fh.seek(0)
                check_decodable(fh)
    except Rejected as error:
        report.rejected = True
        report.fatal = f"{path}: {error}"
        return report
    except OSError as error:
        report.rejected = True
        report.fatal = f"cannot read {path}: {error.strerror or error}"
        return report
    index = ArticleIndex(content, settings)
    writer = (
        PostWriter(content, index, report, settings, uploads)
        if posts and kind == "wordpress"
        else None
    )
    importer = IMPORTERS[kind](index, report, writer)
    folder = responses_dir or content / "responses"
    importer.responses_dir = folder
    task = progress.add_task(kind, total=path.stat().st_size) if progress else None
    writer_thread = StoreWriter(folder, db, report)
    try:
        with path.open("rb") as fh:
            responses = _guarded(importer.responses(fh), report, fix_mojibake)
            for batch in _batches(responses, batch_size):
                writer_thread.submit(batch)
                # A record was accepted, so the file is: keep what broke so far.
                _quarantine(importer, db, path)
                if progress is not None and task is not None:
                    progress.update(task, completed=importer.bytes_read())
        writer_thread.finish()
    except (sqlite3.Error, OSError) as error:
        report.fatal = f"the store {db} cannot be written: {error}"
        # Refused before a single merge (a corrupt --db): nothing was imported.
        report.rejected = not (report.created or report.updated or report.unchanged)
    finally:
        writer_thread.close()
    if not report.rejected:
        _quarantine(importer, db, path)
    return report


def _quarantine(importer: Any, db: Path, source: Path) -> None:
    """Keep the raw text of each broken record next to the private database.

    The name holds the record's line in the file and a hash of its bytes:
    two records never share a file, and a re-run rewrites none.
    """
    written = 0
    for broken in importer.broken:
        if broken.saved:
            continue
        digest = hashlib.sha256(broken.raw).hexdigest()[:12]
        path = (
            db.parent / "quarantine" / f"{source.stem}-line{broken.line}-{digest}.xml"
        )
        if not path.exists():
            # One os.sync for all of them: a thousand fsyncs took seconds.
            atomic.write_bytes(path, broken.raw, sync=False)
            written += 1
        broken.saved, broken.raw = True, b""
    if written:
        os.sync()


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
        help="also write WordPress posts/pages missing from CONTENT (as HTML)",
    )
    parser.add_argument(
        "--fix-mojibake",
        action="store_true",
        help="repair text that looks double-encoded (cafÃ© → café); raw text is kept",
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
        help="the Pelican settings whose URL patterns the posts get and"
        " responses are matched by"
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
    if args.posts and args.uploads is not None and not args.uploads.is_dir():
        console.print(f"Error: --uploads {args.uploads} is not a folder")
        return 2
    # The site's own URL, slug and date rules: for matching and for --posts.
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
            args.fix_mojibake,
            settings,
            args.uploads,
        )
    report.render(console)
    return report.exit_code
