"""ICC colour profiles: the one human-readable thing in them, their description."""

from __future__ import annotations

import struct

__all__ = ["icc_description"]


def icc_description(profile: bytes) -> str | None:
    """The profile's description (ICC v2 ``desc`` or v4 ``mluc``); ``None`` if absent or damaged."""
    if len(profile) < 132:
        return None
    (count,) = struct.unpack(">I", profile[128:132])
    for i in range(min(count, 256)):
        pos = 132 + 12 * i
        if pos + 12 > len(profile):
            return None
        signature, offset, size = struct.unpack(">4sII", profile[pos : pos + 12])
        if signature == b"desc":
            return _text(profile[offset : offset + size])
    return None


def _text(tag: bytes) -> str | None:
    kind = tag[:4]
    if kind == b"desc" and len(tag) >= 12:
        (length,) = struct.unpack(">I", tag[8:12])
        return tag[12 : 12 + length].split(b"\x00", 1)[0].decode("latin-1").strip() or None
    if kind == b"mluc" and len(tag) >= 28:
        length, offset = struct.unpack(">II", tag[20:28])
        return (
            tag[offset : offset + length].decode("utf-16-be", errors="replace").strip("\x00 ")
            or None
        )
    return None
