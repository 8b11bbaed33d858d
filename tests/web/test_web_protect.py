"""The Protect page with the test client: the form, uploads in batches (past Starlette's
1,000-file cap), a folder on this computer, bad files, the result with previews and the ZIP
served by index only, and a job that a restarted server finishes without redoing work."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from web_support import web_client

from notrain.protect.options import DEFAULTS_SETTING
from notrain.samples import sample_jpeg
from notrain.store import Database
from notrain.store.settings import set_setting
from notrain.web import protect
from notrain.web.jobs import JobCancelled, JobContext, get_job, job_folder, runner, submit

XSS = "<script>alert(1)</script>"


@runner("test-not-protect")
def _other_kind(context: JobContext) -> dict:
    return {}


def _jpeg(seed: int, size: tuple[int, int] = (640, 480)) -> bytes:
    return sample_jpeg(*size, seed=seed)


def _tiny_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def _photos(*names: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("photos", (name, _jpeg(i), "image/jpeg")) for i, name in enumerate(names)]


def _start(client, data: dict | None = None, files: list | None = None):
    form = {"platform": "instagram", "watermark": "on", "rights": "on"}
    form.update(data or {})
    return client.post("/protect", data=form, files=files)


def _job_from(response) -> str:
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/protect/jobs/")
    return location.rsplit("/", 1)[-1]


def test_form_offers_the_choices_with_the_identity_filled_in(identity, notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        page = client.get("/protect")
    assert page.status_code == 200
    text = page.text
    assert 'value="Ann Example"' in text and 'value="ann@example.org"' in text
    assert 'id="platform-instagram"' in text and "Instagram (feed post)" in text
    assert "webkitdirectory" in text and 'name="paths"' in text
    assert 'id="platform-instagram" name="platform" value="instagram" aria-describedby' in text
    # Content Credentials are not offered without a signing identity, and the page says why.
    assert 'name="credentials"' not in text
    assert "Content Credentials" in text and ("signing identity" in text or "pip install" in text)
    assert "<script>" not in text and " style=" not in text


def test_form_starts_from_the_saved_defaults(notrain_home: Path) -> None:
    with Database.open(notrain_home) as db:
        set_setting(
            db, DEFAULTS_SETTING, {"platform": "facebook", "mark": XSS, "keep_camera": True}
        )
    with web_client(notrain_home, worker=False) as client:
        text = client.get("/protect").text
    assert 'value="facebook" aria-describedby="platform-facebook-hint" checked' in text
    assert 'name="keep_camera" value="on" aria-describedby="keep_camera-hint" checked' in text
    assert XSS not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "set up your identity" in text


def test_content_credentials_ask_for_the_passphrase_of_the_signing_key(
    identity, notrain_home: Path
) -> None:
    pytest.importorskip("c2pa")
    from notrain.credentials.identity import create_signing_identity

    create_signing_identity(notrain_home, "Ann Example", "ann@example.org", "correct horse")
    with web_client(notrain_home, worker=False) as client:
        text = client.get("/protect").text
        assert 'name="credentials" value="on"' in text and 'name="passphrase"' in text
        files = _photos("a.jpg")
        for passphrase in ("", "wrong"):
            page = _start(client, {"credentials": "on", "passphrase": passphrase}, files)
            assert page.status_code == 400 and "passphrase" in page.text
            assert "--passphrase" not in page.text and "correct horse" not in page.text
        job_id = _job_from(
            _start(client, {"credentials": "on", "passphrase": "correct horse"}, files)
        )
        with Database.open(notrain_home) as db:
            job = get_job(db, job_id)
    assert "correct horse" not in json.dumps(job.params), "never stored"
    assert job.params["options"]["credentials"] is True
    assert protect._PASSPHRASES.pop(job_id) == "correct horse"


def test_paths_in_the_address_are_the_chosen_input(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        text = client.get("/protect", params=[("path", "/photos/a.jpg"), ("path", XSS)]).text
    assert "/photos/a.jpg\n&lt;script&gt;" in text


def test_protect_uploaded_photos_and_download_them(identity, notrain_home: Path) -> None:
    files = _photos("beach.jpg", "cat.jpg") + [("photos", ("notes.txt", b"hello", "text/plain"))]
    with web_client(notrain_home) as client:
        job_id = _job_from(_start(client, {"owner": "Ann Example"}, files))
        assert client.wait_for_job(job_id)["status"] == "done"
        page = client.get(f"/protect/jobs/{job_id}")
        assert page.status_code == 200
        text = page.text
        assert "<strong>2</strong> photos protected" in text
        assert "notes.txt</strong>: notes.txt is not an image format" in text
        assert "What survives Instagram" in text and "Invisible watermark" in text
        assert str(notrain_home) not in text, "no private paths on the page"
        shown = re.findall(rf"/protect/jobs/{job_id}/preview/(\d+)/before", text)
        assert len(shown) == 2
        failed = ({"0", "1", "2"} - set(shown)).pop()
        for number in shown:
            for which in ("before", "after"):
                preview = client.get(f"/protect/jobs/{job_id}/preview/{number}/{which}")
                assert preview.status_code == 200
                assert preview.headers["content-type"] == "image/jpeg"
                assert max(Image.open(io.BytesIO(preview.content)).size) <= protect.PREVIEW_SIZE
        assert client.get(f"/protect/jobs/{job_id}/preview/{failed}/before").status_code == 404
        archive = client.get(f"/protect/jobs/{job_id}/download.zip")
    assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as bundle:
        assert sorted(bundle.namelist()) == ["beach.jpg", "cat.jpg"]
        assert Image.open(bundle.open("beach.jpg")).size == (640, 480)


def test_uploads_in_batches_go_past_a_thousand_files(notrain_home: Path) -> None:
    tiny = _tiny_png()
    first = [("photos", (f"photo-{i:04}.png", tiny, "image/png")) for i in range(1001)]
    with web_client(notrain_home, worker=False) as client:
        answer = client.post("/protect/uploads", files=first)
        assert answer.status_code == 200, answer.text
        draft = answer.json()["draft"]
        assert answer.json()["count"] == 1001
        more = [("photos", (f"more-{i}.png", tiny, "image/png")) for i in range(5)]
        answer = client.post("/protect/uploads", data={"draft": draft}, files=more)
        assert answer.json() == {"draft": draft, "count": 1006}
        job_id = _job_from(_start(client, {"draft": draft, "watermark": ""}))
        with Database.open(notrain_home) as db:
            job = get_job(db, job_id)
    assert job is not None and job.title == "Protect 1,006 photos for Instagram (feed post)"
    assert job.params["draft"] == draft and job.params["paths"] == []


def test_a_draft_belongs_to_its_browser_session(notrain_home: Path) -> None:
    files = [("photos", ("a.png", _tiny_png(), "image/png"))]
    with web_client(notrain_home, worker=False) as client:
        draft = client.post("/protect/uploads", files=files).json()["draft"]
    with web_client(notrain_home, worker=False) as stranger:
        answer = stranger.post("/protect/uploads", data={"draft": draft}, files=files)
        assert answer.status_code == 400
        for bad in (draft, "../../secret", "x" * 22):
            page = _start(stranger, {"draft": bad, "watermark": ""})
            assert page.status_code == 400
            assert "choose the photos again" in page.text
        assert stranger.post("/protect/uploads", data={"draft": draft}).status_code == 400


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose the photos to protect first."),
        ({"paths": "/somewhere", "draft": ""}, "invisible watermark needs your identity"),
        ({"paths": "/somewhere", "quality": "high"}, "whole number from 1 to 100"),
        ({"paths": "/somewhere", "crop": "sideways", "watermark": ""}, "sideways"),
        ({"paths": "/somewhere", "platform": "myspace", "watermark": ""}, "myspace"),
        ({"paths": "/no/such/folder", "watermark": ""}, "There is no photo or folder"),
        ({"paths": "~nosuchuser_zz/x", "watermark": ""}, "There is no photo or folder"),
        ({"paths": "/" + "x" * 5000, "watermark": ""}, "There is no photo or folder"),
    ],
)
def test_a_form_with_a_problem_comes_back_with_what_was_typed(
    notrain_home: Path, data: dict, message: str
) -> None:
    with web_client(notrain_home, worker=False) as client:
        page = _start(client, {"owner": XSS, **data})
    assert page.status_code == 400
    assert 'role="alert"' in page.text and message in page.text
    assert XSS not in page.text and 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page.text


def test_photos_and_a_folder_together_are_refused(identity, notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        page = _start(client, {"paths": "/somewhere"}, _photos("a.jpg"))
    assert page.status_code == 400 and "not both" in page.text


def test_a_folder_on_this_computer_is_protected_in_place(
    identity, notrain_home: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "to-post"
    (folder / "holiday").mkdir(parents=True)
    (folder / "one.jpg").write_bytes(_jpeg(1))
    (folder / "holiday" / "two.jpg").write_bytes(_jpeg(2))
    (folder / f"{XSS.replace('/', '')}.jpg").write_bytes(b"this is no photo")
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}
    with web_client(notrain_home) as client:
        job_id = _job_from(_start(client, {"paths": str(folder)}))
        assert client.wait_for_job(job_id)["status"] == "done"
        text = client.get(f"/protect/jobs/{job_id}").text
        archive = client.get(f"/protect/jobs/{job_id}/download.zip")
    assert "<strong>2</strong> photos protected" in text
    assert "<script>alert(1)<script>" not in text and "&lt;script&gt;alert(1)&lt;script&gt;" in text
    assert f"{folder}/holiday/two.jpg" in text
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}
    assert after == before, "the originals must not change"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as bundle:
        assert sorted(bundle.namelist()) == ["holiday/two.jpg", "one.jpg"]
    assert (job_folder(notrain_home, job_id) / "outputs" / "one.jpg").is_file()


def test_previews_and_the_zip_are_served_by_index_only(identity, notrain_home: Path) -> None:
    with web_client(notrain_home) as client:
        job_id = _job_from(_start(client, files=_photos("a.jpg")))
        client.wait_for_job(job_id)
        base = f"/protect/jobs/{job_id}"
        assert client.get(f"{base}/preview/0/after").status_code == 200
        for address in (
            f"{base}/preview/1/after",
            f"{base}/preview/-1/after",
            f"{base}/preview/0/original",
            f"{base}/preview/0/..%2F..%2Fsecret",
            f"{base}/preview/x/after",
            "/protect/jobs/nope/preview/0/after",
            "/protect/jobs/nope/download.zip",
        ):
            assert client.get(address).status_code in (404, 422), address
        # A result that (somehow) names a file outside the job's outputs is never served.
        secret = notrain_home / "secret.jpg"
        secret.write_bytes(_jpeg(9))
        with Database.open(notrain_home) as db, db.conn:
            job = get_job(db, job_id)
            result = dict(job.result)
            result["results"] = [{**result["results"][0], "output": str(secret)}]
            db.conn.execute(
                "UPDATE web_job SET result = ? WHERE id = ?", (json.dumps(result), job_id)
            )
        for previews in (job_folder(notrain_home, job_id) / "previews").iterdir():
            previews.unlink()
        (job_folder(notrain_home, job_id) / "protected-photos.zip").unlink(missing_ok=True)
        assert client.get(f"{base}/preview/0/after").status_code == 404
        assert client.get(f"{base}/download.zip").status_code == 404


def test_unknown_jobs_and_jobs_of_another_kind_are_not_found(notrain_home: Path) -> None:
    with Database.open(notrain_home) as db:
        other = submit(db, notrain_home, "test-not-protect", "Something else", {})
    with web_client(notrain_home, worker=False) as client:
        assert client.get("/protect/jobs/nope").status_code == 404
        assert client.get(f"/protect/jobs/{other.id}").status_code == 404
        assert client.get(f"/protect/jobs/{other.id}/download.zip").status_code == 404
        assert client.get(f"/protect/jobs/{other.id}/preview/0/before").status_code == 404


def test_a_running_job_shows_its_progress_and_is_listed(identity, notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        job_id = _job_from(_start(client, files=_photos("a.jpg")))
        page = client.get(f"/protect/jobs/{job_id}").text
        listing = client.get("/protect").text
    assert f'data-job="{job_id}"' in page and "Waiting to start" in page
    assert f'href="/protect/jobs/{job_id}"' in listing and "still running" in listing


def test_a_restarted_server_finishes_the_job_without_redoing_photos(
    identity, notrain_home: Path
) -> None:
    with web_client(notrain_home, worker=False) as client:
        job_id = _job_from(_start(client, files=_photos("a.jpg", "b.jpg", "c.jpg")))
    # The server stops after the first photo: the job is left "running", one photo recorded.
    with Database.open(notrain_home) as db:
        job = get_job(db, job_id)
        with db.conn:
            db.conn.execute("UPDATE web_job SET status = 'running' WHERE id = ?", (job_id,))

        def stopping() -> bool:
            return db.conn.execute("SELECT COUNT(*) FROM protected_image").fetchone()[0] >= 1

        context = JobContext(job=job, home=notrain_home, db=db, stopping=stopping)
        with pytest.raises(JobCancelled):
            protect.run_protect(context)
    with web_client(notrain_home) as client:
        assert client.wait_for_job(job_id)["status"] == "done"
        text = client.get(f"/protect/jobs/{job_id}").text
        with Database.open(notrain_home) as db:
            summary = get_job(db, job_id).result["summary"]
    assert summary["done"] == 2 and summary["skipped"] == 1 and summary["failed"] == 0
    assert "already protected earlier" in text


def test_removing_a_job_removes_its_uploads_and_copies(identity, notrain_home: Path) -> None:
    with web_client(notrain_home) as client:
        job_id = _job_from(_start(client, files=_photos("a.jpg")))
        client.wait_for_job(job_id)
        folder = job_folder(notrain_home, job_id)
        assert (folder / "inputs" / "a.jpg").is_file() and (folder / "outputs" / "a.jpg").is_file()
        answer = client.post(f"/jobs/{job_id}/delete", data={"next": "/protect"})
        assert answer.status_code == 303 and answer.headers["location"] == "/protect"
        assert not folder.exists()
        assert client.get(f"/protect/jobs/{job_id}").status_code == 404


def test_a_stopped_batch_keeps_what_it_finished(identity, notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        job_id = _job_from(_start(client, files=_photos("a.jpg", "b.jpg", "c.jpg")))
        with Database.open(notrain_home) as db:
            with db.conn:
                db.conn.execute("UPDATE web_job SET status = 'running' WHERE id = ?", (job_id,))

            # The person presses Stop once the first photo is done.
            def stop_after_one() -> bool:
                done = db.conn.execute("SELECT COUNT(*) FROM protected_image").fetchone()[0]
                return done >= 1

            context = JobContext(
                job=get_job(db, job_id), home=notrain_home, db=db, stopping=stop_after_one
            )
            with pytest.raises(JobCancelled) as stopped:
                protect.run_protect(context)
            with db.conn:
                db.conn.execute(
                    "UPDATE web_job SET status = 'cancelled', result = ? WHERE id = ?",
                    (json.dumps(stopped.value.result), job_id),
                )
        page = client.get(f"/protect/jobs/{job_id}")
        archive = client.get(f"/protect/jobs/{job_id}/download.zip")
    assert stopped.value.result["summary"]["done"] == 1
    assert "the photos finished before that are below" in page.text
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        assert zipped.namelist() == ["a.jpg"]
