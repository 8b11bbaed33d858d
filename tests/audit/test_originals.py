"""Matching exported photos (Meta's downscaled re-encodes) to the person's originals."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PIL import Image

from notrain.audit.archive import Export
from notrain.audit.instagram import read_instagram
from notrain.audit.inventory import build
from notrain.audit.model import MediaKind
from notrain.audit.originals import hash_originals, match_originals
from notrain.audit.reading import Exports
from notrain.samples import make_photo

sys.path.insert(0, str(Path(__file__).parent))
from instagram_exports import Spec, write_export


def exif_with_time(moment: str) -> Image.Exif:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = moment
    return exif


@pytest.fixture
def export_and_originals(tmp_path):
    written = write_export(
        tmp_path / "export", Spec(posts=8, stories=0, reels=0, other=0, archived=0, deleted=0)
    )
    root = written.paths[0]
    photos = [e for e in written.items if e.present and not e.is_video and e.kind == MediaKind.POST]
    originals = tmp_path / "Pictures"
    originals.mkdir()
    for seed, expected in enumerate(photos):
        picture = make_photo(1600, 1200, seed=seed)
        # Meta's copy: 1080 wide... here 320, re-encoded at a low quality, no metadata.
        small = picture.resize((320, 240), Image.Resampling.LANCZOS)
        member = root / expected.uri
        small.save(member, "JPEG", quality=70)
        if seed < len(photos) - 1:  # the last exported photo has no original
            picture.save(
                originals / f"IMG_{seed:04d}.jpg",
                quality=92,
                exif=exif_with_time(f"2019:05:0{seed + 1} 10:00:00"),
            )
    make_photo(1600, 1200, seed=77).save(originals / "unrelated.jpg", quality=92)
    # A burst: the same scene as photo 0, taken a minute later.
    make_photo(1600, 1200, seed=0).rotate(0.3).save(
        originals / "IMG_0000_burst.jpg", quality=92, exif=exif_with_time("2019:05:01 10:01:00")
    )
    (originals / "notes.txt").write_text("not a photo")
    (originals / "broken.jpg").write_bytes(b"\xff\xd8\xff garbage")
    return written, photos, originals


def test_each_exported_photo_finds_its_original(export_and_originals):
    written, photos, originals = export_and_originals
    hashed, failed = hash_originals([originals])
    assert len(photos) >= 4
    names = {o.path.name for o in hashed}
    expected_names = {f"IMG_{i:04d}.jpg" for i in range(len(photos) - 1)}
    assert names == expected_names | {"IMG_0000_burst.jpg", "unrelated.jpg"}
    assert [p.name for p, _ in failed] == ["broken.jpg"]
    with Export.open(written.paths) as export:
        reading = read_instagram(export)
        inventory = build(reading.items, [reading.account])
        matches = {m.item.uri: m for m in match_originals(inventory, Exports({"instagram": export}), hashed)}
    for seed, expected in enumerate(photos[:-1]):
        match = matches[expected.uri]
        assert match.original is not None and match.original.name in (
            f"IMG_{seed:04d}.jpg",
            f"IMG_{seed:04d}_burst.jpg",
        ), match
        assert match.distance is not None and match.distance <= 31
    assert matches[photos[-1].uri].original is None
    assert "nearest" in matches[photos[-1].uri].reason


def test_capture_time_breaks_a_tie_between_near_identical_originals(export_and_originals):
    written, photos, originals = export_and_originals
    hashed, _ = hash_originals([originals])
    with Export.open(written.paths) as export:
        reading = read_instagram(export)
        inventory = build(reading.items, [reading.account])
        first = next(i for i in inventory.items if i.uri == photos[0].uri)
        from dataclasses import replace
        from datetime import UTC, datetime

        for minute, name in ((0, "IMG_0000.jpg"), (1, "IMG_0000_burst.jpg")):
            moved = replace(first, taken_at=datetime(2019, 5, 1, 10, minute, 10, tzinfo=UTC))
            narrowed = replace(inventory, items=(moved,))
            (match,) = match_originals(narrowed, Exports({"instagram": export}), hashed)
            assert match.original is not None and match.original.name == name
            assert "capture time" in match.reason


def test_no_originals_means_no_matches(export_and_originals):
    written, _photos, _ = export_and_originals
    with Export.open(written.paths) as export:
        reading = read_instagram(export)
        inventory = build(reading.items, [reading.account])
        matches = match_originals(inventory, Exports({"instagram": export}), [])
    assert matches and all(m.original is None for m in matches)
