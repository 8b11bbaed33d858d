"""Image containers: where each format keeps its metadata blocks, found without decoding pixels.

JPEG, PNG, WebP and TIFF are walked segment by segment here, so a damaged block
is skipped instead of failing the file, and PNG text chunks after the image data
are seen too. HEIF and AVIF go through Pillow (with pillow-heif's opener,
registered on first use), which reads their boxes without decoding.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from notrain.errors import CorruptFileError, ImageTooLargeError, InputError, UnsupportedFormatError
from notrain.metadata.exif import EXIF_HEADER, parse_exif
from notrain.metadata.iptc import iim_from_photoshop

__all__ = [
    "Blocks",
    "extract_blocks",
    "insert_png_chunk",
    "raw_profile",
    "raw_profile_payload",
    "read_source",
    "sniff_format",
]

XMP_KEYWORD = "XML:com.adobe.xmp"
_JPEG_XMP = b"http://ns.adobe.com/xap/1.0/\x00"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MAX_INFLATED = 16 * 1024 * 1024
_IMAGE_SUFFIXES = {
    ".jpg",
    ".jpeg",
    ".jpe",
    ".png",
    ".webp",
    ".tif",
    ".tiff",
    ".heic",
    ".heif",
    ".avif",
}
_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_AVIF_BRANDS = {b"avif", b"avis"}


@dataclass(frozen=True)
class Blocks:
    """The raw metadata blocks of one file.

    ``exif`` is a TIFF structure (for a TIFF file, the whole file, whose second
    IFD is a page rather than a thumbnail: see ``thumbnail_ifd``); ``iptc`` is an
    IIM stream; ``texts`` are PNG text chunks and JPEG comments, as
    ``(keyword, text)``.
    """

    format: str
    exif: bytes | None = None
    xmp: bytes | None = None
    iptc: bytes | None = None
    icc: bytes | None = None
    texts: tuple[tuple[str, str], ...] = ()
    thumbnail_ifd: bool = True


def read_source(source: Path | str | bytes) -> tuple[bytes, Path | None]:
    """The bytes of ``source`` (a path or the bytes themselves), and its path when it has one."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source), None
    path = Path(source)
    try:
        return path.read_bytes(), path
    except FileNotFoundError as exc:
        raise InputError(
            f"{path}: no such file", path=path, hint="Check the path and try again."
        ) from exc
    except IsADirectoryError as exc:
        raise InputError(
            f"{path}: this is a folder, not an image", path=path, hint="Name an image file."
        ) from exc
    except OSError as exc:
        raise InputError(
            f"{path}: cannot be read ({exc.strerror or exc})",
            path=path,
            hint="Check that the file exists and that you may read it.",
        ) from exc


def sniff_format(data: bytes) -> str | None:
    """The format from the first bytes: jpeg, png, webp, tiff, heif, avif, or ``None``."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == _PNG_SIGNATURE:
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data[4:8] == b"ftyp":
        (size,) = struct.unpack(">I", data[:4])
        brands = {data[8:12]} | {data[i : i + 4] for i in range(16, min(size, 256), 4)}
        if brands & _AVIF_BRANDS:
            return "avif"
        if brands & _HEIF_BRANDS:
            return "heif"
    return None


def extract_blocks(data: bytes, path: Path | None = None) -> Blocks:
    """The metadata blocks of an image file's bytes.

    Raises :class:`~notrain.errors.CorruptFileError` for an empty or truncated
    file and :class:`~notrain.errors.UnsupportedFormatError` for anything that is
    not an image format notrain reads.
    """
    where = f"{path}: " if path else ""
    if not data:
        raise CorruptFileError(
            f"{where}the file is empty", path=path, hint="Check that it was copied completely."
        )
    fmt = sniff_format(data)
    if fmt is None:
        _unsupported(data, path, where)
    reader = {"jpeg": _jpeg, "png": _png, "webp": _webp, "tiff": _tiff}.get(fmt)
    blocks = reader(data) if reader else _pillow(data, fmt, path, where)
    if blocks is None:
        raise CorruptFileError(
            f"{where}the {fmt.upper()} file is truncated or damaged: no image data was found",
            path=path,
            hint="Export the photo again from the camera, phone or editor.",
        )
    return blocks


def _unsupported(data: bytes, path: Path | None, where: str) -> NoReturn:
    hint = "notrain reads JPEG, PNG, WebP, TIFF, HEIC and AVIF; convert the file to one of them."
    if path is not None and path.suffix.lower() in _IMAGE_SUFFIXES:
        raise CorruptFileError(
            f"{where}the content is not a {path.suffix} image", path=path, hint=hint
        )
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
    except (OSError, ValueError, SyntaxError):
        kind = None
    what = f"{kind} images are not supported" if kind else "this is not an image notrain can read"
    raise UnsupportedFormatError(f"{where}{what}", path=path, hint=hint)


def _jpeg(data: bytes) -> Blocks | None:
    exif = xmp = None
    photoshop = bytearray()
    icc: dict[int, bytes] = {}
    texts = []
    frame = False
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            pos = data.find(b"\xff", pos)
            if pos < 0:
                break
            continue
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in (0xD9, 0xDA):
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        segment = data[pos + 4 : pos + 2 + length]
        if length < 2 or len(segment) < length - 2:
            break
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            frame = True
        elif marker == 0xE1 and segment.startswith(EXIF_HEADER) and exif is None:
            exif = segment
        elif marker == 0xE1 and segment.startswith(_JPEG_XMP) and xmp is None:
            xmp = segment[len(_JPEG_XMP) :]
        elif marker == 0xE2 and segment.startswith(b"ICC_PROFILE\x00") and len(segment) > 14:
            icc.setdefault(segment[12], segment[14:])
        elif marker == 0xED and segment.startswith(b"Photoshop 3.0\x00"):
            photoshop += segment[14:]
        elif marker == 0xFE:
            texts.append(("Comment", segment.decode("utf-8", errors="replace")))
        pos += 2 + length
    if not frame:
        return None
    profile = b"".join(icc[i] for i in sorted(icc)) or None
    iptc = iim_from_photoshop(bytes(photoshop)) if photoshop else None
    return Blocks("jpeg", exif=exif, xmp=xmp, iptc=iptc, icc=profile, texts=tuple(texts))


def _inflate(data: bytes) -> bytes | None:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, _MAX_INFLATED)
    except zlib.error:
        return None
    return None if inflater.unconsumed_tail else out


def raw_profile(name: str, payload: bytes) -> bytes:
    """The text of an ImageMagick/exiv2 "Raw profile type NAME" PNG chunk holding ``payload``.

    A line with the name, a line with the byte count, then hex, 36 bytes per line.
    """
    lines = [payload[i : i + 36].hex() for i in range(0, len(payload), 36)]
    return (
        f"\n{name}\n{len(payload):8d}\n".encode("ascii") + "\n".join(lines).encode("ascii") + b"\n"
    )


def raw_profile_payload(text: bytes) -> bytes | None:
    """The bytes in the text of a "Raw profile type" chunk, or ``None`` if it is damaged."""
    parts = text.split()
    if len(parts) < 3 or not parts[1].isdigit():
        return None
    try:
        payload = bytes.fromhex(b"".join(parts[2:]).decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
    return payload[: int(parts[1])]


def _png_text(kind: bytes, body: bytes) -> tuple[str, bytes] | None:
    keyword, _, rest = body.partition(b"\x00")
    if kind == b"tEXt":
        return keyword.decode("latin-1"), rest
    if kind == b"zTXt":
        text = _inflate(rest[1:])
        return None if text is None else (keyword.decode("latin-1"), text)
    if len(rest) < 2:
        return None
    compressed, rest = rest[0], rest[2:]
    _, _, rest = rest.partition(b"\x00")
    _, _, rest = rest.partition(b"\x00")
    text = _inflate(rest) if compressed else rest
    return None if text is None else (keyword.decode("latin-1"), text)


def _png(data: bytes) -> Blocks | None:
    exif = xmp = iptc = icc = None
    texts = []
    header = False
    pos = 8
    while pos + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if len(body) < length:
            break
        pos += 12 + length
        if kind == b"IHDR":
            header = True
        elif kind == b"IEND":
            break
        elif kind == b"eXIf" and exif is None:
            exif = body
        elif kind == b"iCCP" and icc is None:
            icc = _inflate(body.partition(b"\x00")[2][1:])
        elif kind in (b"tEXt", b"zTXt", b"iTXt"):
            found = _png_text(kind, body)
            if found is None:
                continue
            keyword, text = found
            if keyword == XMP_KEYWORD:
                xmp = xmp or text
            elif keyword.lower() in ("raw profile type iptc", "raw profile type 8bim"):
                payload = raw_profile_payload(text)
                if payload and payload.startswith((b"8BIM", b"Photoshop 3.0\x00")):
                    payload = iim_from_photoshop(payload)
                iptc = iptc or payload
            elif keyword.lower() in ("raw profile type exif", "raw profile type app1"):
                payload = raw_profile_payload(text)
                exif = exif or (payload[payload.find(b"Exif\x00\x00") :] if payload else None)
            else:
                encoding = "utf-8" if kind == b"iTXt" else "latin-1"
                texts.append((keyword, text.decode(encoding, errors="replace")))
    if not header:
        return None
    return Blocks("png", exif=exif, xmp=xmp, iptc=iptc, icc=icc, texts=tuple(texts))


def _webp(data: bytes) -> Blocks | None:
    found: dict[bytes, bytes] = {}
    pos = 12
    while pos + 8 <= len(data):
        kind, length = struct.unpack("<4sI", data[pos : pos + 8])
        found.setdefault(kind, data[pos + 8 : pos + 8 + length])
        pos += 8 + length + (length & 1)
    if not found.keys() & {b"VP8 ", b"VP8L", b"VP8X"}:
        return None
    return Blocks("webp", exif=found.get(b"EXIF"), xmp=found.get(b"XMP "), icc=found.get(b"ICCP"))


def _tiff(data: bytes) -> Blocks | None:
    try:
        block = parse_exif(data, thumbnail_ifd=False)
    except ValueError:
        return None
    if not block.entries("Image"):
        return None
    xmp, iptc, icc = (block.find("Image", tag) for tag in (700, 33723, 34675))
    return Blocks(
        "tiff",
        exif=data,
        xmp=xmp.raw if xmp else None,
        iptc=iptc.raw if iptc else None,
        icc=icc.raw if icc else None,
        thumbnail_ifd=False,
    )


@functools.cache
def _heif_support() -> bool:
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


def _pillow(data: bytes, fmt: str, path: Path | None, where: str) -> Blocks:
    from PIL import Image

    if fmt == "heif" and not _heif_support():
        raise UnsupportedFormatError(
            f"{where}HEIC/HEIF support is not installed",
            path=path,
            hint="Install it with: pip install pillow-heif",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            info = dict(image.info)
    except Image.DecompressionBombError as exc:
        raise ImageTooLargeError(
            f"{where}{exc}", path=path, hint="Only process images from sources you trust."
        ) from exc
    except Image.UnidentifiedImageError as exc:
        raise UnsupportedFormatError(
            f"{where}this {fmt.upper()} file cannot be opened by this installation",
            path=path,
            hint="Convert it to JPEG or PNG, or reinstall Pillow and pillow-heif.",
        ) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise CorruptFileError(
            f"{where}the {fmt.upper()} file is damaged: {exc}",
            path=path,
            hint="Export the photo again from the camera, phone or editor.",
        ) from exc
    exif, xmp, icc = info.get("exif"), info.get("xmp"), info.get("icc_profile")
    return Blocks(
        fmt,
        exif=exif if isinstance(exif, bytes) and exif else None,
        xmp=xmp if isinstance(xmp, bytes) and xmp else None,
        icc=icc if isinstance(icc, bytes) and icc else None,
    )


def insert_png_chunk(png: bytes, kind: bytes, body: bytes) -> bytes:
    """``png`` with a ``kind`` chunk holding ``body`` (CRC computed) before the first IDAT."""
    if png[:8] != _PNG_SIGNATURE:
        raise ValueError("not a PNG stream: the signature is missing")
    pos = 8
    while pos + 8 <= len(png):
        length, found = struct.unpack(">I4s", png[pos : pos + 8])
        if found == b"IDAT":
            break
        pos += 12 + length
    else:
        raise ValueError("not a PNG stream: there is no IDAT chunk")
    chunk = struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return png[:pos] + chunk + png[pos:]
