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
from urllib.parse import urljoin, urlsplit, urlunsplit

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
    warning naming *where* (docs/migration.md). A path without a query gets
    one trailing slash, as the page's folder; each path appears once.
    """
    if isinstance(value, list | tuple):
        value = " ".join(map(str, value))
    paths: dict[str, None] = {}
    for url in str(value or "").replace(",", " ").split():
        path = _site_path(url, siteurl)
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


def _site_path(url: str, siteurl: str) -> str | None:
    if not url.startswith("/") or url.startswith("//"):
        if not is_own(url, siteurl):
            return None
        parts = urlsplit(canonical(url) or "")
        prefix = urlsplit(canonical(siteurl) or "").path.rstrip("/")
        url = urlunsplit(("", "", parts.path[len(prefix) :] or "/", parts.query, ""))
    url = url.split("#", 1)[0]
    if not SITE_PATH.match(url):
        return None
    path, _, query = url.partition("?")
    if ".." in path.split("/"):
        return None
    if query:
        return url
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


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


def _page(url: str) -> str:
    """*url* (already canonical) as a page key: ``/slug`` and ``/slug/`` are one page.

    The web server answers a folder URL without its slash with a redirect to
    it, so a sender that drops the slash still means the post.
    """
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") or "/"))


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
            if url is not None and key in posts:
                self.by_url[_page(url)] = key

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
        key = None if normal is None else self.by_url.get(_page(normal))
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
