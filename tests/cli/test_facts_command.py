"""``notrain facts``: listing with age and source, obsolete marks, filters, JSON, and the warning."""

from __future__ import annotations

import calendar
import json
from datetime import date

import pytest
from click.testing import CliRunner

from notrain.cli import main
from notrain.rights.facts import load_facts

TODAY = "2026-11-26"


@pytest.fixture
def runner():
    return CliRunner()


def six_months_later(day: date) -> date:
    """Calendar arithmetic written out again here, as an independent reading of the rule."""
    month = day.month + 6
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expected_stale(today: date) -> list[str]:
    return [f.key for f in load_facts() if not f.obsolete and six_months_later(f.checked) < today]


def test_help_has_examples(runner):
    result = runner.invoke(main, ["facts", "--help"])
    assert result.exit_code == 0 and "Examples" in result.output


def test_lists_current_facts_with_age_and_source(runner):
    result = runner.invoke(main, ["facts", "--today", TODAY])
    assert result.exit_code == 0, result.output
    for item in load_facts():
        assert (item.key in result.stdout) != item.obsolete, item.key
    form = next(f for f in load_facts() if f.key == "form.facebook.objection")
    age = (date.fromisoformat(TODAY) - form.checked).days
    assert f"{age} days ago" in result.stdout
    assert "Objection forms" in result.stdout and "Privacy settings" in result.stdout
    assert "(obsolete)" not in result.stdout


def test_all_includes_and_marks_obsolete_facts(runner):
    result = runner.invoke(main, ["facts", "--all", "--today", TODAY])
    assert result.exit_code == 0
    assert "form.facebook.objection-2024 (obsolete)" in result.stdout
    assert "form.instagram.objection-2024 (obsolete)" in result.stdout


def test_platform_filter(runner):
    result = runner.invoke(main, ["facts", "--platform", "instagram", "--json", "--today", TODAY])
    listed = json.loads(result.stdout)
    assert listed and all(f["platform"] in (None, "instagram") for f in listed)
    assert "path.instagram.iphone" in {f["key"] for f in listed}
    assert runner.invoke(main, ["facts", "--platform", "myspace"]).exit_code == 2


def test_json_has_age_staleness_and_sources(runner):
    result = runner.invoke(main, ["facts", "--json", "--all", "--today", TODAY])
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    assert len(listed) == len(load_facts())
    today = date.fromisoformat(TODAY)
    stale = set(expected_stale(today))
    for entry in listed:
        checked = date.fromisoformat(entry["checked"])
        assert entry["age_days"] == (today - checked).days
        assert entry["stale"] == (entry["key"] in stale)
        assert entry["source"].startswith("https://")
        if entry["obsolete"]:
            assert not entry["stale"]


def test_warns_on_stderr_naming_the_stale_facts_and_exits_0(runner):
    today = date.fromisoformat(TODAY)
    stale = expected_stale(today)
    assert stale, "the data should have facts older than six months on this date"
    result = runner.invoke(main, ["facts", "--today", TODAY])
    assert result.exit_code == 0
    assert "Warning" in result.stderr and f"{len(stale)} of these facts" in result.stderr
    for key in stale:
        assert key in result.stderr
    fresh = [f.key for f in load_facts() if f.key not in stale and not f.obsolete]
    for key in fresh:
        assert f"{key}," not in result.stderr and f"{key}." not in result.stderr
    assert "Warning" not in result.stdout


def test_no_warning_when_everything_was_checked_recently(runner):
    earliest = min(f.checked for f in load_facts() if not f.obsolete)
    result = runner.invoke(main, ["facts", "--today", earliest.isoformat()])
    assert result.exit_code == 0
    assert result.stderr == ""


def test_the_warning_appears_the_day_after_six_calendar_months(runner):
    newest = max(f.checked for f in load_facts() if not f.obsolete)
    newest_keys = {f.key for f in load_facts() if f.checked == newest and not f.obsolete}
    edge = six_months_later(newest)
    on_edge = runner.invoke(main, ["facts", "--json", "--today", edge.isoformat()])
    listed = {f["key"]: f for f in json.loads(on_edge.stdout)}
    assert not any(listed[key]["stale"] for key in newest_keys)
    assert not any(
        f"{key}," in on_edge.stderr or f"{key}." in on_edge.stderr for key in newest_keys
    )
    after = date.fromordinal(edge.toordinal() + 1).isoformat()
    result = runner.invoke(main, ["facts", "--today", after])
    assert all(key in result.stderr for key in newest_keys)
