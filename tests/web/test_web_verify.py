"""The Verify page through the test client: whose a dropped photo is and the evidence, bad files
with the library's message, nothing kept, and text from the file escaped."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pytest
from web_support import web_client

from notrain.credentials.sdk import c2pa_available
from notrain.protect import ProtectOptions, protect_batch
from notrain.samples import make_photo
from notrain.store import Database
from notrain.watermark import Payload, embed_watermark


def _jpeg(image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def protect_one(home: Path, tmp_path: Path, **options) -> Path:
    """A photo protected for Instagram in the test's home (identity needed)."""
    source = tmp_path / "beach.jpg"
    source.write_bytes(_jpeg(make_photo(1200, 900, seed=5)))
    with Database.open(home) as db:
        batch = protect_batch(
            [source], tmp_path / "out", ProtectOptions(platform="instagram", **options), db=db
        )
    (result,) = batch.results
    assert result.status == "done", result.error
    return Path(result.output or "")


def _check(client, name: str, data: bytes):
    return client.post("/verify", files={"photo": (name, data, "image/jpeg")})


def _alerts(page: str) -> list[str]:
    found = re.findall(r'role="alert">(.*?)</div>', page, re.DOTALL)
    return [html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m))).strip() for m in found]


def test_the_page_offers_a_drop_zone(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        page = client.get("/verify").text
    assert '<label class="dropzone" for="photo">' in page
    assert 'name="photo"' in page and 'enctype="multipart/form-data"' in page


def test_a_protected_photo_is_yours_with_its_evidence(
    notrain_home: Path, tmp_path: Path, identity
) -> None:
    if c2pa_available():
        from notrain.credentials.identity import create_signing_identity

        create_signing_identity(notrain_home, identity.name, identity.contact)
    output = protect_one(notrain_home, tmp_path, owner="Ann <script>alert(1)</script>")
    with web_client(notrain_home, worker=False) as client:
        response = _check(client, "beach.jpg", output.read_bytes())
    page = response.text
    assert response.status_code == 200
    assert "<strong>Yours.</strong>" in page
    assert f"owner number {identity.owner_hex}, one of your identities" in page
    assert "the mark says the photo must not be used to train AI" in page
    assert "exact copy" in page and "Instagram (feed post)" in page
    assert "Forbids AI and machine-learning training (DMI-PROHIBITED-AIMLTRAINING)" in page
    assert "Ann &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page
    if c2pa_available():
        assert "valid, signed by you" in page
    assert not any((notrain_home / "web" / "verify").iterdir()), "the upload is not kept"


def test_an_unprotected_photo_shows_no_evidence(notrain_home: Path, identity) -> None:
    with web_client(notrain_home, worker=False) as client:
        response = _check(client, "holiday.jpg", _jpeg(make_photo(900, 700, seed=9)))
    page = response.text
    assert response.status_code == 200
    assert "No evidence that it is yours." in page
    assert "No invisible watermark" in page and "Not in your records" in page
    assert "No rights statement" in page and "No Content Credential" in page


def test_someone_elses_watermark(notrain_home: Path, identity) -> None:
    marked = embed_watermark(make_photo(960, 720, seed=4), Payload(0x0A1B2C3, 7).to_bytes())
    with web_client(notrain_home, worker=False) as client:
        page = _check(client, "found.jpg", _jpeg(marked)).text
    assert "<strong>Someone else's.</strong>" in page
    assert "owner number 0a1b2c3, not one of your identities" in page


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"this is not an image", "found.jpg is not an image format notrain can read."),
        (b"", "found.jpg is empty (0 bytes)."),
        (_jpeg(make_photo(640, 480, seed=1))[:600], "found.jpg is truncated"),
    ],
    ids=["not-an-image", "empty", "truncated"],
)
def test_bad_files_get_the_librarys_message(notrain_home: Path, data: bytes, expected: str) -> None:
    with web_client(notrain_home, worker=False) as client:
        response = _check(client, "found.jpg", data)
    assert response.status_code == 400
    (alert,) = _alerts(response.text)
    assert expected in alert
    assert str(notrain_home) not in response.text, "the private copy's path is not shown"
    assert 'name="photo"' in response.text, "the form is there to try again"


def test_no_file_or_two_files(notrain_home: Path) -> None:
    photo = _jpeg(make_photo(640, 480, seed=2))
    with web_client(notrain_home, worker=False) as client:
        nothing = client.post("/verify", data={})
        two = client.post(
            "/verify",
            files=[
                ("photo", ("a.jpg", photo, "image/jpeg")),
                ("photo", ("b.jpg", photo, "image/jpeg")),
            ],
        )
    assert nothing.status_code == 400 and "Choose an image to check." in _alerts(nothing.text)[0]
    assert two.status_code == 400 and "one image at a time" in _alerts(two.text)[0]


def test_a_hostile_file_name_is_escaped(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        page = _check(
            client, "<script>alert(1)</script>.jpg", _jpeg(make_photo(640, 480, seed=3))
        ).text
    assert "<script>alert(1)" not in page


def test_the_form_needs_the_session_token(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        response = client.post(
            "/verify", csrf=False, files={"photo": ("a.jpg", b"x", "image/jpeg")}
        )
    assert response.status_code == 403
