"""Media of the export: attachments, and the upload files a body references.

With ``--uploads`` every file under ``/wp-content/uploads/`` that a body
references (``src``, ``href``, ``poster``, each ``srcset`` entry) is copied to
``content/wp-content/uploads/`` and its URL rewritten; what is missing or stays
on another host is counted per host for the report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
import shutil
from urllib.parse import unquote, urlsplit

from bs4 import Tag

UPLOADS_MARK = "/wp-content/uploads/"
STATIC_UPLOADS = "wp-content/uploads"


@dataclass(frozen=True, slots=True)
class Attachment:
    """One media item of the export, as galleries and playlists need it."""

    post_id: str
    url: str
    title: str
    caption: str
    alt: str
    parent: str
    menu_order: int
    mime: str
    #: Resized copies by size name (``thumbnail``, ``medium``…), as URLs.
    sizes: dict[str, str] = field(default_factory=dict)


@dataclass
class MediaStats:
    """Media found in the bodies: copied files, missing files, remote hosts."""

    copied: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)
    remote: Counter[str] = field(default_factory=Counter)
    remote_urls: set[str] = field(default_factory=set)


@dataclass
class Site:
    """What conversion needs from the whole export and the command line."""

    host: str = ""
    attachments: dict[str, Attachment] = field(default_factory=dict)
    uploads: Path | None = None
    content: Path | None = None
    media: MediaStats = field(default_factory=MediaStats)
    converted: Counter[str] = field(default_factory=Counter)
    left: Counter[str] = field(default_factory=Counter)

    def children(self, post_id: str, kind: str = "image/") -> list[Attachment]:
        """Return the attachments of a post, by menu order then id (gallery default)."""
        found = [
            a
            for a in self.attachments.values()
            if a.parent == post_id and a.mime.startswith(kind)
        ]
        return sorted(found, key=lambda a: (a.menu_order, int(a.post_id)))


_URL_ATTRS = {
    "img": ("src",),
    "source": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "a": ("href",),
}


def media(tags: list[Tag], site: Site, count: bool) -> None:
    """Copy upload files in (``--uploads``) or count them as remote."""
    for tag in tags:
        if tag.name not in _URL_ATTRS:
            continue
        for name in _URL_ATTRS[tag.name]:
            value = tag.get(name)
            if value:
                tag[name] = _local(value.strip(), site, count, link=tag.name == "a")
        if tag.name in ("img", "source") and tag.get("srcset"):
            entries = []
            for entry in tag["srcset"].split(","):
                parts = entry.split()
                if parts:
                    url = _local(parts[0], site, count, link=False, srcset=True)
                    entries.append(" ".join([url, *parts[1:]]))
            tag["srcset"] = ", ".join(entries)


def _local(
    url: str, site: Site, count: bool, *, link: bool, srcset: bool = False
) -> str:
    """Return the URL to write for *url*: a copied upload, a site path, or as it was."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    own = bool(site.host) and host == site.host
    if UPLOADS_MARK in parts.path and (own or not host):
        rel = unquote(parts.path.split(UPLOADS_MARK, 1)[1])
        target = _copy(rel, site, count)
        if target:
            if srcset:
                return f"/{STATIC_UPLOADS}/{rel}"
            return "{static}/" + f"{STATIC_UPLOADS}/{rel}"
        if count:
            if site.uploads is not None:
                site.media.missing.add(url)
            if host:
                site.media.remote[host] += 1
                site.media.remote_urls.add(url)
        return url
    if own and link:
        # A link to another page of the old blog: keep its path, which the
        # redirect pages answer.
        path = parts.path or "/"
        return (
            path
            + (f"?{parts.query}" if parts.query else "")
            + (f"#{parts.fragment}" if parts.fragment else "")
        )
    if host and not link and count:
        site.media.remote[host] += 1
        site.media.remote_urls.add(url)
    return url


def _copy(rel: str, site: Site, count: bool) -> Path | None:
    """Copy ``uploads/rel`` into the content folder once; None when it is missing."""
    if site.uploads is None or site.content is None:
        return None
    relative = PurePosixPath(rel)
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        return None
    source = (site.uploads / relative).resolve()
    if not source.is_relative_to(site.uploads.resolve()) or not source.is_file():
        return None
    target = site.content / STATIC_UPLOADS / relative
    if not target.resolve().is_relative_to(site.content.resolve()):
        return None
    if not target.exists() or target.stat().st_size != source.stat().st_size:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    if count:
        site.media.copied.add(str(relative))
    return target
