"""The plugin's settings, declared once (see pelican_plugins.config)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pelican_plugins.config import Setting, Settings, resolve

PLUGIN = "linkbacks"
PREFIX = "LINKBACKS_"
DEFAULT_STATE_FILE = "var/linkbacks.json"

SPEC = {
    "LINKBACKS_STATE_FILE": Setting(
        DEFAULT_STATE_FILE,
        "sender state (what was sent); the build reads it for tombstones",
        types=(str,),
        check=bool,
    ),
    "LINKBACKS_ALLOW_PRIVATE_ADDRESSES": Setting(
        False,
        "TESTS ONLY: let the sender reach loopback and private addresses",
        types=(bool,),
    ),
}


def load(settings: Mapping[str, Any]) -> Settings:
    """Resolve the plugin's settings, warning about bad values and typos."""
    return resolve(PLUGIN, PREFIX, SPEC, settings)
