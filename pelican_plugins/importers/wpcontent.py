"""WordPress post content turned into the HTML WordPress would have shown.

The steps follow WordPress's ``the_content`` filters: the core shortcodes
(``caption``, ``gallery``, ``audio``, ``video``, ``playlist``, ``embed``) become
plain HTML, a known oEmbed URL alone on a line becomes a styled link (no
third-party iframe or script), Gutenberg block comments go and their markup
stays, ``wpautop`` adds paragraphs (not for block content, as in WordPress),
markup the HTML standard dropped is modernised, and upload URLs are copied
in or counted. Unknown shortcodes stay as written and are counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
import html
from pathlib import PurePosixPath
import re
from typing import Any
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from lxml import etree
import lxml.html

from pelican_plugins.importers.shortcodes import Shortcode, tokenize
from pelican_plugins.importers.wpautop import BLOCKS, VERBATIM, wpautop
from pelican_plugins.importers.wpmarkup import CHANGED_ATTRS, OBSOLETE, modernise, token
from pelican_plugins.importers.wpmedia import (
    UPLOADS_MARK,
    Site,
    media,
)
from pelican_plugins.slugs.rules import unique

#: Core shortcodes that become HTML (``wp_caption`` is the old name of caption).
CONVERTED = frozenset(
    {"caption", "wp_caption", "gallery", "audio", "video", "playlist", "embed"}
)
#: Shortcodes of common plugins: recognised so they are counted, kept as written.
KNOWN_LEFT = frozenset(
    {"code", "sourcecode", "contact-form", "contact-form-7", "googlemaps", "youtube"}
)
#: Hosts of WordPress's oEmbed providers (class-wp-oembed.php): a bare URL on
#: its own line to one of them was shown as an embed.
OEMBED_HOSTS = frozenset(
    [
        "youtube.com",
        "youtu.be",
        "vimeo.com",
        "dailymotion.com",
        "dai.ly",
        "wordpress.tv",
        "videopress.com",
        "ted.com",
        "tiktok.com",
        "soundcloud.com",
        "spotify.com",
        "mixcloud.com",
        "flickr.com",
        "flic.kr",
        "imgur.com",
        "pinterest.com",
        "scribd.com",
        "speakerdeck.com",
        "reddit.com",
        "tumblr.com",
        "bsky.app",
        "canva.com",
        "twitter.com",
        "slideshare.net",
        "issuu.com",
        "kickstarter.com",
        "animoto.com",
        "cloudup.com",
        "crowdsignal.com",
        "polldaddy.com",
        "smugmug.com",
        "reverbnation.com",
    ]
)
_SHORTCODE_NAME = re.compile(r"([A-Za-z][\w-]*)(?=[\s\]]|/\])")
_URL_LINE = re.compile(r"^\s*(https?://[^\s<>\"]+)\s*$", re.MULTILINE)
_AUDIO_EXT = ("mp3", "ogg", "flac", "m4a", "wav")
_VIDEO_EXT = ("mp4", "m4v", "webm", "ogv", "flv")
_MIME = {
    "mp3": "audio/mpeg",
    "ogg": "audio/ogg",
    "flac": "audio/flac",
    "m4a": "audio/mp4",
    "wav": "audio/wav",
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "webm": "video/webm",
    "ogv": "video/ogg",
    "flv": "video/x-flv",
}


@dataclass(frozen=True, slots=True)
class Converted:
    """One post's converted body and summary, and what was changed."""

    body: str
    summary: str | None
    nextpage: int


def convert(raw: str, post_id: str, excerpt: str, site: Site) -> Converted:
    """Render *raw* post content the way WordPress showed it."""
    text = (raw or "").replace("\r\n", "\n").replace("\r", "\n")
    if finished(text, site):
        summary = _render_excerpt(excerpt) if excerpt.strip() else None
        return Converted(body=text.strip() + "\n", summary=summary, nextpage=0)
    blocks = "<!-- wp:" in text
    pages = text.split("<!--nextpage-->")
    text = "\n\n".join(pages)
    teaser, more, rest = _split_more(text)
    state = _State(post_id, site)
    body = _render(teaser, blocks, state)
    summary = None
    if more:
        summary = body  # the teaser, as the listings show it
        body += f'\n<span id="more-{post_id}"></span>\n' + _render(rest, blocks, state)
    if excerpt.strip():
        summary = _render_excerpt(excerpt)
    return Converted(body=body.strip() + "\n", summary=summary, nextpage=len(pages) - 1)


def finished(text: str, site: Site) -> bool:
    """Whether *text* is already the HTML WordPress showed, so it passes as is.

    True when no step would change it: no shortcode, comment or URL text, no
    loose or multi-line text for wpautop, no obsolete element or attribute, no
    image needing ``alt`` or ``sizes``, no link to the old site or its uploads.
    A cheap check with lxml's C parser, so clean HTML skips the slower tree.
    """
    if not text.strip() or "[" in text or "<!--" in text:
        return False
    try:
        parts = lxml.html.fragments_fromstring(text)
    except (etree.ParserError, ValueError):
        return False
    for part in parts:
        if isinstance(part, str) or not isinstance(part.tag, str):
            return False
        if part.tag not in BLOCKS or (part.tail or "").strip():
            return False
        if not _tree_finished(part, site, verbatim=False):
            return False
    return True


def _tree_finished(element: Any, site: Site, *, verbatim: bool) -> bool:
    """Check *element* and its subtree (text in pre, script… is left alone)."""
    if not isinstance(element.tag, str):
        return False  # a comment or processing instruction
    if element.tag in OBSOLETE or CHANGED_ATTRS.intersection(element.attrib):
        return False
    verbatim = verbatim or element.tag in VERBATIM
    for text in (element.text, element.tail):
        if text and not verbatim and ("http" in text or "\n" in text.strip()):
            return False
    image_done = element.tag != "img" or (
        "alt" in element.attrib and "srcset" not in element.attrib
    )
    if not image_done or not _urls_finished(element.attrib, site):
        return False
    return all(_tree_finished(child, site, verbatim=verbatim) for child in element)


def _urls_finished(attrib: Any, site: Site) -> bool:
    for name in ("width", "height"):
        if name in attrib and not attrib[name].strip().isdigit():
            return False
    for name in ("src", "href", "poster"):
        value = attrib.get(name)
        if value and (UPLOADS_MARK in value or (site.host and site.host in value)):
            return False
    return True


def _split_more(text: str) -> tuple[str, bool, str]:
    """Split at the first ``<!--more…-->`` comment (classic or block form)."""
    for marker in ("<!--more", "<!-- wp:more"):
        start = text.find(marker)
        if start >= 0:
            end = text.find("-->", start)
            if end < 0:
                continue
            rest = text[end + 3 :]
            if marker == "<!-- wp:more":
                closing = rest.find("<!-- /wp:more -->")
                if closing >= 0:
                    rest = rest[closing + len("<!-- /wp:more -->") :]
            teaser = text[:start].replace("<!--noteaser-->", "")
            return teaser, True, rest.replace("<!--noteaser-->", "")
    return text, False, ""


class _State:
    """Per-post counters (gallery numbers, caption ids)."""

    def __init__(self, post_id: str, site: Site, *, count: bool = True) -> None:
        self.post_id = post_id
        self.site = site
        self.count = count
        self.galleries = 0
        self.media = 0
        self.ids: set[str] = set()

    def unique(self, value: str) -> str:
        """Return *value*, or the slugs rule's next free ``value-1``…, taken now."""
        value = unique(value, self.ids)
        self.ids.add(value)
        return value


def _render_excerpt(excerpt: str) -> str:
    text = excerpt.strip()
    if not any(c in text for c in "<\n"):
        return f"<p>{text}</p>"  # what wpautop makes of one line of text
    soup = BeautifulSoup(excerpt.replace("\r\n", "\n").strip(), "html.parser")
    wpautop(soup)
    modernise(soup)
    return str(soup).strip()


def _render(text: str, blocks: bool, state: _State) -> str:
    if not text.strip():
        return ""
    parts = []
    for part in tokenize(text, CONVERTED | KNOWN_LEFT):
        if isinstance(part, Shortcode):
            parts.append(_expand(part, state))
        else:
            if state.count:
                unknown = unknown_shortcodes(part)
                for name in CONVERTED | KNOWN_LEFT:
                    unknown.pop(name, None)  # an escaped [[gallery]] prints as text
                state.site.left.update(unknown)
            parts.append(part)
    expanded = "".join(parts)
    soup = BeautifulSoup(expanded, "html.parser")
    tags, texts, blocks_comments = _walk(soup)
    for node in blocks_comments:
        node.extract()
    _autoembed(texts)
    modernise(soup, tags)  # first, so a <center> turned <div> is a block for wpautop
    if not blocks:
        wpautop(soup)
    media(tags, state.site, state.count)
    return str(soup)


def _walk(soup: BeautifulSoup) -> tuple[list[Tag], list[NavigableString], list]:
    """One walk over the tree: elements, texts holding a URL, block comments."""
    tags: list[Tag] = []
    texts: list[NavigableString] = []
    comments: list[Comment] = []
    for node in soup.descendants:
        if isinstance(node, Tag):
            tags.append(node)
        elif isinstance(node, Comment):
            if node.strip().startswith(("wp:", "/wp:")):
                comments.append(node)
        elif "http" in node:
            texts.append(node)
    return tags, texts, comments


def unknown_shortcodes(text: str) -> Counter[str]:
    """Count opening tags that look like shortcodes of unregistered names."""
    found: Counter[str] = Counter()
    start = text.find("[")
    while start >= 0:
        match = _SHORTCODE_NAME.match(text, start + 1)
        if match and not text.startswith("[[", start):
            found[match.group(1).lower()] += 1
        start = text.find("[", start + 1)
    return found


def _expand(code: Shortcode, state: _State) -> str:
    handler = _HANDLERS.get(code.name)
    result = handler(code, state) if handler else None
    if state.count:
        if result is None:
            state.site.left[code.name] += 1
        else:
            state.site.converted[code.name] += 1
    return code.raw if result is None else result


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _caption(code: Shortcode, state: _State) -> str | None:
    content = code.content or ""
    soup = BeautifulSoup(content, "html.parser")
    image = soup.find("img")
    if image is None:
        return None
    if (
        image.parent is not None
        and image.parent.name == "a"
        and len(image.parent.find_all(True)) == 1
    ):
        image = image.parent
    image.extract()
    caption = str(soup).strip() or code.atts.get("caption", "").strip()
    try:
        width = int(code.atts.get("width", "0"))
    except ValueError:
        width = 0
    if width < 1 or not caption:
        return str(image)
    align = token(code.atts.get("align", "alignnone")) or "alignnone"
    extra = " ".join(token(c) for c in code.atts.get("class", "").split())
    classes = " ".join(filter(None, ["wp-caption", align, extra]))
    figure_id = token(code.atts.get("id", ""))
    ids = ""
    if figure_id:
        figure_id = state.unique(figure_id)
        caption_id = f"caption-{figure_id}"
        ids = f' id="{figure_id}" aria-describedby="{caption_id}"'
        caption_attr = f' id="{caption_id}"'
    else:
        caption_attr = ""
    return (
        f'\n\n<figure{ids} class="{classes}" style="width: {width}px">{image}'
        f'<figcaption{caption_attr} class="wp-caption-text">{caption}</figcaption>'
        "</figure>\n\n"
    )


def _ids(value: str) -> list[str]:
    return [p.strip() for p in value.split(",") if p.strip().isdigit()]


def _gallery(code: Shortcode, state: _State) -> str | None:
    site = state.site
    ids = _ids(code.atts.get("ids", "") or code.atts.get("include", ""))
    if ids:
        images = [site.attachments[i] for i in ids if i in site.attachments]
        missing = [i for i in ids if i not in site.attachments]
        if state.count:
            site.media.missing.update(f"attachment {i}" for i in missing)
    else:
        parent = code.atts.get("id", "") or state.post_id
        images = site.children(parent if parent.isdigit() else state.post_id)
    exclude = set(_ids(code.atts.get("exclude", "")))
    images = [a for a in images if a.post_id not in exclude]
    if code.atts.get("order", "").upper() == "DESC":
        images.reverse()
    if not images:
        return None
    try:
        columns = max(1, min(9, int(code.atts.get("columns", "3"))))
    except ValueError:
        columns = 3
    size = token(code.atts.get("size", "thumbnail")) or "thumbnail"
    link = code.atts.get("link", "")
    state.galleries += 1
    gallery_id = state.unique(f"gallery-{state.galleries}")
    items = []
    for image in images:
        img = (
            f'<img src="{_attr(image.sizes.get(size, image.url))}"'
            f' alt="{_attr(image.alt)}" '
            f'class="attachment-{size} size-{size}" loading="lazy">'
        )
        if link != "none":
            img = f'<a href="{_attr(image.url)}">{img}</a>'
        caption = ""
        if image.caption.strip():
            caption = (
                '<figcaption class="wp-caption-text gallery-caption">'
                f"{html.escape(image.caption.strip(), quote=False)}</figcaption>"
            )
        items.append(
            f'<figure class="gallery-item"><div class="gallery-icon">{img}</div>'
            f"{caption}</figure>"
        )
    return (
        f'\n\n<div id="{gallery_id}" class="gallery galleryid-{token(state.post_id)} '
        f'gallery-columns-{columns} gallery-size-{size}">'
        + "".join(items)
        + "</div>\n\n"
    )


def _media_src(code: Shortcode, extensions: tuple[str, ...]) -> str:
    src = code.atts.get("src", "").strip()
    if src:
        return src
    for ext in extensions:
        if code.atts.get(ext, "").strip():
            return code.atts[ext].strip()
    content = (code.content or "").strip()
    return content if content.startswith(("http://", "https://", "/")) else ""


def _mime(src: str) -> str:
    ext = PurePosixPath(urlsplit(src).path).suffix.lower().lstrip(".")
    return _MIME.get(ext, "")


def _audio(code: Shortcode, state: _State) -> str | None:
    src = _media_src(code, _AUDIO_EXT)
    if not src:
        return None
    name = PurePosixPath(unquote(urlsplit(src).path)).name or src
    flags = "".join(f" {f}" for f in ("loop", "autoplay", "muted") if _on(code, f))
    return (
        f'<audio class="wp-audio-shortcode" controls preload="none"{flags} '
        f'src="{_attr(src)}"><a href="{_attr(src)}">{html.escape(name)}</a></audio>'
    )


def _video(code: Shortcode, state: _State) -> str | None:
    src = _media_src(code, _VIDEO_EXT)
    if not src:
        return None
    size = ""
    for dim in ("width", "height"):
        value = code.atts.get(dim, "")
        if value.isdigit():
            size += f' {dim}="{value}"'
    poster = code.atts.get("poster", "").strip()
    poster_attr = f' poster="{_attr(poster)}"' if poster else ""
    flags = "".join(f" {f}" for f in ("loop", "autoplay", "muted") if _on(code, f))
    name = PurePosixPath(unquote(urlsplit(src).path)).name or src
    return (
        f'\n\n<div class="wp-video"><video class="wp-video-shortcode" controls '
        f'preload="metadata"{size}{poster_attr}{flags} src="{_attr(src)}">'
        f'<a href="{_attr(src)}">{html.escape(name)}</a></video></div>\n\n'
    )


def _on(code: Shortcode, flag: str) -> bool:
    return code.atts.get(flag, "").lower() in ("1", "on", "true", "yes")


def _playlist(code: Shortcode, state: _State) -> str | None:
    kind = "video" if code.atts.get("type", "audio") == "video" else "audio"
    ids = _ids(code.atts.get("ids", "") or code.atts.get("include", ""))
    site = state.site
    if ids:
        tracks = [site.attachments[i] for i in ids if i in site.attachments]
    else:
        tracks = site.children(state.post_id, f"{kind}/")
    if not tracks:
        return None
    items = "".join(
        f'<li><figure><{kind} controls preload="none" src="{_attr(t.url)}">'
        f'<a href="{_attr(t.url)}">{html.escape(t.title or t.url)}</a></{kind}>'
        f"<figcaption>{html.escape(t.title or t.url)}</figcaption></figure></li>"
        for t in tracks
    )
    return f'\n\n<ol class="wp-playlist wp-{kind}-playlist">{items}</ol>\n\n'


def _embed(code: Shortcode, state: _State) -> str | None:
    url = (code.content or "").strip()
    if not url.startswith(("http://", "https://")) or any(c.isspace() for c in url):
        return None
    return f"\n\n<p>{embed_link(url)}</p>\n\n"


def embed_link(url: str) -> str:
    """Return the plain, styled link that stands for an embed (no iframe)."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    label = html.escape(host or url)
    return (
        f'<a class="embed-link" href="{_attr(url)}">{html.escape(url)}</a>'
        f' <span class="embed-host">({label})</span>'
    )


_HANDLERS: dict[str, Callable[[Shortcode, _State], str | None]] = {
    "caption": _caption,
    "wp_caption": _caption,
    "gallery": _gallery,
    "audio": _audio,
    "video": _video,
    "playlist": _playlist,
    "embed": _embed,
}


def is_oembed(url: str) -> bool:
    """Whether WordPress would have embedded *url* (a known provider's host)."""
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in OEMBED_HOSTS)


def _autoembed(texts: list[NavigableString]) -> None:
    """Turn a provider URL alone on a line (or in a <p>) into a styled link."""
    for node in texts:
        if not _URL_LINE.search(node) or node.find_parent(["a", "pre", "code"]):
            continue
        text = str(node)
        pieces: list[str | Tag] = []
        last = 0
        for match in _URL_LINE.finditer(text):
            url = match.group(1)
            if not is_oembed(url):
                continue
            pieces.append(text[last : match.start(1)])
            pieces.append(BeautifulSoup(embed_link(url), "html.parser"))
            last = match.end(1)
        if not pieces:
            continue
        pieces.append(text[last:])
        for piece in pieces:
            node.insert_before(piece)
        node.extract()


__all__ = ["Converted", "convert", "finished", "is_oembed"]
