"""What happens to a photo between marking it and finding it again: the watermark benchmark's attacks.

Each attack is a plain function from a PIL image to a PIL image, and ``ATTACKS``
names them in the order the benchmark reports them. JPEG is a real Pillow
encode and decode (4:2:0 chroma subsampling); the two platform attacks run
notrain's own simulator on a lossless PNG upload. Geometric and colour attacks
without a JPEG step keep their result lossless, exactly what a PNG re-save
would hold. The only randomness (a platform's JPEG quality) comes from the
``rng`` the caller passes, so every method meets the same quality for the same
image.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageEnhance, ImageFilter

from notrain.imaging.platforms import get_platform
from notrain.imaging.simulate import simulate

__all__ = [
    "ATTACKS",
    "Attack",
    "attack_named",
    "blur",
    "brightness",
    "centre_crop",
    "contrast",
    "crop_to_aspect",
    "facebook",
    "instagram",
    "jpeg",
    "rotate",
    "saturation",
    "scale",
    "screenshot",
    "to_width",
]


def jpeg(image: Image.Image, quality: int) -> Image.Image:
    """Encode as a baseline JPEG at ``quality`` with 4:2:0 subsampling and decode it again."""
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality, subsampling="4:2:0")
    return _decode(buffer.getvalue())


def instagram(image: Image.Image, rng: random.Random | None = None) -> Image.Image:
    """Instagram's feed pipeline: 1080 px wide at most (Lanczos), JPEG q70-85 (from ``rng``), 4:2:0, progressive."""
    return _platform(image, "instagram", rng)


def facebook(image: Image.Image, rng: random.Random | None = None) -> Image.Image:
    """Facebook's pipeline: a long edge of 2048 px at most (Lanczos), JPEG q70-85 (from ``rng``), 4:2:0."""
    return _platform(image, "facebook", rng)


def scale(
    image: Image.Image, factor: float, resample: Image.Resampling = Image.Resampling.LANCZOS
) -> Image.Image:
    """Resize both sides by ``factor``."""
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return image.resize(size, resample)


def to_width(image: Image.Image, width: int) -> Image.Image:
    """Resize to ``width`` px wide, keeping the aspect ratio (Lanczos)."""
    return image.resize(
        (width, max(1, round(image.height * width / image.width))), Image.Resampling.LANCZOS
    )


def centre_crop(image: Image.Image, area: float) -> Image.Image:
    """Keep the centre ``area`` (a fraction) of the picture, with its aspect ratio."""
    side = math.sqrt(area)
    width, height = round(image.width * side), round(image.height * side)
    left, top = (image.width - width) // 2, (image.height - height) // 2
    return image.crop((left, top, left + width, top + height))


def crop_to_aspect(image: Image.Image, width: int, height: int) -> Image.Image:
    """The largest centred window with the aspect ratio ``width``:``height``."""
    target = width / height
    if image.width / image.height > target:
        kept = round(image.height * target)
        left = (image.width - kept) // 2
        return image.crop((left, 0, left + kept, image.height))
    kept = round(image.width / target)
    top = (image.height - kept) // 2
    return image.crop((0, top, image.width, top + kept))


def rotate(image: Image.Image, degrees: float) -> Image.Image:
    """Turn by ``degrees`` about the centre (bicubic), then keep the largest upright rectangle without black corners."""
    turned = image.rotate(degrees, Image.Resampling.BICUBIC, expand=True)
    width, height = _inscribed(image.width, image.height, math.radians(degrees))
    # Two pixels less on each side: bicubic blends the border pixels with the black outside.
    width, height = max(1, math.floor(width) - 4), max(1, math.floor(height) - 4)
    left, top = (turned.width - width) // 2, (turned.height - height) // 2
    return turned.crop((left, top, left + width, top + height))


def brightness(image: Image.Image, factor: float) -> Image.Image:
    """Pillow's brightness enhancer: 1.2 is +20%."""
    return ImageEnhance.Brightness(image).enhance(factor)


def contrast(image: Image.Image, factor: float) -> Image.Image:
    """Pillow's contrast enhancer: 0.8 is -20%."""
    return ImageEnhance.Contrast(image).enhance(factor)


def saturation(image: Image.Image, factor: float) -> Image.Image:
    """Pillow's colour enhancer: 1.3 is +30% saturation."""
    return ImageEnhance.Color(image).enhance(factor)


def blur(image: Image.Image, radius: float) -> Image.Image:
    """Gaussian blur of ``radius`` px."""
    return image.filter(ImageFilter.GaussianBlur(radius))


def screenshot(image: Image.Image, factor: float = 0.9) -> Image.Image:
    """A screenshot of the photo shown at ``factor`` of its size: a bilinear resize saved as PNG."""
    buffer = io.BytesIO()
    scale(image, factor, Image.Resampling.BILINEAR).save(buffer, "PNG", compress_level=1)
    return _decode(buffer.getvalue())


@dataclass(frozen=True)
class Attack:
    """A named attack; ``name`` is the stable key of cached results, ``label`` what the table shows."""

    name: str
    label: str
    apply: Callable[[Image.Image, random.Random], Image.Image]


ATTACKS: tuple[Attack, ...] = (
    Attack("none", "none", lambda im, rng: im),
    Attack("jpeg95", "JPEG q95", lambda im, rng: jpeg(im, 95)),
    Attack("jpeg85", "JPEG q85", lambda im, rng: jpeg(im, 85)),
    Attack("jpeg75", "JPEG q75", lambda im, rng: jpeg(im, 75)),
    Attack("jpeg60", "JPEG q60", lambda im, rng: jpeg(im, 60)),
    Attack("jpeg50", "JPEG q50", lambda im, rng: jpeg(im, 50)),
    Attack(
        "instagram", "Instagram simulator (1080 wide, q70-85)", lambda im, rng: instagram(im, rng)
    ),
    Attack(
        "facebook", "Facebook simulator (2048 long edge, q70-85)", lambda im, rng: facebook(im, rng)
    ),
    Attack("down50", "downscale to 50%", lambda im, rng: scale(im, 0.5)),
    Attack("down30", "downscale to 30%", lambda im, rng: scale(im, 0.3)),
    Attack("crop80", "centre crop, 80% of the area", lambda im, rng: centre_crop(im, 0.8)),
    Attack("crop60", "centre crop, 60% of the area", lambda im, rng: centre_crop(im, 0.6)),
    Attack(
        "crop45-instagram",
        "4:5 centre crop + Instagram",
        lambda im, rng: instagram(crop_to_aspect(im, 4, 5), rng),
    ),
    Attack("rotate+1", "rotate +1 degree (cropped)", lambda im, rng: rotate(im, 1)),
    Attack("rotate-1", "rotate -1 degree (cropped)", lambda im, rng: rotate(im, -1)),
    Attack("rotate+3", "rotate +3 degrees (cropped)", lambda im, rng: rotate(im, 3)),
    Attack("rotate-3", "rotate -3 degrees (cropped)", lambda im, rng: rotate(im, -3)),
    Attack("brightness+20", "brightness +20%", lambda im, rng: brightness(im, 1.2)),
    Attack("brightness-20", "brightness -20%", lambda im, rng: brightness(im, 0.8)),
    Attack("contrast+20", "contrast +20%", lambda im, rng: contrast(im, 1.2)),
    Attack("contrast-20", "contrast -20%", lambda im, rng: contrast(im, 0.8)),
    Attack("saturation+30", "saturation +30%", lambda im, rng: saturation(im, 1.3)),
    Attack("blur1", "Gaussian blur, radius 1", lambda im, rng: blur(im, 1)),
    Attack("screenshot90", "PNG screenshot at 90% (bilinear)", lambda im, rng: screenshot(im, 0.9)),
    Attack(
        "crop80-1080-jpeg75",
        "crop 80% + 1080 wide + JPEG q75",
        lambda im, rng: jpeg(to_width(centre_crop(im, 0.8), 1080), 75),
    ),
    Attack(
        "rotate2-jpeg80", "rotate 2 degrees + JPEG q80", lambda im, rng: jpeg(rotate(im, 2), 80)
    ),
)


def attack_named(name: str) -> Attack:
    """The attack called ``name``; ``KeyError`` listing the known names when there is none."""
    for attack in ATTACKS:
        if attack.name == name:
            return attack
    raise KeyError(
        f"unknown attack {name!r}; expected one of: {', '.join(a.name for a in ATTACKS)}"
    )


def _platform(image: Image.Image, name: str, rng: random.Random | None) -> Image.Image:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "PNG", compress_level=1)
    return _decode(simulate(buffer.getvalue(), get_platform(name), rng=rng))


def _decode(data: bytes) -> Image.Image:
    with Image.open(io.BytesIO(data)) as decoded:
        return decoded.convert("RGB")


def _inscribed(width: int, height: int, angle: float) -> tuple[float, float]:
    """Width and height of the largest axis-aligned rectangle inside a ``width`` x ``height`` one turned by ``angle``."""
    sin_a, cos_a = abs(math.sin(angle)), abs(math.cos(angle))
    if sin_a < 1e-12:
        return float(width), float(height)
    long_side, short_side = max(width, height), min(width, height)
    if short_side <= 2 * sin_a * cos_a * long_side or abs(sin_a - cos_a) < 1e-10:
        half = 0.5 * short_side
        return (half / sin_a, half / cos_a) if width >= height else (half / cos_a, half / sin_a)
    cos_2a = cos_a * cos_a - sin_a * sin_a
    return (width * cos_a - height * sin_a) / cos_2a, (height * cos_a - width * sin_a) / cos_2a
