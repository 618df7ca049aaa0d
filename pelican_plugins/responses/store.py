"""The two response stores: private SQLite (everything) and public JSON (approved only).

Every write goes through :class:`ResponseStore`, so the importers, the moderation
CLI and the future receiver share one idempotent merge and one file format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
import contextlib
from dataclasses import dataclass, field, fields, replace
from itertools import islice
import json
import os
from pathlib import Path
import sqlite3

from pelican_plugins import atomic
from pelican_plugins.lockfile import advisory_lock
from pelican_plugins.responses import schema
from pelican_plugins.responses.model import (
    DELETED,
    KINDS,
    OPTIONAL_PUBLIC_FIELDS,
    PUBLIC_FIELDS,
    STATUSES,
    Response,
    check_key,
    validate,
)

_FIELDS = tuple(f.name for f in fields(Response))
_COLUMNS = ", ".join(_FIELDS)
_MARKS = ", ".join("?" * len(_FIELDS))
_UPSERT = (
    f"INSERT INTO responses ({_COLUMNS}) VALUES ({_MARKS}) "
    "ON CONFLICT(id) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in _FIELDS if name != "id")
)
_CHUNK = 500
_EXPORTED = PUBLIC_FIELDS + OPTIONAL_PUBLIC_FIELDS
_SELECT_PUBLIC = (
    f"SELECT {', '.join(_EXPORTED)} FROM responses WHERE key = ? AND status = ?"
)


@dataclass
class MergeReport:
    """What one merge did; ``touched_keys`` are articles whose stored data changed."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    touched_keys: set[str] = field(default_factory=set)


def _row(item: Response) -> tuple:
    extra = None if item.extra is None else json.dumps(item.extra, sort_keys=True)
    return tuple(extra if name == "extra" else getattr(item, name) for name in _FIELDS)


def _from_row(row: tuple) -> Response:
    values = dict(zip(_FIELDS, row, strict=False))
    if values["extra"] is not None:
        values["extra"] = json.loads(values["extra"])
    return Response(**values)


def public_path(responses_dir: Path, key: str) -> Path:
    """Return the public file of *key*, refusing any key that could leave the folder."""
    base = Path(responses_dir).resolve()
    path = public_file(base, key).resolve()
    if not path.is_relative_to(base) or path.parent != base:
        raise ValueError(f"invalid responses key {key!r}")
    return path


def _dump(key: str, public: list[dict]) -> str:
    public.sort(key=lambda item: (item["date"], item["id"]))
    obj = {"key": key, "responses": public}
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


_PUBLIC = frozenset(_EXPORTED)


def _public_record(row: tuple) -> dict:
    """One exported item: the public fields, plus optional ones only when set."""
    record = dict(zip(_EXPORTED, row, strict=True))
    for name in OPTIONAL_PUBLIC_FIELDS:
        if record[name] is None:
            del record[name]
    return record


def load_public(responses_dir: Path, key: str) -> list[dict]:
    """Read one article's public file; [] when absent, ValueError naming it when bad.

    Fields this release does not know are dropped, so files written by a newer
    release still build; a ``kind`` it does not know is dropped the same way.
    """
    path = public_file(responses_dir, key)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    return parse_public(path, raw)


def public_file(responses_dir: Path, key: str) -> Path:
    """Return the public file of *key*: ``<responses_dir>/<key>.json``."""
    # check_key() admits no separator and no "..": the name cannot leave the folder.
    return Path(responses_dir) / f"{check_key(key)}.json"


def parse_public(path: Path, raw: bytes) -> list[dict]:
    """Parse the bytes of a public file read from *path* (see :func:`load_public`)."""
    try:
        obj = json.loads(raw.decode("utf-8"))
    except RecursionError:
        raise ValueError(f"{path}: JSON nested too deeply to read") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"{path}: not valid UTF-8 JSON ({error})") from None
    items = obj.get("responses") if isinstance(obj, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ValueError(f"{path}: expected {{'key': …, 'responses': [objects]}}")
    for item in items:
        if not isinstance(item.get("id"), str) or not isinstance(item.get("date"), str):
            raise ValueError(f"{path}: a response lacks a string id or date")
    known = [_known(item) for item in items]
    for item in known:
        for name, value in item.items():
            _check_text(path, item["id"], name, value)
    return known


def _known(item: dict) -> dict:
    known = {name: value for name, value in item.items() if name in _PUBLIC}
    if known.get("kind", KINDS[0]) not in KINDS:
        del known["kind"]
    return known


def _check_text(path: Path, rid: str, name: str, value: object) -> None:
    """Refuse a field that is not text, or text no page can encode.

    JSON may spell a lone surrogate (an escaped code point D800 to DFFF); it
    decodes, then breaks the page writer, so the file is refused here and
    named, like any other bad file.
    """
    if value is None:
        return
    if not isinstance(value, str):
        raise ValueError(f"{path}: {rid!r} field {name} is not text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(
            f"{path}: {rid[:60]!r} field {name} holds a lone surrogate"
        ) from None


@contextlib.contextmanager
def writer_lock(
    db_path: Path, on_wait: Callable[[Path], None] | None = None
) -> Iterator[None]:
    """Hold the advisory lock that lets one importer at a time write the store.

    A second import waits (``on_wait`` says so once) instead of failing with
    "database is locked" or interleaving its batches with the first.
    """
    path = Path(db_path)
    with advisory_lock(
        path, on_wait=None if on_wait is None else lambda: on_wait(path)
    ):
        yield


def tombstone(item: Response) -> Response:
    """Return what is kept of a deleted response: its id, post and date only.

    The row stays so that a re-import recognises the id and keeps it deleted.
    """
    return Response(
        id=item.id,
        key=item.key,
        type=item.type,
        status=DELETED,
        parent=None,
        author_name="",
        author_url=None,
        date=item.date,
        content_html="",
        origin=item.origin,
    )


def _chunks(items: Iterable[Response]) -> Iterator[list[Response]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, _CHUNK)):
        yield chunk


class ResponseStore:
    """Private SQLite store plus the public JSON files derived from it."""

    def __init__(self, responses_dir: Path, db_path: Path) -> None:
        self.responses_dir = Path(responses_dir)
        self.db_path = Path(db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._db = schema.connect(self.db_path)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def merge(self, items: Iterable[Response], *, durable: bool = True) -> MergeReport:
        """Upsert *items* by id in one transaction, then rewrite the touched files.

        A status set by a moderator is kept when the same item is imported again.
        Every key in the batch has its public file checked, so a merge that was
        killed after the commit is repaired by running it again.
        """
        report = MergeReport()
        seen: set[str] = set()
        with self._transaction() as db:
            for chunk in _chunks(items):
                for item in chunk:
                    validate(item)
                existing = self._fetch({item.id for item in chunk})
                rows = []
                for incoming in chunk:
                    key = check_key(incoming.key)
                    item = (
                        incoming if key == incoming.key else replace(incoming, key=key)
                    )
                    seen.add(key)
                    old = existing.get(item.id)
                    if old is not None and old[0].status == DELETED:
                        report.unchanged += 1  # a moderator deleted it: stays so
                        continue
                    if old is not None and old[1]:
                        item = replace(item, status=old[0].status)
                    if old is not None and old[0] == item:
                        report.unchanged += 1
                        continue
                    if old is None:
                        report.created += 1
                    else:
                        report.updated += 1
                        report.touched_keys.add(old[0].key)
                    report.touched_keys.add(key)
                    existing[item.id] = (item, old[1] if old else 0)
                    rows.append(_row(item))
                db.executemany(_UPSERT, rows)
        self.export(seen | report.touched_keys, durable=durable)
        return report

    def _fetch(self, ids: set[str]) -> dict[str, tuple[Response, int]]:
        marks = ", ".join("?" * len(ids))
        cursor = self._db.execute(
            f"SELECT {_COLUMNS}, moderated FROM responses WHERE id IN ({marks})",
            tuple(ids),
        )
        return {row[0]: (_from_row(row[:-1]), row[-1]) for row in cursor}

    def export(
        self, keys: Iterable[str] | None = None, *, durable: bool = True
    ) -> list[str]:
        """Bring the public files of *keys* (default: all) in line with SQLite.

        Returns the keys whose file was written or removed; equal bytes are left alone.
        """
        # Writers in other processes (an import, the receiver, `moderate`) export
        # too. Each reads SQLite after its own commit; reading and writing under
        # one lock makes the last file written hold every committed item.
        with advisory_lock(self.db_path.with_name(self.db_path.name + ".export")):
            return self._export(keys, durable=durable)

    def _export(self, keys: Iterable[str] | None, *, durable: bool) -> list[str]:
        if keys is None:
            keys = [
                row[0] for row in self._db.execute("SELECT DISTINCT key FROM responses")
            ]
        changed = []
        for key in sorted(keys):
            path = public_path(self.responses_dir, key)
            items = [
                _public_record(row)
                for row in self._db.execute(_SELECT_PUBLIC, (key, "approved"))
            ]
            try:
                current = path.read_bytes()
            except FileNotFoundError:
                current = None
            if not items:
                if current is not None:
                    path.unlink()
                    changed.append(key)
                continue
            data = _dump(key, items).encode("utf-8")
            if data != current:
                atomic.write_bytes(path, data, sync=durable)
                changed.append(key)
        if changed and not durable:
            os.sync()  # one flush for the whole batch instead of two fsyncs per file
        return changed

    def set_status(self, response_id: str, status: str) -> Response:
        """Moderate one item (kept across re-imports) and re-export its file."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self._transaction() as db:
            found = self._fetch({response_id}).get(response_id)
            if found is None or found[0].status == DELETED:
                raise KeyError(response_id)  # a tombstone has nothing to publish
            db.execute(
                "UPDATE responses SET status = ?, moderated = 1 WHERE id = ?",
                (status, response_id),
            )
        self.export([found[0].key])
        return replace(found[0], status=status)

    def delete(self, response_id: str) -> None:
        """Delete one item for good: its content is wiped, a tombstone row stays.

        The tombstone keeps later imports of the same export from bringing
        it back; its replies become top-level on the page.
        """
        with self._transaction() as db:
            found = self._fetch({response_id}).get(response_id)
            if found is None or found[0].status == DELETED:
                raise KeyError(response_id)
            db.execute(
                f"UPDATE responses SET ({_COLUMNS}) = ({_MARKS}), moderated = 1 "
                "WHERE id = ?",
                (*_row(tombstone(found[0])), response_id),
            )
        self.export([found[0].key])

    def list(self, status: str | None = None) -> list[Response]:
        """Every stored item (or those with *status*), ordered by (date, id)."""
        sql = f"SELECT {_COLUMNS} FROM responses"
        args: tuple = ()
        if status is not None:
            sql += " WHERE status = ?"
            args = (status,)
        return [
            _from_row(row) for row in self._db.execute(sql + " ORDER BY date, id", args)
        ]

    def get(self, response_id: str) -> Response | None:
        """Return one item by id, or None."""
        found = self._fetch({response_id}).get(response_id)
        return None if found is None else found[0]

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> ResponseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
