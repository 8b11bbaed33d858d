"""Where a C2PA manifest sits in a JPEG, PNG or WebP file, and the file without it.

Signing adds the manifest as its own blocks (JPEG APP11 segments, a PNG ``caBX`` chunk, a
WebP ``C2PA`` chunk) and leaves every other byte as it was. So two signatures of the same
encoded image differ only there (each signature is new), and :func:`unsigned` tells whether
an existing output is the same image as a freshly signed one.
"""

from __future__ import annotations

import struct

__all__ = ["image_mime", "unsigned"]

_PNG = b"\x89PNG\r\n\x1a\n"


_SIGNATURES = {
    "image/jpeg": lambda d: d[:3] == b"\xff\xd8\xff",
    "image/png": lambda d: d[:8] == _PNG,
    "image/webp": lambda d: d[:4] == b"RIFF" and d[8:12] == b"WEBP",
    "image/heic": lambda d: d[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"),
    "image/avif": lambda d: d[4:12] == b"ftypavif",
    "image/tiff": lambda d: d[:4] in (b"II*\x00", b"MM\x00*"),
}


def image_mime(data: bytes) -> str | None:
    """The MIME type ``data`` is, by its first bytes, among those that can hold a manifest."""
    return next((mime for mime, looks in _SIGNATURES.items() if looks(data)), None)


def unsigned(data: bytes) -> bytes:
    """``data`` without its C2PA manifest blocks (unchanged when it has none, or is not a
    JPEG, PNG or WebP file, or is malformed)."""
    try:
        kind = image_mime(data)
        if kind == "image/jpeg":
            return _jpeg(data)
        if kind == "image/png":
            return _png(data)
        if kind == "image/webp":
            return _webp(data)
    except (struct.error, IndexError):
        return data
    return data


def _jpeg(data: bytes) -> bytes:
    out, i = bytearray(data[:2]), 2
    while i < len(data):
        if data[i] != 0xFF or data[i + 1] in (0xDA, 0xD9):  # scan data or end: copy the rest
            out += data[i:]
            break
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if data[i + 1] != 0xEB:  # APP11: JUMBF boxes, where C2PA keeps its manifest
            out += data[i : i + 2 + length]
        i += 2 + length
    return bytes(out)


def _png(data: bytes) -> bytes:
    out, i = bytearray(_PNG), 8
    while i < len(data):
        length = struct.unpack(">I", data[i : i + 4])[0]
        end = i + 12 + length
        if data[i + 4 : i + 8] != b"caBX":
            out += data[i:end]
        i = end
    return bytes(out)


def _webp(data: bytes) -> bytes:
    body, i = bytearray(b"WEBP"), 12
    while i < len(data):
        length = struct.unpack("<I", data[i + 4 : i + 8])[0]
        end = i + 8 + length + (length & 1)
        if data[i : i + 4] != b"C2PA":
            body += data[i:end]
        i = end
    return b"RIFF" + struct.pack("<I", len(body)) + bytes(body)
