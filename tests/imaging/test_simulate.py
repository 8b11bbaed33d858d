"""The platform simulator: sizes, JPEG settings and surviving metadata, read back with pyexiv2 and Pillow."""

from __future__ import annotations

import io
import random

import numpy as np
import pyexiv2
import pytest
from imaging_synth import DATA_MINING_XMP as XMP
from imaging_synth import estimate_quality, jpeg_sampling
from PIL import Image, IptcImagePlugin

from notrain.imaging import get_platform, open_image, plan_geometry, prepare, simulate
from notrain.metadata.iptc import encode_iim, insert_jpeg_app13
from notrain.samples import make_photo, sample_exif, sample_jpeg

COPYRIGHT = "© 2026 Alex Example"
NOTICE = "© 2026 Alex Example, all rights reserved".encode()


def rights_upload(width: int, height: int) -> bytes:
    """A camera JPEG carrying GPS, rights in EXIF and IIM, and an XMP data-mining statement."""
    exif = sample_exif()
    exif[0x8298] = COPYRIGHT.encode()  # UTF-8, as phones and editors write it
    buffer = io.BytesIO()
    make_photo(width, height, seed=5).save(buffer, "JPEG", quality=92, exif=exif.tobytes(), xmp=XMP)
    iim = encode_iim(
        [(2, 80, b"Alex Example"), (2, 90, b"Berlin"), (2, 110, b"Alex Photo"), (2, 116, NOTICE)]
    )
    return insert_jpeg_app13(buffer.getvalue(), iim)


@pytest.fixture(scope="module")
def upload() -> bytes:
    return rights_upload(1600, 1200)


@pytest.fixture(scope="module")
def camera_photo() -> bytes:
    return sample_jpeg(4000, 3000, seed=2)


def metadata(data: bytes) -> tuple[dict, dict, dict]:
    with pyexiv2.ImageData(data) as meta:
        return meta.read_exif(), meta.read_iptc(), meta.read_xmp()


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_a_camera_photo_comes_out_at_each_platform_size(camera_photo: bytes) -> None:
    assert size_of(simulate(camera_photo, get_platform("instagram"))) == (1080, 810)
    assert size_of(simulate(camera_photo, get_platform("facebook"))) == (2048, 1536)


def test_other_sizes(upload: bytes) -> None:
    assert size_of(simulate(upload, get_platform("instagram-story"))) == (1080, 1920)
    assert size_of(simulate(upload, get_platform("x"))) == (1600, 1200)


@pytest.mark.parametrize("name", ["instagram", "facebook", "x"])
def test_reencode_is_a_progressive_420_jpeg_in_the_measured_range(upload: bytes, name: str) -> None:
    platform = get_platform(name)
    low, high = platform.quality_range
    seen = set()
    for seed in range(6):
        served = simulate(upload, platform, rng=random.Random(seed))
        assert jpeg_sampling(served) == ((2, 2), (1, 1), (1, 1))
        with Image.open(io.BytesIO(served)) as image:
            assert image.format == "JPEG" and image.info.get("progressive") == 1
        seen.add(estimate_quality(served))
    assert seen <= set(range(low, high + 1)) and len(seen) > 1


def test_default_draw_repeats_and_quality_can_be_fixed(upload: bytes) -> None:
    instagram = get_platform("instagram")
    assert simulate(upload, instagram) == simulate(upload, instagram)
    assert estimate_quality(simulate(upload, instagram, quality=72)) == 72


def test_instagram_keeps_no_metadata(upload: bytes) -> None:
    exif, iptc, xmp = metadata(simulate(upload, get_platform("instagram")))
    assert not exif and not iptc and not xmp


def test_facebook_keeps_rights_fields_only(upload: bytes) -> None:
    served = simulate(upload, get_platform("facebook"))
    exif, iptc, xmp = metadata(served)
    assert not xmp
    assert exif["Exif.Image.Copyright"] == COPYRIGHT
    assert exif["Exif.Image.Artist"] == "Alex Example"
    assert not any(key.startswith(("Exif.GPSInfo", "Exif.Photo")) for key in exif)
    assert "Exif.Image.Make" not in exif
    assert iptc["Iptc.Application2.Copyright"] == NOTICE.decode()
    assert iptc["Iptc.Application2.Byline"] == ["Alex Example"]
    assert iptc["Iptc.Application2.Credit"] == "Alex Photo"
    assert "Iptc.Application2.City" not in iptc
    assert iptc["Iptc.Application2.TransmissionReference"].startswith("FBMD")
    with Image.open(io.BytesIO(served)) as image:
        assert IptcImagePlugin.getiptcinfo(image)[(2, 103)].startswith(b"FBMD")


def test_facebook_injects_its_field_even_without_iim() -> None:
    buffer = io.BytesIO()
    make_photo(64, 48).save(buffer, "JPEG")
    _, iptc, _ = metadata(simulate(buffer.getvalue(), get_platform("facebook")))
    assert iptc["Iptc.Application2.TransmissionReference"].startswith("FBMD")


def test_a_prepared_image_is_not_resampled_again() -> None:
    instagram = get_platform("instagram")
    photo = make_photo(1600, 1200, seed=8)
    prepared = prepare(photo, plan_geometry(photo.size, instagram))
    assert prepared.size == (1080, 810)
    buffer = io.BytesIO()
    prepared.save(buffer, "PNG")
    served = simulate(buffer.getvalue(), instagram, quality=85)
    assert size_of(served) == (1080, 810)

    def jpeg_85(image: Image.Image) -> np.ndarray:
        encoded = io.BytesIO()
        image.save(encoded, "JPEG", quality=85, subsampling="4:2:0")
        return np.asarray(Image.open(encoded).convert("RGB")).astype(int)

    after = np.asarray(open_image(served).image).astype(int)
    assert np.abs(after - jpeg_85(prepared)).mean() < 0.5
    resampled = prepared.resize((1079, 809), Image.Resampling.LANCZOS).resize(
        (1080, 810), Image.Resampling.LANCZOS
    )
    assert np.abs(jpeg_85(resampled) - jpeg_85(prepared)).mean() > 1


def test_upload_orientation_is_applied() -> None:
    served = simulate(sample_jpeg(400, 300, orientation=6), get_platform("instagram"), quality=80)
    assert size_of(served) == (320, 426)  # 427 would be narrower than 3:4
    exif, _, _ = metadata(served)
    assert "Exif.Image.Orientation" not in exif


@pytest.mark.parametrize("name", ["web", "original"])
def test_platforms_that_serve_the_upload_return_it_unchanged(upload: bytes, name: str) -> None:
    assert simulate(upload, get_platform(name)) is upload


def test_transparent_png_upload_is_flattened() -> None:
    buffer = io.BytesIO()
    Image.new("RGBA", (400, 400), (0, 0, 0, 0)).save(buffer, "PNG")
    served = simulate(buffer.getvalue(), get_platform("instagram"), quality=85)
    with Image.open(io.BytesIO(served)) as image:
        assert image.mode == "RGB" and image.size == (400, 400)
        assert np.asarray(image).min() >= 250
