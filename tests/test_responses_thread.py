"""Threading, counts and display data: pure functions, no Pelican."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from zoneinfo import ZoneInfo

from pelican_plugins.responses.settings import SPEC
from pelican_plugins.responses.thread import (
    Node,
    build_threads,
    flatten,
    repair_parents,
)
from pelican_plugins.responses.view import assemble, display_name, excerpt, make_view


def count_nodes(nodes: Iterable[Node]) -> int:
    """Count every node of a forest (what a list of threads will show)."""
    total = 0
    stack = list(nodes)
    while stack:
        node = stack.pop()
        total += 1
        stack.extend(node.children)
    return total


@dataclass
class Item:
    id: str
    parent: str | None
    date: str


def shape(nodes: list[Node]) -> list:
    return [(n.item.id, n.depth, shape(n.children)) for n in nodes]


def chain(n: int) -> list[Item]:
    return [
        Item(f"c{i}", f"c{i - 1}" if i else None, f"2020-01-01T00:00:{i:02d}Z")
        for i in range(n)
    ]


def test_oldest_first_with_replies_nested() -> None:
    items = [
        Item("b", None, "2020-01-02"),
        Item("a", None, "2020-01-01"),
        Item("a2", "a", "2020-01-04"),
        Item("a1", "a", "2020-01-03"),
    ]
    assert shape(build_threads(items)) == [
        ("a", 1, [("a1", 2, []), ("a2", 2, [])]),
        ("b", 1, []),
    ]


def test_newest_first_reverses_top_level_only() -> None:
    items = [
        Item("a", None, "1"),
        Item("b", None, "2"),
        Item("a1", "a", "3"),
        Item("a2", "a", "4"),
    ]
    assert shape(build_threads(items, newest_first=True)) == [
        ("b", 1, []),
        ("a", 1, [("a1", 2, []), ("a2", 2, [])]),
    ]


def test_replies_deeper_than_max_depth_join_the_deepest_level() -> None:
    roots = build_threads(chain(8), max_depth=3)
    assert shape(roots) == [
        ("c0", 1, [("c1", 2, [("c2", 3, []), ("c3", 3, []), ("c4", 3, []),
                              ("c5", 3, []), ("c6", 3, []), ("c7", 3, [])])]),
    ]  # fmt: skip


def test_flattened_replies_keep_depth_first_order() -> None:
    items = [
        Item("r", None, "01"),
        Item("x", "r", "02"),
        Item("y", "r", "03"),
        Item("x1", "x", "04"),
        Item("x1a", "x1", "05"),
    ]
    assert shape(build_threads(items, max_depth=2)) == [
        ("r", 1, [("x", 2, []), ("x1", 2, []), ("x1a", 2, []), ("y", 2, [])]),
    ]


def test_max_depth_one_is_a_flat_list() -> None:
    assert [n.item.id for n in build_threads(chain(4), max_depth=1)] == [
        "c0",
        "c1",
        "c2",
        "c3",
    ]


def test_orphans_become_top_level_and_duplicates_are_dropped() -> None:
    items = [
        Item("a", "gone", "1"),
        Item("b", None, "2"),
        Item("b", None, "3"),
        Item("c", "c", "4"),
    ]
    assert shape(build_threads(items)) == [("a", 1, []), ("b", 1, []), ("c", 1, [])]


def test_cycles_are_broken_at_their_earliest_member() -> None:
    items = [
        Item("x", "y", "2020-01-02"),
        Item("y", "z", "2020-01-03"),
        Item("z", "x", "2020-01-01"),
        Item("w", "x", "2020-01-04"),
    ]
    roots = build_threads(items)
    assert shape(roots) == [("z", 1, [("y", 2, [("x", 3, [("w", 4, [])])])])]
    assert count_nodes(roots) == 4
    assert shape(build_threads(list(reversed(items)))) == shape(roots)


def test_a_very_deep_chain_does_not_recurse() -> None:
    roots = build_threads(
        [Item(f"c{i}", f"c{i - 1}" if i else None, f"{i:06d}") for i in range(5000)]
    )
    assert count_nodes(roots) == 5000


def nested_markup(nodes: list[Node]) -> str:
    """What the old recursive template printed, reduced to its tags."""
    return "".join(
        f"<li {n.item.id}>"
        + (f"<ol>{nested_markup(n.children)}</ol>" if n.children else "")
        + "</li>"
        for n in nodes
    )


def flat_markup(nodes: list[Node]) -> str:
    """What the flat loop in partials/responses.html prints, reduced to its tags."""
    out = []
    for node, opens, closes in flatten(nodes):
        out.append(f"<li {node.item.id}>")
        out.append("<ol>" if opens else "</li>" + "</ol></li>" * closes)
    return "".join(out)


def test_flat_rows_nest_exactly_like_the_recursive_thread() -> None:
    items = [
        Item("a", None, "01"),
        Item("a1", "a", "02"),
        Item("a1x", "a1", "03"),
        Item("a1xy", "a1x", "04"),
        Item("a2", "a", "05"),
        Item("b", None, "06"),
        Item("c", None, "07"),
        Item("c1", "c", "08"),
        Item("c1x", "c1", "09"),
    ]
    for depth in (1, 2, 5):
        roots = build_threads(items, max_depth=depth)
        assert flat_markup(roots) == nested_markup(roots)
        order = [node.item.id for node, _, _ in flatten(roots)]
        assert order == [item.id for item in items]  # document order at any depth
    assert flatten([]) == []


def test_a_very_deep_chain_flattens_without_recursion() -> None:
    roots = build_threads(chain(3000), max_depth=3000)
    rows = flatten(roots)
    assert len(rows) == 3000
    assert rows[-1][1:] == (False, 2999)  # the last leaf closes every reply list


OPTIONS = {name: setting.default for name, setting in SPEC.items()}


def record(n: int, **over: object) -> dict:
    base = {
        "id": f"r{n}",
        "type": "comment",
        "parent": None,
        "author_name": f"Reader {n}",
        "author_url": None,
        "date": f"2020-01-{n:02d}T10:00:00Z",
        "content_html": f"<p>Body {n}</p>",
        "source_url": None,
        "source_title": None,
    }
    base.update(over)
    return base


def build(records: list[dict], **options: object) -> object:
    return assemble(
        "post", records, {**OPTIONS, **options}, zone=UTC, date_format="%Y-%m-%d"
    )


def test_counts_equal_what_is_listed() -> None:
    records = [
        record(1),
        record(2, parent="r1"),
        record(3, type="pingback", source_url="https://s.example/", source_title="S"),
        record(4, type="trackback"),
        record(
            5, type="webmention", date="not a date"
        ),  # unusable: not listed, not counted
        record(6, type="like"),  # unknown type: skipped too
    ]
    responses = build(records)
    assert (responses.comment_count, responses.ping_count, responses.count) == (2, 2, 4)
    assert [p.id for p in responses.pings] == ["r3", "r4"]
    assert [i.id for i in responses.items] == ["r1", "r2", "r3", "r4"]
    rows = [
        (r.item.id, r.depth, r.opens, r.closes, r.start, r.end) for r in responses.rows
    ]
    assert rows == [
        ("r1", 1, True, 0, "commentlist", False),
        ("r2", 2, False, 1, "", True),
        ("r3", 0, False, 0, "pinglist", False),
        ("r4", 0, False, 0, "", True),
    ]
    merged = build(records, RESPONSES_MERGE_PINGS=True)
    assert merged.pings == []
    assert [n.item.id for n in merged.threads] == ["r1", "r3", "r4"]
    assert merged.count == 4
    assert build([]).count == 0


def test_body_is_sanitized_again_at_render_time() -> None:
    view = make_view(
        record(1, content_html='<p onclick="x()">hi</p><script>alert(1)</script>'),
        UTC,
        "%Y",
    )
    assert str(view.content) == "<p>hi</p>"
    big = make_view(record(2, content_html="<b 1>" * 300), UTC, "%Y")
    assert str(big.content) == ""  # withheld, not truncated


def test_hostile_urls_and_names_become_plain_text() -> None:
    view = make_view(
        record(1, author_url="javascript:alert(1)", author_name="admin\u202e\u200b "),
        UTC,
        "%Y",
    )
    assert view.author_url is None
    assert view.author_name == "admin"
    assert display_name("\u2066\u2069") == "Anonymous"
    assert display_name("a\x01b\x1b[2J\x7f") == "a b [2J"


def test_ping_excerpt_is_plain_text_cut_on_words() -> None:
    assert excerpt("<p>a <b>b</b> &amp; c</p>", 2) == "a b …"
    assert (
        excerpt("<p>x &lt;script&gt;</p>") == "x <script>"
    )  # escaped again by the theme


def test_dates_are_rendered_from_the_data_in_the_site_zone() -> None:
    london = ZoneInfo("Europe/London")
    view = make_view(record(1, date="2020-07-01T23:30:00Z"), london, "%Y-%m-%d")
    assert view.date_text == "2020-07-02 at 00:30"
    assert view.date.isoformat() == "2020-07-01T23:30:00+00:00"


def test_wordpress_comments_keep_their_own_anchor_numbers() -> None:
    # Links around the web point at WordPress's /post/#comment-12.
    records = [
        record(1, id="wp-old.example-12"),
        record(2, id="wp-old.example-13", parent="wp-old.example-12"),
        record(3, id="disqus-4"),
        record(4, id="wp-old.example-draft"),  # not a number: kept whole
    ]
    anchors = {i.id: i.anchor for i in build(records).items}
    assert anchors == {
        "wp-old.example-12": "12",
        "wp-old.example-13": "13",
        "disqus-4": "disqus-4",
        "wp-old.example-draft": "wp-old.example-draft",
    }


def test_anchors_that_would_collide_fall_back_to_full_ids() -> None:
    # Two WordPress hosts imported into one post, both with a comment 12.
    two_hosts = build(
        [record(1, id="wp-a.example-12"), record(2, id="wp-b.example-12")]
    )
    assert [i.anchor for i in two_hosts.items] == ["wp-a.example-12", "wp-b.example-12"]
    # An id that is itself a number would equal another's WordPress number.
    bare = build([record(1, id="wp-a.example-7"), record(2, id="7")])
    assert sorted(i.anchor for i in bare.items) == ["7", "wp-a.example-7"]


def test_repair_parents_is_the_one_rule_and_says_what_it_changed() -> None:
    parents = {"a": "b", "b": "a", "c": "gone", "d": "d", "e": "a"}
    fixed, warnings = repair_parents(parents, ["b", "a", "c", "d", "e"])
    assert fixed == {"a": "b", "b": None, "c": None, "d": None, "e": "a"}
    assert warnings == [
        "c: parent gone is missing; now top-level",
        "b: reply cycle b -> a -> b broken; now top-level",
        "d: reply cycle d -> d broken; now top-level",
    ]
