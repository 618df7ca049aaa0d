"""Fixtures: one real build of the sample blog, shared by the read-only tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import PUBLISH_CONF, build


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample blog in content/, built once with the development settings."""
    return build(tmp_path_factory.mktemp("site") / "output")


@pytest.fixture(scope="session")
def published_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample blog built with publishconf.py, as `make publish` does."""
    return build(tmp_path_factory.mktemp("published") / "output", conf=PUBLISH_CONF)
