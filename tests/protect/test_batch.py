"""End-to-end: protect real files on disk and check the results with independent readers."""

from __future__ import annotations

import hashlib

import pyexiv2
import pytest
from PIL import Image

from notrain.protect import ProtectOptions, protect_batch
from notrain.protect import batch as batch_module
from notrain.samples import sample_jpeg
from notrain.store import Database, create_identity

OWNER = "Ann Example"


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "to-post"
    folder.mkdir()
    for i, (w, h) in enumerate([(1600, 1200), (1200, 1600), (1500, 1500)]):
        (folder / f"photo-{i}.jpg").write_bytes(sample_jpeg(w, h, seed=i))
    return folder


@pytest.fixture
def db(tmp_path):
    with Database(tmp_path / "db.sqlite") as database:
        create_identity(database, "Ann Example", "ann@example.org")
        yield database


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def _options(**overrides):
    values = dict(platform="instagram", owner=OWNER, contact="ann@example.org", mark=f"© {OWNER}")
    values.update(overrides)
    return ProtectOptions(**values)


def test_protect_for_instagram_end_to_end(photos, tmp_path, db):
    before = _digests(photos)
    result = protect_batch([photos], tmp_path / "out", _options(), db=db)
    assert result.ok and result.count("done") == 3
    assert _digests(photos) == before, "originals must never change"

    by_name = {r.output.rsplit("/", 1)[-1]: r for r in result.results}
    assert Image.open(tmp_path / "out" / "photo-0.jpg").size == (1080, 810)
    assert Image.open(tmp_path / "out" / "photo-1.jpg").size == (1080, 1440), "3:4 is the tallest Instagram keeps"
    assert Image.open(tmp_path / "out" / "photo-2.jpg").size == (1080, 1080)

    meta = pyexiv2.Image(str(tmp_path / "out" / "photo-0.jpg"))
    try:
        exif, xmp, iptc = meta.read_exif(), meta.read_xmp(), meta.read_iptc()
    finally:
        meta.close()
    assert not [k for k in exif if "GPS" in k or "Serial" in k or k.startswith("Exif.Thumbnail")]
    assert exif["Exif.Image.Artist"] == OWNER
    assert xmp["Xmp.plus.DataMining"].endswith("DMI-PROHIBITED-AIMLTRAINING")
    assert iptc["Iptc.Application2.Byline"] == [OWNER]

    report = by_name["photo-0.jpg"]
    steps = {s.name: s.summary for s in report.steps}
    assert "from 1600x1200 to 1080x810" in steps["prepare"]
    assert "GPS" in steps["strip"] or "location" in steps["strip"].lower()
    survival = {s.protection: s.survives for s in report.survival}
    assert survival["Visible mark"] is True
    assert survival["Size"] is True
    assert survival["XMP rights and 'not for AI training' statement"] is False, "Instagram removes all XMP"
    assert survival["EXIF rights"] is False and survival["IPTC rights"] is False


def test_facebook_keeps_the_exif_copyright_but_not_xmp(photos, tmp_path, db):
    result = protect_batch([photos / "photo-0.jpg"], tmp_path / "out", _options(platform="facebook", mark=None), db=db)
    (report,) = result.results
    assert report.output_size == (1600, 1200)
    survival = {s.protection: s.survives for s in report.survival}
    assert survival["EXIF rights"] is True, "Facebook keeps EXIF Artist and Copyright"
    assert survival["XMP rights and 'not for AI training' statement"] is False


def test_rerun_skips_finished_work(photos, tmp_path, db):
    out = tmp_path / "out"
    protect_batch([photos], out, _options(), db=db)
    again = protect_batch([photos], out, _options(), db=db)
    assert again.count("skipped") == 3 and again.count("done") == 0
    other = protect_batch([photos], out, _options(mark="© Someone Else", overwrite=True), db=db)
    assert other.count("done") == 3, "changed options are new work"


def test_interrupted_batch_resumes_where_it_stopped(photos, tmp_path, db, monkeypatch):
    real = batch_module.protect_file
    calls = []

    def interrupt_after_first(job):
        if calls:
            raise KeyboardInterrupt
        calls.append(job)
        return real(job)

    monkeypatch.setattr(batch_module, "protect_file", interrupt_after_first)
    first = protect_batch([photos], tmp_path / "out", _options(), db=db)
    assert first.interrupted and first.count("done") == 1
    monkeypatch.setattr(batch_module, "protect_file", real)
    second = protect_batch([photos], tmp_path / "out", _options(), db=db)
    assert second.count("skipped") == 1 and second.count("done") == 2 and second.ok


def test_output_written_but_not_recorded_is_adopted_not_refused(photos, tmp_path, db):
    out = tmp_path / "out"
    protect_batch([photos / "photo-0.jpg"], out, _options(), db=db)
    db.forget(str((out / "photo-0.jpg").resolve()))
    again = protect_batch([photos / "photo-0.jpg"], out, _options(), db=db)
    assert again.count("done") == 1 and again.ok


def test_existing_foreign_output_is_not_overwritten(photos, tmp_path, db):
    out = tmp_path / "out"
    out.mkdir()
    (out / "photo-0.jpg").write_bytes(b"someone else's file")
    result = protect_batch([photos / "photo-0.jpg"], out, _options(), db=db)
    (report,) = result.results
    assert report.status == "failed" and "--overwrite" in (report.hint or "")
    assert (out / "photo-0.jpg").read_bytes() == b"someone else's file"
    assert protect_batch([photos / "photo-0.jpg"], out, _options(overwrite=True), db=db).ok


def test_bad_files_fail_alone_and_the_batch_goes_on(photos, tmp_path, db):
    good = sample_jpeg(800, 600)
    (photos / "empty.jpg").write_bytes(b"")
    (photos / "truncated.jpg").write_bytes(good[: len(good) // 2])
    (photos / "notes.jpg").write_text("not a photo")
    (photos / "huge.png").write_bytes(_png_header(100_000, 100_000))
    result = protect_batch([photos], tmp_path / "out", _options(), db=db)
    failed = {r.input.rsplit("/", 1)[-1]: r for r in result.results if r.status == "failed"}
    assert set(failed) == {"empty.jpg", "truncated.jpg", "notes.jpg", "huge.png"}
    assert result.count("done") == 3
    assert all(r.error for r in failed.values())
    assert "--max-pixels" in (failed["huge.png"].hint or "")


def _png_header(width, height):
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def test_parallel_batch_gives_the_same_outputs(photos, tmp_path, db):
    # Each output's invisible watermark names a new photo id; without it the bytes must be identical.
    serial = protect_batch([photos], tmp_path / "serial", _options(watermark=False), db=db)
    parallel = protect_batch([photos], tmp_path / "parallel", _options(watermark=False), db=db, jobs=2)
    assert serial.ok and parallel.ok
    assert _digests(tmp_path / "serial") == _digests(tmp_path / "parallel")
    marked = protect_batch([photos], tmp_path / "marked", _options(), db=db, jobs=2)
    payloads = [r.payload for r in marked.results]
    assert marked.ok and len(set(payloads)) == len(payloads) == 3
