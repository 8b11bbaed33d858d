"""Colour management: bring any embedded ICC profile to sRGB.

Platforms show, and often strip the profile from, what they serve; a photo in
Display P3 or Adobe RGB that keeps its numbers but loses its profile looks
washed out. So notrain converts the pixels to sRGB once, at decode time, and
embeds a small sRGB profile in what it writes.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageCms

__all__ = ["SRGB_PROFILE", "profile_name", "to_srgb"]

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _without_timestamp(icc: bytes) -> bytes:
    """The profile with its creation date (header bytes 24-35) fixed, so every process writes the same
    bytes and a protected output is reproducible (resume relies on that). LittleCMS leaves the
    profile ID (bytes 84-99, an MD5 that would cover the date) empty."""
    assert icc[84:100] == bytes(16), "a profile ID would need recomputing"
    return icc[:24] + bytes(12) + icc[36:]


SRGB_PROFILE: bytes = _without_timestamp(_SRGB.tobytes())
"""An sRGB ICC profile (LittleCMS's built-in, about 600 bytes) to embed in outputs; identical in every process."""

_INTENT = ImageCms.Intent.RELATIVE_COLORIMETRIC
_FLAGS = ImageCms.Flags.BLACKPOINTCOMPENSATION

_SPACE_MODES = {"RGB": ("RGB", "RGBA"), "GRAY": ("L",), "CMYK": ("CMYK",)}


@lru_cache(maxsize=32)
def _open_profile(icc: bytes) -> ImageCms.ImageCmsProfile | None:
    try:
        return ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (OSError, ImageCms.PyCMSError, ValueError, TypeError):
        return None


def profile_name(icc: bytes | None) -> str | None:
    """The profile's own description ("Display P3", "Adobe RGB (1998)"), or None when absent or unreadable."""
    if not icc:
        return None
    profile = _open_profile(icc)
    if profile is None:
        return None
    try:
        name = ImageCms.getProfileDescription(profile).strip()
    except ImageCms.PyCMSError:
        return None
    return name or None


def _profile_space(icc: bytes | None) -> str | None:
    """The colour space the profile describes ("RGB", "GRAY", "CMYK", ...), or None when unreadable."""
    if not icc:
        return None
    profile = _open_profile(icc)
    return profile.profile.xcolor_space.strip() if profile is not None else None


@lru_cache(maxsize=32)
def _transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """One LittleCMS transform per (profile, mode): batches meet the same phone profile again and again."""
    profile = _open_profile(icc)
    if profile is None:
        return None
    out_mode = "RGBA" if mode == "RGBA" else "RGB"
    try:
        return ImageCms.buildTransform(profile, _SRGB, mode, out_mode, _INTENT, _FLAGS)
    except ImageCms.PyCMSError:
        return None


def to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert an "L", "RGB", "RGBA" or "CMYK" image from the colour space of ``icc`` to sRGB.

    The result is "RGB", or "RGBA" when the input is "RGBA" (alpha is carried
    unchanged). Without a profile, or with one that is unreadable or made for
    another kind of image, the pixels are taken to be sRGB already, as
    browsers assume too; CMYK then goes through Pillow's plain formula.

    The rendering intent is relative colorimetric with black-point
    compensation: colours inside sRGB keep their exact appearance (for the
    matrix profiles that phones and cameras embed, perceptual has no tables of
    its own and would fall back to this anyway), colours outside are clipped
    to the nearest sRGB colour, and a print profile's paper-grey black maps to
    sRGB black instead of a washed-out grey.
    """
    if icc == SRGB_PROFILE and image.mode in ("RGB", "RGBA"):
        return image
    space = _profile_space(icc)
    if image.mode == "L" and space == "RGB":
        image = image.convert("RGB")
    if icc is not None and image.mode in _SPACE_MODES.get(space or "", ()):
        transform = _transform(icc, image.mode)
        if transform is not None:
            return ImageCms.applyTransform(image, transform)
    return image if image.mode in ("RGB", "RGBA") else image.convert("RGB")
