"""Verify and scan: real protected outputs, real re-encodes, and every verdict a file can get."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from notrain.errors import InputError, UnsupportedFormatError
from notrain.protect import (
    ProtectOptions,
    UnverifiableImageError,
    protect_batch,
    scan_folder,
    verify_image,
)
from notrain.protect.scan import CSV_COLUMNS
from notrain.samples import make_photo
from notrain.store import Database, Identity, create_identity
from notrain.watermark import Payload, embed_watermark

OTHER_OWNER = 0x0A1B2C3
UNKNOWN_MESSAGE = "f123456789abcdef"
"""A mark made with ``notrain watermark embed --message``: version bits 0xF, not a notrain payload."""


@dataclass(frozen=True)
class World:
    db: Database
    ann: Identity
    marked: Path
    """Protected for Instagram with the invisible watermark, from IMG_1234.jpg."""
    unmarked: Path
    """Protected without the watermark (--no-watermark), from IMG_5678.jpg: findable by perceptual hash only."""
    folder: Path


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("verify")
    originals = root / "originals"
    originals.mkdir()
    (originals / "IMG_1234.jpg").write_bytes(_jpeg(make_photo(1200, 900, seed=11), 92))
    (originals / "IMG_5678.jpg").write_bytes(_jpeg(make_photo(1200, 900, seed=12), 92))
    db = Database(root / "notrain.db")
    ann = create_identity(db, "Ann", "ann@example.com")
    options = ProtectOptions(platform="instagram", owner="Ann")
    marked = protect_batch([originals / "IMG_1234.jpg"], root / "out", options, db=db)
    plain = ProtectOptions(platform="instagram", owner="Ann", watermark=False)
    unmarked = protect_batch([originals / "IMG_5678.jpg"], root / "out", plain, db=db)
    assert marked.ok and unmarked.ok
    yield World(
        db=db, ann=ann, marked=Path(marked.results[0].output or ""),
        unmarked=Path(unmarked.results[0].output or ""), folder=root,
    )
    db.close()


def _write(path: Path, image: Image.Image) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path


def _marked_photo(message: bytes, *, seed: int) -> Image.Image:
    return embed_watermark(make_photo(960, 720, seed=seed), message)


def test_a_protected_output_is_yours(world):
    verdict = verify_image(world.marked, world.db)
    assert verdict.status == "yours" and verdict.how == "both"
    assert verdict.payload is not None and verdict.payload.owner_id == world.ann.owner_id
    assert verdict.payload.no_ai_training
    record = verdict.record
    assert record is not None and record.output_path == str(world.marked.resolve())
    assert verdict.matches[0].by_watermark
    assert verdict.pdq_distance is not None and verdict.pdq_distance <= 8, "the registry hashes the pixels before encoding"
    assert verdict.summary == (
        f"yours: protected on {record.created_at[:10]} from IMG_1234.jpg for Instagram (feed post), "
        "not-for-AI-training flag set"
    )
    assert any("DMI-PROHIBITED-AIMLTRAINING" in f.value for f in verdict.reading.rights)
    assert any("This file is that protected copy" in line for line in verdict.evidence)
    json.dumps(verdict.as_dict())


def test_a_recompressed_smaller_copy_is_yours_by_watermark(world, tmp_path):
    output = Image.open(world.marked).convert("RGB")
    smaller = output.resize((round(output.width * 0.8), round(output.height * 0.8)), Image.Resampling.LANCZOS)
    copy = tmp_path / "downloaded.jpg"
    copy.write_bytes(_jpeg(smaller, 70))

    verdict = verify_image(copy, world.db)
    assert verdict.status == "yours"
    assert verdict.reading.detection.found
    assert verdict.matches[0].by_watermark
    assert verdict.record is not None and verdict.record.payload == verdict.reading.detection.message_hex
    assert verdict.reading.rights == (), "a re-encode carries no metadata"


@pytest.mark.parametrize(
    ("transpose", "words"),
    [
        (Image.Transpose.ROTATE_270, "rotated 90° clockwise"),
        (Image.Transpose.ROTATE_90, "rotated 90° counter-clockwise"),
        (Image.Transpose.FLIP_LEFT_RIGHT, "mirrored left to right"),
    ],
)
def test_a_turned_copy_without_a_mark_is_found_by_perceptual_hash(world, tmp_path, transpose, words):
    copy = _write(tmp_path / "turned.png", Image.open(world.unmarked).transpose(transpose))
    verdict = verify_image(copy, world.db)
    assert not verdict.reading.detection.found
    assert verdict.status == "yours" and verdict.how == "perceptual"
    assert verdict.record is not None and verdict.record.output_path == str(world.unmarked.resolve())
    match = verdict.matches[0]
    assert not match.by_watermark and match.orientation == words
    assert match.distance is not None and match.distance <= 10
    assert verdict.summary.startswith(f"looks like your photo (perceptual match, distance {match.distance}): ")
    assert "IMG_5678.jpg" in verdict.summary
    assert any("near-duplicate" in line for line in verdict.evidence)


def test_a_turned_marked_copy_is_found_both_ways(world, tmp_path):
    copy = _write(tmp_path / "turned.png", Image.open(world.marked).transpose(Image.Transpose.ROTATE_90))
    verdict = verify_image(copy, world.db)
    assert verdict.status == "yours" and verdict.how == "both"
    assert re.fullmatch(r"watermark and perceptual hash \(distance \d, rotated 90° counter-clockwise\)", verdict.matches[0].how)


def test_a_photo_marked_by_someone_else(world, tmp_path):
    payload = Payload(owner_id=OTHER_OWNER, image_id=5)
    path = _write(tmp_path / "theirs.png", _marked_photo(payload.to_bytes(), seed=21))
    verdict = verify_image(path, world.db)
    assert verdict.status == "someone-else" and verdict.how == "watermark"
    assert verdict.payload == payload and verdict.matches == ()
    assert verdict.summary == "marked by someone else's notrain identity (owner 0a1b2c3), not-for-AI-training flag set"


def test_a_codec_mark_that_is_not_a_notrain_payload(world, tmp_path):
    path = _write(tmp_path / "raw.png", _marked_photo(bytes.fromhex(UNKNOWN_MESSAGE), seed=22))
    verdict = verify_image(path, world.db)
    assert verdict.status == "marked-unknown" and verdict.payload is None
    assert verdict.reading.detection.message_hex == UNKNOWN_MESSAGE
    assert verdict.payload_error and "version 15" in verdict.payload_error
    assert UNKNOWN_MESSAGE in verdict.summary


def test_an_unrelated_photo_is_not_found(world, tmp_path):
    path = _write(tmp_path / "unrelated.jpg", make_photo(900, 700, seed=31))
    verdict = verify_image(path, world.db)
    assert verdict.status == "not-found" and verdict.how == "" and verdict.matches == ()
    assert verdict.summary == "not found: no watermark, no match among 2 registered photos"
    assert verdict.row()["registry_id"] is None


def test_a_photo_with_too_little_detail_is_not_compared(world, tmp_path):
    ramp = np.tile(np.linspace(0, 255, 800, dtype=np.uint8), (600, 1))
    path = _write(tmp_path / "ramp.png", Image.fromarray(np.stack([ramp] * 3, axis=-1)))
    verdict = verify_image(path, world.db)
    assert verdict.status == "not-found"
    assert "too little detail" in verdict.summary
    assert any(line.startswith("Perceptual hash: not compared") for line in verdict.evidence)


def test_your_watermark_without_a_record_is_still_yours(world, tmp_path):
    payload = Payload(owner_id=world.ann.owner_id, image_id=4242)
    path = _write(tmp_path / "restored.png", _marked_photo(payload.to_bytes(), seed=23))
    verdict = verify_image(path, world.db)
    assert verdict.status == "yours" and verdict.how == "watermark" and verdict.record is None
    assert "no record" in verdict.summary and "photo #4242" in verdict.summary


def test_a_retired_identity_still_counts_as_yours(tmp_path):
    with Database(tmp_path / "db.sqlite") as db:
        old = create_identity(db, "Ann", "ann@example.com")
        create_identity(db, "Ann", "ann@example.org")
        path = _write(tmp_path / "old.png", _marked_photo(Payload(owner_id=old.owner_id, image_id=1).to_bytes(), seed=24))
        assert verify_image(path, db).status == "yours"


def test_files_that_cannot_be_checked_say_why(world, tmp_path):
    tiny = _write(tmp_path / "tiny.png", make_photo(50, 40, seed=1))
    with pytest.raises(UnverifiableImageError, match=r"too small to check \(50x40 pixels\)"):
        verify_image(tiny, world.db)
    black = _write(tmp_path / "black.jpg", Image.new("RGB", (800, 600)))
    with pytest.raises(UnverifiableImageError, match="single flat colour"):
        verify_image(black, world.db)
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo\n")
    with pytest.raises(UnsupportedFormatError, match=r"notes\.jpg is not an image format") as error:
        verify_image(text, world.db)
    assert error.value.hint and "JPEG" in error.value.hint
    with pytest.raises(InputError, match="no such file"):
        verify_image(tmp_path / "missing.jpg", world.db)


def _mixed_folder(world: World, root: Path) -> Path:
    """A folder with one file of each kind, some in a subfolder, and a text file that is skipped silently."""
    folder = root / "found"
    folder.mkdir()
    output = Image.open(world.marked).convert("RGB")
    (folder / "copy.jpg").write_bytes(_jpeg(output.resize((864, 648), Image.Resampling.LANCZOS), 70))
    _write(folder / "sub" / "turned.png", Image.open(world.unmarked).transpose(Image.Transpose.ROTATE_270))
    _write(folder / "sub" / "theirs.png", _marked_photo(Payload(owner_id=OTHER_OWNER, image_id=5).to_bytes(), seed=21))
    _write(folder / "raw.png", _marked_photo(bytes.fromhex(UNKNOWN_MESSAGE), seed=22))
    _write(folder / "unrelated.jpg", make_photo(900, 700, seed=31))
    _write(folder / "sub" / "tiny.png", make_photo(50, 40, seed=1))
    _write(folder / "black.jpg", Image.new("RGB", (800, 600)))
    (folder / "notes.jpg").write_text("not a photo\n")
    (folder / "readme.txt").write_text("not an image suffix: not even looked at\n")
    return folder


EXPECTED_COUNTS = {
    "scanned": 5, "yours": 2, "someone-else": 1, "marked-unknown": 1, "not-found": 1, "skipped": 3,
}


def test_scan_counts_every_kind_and_writes_reports(world, tmp_path):
    folder = _mixed_folder(world, tmp_path)
    seen = []
    result = scan_folder(folder, world.db, on_start=seen.append, on_result=seen.append)
    assert seen[0] == 8 and len(seen) == 9
    assert result.counts == EXPECTED_COUNTS and not result.interrupted
    assert {v.path.name: v.status for v in result.matches} == {
        "copy.jpg": "yours", "turned.png": "yours", "theirs.png": "someone-else", "raw.png": "marked-unknown",
    }
    assert {s.path.name for s in result.skipped} == {"tiny.png", "black.jpg", "notes.jpg"}

    result.write_csv(tmp_path / "report.csv")
    with open(tmp_path / "report.csv", newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        rows = {Path(row["file"]).name: row for row in reader}
    assert len(rows) == 8
    copy = rows["copy.jpg"]
    assert copy["status"] == "yours" and copy["how"] == "both"
    assert copy["owner_id"] == f"{world.ann.owner_id:07x}" and copy["no_ai_training"] == "true"
    assert copy["original"].endswith("IMG_1234.jpg") and copy["platform"] == "Instagram (feed post)"
    assert float(copy["confidence"]) >= 0.55 and copy["registry_id"]
    assert rows["turned.png"]["how"] == "perceptual" and rows["turned.png"]["message"] == ""
    assert rows["theirs.png"]["owner_id"] == "0a1b2c3" and rows["theirs.png"]["image_id"] == "5"
    assert rows["notes.jpg"]["status"] == "skipped" and "not an image format" in rows["notes.jpg"]["summary"]

    result.write_json(tmp_path / "report.json")
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert report["counts"] == EXPECTED_COUNTS and report["interrupted"] is False
    by_name = {Path(item["file"]).name: item for item in report["files"]}
    assert by_name["copy.jpg"]["registry"][0]["how"].startswith("watermark and perceptual hash")
    assert by_name["black.jpg"]["status"] == "skipped" and "flat colour" in by_name["black.jpg"]["error"]


def test_scan_without_subfolders(world, tmp_path):
    result = scan_folder(_mixed_folder(world, tmp_path), world.db, recursive=False)
    assert result.counts["scanned"] == 3 and result.counts["skipped"] == 2


def test_scan_in_two_processes_gives_the_same_verdicts(world, tmp_path):
    folder = _mixed_folder(world, tmp_path)
    one = scan_folder(folder, world.db)
    two = scan_folder(folder, world.db, jobs=2)
    assert two.counts == one.counts
    assert sorted((str(v.path), v.status, v.summary) for v in two.verdicts) == sorted(
        (str(v.path), v.status, v.summary) for v in one.verdicts
    )


def test_ctrl_c_keeps_what_was_scanned(world, tmp_path):
    folder = _mixed_folder(world, tmp_path)
    done = []

    def interrupt_after_two(outcome):
        done.append(outcome)
        if len(done) == 2:
            raise KeyboardInterrupt

    result = scan_folder(folder, world.db, on_result=interrupt_after_two)
    assert result.interrupted
    assert len(result.verdicts) + len(result.skipped) == 2
