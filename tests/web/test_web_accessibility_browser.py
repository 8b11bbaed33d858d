"""Every page of the app checked by axe-core (the engine behind browser accessibility audits)
against WCAG 2.1 A and AA, in Chromium, with some content in it: an identity, a recorded
request, a watched document. The flows themselves are tested page by page."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from browser_support import screenshot
from web_support import web_client

pytestmark = pytest.mark.browser

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

PAGES = [
    "/",
    "/protect",
    "/verify",
    "/object",
    "/object?country=DE",
    "/object?country=DE&platform=instagram",
    "/object?country=DE&platform=instagram&device=android",
    "/object?country=US&platform=both&device=iphone",
    "/requests",
    "/requests/1",
    "/requests/1/letters",
    "/audit",
    "/watch",
    "/watch?show=all",
    "/settings",
    "/no/such/page",
]


@pytest.fixture
def content(notrain_home: Path, identity) -> None:
    sent = (date.today() - timedelta(days=45)).isoformat()  # overdue: deadlines and letters show
    with web_client(notrain_home, worker=False) as client:
        response = client.post(
            "/object/record",
            data={
                "country": "DE",
                "platform": "instagram",
                "device": "android",
                "name": "Ann Example",
                "email": "ann@example.org",
                "on": sent,
            },
        )
        assert response.status_code == 303, response.text


@pytest.mark.parametrize("address", PAGES)
def test_every_page_passes_axe(page, content, address: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(address)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()
    if address.startswith("/requests/1"):
        screenshot(page, "a11y-" + address.strip("/").replace("/", "-"))


def test_the_check_finds_what_it_looks_for(page) -> None:
    """A control without a label and text too pale to read fail the same check."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto("/")
    page.evaluate(
        """() => {
            const input = document.createElement("input");
            document.querySelector("main").append(input);
            document.querySelector("h1").style.color = "#ddd";
        }"""
    )
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    rules = {violation["id"] for violation in results.response["violations"]}
    assert {"label", "color-contrast"} <= rules
