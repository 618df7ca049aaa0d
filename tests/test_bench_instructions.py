"""The instruction-count benchmark's arithmetic: pure functions, no valgrind."""

from __future__ import annotations

import pytest

from bench.instructions import collected, format_summary, summarise


def test_collected_reads_the_last_total() -> None:
    log = "==1== Events    : Ir\n==1== Collected : 123\n==2== Collected : 4567\n"
    assert collected(log) == 4567
    with pytest.raises(ValueError, match="Collected"):
        collected("valgrind: command not found")


def test_collected_reads_cachegrinds_total() -> None:
    log = "==7== I   refs:      26,115,002,417\n==7== \n"
    assert collected(log) == 26_115_002_417


def test_costs_are_per_seed_ratios_then_the_median() -> None:
    counts = {
        "plain": {1: 1000, 2: 1000, 3: 2000},
        "project": {1: 1300, 2: 1310, 3: 2600},
        "no-widgets": {1: 1280, 2: 1300, 3: 2560},
    }
    summary = summarise(counts)
    widgets = summary["plugin_costs"]["widgets"]
    assert widgets["per_seed"] == pytest.approx([0.02, 0.01, 0.02])
    assert widgets["median"] == pytest.approx(0.02)
    # Ratios are taken within a seed: seed 3's bigger counts do not skew them.
    assert summary["variants"]["project"]["ratio_to_plain"] == pytest.approx(1.3)
    assert summary["variants"]["plain"]["median_instructions"] == 1000
    text = format_summary(summary)
    assert "widgets adds +2.00% of a plain build" in text
    assert "1.300x" in text
