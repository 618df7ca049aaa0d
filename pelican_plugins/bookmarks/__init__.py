"""Bookmarks plugin for Pelican: privacy-respecting share links, built at build time.

Every article (and page) gets ``share_links``, an ordered sequence of
``ShareLink``, ``share_post``, the mapping pelican-share-post themes use, and
``share_permalink``. The links are built when a page is rendered and not kept:
at 5,000 posts, keeping them all would hold about 13 MB for nothing.
Links are plain ``<a href>`` to the services themselves: no third-party script,
image or counter.
Mastodon goes straight to a configured server, or to a small page of our own
where readers type theirs; nothing passes through a third-party redirector.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from itertools import chain
import logging
from typing import Any

from pelican import signals

from pelican_plugins import run
from pelican_plugins.bookmarks.services import (
    DEFAULT_SERVICES,
    SHARE_POST_KEYS,
    ShareLink,
    Sharer,
    check_services,
    clean_instance,
    plain_title,
)
from pelican_plugins.config import Setting, resolve
from pelican_plugins.contents import all_contents, reserve

logger = logging.getLogger(__name__)

PLUGIN = "bookmarks"
PREFIX = "BOOKMARKS_"
OPTIONS_KEY = "bookmarks_options"


def _strings(value: Any) -> bool:
    return all(isinstance(v, str) for v in value)


SPEC = {
    "BOOKMARKS_SERVICES": Setting(
        DEFAULT_SERVICES, "Service keys, in display order.", (list, tuple), _strings
    ),
    "BOOKMARKS_MASTODON_INSTANCE": Setting(
        "", "Mastodon server for the link ('' lets readers type theirs).", (str,)
    ),
    "BOOKMARKS_SHARE_PAGE_URL": Setting(
        "share/", "URL of our 'type your server' page.", (str,)
    ),
    "BOOKMARKS_SHARE_PAGE_SAVE_AS": Setting(
        "share/index.html", "Where that page is written ('' to skip).", (str,)
    ),
    "BOOKMARKS_DEV_SITEURL": Setting(
        "http://127.0.0.1:8000",
        "Address used in share links while SITEURL is empty.",
        (str,),
        lambda v: v.startswith(("http://", "https://")),
    ),
}


def site_base(settings: dict[str, Any], dev_base: str) -> str:
    """Return the site's absolute address, or the dev fallback with one warning."""
    siteurl = str(settings.get("SITEURL") or "").rstrip("/")
    if siteurl.startswith("//"):
        siteurl = "https:" + siteurl
    if siteurl.startswith(("http://", "https://")):
        return siteurl
    logger.warning(
        "bookmarks: SITEURL is not an absolute http(s) address (%r); share links "
        "point at %s for this build (publishconf.py sets the real address)",
        settings.get("SITEURL"),
        dev_base,
    )
    return dev_base.rstrip("/")


def resolve_options(settings: dict[str, Any]) -> dict[str, Any]:
    """Resolve and check the settings; drop unknown or dead services with a warning."""
    options = resolve(PLUGIN, PREFIX, SPEC, settings)
    keys, problems = check_services(options["BOOKMARKS_SERVICES"])
    for problem in problems:
        logger.warning("bookmarks: BOOKMARKS_SERVICES: %s; dropped", problem)
    options["BOOKMARKS_SERVICES"] = keys
    raw = options["BOOKMARKS_MASTODON_INSTANCE"]
    instance = clean_instance(raw) if raw else ""
    if raw and not instance:
        logger.warning(
            "bookmarks: invalid BOOKMARKS_MASTODON_INSTANCE (%r), falling back to "
            "default ('')",
            raw,
        )
    options["BOOKMARKS_MASTODON_INSTANCE"] = instance
    return options


def options_for(settings: dict[str, Any]) -> dict[str, Any]:
    """Resolve this build's settings once (``pelican_plugins.run``)."""
    return run.state(settings, PLUGIN, lambda: resolve_options(settings))


def attach_links(generators: list[Any]) -> None:
    """Give every article and page its share links, once per build."""
    if not generators:
        return
    settings = generators[0].settings
    options = options_for(settings)
    for gen in generators:
        gen.context[OPTIONS_KEY] = options
    base = site_base(settings, options["BOOKMARKS_DEV_SITEURL"])
    siteurl = str(settings.get("SITEURL") or "").rstrip("/") + "/"
    sharer = Sharer(
        options["BOOKMARKS_SERVICES"],
        base + "/",
        options["BOOKMARKS_MASTODON_INSTANCE"],
        siteurl + options["BOOKMARKS_SHARE_PAGE_URL"],
    )
    for content in chain.from_iterable(all_contents(gen) for gen in generators):
        url = content.url
        # The page's own address as the theme links it (site-relative in dev);
        # share.js resolves it against the page, so "Copy link" copies it exactly.
        content.share_permalink = siteurl + url
        content.share_links = ShareLinks(sharer, content)
        content.share_post = SharePost(sharer, content)


class _Shared:
    """One page's share data, built from its title and URL each time it is read."""

    __slots__ = ("_content", "_sharer")

    def __init__(self, sharer: Sharer, content: Any) -> None:
        self._sharer = sharer
        self._content = content

    def _data(self) -> tuple[list[ShareLink], dict[str, str]]:
        title = plain_title(getattr(self._content, "title", ""))
        return self._sharer.data(title, self._content.url)


class ShareLinks(_Shared, Sequence[ShareLink]):
    """``share_links``: the services' links, in the configured order."""

    __slots__ = ()

    def __len__(self) -> int:
        return self._sharer.count  # known without building any link

    def __getitem__(self, index: Any) -> Any:
        return self._data()[0][index]

    def __iter__(self) -> Iterator[ShareLink]:
        return iter(self._data()[0])


class SharePost(_Shared, Mapping[str, str]):
    """``share_post``: the URLs under pelican-share-post's keys."""

    __slots__ = ()

    def __len__(self) -> int:
        return len(SHARE_POST_KEYS)

    def __getitem__(self, key: str) -> str:
        return self._data()[1][key]

    def __iter__(self) -> Iterator[str]:
        return iter(SHARE_POST_KEYS)


def write_share_page(generator: Any, writer: Any) -> None:
    """Write our own 'share to your server' page (used by Mastodon and diaspora*)."""
    options = options_for(generator.settings)
    save_as = options["BOOKMARKS_SHARE_PAGE_SAVE_AS"]
    if not save_as:
        return
    writer.write_file(
        save_as,
        generator.get_template("share_page"),
        generator.context,
        relative_urls=generator.settings.get("RELATIVE_URLS", False),
        url=options["BOOKMARKS_SHARE_PAGE_URL"],
        page_name="share_page",
    )


#: The attributes :func:`attach_links` sets on every article and page.
ATTRIBUTES = ("share_permalink", "share_links", "share_post")


def on_content_object_init(content: Any) -> None:
    """Reserve the share attributes while the post is made (``contents.reserve``)."""
    reserve(content, ATTRIBUTES)


def register() -> None:
    """Attach links after every generator has read its content; write our page."""
    run.connect()
    signals.content_object_init.connect(on_content_object_init)
    signals.all_generators_finalized.connect(attach_links)
    signals.article_writer_finalized.connect(write_share_page)
