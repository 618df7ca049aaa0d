"""`make bench-warm`'s variants and arithmetic: pure functions, no builds."""

from __future__ import annotations

import argparse

import pytest

from bench.warm import _names, format_table, summarise, warm_variants


def run(cpu: float, wall: float | None = None) -> dict:
    return {"cpu_s": cpu, "wall_s": wall or cpu, "peak_rss_mb": 100.0}


def test_every_variant_rebuilds_with_pelicans_content_cache_on() -> None:
    variants = warm_variants()
    assert list(variants) == ["project", "no-plugins", "plain"]
    for variant in variants.values():
        overrides = variant["overrides"]
        assert overrides["LOAD_CONTENT_CACHE"] is True
        assert overrides["CACHE_CONTENT"] is True
        assert overrides["DELETE_OUTPUT_DIRECTORY"] is False
    assert variants["plain"]["settings"] is None  # Pelican's defaults and theme
    assert variants["plain"]["overrides"]["PLUGINS"] == []
    assert variants["no-plugins"]["overrides"]["PLUGINS"] == []
    assert "PLUGINS" not in variants["project"]["overrides"]


def test_ratios_pair_each_rebuild_with_the_cold_build_of_its_round() -> None:
    # A loaded round doubles both builds: the paired ratio stays 0.5.
    raw = {
        "project": [
            {"cold": run(10.0), "unchanged": run(5.0)},
            {"cold": run(20.0), "unchanged": run(10.0)},
            {"cold": run(10.0), "unchanged": run(6.0)},
        ]
    }
    figures = summarise(raw)["project"]
    assert figures["unchanged"]["cpu_vs_cold"] == pytest.approx(0.5)
    assert figures["unchanged"]["median_cpu_s"] == pytest.approx(6.0)
    assert figures["cold"]["cpu_vs_cold"] == pytest.approx(1.0)
    table = format_table(summarise(raw))
    assert "project     unchanged" in table
    assert table.splitlines()[-1].endswith("0.50")


def test_variant_names_are_checked() -> None:
    assert _names("plain,project") == ["plain", "project"]
    with pytest.raises(argparse.ArgumentTypeError, match="expected some of"):
        _names("project,nope")
