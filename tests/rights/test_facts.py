"""Meta's facts: every one sourced and dated, the ones the objection needs present, staleness by
calendar months."""

from __future__ import annotations

import json
import re
from datetime import date
from importlib import resources
from urllib.parse import urlparse

import pytest

import notrain.rights.facts as facts_module
from notrain.errors import NotrainError, OptionError
from notrain.rights.facts import (
    checklist,
    coverage,
    fact,
    facts_for,
    in_app_path,
    is_stale,
    load_facts,
    objection_form,
    stale_facts,
    third_party_form,
)
from notrain.rights.model import DEVICES, PLATFORMS, Fact

RAW = json.loads(
    resources.files("notrain").joinpath("data", "rights", "meta.json").read_text("utf-8")
)["facts"]


def made(checked: date, *, obsolete: bool = False, key: str = "test.fact") -> Fact:
    return Fact(
        key=key,
        title="t",
        value="v",
        source="https://example.org",
        checked=checked,
        obsolete=obsolete,
    )


@pytest.mark.parametrize("entry", RAW, ids=[e["key"] for e in RAW])
def test_every_fact_has_a_source_url_and_an_iso_checked_date(entry):
    url = urlparse(entry["source"])
    assert url.scheme == "https" and url.netloc, entry["source"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["checked"])
    assert date.fromisoformat(entry["checked"]) <= date.today()
    assert entry["title"].strip() and entry["value"].strip()
    assert entry.get("platform") in (None, *PLATFORMS)
    assert entry.get("device") in (None, *DEVICES)


def test_the_loader_reads_every_entry_once():
    loaded = load_facts()
    assert [f.key for f in loaded] == [e["key"] for e in RAW]
    assert len({f.key for f in loaded}) == len(loaded)
    assert all(isinstance(f.checked, date) for f in loaded)


def test_third_party_guides_say_so():
    for item in load_facts():
        if item.key.startswith("path.") or item.key.startswith("checklist."):
            assert "guide" in item.note or "third-party" in item.note or "how-to" in item.note, (
                item.key
            )


def test_current_forms_are_the_2025_links():
    assert (
        objection_form("facebook").value == "https://www.facebook.com/help/contact/712876720715583"
    )
    assert objection_form("instagram").value == "https://help.instagram.com/contact/767264225370182"
    assert not objection_form("facebook").obsolete and not objection_form("instagram").obsolete
    assert third_party_form().value == "https://www.facebook.com/help/contact/510058597920541"
    assert fact("form.generative-ai-rights").value.endswith("/1266025207620918")
    assert fact("link.privacy-policy.objection").value == "https://help.meta.com/support/privacy/"


def test_the_2024_forms_are_kept_but_obsolete():
    old = {f.value for f in load_facts() if f.obsolete}
    assert "https://www.facebook.com/help/contact/6359191084165019" in old
    assert "https://help.instagram.com/contact/233964459562201" in old
    assert all(f.obsolete for f in load_facts() if "2024" in f.key)


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize("device", DEVICES)
def test_an_in_app_path_for_every_platform_and_device(platform, device):
    path = in_app_path(platform, device)
    assert path.platform == platform and path.device == device
    assert path.value.count(">") >= 3, path.value


def test_app_paths_given_once_are_recorded_per_device_with_the_same_steps():
    for platform in PLATFORMS:
        assert in_app_path(platform, "android").value == in_app_path(platform, "iphone").value
    assert "Android and iPhone" in in_app_path("facebook", "android").note


def test_coverage_says_what_is_and_is_not_covered():
    text = " ".join(f.value for f in coverage()).lower()
    for needle in (
        "public posts",
        "adults",
        "private messages",
        "future",
        "third-party form",
        "accounts center",
        "pages cannot object",
    ):
        assert needle in text, needle


def test_who_can_object():
    assert "EU/EEA, the UK and Brazil" in fact("eligibility.documented").value
    assert "Unconfirmed" in fact("eligibility.other").value
    assert "No form and no opt-out" in fact("eligibility.us").value


def test_checklist_per_platform():
    facebook = {f.key for f in checklist(["facebook"])}
    instagram = {f.key for f in checklist(["instagram"])}
    assert facebook == {
        "checklist.facebook.limit-past-posts",
        "checklist.facebook.profile-cover-public",
        "checklist.facebook.tag-review",
        "checklist.facebook.default-audience",
    }
    assert instagram == {"checklist.instagram.private-account", "checklist.instagram.tag-review"}
    assert {f.key for f in checklist(PLATFORMS)} == facebook | instagram
    assert checklist([]) == []
    with_paths = [
        f for f in checklist(PLATFORMS) if f.key != "checklist.facebook.profile-cover-public"
    ]
    assert all(">" in f.value for f in with_paths)


def test_facts_for_filters_platform_device_and_obsolete():
    instagram = facts_for("instagram")
    assert all(f.platform in (None, "instagram") for f in instagram)
    assert not any(f.obsolete for f in instagram)
    assert any(f.platform is None for f in instagram)
    assert any(f.obsolete for f in facts_for("instagram", include_obsolete=True))
    iphone = facts_for(device="iphone")
    assert {f.key for f in iphone if f.device} == {"path.facebook.iphone", "path.instagram.iphone"}
    assert len(facts_for(include_obsolete=True)) == len(load_facts())


def test_unknown_key_platform_or_device_is_refused_with_the_valid_choices():
    with pytest.raises(NotrainError) as caught:
        fact("form.tiktok.objection")
    assert "form.facebook.objection" in caught.value.hint
    with pytest.raises(OptionError, match="facebook, instagram"):
        objection_form("tiktok")
    with pytest.raises(OptionError, match="desktop, android, iphone"):
        in_app_path("facebook", "blackberry")
    with pytest.raises(OptionError):
        checklist(["myspace"])


def test_a_fact_without_a_valid_date_is_refused_by_name():
    entry = {
        "key": "x.y",
        "title": "t",
        "value": "v",
        "source": "https://e.org",
        "checked": "2026-13-01",
    }
    with pytest.raises(NotrainError, match="x.y"):
        facts_module._parse(entry)
    with pytest.raises(NotrainError, match="source"):
        facts_module._parse({**entry, "checked": "2026-01-01", "source": "somewhere"})


@pytest.mark.parametrize(
    ("checked", "today", "stale"),
    [
        (date(2026, 5, 25), date(2026, 11, 26), True),
        (date(2026, 5, 26), date(2026, 11, 26), False),
        (date(2026, 5, 26), date(2026, 11, 27), True),
        # six months after 31 August is the last day of February; 1 March is only 182 days
        # after 31 August, so a 183-day rule would wrongly still call it fresh
        (date(2026, 8, 31), date(2027, 2, 28), False),
        (date(2026, 8, 31), date(2027, 3, 1), True),
        (date(2027, 8, 31), date(2028, 2, 29), False),
        (date(2027, 8, 31), date(2028, 3, 1), True),
        (date(2026, 3, 31), date(2026, 9, 30), False),
        (date(2026, 3, 31), date(2026, 10, 1), True),
        # calendar months, not 180 days: 181 days here, and still fresh
        (date(2026, 1, 1), date(2026, 7, 1), False),
        (date(2026, 11, 26), date(2026, 11, 26), False),
    ],
)
def test_stale_after_six_calendar_months(checked, today, stale):
    assert is_stale(made(checked), today) is stale


def test_stale_facts_uses_the_data_and_skips_obsolete(monkeypatch):
    data = (
        made(date(2026, 5, 25), key="old"),
        made(date(2026, 5, 26), key="fresh"),
        made(date(2020, 1, 1), key="history", obsolete=True),
    )
    monkeypatch.setattr(facts_module, "load_facts", lambda: data)
    assert [f.key for f in stale_facts(date(2026, 11, 26))] == ["old"]
    assert [f.key for f in stale_facts(date(2026, 11, 26), months=7)] == []
    assert [f.key for f in stale_facts(date(2026, 6, 26), months=1)] == ["old"]


def test_stale_facts_on_the_real_data():
    current = [f for f in load_facts() if not f.obsolete]
    assert stale_facts(min(f.checked for f in current)) == []
    assert {f.key for f in stale_facts(date(2100, 1, 1))} == {f.key for f in current}
