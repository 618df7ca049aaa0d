"""Declared plugin settings: defaults, validation and fall-back with a warning."""

from __future__ import annotations

import pytest

from pelican_plugins.config import Setting, defaults, resolve

SPEC = {
    "DEMO_LEVELS": Setting(3, "How deep.", types=(int,), check=lambda v: 1 <= v <= 6),
    "DEMO_ORDER": Setting("name", "Sort key.", types=(str,), choices=("name", "count")),
    "DEMO_ON": Setting(True, "Switch.", types=(bool,)),
}


def test_defaults_apply_when_unset() -> None:
    assert resolve("demo", "DEMO_", SPEC, {}) == defaults(SPEC)


def test_good_values_are_kept() -> None:
    got = resolve("demo", "DEMO_", SPEC, {"DEMO_LEVELS": 4, "DEMO_ORDER": "count"})
    assert got["DEMO_LEVELS"] == 4
    assert got["DEMO_ORDER"] == "count"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEMO_LEVELS", 9),
        ("DEMO_LEVELS", "3"),
        ("DEMO_LEVELS", True),
        ("DEMO_ORDER", "random"),
        ("DEMO_ON", "true"),
    ],
)
def test_bad_values_warn_and_fall_back(
    name: str, value: object, caplog: pytest.LogCaptureFixture
) -> None:
    got = resolve("demo", "DEMO_", SPEC, {name: value})
    assert got[name] == SPEC[name].default
    assert f"demo: invalid {name} ({value!r}), falling back to default" in caplog.text


def test_unknown_prefixed_setting_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    resolve("demo", "DEMO_", SPEC, {"DEMO_LEVLES": 2, "OTHER": 1})
    assert "unknown setting DEMO_LEVLES" in caplog.text
    assert "OTHER" not in caplog.text
