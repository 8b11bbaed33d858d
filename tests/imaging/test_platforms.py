"""Platform profiles: every fact is sourced and dated, values are typed, bad data is refused by name."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from notrain.errors import InputError, OptionError
from notrain.imaging import Fact, Platform, get_platform, load_platforms

RAW = json.loads(resources.files("notrain").joinpath("data", "platforms.json").read_text("utf-8"))


def test_the_six_profiles_exist() -> None:
    assert list(load_platforms()) == [
        "instagram",
        "instagram-story",
        "facebook",
        "x",
        "web",
        "original",
    ]
    assert all(isinstance(p, Platform) and p.label and p.summary for p in load_platforms().values())


def test_every_fact_has_a_source_url_and_a_checked_date() -> None:
    count = 0
    for name, entry in RAW["platforms"].items():
        for key, fact in entry["facts"].items():
            assert fact["source"].startswith(("https://", "http://")), (name, key)
            assert date.fromisoformat(fact["checked"]) <= date.today(), (name, key)
            assert fact["text"].strip().endswith((".", ")")), (name, key)
            count += 1
    parsed = [fact for platform in load_platforms().values() for fact in platform.facts]
    assert len(parsed) == count > 30
    assert all(isinstance(fact, Fact) and isinstance(fact.checked, date) for fact in parsed)


def test_instagram_facts() -> None:
    instagram = get_platform("instagram")
    assert (instagram.min_width, instagram.max_width) == (320, 1080)
    assert instagram.aspect_range == (0.75, 1.91)
    assert instagram.quality_range == (70, 85) and instagram.subsampling == "4:2:0"
    assert instagram.exif_kept == frozenset() and instagram.iim_kept == frozenset()
    assert not instagram.xmp_kept and not instagram.served_as_uploaded
    assert instagram.fact("max_width").source == "https://help.instagram.com/1631821640426723"


def test_facebook_facts() -> None:
    facebook = get_platform("facebook")
    assert facebook.max_long_edge == 2048
    assert facebook.exif_kept == {0x013B, 0x8298}
    assert facebook.iim_kept == {(2, 80), (2, 110), (2, 116)}
    ((record, number, value),) = facebook.iim_injected
    assert (record, number) == (2, 103) and value.startswith(b"FBMD")
    assert not facebook.xmp_kept
    assert facebook.fact("xmp_kept").source.startswith("https://iptc.org/")


def test_other_profiles() -> None:
    assert get_platform("instagram-story").fixed_size == (1080, 1920)
    assert get_platform("x").max_size == (4096, 4096)
    assert get_platform("x").exif_kept == frozenset()
    web, original = get_platform("web"), get_platform("original")
    assert web.max_long_edge == 2048 and web.quality_range is None and web.served_as_uploaded
    assert original.facts == () and original.quality_range is None
    assert web.xmp_kept and web.icc_kept


def test_fact_lookup() -> None:
    assert get_platform("facebook").fact("max_long_edge").value == 2048
    with pytest.raises(KeyError, match="max_width"):
        get_platform("facebook").fact("max_width")


def test_unknown_platform_lists_the_known_ones() -> None:
    with pytest.raises(OptionError) as caught:
        get_platform("tiktok")
    assert "tiktok" in caught.value.message
    for name in ("instagram", "facebook", "x", "web", "original"):
        assert name in caught.value.hint


def test_loading_is_cached_and_returns_a_fresh_dict() -> None:
    first, second = load_platforms(), load_platforms()
    assert first is not second and first["instagram"] is second["instagram"]
    first.clear()
    assert load_platforms()


def write(tmp_path: Path, fact: dict, key: str = "max_width") -> Path:
    document = {
        "platforms": {
            "demo": {"label": "Demo", "summary": "A test platform.", "facts": {key: fact}}
        }
    }
    path = tmp_path / "platforms.json"
    path.write_text(json.dumps(document))
    return path


GOOD = {
    "value": 1080,
    "text": "Wider photos are scaled down.",
    "source": "https://example.org/",
    "checked": "2026-11-26",
}


def test_a_good_file_loads(tmp_path: Path) -> None:
    demo = load_platforms(write(tmp_path, GOOD))["demo"]
    assert demo.max_width == 1080 and demo.fact("max_width").checked == date(2026, 11, 26)


@pytest.mark.parametrize("checked", ["26/11/2026", "2026-13-01", "", 20261126, None])
def test_malformed_checked_date_is_rejected_by_name(tmp_path: Path, checked: object) -> None:
    with pytest.raises(InputError) as caught:
        load_platforms(write(tmp_path, {**GOOD, "checked": checked}))
    message = str(caught.value)
    assert "'demo'" in message and "'max_width'" in message and "ISO date" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"source": "see the help page"}, "source URL"),
        ({"source": None}, "source URL"),
        ({"text": ""}, "no text"),
        ({"value": "wide"}, "bad value"),
        ({"value": -3}, "bad value"),
    ],
)
def test_other_bad_facts_are_rejected_by_name(tmp_path: Path, change: dict, expected: str) -> None:
    with pytest.raises(InputError, match=expected) as caught:
        load_platforms(write(tmp_path, {**GOOD, **change}))
    assert "'max_width'" in str(caught.value)


def test_unknown_fact_and_bad_json(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a known fact"):
        load_platforms(write(tmp_path, GOOD, key="max_widht"))
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(InputError, match="not valid JSON"):
        load_platforms(broken)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("recompress_quality", [90, 70]),
        ("recompress_subsampling", "4:1:1"),
        ("iim_injected", [[2, 103]]),
        ("xmp_kept", "no"),
        ("aspect_min", [3, 0]),
    ],
)
def test_typed_values_are_checked(tmp_path: Path, key: str, value: object) -> None:
    with pytest.raises(InputError, match="bad value"):
        load_platforms(write(tmp_path, {**GOOD, "value": value}, key=key))
