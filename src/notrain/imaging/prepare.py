"""Crop and resize a photo to exactly what a platform keeps, so the platform never resamples it.

A platform that receives a 4000 x 3000 photo scales it down itself, and that
resample averages away fine protections (an invisible watermark, a cloak).
Delivering exactly the size and aspect ratio the platform keeps means its
pipeline has nothing to resize: only its JPEG re-encode remains.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from PIL import Image

from notrain.errors import OptionError
from notrain.imaging.platforms import Platform

__all__ = ["ANCHORS", "Geometry", "parse_anchor", "plan_geometry", "prepare"]

ANCHORS = {
    "center": (0.5, 0.5),
    "centre": (0.5, 0.5),
    "top": (0.5, 0.0),
    "bottom": (0.5, 1.0),
    "left": (0.0, 0.5),
    "right": (1.0, 0.5),
}
"""Named crop positions for ``--crop``: where the kept window sits in the photo."""


@dataclass(frozen=True)
class Geometry:
    """Where to crop and what size to scale to.

    ``crop`` is (left, top, right, bottom) as fractions of the upright source,
    so the same plan applies to a reduced-scale decode.
    """

    crop: tuple[float, float, float, float]
    size: tuple[int, int]
    source_size: tuple[int, int]

    @property
    def cropped(self) -> bool:
        """Whether part of the photo is cut away."""
        return self.crop != (0.0, 0.0, 1.0, 1.0)

    @property
    def resized(self) -> bool:
        """Whether the kept window is scaled to a different pixel size."""
        left, top, right, bottom = self.crop
        width, height = self.source_size
        return (round((right - left) * width), round((bottom - top) * height)) != self.size


def parse_anchor(text: str) -> tuple[float, float]:
    """Read a crop position: "x,y" with both in 0..1 ("0.5,0.3"), or center, top, bottom, left, right.

    0 puts the kept window against the left (or top) edge, 1 against the right
    (or bottom) edge; raises ``OptionError`` for anything else.
    """
    cleaned = text.strip().lower()
    if cleaned in ANCHORS:
        return ANCHORS[cleaned]
    parts = cleaned.split(",")
    try:
        x, y = (float(part) for part in parts)
    except ValueError:
        x = y = math.nan
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        raise OptionError(
            f"Cannot read the crop position {text!r}.",
            hint="Give x,y between 0 and 1 (0,0 keeps the top-left, 0.5,0.5 the centre), "
            f"or one of: {', '.join(name for name in ANCHORS if name != 'centre')}.",
        )
    return (x, y)


def plan_geometry(
    size: tuple[int, int], platform: Platform, *, anchor: tuple[float, float] = (0.5, 0.5)
) -> Geometry:
    """The crop and final size that make an upright ``size`` photo exactly what ``platform`` keeps.

    The photo is first cropped to the platform's aspect-ratio range (to the
    nearest bound, the window placed by ``anchor``), then scaled by its size
    rule. Sizes are rounded so that the aspect ratio stays inside the range and
    planning the result again changes nothing: the platform will not resample.
    """
    width, height = size
    if width < 1 or height < 1:
        raise OptionError(
            f"Cannot plan a {width} x {height} image: both sides must be at least 1 pixel."
        )
    ax, ay = anchor
    if not (0.0 <= ax <= 1.0 and 0.0 <= ay <= 1.0):
        raise OptionError(
            f"The crop position {anchor} is outside 0..1.", hint="Use values between 0 and 1."
        )
    crop_w, crop_h = _crop_size(width, height, platform)
    left = round(ax * (width - crop_w))
    top = round(ay * (height - crop_h))
    crop = (left / width, top / height, (left + crop_w) / width, (top + crop_h) / height)
    return Geometry(
        crop=crop, size=_final_size(crop_w, crop_h, platform), source_size=(width, height)
    )


def _crop_size(width: int, height: int, platform: Platform) -> tuple[int, int]:
    """Whole-pixel window inside the allowed aspect range; flooring keeps it on the inside of a bound."""
    if platform.fixed_size is not None:
        low = high = Fraction(*platform.fixed_size)
    elif platform.aspect_bounds is not None:
        low, high = platform.aspect_bounds
    else:
        return width, height
    aspect = Fraction(width, height)
    if aspect > high:
        return max(1, math.floor(height * high)), height
    if aspect < low:
        return width, max(1, math.floor(width / low))
    return width, height


def _final_size(width: int, height: int, platform: Platform) -> tuple[int, int]:
    if platform.fixed_size is not None:
        return platform.fixed_size
    if platform.max_width is not None or platform.min_width is not None:
        target = width
        if platform.max_width is not None and width > platform.max_width:
            target = platform.max_width
        if platform.min_width is not None and width < platform.min_width:
            target = platform.min_width
        if target == width:
            return width, height
        return target, _height_in_bounds(target, round(target * height / width), platform)
    if platform.max_long_edge is not None and max(width, height) > platform.max_long_edge:
        scale = platform.max_long_edge / max(width, height)
        return _scaled(width, height, scale, (platform.max_long_edge, platform.max_long_edge))
    if platform.max_size is not None:
        box_w, box_h = platform.max_size
        if width > box_w or height > box_h:
            return _scaled(width, height, min(box_w / width, box_h / height), (box_w, box_h))
    return width, height


def _scaled(width: int, height: int, scale: float, box: tuple[int, int]) -> tuple[int, int]:
    return (min(box[0], max(1, round(width * scale))), min(box[1], max(1, round(height * scale))))


def _height_in_bounds(width: int, height: int, platform: Platform) -> int:
    """Nudge a rounded height by a pixel when rounding pushed the aspect ratio past a bound."""
    height = max(1, height)
    if platform.aspect_bounds is None:
        return height
    low, high = platform.aspect_bounds
    if Fraction(width, height) > high:
        return math.ceil(width / high)
    if Fraction(width, height) < low:
        return max(1, math.floor(width / low))
    return height


def prepare(image: Image.Image, geometry: Geometry) -> Image.Image:
    """Apply ``geometry`` to ``image`` (the full photo, or a reduced-scale decode of it).

    Crop and resize happen in one Lanczos resample (``resize`` with a source
    box), with alpha premultiplied by Pillow so transparent edges do not bleed.
    A plan that changes nothing returns ``image`` itself, and a pure
    whole-pixel crop is a copy of those pixels: neither resamples.
    """
    width, height = image.size
    left, top, right, bottom = geometry.crop
    box = tuple(
        _snap(value) for value in (left * width, top * height, right * width, bottom * height)
    )
    if box == (0, 0, width, height) and geometry.size == (width, height):
        return image
    if (
        all(isinstance(value, int) for value in box)
        and (box[2] - box[0], box[3] - box[1]) == geometry.size
    ):
        return image.crop(box)
    return image.resize(geometry.size, Image.Resampling.LANCZOS, box=box)


def _snap(value: float) -> float | int:
    """Whole numbers that floating point left a hair off (133.00000000000003) become ints."""
    nearest = round(value)
    return nearest if abs(value - nearest) < 1e-6 else value
