"""``receiver sync --from URL --content DIR``: pull moderated items into the site.

For a receiver on another machine: its ``GET /export`` (bearer token) lists
every moderated item without private fields; they are merged through
``ResponseStore``, so public files change only where something changed. A
bad record is reported with its place and skipped; the others still go in.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from pathlib import Path
from typing import Any

from pelican_plugins import net
from pelican_plugins.receiver.moderation import TOKEN_HEADER
from pelican_plugins.responses.model import Response, validate
from pelican_plugins.responses.store import ResponseStore

logger = logging.getLogger(__name__)

FIELDS = frozenset(Response.__dataclass_fields__) - {
    "author_email",
    "author_ip",
    "raw_content",
    "extra",
}
FAILED = 1


class SyncError(Exception):
    """The export could not be fetched or read (one line for the user)."""


def token(args: argparse.Namespace) -> str:
    """Read the export token from --token-file or $RECEIVER_EXPORT_TOKEN."""
    if args.token_file:
        try:
            return args.token_file.read_text("utf-8").strip()
        except OSError as error:
            raise SyncError(f"cannot read {args.token_file}: {error}") from error
    value = os.environ.get("RECEIVER_EXPORT_TOKEN", "").strip()
    if not value:
        raise SyncError("no token: pass --token-file or set RECEIVER_EXPORT_TOKEN")
    return value


def pull(base: str, secret: str, policy: net.Policy) -> list[Any]:
    """Fetch the export through the guarded fetcher; return its raw records."""
    url = base.rstrip("/") + "/export"
    try:
        answer = net.fetch(
            url,
            headers={TOKEN_HEADER: secret, "Accept": "application/json"},
            policy=policy,
            follow_redirects=False,
        )
    except net.FetchError as error:
        raise SyncError(f"{url}: {error.reason}") from error
    if answer.status != 200:
        raise SyncError(f"{url}: the receiver answered {answer.status}")
    if answer.truncated:
        raise SyncError(f"{url}: the export is larger than {policy.max_bytes} bytes")
    try:
        data = json.loads(answer.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SyncError(f"{url}: not JSON ({error})") from error
    records = data.get("responses") if isinstance(data, dict) else None
    if not isinstance(records, list):
        raise SyncError(f"{url}: expected {{'responses': [...]}}")
    return records


def to_items(records: list[Any]) -> tuple[list[Response], list[str]]:
    """Turn records into items; return them and one message per bad record."""
    items, problems = [], []
    for place, record in enumerate(records, 1):
        if not isinstance(record, dict):
            problems.append(f"record {place}: not an object")
            continue
        values = {k: v for k, v in record.items() if k in FIELDS}
        try:
            items.append(Response(**values))
        except TypeError as error:
            problems.append(f"record {place} ({record.get('id')!r}): {error}")
    return items, problems


def run(args: argparse.Namespace) -> int:
    """Pull and merge; 0 when every record went in, 1 otherwise."""
    policy = net.Policy(allow_private=bool(args.allow_private_addresses))
    try:
        records = pull(args.source, token(args), policy)
    except SyncError as error:
        logger.error("sync: %s", error)
        return FAILED
    items, problems = to_items(records)
    folder = Path(args.content) / "responses"
    good = []
    for item in items:
        try:
            good.append(validate(item))  # a bad record keeps its neighbours
        except ValueError as error:
            problems.append(f"record {item.id!r}: {error}")
    with ResponseStore(folder, Path(args.db)) as store:
        report = store.merge(good)
    for problem in problems:
        logger.error("sync: skipped %s", problem)
    logger.info(
        "sync: %d new, %d updated, %d unchanged, %d skipped",
        report.created,
        report.updated,
        report.unchanged,
        len(problems),
    )
    return FAILED if problems else 0
