"""The app in a real browser (Chromium): the shell every page shares. The flows of each page
have their own browser tests beside their route tests."""

from __future__ import annotations

import pytest
from browser_support import screenshot

pytestmark = pytest.mark.browser


def test_home_page_in_chromium(page) -> None:
    page.goto("/")
    assert page.title() == "Home · notrain"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Keep AI companies")
    screenshot(page, "home")


def test_the_menu_works_with_the_keyboard(page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to the content"
    # The focus ring is visible: an outline on the focused element.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.locator(":focus").inner_text() == "Home"
    page.keyboard.press("Tab")
    assert page.locator(":focus").inner_text() == "Protect"
    page.keyboard.press("Enter")
    page.wait_for_url("**/protect")


@pytest.mark.parametrize(("width", "zoom"), [(375, 1), (1280, 2)])
def test_no_sideways_scrolling_on_a_phone_or_at_200_percent(page, width: int, zoom: int) -> None:
    # 200% zoom of a 1280 px window lays the page out in 640 CSS pixels.
    page.set_viewport_size({"width": width // zoom, "height": 800})
    page.goto("/")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    screenshot(page, f"home-{width // zoom}px")


def test_a_form_is_sent_once_however_often_it_is_clicked(page, notrain_home) -> None:
    from datetime import date

    from notrain.rights.requests import list_requests
    from notrain.store import Database

    page.goto("/object?country=DE&platform=instagram&device=android&name=Ann+Example")
    page.get_by_label("The email address of your Meta account").fill("ann@example.org")
    page.get_by_label("Day").fill(date.today().isoformat())
    button = page.get_by_role("button", name="I have sent it")
    # Clicks while the first answer is on its way (a slow computer, an impatient person): each
    # one a moment after the other, so the browser does not merge them into one.
    button.evaluate(
        "b => { b.click(); for (const ms of [5, 10, 20, 40]) setTimeout(() => b.click(), ms); }"
    )
    page.wait_for_url("**/requests/1")
    page.wait_for_load_state("networkidle")
    with Database.open(notrain_home) as db:
        assert len(list_requests(db)) == 1
