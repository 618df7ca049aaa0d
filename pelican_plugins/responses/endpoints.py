"""The receiver's public addresses, derived from one setting by one function.

``RESPONSES_RECEIVER_URL`` names the receiver's base address; every endpoint the
site advertises or posts to (webmention, pingback, the comment form, reply and
token pages) is a fixed path below it. The theme, the plugin and the receiver all
ask :func:`receiver_endpoints` rather than joining paths (docs/comment-form.md).
"""

from __future__ import annotations

from dataclasses import dataclass
import string
from typing import Any
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

# Characters kept as they are in a path; everything else is %-escaped, so the
# address prints in a <link rel="pingback"> with no entity but &amp; (Pingback 1.0).
_PATH_SAFE = "/-._~!$&()*+,;=:@%"
_HOST_CHARS = frozenset(string.ascii_letters + string.digits + "-.:")


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Absolute URLs of the receiver's public endpoints."""

    base: str
    webmention: str
    pingback: str
    comments: str
    reply: str
    token: str


def receiver_base(value: Any) -> str | None:
    """Normalise a receiver address to ``scheme://host[:port]/path/`` (None: unusable).

    Only absolute http(s) addresses without credentials, query or fragment are
    accepted: the Pingback spec wants an absolute URI, and each endpoint is a
    path appended to this one.

    >>> receiver_base("https://Example.org/receiver")
    'https://example.org/receiver/'
    """
    if not isinstance(value, str) or not value.isascii():
        return None
    text = value.strip()
    if not text or any(ch.isspace() or ord(ch) < 32 or ch == "\x7f" for ch in text):
        return None
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        return None
    host = parts.hostname
    if (
        parts.scheme.lower() not in ("http", "https")
        or not host
        or not set(host) <= _HOST_CHARS
        or parts.username is not None
        or parts.query
        or parts.fragment
    ):
        return None
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    path = quote(parts.path, safe=_PATH_SAFE)
    if not path.endswith("/"):
        path += "/"
    return urlunsplit((parts.scheme.lower(), netloc, path, "", ""))


def receiver_endpoints(receiver_url: str | None) -> Endpoints | None:
    """Derive every endpoint from the base address (None: no usable receiver)."""
    base = receiver_base(receiver_url)
    if base is None:
        return None
    return Endpoints(
        base=base,
        webmention=f"{base}webmention",
        pingback=f"{base}xmlrpc",
        comments=f"{base}comments",
        reply=f"{base}comments/reply",
        token=f"{base}comments/token",
    )


def comment_form_action(
    form_action_setting: str | None, found: Endpoints | None
) -> str | None:
    """Choose where the form posts: RESPONSES_FORM_ACTION, else the receiver."""
    if form_action_setting:
        return form_action_setting
    return found.comments if found else None


def target_url(site_url: str | None, url: str) -> str:
    """Give a post's address as the form sends it: absolute with SITEURL, else "/path/".

    >>> target_url("https://example.org", "2019/03/slug/")
    'https://example.org/2019/03/slug/'
    >>> target_url("", "2019/03/slug/")
    '/2019/03/slug/'
    """
    return f"{(site_url or '').rstrip('/')}/{url.lstrip('/')}"


def reply_url(found: Endpoints, target: str, parent: str) -> str:
    """Link the receiver's no-JavaScript reply page for one parent response.

    >>> e = receiver_endpoints("https://example.org/r/")
    >>> reply_url(e, "/2019/03/slug/", "wp-old.example-12")
    'https://example.org/r/comments/reply?target=/2019/03/slug/&parent=wp-old.example-12'
    """
    query = urlencode({"target": target, "parent": parent}, safe="/:", quote_via=quote)
    return f"{found.reply}?{query}"
