"""The single rules every importer and the pages share, each tested once."""

from __future__ import annotations

import pytest

from pelican_plugins.importers.convert import hold, iso_date, rfc822_date, wp_number
from pelican_plugins.responses.model import anchor_target, anchors, check_key


def test_hold_policy_orders_reasons_and_spares_spam() -> None:
    assert hold("approved") == ("approved", "")
    assert hold("approved", post="draft", kind="note") == ("pending", "draft")
    assert hold("approved", body="too big", post="draft") == (
        "pending",
        "body refused: too big",
    )
    assert hold("pending", source="unknown") == ("pending", "unknown")
    assert hold("spam", body="too big", post="draft") == ("spam", "")


@pytest.mark.parametrize(
    ("value", "wanted"),
    [("12", "12"), (" 7 ", "7"), ("²", None), ("9" * 5000, None), ("", None)],
)
def test_wordpress_ids_are_ascii_digits(value: str, wanted: str | None) -> None:
    assert wp_number(value) == wanted


def test_dates_past_year_9999_in_utc_are_unknown_not_a_crash() -> None:
    assert iso_date("9999-12-31T23:30:00-01:00") is None
    assert rfc822_date("Fri, 31 Dec 9999 23:30:00 -0100") is None
    assert iso_date("2020-01-02T03:04:05+01:00") == "2020-01-02T02:04:05Z"


@pytest.mark.parametrize("key", ["körper-übung", "日本語", "two words", "a..b"])
def test_every_pelican_slug_is_a_key(key: str) -> None:
    assert check_key(key) == key.lower()


@pytest.mark.parametrize(
    "key", ["../x", "a/b", "a\\b", ".hidden", "", " x", "x\x00", "\ud800", "é" * 130]
)
def test_keys_that_cannot_name_one_file_are_refused(key: str) -> None:
    with pytest.raises(ValueError, match="invalid responses key"):
        check_key(key)


def test_anchor_rule_both_ways() -> None:
    ids = ["wp-old.example-5", "wp-new.example-6", "wp-b.example-6", "jf2-9"]
    found = anchors(ids)
    assert found == {
        "wp-old.example-5": "5",
        "wp-new.example-6": "wp-new.example-6",  # two would share #comment-6
        "wp-b.example-6": "wp-b.example-6",
        "jf2-9": "jf2-9",
    }
    for rid, anchor in found.items():
        assert anchor_target(f"comment-{anchor}", ids) == rid
    assert anchor_target("comment-6", ids) is None
    assert anchor_target("respond", ids) is None
