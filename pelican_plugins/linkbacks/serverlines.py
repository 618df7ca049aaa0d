"""Web server lines that make tombstones answer 410 Gone (pure).

A static file cannot set its own status code, so the server is told which
old URLs are gone; each still shows its short removal notice as the body.
"""

from __future__ import annotations

from collections.abc import Sequence
import re
from urllib.parse import urlsplit

from pelican_plugins.linkbacks.manifest import Tombstone

FORMATS = ("nginx", "apache", "netlify")
_UNSAFE = set("\"\\$;{}`'<>#%") | {chr(c) for c in range(33)} | {"\x7f"}


def _paths(tombstone: Tombstone) -> tuple[str, str] | None:
    """Return (URL path, file path) or None if either would break a config line."""
    url_path = urlsplit(tombstone.url).path or "/"
    file_path = "/" + tombstone.save_as.lstrip("/")
    if _UNSAFE & set(url_path + file_path):
        return None
    return url_path, file_path


def nginx(tombstones: Sequence[Tombstone]) -> str:
    """``location`` blocks for the site's ``server { }`` block."""
    lines = ["# Deleted posts answer 410 Gone with their removal notice."]
    for tombstone in tombstones:
        paths = _paths(tombstone)
        if paths is None:
            lines.append(f"# skipped (unsafe characters): {tombstone.url!r}")
            continue
        url_path, file_path = paths
        lines.append(
            f"location = {url_path} {{ error_page 410 {file_path}; return 410; }}"
        )
    return "\n".join(lines) + "\n"


def apache(tombstones: Sequence[Tombstone]) -> str:
    """mod_rewrite rules plus per-URL ``ErrorDocument`` for the virtual host."""
    lines = [
        "# Deleted posts answer 410 Gone with their removal notice.",
        "RewriteEngine On",
    ]
    for tombstone in tombstones:
        paths = _paths(tombstone)
        if paths is None:
            lines.append(f"# skipped (unsafe characters): {tombstone.url!r}")
            continue
        url_path, file_path = paths
        pattern = "^" + re.escape(url_path) + "$"
        lines += [
            f'RewriteRule "{pattern}" - [G]',
            f'<LocationMatch "{pattern}">',
            f"    ErrorDocument 410 {file_path}",
            "</LocationMatch>",
        ]
    return "\n".join(lines) + "\n"


def netlify(tombstones: Sequence[Tombstone]) -> str:
    """Lines for a Netlify-style ``_redirects`` file (forced 410 rewrites)."""
    lines = ["# Deleted posts answer 410 Gone with their removal notice."]
    for tombstone in tombstones:
        paths = _paths(tombstone)
        if paths is None:
            lines.append(f"# skipped (unsafe characters): {tombstone.url!r}")
            continue
        url_path, file_path = paths
        lines.append(f"{url_path}  {file_path}  410!")
    return "\n".join(lines) + "\n"


def server_lines(tombstones: Sequence[Tombstone], fmt: str) -> str:
    """Return the lines of one server format (one of :data:`FORMATS`)."""
    return {"nginx": nginx, "apache": apache, "netlify": netlify}[fmt](tombstones)
