"""IPTC-IIM: the oldest rights metadata, and the one Facebook was seen to keep.

IIM datasets live in a Photoshop image resource (8BIM 0x0404) inside a JPEG APP13
segment. Pillow reads them but cannot write them, so this module builds the bytes.
"""

from __future__ import annotations

import struct

__all__ = ["UTF8_MARKER", "encode_iim", "insert_jpeg_app13"]

UTF8_MARKER = b"\x1b%G"
"""Value of dataset 1:90 (coded character set) that declares UTF-8 text."""

_PHOTOSHOP = b"Photoshop 3.0\x00"


def encode_iim(datasets: list[tuple[int, int, bytes]]) -> bytes:
    """Serialise ``(record, dataset, value)`` triples into an IIM stream.

    Record 1:90 (UTF-8) and 2:00 (record version 4) are added when missing, so
    readers decode the text as UTF-8.
    """
    present = {(record, number) for record, number, _ in datasets}
    head: list[tuple[int, int, bytes]] = []
    if (1, 90) not in present:
        head.append((1, 90, UTF8_MARKER))
    if (2, 0) not in present:
        head.append((2, 0, b"\x00\x04"))
    ordered = sorted(head + list(datasets), key=lambda d: (d[0], d[1] != 0))
    out = bytearray()
    for record, number, value in ordered:
        if len(value) > 0x7FFF:
            raise ValueError(f"IIM dataset {record}:{number} is {len(value)} bytes; at most 32767")
        out += struct.pack(">BBBH", 0x1C, record, number, len(value)) + value
    return bytes(out)


def _photoshop_resource(iim: bytes) -> bytes:
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim)) + iim
    return resource + (b"\x00" if len(iim) % 2 else b"")


def insert_jpeg_app13(jpeg: bytes, iim: bytes) -> bytes:
    """Return ``jpeg`` with an APP13 segment holding ``iim``, placed after the APP0-APP2 segments."""
    if jpeg[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG stream: it does not start with SOI")
    payload = _PHOTOSHOP + _photoshop_resource(iim)
    if len(payload) + 2 > 0xFFFF:
        raise ValueError("IPTC block too large for one APP13 segment")
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    pos = 2
    while pos + 4 <= len(jpeg) and jpeg[pos] == 0xFF and 0xE0 <= jpeg[pos + 1] <= 0xE2:
        (length,) = struct.unpack(">H", jpeg[pos + 2 : pos + 4])
        pos += 2 + length
    return jpeg[:pos] + segment + jpeg[pos:]
