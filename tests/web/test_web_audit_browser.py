"""The Audit page in Chromium: import a small generated export and see its report."""

from __future__ import annotations

import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from browser_support import screenshot

from notrain.web import audit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "audit"))
from instagram_exports import Spec, write_export

pytestmark = pytest.mark.browser

SMALL = Spec(posts=4, stories=1, reels=1, other=0, archived=0, deleted=0, image_size=48)
REPORT_TITLE = "What your Facebook and Instagram exports show"


def no_sideways_scroll(page) -> bool:
    return (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )


def test_import_a_folder_see_the_progress_then_the_report(page, tmp_path, monkeypatch) -> None:
    written = write_export(tmp_path / "instagram-export", SMALL)
    gate = threading.Event()
    real = audit.audit_export

    def held(*args, **kwargs):
        gate.wait(30)  # the progress stays on screen until the test has seen it
        return real(*args, **kwargs)

    monkeypatch.setattr(audit, "audit_export", held)
    page.goto("/audit")
    assert page.title() == "Audit your Meta data · notrain"
    page.get_by_label("Where the ZIP files or the unpacked folder are").fill(str(written.paths[0]))
    screenshot(page, "audit-form")
    page.get_by_role("button", name="Read my export").click()
    page.wait_for_url("**/audit/jobs/*")
    page.locator(".job__status", has_text="Reading your export").wait_for()
    screenshot(page, "audit-progress")
    gate.set()
    page.get_by_role("heading", level=1, name=REPORT_TITLE).wait_for()
    assert page.locator("#items tbody tr").count() >= 4
    assert page.locator("img.audit-thumb").count() >= 1
    assert page.get_by_role("link", name="The report as one page").is_visible()
    screenshot(page, "audit-report")
    page.get_by_role("link", name="← All audits").click()
    assert page.get_by_role("link", name="Audit of instagram-export").is_visible()


def test_upload_a_zip_and_read_the_report_on_a_phone(page, tmp_path) -> None:
    written = write_export(tmp_path / "zips", replace(SMALL, as_zip=True))
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/audit")
    page.get_by_label("Or drop the ZIP files here").set_input_files(written.paths[0])
    assert page.get_by_text(f"Chosen: {written.paths[0].name}").is_visible()
    assert no_sideways_scroll(page)
    screenshot(page, "audit-form-375px")
    page.get_by_role("button", name="Read my export").click()
    page.get_by_role("heading", level=1, name=REPORT_TITLE).wait_for()
    assert page.get_by_text(f"{written.paths[0].name} (uploaded)").is_visible()
    assert no_sideways_scroll(page)
    screenshot(page, "audit-report-375px")
