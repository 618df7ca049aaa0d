"""The build's list of our posts and their link targets, read by the sender.

The plugin writes it into the output folder from Pelican's own article and
page objects, so only each post's own content counts (theme links never do),
and the sender needs no HTML scraping of the generated pages.
"""

from __future__ import annotations

from dataclasses import dataclass
import hashlib
import json
from pathlib import Path
from typing import Any

NAME = ".linkbacks.json"
VERSION = 1


class ManifestError(ValueError):
    """The manifest is missing, unreadable or from a development build."""


@dataclass(frozen=True)
class Source:
    """One published post or page of ours."""

    url: str
    save_as: str
    title: str
    digest: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Tombstone:
    """A post we deleted: its old URL now serves a short removal notice."""

    url: str
    save_as: str
    title: str


@dataclass(frozen=True)
class Manifest:
    """What one build published."""

    siteurl: str
    allow_private_addresses: bool
    sources: tuple[Source, ...]
    tombstones: tuple[Tombstone, ...] = ()

    def to_json(self) -> str:
        """Serialise in a stable order: the same build writes the same bytes.

        The records are flat, so their fields are taken as they are rather than
        deep-copied by ``dataclasses.asdict`` (a cost per post on every build).
        """
        data = {
            "version": VERSION,
            "siteurl": self.siteurl,
            "allow_private_addresses": self.allow_private_addresses,
            "sources": [vars(source) for source in self.sources],
            "tombstones": [vars(tombstone) for tombstone in self.tombstones],
        }
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Parse a manifest; raise :class:`ManifestError` on any problem."""
        try:
            data: Any = json.loads(text)
            if data.pop("version") != VERSION:
                raise ManifestError("unknown manifest version")
            sources = tuple(
                Source(**{**s, "targets": tuple(s["targets"])})
                for s in data.pop("sources")
            )
            tombstones = tuple(Tombstone(**t) for t in data.pop("tombstones"))
            return cls(**data, sources=sources, tombstones=tombstones)
        except (json.JSONDecodeError, TypeError, KeyError, AttributeError) as exc:
            raise ManifestError(f"unreadable manifest ({exc})") from None


def digest(title: str, content: str) -> str:
    """Fingerprint of what a post says: a change means an update to announce."""
    return hashlib.sha256(f"{title}\0{content}".encode()).hexdigest()


def read(output: Path) -> Manifest:
    """Read the manifest of the site built in *output*."""
    path = output / NAME
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise ManifestError(
            f"{path} not found: build the site first (make publish) with the "
            "pelican_plugins.linkbacks plugin enabled"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read {path}: {exc}") from None
    manifest = Manifest.from_json(text)
    if not manifest.siteurl.startswith(("http://", "https://")):
        raise ManifestError(
            f"{output} was built without an absolute SITEURL (a development "
            "build): build it with publishconf.py (make publish) before sending"
        )
    return manifest
