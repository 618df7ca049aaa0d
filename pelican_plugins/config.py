"""Declared, prefixed plugin settings that warn and fall back on bad values.

Every plugin declares its settings once, as a mapping of ``Setting`` objects,
and resolves them with :func:`resolve`. A bad value never crashes a build: it is
logged with the plugin's name and replaced by the default, the way Pelican's
own ``configure_settings`` treats its settings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
import logging
from typing import Any

logger = logging.getLogger(__name__)

Settings = dict[str, Any]
Check = Callable[[Any], bool]


@dataclass(frozen=True)
class Setting:
    """One setting: its default, a one-line description and an optional check."""

    default: Any
    doc: str
    types: tuple[type, ...] = ()
    check: Check | None = None
    choices: tuple[Any, ...] = field(default=())

    def accepts(self, value: Any) -> bool:
        """Tell whether *value* is acceptable for this setting."""
        if self.types:
            # bool is an int subclass: never accept True where a number is wanted.
            if isinstance(value, bool) and bool not in self.types:
                return False
            if not isinstance(value, self.types):
                return False
        if self.choices and value not in self.choices:
            return False
        return self.check is None or bool(self.check(value))


def resolve(
    plugin: str, prefix: str, spec: Mapping[str, Setting], settings: Mapping[str, Any]
) -> Settings:
    """Return the plugin's settings, each validated, keyed by its full name.

    Unknown keys that carry the prefix are reported, since they are almost always
    typos of a real setting.
    """
    resolved: Settings = {}
    for name, setting in spec.items():
        if name not in settings:
            resolved[name] = setting.default
            continue
        value = settings[name]
        if setting.accepts(value):
            resolved[name] = value
        else:
            logger.warning(
                "%s: invalid %s (%r), falling back to default (%r)",
                plugin,
                name,
                value,
                setting.default,
            )
            resolved[name] = setting.default
    for name in sorted(settings):
        if name.startswith(prefix) and name not in spec:
            logger.warning("%s: unknown setting %s is ignored", plugin, name)
    return resolved


def defaults(spec: Mapping[str, Setting]) -> Settings:
    """Return the default value of every declared setting."""
    return {name: setting.default for name, setting in spec.items()}
