"""Slugs and unique names: one slug family and one suffix scheme for every plugin.

URL slugs are Pelican's own ``slugify`` with the build's settings (so a tag,
a category or an imported post gets the slug Pelican itself would give it);
anything that must be unique among its neighbours (heading ids, tag slugs,
imported file names) gets ``base``, ``base-1``, ``base-2`` … from
:func:`unique`.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Mapping
from typing import Any

from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify


def slugger(
    settings: Mapping[str, Any] = DEFAULT_CONFIG, kind: str = ""
) -> Callable[[str], str]:
    """Return Pelican's slug function with *settings* (``kind``: TAG, CATEGORY...).

    ``TAG_REGEX_SUBSTITUTIONS`` and friends win over ``SLUG_REGEX_SUBSTITUTIONS``
    as in Pelican; case and Unicode follow ``SLUGIFY_PRESERVE_CASE`` and
    ``SLUGIFY_USE_UNICODE``.
    """
    subs = settings.get(
        f"{kind}_REGEX_SUBSTITUTIONS" if kind else "SLUG_REGEX_SUBSTITUTIONS",
        settings.get("SLUG_REGEX_SUBSTITUTIONS", []),
    )
    preserve_case = settings.get("SLUGIFY_PRESERVE_CASE", False)
    use_unicode = settings.get("SLUGIFY_USE_UNICODE", False)

    def slug_of(name: str) -> str:
        return slugify(
            name,
            regex_subs=subs,
            preserve_case=preserve_case,
            use_unicode=use_unicode,
        )

    return slug_of


def unique(base: str, used: Container[str]) -> str:
    """Return *base*, or the first free ``base-1``, ``base-2`` … not in *used*."""
    if base not in used:
        return base
    number = 1
    while f"{base}-{number}" in used:
        number += 1
    return f"{base}-{number}"
