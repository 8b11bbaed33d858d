"""The pipeline on the inputs people actually have: iPhone HEIC in Display P3, PNG with transparency, WebP."""

from __future__ import annotations

import io

import numpy as np
import pillow_heif
import pyexiv2
import pytest
from imaging.imaging_synth import P3_PRIMARIES, display_p3, expected_srgb, srgb_decode
from PIL import Image
from support import SHARED, requires_shared

from notrain.protect import ProtectOptions, protect_batch
from notrain.samples import sample_exif
from notrain.store import Database, create_identity

P3_COLOUR = np.array([[200, 60, 60]], dtype=np.uint8)


@pytest.fixture
def db(tmp_path):
    with Database(tmp_path / "db.sqlite") as database:
        create_identity(database, "Ann Example", "ann@example.org")
        yield database


def _iphone_heic(path, *, width=1200, height=1600):
    """A HEIC as an iPhone writes it: stored sideways with orientation 6, Display P3, GPS in EXIF."""
    image = Image.new("RGB", (width, height), tuple(int(v) for v in P3_COLOUR[0]))
    exif = sample_exif(orientation=6).tobytes()
    heif = pillow_heif.from_pillow(image)
    buf = io.BytesIO()
    heif.save(buf, format="HEIF", quality=95, exif=exif, icc_profile=display_p3())
    path.write_bytes(buf.getvalue())
    return path


def test_iphone_heic_in_display_p3_is_turned_upright_converted_to_srgb_and_stripped(tmp_path, db):
    (tmp_path / "in").mkdir()
    source = _iphone_heic(tmp_path / "in" / "IMG_0001.HEIC")
    result = protect_batch([source], tmp_path / "out", ProtectOptions(platform="instagram", owner="Ann"), db=db)
    (report,) = result.results
    assert report.status == "done", report.error
    assert report.input_size == (1600, 1200), "orientation 6 turns the 1200x1600 stored image upright"
    output = tmp_path / "out" / "IMG_0001.jpg"
    with Image.open(output) as im:
        assert im.size == (1080, 810)
        centre = np.asarray(im.convert("RGB"))[300:500, 400:600].reshape(-1, 3).mean(axis=0)
    expected = expected_srgb(P3_COLOUR, P3_PRIMARIES, srgb_decode)[0]
    assert np.abs(centre - expected).max() <= 4, (centre, expected)
    assert np.abs(centre - P3_COLOUR[0]).max() > 10, "without conversion the P3 values would pass through"
    meta = pyexiv2.Image(str(output))
    try:
        exif = meta.read_exif()
    finally:
        meta.close()
    assert not [k for k in exif if "GPS" in k or "Serial" in k]
    assert "Exif.Image.Orientation" not in exif or exif["Exif.Image.Orientation"] == "1"


def test_transparent_png_stays_png_for_the_web_and_becomes_jpeg_for_instagram(tmp_path, db):
    (tmp_path / "in").mkdir()
    logo = Image.new("RGBA", (900, 600), (0, 0, 0, 0))
    logo.paste((30, 120, 220, 255), (100, 100, 800, 500))
    logo.save(tmp_path / "in" / "art.png")
    web = protect_batch([tmp_path / "in"], tmp_path / "web", ProtectOptions(platform="web"), db=db)
    assert web.ok
    with Image.open(tmp_path / "web" / "art.png") as im:
        assert im.mode == "RGBA" and im.getpixel((10, 10))[3] == 0
    insta = protect_batch([tmp_path / "in"], tmp_path / "insta", ProtectOptions(platform="instagram"), db=db)
    assert insta.ok
    with Image.open(tmp_path / "insta" / "art.jpg") as im:
        assert im.mode == "RGB" and im.getpixel((5, 5)) == pytest.approx((255, 255, 255), abs=3)


def test_webp_output_carries_the_rights_statement(tmp_path, db):
    from notrain.samples import sample_jpeg

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jpg").write_bytes(sample_jpeg(1200, 900))
    result = protect_batch(
        [tmp_path / "in"], tmp_path / "out", ProtectOptions(platform="web", output_format="webp", owner="Ann"), db=db
    )
    assert result.ok
    meta = pyexiv2.Image(str(tmp_path / "out" / "a.webp"))
    try:
        xmp = meta.read_xmp()
    finally:
        meta.close()
    assert xmp["Xmp.plus.DataMining"].endswith("DMI-PROHIBITED-AIMLTRAINING")


@requires_shared("data", "images", "kodak")
def test_real_kodak_photos_are_protected(tmp_path, db):
    kodak = sorted((SHARED / "data" / "images" / "kodak").glob("kodim0[1-4].png"))
    result = protect_batch(kodak, tmp_path / "out", ProtectOptions(platform="instagram", mark="© Kodak"), db=db)
    assert result.ok and result.count("done") == 4
    for item in result.results:
        assert {s.protection: s.survives for s in item.survival}["Visible mark"]
