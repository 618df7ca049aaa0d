"""The targets file: every published post and page URL, mapped to its responses key.

The receiver service checks a webmention, pingback or comment target against
this map, so only real posts and pages (and the old URLs their metadata lists
under ``old_urls``, read by :func:`old_urls`) can receive responses. The build
writes it; the receiver reads it again whenever it changes. Format (docs/receiver.md)::

    {"format": 1, "site_url": "https://…",
     "targets": {"/2019/03/slug/": "slug", "/?p=12": "slug", …},
     "posts": {"slug": "/2019/03/slug/", …}}

``targets`` entries are site-absolute paths (old URLs read by
:func:`old_urls`); ``posts`` gives each key's current address (where a commenter
is sent back to).
"""

from __future__ import annotations

from collections.abc import Iterable
import json
import logging
from pathlib import Path
import re
from typing import Any
from urllib.parse import quote, unquote_to_bytes, urljoin, urlsplit, urlunsplit

from pelican_plugins import atomic
from pelican_plugins.responses.sanitize import safe_url

logger = logging.getLogger(__name__)

FORMAT = 1


# A site path as metadata and the redirects file may give it.
SITE_PATH = re.compile(r"/[^\s\"'<>\\]*\Z")


def old_urls(value: Any, siteurl: str, where: object = "") -> list[str]:
    """Return the site paths of ``Old_urls`` metadata: the one reading of it.

    Commas and/or whitespace separate the URLs. A path (``/2013/01/post/``,
    ``/?p=12``) is kept; a full URL on this site (:func:`is_own` with
    *siteurl*) becomes its path under the site; anything else (another host,
    no SITEURL to compare with, ``..`` segments, not a URL) is skipped with a
    warning naming *where* (docs/migration.md). Each path is given as its
    :func:`site_path_key` and appears once.
    """
    if isinstance(value, list | tuple):
        value = " ".join(map(str, value))
    paths: dict[str, None] = {}
    for url in str(value or "").replace(",", " ").split():
        path = site_path_key(url, siteurl)
        if path is None:
            logger.warning(
                "%s: old URL %r is not a path on this site (SITEURL %r); skipped",
                where or "Old_urls",
                url,
                siteurl,
            )
            continue
        paths.setdefault(path, None)
    return list(paths)


def collect(contents: Iterable[Any], key_of: Any) -> tuple[dict, dict]:
    """Map each content's URL and old URLs to its key, and each key to its URL."""
    targets: dict[str, str] = {}
    posts: dict[str, str] = {}
    for content in contents:
        try:
            key = key_of(content)
        except ValueError:
            continue  # already reported by the plugin's attach step
        current = "/" + content.url.lstrip("/")
        posts.setdefault(key, current)  # the first (default-language) wins
        siteurl = str(content.settings.get("SITEURL") or "")
        old = old_urls(content.metadata.get("old_urls"), siteurl, content.source_path)
        for url in [current, *old]:
            targets[url] = key
    return dict(sorted(targets.items())), dict(sorted(posts.items()))


def dump(site_url: str, targets: dict[str, str], posts: dict[str, str]) -> bytes:
    """Return the file's bytes, stable for the same input."""
    obj = {"format": FORMAT, "site_url": site_url, "targets": targets, "posts": posts}
    return (json.dumps(obj, indent=1, sort_keys=True) + "\n").encode("utf-8")


def write(
    path: Path, site_url: str, targets: dict[str, str], posts: dict[str, str]
) -> None:
    """Write the targets file atomically; equal bytes are left alone."""
    data = dump(site_url, targets, posts)
    try:
        if Path(path).read_bytes() == data:
            return
    except OSError:
        pass
    atomic.write_bytes(path, data)


#: How many answers :meth:`Targets.find` keeps per loaded file.
FIND_MEMO = 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical(url: object) -> str | None:
    """Return *url* as the receiver compares it: normalised, without fragment.

    Normalised means :func:`safe_url`'s rules (lower-case scheme and IDNA host),
    without the host's trailing dot or the scheme's default port.

    One rule for every target check (webmention, pingback, comments, replies).
    """
    normal = safe_url(url)
    if normal is None:
        return None
    parts = urlsplit(normal)
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, ""))


def is_own(url: object, siteurl: str) -> bool:
    """Whether *url* is a page of the site at *siteurl* (never without a SITEURL).

    One rule for "our own site" (linkbacks skip their own pages, tombstones,
    the receiver's refusals): :func:`canonical` hosts compared, so case, IDNA
    and default ports do not matter; http and https of one host are one site;
    a site under a path owns only the URLs under that path.
    """
    site, mine = canonical(siteurl), canonical(url)
    if site is None or mine is None:
        return False
    site_parts, parts = urlsplit(site), urlsplit(mine)
    if parts.netloc != site_parts.netloc:
        return False
    prefix = site_parts.path.rstrip("/")
    return not prefix or parts.path == prefix or parts.path.startswith(prefix + "/")


# What a path segment keeps verbatim in a key (RFC 3986 pchar); the rest is
# percent-encoded, upper-case, so every spelling of one path is one key.
_SEGMENT_SAFE = "!$&'()*+,;=:@-._~"
# The placeholder origin a site path is normalised under (never fetched).
_PATH_ORIGIN = "http://site.invalid"


def site_path_key(
    url_or_path: object, site_url: str, *, any_host: bool = False
) -> str | None:
    """Return the key of the page *url_or_path* names, or None when it names none.

    The one rule for "which page of the site is this address": old URLs in
    metadata, the receiver's targets and the importer's article index all
    compare these keys. A site path (``/2019/03/post/``) is taken as it is; a
    full URL must be of the site at *site_url* (:func:`is_own`), or of any
    host with *any_host* (an importer reading the old blog's links), and
    loses the site's own path prefix (``https://example.org/blog``). Then:
    :func:`canonical`'s normalisation, each path segment percent-decoded and
    encoded again (``%7e``, ``~`` and ``%7E`` are one), one trailing slash (a
    web server redirects ``/post`` to ``/post/``), the query kept
    (``/?p=12`` and ``/?p=13`` are two posts) and the fragment dropped.
    A ``.`` or ``..`` segment, a NUL, or a site path written with spaces,
    quotes or angle brackets, names no page.
    """
    if not isinstance(url_or_path, str):
        return None
    if url_or_path.startswith("/") and not url_or_path.startswith("//"):
        if not SITE_PATH.match(url_or_path):
            return None
        normal = canonical(_PATH_ORIGIN + url_or_path)
        prefix = ""
    else:
        normal = canonical(url_or_path)
        if normal is None or not (any_host or is_own(normal, site_url)):
            return None
        prefix = urlsplit(canonical(site_url) or "").path.rstrip("/")
    if normal is None:
        return None
    parts = urlsplit(normal)
    path = parts.path
    if prefix and (path == prefix or path.startswith(prefix + "/")):
        path = path[len(prefix) :]
    return _path_key(path, parts.query)


def _path_key(path: str, query: str) -> str | None:
    """Return the key of a canonical path and query (:func:`site_path_key`)."""
    segments = []
    for segment in path.strip("/").split("/"):
        raw = unquote_to_bytes(segment)
        if raw in (b".", b"..") or b"\0" in raw:
            return None
        segments.append(quote(raw, safe=_SEGMENT_SAFE))
    joined = "/".join(segments)
    key = f"/{joined}/" if joined else "/"
    return f"{key}?{query}" if query else key


def _match_key(url: str) -> str | None:
    """*url* (already canonical) as the receiver matches it: origin and path key.

    The scheme and host stay (``http://`` is another URL, and the file may
    list a full URL of an old host); the path is :func:`site_path_key`'s, so
    a sender that drops a folder's slash still means the post.
    """
    parts = urlsplit(url)
    path = _path_key(parts.path, parts.query)
    return None if path is None else f"{parts.scheme}://{parts.netloc}{path}"


class Targets:
    """The loaded map: resolve a URL a sender gave to (responses key, post URL)."""

    def __init__(
        self, site_url: str, targets: dict[str, str], posts: dict[str, str]
    ) -> None:
        self.site_url = site_url.rstrip("/") + "/"
        self.posts = {key: self._absolute(path) for key, path in posts.items()}
        self.by_url: dict[str, str] = {}
        self._found: dict[str, tuple[str | None, tuple[str, str] | None]] = {}
        for entry, key in targets.items():
            url = canonical(self._absolute(entry))
            page = None if url is None else _match_key(url)
            if page is not None and key in posts:
                self.by_url[page] = key

    def _absolute(self, entry: str) -> str:
        """Return a site path from the file (``/2019/03/post/``) under the site URL.

        The paths are relative to SITEURL, which may itself have a path
        (``https://example.org/blog``), so they join below it, not at the host.
        """
        return (
            urljoin(self.site_url, entry.lstrip("/"))
            if entry.startswith("/")
            else entry
        )

    @classmethod
    def load(cls, path: Path, site_url: str) -> Targets:
        """Read the build's file; ValueError naming it when it is not one."""
        try:
            obj = json.loads(Path(path).read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValueError(
                f"{path}: cannot read the targets file ({error})"
            ) from error
        maps = [
            obj.get(name) if isinstance(obj, dict) else None
            for name in ("targets", "posts")
        ]
        if not all(
            isinstance(m, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in m.items())
            for m in maps
        ):
            raise ValueError(f"{path}: expected {{'targets': {{…}}, 'posts': {{…}}}}")
        return cls(site_url, *maps)

    def resolve(self, url: object) -> tuple[str, str] | None:
        """Return (key, the post's current URL) for a target, or None if not ours."""
        normal = canonical(url)
        page = None if normal is None else _match_key(normal)
        key = None if page is None else self.by_url.get(page)
        return None if key is None else (key, self.posts[key])

    def find(self, url: str) -> tuple[str | None, tuple[str, str] | None]:
        """Return (canonical *url*, :meth:`resolve`'s answer), remembered.

        The receiver asks this for every request and senders name the same few
        posts, so answers are kept with this loaded file (a new file, a new
        memo), at most :data:`FIND_MEMO` of them.
        """
        if (known := self._found.get(url)) is not None:
            return known
        page = canonical(url)
        answer = (page, None if page is None else self.resolve(page))
        if len(self._found) >= FIND_MEMO:
            self._found.clear()
        self._found[url] = answer
        return answer

    def post_url(self, key: str) -> str | None:
        """Return the current URL of the post with responses *key*."""
        return self.posts.get(key)
