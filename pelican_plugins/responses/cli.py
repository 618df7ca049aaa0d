"""Moderation from the command line: list, approve, spam, delete.

``python -m pelican_plugins.responses moderate list|approve ID|spam ID|delete ID``
Exit codes: 0 done, 1 no such response, 2 bad usage.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
import sqlite3
import sys
import unicodedata

from pelican.settings import read_settings
from rich.console import Console
from rich.table import Table
from rich.text import Text

from pelican_plugins.config import defaults
from pelican_plugins.responses import settings as plugin_settings
from pelican_plugins.responses.model import STATUSES, Response
from pelican_plugins.responses.store import ResponseStore
from pelican_plugins.responses.view import excerpt

NOT_FOUND = 1
USAGE = 2
ACTIONS = {"approve": "approved", "spam": "spam", "trash": "trash"}


def terminal_safe(value: object, limit: int = 80) -> Text:
    """Plain text for the terminal: no rich markup, escapes or bidi tricks (B23)."""
    text = "".join(
        "\N{REPLACEMENT CHARACTER}" if unicodedata.category(ch) in ("Cc", "Cf") else ch
        for ch in str(value or "")
    )
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return Text(text)


def table(items: Sequence[Response], title: str) -> Table:
    """Return a rich table whose cells are Text, never parsed as markup."""
    grid = Table(title=title, show_lines=False)
    for column in ("id", "post", "type", "status", "date", "author", "excerpt"):
        grid.add_column(column, overflow="fold")
    for item in items:
        grid.add_row(
            *(
                terminal_safe(value)
                for value in (
                    item.id,
                    item.key,
                    item.type,
                    item.status,
                    item.date,
                    item.author_name,
                    excerpt(item.content_html, 12),
                )
            )
        )
    return grid


def parser() -> argparse.ArgumentParser:
    """Build the argument parser."""
    ap = argparse.ArgumentParser(prog="python -m pelican_plugins.responses")
    ap.add_argument(
        "--settings",
        default="pelicanconf.py",
        help="Pelican settings that give PATH, RESPONSES_DIR and RESPONSES_DB",
    )
    ap.add_argument("--content", help="content folder (default: PATH)")
    ap.add_argument("--db", help="private store (default: RESPONSES_DB)")
    sub = ap.add_subparsers(dest="command", required=True)
    moderate = sub.add_parser("moderate", help="review and move responses")
    actions = moderate.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="show responses (default: pending)")
    listing.add_argument("--status", choices=(*STATUSES, "all"), default="pending")
    for name in (*ACTIONS, "delete"):
        action = actions.add_parser(name, help=f"{name} one response")
        action.add_argument("id")
    return ap


def locations(args: argparse.Namespace) -> tuple[Path, Path]:
    """Resolve the responses folder and database from the settings file and flags."""
    conf = Path(args.settings)
    options = defaults(plugin_settings.SPEC)
    content, base = Path("content"), Path()
    if conf.is_file():
        settings = read_settings(str(conf))
        options = plugin_settings.load(settings)
        content, base = Path(settings["PATH"]), conf.resolve().parent
    content = Path(args.content) if args.content else content
    db = Path(args.db) if args.db else base / options["RESPONSES_DB"]
    return content / options["RESPONSES_DIR"], db


def main(argv: Sequence[str] | None = None, console: Console | None = None) -> int:
    """Run the CLI; return the exit code (a bad database is a usage error, 2)."""
    args = parser().parse_args(argv)
    console = console or Console()
    folder, db = locations(args)
    # Moderation never creates a store: a mistyped --db is an error, not 0 items.
    if not db.is_file():
        return _fail(console, f"no responses database at {db} (check --db or import)")
    try:
        return _moderate(args, folder, db, console)
    except sqlite3.DatabaseError as error:
        return _fail(console, f"{db} is not a readable responses database ({error})")


def _fail(console: Console, message: str) -> int:
    console.print(Text(f"Error: {message}"), style="red", soft_wrap=True)
    return USAGE


def _moderate(
    args: argparse.Namespace, folder: Path, db: Path, console: Console
) -> int:
    with ResponseStore(folder, db) as store:
        if args.action == "list":
            status = None if args.status == "all" else args.status
            items = store.list(status)
            console.print(table(items, f"{len(items)} {args.status} response(s)"))
            return 0
        try:
            if args.action == "delete":
                store.delete(args.id)
                done = "deleted (its content wiped; re-imports keep it deleted)"
            else:
                store.set_status(args.id, ACTIONS[args.action])
                done = f"marked {ACTIONS[args.action]}"
        except KeyError:
            console.print(Text(f"no response with id {args.id!r}"), style="red")
            return NOT_FOUND
    message = Text(f"{args.id}: {done}; public file of its post updated.")
    console.print(message)
    return 0


if __name__ == "__main__":
    sys.exit(main())
