"""Share-link services and URL building: plain functions, no Pelican.

Every URL starts with a fixed ``https://`` (or ``mailto:``) base written here;
titles and addresses only ever appear percent-encoded inside the query, so a
title such as ``javascript:alert(1)`` or ``"&#`` cannot change where a link goes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
import re
from typing import NamedTuple
from urllib.parse import quote

from markupsafe import Markup

BLUESKY_MAX = 300  # Bluesky's post limit (graphemes; counted here as code points)
_HOST = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}(?::[0-9]{1,5})?$"
)
# Text made only of these needs no quote() call: just spaces and slashes encoded.
_PLAIN = re.compile(r"[A-Za-z0-9_.~ /-]*")


class ShareLink(NamedTuple):
    """One share link: service key, visible name, absolute URL, accessible label.

    A named tuple rather than a dataclass: immutable all the same, and about
    three times cheaper to create, which matters at seven links per article.
    """

    key: str
    name: str
    url: str
    label: str


def percent_encode(text: str) -> str:
    """``quote(text, safe="")``, with a fast path for the common plain text.

    Percent-encoding works character by character, so ``percent_encode(a + b)``
    equals ``percent_encode(a) + percent_encode(b)``: a site address can be
    encoded once per build and each article's path appended.
    """
    if _PLAIN.fullmatch(text):
        return text.replace(" ", "%20").replace("/", "%2F")
    return quote(text, safe="")


class _Quoted:
    """A target's title and URL, each percent-encoded once for every service."""

    __slots__ = ("chooser", "instance", "raw_title", "raw_url", "text", "title", "url")

    def __init__(
        self, title: str, url: str, encoded_url: str, instance: str, chooser: str
    ) -> None:
        self.raw_title = title
        self.raw_url = url
        self.title = percent_encode(title)
        self.url = encoded_url
        self.text = self.title + "%20" + encoded_url if self.title else encoded_url
        self.instance = instance
        self.chooser = chooser


def plain_title(title: str) -> str:
    """Return the title as readers see it: tags stripped, entities decoded, one line."""
    if "<" in title or "&" in title:
        return Markup(title).striptags()
    return " ".join(title.split())  # what striptags does to plain text, faster


def _email(q: _Quoted) -> str:
    return "mailto:?subject=" + q.title + "&body=" + q.url


def _mastodon(q: _Quoted) -> str:
    if q.instance:
        return "https://" + q.instance + "/share?text=" + q.text
    return q.chooser + "?title=" + q.title + "&url=" + q.url


def _diaspora(q: _Quoted) -> str:
    return q.chooser + "?to=diaspora&title=" + q.title + "&url=" + q.url


def _bluesky(q: _Quoted) -> str:
    room = BLUESKY_MAX - len(q.raw_url) - 1
    if len(q.raw_title) <= room:
        return "https://bsky.app/intent/compose?text=" + q.text
    title = q.raw_title[: max(room - 1, 0)] + "…"
    short = _Quoted(title, q.raw_url, q.url, q.instance, q.chooser)
    return "https://bsky.app/intent/compose?text=" + short.text


def _reddit(q: _Quoted) -> str:
    return "https://www.reddit.com/submit?url=" + q.url + "&title=" + q.title


def _hacker_news(q: _Quoted) -> str:
    return "https://news.ycombinator.com/submitlink?u=" + q.url + "&t=" + q.title


def _linkedin(q: _Quoted) -> str:
    return "https://www.linkedin.com/sharing/share-offsite/?url=" + q.url


def _pinboard(q: _Quoted) -> str:
    return "https://pinboard.in/add?url=" + q.url + "&title=" + q.title


def _facebook(q: _Quoted) -> str:
    return "https://www.facebook.com/sharer/sharer.php?u=" + q.url


def _x(q: _Quoted) -> str:
    return "https://twitter.com/intent/tweet?text=" + q.title + "&url=" + q.url


class Service(NamedTuple):
    """A service we can link to: its name, link label and URL builder."""

    name: str
    label: str
    build: Callable[[_Quoted], str]


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


class Sharer:
    """Builds share data for one build's service list and site address.

    Everything that is the same for every article is done once here: the
    services are looked up, the site address is percent-encoded, and the
    pelican-share-post keys are matched to the links that already carry their
    URL. Per article only the title and path are encoded and strings joined.
    """

    __slots__ = ("_base", "_chooser", "_encoded_base", "_extra", "_instance", "_links")

    def __init__(
        self, keys: Iterable[str], base: str = "", instance: str = "", chooser: str = ""
    ) -> None:
        self._links = [(key, SERVICES[key]) for key in keys]
        shown = {key for key, _ in self._links}
        self._extra = [
            (key, SERVICES[key].build)
            for key in dict.fromkeys(SHARE_POST_KEYS.values())
            if key not in shown
        ]
        self._base = base
        self._encoded_base = percent_encode(base)
        self._instance = instance
        self._chooser = chooser

    @property
    def count(self) -> int:
        """How many links ``data`` returns."""
        return len(self._links)

    def data(self, title: str, path: str) -> tuple[list[ShareLink], dict[str, str]]:
        """Return ``share_links`` and ``share_post`` for ``base + path``."""
        q = _Quoted(
            title,
            self._base + path,
            self._encoded_base + percent_encode(path),
            self._instance,
            self._chooser,
        )
        links = [ShareLink(key, s.name, s.build(q), s.label) for key, s in self._links]
        done = {link.key: link.url for link in links}
        for key, build in self._extra:
            done[key] = build(q)
        post = {name: done[key] for name, key in SHARE_POST_KEYS.items()}
        return links, post
