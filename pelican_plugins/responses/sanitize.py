"""Comment HTML sanitizing (nh3, docs/security.md), plain-text bodies, author URLs."""

from __future__ import annotations

from dataclasses import dataclass
import enum
import functools
import html
import re
import string
from urllib.parse import quote, urlsplit, urlunsplit

import lxml.html
import nh3

from pelican_plugins.responses.model import Rejected

MAX_BYTES = 16 * 1024
#: More start tags than this is not a comment but an attack on the HTML5 tree
#: builder (B18: formatting elements with distinct attributes are quadratic).
MAX_TAGS = 256
LINK_REL = "nofollow ugc noopener noreferrer"

TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "cite",
    "code",
    "del",
    "em",
    "i",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "strong",
    "sub",
    "sup",
    "ul",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"datetime"},
    "ins": {"datetime"},
}

_CLEANER = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags={"script", "style"},
    attributes=ATTRIBUTES,
    strip_comments=True,
    link_rel=LINK_REL,
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",
)
# Block elements the allowlist removes. Stripped as they are, their words run
# together ("TitleDefinition"), so they are first turned into paragraphs and
# line breaks (see _keep_blocks). Images leave their alt text.
CELLS = frozenset({"td", "th"})
BLOCKS = frozenset(
    {"h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "caption", "figcaption"}
    | {"div", "section", "article", "header", "footer", "aside", "main", "nav"}
    | {"figure", "details", "summary", "center", "fieldset", "legend", "address"}
    | {"table", "thead", "tbody", "tfoot", "tr", "hgroup"}
)
_BLOCK_TAGS = BLOCKS | CELLS | {"hr"}
# Cheap first look: only bodies with one of these tags go through the tree.
_REWRITTEN = _BLOCK_TAGS | {"img"}
_NAME_LENGTH = max(map(len, _REWRITTEN)) + 1
_PARAGRAPH_LIKE = frozenset({"p", "ul", "ol", "blockquote", "pre"}) | _BLOCK_TAGS
_WIDE_CLEANER = nh3.Cleaner(
    tags=TAGS | _BLOCK_TAGS | {"img"},
    clean_content_tags={"script", "style"},
    attributes={**ATTRIBUTES, "img": {"alt"}},
    strip_comments=True,
    link_rel=LINK_REL,
    url_schemes={"http", "https", "mailto"},
    url_relative="deny",
)
_LETTERS = frozenset(string.ascii_letters)
# A character class, not markup: "p" or "br" followed by the end of the tag name.
_BLOCK_BREAK = re.compile(r"(?:p|br)(?=[\s/>]|$)", re.IGNORECASE)
# A character class, not markup: C0/C1 controls other than tab, LF and CR, and
# the noncharacters U+FFFE/U+FFFF, which XML 1.0 (the feeds) cannot carry.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


# What no plain-text field (names, titles) may carry. Bidi embeddings, overrides
# and isolates, zero-width characters, word joiners and the BOM could reorder
# the text around a name or let it pose as the site's author (B21): removed.
# C0/C1 controls and U+FFFE/U+FFFF, which XML feeds cannot carry: a space.
INVISIBLE = {
    **dict.fromkeys(
        [
            *range(0x200B, 0x2010),
            *range(0x202A, 0x202F),
            *range(0x2060, 0x2065),
            *range(0x2066, 0x206A),
            0xFEFF,
        ]
    ),
    **dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0), 0xFFFE, 0xFFFF], " "),
}


def plain_text(value: str) -> str:
    """Return *value* without invisible characters, on one line, spaces collapsed."""
    return " ".join(value.translate(INVISIBLE).split())


__all__ = ["Rejected", "TooLarge", "clean", "plain_text", "safe_url"]


class TooLarge(Rejected):
    """The body is over the size cap, or has more tags than any real comment."""


def _count_start_tags(text: str) -> int:
    """Count ``<`` + ASCII letter (an upper bound on start tags), minus p and br.

    Paragraphs and line breaks are not formatting elements: they cannot nest
    into the quadratic case, and a long plain-text comment turned into HTML
    by ``text_to_html`` is made of them.
    """
    if text.count("<") <= MAX_TAGS:
        return text.count("<")
    return sum(
        1
        for part in text.split("<")[1:]
        if part[:1] in _LETTERS and not _BLOCK_BREAK.match(part)
    )


def check(text: str) -> None:
    """Raise :class:`Rejected` for a body that must not reach the sanitizer."""
    if len(text) > MAX_BYTES or (
        len(text) * 4 > MAX_BYTES
        and len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES
    ):
        raise TooLarge(f"comment body over {MAX_BYTES} bytes")
    if _count_start_tags(text) > MAX_TAGS:
        raise TooLarge(f"comment body has more than {MAX_TAGS} tags")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise Rejected("comment body is not valid Unicode (lone surrogate)") from error


def clean(text: str) -> str:
    """Return *text* sanitized with the comment allowlist; the cap is checked first."""
    if not text:
        return ""
    check(text)
    if _CONTROLS.search(text):  # invalid in HTML and XML feeds; nh3 keeps them
        text = _CONTROLS.sub("", text)
    if _has_block(text):
        text = _keep_blocks(_WIDE_CLEANER.clean(text))
    return _CLEANER.clean(text).strip()


def _has_block(text: str) -> bool:
    """Say whether a tag name after some ``<`` is one ``_keep_blocks`` rewrites.

    Splitting at ``<`` costs about 2 µs on a typical comment; most have no
    such tag and skip the tree entirely.
    """
    for part in text.split("<")[1:]:
        head = part[:_NAME_LENGTH].lower()
        for end, char in enumerate(head):
            if not char.isalnum():
                head = head[:end]
                break
        if head in _REWRITTEN:
            return True
    return False


def _keep_blocks(safe_html: str) -> str:
    """Turn removed block elements into paragraphs and breaks, images into alt text.

    *safe_html* has already been through nh3 with block tags allowed, so it is
    well-formed and free of scripts; the strict pass that follows removes
    everything this does not rewrite.
    """
    root = lxml.html.fragment_fromstring(safe_html, create_parent="div")
    for image in list(root.iterdescendants("img")):
        _replace_with_text(image, image.get("alt", "").strip())
    for element in list(root.iterdescendants(*_BLOCK_TAGS)):
        tag = element.tag
        if tag == "hr":
            element.tag = "br"
        elif _holds_blocks(element):
            element.drop_tag()  # its children are blocks and separate themselves
        elif tag in CELLS:
            element.tag = "span"
            if element.getnext() is not None:
                element.append(lxml.html.Element("br"))
        elif element.text_content().strip():
            element.tag = "p"
        else:  # an empty paragraph would show nothing; a space still separates
            _replace_with_text(element, " ")
    return lxml.html.tostring(root, encoding="unicode")[len("<div>") : -len("</div>")]


def _holds_blocks(element: lxml.html.HtmlElement) -> bool:
    """Say whether *element* holds a block (a row's table cells do not count)."""
    return any(
        child.tag in _PARAGRAPH_LIKE and child.tag not in CELLS
        for child in element.iterdescendants()
    )


def _replace_with_text(element: lxml.html.HtmlElement, text: str) -> None:
    """Put *text* where *element* was, keeping the text that followed it."""
    element.tail = text + (element.tail or "")
    element.drop_tree()


def text_to_html(text: str) -> str:
    """Turn a plain-text body into paragraphs and line breaks, WordPress-style."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = []
    block: list[str] = []
    for line in [*text.split("\n"), ""]:
        if line.strip():
            block.append(html.escape(line.strip(), quote=False))
        elif block:
            paragraphs.append("<p>" + "<br>\n".join(block) + "</p>")
            block = []
    return "\n".join(paragraphs)


# Characters kept verbatim in a normalised URL path/query; everything else
# (quotes, angle brackets, spaces, backslashes, controls) is percent-encoded.
_URL_SAFE = "/:@!$&'()*+,;=-._~%"
_HOST_CHARS = frozenset(string.ascii_lowercase + string.digits + ".-_")
MAX_URL = 2048
_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
# A character class, not markup: C0 controls and backslashes are never in a kept URL.
_URL_REFUSED = re.compile("[\x00-\x1f\\\\]")


def safe_url(value: object) -> str | None:
    """Return an http(s) URL with a host, normalised, or None (docs/security.md, B5)."""
    if not value or not isinstance(value, str):
        return None
    return _normalise_url(value)


@functools.lru_cache(maxsize=4096)  # pure; author URLs repeat across a site
def _normalise_url(value: str) -> str | None:  # noqa: PLR0911 (one exit per rule)
    url = html.unescape(value)
    # Browsers drop leading/trailing C0 controls and spaces, and tabs/newlines anywhere.
    url = url.strip(_C0_AND_SPACE)
    url = url.replace("\t", "").replace("\n", "").replace("\r", "")
    if not url or len(url) > MAX_URL or _URL_REFUSED.search(url):
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:
        return None  # "http://trusted@evil" is a phishing shape
    try:
        host = parts.hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return None
    if not set(host) <= _HOST_CHARS or host.startswith((".", "-")):
        return None
    netloc = host if port is None else f"{host}:{port}"
    path = quote(parts.path, safe=_URL_SAFE) or "/"
    query = quote(parts.query, safe=_URL_SAFE + "?")
    fragment = quote(parts.fragment, safe=_URL_SAFE + "?#")
    return urlunsplit((parts.scheme.lower(), netloc, path, query, fragment))


class Verdict(enum.Enum):
    """What a linkback receiver does with a source URL (:func:`linkback_source`)."""

    #: :func:`safe_url` takes it: queued normalised, fetched and verified later.
    OK = "ok"
    #: An http(s) URL :func:`safe_url` refuses (an IPv6 literal, ``user@host``):
    #: answered like every queued source (D7), then dropped without a fetch.
    QUEUE_BUT_DROP = "queue-but-drop"
    #: No http(s) URL at all: refused at once.
    REFUSE = "refuse"


@dataclass(frozen=True, slots=True)
class LinkbackSource:
    """A source URL's verdict and the URL to queue (None when refused)."""

    verdict: Verdict
    url: str | None


def linkback_source(value: object) -> LinkbackSource:
    """Decide a webmention's or pingback's source: the one acceptance rule.

    Beside :func:`safe_url` because it is that rule plus one exception: a
    source that still names an http(s) host is queued as sent when
    :func:`safe_url` refuses it, since refusing it at once would answer such
    hosts differently from every other queued case (D7); the verifier drops
    it without a fetch.
    """
    normal = safe_url(value)
    if normal is not None:
        return LinkbackSource(Verdict.OK, normal)
    refused = LinkbackSource(Verdict.REFUSE, None)
    if not isinstance(value, str) or not value or len(value) > MAX_URL:
        return refused
    if not value.isprintable() or any(c.isspace() for c in value):
        return refused
    try:
        parts = urlsplit(value)
    except ValueError:
        return refused
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return LinkbackSource(Verdict.QUEUE_BUT_DROP, value)
    return refused
