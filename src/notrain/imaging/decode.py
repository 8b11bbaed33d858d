"""Read untrusted image files into upright, 8-bit sRGB pictures.

Everything after decoding (resizing, watermarks, cloaks, encoding) can then
assume one kind of image: mode "RGB", or "RGBA" when the file really has
transparency, in sRGB, the right way up. The file is identified by its
content, never its name, and only formats notrain supports are handed to
Pillow, so a hostile file cannot reach a decoder nobody meant to use.

Pillow's own decompression-bomb guard (``PIL.Image.MAX_IMAGE_PIXELS``, a
process-wide setting) still applies on top of ``max_pixels``; an application
that wants ``max_pixels`` alone to decide can set it to None at start-up,
because the size is checked here from the header before any pixel is decoded.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageChops, ImageCms, UnidentifiedImageError

from notrain.errors import CorruptFileError, ImageTooLargeError, InputError, UnsupportedFormatError
from notrain.imaging.color import profile_name, to_srgb

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "SUPPORTED_FORMATS",
    "Decoded",
    "ImageInfo",
    "open_image",
    "probe_image",
]

DEFAULT_MAX_PIXELS = 200_000_000
"""Refuse images with more pixels than this (about 16,000 x 12,500)."""

SUPPORTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF", "AVIF", "TIFF", "GIF", "BMP")

_HEIF_BRANDS = frozenset(b"heic heix heim heis hevc hevx hevm hevs mif1 msf1".split())
_AVIF_BRANDS = frozenset((b"avif", b"avis"))
_BMP_HEADER_SIZES = (12, 40, 52, 56, 64, 108, 124)

_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    EOFError,
    struct.error,
    RuntimeError,
    ZeroDivisionError,
)
"""What Pillow and pillow-heif raise on malformed data; a hostile file must end in our error, not a crash."""

_heif_registered = False


@dataclass(frozen=True, kw_only=True)
class ImageInfo:
    """What the file header says about an image, without decoding its pixels."""

    format: str
    """"JPEG", "PNG", "WEBP", "HEIF", "AVIF", "TIFF", "GIF" or "BMP" (HEIC files report "HEIF")."""
    width: int
    """Upright width, after the EXIF orientation is applied."""
    height: int
    mode: str
    """The file's own Pillow mode before conversion ("RGB", "CMYK", "P", "I;16", ...)."""
    bit_depth: int
    """Bits per sample: 8 or 16, or the 10/12 a HEIF file declares."""
    orientation: int
    """The EXIF orientation found (1-8); 1 when there is none."""
    icc_name: str | None
    """Description of the embedded ICC profile, None when there is none."""
    has_alpha: bool
    frames: int
    """More than 1 for animated files; only the first frame is used."""


@dataclass(frozen=True)
class Decoded:
    """A decoded image: 8-bit sRGB, upright, "RGB" or "RGBA" (only with real transparency).

    The image carries no metadata (its ``info`` is empty): what is kept or
    added is decided by ``notrain.metadata``, never carried along by accident.
    """

    image: Image.Image
    info: ImageInfo
    scale: float
    """Decoded width / ``info.width``: 1.0 unless ``min_size`` allowed a reduced decode."""


def probe_image(source: Path | bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> ImageInfo:
    """Read the header of ``source`` (a path or the file's bytes) without decoding pixels.

    Raises ``InputError`` when the file cannot be read, ``UnsupportedFormatError``
    when it is not an image notrain handles, ``CorruptFileError`` when it is
    empty, truncated or damaged, and ``ImageTooLargeError`` when it has more than
    ``max_pixels`` pixels.
    """
    data, path = _read(source)
    with _open(data, path) as im:
        info = _info(im, data)
    _check_size(info, max_pixels, path)
    return info


def open_image(
    source: Path | bytes,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    min_size: tuple[int, int] | None = None,
) -> Decoded:
    """Decode ``source`` into an upright 8-bit sRGB image.

    The EXIF orientation is applied, an embedded ICC profile converted to
    sRGB, 16-bit and 10-bit samples reduced to 8 bits, CMYK, palette, grey and
    1-bit images turned into RGB, and alpha kept only when some pixel is not
    fully opaque. Animated files give their first frame.

    ``min_size`` (upright width, height) lets a JPEG be decoded at 1/2, 1/4 or
    1/8 scale by its DCT, never smaller than ``min_size`` in either dimension:
    a caller that will resize to W x H passes 2W x 2H, which leaves the Lanczos
    resize enough pixels, and decodes faster. ``Decoded.scale`` reports the
    factor (1.0 when no reduction was possible).

    Raises the same errors as ``probe_image``.
    """
    data, path = _read(source)
    with _open(data, path) as im:
        info = _info(im, data)
        _check_size(info, max_pixels, path)
        if min_size is not None and info.format == "JPEG":
            wanted = min_size if info.orientation < 5 else (min_size[1], min_size[0])
            im.draft(None, (max(1, wanted[0]), max(1, wanted[1])))
        _load(im, info, path)
        try:
            image = _normalise(im)
        except ValueError:
            raise UnsupportedFormatError(
                f"{_label(path)} uses the colour mode {info.mode}, which notrain cannot convert to RGB.",
                path=path,
                hint="Convert it to RGB in an image editor first.",
            ) from None
        if not _orientation_applied(im) and info.orientation in _TRANSPOSE:
            image = image.transpose(_TRANSPOSE[info.orientation])
        if image is im:
            image = im.copy()
    image.info = {}
    return Decoded(image=image, info=info, scale=image.width / info.width)


def _label(path: Path | None) -> str:
    return str(path) if path is not None else "The image"


def _read(source: Path | bytes) -> tuple[bytes, Path | None]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), None
    path = Path(source)
    try:
        return path.read_bytes(), path
    except FileNotFoundError:
        raise InputError(f"{path} does not exist.", path=path, hint="Check the path.") from None
    except IsADirectoryError:
        raise InputError(
            f"{path} is a folder, not an image file.",
            path=path,
            hint="Pass the image files inside it instead.",
        ) from None
    except PermissionError:
        raise InputError(
            f"{path} cannot be read: permission denied.",
            path=path,
            hint="Check the file's permissions, or copy it somewhere you can read it.",
        ) from None
    except OSError as exc:
        raise InputError(f"{path} cannot be read: {exc.strerror or exc}.", path=path) from None


def _sniff(data: bytes) -> str | None:
    """The format the first bytes announce, or None when they announce no image we handle."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "TIFF"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:2] == b"BM" and int.from_bytes(data[14:18], "little") in _BMP_HEADER_SIZES:
        return "BMP"
    if data[4:8] == b"ftyp":
        box_end = min(len(data), max(16, int.from_bytes(data[:4], "big")))
        brands = {data[8:12]} | {data[i : i + 4] for i in range(16, box_end - 3, 4)}
        if brands & _AVIF_BRANDS:
            return "AVIF"
        if brands & _HEIF_BRANDS:
            return "HEIF"
    return None


def _register_heif() -> None:
    """Teach Pillow to read HEIC/HEIF, the first time such a file is met."""
    global _heif_registered
    if not _heif_registered:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _heif_registered = True


def _truncated(data: bytes, kind: str) -> bool:
    """Whether a JPEG lacks its end-of-image marker, or a PNG its IEND chunk.

    Checked here rather than left to Pillow, which loads such files without
    complaint whenever ``ImageFile.LOAD_TRUNCATED_IMAGES`` is set anywhere in
    the process.
    """
    if kind == "PNG":
        pos = 8
        while pos + 8 <= len(data):
            length = int.from_bytes(data[pos : pos + 4], "big")
            if data[pos + 4 : pos + 8] == b"IEND":
                return False
            pos += 12 + length
        return True
    if kind == "JPEG":
        pos = 2
        while pos + 4 <= len(data):
            if data[pos] != 0xFF:
                return True
            marker = data[pos + 1]
            if marker == 0xFF:
                pos += 1
                continue
            if marker == 0xDA:
                return data.find(b"\xff\xd9", pos) < 0
            pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        return True
    return False


def _unsupported(path: Path | None) -> UnsupportedFormatError:
    return UnsupportedFormatError(
        f"{_label(path)} is not an image format notrain can read.",
        path=path,
        hint=f"Supported formats: {', '.join(SUPPORTED_FORMATS)}.",
    )


def _too_large(path: Path | None, detail: str) -> ImageTooLargeError:
    return ImageTooLargeError(
        f"{_label(path)} is too large to decode safely: {detail}",
        path=path,
        hint="If you trust this file, raise the limit with --max-pixels.",
    )


def _open(data: bytes, path: Path | None) -> Image.Image:
    if not data:
        raise CorruptFileError(
            f"{_label(path)} is empty (0 bytes).",
            path=path,
            hint="Copy it again from the original.",
        )
    kind = _sniff(data)
    if kind is None:
        raise _unsupported(path)
    if _truncated(data, kind):
        raise CorruptFileError(
            f"{_label(path)} is truncated: the {kind} data stops before the image ends.",
            path=path,
            hint="The file was probably cut off while copying or downloading; copy it again from the original.",
        )
    if kind == "HEIF":
        _register_heif()
    try:
        return Image.open(io.BytesIO(data), formats=[kind])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_large(path, str(exc)) from None
    except (UnidentifiedImageError, *_DECODE_ERRORS) as exc:
        raise CorruptFileError(
            f"{_label(path)} looks like a {kind} file but its header is damaged ({exc}).",
            path=path,
            hint="Open it in an image viewer to check; copy it again from the original if it fails there too.",
        ) from None


def _orientation_applied(im: Image.Image) -> bool:
    """pillow-heif turns the picture upright itself and records the orientation it undid."""
    return "original_orientation" in im.info


def _orientation(im: Image.Image) -> int:
    if _orientation_applied(im):
        value = im.info.get("original_orientation")
    else:
        try:
            if im.format == "TIFF":
                value = im.getexif().get(0x0112)
            else:
                exif = Image.Exif()
                if raw := im.info.get("exif"):
                    exif.load(raw)
                value = exif.get(0x0112)
        except _DECODE_ERRORS:
            value = None
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _bit_depth(im: Image.Image, data: bytes) -> int:
    if im.format == "HEIF":
        return int(im.info.get("bit_depth", 8))
    if im.mode.startswith("I"):
        return 16
    if im.format == "PNG" and len(data) > 24:
        return 16 if data[24] == 16 else 8
    if im.format == "TIFF":
        bits = im.tag_v2.get(0x0102, (8,))
        bits = bits if isinstance(bits, tuple) else (bits,)
        return 16 if max(bits) > 8 else 8
    return 8


def _info(im: Image.Image, data: bytes) -> ImageInfo:
    orientation = _orientation(im)
    width, height = im.size
    if orientation >= 5 and not _orientation_applied(im):
        width, height = height, width
    is_mpo = im.format == "MPO"
    animated = bool(getattr(im, "is_animated", False)) and not is_mpo
    return ImageInfo(
        format="JPEG" if is_mpo else str(im.format),
        width=width,
        height=height,
        mode=im.mode,
        bit_depth=_bit_depth(im, data),
        orientation=orientation,
        icc_name=profile_name(im.info.get("icc_profile")),
        has_alpha=im.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info,
        frames=int(getattr(im, "n_frames", 1)) if animated else 1,
    )


def _check_size(info: ImageInfo, max_pixels: int, path: Path | None) -> None:
    pixels = info.width * info.height
    if pixels > max_pixels:
        raise _too_large(
            path,
            f"{info.width} x {info.height} is {pixels:,} pixels, more than the limit of {max_pixels:,}.",
        )


def _load(im: Image.Image, info: ImageInfo, path: Path | None) -> None:
    try:
        im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, MemoryError) as exc:
        raise _too_large(path, str(exc) or "out of memory") from None
    except _DECODE_ERRORS as exc:
        raise CorruptFileError(
            f"{_label(path)} cannot be decoded: the {info.format} data is damaged ({exc}).",
            path=path,
            hint="Open it in an image viewer to check; copy it again from the original if it fails there too.",
        ) from None


def _to_8bit(im: Image.Image) -> Image.Image:
    """16-bit (or 32-bit integer) grey to 8-bit, rounding rather than truncating."""
    values = np.clip(np.asarray(im).astype(np.int64), 0, 65535)
    return Image.fromarray(((values * 255 + 32767) // 65535).astype(np.uint8), "L")


def _normalise(im: Image.Image) -> Image.Image:
    """Bring any Pillow mode to "RGB"/"RGBA" in sRGB, keeping alpha only where it is used."""
    icc = im.info.get("icc_profile")
    image: Image.Image = im
    if image.mode == "CMYK" and image.format == "JPEG" and "adobe" not in image.info:
        # Pillow assumes Adobe's inverted CMYK; without Adobe's APP14 marker the values are plain.
        image = ImageChops.invert(image)
    if image.mode.startswith("I"):
        image = _to_8bit(image)
    elif image.mode in ("1", "F"):
        image = image.convert("L")
    elif image.mode == "LAB":
        lab = ImageCms.createProfile("LAB")
        image = ImageCms.profileToProfile(
            image, lab, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
        icc = None
    elif image.mode in ("P", "PA", "RGBa", "La") or "transparency" in image.info:
        has_alpha = "A" in image.mode or "a" in image.mode or "transparency" in image.info
        grey = image.mode in ("L", "La")
        image = image.convert(("LA" if grey else "RGBA") if has_alpha else "RGB")
    elif image.mode not in ("L", "LA", "RGB", "RGBA", "CMYK"):
        image = image.convert("RGB")
    alpha = None
    if image.mode == "LA":
        alpha = image.getchannel("A")
        image = image.getchannel("L")
    image = to_srgb(image, icc)
    if alpha is not None:
        image.putalpha(alpha)
    if image.mode == "RGBA" and image.getchannel("A").getextrema()[0] == 255:
        image = image.convert("RGB")
    return image
