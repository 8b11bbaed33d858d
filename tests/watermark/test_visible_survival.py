"""mark_contrast: telling whether a visible mark survived a platform's resize and recompression.

The survival report calls a mark surviving when
``mark_contrast(platform_copy, unmarked, mask) / mark_contrast(marked, unmarked, mask) >= 0.5``.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from notrain.errors import OptionError
from notrain.samples import make_photo
from notrain.watermark import MarkResult, VisibleMark, apply_visible_mark, mark_contrast


@pytest.fixture(scope="module")
def unmarked() -> Image.Image:
    return make_photo(1080, 1350, seed=11)


@pytest.fixture(scope="module")
def corner(unmarked) -> MarkResult:
    return apply_visible_mark(unmarked, VisibleMark(text="© Ann Example"))


def platform(image: Image.Image, *, quality: int = 70, factor: float = 0.5) -> Image.Image:
    """What a platform does to an upload: downscale, then JPEG."""
    size = (round(image.width * factor), round(image.height * factor))
    buffer = io.BytesIO()
    image.resize(size, Image.Resampling.LANCZOS).save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def survival(copy: Image.Image, unmarked: Image.Image, result: MarkResult) -> float:
    return mark_contrast(copy, unmarked, result.mask) / mark_contrast(
        result.image, unmarked, result.mask
    )


def test_a_corner_mark_survives_downscale_and_jpeg(unmarked, corner):
    assert mark_contrast(corner.image, unmarked, corner.mask) > 20
    assert survival(platform(corner.image), unmarked, corner) > 0.7


def test_a_tiled_mark_survives_downscale_and_jpeg(unmarked):
    tiled = apply_visible_mark(
        unmarked, VisibleMark(text="© Ann Example", position="tiled", opacity=0.35)
    )
    assert survival(platform(tiled.image), unmarked, tiled) > 0.7


def test_painting_the_mark_out_is_detected(unmarked, corner):
    rows, cols = np.nonzero(corner.mask)
    box = (int(cols.min()), int(rows.min()), int(cols.max()) + 1, int(rows.max()) + 1)
    tampered = corner.image.copy()
    tampered.paste(unmarked.crop(box), box[:2])
    assert survival(platform(tampered), unmarked, corner) < 0.5


def test_cropping_the_mark_off_is_detected(unmarked, corner):
    rows = np.nonzero(corner.mask.any(axis=1))[0]
    cropped = corner.image.crop((0, 0, unmarked.width, int(rows.min()) - 1))
    restored = cropped.resize(unmarked.size, Image.Resampling.LANCZOS)
    assert survival(platform(restored), unmarked, corner) < 0.5


def test_contrast_is_the_mask_weighted_mean_rgb_difference():
    base = Image.new("RGB", (40, 30), (100, 100, 100))
    changed = base.copy()
    changed.paste((150, 130, 100), (10, 10, 20, 20))
    mask = np.zeros((30, 40), np.float32)
    mask[10:20, 10:20] = 0.5
    assert mark_contrast(changed, base, mask) == pytest.approx((50 + 30 + 0) / 3)
    mask[0:5, 0:5] = 0.5
    assert mark_contrast(changed, base, mask) == pytest.approx(80 / 3 * 100 / 125)


def test_contrast_of_nothing_is_zero():
    base = Image.new("RGB", (40, 30), (100, 100, 100))
    assert mark_contrast(base, base, np.ones((30, 40), np.float32)) == 0.0
    assert mark_contrast(base, base, np.zeros((30, 40), np.float32)) == 0.0


def test_rgba_images_are_compared_on_rgb(unmarked):
    rgba = unmarked.resize((270, 338)).convert("RGBA")
    result = apply_visible_mark(rgba, VisibleMark(text="© Ann Example"))
    same = mark_contrast(result.image, rgba, result.mask)
    assert same == pytest.approx(
        mark_contrast(result.image.convert("RGB"), rgba.convert("RGB"), result.mask)
    )
    assert same > 10


def test_a_mask_of_another_size_is_refused():
    base = Image.new("RGB", (40, 30))
    with pytest.raises(OptionError, match="40x30"):
        mark_contrast(base, base, np.zeros((40, 30), np.float32))
