"""The ``TOC_`` settings, declared once, and how per-post metadata overrides them."""

from __future__ import annotations

from collections.abc import Mapping
import logging
from typing import Any

from pelican_plugins import run
from pelican_plugins.config import Setting, resolve
from pelican_plugins.toc.transform import PLACEMENTS, Options

logger = logging.getLogger(__name__)

PLUGIN = "toc"
PREFIX = "TOC_"


def _levels_ok(value: Any) -> bool:
    return (
        len(value) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in value)
        and 1 <= value[0] <= value[1] <= 6
    )


def _names_ok(value: Any) -> bool:
    return all(isinstance(name, str) and name and " " not in name for name in value)


def _nonblank(value: Any) -> bool:
    return bool(value.strip())


SPEC: dict[str, Setting] = {
    "TOC_ENABLED": Setting(
        True,
        "List sections on every article and page (metadata `toc: off` opts out).",
        types=(bool,),
    ),
    "TOC_LEVELS": Setting(
        (2, 4), "Highest and deepest heading levels listed.", (tuple, list), _levels_ok
    ),
    "TOC_MIN_HEADINGS": Setting(
        2, "Fewest listed headings for a table to appear.", (int,), lambda n: n >= 1
    ),
    "TOC_TITLE": Setting(
        "On this page", "Heading and accessible name of the table.", (str,), _nonblank
    ),
    "TOC_LIST": Setting(
        "ul", "List element: 'ul' or 'ol'.", (str,), None, ("ul", "ol")
    ),
    "TOC_PLACEMENT": Setting(
        "auto",
        "'auto' (before the first heading), 'marker' (at [TOC]) or 'none' "
        "(above the body, from the template).",
        (str,),
        None,
        PLACEMENTS,
    ),
    "TOC_MARKER": Setting("[TOC]", "Paragraph replaced by the table.", (str,)),
    "TOC_BACKLINKS": Setting(True, "End each section with a link back.", (bool,)),
    "TOC_BACKLINK_LABEL": Setting(
        "Back to table of contents", "Text of the back-links.", (str,), _nonblank
    ),
    "TOC_PERMALINKS": Setting(False, "Add a '#' link to each listed heading.", (bool,)),
    "TOC_PERMALINK_LABEL": Setting(
        "Link to this section", "Accessible name of the '#' links.", (str,), _nonblank
    ),
    "TOC_EXCLUDE_CLASSES": Setting(
        ("no-toc",),
        "Headings with any of these classes stay out.",
        (tuple, list),
        _names_ok,
    ),
    "TOC_ID": Setting(
        "toc",
        "Id of the table (made unique on the page).",
        (str,),
        lambda v: bool(v) and " " not in v,
    ),
    "TOC_RESERVED_IDS": Setting(
        tuple(sorted(Options().reserved_ids)),
        "Ids the theme uses around the body; headings never take them.",
        (tuple, list),
        _names_ok,
    ),
}


def resolved(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Return this build's settings, resolved (and checked) once per build."""
    return run.state(settings, PLUGIN, lambda: resolve(PLUGIN, PREFIX, SPEC, settings))


def run_options(settings: Mapping[str, Any]) -> Options:
    """Return this build's transform options, made once per build."""
    return run.state(settings, f"{PLUGIN}.options", lambda: options(resolved(settings)))


def options(config: Mapping[str, Any]) -> Options:
    """Turn resolved settings into the transform's options."""
    return Options(
        levels=(int(config["TOC_LEVELS"][0]), int(config["TOC_LEVELS"][1])),
        min_headings=config["TOC_MIN_HEADINGS"],
        enabled=config["TOC_ENABLED"],
        placement=config["TOC_PLACEMENT"],
        marker=config["TOC_MARKER"].strip(),
        backlinks=config["TOC_BACKLINKS"],
        backlink_label=config["TOC_BACKLINK_LABEL"],
        permalinks=config["TOC_PERMALINKS"],
        permalink_label=config["TOC_PERMALINK_LABEL"],
        exclude_classes=frozenset(config["TOC_EXCLUDE_CLASSES"]),
        nav_id=config["TOC_ID"],
        reserved_ids=frozenset(config["TOC_RESERVED_IDS"]),
    )


ON = frozenset({"on", "yes", "true", "1"})
OFF = frozenset({"off", "no", "false", "0"})


def _text(value: Any) -> str:
    # Markdown gives strings; reST docinfo may give a list or a rendered value.
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value)
    return str(value).strip().lower()


def overrides(metadata: dict[str, Any], source: str) -> tuple[bool | None, int | None]:
    """Pop `toc` and `toc_depth` from *metadata*; warn and ignore bad values."""
    enabled: bool | None = None
    depth: int | None = None
    if "toc" in metadata:
        raw = metadata.pop("toc")
        text = _text(raw)
        if text in ON or text in OFF:
            enabled = text in ON
        else:
            logger.warning(
                "%s: invalid toc metadata (%r) in %s, ignored", PLUGIN, raw, source
            )
    if "toc_depth" in metadata:
        raw = metadata.pop("toc_depth")
        text = _text(raw)
        if text.isdigit() and 1 <= int(text) <= 6:
            depth = int(text)
        else:
            logger.warning(
                "%s: invalid toc_depth metadata (%r) in %s, ignored",
                PLUGIN,
                raw,
                source,
            )
    return enabled, depth
