"""Preparing: the planned size is exactly what each platform keeps, and preparing twice changes nothing."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from notrain.errors import OptionError
from notrain.imaging import get_platform, load_platforms, parse_anchor, plan_geometry, prepare
from notrain.samples import make_photo

PLATFORMS = list(load_platforms())


@pytest.mark.parametrize(
    ("platform", "size", "expected"),
    [
        ("instagram", (4000, 3000), (1080, 810)),
        ("instagram", (3000, 4000), (1080, 1440)),
        ("instagram", (3000, 6000), (1080, 1440)),
        ("instagram", (6000, 1000), (1080, 566)),
        ("instagram", (800, 600), (800, 600)),
        ("instagram", (200, 150), (320, 240)),
        ("instagram-story", (4000, 3000), (1080, 1920)),
        ("instagram-story", (540, 960), (1080, 1920)),
        ("facebook", (4000, 3000), (2048, 1536)),
        ("facebook", (4340, 3568), (2048, 1684)),
        ("facebook", (1200, 900), (1200, 900)),
        ("x", (8000, 6000), (4096, 3072)),
        ("x", (4000, 3000), (4000, 3000)),
        ("web", (3000, 4000), (1536, 2048)),
        ("original", (4000, 3000), (4000, 3000)),
    ],
)
def test_planned_sizes(platform: str, size: tuple[int, int], expected: tuple[int, int]) -> None:
    assert plan_geometry(size, get_platform(platform)).size == expected


def test_aspect_crop_is_centred_by_default_and_follows_the_anchor() -> None:
    instagram = get_platform("instagram")
    centred = plan_geometry((1000, 2000), instagram)
    assert centred.crop == (0.0, 0.167, 1.0, 0.8335) and centred.cropped and not centred.resized
    top = plan_geometry((1000, 2000), instagram, anchor=parse_anchor("top"))
    assert top.crop == (0.0, 0.0, 1.0, 0.6665)
    bottom = plan_geometry((1000, 2000), instagram, anchor=parse_anchor("bottom"))
    assert bottom.crop == (0.0, 0.3335, 1.0, 1.0)
    wide = plan_geometry((3820, 1000), instagram, anchor=parse_anchor("left"))
    assert wide.crop == (0.0, 0.0, 0.5, 1.0) and wide.size == (1080, 565 + 1)


def test_the_crop_stays_inside_the_allowed_aspect_range() -> None:
    instagram = get_platform("instagram")
    for width, height in [(1000, 2000), (5000, 1000), (1001, 3), (7, 1000)]:
        geometry = plan_geometry((width, height), instagram)
        left, top, right, bottom = geometry.crop
        aspect = (right - left) * width / ((bottom - top) * height)
        assert 0.75 - 1e-9 <= aspect <= 1.91 + 1e-9
        assert 0.75 <= geometry.size[0] / geometry.size[1] <= 1.91


@settings(max_examples=300, deadline=None, database=None)
@given(
    width=st.integers(1, 12000),
    height=st.integers(1, 12000),
    name=st.sampled_from(PLATFORMS),
    anchor=st.tuples(st.floats(0, 1), st.floats(0, 1)),
)
def test_planning_the_result_again_changes_nothing(
    width: int, height: int, name: str, anchor
) -> None:
    platform = get_platform(name)
    first = plan_geometry((width, height), platform, anchor=anchor)
    again = plan_geometry(first.size, platform)
    assert again.size == first.size
    assert not again.cropped and not again.resized
    left, top, right, bottom = first.crop
    assert 0 <= left < right <= 1 and 0 <= top < bottom <= 1
    crop_w, crop_h = (right - left) * width, (bottom - top) * height
    if platform.fixed_size is None:
        # both sides scale by the same factor, give or take rounding and a one-pixel nudge
        scale = first.size[0] / crop_w if crop_w >= crop_h else first.size[1] / crop_h
        assert (
            abs(first.size[0] - crop_w * scale) <= 1.5
            and abs(first.size[1] - crop_h * scale) <= 1.5
        )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("center", (0.5, 0.5)),
        ("Top", (0.5, 0.0)),
        ("bottom", (0.5, 1.0)),
        ("left", (0.0, 0.5)),
        ("right", (1.0, 0.5)),
        ("0.5,0.3", (0.5, 0.3)),
        (" 0 , 1 ", (0.0, 1.0)),
    ],
)
def test_parse_anchor(text: str, expected: tuple[float, float]) -> None:
    assert parse_anchor(text) == expected


@pytest.mark.parametrize(
    "text", ["", "middle", "0.5", "1.2,0.5", "-0.1,0", "a,b", "0.1,0.2,0.3", "nan,0.5"]
)
def test_parse_anchor_rejects_nonsense(text: str) -> None:
    with pytest.raises(OptionError) as caught:
        parse_anchor(text)
    assert "0 and 1" in caught.value.hint


def test_plan_rejects_bad_input() -> None:
    with pytest.raises(OptionError):
        plan_geometry((0, 10), get_platform("instagram"))
    with pytest.raises(OptionError):
        plan_geometry((10, 10), get_platform("instagram"), anchor=(2.0, 0.5))


def test_identity_plan_returns_the_same_image() -> None:
    photo = make_photo(800, 600, seed=1)
    geometry = plan_geometry(photo.size, get_platform("instagram"))
    assert not geometry.cropped and not geometry.resized
    assert prepare(photo, geometry) is photo


def test_a_pure_crop_copies_pixels_without_resampling() -> None:
    photo = make_photo(600, 1200, seed=2)
    geometry = plan_geometry(photo.size, get_platform("instagram"), anchor=(0.5, 0.25))
    assert geometry.cropped and not geometry.resized
    out = prepare(photo, geometry)
    top = round(0.25 * (1200 - 800))
    np.testing.assert_array_equal(np.asarray(out), np.asarray(photo)[top : top + 800])


def test_crop_and_resize_is_one_lanczos_resample() -> None:
    photo = make_photo(1600, 2400, seed=3)
    geometry = plan_geometry(photo.size, get_platform("instagram"))
    out = prepare(photo, geometry)
    assert out.size == (1080, 1440)
    kept_height = 1600 * 4 // 3
    top = round((2400 - kept_height) / 2)
    reference = photo.crop((0, top, 1600, top + kept_height)).resize(
        (1080, 1440), Image.Resampling.LANCZOS
    )
    difference = np.abs(np.asarray(out).astype(int) - np.asarray(reference).astype(int))
    assert difference.mean() < 1.5


def test_fractional_crop_applies_to_a_reduced_decode() -> None:
    photo = make_photo(2000, 1000, seed=4)
    geometry = plan_geometry(photo.size, get_platform("instagram"), anchor=(0.2, 0.5))
    full = prepare(photo, geometry)
    half = prepare(photo.resize((1000, 500), Image.Resampling.LANCZOS), geometry)
    assert full.size == half.size == geometry.size
    assert np.abs(np.asarray(full).astype(int) - np.asarray(half).astype(int)).mean() < 4


def test_rgba_is_resized_without_dark_fringes() -> None:
    rgba = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    rgba.paste((255, 255, 255, 255), (100, 100, 300, 200))
    geometry = plan_geometry(rgba.size, get_platform("instagram-story"))
    out = np.asarray(prepare(rgba, geometry)).astype(int)
    assert out.shape == (1920, 1080, 4)
    visible = out[..., 3] > 0
    assert visible.any() and out[visible][:, :3].min() >= 250
