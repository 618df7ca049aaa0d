"""Finding a target's webmention or pingback endpoint (W3C Webmention §3.1.2).

Order: the HTTP ``Link`` header, then the first ``<link>`` or ``<a>`` with the
``webmention`` rel token in document order; failing those, the pingback
``X-Pingback`` header, then the spec's exact ``<link rel="pingback" href>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree, html

from pelican_plugins import net

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


@dataclass(frozen=True)
class Endpoint:
    """Where to notify a target, and how ("webmention" or "pingback")."""

    kind: str
    url: str


def _skip_spaces(value: str, i: int) -> int:
    while i < len(value) and value[i] in " \t":
        i += 1
    return i


def _param_value(value: str, i: int) -> tuple[str, int]:
    """Read a token or a quoted string starting at *i*; return it and the next index."""
    n = len(value)
    if i < n and value[i] == '"':
        i += 1
        chars = []
        while i < n and value[i] != '"':
            if value[i] == "\\" and i + 1 < n:
                i += 1
            chars.append(value[i])
            i += 1
        return "".join(chars), i + 1
    j = i
    while j < n and value[j] not in ";,":
        j += 1
    return value[i:j].strip(), j


def parse_link_header(value: str) -> Iterator[tuple[str, str]]:
    """Yield ``(uri-reference, rel)`` for each link in one ``Link`` header value.

    A single forward scan (RFC 8288 shape): linear in the length of the value,
    and an unterminated ``<`` simply ends the parse.

    >>> list(parse_link_header('<a>; rel="other", </wm>; rel=webmention'))
    [('a', 'other'), ('/wm', 'webmention')]
    """
    i, n = 0, len(value)
    while i < n:
        start = value.find("<", i)
        end = value.find(">", start + 1) if start >= 0 else -1
        if end < 0:
            return
        target, i = value[start + 1 : end].strip(), end + 1
        rel: str | None = None
        while i < n:
            i = _skip_spaces(value, i)
            if i >= n or value[i] == ",":
                i += 1
                break
            if value[i] != ";":  # junk: skip to the next link
                comma = value.find(",", i)
                i = n if comma < 0 else comma
                continue
            j = i + 1
            while j < n and value[j] not in "=;,":
                j += 1
            name, i = value[i + 1 : j].strip().lower(), j
            param = ""
            if i < n and value[i] == "=":
                param, i = _param_value(value, _skip_spaces(value, i + 1))
            if name == "rel" and rel is None:
                rel = param
        yield target, rel or ""


def has_rel(rel: str, token: str) -> bool:
    """Tell whether the space-separated *rel* list holds *token* (ASCII case-folded)."""
    return token in rel.lower().split()


def header_webmention(values: Iterable[str]) -> str | None:
    """Return the first ``rel=webmention`` URI reference of all ``Link`` values."""
    for value in values:
        for target, rel in parse_link_header(value):
            if has_rel(rel, "webmention"):
                return target
    return None


def _document(body: bytes) -> etree._Element | None:
    try:
        return html.document_fromstring(body)
    except (etree.ParserError, ValueError):
        return None


def html_endpoints(body: bytes) -> tuple[str | None, str | None]:
    """Return the webmention href and the pingback href found in an HTML page.

    Parsed as a tree, so links inside comments or escaped text never count
    (webmention.rocks tests 13 and 14). An element without ``href`` is
    skipped; ``href=""`` is kept (it means the page itself). The pingback
    link must have exactly the spec's form: ``rel="pingback"`` then ``href``.
    """
    root = _document(body)
    if root is None:
        return None, None
    webmention = pingback = None
    for element in root.iter("link", "a"):
        href = element.get("href")
        if href is None:
            continue
        if webmention is None and has_rel(element.get("rel", ""), "webmention"):
            webmention = href.strip()
        if (
            pingback is None
            and element.tag == "link"
            and list(element.attrib.keys()) == ["rel", "href"]
            and element.get("rel") == "pingback"
        ):
            pingback = href.strip()
        if webmention is not None:
            break
    return webmention, pingback


def discover(resp: net.Response) -> Endpoint | None:
    """Return the endpoint a fetched target advertises, or None.

    Relative endpoints resolve against the final URL after redirects; the
    body is read as HTML only when the media type says it is HTML.
    """
    found = header_webmention(resp.headers.get_list("link"))
    if found is not None:
        return Endpoint("webmention", urljoin(resp.url, found))
    is_html = resp.content_type in HTML_TYPES
    webmention, pingback = html_endpoints(resp.body) if is_html else (None, None)
    if webmention is not None:
        return Endpoint("webmention", urljoin(resp.url, webmention))
    headers = resp.headers.get_list("x-pingback")
    if headers and headers[0].strip():
        return Endpoint("pingback", urljoin(resp.url, headers[0].strip()))
    if pingback:
        return Endpoint("pingback", urljoin(resp.url, pingback))
    return None
