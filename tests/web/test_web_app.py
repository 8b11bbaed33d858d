"""The web app's foundation: who may talk to it (host, origin, CSRF), what it sends back
(security headers, escaped text, error pages), what it accepts (size, names), and background
jobs that survive a closed tab and a restarted server."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from web_support import BASE, web_client

from notrain.errors import NotrainError
from notrain.store import Database
from notrain.web import forms, jobs, security
from notrain.web.forms import safe_name
from notrain.web.jobs import Worker, get_job, runner, submit

GATE = threading.Event()


@runner("test-count")
def _count(context: jobs.JobContext) -> dict:
    total = int(context.params["total"])
    for done in range(total):
        if context.params.get("wait"):
            GATE.wait(10)
        context.progress(done, total, current=f"item {done}")
    if context.params.get("fail"):
        raise NotrainError("The test job failed on purpose.", hint="Nothing to do.")
    if context.params.get("crash"):
        raise ZeroDivisionError("boom")
    return {"counted": total}


def test_pages_carry_the_security_headers(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        response = client.get("/")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_no_inline_scripts_or_styles_in_the_pages(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        page = client.get("/").text
    assert "<script>" not in page and "<style" not in page and " style=" not in page
    assert " on" + "click=" not in page


def test_other_host_names_are_refused(notrain_home: Path) -> None:
    # A page on evil.example whose domain resolves to 127.0.0.1 (DNS rebinding) gets nothing.
    with web_client(notrain_home, worker=False) as client:
        response = client.get("/", headers={"Host": "evil.example:8765"})
        assert response.status_code == 421
        assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200
        assert client.get("/", headers={"Host": "[::1]:8765"}).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:9999"},
        {"Origin": "", "Referer": "http://evil.example/page"},
    ],
)
def test_state_changing_requests_from_other_origins_are_refused(
    notrain_home: Path, headers: dict
) -> None:
    with web_client(notrain_home, worker=False) as client:
        token = client.csrf()
        if headers.get("Origin") == "":
            del client.headers["Origin"]
            headers = {k: v for k, v in headers.items() if k != "Origin"}
        response = client.post("/jobs/x/cancel", data={"csrf": token}, headers=headers)
    assert response.status_code == 403
    assert "did not come from a notrain page" in response.text


def test_a_post_without_any_origin_is_refused(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        token = client.csrf()
        del client.headers["Origin"]
        assert client.post("/jobs/x/cancel", data={"csrf": token}).status_code == 403
        same = client.post("/jobs/x/cancel", data={"csrf": token}, headers={"Referer": f"{BASE}/"})
    assert same.status_code == 404  # got past the origin check: the job does not exist


def test_csrf_token_is_required_and_tied_to_the_session(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        missing = client.post("/jobs/x/cancel", csrf=False)
        wrong = client.post("/jobs/x/cancel", data={"csrf": "0" * 64})
        token = client.csrf()
        right = client.post("/jobs/x/cancel", data={"csrf": token})
        header = client.post("/jobs/x/cancel", csrf=False, headers={"X-CSRF-Token": token})
    assert missing.status_code == wrong.status_code == 403
    assert "expired" in missing.text
    assert right.status_code == header.status_code == 404
    with web_client(notrain_home, worker=False) as other:
        other.get("/")  # another browser: another session, and the first one's token is useless
        assert other.post("/jobs/x/cancel", data={"csrf": token}).status_code == 403


def test_the_csrf_token_survives_a_restart(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        token = client.csrf()
        cookie = client.cookies.get(security.SESSION_COOKIE)
    with web_client(notrain_home, worker=False) as again:
        again.cookies.set(security.SESSION_COOKIE, cookie)
        assert again.csrf() == token
    assert (notrain_home / "web" / "secret").stat().st_mode & 0o077 == 0


def test_errors_are_pages_and_json_for_scripts(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        page = client.get("/no/such/page")
        data = client.get("/jobs/unknown.json", headers={"Accept": "application/json"})
    assert page.status_code == 404 and "There is nothing at this address" in page.text
    assert "<nav" in page.text
    assert data.status_code == 404 and data.json()["error"].startswith("There is no such job")


def test_static_files_do_not_leave_their_folder(notrain_home: Path) -> None:
    (notrain_home / "secret.txt").write_text("private")
    with web_client(notrain_home, worker=False) as client:
        assert client.get("/static/app.css").status_code == 200
        for path in (
            "/static/../app.py",
            "/static/%2e%2e/app.py",
            "/static/..%2fapp.py",
            "/static/%2e%2e%2f%2e%2e%2fstore/database.py",
            f"/static/{notrain_home}/secret.txt",
            "/static/..%5capp.py",
        ):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "private" not in response.text and "create_app" not in response.text


def test_large_bodies_are_refused_before_reading(
    notrain_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(security, "MAX_BODY", 1000)
    with web_client(notrain_home, worker=False) as client:
        token = client.csrf()
        response = client.post(
            "/jobs/x/cancel",
            data={"csrf": token},
            files={"photo": ("a.jpg", b"x" * 5000, "image/jpeg")},
        )
    assert response.status_code == 413
    assert "larger than notrain accepts" in response.text


def test_large_chunked_bodies_are_cut_off(
    notrain_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(security, "MAX_BODY", 1000)

    def chunks():
        for _ in range(10):
            yield b"x" * 500

    with web_client(notrain_home, worker=False) as client:
        response = client.post(
            "/jobs/x/cancel",
            csrf=False,
            content=chunks(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("photo.jpg", "photo.jpg"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ann\\IMG 1.HEIC", "IMG 1.HEIC"),
        ("holiday/sub/IMG_1.jpg", "IMG_1.jpg"),
        ("..", "file"),
        (".hidden.jpg", "hidden.jpg"),
        ("CON.jpg", "_CON.jpg"),
        ("a\x00b\nc.png", "a_b_c.png"),
        ("été à Paris.jpg", "été à Paris.jpg"),
        ("x" * 300 + ".jpeg", "x" * 115 + ".jpeg"),
    ],
)
def test_uploaded_file_names_are_made_safe(sent: str, expected: str) -> None:
    assert safe_name(sent) == expected


def test_uploads_get_unique_names_in_their_folder(tmp_path: Path) -> None:
    import asyncio
    import io
    from concurrent.futures import ThreadPoolExecutor

    from starlette.datastructures import UploadFile

    files = [
        UploadFile(io.BytesIO(b"one"), filename="a/photo.jpg"),
        UploadFile(io.BytesIO(b"two"), filename="b/photo.jpg"),
    ]
    # In a thread of its own: a browser test earlier in the run leaves Playwright's loop running here.
    with ThreadPoolExecutor(1) as pool:
        saved = pool.submit(asyncio.run, forms.save_uploads(files, tmp_path / "up")).result()
    assert [p.name for p in saved] == ["photo.jpg", "photo (2).jpg"]
    assert [p.read_bytes() for p in saved] == [b"one", b"two"]


def test_a_job_runs_in_the_background_with_progress(notrain_home: Path) -> None:
    with web_client(notrain_home) as client, Database.open(notrain_home) as db:
        job = submit(db, notrain_home, "test-count", "Counting", {"total": 3})
        client.app.state.worker.wake()
        status = client.wait_for_job(job.id)
        assert status["status"] == "done"
        assert status["progress"] == {"done": 2, "total": 3, "current": "item 2"}
        assert get_job(db, job.id).result == {"counted": 3}


@pytest.mark.parametrize(
    ("params", "error", "hint"),
    [
        ({"fail": True}, "The test job failed on purpose.", "Nothing to do."),
        ({"crash": True}, "Something went wrong inside notrain: ZeroDivisionError: boom", "log"),
    ],
)
def test_a_failing_job_fails_alone_with_its_message(
    notrain_home: Path, params: dict, error: str, hint: str
) -> None:
    with web_client(notrain_home) as client, Database.open(notrain_home) as db:
        job = submit(db, notrain_home, "test-count", "Failing", {"total": 1, **params})
        after = submit(db, notrain_home, "test-count", "After it", {"total": 1})
        client.app.state.worker.wake()
        failed = client.wait_for_job(job.id)
        assert failed["status"] == "failed" and failed["error"] == error and hint in failed["hint"]
        assert client.wait_for_job(after.id)["status"] == "done"


def test_a_running_job_can_be_stopped(notrain_home: Path) -> None:
    GATE.clear()
    with web_client(notrain_home) as client, Database.open(notrain_home) as db:
        job = submit(db, notrain_home, "test-count", "Long", {"total": 1000, "wait": True})
        client.app.state.worker.wake()
        while get_job(db, job.id).status != "running":
            time.sleep(0.01)
        response = client.post(f"/jobs/{job.id}/cancel", data={"next": "/protect"})
        assert response.status_code == 303 and response.headers["location"] == "/protect"
        GATE.set()
        assert client.wait_for_job(job.id)["status"] == "cancelled"
    GATE.clear()


def test_cancel_never_redirects_elsewhere(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client, Database.open(notrain_home) as db:
        job = submit(db, notrain_home, "test-count", "Queued", {"total": 1})
        for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
            response = client.post(f"/jobs/{job.id}/cancel", data={"next": target})
            assert response.headers["location"] == "/"
        assert get_job(db, job.id).status == "cancelled"


def test_a_job_the_server_stopped_is_taken_up_at_the_next_start(notrain_home: Path) -> None:
    GATE.clear()
    worker = Worker(notrain_home)
    with Database.open(notrain_home) as db:
        job = submit(db, notrain_home, "test-count", "Interrupted", {"total": 3, "wait": True})
        worker.start()
        while get_job(db, job.id).status != "running":
            time.sleep(0.01)
        stopper = threading.Thread(target=worker.stop)
        stopper.start()
        GATE.set()
        stopper.join()
        assert get_job(db, job.id).status == "running"  # as a killed server would leave it
        with web_client(notrain_home) as client:  # the next start
            assert client.wait_for_job(job.id)["status"] == "done"
        assert get_job(db, job.id).result == {"counted": 3}
    GATE.clear()


def test_finished_jobs_can_be_removed_with_their_files(notrain_home: Path) -> None:
    with web_client(notrain_home) as client, Database.open(notrain_home) as db:
        job = submit(db, notrain_home, "test-count", "Done", {"total": 1})
        (jobs.job_folder(notrain_home, job.id) / "upload.jpg").write_bytes(b"x")
        client.app.state.worker.wake()
        client.wait_for_job(job.id)
        response = client.post(f"/jobs/{job.id}/delete", data={"next": "/protect"})
        assert response.status_code == 303
        assert get_job(db, job.id) is None
        assert not jobs.job_folder(notrain_home, job.id).exists()
    assert (notrain_home / "web").stat().st_mode & 0o077 == 0


def test_home_page_says_where_the_person_stands(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        page = client.get("/").text
    assert "Set up my identity" in page
    assert 'aria-current="page"' in page
    assert page.count('<a class="skip-link" href="#main">') == 1


def test_malformed_addresses_get_pages_not_json(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        response = client.get("/requests/not-a-number")
    assert response.status_code == 404
    assert "There is nothing at this address" in response.text


def test_one_worker_per_data_folder(notrain_home: Path) -> None:
    # A second server on the same folder (notrain serve started twice) serves pages but must not
    # run the jobs the first one runs.
    first, second = Worker(notrain_home), Worker(notrain_home)
    first.start()
    try:
        second.start()
        assert first.running and not second.running
        with Database.open(notrain_home) as db:
            job = submit(db, notrain_home, "test-count", "Once", {"total": 2})
            first.wake()
            deadline = time.monotonic() + 20
            while not get_job(db, job.id).finished and time.monotonic() < deadline:
                time.sleep(0.02)
            assert get_job(db, job.id).status == "done"
    finally:
        second.stop()
        first.stop()
    third = Worker(notrain_home)
    third.start()  # the first one stopped: its lock is free again
    assert third.running
    third.stop()


def test_the_last_visit_moves_once_per_visit_and_not_for_other_sites(notrain_home: Path) -> None:
    from notrain.store.settings import get_setting

    with web_client(notrain_home, worker=False) as client, Database.open(notrain_home) as db:
        # Another site's <img src="http://127.0.0.1:8765/"> does not count as a visit.
        client.get("/", headers={"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"})
        assert get_setting(db, "web.last_visit") is None
        client.get("/", headers={"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate"})
        first = get_setting(db, "web.last_visit")
        assert first is not None
        time.sleep(1.1)
        client.get("/")  # a reload in the same visit: the list since the last visit stays
        assert get_setting(db, "web.last_visit") == first
