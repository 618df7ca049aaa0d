"""What the code of this process is: our source's digest and the libraries' versions.

Pelican's content cache (``cache_guard``'s fingerprint) and the responses
plugin's views cache must both be dropped when that code changes. They used
to hash the source files and look the versions up separately, on every build;
both now ask :func:`package_digest` and :func:`distribution_version`.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
from pathlib import Path


def package_digest(folder: str | os.PathLike[str]) -> bytes:
    """Return the SHA-256 over every ``*.py`` below *folder*: names and bytes.

    Each file is hashed once per process for one (path, size, mtime, inode):
    source does not change while a build reads it, so a second caller, or the
    next build of ``make devserver``, only stats the files; a file that was
    edited, added, removed or renamed changes the digest. The memo holds one
    small entry per file version, not per-run state.
    """
    root = os.path.realpath(folder)
    names = []
    # os.walk, not Path.rglob: it costs less than half as much, every build.
    for top, _dirs, files in os.walk(root):
        names += [
            os.path.join(top, f)[len(root) + 1 :] for f in files if f.endswith(".py")
        ]
    digest = hashlib.sha256()
    for name in sorted(names):
        path = os.path.join(root, name)
        stat = os.stat(path)
        digest.update(name.replace(os.sep, "/").encode() + b"\0")
        digest.update(_file_digest(path, stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return digest.digest()


@functools.lru_cache(maxsize=2048)
def _file_digest(path: str, size: int, mtime_ns: int, inode: int) -> bytes:
    """Return the SHA-256 of one file version (its stat fields key the memo)."""
    return hashlib.sha256(Path(path).read_bytes()).digest()


@functools.cache
def distribution_version(name: str) -> str:
    """Return the installed version of distribution *name*, ``-`` when absent.

    Asked once per process: a library upgraded under a running ``make
    devserver`` is not the one it imported, so the version it started with is
    the one that shapes its pages.
    """
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "-"
