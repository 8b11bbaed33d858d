"""The Verify page in Chromium: drop a protected photo and see that it is yours, with the
evidence; an unprotected one shows none; a bad file says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import screenshot
from test_web_verify import protect_one

from notrain.samples import make_photo

pytestmark = pytest.mark.browser


def test_verify_a_protected_image(page, notrain_home: Path, tmp_path: Path, identity) -> None:
    output = protect_one(notrain_home, tmp_path, owner=identity.name)
    page.goto("/verify")
    assert page.title() == "Check a photo · notrain"
    screenshot(page, "verify-empty")

    page.set_input_files("#photo", str(output))
    assert page.locator(".dropzone__chosen").inner_text() == "Chosen: beach.jpg"
    page.get_by_role("button", name="Check this photo").click()
    page.wait_for_url("**/verify")
    verdict = page.locator(".verify-verdict")
    assert verdict.inner_text().startswith("Yours.")
    evidence = page.locator(".evidence")
    assert "Invisible watermark" in evidence.inner_text()
    assert f"owner number {identity.owner_hex}, one of your identities" in evidence.inner_text()
    assert "exact copy" in evidence.inner_text()
    screenshot(page, "verify-yours")


def test_an_unprotected_photo(page, tmp_path: Path) -> None:
    photo = tmp_path / "holiday.jpg"
    make_photo(900, 700, seed=9).save(photo, quality=90)
    page.goto("/verify")
    page.set_input_files("#photo", str(photo))
    page.get_by_role("button", name="Check this photo").click()
    page.wait_for_url("**/verify")
    assert page.locator(".verify-verdict").inner_text().startswith("No evidence that it is yours.")
    assert "No invisible watermark" in page.locator(".not-found").inner_text()
    screenshot(page, "verify-no-evidence")


def test_a_bad_file_says_why(chromium, app_url: str, tmp_path: Path) -> None:
    # Its own tab: the page fixture counts the 400 answer (Chromium logs it) as a page error.
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, base_url=app_url)
    try:
        tab = context.new_page()
        broken = tmp_path / "notes.jpg"
        broken.write_text("not a photo")
        tab.goto("/verify")
        tab.set_input_files("#photo", str(broken))
        tab.get_by_role("button", name="Check this photo").click()
        alert = tab.get_by_role("alert")
        assert "notes.jpg is not an image format notrain can read." in alert.inner_text()
        screenshot(tab, "verify-error")
    finally:
        context.close()


def test_verify_fits_a_phone(page, tmp_path: Path) -> None:
    photo = tmp_path / "holiday.jpg"
    make_photo(900, 700, seed=9).save(photo, quality=90)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/verify")
    page.set_input_files("#photo", str(photo))
    page.get_by_role("button", name="Check this photo").click()
    page.wait_for_url("**/verify")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    screenshot(page, "verify-375px")
