"""Share-link services and URL building: plain functions, no Pelican.

Every URL starts with a fixed ``https://`` (or ``mailto:``) base written here;
titles and addresses only ever appear percent-encoded inside the query, so a
title such as ``javascript:alert(1)`` or ``"&#`` cannot change where a link goes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
import re
from urllib.parse import quote

from markupsafe import Markup

BLUESKY_MAX = 300  # Bluesky's post limit (graphemes; counted here as code points)
_HOST = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}(?::[0-9]{1,5})?$"
)


@dataclass(frozen=True, slots=True)
class ShareLink:
    """One share link: service key, visible name, absolute URL, accessible label."""

    key: str
    name: str
    url: str
    label: str


@dataclass(frozen=True, slots=True)
class Target:
    """What is shared, plus where a Mastodon reader is sent."""

    title: str
    url: str
    mastodon_instance: str = ""
    chooser: str = ""  # our own "type your server" page, used without an instance


class _Quoted:
    """A target's title and URL, each percent-encoded once for every service."""

    __slots__ = ("chooser", "instance", "text", "title", "url")

    def __init__(self, t: Target, title: str | None = None) -> None:
        self.title = quote(t.title if title is None else title, safe="")
        self.url = quote(t.url, safe="")
        self.text = f"{self.title}%20{self.url}" if self.title else self.url
        self.instance = t.mastodon_instance
        self.chooser = t.chooser


def plain_title(title: str) -> str:
    """Return the title as readers see it: tags stripped, entities decoded, one line."""
    if "<" in title or "&" in title:
        return Markup(title).striptags()
    return " ".join(title.split())  # what striptags does to plain text, faster


def _email(q: _Quoted, t: Target) -> str:
    return f"mailto:?subject={q.title}&body={q.url}"


def _mastodon(q: _Quoted, t: Target) -> str:
    if q.instance:
        return f"https://{q.instance}/share?text={q.text}"
    return f"{q.chooser}?title={q.title}&url={q.url}"


def _diaspora(q: _Quoted, t: Target) -> str:
    return f"{q.chooser}?to=diaspora&title={q.title}&url={q.url}"


def _bluesky(q: _Quoted, t: Target) -> str:
    room = BLUESKY_MAX - len(t.url) - 1
    if len(t.title) <= room:
        return f"https://bsky.app/intent/compose?text={q.text}"
    short = _Quoted(t, t.title[: max(room - 1, 0)] + "…")
    return f"https://bsky.app/intent/compose?text={short.text}"


def _reddit(q: _Quoted, t: Target) -> str:
    return f"https://www.reddit.com/submit?url={q.url}&title={q.title}"


def _hacker_news(q: _Quoted, t: Target) -> str:
    return f"https://news.ycombinator.com/submitlink?u={q.url}&t={q.title}"


def _linkedin(q: _Quoted, t: Target) -> str:
    return f"https://www.linkedin.com/sharing/share-offsite/?url={q.url}"


def _pinboard(q: _Quoted, t: Target) -> str:
    return f"https://pinboard.in/add?url={q.url}&title={q.title}"


def _facebook(q: _Quoted, t: Target) -> str:
    return f"https://www.facebook.com/sharer/sharer.php?u={q.url}"


def _x(q: _Quoted, t: Target) -> str:
    return f"https://twitter.com/intent/tweet?text={q.title}&url={q.url}"


@dataclass(frozen=True, slots=True)
class Service:
    """A service we can link to: its name, link label and URL builder."""

    name: str
    label: str
    build: Callable[[_Quoted, Target], str]


SERVICES: dict[str, Service] = {
    "email": Service("Email", "Email a link to this post", _email),
    "mastodon": Service("Mastodon", "Share on Mastodon", _mastodon),
    "bluesky": Service("Bluesky", "Share on Bluesky", _bluesky),
    "reddit": Service("Reddit", "Submit to Reddit", _reddit),
    "hacker-news": Service("Hacker News", "Submit to Hacker News", _hacker_news),
    "linkedin": Service("LinkedIn", "Share on LinkedIn", _linkedin),
    "pinboard": Service("Pinboard", "Save to Pinboard", _pinboard),
    "facebook": Service("Facebook", "Share on Facebook", _facebook),
    "x": Service("X", "Post on X", _x),
    "diaspora": Service("diaspora*", "Share on diaspora*", _diaspora),
}
DEFAULT_SERVICES = (
    "email",
    "mastodon",
    "bluesky",
    "reddit",
    "hacker-news",
    "linkedin",
    "pinboard",
)
DEAD = {
    "delicious": "read-only since June 2017",
    "pocket": "shut down in July 2025",
    "google-plus": "shut down in April 2019",
    "stumbleupon": "closed in 2018",
}
# pelican-share-post's keys and the service each one maps to here.
SHARE_POST_KEYS = {
    "email": "email",
    "hacker-news": "hacker-news",
    "diaspora": "diaspora",
    "facebook": "facebook",
    "mastodon": "mastodon",
    "twitter": "x",
    "reddit": "reddit",
    "linkedin": "linkedin",
    "bluesky": "bluesky",
}


def check_services(keys: Iterable[str]) -> tuple[tuple[str, ...], list[str]]:
    """Keep known keys in order, once each; return them and one problem per drop."""
    kept: list[str] = []
    problems: list[str] = []
    for key in keys:
        if key in DEAD:
            problems.append(f"{key!r} is a dead service ({DEAD[key]})")
        elif key not in SERVICES:
            problems.append(f"{key!r} is not a known service")
        elif key in kept:
            problems.append(f"{key!r} is listed twice")
        else:
            kept.append(key)
    return tuple(kept), problems


def clean_instance(value: str) -> str:
    """Reduce a Mastodon server to a bare host ('mastodon.social'); '' if invalid."""
    host = value.strip().lower().removeprefix("https://").rstrip("/")
    host = host.rsplit("@", 1)[-1]
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""
    return host if _HOST.match(host) else ""


def share_data(
    keys: Iterable[str], target: Target
) -> tuple[list[ShareLink], dict[str, str]]:
    """Build ``share_links`` for ``keys`` (already checked) and ``share_post``.

    The title and URL are percent-encoded once, and a URL built for a link is
    reused for the pelican-share-post key that names the same service.
    """
    q = _Quoted(target)
    links = [
        ShareLink(key, s.name, s.build(q, target), s.label)
        for key in keys
        for s in (SERVICES[key],)
    ]
    done = {link.key: link.url for link in links}
    post = {
        k: done[v] if v in done else SERVICES[v].build(q, target)
        for k, v in SHARE_POST_KEYS.items()
    }
    return links, post


def share_links(keys: Iterable[str], target: Target) -> list[ShareLink]:
    """Build the links for ``keys`` (already checked) in the order given."""
    return share_data(keys, target)[0]


def share_post(target: Target) -> dict[str, str]:
    """Build the ``article.share_post`` mapping pelican-share-post themes expect."""
    return share_data((), target)[1]
