"""Plugins add no attribute to a post after it is made (``contents.reserve``).

CPython keeps each post's attributes in a compact table whose names the
class shares, but only for names set while the posts are being made; a
second name added to every post afterwards gives each post a dict of its
own (about 1.3 KB more per post: 6.5 MB at 5,000 posts). So every plugin
reserves what it sets later, and the TOC keeps one attribute per post.
"""

from __future__ import annotations

from typing import Any

from pelican import signals
import pytest

from bench.corpus import generate
from pelican_plugins.contents import reserve
from tests.support import build, soup

# Pelican's own hook, tested with hasattr, so it cannot be reserved: it takes
# the one spare name (see contents.reserve).
SPARE = {"override_url"}


@pytest.fixture(scope="module")
def attributes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Build a small generated blog; note each post's names as read and at the end."""
    root = tmp_path_factory.mktemp("attributes")
    generate(root / "corpus", posts=12, responses=0)
    seen: dict[str, Any] = {"read": {}, "end": {}}

    def after_reading(generator: Any) -> None:
        for article in generator.articles:
            seen["read"][article.source_path] = set(vars(article))

    def at_the_end(pelican: Any) -> None:
        for article in seen["articles"]:
            seen["end"][article.source_path] = set(vars(article))

    def keep(generator: Any) -> None:
        seen["articles"] = list(generator.articles)

    signals.article_generator_pretaxonomy.connect(after_reading)
    signals.article_generator_finalized.connect(keep)
    signals.finalized.connect(at_the_end)
    try:
        build(root / "output", content=root / "corpus" / "content")
    finally:
        signals.article_generator_pretaxonomy.disconnect(after_reading)
        signals.article_generator_finalized.disconnect(keep)
        signals.finalized.disconnect(at_the_end)
    seen["output"] = root / "output"
    return seen


def test_no_plugin_adds_an_attribute_to_a_post_after_reading(
    attributes: dict[str, Any],
) -> None:
    assert len(attributes["end"]) == 12
    for source, names in attributes["end"].items():
        added = names - attributes["read"][source]
        assert added <= SPARE, f"{source}: set after reading, not reserved: {added}"


def test_posts_keep_within_the_shared_table(attributes: dict[str, Any]) -> None:
    # 29 names fit the table CPython shares between a class's objects; the
    # generated blog's posts carry Pelican's usual metadata only.
    names = set().union(*attributes["end"].values())
    assert len(names) <= 29 + len(SPARE), sorted(names)


def test_tables_still_render_from_the_one_attribute(
    attributes: dict[str, Any],
) -> None:
    page = next(attributes["output"].glob("20*/*/*/index.html"))
    doc = soup(page)
    links = doc.select("nav.toc li a")
    assert links, page
    for link in links:
        assert doc.find(id=link["href"][1:]) is not None


class _Post:
    pass


def test_reserve_adds_missing_names_and_keeps_existing_values() -> None:
    post = _Post()
    post.responses = "from the front matter"  # type: ignore[attr-defined]
    reserve(post, ("responses", "share_links"))
    assert post.responses == "from the front matter"  # type: ignore[attr-defined]
    assert post.share_links is None  # type: ignore[attr-defined]
