"""Colour: LittleCMS conversions to sRGB checked against plain matrix maths on published primaries."""

from __future__ import annotations

import io

import numpy as np
import pytest
from imaging_synth import (
    ADOBE_GAMMA,
    ADOBE_PRIMARIES,
    P3_PRIMARIES,
    adobe_rgb,
    as_png,
    cmyk_expected,
    cmyk_profile,
    display_p3,
    expected_srgb,
    grey_profile,
    srgb_decode,
    srgb_encode,
)
from PIL import Image, ImageCms

from notrain.imaging import SRGB_PROFILE, open_image, to_srgb
from notrain.imaging import color as color_module

COLOURS = np.random.default_rng(7).integers(0, 256, (24, 24, 3)).astype(np.uint8)


@pytest.mark.parametrize(
    ("profile", "name", "primaries", "decode"),
    [
        (display_p3, "Display P3", P3_PRIMARIES, srgb_decode),
        (adobe_rgb, "Adobe RGB (1998)", ADOBE_PRIMARIES, lambda v: v**ADOBE_GAMMA),
    ],
    ids=["display-p3", "adobe-rgb"],
)
def test_wide_gamut_png_is_converted_like_the_matrix_maths(
    profile, name, primaries, decode
) -> None:
    decoded = open_image(as_png(COLOURS, icc_profile=profile()))
    assert decoded.info.icc_name == name
    got = np.asarray(decoded.image).astype(int)
    expected = expected_srgb(COLOURS, primaries, decode)
    assert np.abs(got - expected).max() <= 2
    assert np.abs(got - COLOURS).max() > 20, "the profile was ignored"


def test_wide_gamut_jpeg_is_converted() -> None:
    patches = np.kron(COLOURS[:4, :4], np.ones((16, 16, 1), np.uint8))
    buffer = io.BytesIO()
    Image.fromarray(patches).save(
        buffer, "JPEG", quality=100, subsampling="4:4:4", icc_profile=display_p3()
    )
    got = np.asarray(open_image(buffer.getvalue()).image).astype(float)
    centres = got[8::16, 8::16]
    assert np.abs(centres - expected_srgb(COLOURS[:4, :4], P3_PRIMARIES, srgb_decode)).max() <= 3


def test_grey_profile() -> None:
    ramp = np.arange(0, 256, 5, dtype=np.uint8).reshape(1, -1)
    buffer = io.BytesIO()
    Image.fromarray(ramp).save(buffer, "PNG", icc_profile=grey_profile())
    decoded = open_image(buffer.getvalue())
    got = np.asarray(decoded.image).astype(int)
    expected = np.round(srgb_encode((ramp / 255.0) ** ADOBE_GAMMA) * 255)
    assert decoded.image.mode == "RGB"
    assert np.abs(got[..., 1] - expected).max() <= 1
    assert np.abs(got[..., 1] - ramp).max() > 5


def test_cmyk_jpeg_with_profile() -> None:
    corners = [(c, m, y, k) for c in (0, 255) for m in (0, 255) for y in (0, 255) for k in (0, 255)]
    strip = np.zeros((16, 16 * len(corners), 4), np.uint8)
    for index, corner in enumerate(corners):
        strip[:, 16 * index : 16 * (index + 1)] = corner
    buffer = io.BytesIO()
    Image.fromarray(strip, "CMYK").save(buffer, "JPEG", quality=100, icc_profile=cmyk_profile())
    decoded = open_image(buffer.getvalue())
    got = np.asarray(decoded.image).astype(float)
    for index, corner in enumerate(corners):
        patch = got[4:12, 16 * index + 4 : 16 * index + 12].reshape(-1, 3).mean(axis=0)
        assert np.abs(patch - cmyk_expected(*corner)).max() <= 3, corner
    cyan = got[8, 16 * corners.index((255, 0, 0, 0)) + 8]
    assert np.abs(cyan - (0, 255, 255)).max() > 50, "the print profile was ignored"


def test_rgba_keeps_alpha_through_the_transform() -> None:
    rgba = np.dstack([COLOURS, np.arange(24 * 24).reshape(24, 24) % 256]).astype(np.uint8)
    out = to_srgb(Image.fromarray(rgba, "RGBA"), display_p3())
    assert out.mode == "RGBA"
    np.testing.assert_array_equal(np.asarray(out)[..., 3], rgba[..., 3])


def test_without_a_profile_pixels_are_untouched() -> None:
    image = Image.fromarray(COLOURS)
    assert to_srgb(image, None) is image
    assert to_srgb(image, b"not an icc profile") is image
    assert to_srgb(image, cmyk_profile()) is image


def test_srgb_profile_is_a_valid_srgb_profile() -> None:
    profile = ImageCms.ImageCmsProfile(io.BytesIO(SRGB_PROFILE))
    assert "sRGB" in ImageCms.getProfileDescription(profile)
    assert len(SRGB_PROFILE) < 2048
    np.testing.assert_array_equal(
        np.asarray(to_srgb(Image.fromarray(COLOURS), SRGB_PROFILE)), COLOURS
    )


def test_transforms_are_cached_per_profile_and_mode() -> None:
    color_module._transform.cache_clear()
    profile = display_p3()
    for _ in range(3):
        to_srgb(Image.fromarray(COLOURS), bytes(profile))
    to_srgb(Image.fromarray(COLOURS).convert("RGBA"), profile)
    info = color_module._transform.cache_info()
    assert (info.misses, info.hits) == (2, 2)


def test_srgb_profile_is_the_same_in_every_process():
    import subprocess
    import sys

    code = "import sys; from notrain.imaging.color import SRGB_PROFILE as p; sys.stdout.write(p.hex())"
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    import time

    time.sleep(1.1)
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert first == second
