"""Driving the web app in tests: a test client that behaves like the app's own pages (same
origin, the session's CSRF token on every form), and waiting for background jobs."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from notrain.web import create_app

BASE = "http://127.0.0.1:8765"


class WebClient(TestClient):
    """A TestClient for notrain's app: requests come from the app's own origin, and ``post``
    adds the session's CSRF token unless ``csrf=False``."""

    def csrf(self) -> str:
        page = self.get("/").text
        match = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', page)
        assert match, "no CSRF token on the home page"
        return match.group(1)

    def post(self, url: str, *, csrf: bool = True, data: Any = None, **kwargs: Any) -> Any:  # type: ignore[override]
        if csrf:
            data = dict(data or {})
            data.setdefault("csrf", self.csrf())
        return super().post(url, data=data, **kwargs)

    def wait_for_job(self, job_id: str, timeout: float = 120.0) -> dict[str, Any]:
        """The job's status once it has finished (the worker runs while the client is open)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.get(f"/jobs/{job_id}.json").json()
            if status["finished"]:
                return status
            time.sleep(0.05)
        raise AssertionError(f"job {job_id} did not finish in {timeout} s: {status}")


def web_client(home: Path, *, worker: bool = True, **kwargs: Any) -> WebClient:
    """A client for the app on ``home``; use it in a ``with`` block so the worker runs."""
    app = create_app(home, worker=worker)
    return WebClient(app, base_url=BASE, headers={"Origin": BASE}, follow_redirects=False, **kwargs)


def job_id_from(location: str) -> str:
    """The job id in an address such as ``/protect/jobs/<id>``."""
    match = re.search(r"/jobs/([A-Za-z0-9_-]+)", location)
    assert match, f"no job in {location!r}"
    return match.group(1)
