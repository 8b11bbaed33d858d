"""Real-browser tests: the app served on a free local port, and Debian's Chromium driven by
Playwright (its own browser download is not used). Screenshots go to ``build/screenshots``
(or ``$NOTRAIN_SCREENSHOTS``), one per page a test visits, to look at.

Without Chromium the browser tests skip, unless ``NOTRAIN_REQUIRE_BROWSER=1`` (set by CI),
where they fail. ``pytest -m "not browser"`` leaves them out."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(os.environ.get("NOTRAIN_SCREENSHOTS", Path(__file__).parents[1] / "build" / "screenshots"))


def chromium_path() -> str | None:
    explicit = os.environ.get("NOTRAIN_CHROMIUM")
    if explicit:
        return explicit
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def need_chromium() -> str:
    path = chromium_path()
    if path is None:
        message = (
            "Chromium is not installed (Debian: apt install chromium); the browser tests need it. "
            "Deselect them with -m 'not browser'."
        )
        if os.environ.get("NOTRAIN_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@contextmanager
def live_server(home: Path) -> Iterator[str]:
    """The app for ``home`` served by uvicorn on a free port of 127.0.0.1, with its worker."""
    import uvicorn

    from notrain.web import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(home), log_level="warning", access_log=False))
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the notrain server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def screenshot(page: object, name: str) -> Path:
    """A full-page screenshot of ``page`` into the screenshots folder."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path
