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


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, started once for the session by Playwright (see browser_support)."""
    from browser_support import CHROMIUM_FLAGS, need_chromium

    executable = need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def app_url(notrain_home: Path):
    """The app for this test's notrain home, served on a free local port."""
    from browser_support import live_server

    with live_server(notrain_home) as url:
        yield url


@pytest.fixture
def page(chromium, app_url: str):
    """A fresh browser tab (its own cookies) for the app. A script error, or a style sheet,
    script or image the page asked for and did not get, fails the test (a page itself answered
    with 400 or 404 is what some tests want)."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=app_url)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    tab.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}")
            if response.status >= 400
            and response.request.resource_type != "document"
            and response.request.resource_type != "fetch"
            else None
        ),
    )
    tab.set_default_timeout(30_000)
    yield tab
    context.close()
    assert not errors, f"the page reported errors: {errors}"
