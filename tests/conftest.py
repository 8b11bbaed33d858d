"""Shared fixtures: every test runs with its own notrain home and never touches the network."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def notrain_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("notrain-home")
    monkeypatch.setenv("NOTRAIN_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def pillow_pixel_limit():
    """The protect pipeline relaxes Pillow's process-wide bomb limit to --max-pixels; restore it per test."""
    from PIL import Image

    saved = Image.MAX_IMAGE_PIXELS
    yield
    Image.MAX_IMAGE_PIXELS = saved


@pytest.fixture
def identity(notrain_home: Path):
    """An identity in the test's notrain home, so protect can embed the invisible watermark."""
    from notrain.store import Database, create_identity

    with Database.open(notrain_home) as db:
        return create_identity(db, "Ann Example", "ann@example.org")
