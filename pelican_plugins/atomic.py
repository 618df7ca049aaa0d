"""Crash-safe file writes: a reader sees the old file or the new one, never half."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
import tempfile


def write_bytes(
    path: str | os.PathLike[str], data: bytes, *, sync: bool = True
) -> None:
    """Write *data* to *path* through a temporary file and an atomic rename.

    With ``sync`` the file and the rename are fsynced before returning. Bulk
    writers pass ``sync=False`` and call ``os.sync()`` once for the batch: a
    reader still never sees half a file.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if sync:
        sync_directory(target.parent)


def write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 *text* atomically (see :func:`write_bytes`)."""
    write_bytes(path, text.encode("utf-8"))


def sync_directory(directory: Path) -> None:
    """Persist a rename in *directory*; some filesystems refuse, which is harmless.

    The one directory fsync: atomic writes and the build's output swap use it.
    """
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
