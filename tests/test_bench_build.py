"""`make bench`'s sweep arithmetic: pure functions over made-up build results."""

from __future__ import annotations

import argparse

import pytest

from bench.build import (
    _sizes,
    format_curve,
    plugin_costs,
    select_variants,
    size_summary,
)


def result(cpu: list[float], rss: float) -> dict:
    return {
        "median_s": sum(cpu) / len(cpu),
        "median_cpu_s": sorted(cpu)[len(cpu) // 2],
        "median_peak_rss_mb": rss,
        "raw": [{"wall_s": c, "cpu_s": c, "rss_mb": rss} for c in cpu],
    }


RESULTS = {
    "plain": result([10.0, 10.0, 10.0], 90.0),
    "project": result([13.0, 12.0, 12.6], 150.0),
    "no-plugins": result([12.0, 11.0, 12.0], 120.0),
    "no-toc": result([12.5, 11.6, 12.2], 130.0),
    "plus-cache-writes": result([13.5, 12.5, 13.0], 160.0),
}


def test_parts_cost_project_minus_without_and_extra_work_plus() -> None:
    cpu = plugin_costs(RESULTS, "median_cpu_s")
    assert cpu["toc"] == pytest.approx(0.04)  # (12.6 - 12.2) / 10
    assert cpu["cache-writes"] == pytest.approx(0.04)  # (13.0 - 12.6) / 10
    assert "plugins" not in cpu  # no-plugins is the baseline, not a part
    assert plugin_costs(RESULTS, "median_peak_rss_mb")["toc"] == pytest.approx(20)


def test_curve_pairs_each_round_against_the_site_without_plugins() -> None:
    row = size_summary(5000, RESULTS)
    # Paired ratios 13/12, 12/11, 12.6/12: their median, not a ratio of medians.
    assert row["cpu_ratio"] == pytest.approx(13 / 12)
    assert row["rss_ratio"] == pytest.approx(1.25)
    text = format_curve([row])
    assert "  5000" in text
    assert "1.083x" in text
    assert "1.25x" in text
    assert "+4.0% / +20 MB" in text


def test_sizes_take_one_or_a_comma_list() -> None:
    assert _sizes("500") == [500]
    assert _sizes("500,2000,5000") == [500, 2000, 5000]
    with pytest.raises(argparse.ArgumentTypeError):
        _sizes("0")


def test_named_variants_are_built_with_plain_and_nothing_else() -> None:
    chosen = select_variants(names=["project", "no-url_memo"])
    assert list(chosen) == ["plain", "project", "no-url_memo"]
    # Without url_memo: the project's plugin list minus exactly that plugin.
    plugins = chosen["no-url_memo"]["overrides"]["PLUGINS"]
    assert "pelican_plugins.url_memo" not in plugins
    assert "pelican_plugins.toc" in plugins
    assert set(select_variants(quick=True)) == {"plain", "project", "no-plugins"}
