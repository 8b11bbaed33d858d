"""My requests in Chromium: paste Meta's refusal, record it, and write the complaint."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pypdf
import pytest
from browser_support import screenshot

from notrain.rights.objection import guide, record
from notrain.rights.requests import get_request
from notrain.store import Database

pytestmark = pytest.mark.browser

REFUSAL = (
    "Hi Ann,\n\nThank you for contacting us. We've reviewed your request, but you have not "
    "provided enough information to show how this processing impacts you. As a result, we are "
    "unable to process your objection at this time.\n\nMeta Privacy Operations"
)


def _objection(home: Path, sent_days_ago: int) -> None:
    guidance = guide(country="DE", platforms=("instagram",), device="android", name="Ann Example")
    with Database.open(home) as db:
        record(
            db,
            guidance,
            name="Ann Example",
            email="ann@example.org",
            submitted_on=date.today() - timedelta(days=sent_days_ago),
        )


def test_paste_a_refusal_and_generate_the_complaint(page, notrain_home: Path) -> None:
    _objection(notrain_home, 12)
    page.goto("/requests")
    screenshot(page, "requests-1-list")
    page.get_by_role("link", name="Objection 1").click()
    screenshot(page, "requests-2-request")

    page.get_by_label("Paste Meta's answer").fill(REFUSAL)
    page.get_by_role("button", name="Read the answer").click()
    assert page.get_by_role("heading", name="Meta refuses your request.").is_visible()
    assert page.get_by_text(
        "we are unable to process your objection", exact=False
    ).first.is_visible()
    screenshot(page, "requests-3-triage")
    page.get_by_role("button", name="Record it: Meta refused").click()

    page.wait_for_url("**/requests/1")
    assert "is now: refused" in page.get_by_role("status").first.inner_text()
    assert page.get_by_text("Meta refused: you can complain now").is_visible()
    screenshot(page, "requests-4-refused")
    page.get_by_role("link", name="Write the next letter").click()

    page.wait_for_url("**/requests/1/letters")
    letter = page.locator("#letter-1-text")
    assert "Ann Example" in letter.input_value()
    assert page.get_by_role("button", name="Copy the letter").is_visible()
    screenshot(page, "requests-5-complaint")
    with page.expect_download() as caught:
        page.get_by_role("link", name="Download as PDF").click()
    download = caught.value
    assert download.suggested_filename == "request-1-complaint.pdf"
    reader = pypdf.PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    assert "Ann Example" in " ".join(p.extract_text() for p in reader.pages)
    with Database.open(notrain_home) as db:
        assert get_request(db, 1).status.value == "refused"


def test_deleting_asks_first(page, notrain_home: Path) -> None:
    _objection(notrain_home, 3)
    page.goto("/requests/1")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Delete request 1").click()
    assert page.url.endswith("/requests/1")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete request 1").click()
    page.wait_for_url("**/requests")
    assert page.get_by_text("You have not recorded any request yet").is_visible()


@pytest.mark.parametrize(("width", "zoom"), [(375, 1), (1280, 2)])
def test_my_requests_fit_a_phone_and_200_percent(
    page, notrain_home: Path, width: int, zoom: int
) -> None:
    _objection(notrain_home, 50)
    page.set_viewport_size({"width": width // zoom, "height": 800})
    for address in ("/requests", "/requests/1", "/requests/1/letters"):
        page.goto(address)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, address
        screenshot(
            page, f"requests{address.replace('/requests', '').replace('/', '-')}-{width // zoom}px"
        )
