"""One advisory-lock rule for every command that writes shared state.

A lock file next to the protected file (``<name>.lock``) is locked with
``flock``; it is never removed, since removing it would let a third process
lock a different file. The kernel drops the lock when the process dies, so a
killed run never leaves the next one locked out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
import contextlib
import fcntl
import os
from pathlib import Path


class Busy(RuntimeError):
    """Another process holds the lock and the caller chose not to wait."""


@contextlib.contextmanager
def advisory_lock(
    path: Path, *, wait: bool = True, on_wait: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold the exclusive lock of *path* for the block.

    When another process holds it: with *wait*, call *on_wait* once (to say
    why nothing happens) and block until it is free; without, raise
    :class:`Busy`.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(path.name + ".lock"), os.O_CREAT | os.O_RDWR, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                raise Busy(f"another process is using {path}") from None
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
