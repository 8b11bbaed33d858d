"""The objection wizard in Chromium: Germany, Instagram, Android, then "I have sent it"."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from browser_support import screenshot

from notrain.rights.requests import get_request
from notrain.store import Database

pytestmark = pytest.mark.browser


def test_object_for_germany_instagram_android_and_record_it(page, notrain_home: Path) -> None:
    page.goto("/object")
    assert page.get_by_role("heading", level=1).inner_text() == "Object to Meta's AI training"
    page.get_by_label("Your country (or").select_option("DE")
    screenshot(page, "object-1-country")
    page.get_by_role("button", name="Next").click()

    page.wait_for_url(re.compile(r"/object\?country=DE"))
    assert page.get_by_text("Yes: where you live (Germany)").is_visible()
    page.get_by_label("Instagram", exact=True).check()
    screenshot(page, "object-2-accounts")
    page.get_by_role("button", name="Next").click()

    page.get_by_label("An Android phone or tablet").check()
    page.get_by_label("Your name").fill("Ann Example")
    page.get_by_label("Which describes you best?").select_option("artist")
    page.get_by_label("What do you post, in a few words?").fill("meine Aquarelle")
    screenshot(page, "object-3-device")
    page.get_by_role("button", name="Show me what to do").click()

    assert page.get_by_role("heading", level=1).inner_text() == "What to do in Germany"
    reason = page.locator("#reason")
    assert "Ann Example" in reason.input_value() and reason.get_attribute("readonly") is not None
    assert page.get_by_role("button", name="Copy the reason").is_visible()  # the script shows it
    assert page.get_by_role("link", name="Instagram").first.get_attribute("href", timeout=1000)
    page.get_by_label("The email address of your Meta account").fill("ann@example.org")
    sent = date.today() - timedelta(days=2)
    page.get_by_label("Day").fill(sent.isoformat())
    screenshot(page, "object-4-guide")
    page.get_by_role("button", name="I have sent it").click()

    page.wait_for_url("**/requests/1")
    assert page.get_by_role("status").first.inner_text().startswith("Recorded as request 1")
    assert "Objection 1: Instagram, Germany" in page.get_by_role("heading", level=1).inner_text()
    screenshot(page, "object-5-recorded")
    with Database.open(notrain_home) as db:
        request = get_request(db, 1)
    assert request.submitted_on == sent and request.device == "android"

    page.get_by_role("link", name="My requests", exact=True).click()
    assert page.get_by_role("link", name="Objection 1").is_visible()
    screenshot(page, "object-6-my-requests")


def test_the_united_states_get_an_honest_answer(page) -> None:
    page.goto("/object?country=US&platform=both&device=desktop")
    assert page.get_by_text("No law in United States gives you a right").is_visible()
    assert page.get_by_role("button", name="I have sent it").count() == 0
    screenshot(page, "object-us-no-opt-out")


@pytest.mark.parametrize(("width", "zoom"), [(375, 1), (1280, 2)])
def test_the_wizard_fits_a_phone_and_200_percent(page, width: int, zoom: int) -> None:
    page.set_viewport_size({"width": width // zoom, "height": 800})
    for address in ("/object", "/object?country=DE&platform=instagram&device=android"):
        page.goto(address)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, address
    screenshot(page, f"object-guide-{width // zoom}px")
