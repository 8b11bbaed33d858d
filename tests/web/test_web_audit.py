"""The Audit page: starting an audit of a folder or an uploaded ZIP, its report in the page and
as files, matched originals sent on to Protect, and what hostile input gets."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from web_support import job_id_from, web_client

from notrain.web.audit import PROTECT_LINK_FILES, _protect_link
from notrain.web.jobs import Job

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "audit"))
from instagram_exports import CAPTION, Spec, write_export

SCRIPT = "<script>alert(1)</script>"
SMALL = Spec(posts=3, stories=1, reels=1, other=0, archived=0, deleted=0)


def hostile_caption(root: Path) -> None:
    """Every post's caption becomes a script (Meta writes captions as UTF-8 bytes, escaped)."""
    posts = root / "your_instagram_activity" / "media" / "posts_1.json"
    mojibake = CAPTION.encode("utf-8").decode("latin-1")

    def swap(value):
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return SCRIPT if value == mojibake else value

    posts.write_text(json.dumps(swap(json.loads(posts.read_text()))), encoding="utf-8")


def start(client, data: dict | None = None, files: list | None = None) -> str:
    """Send the form; the job's id from the address it redirects to."""
    response = client.post("/audit", data=data or {}, files=files)
    assert response.status_code == 303, response.text
    return job_id_from(response.headers["location"])


def test_the_form_page_has_labelled_fields_and_no_audits_yet(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        page = client.get("/audit")
    assert page.status_code == 200
    for control in ("exports", "upload", "originals", "thumbnails"):
        assert f'for="{control}"' in page.text and f'id="{control}"' in page.text
    assert "None yet" in page.text and 'aria-current="page"' in page.text


def test_a_folder_is_audited_and_its_report_shown_escaped(notrain_home, tmp_path) -> None:
    written = write_export(tmp_path / "export", SMALL)
    hostile_caption(written.paths[0])
    with web_client(notrain_home) as client:
        job_id = start(client, {"exports": f'"{written.paths[0]}"\n', "thumbnails": "1"})
        assert client.wait_for_job(job_id)["status"] == "done"
        page = client.get(f"/audit/jobs/{job_id}")
        listing = client.get("/audit").text
        report = client.get(f"/audit/jobs/{job_id}/files/report.html")
        inventory = client.get(f"/audit/jobs/{job_id}/files/inventory.json").json()
    assert page.status_code == 200
    text = page.text
    assert "What your Facebook and Instagram exports show" in text
    assert text.count("<h1") == 1
    assert SCRIPT not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<style" not in text and " style=" not in text
    assert "data:image/jpeg;base64," in text  # thumbnails are embedded
    photos = inventory["summary"]["totals"]["photos"]
    assert f'<strong data-key="photos">{photos:,}</strong>' in text
    assert "Protect the matching originals" not in text  # no originals were given
    assert report.status_code == 200
    assert report.headers["content-disposition"].startswith("attachment")
    assert SCRIPT not in report.text
    assert f"/audit/jobs/{job_id}" in listing and "badge--done" in listing


def test_an_uploaded_zip_is_read_then_removed(notrain_home, tmp_path) -> None:
    written = write_export(tmp_path / "zips", Spec(as_zip=True, posts=2, stories=0, reels=0))
    (part,) = written.paths
    with web_client(notrain_home) as client:
        with part.open("rb") as upload:
            job_id = start(client, files=[("upload", (part.name, upload, "application/zip"))])
        assert client.wait_for_job(job_id)["status"] == "done"
        page = client.get(f"/audit/jobs/{job_id}").text
    assert f"{part.name} (uploaded)" in page
    folder = notrain_home / "web" / "jobs" / job_id
    assert not (folder / "uploads").exists()
    assert sorted(p.name for p in (folder / "report").iterdir()) == [
        "inventory.csv",
        "inventory.json",
        "report.html",
    ]


def test_a_hostile_zip_fails_with_a_clear_message_and_writes_nothing_outside(
    notrain_home, tmp_path
) -> None:
    hostile = tmp_path / "hostile.zip"
    with zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ["../evil.json", "/abs.json", "a/../../escape.jpg"]:
            archive.writestr(name, b"{}")
        archive.writestr("photos/bomb.bin", bytes(60 * 1024 * 1024))
    before = sorted(tmp_path.rglob("*"))
    with web_client(notrain_home) as client:
        with hostile.open("rb") as upload:
            job_id = start(client, files=[("upload", ("../../x.zip", upload, "application/zip"))])
        status = client.wait_for_job(job_id)
        page = client.get(f"/audit/jobs/{job_id}").text
    assert status["status"] == "failed"
    assert "No Facebook or Instagram export was found" in status["error"]
    assert "JSON" in status["hint"]
    assert 'role="alert"' in page and "No Facebook or Instagram export was found" in page
    assert "Audit of x.zip" in page  # the name the browser sent, made safe
    assert sorted(tmp_path.rglob("*")) == before
    jobs = notrain_home / "web" / "jobs"
    assert not list(notrain_home.rglob("evil*")) and not list(notrain_home.rglob("escape*"))
    assert [p.name for p in jobs.iterdir()] == [job_id]


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"exports": ""}, "Say where your export is"),
        ({"exports": f"/nowhere/{SCRIPT}.zip"}, "There is no file or folder"),
        ({"exports": "", "originals": "/no/such/Pictures"}, "There is no file or folder"),
    ],
)
def test_a_form_with_a_problem_comes_back_with_the_message(notrain_home, form, message) -> None:
    with web_client(notrain_home, worker=False) as client:
        response = client.post("/audit", data=form)
    assert response.status_code == 400
    assert message in response.text and 'role="alert"' in response.text
    assert SCRIPT not in response.text
    if SCRIPT in form["exports"]:
        assert "/nowhere/&lt;script&gt;alert(1)&lt;/script&gt;.zip</textarea>" in response.text


def test_an_upload_too_large_is_refused_and_its_job_cancelled(
    notrain_home, tmp_path, monkeypatch
) -> None:
    from notrain.web import forms

    monkeypatch.setattr(forms, "MAX_FILE", 10)
    with web_client(notrain_home, worker=False) as client:
        response = client.post(
            "/audit", files=[("upload", ("big.zip", b"PK" + bytes(100), "application/zip"))]
        )
        listing = client.get("/audit").text
    assert response.status_code == 413
    assert "big.zip is larger than" in response.text and 'role="alert"' in response.text
    assert "badge--cancelled" in listing
    assert not list((notrain_home / "web" / "jobs").rglob("big.zip"))


def test_originals_are_matched_and_offered_to_protect(notrain_home, tmp_path) -> None:
    from PIL import Image

    from notrain.audit.model import MediaKind
    from notrain.samples import make_photo

    written = write_export(tmp_path / "export", SMALL)
    root = written.paths[0]
    photos = [e for e in written.items if e.present and not e.is_video and e.kind == MediaKind.POST]
    pictures = tmp_path / "My Pictures"
    pictures.mkdir()
    for seed, expected in enumerate(photos):
        picture = make_photo(800, 600, seed=seed)
        picture.resize((320, 240), Image.Resampling.LANCZOS).save(root / expected.uri, quality=70)
        picture.save(pictures / f"IMG_{seed}.jpg", quality=92)
    with web_client(notrain_home) as client:
        job_id = start(client, {"exports": str(root), "originals": str(pictures)})
        assert client.wait_for_job(job_id)["status"] == "done"
        page = client.get(f"/audit/jobs/{job_id}").text
        originals = client.get(f"/audit/jobs/{job_id}/files/originals.csv")
    assert originals.status_code == 200 and "IMG_0.jpg" in originals.text
    assert "Protect the matching originals" in page
    link = page.split('href="/protect?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert sorted(parse_qs(link)["path"]) == sorted(
        str(pictures / f"IMG_{i}.jpg") for i in range(len(photos))
    )


def test_many_originals_go_to_protect_as_their_folders() -> None:
    files = [f"/photos/{n // 50}/IMG_{n}.jpg" for n in range(PROTECT_LINK_FILES + 1)]
    job = Job(
        id="x",
        kind="audit",
        title="t",
        status="done",
        params={"originals": ["/photos"]},
        result={"originals": {"matched_files": files}},
    )
    link, folders = _protect_link(job)
    assert folders
    assert parse_qs(urlsplit(link).query)["path"] == [f"/photos/{n}" for n in range(5)]


def test_unknown_jobs_and_files_are_not_found(notrain_home, tmp_path) -> None:
    (notrain_home / "secret.txt").write_text("private")
    written = write_export(tmp_path / "export", SMALL)
    with web_client(notrain_home) as client:
        job_id = start(client, {"exports": str(written.paths[0])})
        client.wait_for_job(job_id)
        assert client.get("/audit/jobs/nope").status_code == 404
        for name in ("originals.csv", "..%2F..%2F..%2Fsecret.txt", "page.json", "%2Fetc%2Fpasswd"):
            response = client.get(f"/audit/jobs/{job_id}/files/{name}")
            assert response.status_code == 404, name
            assert "private" not in response.text
        assert client.get(f"/audit/jobs/{job_id}/files/../../../secret.txt").status_code == 404
