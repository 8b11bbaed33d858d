"""Encoding: settings and metadata land in the file, as independent readers (pyexiv2, Pillow) see them."""

from __future__ import annotations

import io

import numpy as np
import pyexiv2
import pytest
from imaging_synth import DATA_MINING_XMP as XMP
from imaging_synth import display_p3, estimate_quality, jpeg_sampling
from PIL import Image, ImageCms, JpegImagePlugin

from notrain.errors import OptionError
from notrain.imaging import EXTENSIONS, OUTPUT_FORMATS, SRGB_PROFILE, encode_image
from notrain.samples import make_photo

PHOTO = make_photo(96, 64, seed=11)



def rights_exif() -> bytes:
    exif = Image.Exif()
    exif[0x8298] = "(c) 2026 Alex Example"
    exif[0x013B] = "Alex Example"
    return exif.tobytes()


def read(data: bytes) -> tuple[dict, dict]:
    with pyexiv2.ImageData(data) as meta:
        return meta.read_exif(), meta.read_xmp()


def test_formats_and_extensions() -> None:
    assert OUTPUT_FORMATS == ("jpeg", "png", "webp")
    assert EXTENSIONS == {"jpeg": ".jpg", "png": ".png", "webp": ".webp"}


@pytest.mark.parametrize("fmt", OUTPUT_FORMATS)
def test_exif_xmp_and_icc_read_back(fmt: str) -> None:
    data = encode_image(PHOTO, fmt, exif=rights_exif(), xmp=XMP, icc_profile=display_p3())
    exif, xmp = read(data)
    assert exif["Exif.Image.Copyright"] == "(c) 2026 Alex Example"
    assert exif["Exif.Image.Artist"] == "Alex Example"
    assert (
        xmp["Xmp.plus.DataMining"] == "http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING"
    )
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == fmt.upper()
        profile = ImageCms.ImageCmsProfile(io.BytesIO(image.info["icc_profile"]))
    assert ImageCms.getProfileDescription(profile).strip() == "Display P3"


@pytest.mark.parametrize("fmt", OUTPUT_FORMATS)
def test_exif_accepted_without_its_header(fmt: str) -> None:
    data = encode_image(PHOTO, fmt, exif=rights_exif()[6:])
    assert read(data)[0]["Exif.Image.Artist"] == "Alex Example"


@pytest.mark.parametrize("fmt", OUTPUT_FORMATS)
def test_default_profile_is_srgb_and_none_means_none(fmt: str) -> None:
    with Image.open(io.BytesIO(encode_image(PHOTO, fmt))) as image:
        assert image.info["icc_profile"] == SRGB_PROFILE
    with Image.open(io.BytesIO(encode_image(PHOTO, fmt, icc_profile=None))) as image:
        assert not image.info.get("icc_profile")


@pytest.mark.parametrize("fmt", OUTPUT_FORMATS)
def test_nothing_leaks_from_image_info(fmt: str) -> None:
    photo = PHOTO.copy()
    photo.info.update(
        icc_profile=display_p3(), exif=rights_exif(), comment=b"secret", transparency=(0, 0, 0)
    )
    data = encode_image(photo, fmt, icc_profile=None)
    exif, xmp = read(data)
    assert not exif and not xmp
    assert b"secret" not in data and b"Display P3".decode("ascii").encode("utf-16-be") not in data
    with Image.open(io.BytesIO(data)) as image:
        assert "transparency" not in image.info and image.mode == "RGB"


@pytest.mark.parametrize(
    ("subsampling", "factors"), [("4:4:4", (1, 1)), ("4:2:2", (2, 1)), ("4:2:0", (2, 2))]
)
def test_jpeg_chroma_subsampling(subsampling: str, factors: tuple[int, int]) -> None:
    data = encode_image(PHOTO, "jpeg", subsampling=subsampling)
    assert jpeg_sampling(data) == (factors, (1, 1), (1, 1))
    with Image.open(io.BytesIO(data)) as image:
        assert (
            JpegImagePlugin.get_sampling(image) == {"4:4:4": 0, "4:2:2": 1, "4:2:0": 2}[subsampling]
        )


@pytest.mark.parametrize("quality", [30, 70, 85, 92, 100])
def test_jpeg_quality_shows_in_the_quantisation_tables(quality: int) -> None:
    assert estimate_quality(encode_image(PHOTO, "jpeg", quality=quality)) == quality


def test_jpeg_is_progressive_and_optimised_unless_asked() -> None:
    with Image.open(io.BytesIO(encode_image(PHOTO, "jpeg"))) as image:
        assert image.info.get("progressive") == 1
    baseline = encode_image(PHOTO, "jpeg", progressive=False, icc_profile=None)
    with Image.open(io.BytesIO(baseline)) as image:
        assert not image.info.get("progressive")
    plain = io.BytesIO()
    PHOTO.save(plain, "JPEG", quality=92)
    assert len(baseline) < len(plain.getvalue())


def test_jpeg_flattens_transparency_onto_the_background() -> None:
    rgba = Image.new("RGBA", (32, 32), (255, 0, 0, 255))
    rgba.paste((0, 0, 0, 0), (0, 0, 16, 32))
    data = encode_image(rgba, "jpeg", background=(0, 0, 255), quality=100, subsampling="4:4:4")
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "RGB"
        array = np.asarray(image).astype(int)
    assert np.abs(array[16, 4] - (0, 0, 255)).max() <= 2
    assert np.abs(array[16, 28] - (255, 0, 0)).max() <= 2


@pytest.mark.parametrize("fmt", ["png", "webp"])
def test_alpha_is_kept(fmt: str) -> None:
    rgba = np.dstack([np.asarray(PHOTO), np.tile(np.arange(96, dtype=np.uint8) * 2, (64, 1))])
    data = encode_image(Image.fromarray(rgba, "RGBA"), fmt, quality=100)
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "RGBA"
        np.testing.assert_array_equal(np.asarray(image)[..., 3], rgba[..., 3])


def test_webp_is_lossless_at_100_and_lossy_below() -> None:
    exact = encode_image(PHOTO, "webp", quality=100)
    with Image.open(io.BytesIO(exact)) as image:
        np.testing.assert_array_equal(np.asarray(image.convert("RGB")), np.asarray(PHOTO))
    lossy = encode_image(PHOTO, "webp", quality=60)
    with Image.open(io.BytesIO(lossy)) as image:
        difference = np.abs(np.asarray(image.convert("RGB")).astype(int) - np.asarray(PHOTO)).mean()
    assert 0 < difference < 12 and len(lossy) < len(exact)


def test_png_is_lossless_and_keeps_xmp_as_itxt() -> None:
    data = encode_image(PHOTO, "png", xmp=XMP)
    assert b"iTXtXML:com.adobe.xmp" in data
    with Image.open(io.BytesIO(data)) as image:
        np.testing.assert_array_equal(np.asarray(image), np.asarray(PHOTO))


def test_grey_input_is_written_as_rgb() -> None:
    data = encode_image(PHOTO.convert("L"), "jpeg")
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "RGB"


@pytest.mark.parametrize(
    "options",
    [
        {"fmt": "gif"},
        {"fmt": "jpeg", "quality": 0},
        {"fmt": "jpeg", "quality": 101},
        {"fmt": "jpeg", "subsampling": "4:1:1"},
    ],
)
def test_bad_options(options: dict) -> None:
    fmt = options.pop("fmt")
    with pytest.raises(OptionError):
        encode_image(PHOTO, fmt, **options)
