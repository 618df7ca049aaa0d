"""Dates: one UTC stamp format for the store (responses.model.utc_stamp)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from pelican_plugins.importers.convert import iso_date, wp_date
from pelican_plugins.responses.model import utc_stamp


@pytest.mark.parametrize(
    ("when", "stamp"),
    [
        (datetime(2019, 3, 4, 5, 6, 7), "2019-03-04T05:06:07Z"),  # naive is UTC
        (
            datetime(2019, 3, 4, 5, 6, 7, tzinfo=timezone(timedelta(hours=-5))),
            "2019-03-04T10:06:07Z",
        ),
        (1_551_675_967.9, "2019-03-04T05:06:07Z"),  # a POSIX time, as the receiver has
        (datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))), None),
        (1e20, None),
    ],
)
def test_utc_stamp(when: datetime | float, stamp: str | None) -> None:
    assert utc_stamp(when) == stamp


def test_importers_write_the_stamp() -> None:
    assert wp_date("2019-03-04 05:06:07") == "2019-03-04T05:06:07Z"
    assert iso_date("2019-03-04T05:06:07+01:00") == "2019-03-04T04:06:07Z"
    assert iso_date("9999-12-31T23:00:00-05:00") is None
    assert utc_stamp(datetime(2019, 3, 4, 5, 6, 7, tzinfo=UTC)) == wp_date(
        "2019-03-04 05:06:07"
    )
