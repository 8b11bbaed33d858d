"""The Settings page in Chromium: set up the identity, change it, change the Protect page's
defaults, and download the export."""

from __future__ import annotations

import json
from pathlib import Path
from zipfile import ZipFile

import pytest
from browser_support import screenshot

from notrain.store import Database
from notrain.store.settings import get_setting

pytestmark = pytest.mark.browser


def test_set_up_and_change_the_identity(page, notrain_home: Path) -> None:
    page.goto("/")
    page.get_by_role("link", name="Set up my identity").click()
    page.wait_for_url("**/settings#identity")
    screenshot(page, "settings-no-identity")

    page.get_by_label("Your name").fill("Ann Example")
    page.get_by_label("Your contact").fill("ann@example.org")
    page.get_by_role("button", name="Create my identity").click()
    page.wait_for_url("**/settings#identity")
    assert "Welcome, Ann Example" in page.get_by_role("status").first.inner_text()
    facts = page.locator("#identity .facts").inner_text()
    assert "Ann Example" in facts and "Owner number" in facts
    assert "ready" in page.locator("#identity").inner_text()
    screenshot(page, "settings-identity")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_label("Your contact").fill("ann@example.com")
    page.get_by_role("button", name="Save the new name and contact").click()
    page.wait_for_url("**/settings#identity")
    assert "Earlier identities" in page.locator("#identity").inner_text()
    screenshot(page, "settings-identity-changed")


def test_change_the_defaults_and_download_the_export(page, notrain_home: Path, identity) -> None:
    page.goto("/settings#defaults")
    page.get_by_label("Where you post").select_option("facebook")
    page.get_by_label("Text of the visible mark").fill("© Ann Example")
    page.get_by_label("Where the mark goes").select_option("tiled")
    page.get_by_label("Keep the location").check()
    page.get_by_role("radio", name="Never", exact=True).check()
    page.get_by_role("button", name="Save these choices").click()
    page.wait_for_url("**/settings#defaults")
    assert "Saved" in page.get_by_role("status").first.inner_text()
    assert page.get_by_label("Where you post").input_value() == "facebook"
    with Database.open(notrain_home) as db:
        saved = get_setting(db, "protect.defaults")
    assert saved["mark"] == "© Ann Example" and saved["keep_location"] is True
    assert saved["credentials"] is False and saved["mark_position"] == "tiled"
    screenshot(page, "settings-defaults-saved")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download my data (ZIP)").click()
    download = info.value
    assert download.suggested_filename.startswith("notrain-export-")
    with ZipFile(download.path()) as archive:
        (person,) = json.loads(archive.read("identities.json"))
        assert person["name"] == "Ann Example" and "secret" not in person
        assert "README.txt" in archive.namelist()


def test_settings_fit_a_phone(page, identity) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/settings")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    screenshot(page, "settings-375px")
