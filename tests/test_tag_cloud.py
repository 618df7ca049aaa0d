"""Tag cloud arithmetic: WordPress's formula, PHP rounding, order, buckets (E7)."""

from __future__ import annotations

import pytest

from pelican_plugins.tag_cloud import legacy_options
from pelican_plugins.tag_cloud.cloud import (
    Entry,
    buckets,
    build_cloud,
    font_sizes,
    natural_key,
    php_number,
    php_round,
    scale,
    select,
)


def entries(**counts: int) -> list[Entry]:
    return [Entry(name, count, f"tag/{name}/") for name, count in counts.items()]


def sizes(counts: list[int], smallest: float = 8, largest: float = 22) -> list[str]:
    return [php_number(s) for s in font_sizes(counts, smallest, largest)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.5, 1),
        (1.5, 2),
        (2.5, 3),  # Python's round() gives 2
        (-0.5, -1),
        (-2.5, -3),
        (2.4999999999, 2),
        (0.49999999999999994, 0),  # floor(x + 0.5) would give 1
        (77.815, 78),
        (30.103, 30),
    ],
)
def test_php_round_is_half_away_from_zero(value: float, expected: int) -> None:
    assert php_round(value) == expected


def test_scale_matches_wordpress_worked_example() -> None:
    assert [scale(c) for c in (1, 5, 20)] == [30, 78, 132]


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([1, 5, 20], ["8", "14.588235294118", "22"]),  # REFERENCE §4
        ([1, 2, 3], ["8", "16.4", "22"]),  # scaled 30, 48, 60: step 14/30
        ([1, 9, 99], ["8", "13.764705882353", "22"]),  # scaled 30, 100, 200
        ([3, 3, 3], ["8", "8", "8"]),  # equal counts: spread 0 -> 1
        ([7], ["8"]),  # a single tag
        ([2, 1], ["22", "8"]),  # any two distinct counts span the range
    ],
)
def test_font_sizes_by_hand(counts: list[int], expected: list[str]) -> None:
    assert sizes(counts) == expected


def test_largest_below_smallest_uses_a_spread_of_one() -> None:
    # WordPress: font_spread < 0 becomes 1, so sizes run from smallest to smallest+1.
    assert sizes([1, 20], smallest=10, largest=4) == ["10", "11"]


def test_other_units_and_fractional_sizes() -> None:
    assert sizes([1, 5, 20], smallest=0.8, largest=1.6) == [
        "0.8",
        "1.1764705882353",
        "1.6",
    ]


def test_php_number_prints_fourteen_significant_digits() -> None:
    assert php_number(8.0) == "8"
    assert php_number(14.588235294117647) == "14.588235294118"
    assert php_number(1 / 3) == "0.33333333333333"


def test_buckets_match_pelican_tag_cloud_without_tag_zero() -> None:
    assert buckets([1, 5, 20], 4) == [4, 2, 1]
    assert buckets([5, 5], 4) == [4, 4]
    assert buckets([9], 4) == [4]
    many = buckets(list(range(1, 1001)), 4)
    assert min(many) == 1
    assert max(many) == 4
    assert set(many) == {1, 2, 3, 4}, "every step is used"


def test_buckets_use_every_step_when_no_tag_has_one_post() -> None:
    # pelican-tag-cloud anchors at count 1, so with counts 10..40 its step 4 is empty.
    assert set(buckets([10, 13, 17, 22, 30, 40], 4)) == {1, 2, 3, 4}


def test_natural_case_insensitive_order() -> None:
    names = ["item10", "Item2", "item1", "apple", "Banana", "éclair"]
    assert sorted(names, key=natural_key) == [
        "apple",
        "Banana",
        "item1",
        "Item2",
        "item10",
        "éclair",
    ]


def test_top_n_by_count_then_sorted_by_name() -> None:
    chosen = select(entries(zeta=9, alpha=1, mid=5, beta=5, gamma=2), 3)
    assert [e.name for e in chosen] == ["beta", "mid", "zeta"]


def test_ties_at_the_cut_are_broken_by_name() -> None:
    chosen = select(entries(d=1, c=1, b=1, a=1), 2)
    assert [e.name for e in chosen] == ["a", "b"]


def test_order_by_count_both_ways_with_name_tie_break() -> None:
    data = entries(b=2, a=2, c=5, d=1)
    asc = select(data, 0, orderby="count", order="asc")
    desc = select(data, 0, orderby="count", order="desc")
    assert [e.name for e in asc] == ["d", "a", "b", "c"]
    assert [e.name for e in desc] == ["c", "a", "b", "d"]
    assert [e.name for e in select(data, 0, order="desc")] == ["d", "c", "b", "a"]


def test_seeded_shuffle_is_reproducible_and_ignores_input_order() -> None:
    data = entries(**{f"t{i}": i % 7 + 1 for i in range(40)})
    one = [e.name for e in select(data, 0, order="shuffle", seed=3)]
    two = [e.name for e in select(list(reversed(data)), 0, order="shuffle", seed=3)]
    other = [e.name for e in select(data, 0, order="shuffle", seed=4)]
    assert one == two
    assert one != other
    assert one != sorted(one, key=natural_key)


def test_items_carry_label_class_style_and_tuple_access() -> None:
    cloud = build_cloud(entries(walking=1, posture=5, pain=20), show_count=True)
    pain = cloud[0]
    assert [i.name for i in cloud] == ["pain", "posture", "walking"]
    assert pain.label == "pain (20 items)"
    assert cloud[2].label == "walking (1 item)"
    assert cloud[1].style == "font-size: 14.588235294118pt;"
    assert pain.css_class == "tag-cloud-link"  # sizes mode: the size is inline
    assert pain.count_text == " (20)"
    tag, bucket, count = pain  # pelican-tag-cloud's (tag, bucket, count)
    assert (pain[1], pain[2], bucket, count) == (1, 20, 1, 20)
    assert tag is None


def test_bucket_mode_has_no_inline_size_and_thousands_in_labels() -> None:
    cloud = build_cloud(entries(big=1234, small=1), mode="buckets", steps=3)
    assert cloud[0].style == ""
    assert cloud[0].label == "big (1,234 items)"
    assert [i.bucket for i in cloud] == [1, 3]
    assert [i.css_class for i in cloud] == [
        "tag-cloud-link tag-1",
        "tag-cloud-link tag-3",
    ]


def test_ten_thousand_tags_are_capped_and_deterministic() -> None:
    data = entries(**{f"tag{i:05d}": (i * 7919) % 97 + 1 for i in range(10_000)})
    first = build_cloud(data, number=45)
    again = build_cloud(list(reversed(data)), number=45)
    assert len(first) == 45
    assert first == again
    assert min(i.count for i in first) >= 95
    assert build_cloud([], number=45) == []


def test_equal_counts_and_single_tag_give_the_smallest_size() -> None:
    assert {i.size for i in build_cloud(entries(a=4, b=4, c=4))} == {"8pt"}
    assert [i.size for i in build_cloud(entries(only=1))] == ["8pt"]


def test_legacy_pelican_tag_cloud_settings_are_translated() -> None:
    got = legacy_options(
        {"TAG_CLOUD_SORTING": "size", "TAG_CLOUD_BADGE": True},
        {"TAG_CLOUD_SORTING": "size", "TAG_CLOUD_BADGE": True},
    )
    assert (got["TAG_CLOUD_ORDERBY"], got["TAG_CLOUD_ORDER"]) == ("count", "desc")
    assert got["TAG_CLOUD_SHOW_COUNT"] is True
