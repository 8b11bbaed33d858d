"""A stand-in for a platform's upload pipeline, to check what survives before posting.

It does what the platform profile says the platform does: turn the photo
upright, apply the platform's own size rule, re-encode as JPEG at a quality
from the measured range, and keep only the metadata the platform keeps (plus
the fields it adds). Verification then reads watermarks and metadata from
these bytes instead of trusting that they survive.
"""

from __future__ import annotations

import io
import random

from PIL import Image, IptcImagePlugin

from notrain.imaging.color import SRGB_PROFILE
from notrain.imaging.decode import open_image
from notrain.imaging.encode import encode_image
from notrain.imaging.platforms import Platform
from notrain.imaging.prepare import plan_geometry, prepare
from notrain.metadata.iptc import encode_iim, insert_jpeg_app13

__all__ = ["simulate"]


def simulate(
    data: bytes, platform: Platform, *, quality: int | None = None, rng: random.Random | None = None
) -> bytes:
    """The bytes ``platform`` would serve after ``data`` is uploaded.

    ``quality`` fixes the JPEG quality of the re-encode; when None it is drawn
    uniformly from the platform's measured range with ``rng`` (by default
    ``random.Random(0)``, so runs repeat). A platform that serves uploads as
    they are (``web``, ``original``) returns ``data`` unchanged. Raises the
    errors of ``open_image`` when ``data`` is not a readable image.
    """
    if platform.quality_range is None:
        return data
    if quality is None:
        quality = (rng or random.Random(0)).randint(*platform.quality_range)
    decoded = open_image(data)
    geometry = plan_geometry(decoded.image.size, platform)
    served = encode_image(
        prepare(decoded.image, geometry),
        "jpeg",
        quality=quality,
        subsampling=platform.subsampling,
        progressive=True,
        exif=_kept_exif(data, platform),
        icc_profile=SRGB_PROFILE if platform.icc_kept else None,
    )
    datasets = _kept_iim(data, platform) + list(platform.iim_injected)
    return insert_jpeg_app13(served, encode_iim(datasets)) if datasets else served


def _kept_exif(data: bytes, platform: Platform) -> bytes | None:
    """A fresh EXIF block holding only the upload's main-directory tags that the platform keeps.

    Artist and Copyright, the fields platforms were seen to keep, live in that directory.
    """
    if not platform.exif_kept:
        return None
    with Image.open(io.BytesIO(data)) as upload:
        source = upload.getexif()
    kept = Image.Exif()
    for tag, value in source.items():
        if tag in platform.exif_kept:
            kept[tag] = _raw(value)
    return kept.tobytes() if len(kept) else None


def _raw(value: object) -> object:
    """Pillow reads EXIF text as Latin-1; giving back those bytes keeps UTF-8 text such as "©" intact."""
    if isinstance(value, str):
        try:
            return value.encode("latin-1")
        except UnicodeEncodeError:
            return value
    return value


def _kept_iim(data: bytes, platform: Platform) -> list[tuple[int, int, bytes]]:
    """The upload's IPTC-IIM datasets that the platform keeps, repeated ones included."""
    if not platform.iim_kept:
        return []
    with Image.open(io.BytesIO(data)) as upload:
        iptc = IptcImagePlugin.getiptcinfo(upload) or {}
    kept = []
    for (record, number), value in sorted(iptc.items()):
        if (record, number) in platform.iim_kept:
            for item in value if isinstance(value, list) else [value]:
                kept.append((record, number, item))
    return kept
