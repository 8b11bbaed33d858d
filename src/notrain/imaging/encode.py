"""Write images as JPEG, PNG or WebP, with the metadata notrain chose to keep or add.

Every format gets the same three kinds of metadata, each where readers look
for it: EXIF (JPEG APP1, PNG eXIf, WebP EXIF), XMP (JPEG APP1 with the Adobe
namespace, PNG iTXt ``XML:com.adobe.xmp``, WebP XMP) and an ICC profile
(JPEG APP2, PNG iCCP, WebP ICCP).
"""

from __future__ import annotations

import io

from PIL import Image, PngImagePlugin

from notrain.errors import OptionError
from notrain.imaging.color import SRGB_PROFILE

__all__ = ["EXTENSIONS", "OUTPUT_FORMATS", "SUBSAMPLINGS", "encode_image"]

OUTPUT_FORMATS = ("jpeg", "png", "webp")
EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "webp": ".webp"}
SUBSAMPLINGS = ("4:4:4", "4:2:2", "4:2:0")

_EXIF_HEADER = b"Exif\x00\x00"


def encode_image(
    image: Image.Image,
    fmt: str,
    *,
    quality: int = 92,
    subsampling: str = "4:2:0",
    progressive: bool = True,
    exif: bytes | None = None,
    xmp: bytes | None = None,
    icc_profile: bytes | None = SRGB_PROFILE,
    background: tuple[int, int, int] = (255, 255, 255),
) -> bytes:
    """Encode ``image`` as ``fmt`` ("jpeg", "png" or "webp") and return the file's bytes.

    JPEG: ``quality`` (1-100) and chroma ``subsampling`` as given, optimised
    Huffman tables, progressive unless told otherwise; transparency is
    flattened onto ``background`` because JPEG has no alpha. PNG: lossless,
    alpha kept. WebP: lossy at ``quality``, lossless at 100, alpha kept.

    ``exif`` may start with the ``Exif\\0\\0`` header or not; ``xmp`` is a
    complete XMP packet; ``icc_profile`` defaults to sRGB, which is what
    ``open_image`` produces. Nothing else is written: metadata Pillow keeps in
    ``image.info`` (a profile, a comment) is ignored, so none leaks by accident.
    """
    fmt = fmt.lower()
    if fmt not in OUTPUT_FORMATS:
        raise OptionError(
            f"Unknown output format {fmt!r}.", hint=f"Choose one of: {', '.join(OUTPUT_FORMATS)}."
        )
    if not 1 <= quality <= 100:
        raise OptionError(f"Quality must be between 1 and 100, not {quality}.")
    if subsampling not in SUBSAMPLINGS:
        raise OptionError(
            f"Unknown chroma subsampling {subsampling!r}.",
            hint=f"Choose one of: {', '.join(SUBSAMPLINGS)}.",
        )
    raw_exif = exif[len(_EXIF_HEADER) :] if exif and exif.startswith(_EXIF_HEADER) else exif
    options: dict[str, object] = {"icc_profile": icc_profile or b""}
    if fmt == "jpeg":
        image = _flatten(image, background)
        options.update(
            quality=quality,
            subsampling=subsampling,
            progressive=progressive,
            optimize=True,
            comment=b"",
        )
        if raw_exif:
            options["exif"] = _EXIF_HEADER + raw_exif
        if xmp:
            options["xmp"] = xmp
        return _save(image, "JPEG", options)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    if raw_exif:
        options["exif"] = raw_exif
    if fmt == "png":
        options["transparency"] = None
        if xmp:
            text = PngImagePlugin.PngInfo()
            text.add_itxt("XML:com.adobe.xmp", xmp.decode("utf-8"), zip=False)
            options["pnginfo"] = text
        return _save(image, "PNG", options)
    if xmp:
        options["xmp"] = xmp
    options.update(quality=quality, lossless=quality == 100, method=4)
    return _save(image, "WEBP", options)


def _has_alpha(image: Image.Image) -> bool:
    """An alpha band, or a palette with transparent entries (the one ``info`` key that is pixels)."""
    return (
        "A" in image.mode
        or "a" in image.mode
        or (image.mode == "P" and "transparency" in image.info)
    )


def _flatten(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """An RGB image: transparent pixels composited over ``background``."""
    if not _has_alpha(image):
        return image if image.mode == "RGB" else image.convert("RGB")
    rgba = image.convert("RGBA")
    base = Image.new("RGB", rgba.size, background)
    base.paste(rgba, mask=rgba.getchannel("A"))
    return base


def _save(image: Image.Image, pillow_format: str, options: dict[str, object]) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, pillow_format, **options)
    return buffer.getvalue()
