"""Web server lines that make tombstones answer 410 Gone (pure).

A static file cannot set its own status code, so the server is told which
old URLs are gone; each still shows its short removal notice as the body.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
import re
from urllib.parse import urlsplit

from pelican_plugins.linkbacks.manifest import Tombstone

FORMATS = ("nginx", "apache", "netlify")
_UNSAFE = set("\"\\$;{}`'<>#%") | {chr(c) for c in range(33)} | {"\x7f"}


def paths(tombstone: Tombstone) -> tuple[str, str] | None:
    """Return (URL path, file path) or None if either would break a config line."""
    url_path = urlsplit(tombstone.url).path or "/"
    file_path = "/" + tombstone.save_as.lstrip("/")
    if _UNSAFE & set(url_path + file_path):
        return None
    return url_path, file_path


def _lines(
    tombstones: Sequence[Tombstone],
    head: list[str],
    entry: Callable[[str, str], list[str]],
) -> str:
    lines = ["# Deleted posts answer 410 Gone with their removal notice.", *head]
    for tombstone in tombstones:
        found = paths(tombstone)
        if found is None:
            lines.append(f"# skipped (unsafe characters): {tombstone.url!r}")
        else:
            lines += entry(*found)
    return "\n".join(lines) + "\n"


def nginx(tombstones: Sequence[Tombstone]) -> str:
    """``location`` blocks for the site's ``server { }`` block."""

    def entry(url_path: str, file_path: str) -> list[str]:
        return [f"location = {url_path} {{ error_page 410 {file_path}; return 410; }}"]

    return _lines(tombstones, [], entry)


def apache(tombstones: Sequence[Tombstone]) -> str:
    """mod_rewrite rules plus per-URL ``ErrorDocument`` for the virtual host."""

    def entry(url_path: str, file_path: str) -> list[str]:
        pattern = "^" + re.escape(url_path) + "$"
        return [
            f'RewriteRule "{pattern}" - [G]',
            f'<LocationMatch "{pattern}">',
            f"    ErrorDocument 410 {file_path}",
            "</LocationMatch>",
        ]

    return _lines(tombstones, ["RewriteEngine On"], entry)


def netlify(tombstones: Sequence[Tombstone]) -> str:
    """Lines for a Netlify-style ``_redirects`` file (forced 410 rewrites)."""
    return _lines(tombstones, [], lambda url, file: [f"{url}  {file}  410!"])


def server_lines(tombstones: Sequence[Tombstone], fmt: str) -> str:
    """Return the lines of one server format (one of :data:`FORMATS`)."""
    return {"nginx": nginx, "apache": apache, "netlify": netlify}[fmt](tombstones)
