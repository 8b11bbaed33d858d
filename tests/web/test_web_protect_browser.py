"""The Protect page in Chromium: protect two photos, see them before and after, and download
the ZIP, whose copies carry the invisible watermark."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from browser_support import screenshot
from PIL import Image

from notrain.samples import sample_jpeg
from notrain.watermark import Payload, detect_watermark

pytestmark = pytest.mark.browser


def test_protect_two_photos_and_download_the_zip(page, identity, tmp_path: Path) -> None:
    photos = []
    for number in range(2):
        photo = tmp_path / f"photo-{number}.jpg"
        photo.write_bytes(sample_jpeg(1200, 900, seed=number))
        photos.append(photo)
    before = {p: p.read_bytes() for p in photos}

    page.goto("/protect")
    assert page.title() == "Protect photos · notrain"
    assert page.get_by_label("Your name").input_value() == "Ann Example"
    page.set_input_files("#photos", [str(p) for p in photos])
    assert page.locator(".dropzone__chosen").inner_text() == "2 files chosen"
    page.get_by_label("Text of the mark").fill("© Ann Example")
    screenshot(page, "protect-form")

    page.get_by_role("button", name="Protect photos").click()
    page.wait_for_url("**/protect/jobs/**")
    screenshot(page, "protect-progress")
    page.get_by_role("heading", name="Each photo").wait_for(timeout=60_000)

    images = page.locator(".compare img")
    assert images.count() == 4
    for index in range(4):
        images.nth(index).scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=images.nth(index).element_handle()
        )
    assert "2" in page.locator(".protect-summary").inner_text()
    screenshot(page, "protect-result")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download the protected copies (ZIP)").click()
    archive = waiting.value.path()
    with zipfile.ZipFile(archive) as bundle:
        assert sorted(bundle.namelist()) == ["photo-0.jpg", "photo-1.jpg"]
        for name in bundle.namelist():
            image = Image.open(io.BytesIO(bundle.read(name)))
            assert image.format == "JPEG"
            found = detect_watermark(image)
            assert found.found and found.message is not None
            assert Payload.from_bytes(found.message).owner_id == identity.owner_id
    assert {p: p.read_bytes() for p in photos} == before, "the originals must not change"


def test_the_form_fits_a_phone(page) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/protect")
    page.locator("details.protect-more summary").click()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    screenshot(page, "protect-form-375px")
