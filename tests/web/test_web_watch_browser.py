"""Policy watch in Chromium: import a small policy history and see its AI-related change; add a
page by its address, check it after it changed, and remove it; the page on a phone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser_support import screenshot
from policy_server import PolicyServer
from test_web_watch import AI, make_history, policy_page

pytestmark = pytest.mark.browser


@pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")
def test_import_a_small_policy_history_and_see_an_ai_change(page, tmp_path: Path) -> None:
    repo = make_history(tmp_path / "pga-versions")
    page.goto("/watch")
    screenshot(page, "watch-empty")

    page.get_by_label("Folder on this computer").fill(str(repo))
    page.get_by_role("button", name="Import").click()
    page.get_by_role("heading", name="What was imported").wait_for()
    assert "1 about AI training" in page.locator("main").inner_text()
    screenshot(page, "watch-imported")

    page.get_by_role("link", name="See what changed").click()
    change = page.locator("article.change").first
    assert "Facebook privacy policy changed on 27 May 2025" in change.inner_text()
    assert change.locator("mark", has_text="AI at Meta").count() == 1
    assert change.get_by_role("link", name="Object to Meta's AI training").is_visible()
    screenshot(page, "watch-feed")


def test_add_a_page_check_it_and_remove_it(page) -> None:
    with PolicyServer() as server:
        server.page("/privacy", policy_page())
        page.goto("/watch")
        page.get_by_label("Address of the page").fill(server.url("/privacy"))
        page.get_by_label("Part of the page that holds the text (optional)").fill(".terms")
        page.get_by_label("Name (optional)").fill("Example privacy policy")
        page.get_by_role("button", name="Watch this page").click()
        page.get_by_role("heading", name="How each document went").wait_for()
        assert "First version stored" in page.locator("main").inner_text()
        screenshot(page, "watch-first-check")

        server.page("/privacy", policy_page(AI))
        page.get_by_role("link", name="Back to policy watch").click()
        page.get_by_role("button", name="Check now").click()
        page.get_by_role("heading", name="New changes").wait_for()
        assert page.locator("article.change mark").count() >= 1
        screenshot(page, "watch-check-result")

    page.get_by_role("link", name="Back to policy watch").click()
    assert "changed" in page.locator("table").inner_text()
    page.set_viewport_size({"width": 375, "height": 800})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    screenshot(page, "watch-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove Example privacy policy").click()
    page.get_by_text("No longer watching Example privacy policy.").wait_for()
    assert "You watch no documents yet" in page.locator("main").inner_text()
