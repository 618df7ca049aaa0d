"""The private store's SQL, versioned with ``PRAGMA user_version``.

Each entry of :data:`MIGRATIONS` moves the database one version forward and
never changes once released, so a store made by any older build upgrades in
place. Version 0 is the unversioned store of the first release: its table is
exactly migration 1, written with ``IF NOT EXISTS``, so it upgrades untouched.
"""

from __future__ import annotations

from pathlib import Path
import sqlite3

from pelican_plugins.lockfile import advisory_lock

#: migration n (1-based) brings user_version from n-1 to n.
MIGRATIONS: tuple[str, ...] = (
    # 1: comments and linkbacks (the unversioned store of the first release).
    """
    CREATE TABLE IF NOT EXISTS responses (
        id TEXT PRIMARY KEY, key TEXT, type TEXT, status TEXT, parent TEXT,
        author_name TEXT, author_url TEXT, date TEXT, content_html TEXT,
        source_url TEXT, source_title TEXT, author_email TEXT, author_ip TEXT,
        raw_content TEXT, origin TEXT, extra TEXT,
        moderated INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX IF NOT EXISTS responses_key ON responses (key, status);
    CREATE INDEX IF NOT EXISTS responses_status ON responses (status, date, id);
    """,
    # 2: the receiver: webmention kind, the verification queue with the source's
    # h-card, and the comment-form log behind duplicate, flood and rate checks.
    """
    ALTER TABLE responses ADD COLUMN kind TEXT;
    CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        protocol TEXT NOT NULL CHECK (protocol IN ('webmention', 'pingback')),
        source TEXT NOT NULL,
        target TEXT NOT NULL,
        key TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'verified', 'failed', 'deleted')),
        received_at TEXT NOT NULL,
        checked_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt REAL NOT NULL DEFAULT 0,
        http_status INTEGER,
        reason TEXT,
        response_id TEXT,
        author_name TEXT,
        author_url TEXT,
        author_photo TEXT,
        kind TEXT,
        sender_ip TEXT,
        UNIQUE (source, key)
    );
    CREATE INDEX mentions_due ON mentions (state, next_attempt);
    CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        response_id TEXT NOT NULL UNIQUE,
        key TEXT NOT NULL,
        ip TEXT NOT NULL,
        digest TEXT NOT NULL UNIQUE,
        at REAL NOT NULL
    );
    CREATE INDEX submissions_ip ON submissions (ip, at);
    CREATE INDEX submissions_at ON submissions (at);
    """,
)
VERSION = len(MIGRATIONS)


class NewerStoreError(RuntimeError):
    """The database was written by a newer release; refusing to touch it."""


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]


def migrate(db: sqlite3.Connection) -> int:
    """Bring *db* (autocommit mode) to :data:`VERSION`; return the version found.

    All steps run in one ``BEGIN IMMEDIATE`` transaction, so two processes
    opening an old store at once upgrade it once, and a crash leaves it as it was.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        found = db.execute("PRAGMA user_version").fetchone()[0]
        if found > VERSION:
            raise NewerStoreError(
                f"store version {found} is newer than this release ({VERSION})"
            )
        for script in MIGRATIONS[found:]:
            for statement in _statements(script):
                db.execute(statement)
        if found != VERSION:
            db.execute(f"PRAGMA user_version = {VERSION}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return found


def connect(path: Path) -> sqlite3.Connection:
    """Open the store with the pragmas every user needs, migrated to this version.

    WAL lets readers work beside the one writer; ``synchronous=FULL`` keeps a
    committed row through power loss; ``busy_timeout`` waits instead of failing.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA busy_timeout=5000")
    # Two processes opening a new file at once race to switch it to WAL, and
    # SQLite may answer "database is locked" without waiting; the switch and
    # the migration take turns under the store's advisory lock instead.
    with advisory_lock(path.with_name(path.name + ".open")):
        db.execute("PRAGMA journal_mode=WAL")
        if db.execute("PRAGMA user_version").fetchone()[0] != VERSION:
            migrate(db)
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA foreign_keys=ON")
    return db
