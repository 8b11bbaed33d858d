"""``notrain serve``: starts the app on this computer, warns loudly when asked to listen
elsewhere, and finds a free port when the usual one is taken."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import uvicorn
from click.testing import CliRunner

from notrain.cli import main
from notrain.cli import serve as serve_module
from notrain.errors import NotrainError


@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> list:
    """uvicorn does not actually serve: the calls are recorded."""
    calls: list = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: calls.append((self, sockets)))
    monkeypatch.setattr(serve_module.webbrowser, "open", lambda url: calls.append(url))
    return calls


def test_serve_starts_the_app_and_answers(notrain_home: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "notrain", "--home", str(notrain_home), "serve", "--port", "0", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        assert match, line + process.stderr.read()
        response = httpx.get(match.group(1), timeout=20)
        assert response.status_code == 200
        assert "Keep AI companies from training on your photos" in response.text
    finally:
        process.terminate()
        process.wait(20)


def test_local_by_default_without_a_warning(no_serving: list) -> None:
    result = CliRunner().invoke(main, ["serve", "--port", "0", "--no-browser"])
    assert result.exit_code == 0, result.output
    assert "WARNING" not in result.output
    _, sockets = no_serving[0]
    assert sockets[0].getsockname()[0] == "127.0.0.1"
    sockets[0].close()


def test_another_host_warns_loudly(no_serving: list) -> None:
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--port", "0", "--no-browser"])
    assert result.exit_code == 0, result.output
    assert "WARNING: listening on 0.0.0.0" in result.output
    assert "There is no password" in result.output
    no_serving[0][1][0].close()


def test_a_taken_default_port_falls_back_to_a_free_one(monkeypatch: pytest.MonkeyPatch) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    monkeypatch.setattr(serve_module, "DEFAULT_PORT", taken.getsockname()[1])
    try:
        sock = serve_module._bind("127.0.0.1", None)
        assert sock.getsockname()[1] not in (0, taken.getsockname()[1])
        sock.close()
        with pytest.raises(NotrainError, match="Cannot listen on 127.0.0.1 port") as info:
            serve_module._bind("127.0.0.1", taken.getsockname()[1])
        assert "--port" in info.value.hint
    finally:
        taken.close()


def test_the_browser_opens_once_the_server_has_started(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(serve_module.webbrowser, "open", opened.append)

    class Started:
        started = True

    serve_module._open_when_ready(Started(), "http://127.0.0.1:1/")
    assert opened == ["http://127.0.0.1:1/"]
