"""Wrapping Pelican's reader classes: one way for every plugin that does it.

A plugin that works inside the readers (so Pelican's reader cache keeps its
results) subclasses each reader class with a mixin at ``readers_init``. Each
wrap builds on the class already there, so plugins stack in ``PLUGINS`` order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def wrap_readers(
    readers: Any, prefix: str, mixin_for: Callable[[type], type | None]
) -> None:
    """Subclass each reader class with the mixin *mixin_for* picks for it.

    *mixin_for* returns None to leave a class alone; a class that already has
    the mixin is left alone too. New classes are named *prefix* + the old name.
    """
    for fmt, cls in list(readers.reader_classes.items()):
        if not isinstance(cls, type):
            continue  # a reader turned off in READERS
        mixin = mixin_for(cls)
        if mixin is not None and not issubclass(cls, mixin):
            readers.reader_classes[fmt] = type(
                f"{prefix}{cls.__name__}", (mixin, cls), {}
            )
