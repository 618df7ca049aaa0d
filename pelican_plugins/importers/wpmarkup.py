"""Markup the HTML standard dropped, replaced by its modern equivalent.

The replacements follow the HTML standard (WordPress's KSES lets ``tt``, ``big``,
``acronym``, ``strike``, ``font`` and ``align=`` through): elements are renamed
or become a ``span``/``div`` with the same look in CSS, and attributes that are
obsolete or hold invalid values move to CSS or are dropped.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

OBSOLETE = frozenset({"tt", "acronym", "strike", "big", "center", "font"})
#: Attributes that modernise() rewrites (a body holding none may pass as is).
CHANGED_ATTRS = frozenset(
    {"align", "border", "hspace", "vspace", "bgcolor", "valign", "cellpadding"}
    | {"cellspacing", "frame", "rules", "summary", "cite", "name", "type"}
    | {"color", "face"}
)
_FONT_SIZES = {
    "1": "x-small",
    "2": "small",
    "3": "medium",
    "4": "large",
    "5": "x-large",
    "6": "xx-large",
    "7": "xxx-large",
}


def token(value: str) -> str:
    """Return a value fit for an id or class: letters, digits, ``-``, ``_``."""
    return re.sub(r"[^A-Za-z0-9_-]+", "", value)


def _style(tag: Tag, rule: str) -> None:
    current = (tag.get("style") or "").strip().rstrip(";")
    tag["style"] = f"{current}; {rule}" if current else rule


def modernise(soup: BeautifulSoup, tags: list[Tag] | None = None) -> None:
    """Replace elements and attributes the HTML standard dropped.

    *tags* is every element of *soup* when the caller has walked it already.
    """
    renames = {"tt": "code", "acronym": "abbr", "strike": "s"}
    if tags is None:
        tags = soup.find_all(True)
    for tag in tags:
        if tag.name not in OBSOLETE:
            continue
        if tag.name in renames:
            tag.name = renames[tag.name]
        elif tag.name == "big":
            tag.name = "span"
            _style(tag, "font-size: larger")
        elif tag.name == "center":
            tag.name = "div"
            _style(tag, "text-align: center")
        else:
            _font(tag)
    for tag in tags:
        if tag.attrs or tag.name == "img":
            _attributes(tag)


def _font(tag: Tag) -> None:
    tag.name = "span"
    color = tag.attrs.pop("color", "")
    face = tag.attrs.pop("face", "")
    size = tag.attrs.pop("size", "").strip()
    if re.fullmatch(r"#?[0-9A-Za-z]+", color or ""):
        _style(tag, f"color: {color}")
    if face and re.fullmatch(r"[\w ,'-]+", face):
        _style(tag, f"font-family: {face}")
    if size in _FONT_SIZES:
        _style(tag, f"font-size: {_FONT_SIZES[size]}")


_TEXT_ALIGN = {"left", "right", "center", "justify"}


def _attributes(tag: Tag) -> None:
    attrs = tag.attrs
    align = attrs.get("align")
    if align is not None and tag.name != "img":
        del attrs["align"]
        if align.lower() in _TEXT_ALIGN:
            _style(tag, f"text-align: {align.lower()}")
    if tag.name == "img":
        _image_attributes(tag)
    _size_attributes(tag)
    for name, prop in (("bgcolor", "background-color"), ("valign", "vertical-align")):
        value = attrs.pop(name, None)
        if value and re.fullmatch(r"#?[0-9A-Za-z]+", value):
            _style(tag, f"{prop}: {value}")
    if tag.name == "table":
        for name in ("cellpadding", "cellspacing", "frame", "rules", "summary"):
            attrs.pop(name, None)
        border = attrs.pop("border", None)
        if border is not None and border.strip() not in ("", "0"):
            attrs["border"] = "1"
    if tag.name == "a" and "name" in attrs:
        name = attrs.pop("name")
        if "id" not in attrs and name and token(name) == name:
            attrs["id"] = name
    cite = attrs.get("cite")
    if cite is not None and not _is_url(cite):
        del attrs["cite"]
    if tag.name in ("ul", "ol", "li"):
        attrs.pop("type", None)


def _size_attributes(tag: Tag) -> None:
    """Width and height must be whole pixels; other values move to CSS."""
    for name in ("width", "height"):
        value = (tag.attrs.get(name) or "").strip()
        if name not in tag.attrs:
            continue
        if tag.name in ("img", "video", "iframe", "canvas"):
            if not value.isdigit():
                del tag.attrs[name]
                if re.fullmatch(r"\d+(\.\d+)?(px|%)", value):
                    _style(tag, f"{name}: {value}")
        elif tag.name in ("td", "th", "table", "col"):
            del tag.attrs[name]
            if re.fullmatch(r"\d+(\.\d+)?(px|%)?", value):
                unit = "" if value[-1] in "x%" else "px"
                _style(tag, f"{name}: {value}{unit}")


def _image_attributes(tag: Tag) -> None:
    attrs = tag.attrs
    align = (attrs.pop("align", "") or "").lower()
    if align in ("left", "right", "center"):
        classes = tag.get("class") or []
        if f"align{align}" not in classes:
            tag["class"] = [*classes, f"align{align}"]
    elif align in ("top", "middle", "bottom"):
        _style(tag, f"vertical-align: {align}")
    border = attrs.pop("border", None)
    if border and border.strip().isdigit():
        _style(tag, f"border: {border.strip()}px solid")
    for name, sides in (("hspace", "0 {v}px"), ("vspace", "{v}px 0")):
        value = attrs.pop(name, None)
        if value and value.strip().isdigit():
            _style(tag, "margin: " + sides.format(v=value.strip()))
    if "alt" not in attrs:
        attrs["alt"] = ""
    if (
        attrs.get("srcset")
        and "sizes" not in attrs
        and re.search(r"\d+w\b", attrs["srcset"])
    ):
        # WordPress writes sizes at render time (wp_calculate_image_sizes).
        width = (attrs.get("width") or "").strip()
        attrs["sizes"] = (
            f"(max-width: {width}px) 100vw, {width}px" if width.isdigit() else "100vw"
        )


def _is_url(value: str) -> bool:
    value = value.strip()
    if not value or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https", "") and (
        bool(parts.netloc) or value.startswith(("/", "#", "."))
    )
