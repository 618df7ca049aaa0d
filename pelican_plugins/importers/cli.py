"""``python -m pelican_plugins.importers SOURCE FILE``: import responses into the store.

Exit codes: 0 everything imported; 1 partial (a truncated file, a quarantined
record: the rest was imported and a re-run after fixing the file completes
it); 2 the file was refused (not that format, DTD/entities, unreadable
encoding) and nothing was written.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Iterator
import os
from pathlib import Path
import signal
import sys

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

from pelican_plugins import atomic
from pelican_plugins.importers.articles import ArticleIndex
from pelican_plugins.importers.clean import Rejected
from pelican_plugins.importers.disqus import DisqusImporter
from pelican_plugins.importers.jf2 import Jf2Importer
from pelican_plugins.importers.posts import PostWriter
from pelican_plugins.importers.report import Report
from pelican_plugins.importers.wordpress import WordPressImporter
from pelican_plugins.importers.xmlstream import Truncated, XMLRejected
from pelican_plugins.responses.model import Response
from pelican_plugins.responses.store import ResponseStore

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


def _guarded(items: Iterable[Response], report: Report) -> Iterator[Response]:
    """Stop cleanly at a fatal file error, so the batch read so far is merged."""
    count = 0
    try:
        for count, item in enumerate(items, 1):  # noqa: B007
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
        PostWriter(content, index, report) if posts and kind == "wordpress" else None
    )
    importer = IMPORTERS[kind](index, report, writer)
    kill_after = int(os.environ.get(KILL_AFTER_ENV, "0") or 0)
    task = progress.add_task(kind, total=path.stat().st_size) if progress else None
    store: ResponseStore | None = None
    try:
        with path.open("rb") as fh:
            responses = _guarded(importer.responses(fh), report)
            batches = _batches(responses, batch_size)
            for number, batch in enumerate(batches, 1):
                if store is None:
                    store = ResponseStore(responses_dir or content / "responses", db)
                report.add_merge(store.merge(batch))
                if progress is not None and task is not None:
                    progress.update(task, completed=importer.bytes_read())
                if kill_after and number >= kill_after:
                    os.kill(os.getpid(), signal.SIGKILL)
    finally:
        if store is not None:
            store.close()
    _quarantine(importer, db, path)
    return report


def _quarantine(importer: object, db: Path, source: Path) -> None:
    """Keep the raw text of each broken record next to the private database."""
    reader = getattr(importer, "reader", None)
    stream = getattr(reader, "stream", None)
    for broken in getattr(stream, "broken", []):
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
        )
    report.render(console)
    return report.exit_code
