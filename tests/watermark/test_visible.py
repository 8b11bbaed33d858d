"""The visible mark: where it lands, how it looks, and which options it refuses."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import notrain.watermark
from notrain.errors import InputError, OptionError
from notrain.samples import make_photo
from notrain.watermark import POSITIONS, VisibleMark, apply_visible_mark

STRONG = 0.45
"""Coverage above this is the text itself; the halo alone never reaches it at default opacity."""


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    return make_photo(640, 800, seed=7)


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image, np.int16)


def ink_box(mask: np.ndarray, level: float = STRONG) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the pixels covered more than ``level``, right/bottom exclusive."""
    rows, cols = np.nonzero(mask > level)
    assert rows.size, "the mark left no strong coverage"
    return int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1


def luma(rgb: tuple[int, int, int]) -> float:
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]


def test_public_names_are_pinned():
    assert {
        "POSITIONS",
        "MarkResult",
        "Position",
        "VisibleMark",
        "apply_visible_mark",
        "mark_contrast",
    } <= set(notrain.watermark.__all__)
    assert POSITIONS == ("bottom-right", "bottom-left", "top-right", "top-left", "tiled")


def test_mark_changes_pixels_under_the_mask_and_nothing_else(photo):
    before = pixels(photo).copy()
    result = apply_visible_mark(photo, VisibleMark(text="© Ann Example"))
    assert result.image.size == photo.size and result.image.mode == "RGB"
    assert result.mask.dtype == np.float32 and result.mask.shape == (photo.height, photo.width)
    assert 0.0 <= result.mask.min() and result.mask.max() <= 1.0
    change = np.abs(pixels(result.image) - before).max(axis=2)
    assert (change[result.mask == 0] == 0).all()
    assert change[result.mask > STRONG].mean() > 40
    assert (pixels(photo) == before).all(), "the input image must not be modified"


@pytest.mark.parametrize("position", ["bottom-right", "tiled"])
def test_auto_colour_contrasts_with_the_background(position):
    white = Image.new("RGB", (400, 300), "white")
    black = Image.new("RGB", (400, 300), "black")
    on_white = apply_visible_mark(white, VisibleMark(text="© Ann", position=position))
    on_black = apply_visible_mark(black, VisibleMark(text="© Ann", position=position))
    assert luma(on_white.color) < 60
    assert luma(on_black.color) > 200
    assert pixels(on_white.image)[on_white.mask > STRONG].mean() < 150
    assert pixels(on_black.image)[on_black.mask > STRONG].mean() > 100


def test_a_halo_in_the_opposite_colour_rings_light_text():
    grey = Image.new("RGB", (500, 300), (128, 128, 128))
    result = apply_visible_mark(grey, VisibleMark(text="© Ann Example", color="#ffffff"))
    halo_only = (result.mask > 0.02) & (result.mask < 0.25)
    assert pixels(result.image)[halo_only].mean() < 120
    assert pixels(result.image)[result.mask > STRONG].mean() > 190


def test_explicit_colour_is_used(photo):
    result = apply_visible_mark(
        photo, VisibleMark(text="© Ann Example", color="#FF0000", opacity=1.0)
    )
    assert result.color == (255, 0, 0)
    core = pixels(result.image)[result.mask > 0.97]
    assert core.size and core[:, 0].mean() > 200 and core[:, 1:].mean() < 60


@pytest.mark.parametrize("position", ["bottom-right", "bottom-left", "top-right", "top-left"])
def test_corner_marks_sit_in_their_corner_at_the_margin(photo, position):
    mark = VisibleMark(text="© Ann Example", position=position)
    left, top, right, bottom = ink_box(apply_visible_mark(photo, mark).mask)
    margin = round(0.03 * min(photo.size))
    width, height = photo.size
    if position.endswith("right"):
        assert abs((width - right) - margin) <= 2 and left > width / 2
    else:
        assert abs(left - margin) <= 2 and right < width / 2
    if position.startswith("bottom"):
        assert abs((height - bottom) - margin) <= 2 and top > height / 2
    else:
        assert abs(top - margin) <= 2 and bottom < height / 2


def test_opacity_scales_the_change():
    grey = Image.new("RGB", (600, 400), (100, 100, 100))
    changes = []
    for opacity in (0.3, 0.9):
        result = apply_visible_mark(grey, VisibleMark(text="© Ann Example", opacity=opacity))
        changes.append(np.abs(pixels(result.image) - 100).sum())
        assert result.mask.max() == pytest.approx(opacity, abs=0.01)
    assert changes[1] / changes[0] == pytest.approx(3.0, rel=0.15)


def test_scale_sets_the_width_of_the_mark():
    canvas = Image.new("RGB", (1000, 800), (90, 120, 150))
    widths = []
    for scale in (0.2, 0.4):
        left, _, right, _ = ink_box(
            apply_visible_mark(canvas, VisibleMark(text="© Ann Example", scale=scale)).mask
        )
        widths.append(right - left)
        assert right - left == pytest.approx(scale * canvas.width, rel=0.06)
    assert widths[1] / widths[0] == pytest.approx(2.0, rel=0.06)


def test_tiny_scale_keeps_text_legible():
    canvas = Image.new("RGB", (1000, 800), (90, 120, 150))
    _, top, _, bottom = ink_box(
        apply_visible_mark(canvas, VisibleMark(text="HELLO", scale=0.01)).mask
    )
    assert bottom - top >= 11


def test_long_text_is_shrunk_to_fit_a_narrow_image():
    narrow = Image.new("RGB", (180, 600), (90, 120, 150))
    text = "© Ann Example Photography, all rights reserved"
    left, _, right, _ = ink_box(apply_visible_mark(narrow, VisibleMark(text=text, scale=1.0)).mask)
    assert left >= 3 and right <= narrow.width - 3


@pytest.mark.parametrize("size", [(1, 1), (24, 16), (16, 300)])
@pytest.mark.parametrize("position", ["top-left", "bottom-right", "tiled"])
def test_tiny_images_are_marked_without_error(size, position):
    result = apply_visible_mark(
        Image.new("RGB", size, "grey"), VisibleMark(text="© Ann", position=position)
    )
    assert result.image.size == size and result.mask.shape == (size[1], size[0])


@pytest.mark.parametrize("text", ["© Zoë Ångström", "© Weiß", "© Иван", "© Łukasz Øster"])
def test_european_text_renders_with_the_default_font(text):
    canvas = Image.new("RGB", (800, 300), (40, 40, 40))
    result = apply_visible_mark(canvas, VisibleMark(text=text, scale=0.5, position="top-left"))
    assert (result.mask > STRONG).sum() > 500


def test_decomposed_accents_render_like_composed_ones():
    canvas = Image.new("RGB", (800, 300), (40, 40, 40))

    def mask(text: str) -> np.ndarray:
        return apply_visible_mark(canvas, VisibleMark(text=text, scale=0.5, position="top-left")).mask

    assert np.abs(mask("Zoe\u0308 A\u030angstro\u0308m") - mask("Zoë Ångström")).max() < 1e-6


@pytest.mark.parametrize("text", ["山田太郎", "© 김민준"])
def test_text_the_font_cannot_show_asks_for_a_font(text):
    with pytest.raises(OptionError) as caught:
        VisibleMark(text=text)
    assert "--mark-font" in caught.value.hint
    assert f"U+{ord(text[-1]):04X}" in caught.value.message


def test_a_font_file_can_be_given(tmp_path, photo):
    font = tmp_path / "aileron.ttf"
    font.write_bytes(ImageFont.load_default(size=20).font_bytes)  # type: ignore[union-attr]
    default = apply_visible_mark(photo, VisibleMark(text="© Ann Example"))
    given = apply_visible_mark(photo, VisibleMark(text="© Ann Example", font=str(font)))
    assert given.mask.sum() > 0 and np.abs(given.mask - default.mask).sum() > 0


def write_logo(path: Path, *, alpha: bool) -> Path:
    """A 200x100 logo: a red disc on the left; the right half transparent (or white without alpha)."""
    logo = Image.new("RGBA", (200, 100), (255, 255, 255, 0 if alpha else 255))
    ImageDraw.Draw(logo).ellipse((5, 5, 95, 95), fill=(220, 20, 20, 255))
    (logo if alpha else logo.convert("RGB")).save(path)
    return path


def test_logo_with_alpha_is_scaled_and_blended(tmp_path, photo):
    mark = VisibleMark(
        logo=write_logo(tmp_path / "logo.png", alpha=True),
        position="bottom-left",
        scale=0.3,
        opacity=0.5,
    )
    result = apply_visible_mark(photo, mark)
    assert result.mask.max() == pytest.approx(0.5, abs=0.01)
    left, top, right, bottom = ink_box(result.mask, 0.25)
    disc = 0.3 * photo.width * 90 / 200
    assert right - left == pytest.approx(disc, abs=3) and bottom - top == pytest.approx(disc, abs=3)
    change = np.abs(pixels(result.image) - pixels(photo)).max(axis=2)
    assert (change[result.mask == 0] == 0).all()
    assert result.color[0] > 150 and result.color[1] < 60


@pytest.mark.parametrize("position", ["bottom-right", "tiled"])
def test_logo_edges_have_no_dark_fringe(tmp_path, position):
    logo = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((20, 20, 280, 280), fill=(255, 255, 255, 255))
    logo.save(tmp_path / "white.png")
    white = Image.new("RGB", (700, 500), "white")
    result = apply_visible_mark(
        white, VisibleMark(logo=tmp_path / "white.png", scale=0.13, opacity=1.0, position=position)
    )
    assert result.mask.max() > 0.99
    assert pixels(result.image).min() >= 250


def test_logo_without_alpha_is_an_opaque_rectangle(tmp_path, photo):
    mark = VisibleMark(logo=write_logo(tmp_path / "logo.jpg", alpha=False), scale=0.2, opacity=0.7)
    result = apply_visible_mark(photo, mark)
    covered = result.mask[result.mask > 0]
    assert covered.min() == pytest.approx(0.7, abs=0.01) and covered.max() == pytest.approx(
        0.7, abs=0.01
    )
    left, top, right, bottom = ink_box(result.mask, 0.5)
    assert right - left == pytest.approx(2 * (bottom - top), abs=2)
    assert right - left == pytest.approx(0.2 * photo.width, abs=2)


def test_rgba_input_keeps_its_alpha_channel(photo):
    rgba = photo.copy()
    rgba.putalpha(Image.linear_gradient("L").resize(photo.size))
    result = apply_visible_mark(rgba, VisibleMark(text="© Ann Example", position="bottom-left"))
    assert result.image.mode == "RGBA"
    assert (np.asarray(result.image)[..., 3] == np.asarray(rgba)[..., 3]).all()
    change = np.abs(pixels(result.image)[..., :3] - pixels(rgba)[..., :3]).max(axis=2)
    assert change[result.mask > STRONG].mean() > 40


@pytest.mark.parametrize("kind", ["text", "logo"])
def test_tiled_marks_cover_every_quadrant(tmp_path, photo, kind):
    source = (
        {"text": "© Ann Example"}
        if kind == "text"
        else {"logo": write_logo(tmp_path / "logo.png", alpha=True)}
    )
    result = apply_visible_mark(
        photo, VisibleMark(position="tiled", scale=0.2, opacity=0.5, **source)
    )
    h, w = result.mask.shape
    for quadrant in (
        result.mask[: h // 2, : w // 2],
        result.mask[: h // 2, w // 2 :],
        result.mask[h // 2 :, : w // 2],
        result.mask[h // 2 :, w // 2 :],
    ):
        assert (quadrant > 0.3).mean() > 0.03
    change = np.abs(pixels(result.image) - pixels(photo)).max(axis=2)
    assert (change[result.mask == 0] == 0).all()


def test_tiled_text_follows_the_angle():
    canvas = Image.new("RGB", (600, 600), "black")
    flat = (
        apply_visible_mark(canvas, VisibleMark(text="Ann", position="tiled", angle=0.0)).mask
        > STRONG
    )
    rows = np.nonzero(flat.any(axis=1))[0]
    assert rows.size < 0.6 * canvas.height, "level text leaves whole rows between the lines empty"
    steep = (
        apply_visible_mark(canvas, VisibleMark(text="Ann", position="tiled", angle=45.0)).mask
        > STRONG
    )
    assert np.nonzero(steep.any(axis=1))[0].size > rows.size


def test_non_rgb_images_are_refused():
    with pytest.raises(InputError, match="mode 'L'"):
        apply_visible_mark(Image.new("L", (100, 100)), VisibleMark(text="© Ann"))


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({}, "exactly one"),
        ({"text": "   "}, "exactly one"),
        ({"text": "© Ann", "logo": "logo.png"}, "exactly one"),
        ({"text": "© Ann", "opacity": 0}, "opacity"),
        ({"text": "© Ann", "opacity": 1.5}, "opacity"),
        ({"text": "© Ann", "opacity": math.nan}, "opacity"),
        ({"text": "© Ann", "opacity": "0.5"}, "opacity"),
        ({"text": "© Ann", "scale": 0}, "scale"),
        ({"text": "© Ann", "scale": 1.5}, "scale"),
        ({"text": "© Ann", "margin": -0.1}, "margin"),
        ({"text": "© Ann", "angle": math.inf}, "angle"),
        ({"text": "© Ann", "color": "red"}, "colour"),
        ({"text": "© Ann", "color": "#12345"}, "colour"),
        ({"text": "© Ann", "color": "#ggg000"}, "colour"),
        ({"text": "© Ann", "position": "center"}, "position"),
        ({"text": "© Ann\nExample"}, "line"),
    ],
)
def test_bad_options_are_refused(options, words):
    with pytest.raises(OptionError, match=words) as caught:
        VisibleMark(**options)
    assert caught.value.hint


def test_missing_or_unreadable_files_are_named(tmp_path):
    not_an_image = tmp_path / "logo.png"
    not_an_image.write_text("hello")
    not_a_font = tmp_path / "font.ttf"
    not_a_font.write_text("hello")
    for options, path in [
        ({"logo": tmp_path / "missing.png"}, tmp_path / "missing.png"),
        ({"logo": not_an_image}, not_an_image),
        ({"text": "© Ann", "font": tmp_path / "missing.ttf"}, tmp_path / "missing.ttf"),
        ({"text": "© Ann", "font": not_a_font}, not_a_font),
    ]:
        with pytest.raises(OptionError) as caught:
            VisibleMark(**options)
        assert str(path) in caught.value.message and caught.value.hint
