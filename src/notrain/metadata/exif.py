"""EXIF blocks: the TIFF structure that holds EXIF, read into entries and built back.

notrain parses and writes this structure itself, rather than through Pillow, for
two reasons: every entry keeps its original type and bytes, so an allowlisted tag
is copied exactly; and a damaged block yields whatever entries are intact instead
of failing as a whole.

Entries are grouped by IFD under exiv2's group names (``Image``, ``Photo``,
``GPSInfo``, ``Iop``, ``Thumbnail``) so keys read like ``Exif.Photo.FNumber``.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = [
    "ASCII",
    "EXIF_HEADER",
    "GROUPS",
    "IFD_POINTERS",
    "ExifBlock",
    "ExifEntry",
    "ascii_entry",
    "build_exif",
    "decode_value",
    "parse_exif",
]

EXIF_HEADER = b"Exif\x00\x00"
GROUPS = ("Image", "Photo", "GPSInfo", "Iop", "Thumbnail")

IFD_POINTERS = {0x8769: "Photo", 0x8825: "GPSInfo", 0xA005: "Iop"}
"""Tags whose value is the offset of another IFD, and the group that IFD holds."""

ASCII = 2
_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4, 129: 1}
_FORMATS = {3: "H", 4: "I", 6: "b", 8: "h", 9: "i", 11: "f", 12: "d", 13: "I"}
_MAX_ENTRIES = 1000


@dataclass(frozen=True)
class ExifEntry:
    """One IFD entry: its tag, TIFF type, count, and value bytes in the block's byte order."""

    tag: int
    type: int
    count: int
    raw: bytes


@dataclass(frozen=True)
class ExifBlock:
    """The entries of each IFD of an EXIF block, and the thumbnail IFD1 points at."""

    byte_order: str
    groups: Mapping[str, tuple[ExifEntry, ...]] = field(default_factory=dict)
    thumbnail: bytes | None = None

    def entries(self, group: str) -> tuple[ExifEntry, ...]:
        return self.groups.get(group, ())

    def find(self, group: str, tag: int) -> ExifEntry | None:
        return next((e for e in self.entries(group) if e.tag == tag), None)


def ascii_entry(tag: int, text: str) -> ExifEntry:
    """An ASCII-typed entry holding ``text`` as UTF-8, NUL-terminated."""
    raw = text.encode("utf-8") + b"\x00"
    return ExifEntry(tag, ASCII, len(raw), raw)


def decode_value(entry: ExifEntry, byte_order: str) -> str | bytes | tuple:
    """The entry's value as Python data: text, bytes, or a tuple of numbers.

    Rationals come back as :class:`fractions.Fraction` (``None`` where the
    denominator is zero).
    """
    if entry.type in (ASCII, 129):
        return entry.raw.split(b"\x00", 1)[0].decode("utf-8", errors="replace")
    if entry.type in (1, 7):
        return entry.raw
    if entry.type in (5, 10):
        fmt = byte_order + ("I" if entry.type == 5 else "i") * (2 * entry.count)
        numbers = struct.unpack(fmt, entry.raw[: 8 * entry.count])
        pairs = zip(numbers[::2], numbers[1::2], strict=True)
        return tuple(Fraction(n, d) if d else None for n, d in pairs)
    code = _FORMATS.get(entry.type)
    if code is None:
        return entry.raw
    return struct.unpack(
        byte_order + code * entry.count, entry.raw[: _SIZES[entry.type] * entry.count]
    )


def parse_exif(data: bytes, *, thumbnail_ifd: bool = True) -> ExifBlock:
    """Read an EXIF block (with or without the ``Exif\\0\\0`` prefix) or a whole TIFF file.

    ``thumbnail_ifd`` says whether the IFD after IFD0 is an EXIF thumbnail; in a
    TIFF file it is the next page, and is not read. Raises ``ValueError`` only
    when there is no TIFF header; entries that point outside the block are skipped.
    """
    data = data.removeprefix(EXIF_HEADER)
    if data[:4] == b"II*\x00":
        order = "<"
    elif data[:4] == b"MM\x00*":
        order = ">"
    else:
        raise ValueError("no TIFF header")
    (ifd0,) = struct.unpack(order + "I", data[4:8])
    groups: dict[str, tuple[ExifEntry, ...]] = {}
    seen: set[int] = set()
    entries, next_ifd = _read_ifd(data, ifd0, order, seen)
    groups["Image"] = entries
    pending = list(entries)
    while pending:
        entry = pending.pop(0)
        group = IFD_POINTERS.get(entry.tag)
        if group is None or group in groups or entry.count != 1 or entry.type not in (4, 13):
            continue
        (offset,) = struct.unpack(order + "I", entry.raw[:4])
        sub, _ = _read_ifd(data, offset, order, seen)
        groups[group] = sub
        pending.extend(sub)
    thumbnail = None
    if next_ifd and thumbnail_ifd:
        groups["Thumbnail"], _ = _read_ifd(data, next_ifd, order, seen)
        thumbnail = _thumbnail(data, groups["Thumbnail"], order)
    return ExifBlock(order, groups, thumbnail)


def _read_ifd(
    data: bytes, offset: int, order: str, seen: set[int]
) -> tuple[tuple[ExifEntry, ...], int]:
    if offset in seen or offset < 8 or offset + 2 > len(data):
        return (), 0
    seen.add(offset)
    (count,) = struct.unpack(order + "H", data[offset : offset + 2])
    count = min(count, _MAX_ENTRIES, (len(data) - offset - 2) // 12)
    entries = []
    for i in range(count):
        pos = offset + 2 + 12 * i
        tag, kind, n = struct.unpack(order + "HHI", data[pos : pos + 8])
        size = _SIZES.get(kind)
        if size is None:
            continue
        length = size * n
        if length <= 4:
            raw = data[pos + 8 : pos + 8 + length]
        else:
            (where,) = struct.unpack(order + "I", data[pos + 8 : pos + 12])
            if where + length > len(data):
                continue
            raw = data[where : where + length]
        entries.append(ExifEntry(tag, kind, n, raw))
    end = offset + 2 + 12 * count
    next_ifd = struct.unpack(order + "I", data[end : end + 4])[0] if end + 4 <= len(data) else 0
    return tuple(entries), next_ifd


def _thumbnail(data: bytes, entries: Sequence[ExifEntry], order: str) -> bytes | None:
    by_tag = {e.tag: e for e in entries}
    start, length = by_tag.get(0x0201), by_tag.get(0x0202)
    if start is None or length is None or start.type != 4 or length.type != 4:
        return None
    (offset,) = struct.unpack(order + "I", start.raw[:4])
    (size,) = struct.unpack(order + "I", length.raw[:4])
    return data[offset : offset + size] if 0 < offset and offset + size <= len(data) else None


def build_exif(groups: Mapping[str, Sequence[ExifEntry]], byte_order: str = "<") -> bytes | None:
    """Build an ``Exif\\0\\0``-prefixed block from the entries of each group.

    Pointer tags are written by this function (any given are ignored); there is
    no IFD1, so the block carries no thumbnail. Returns ``None`` when there is
    nothing to write.
    """
    ifds = {
        group: sorted(
            (e for e in groups.get(group, ()) if e.tag not in IFD_POINTERS), key=lambda e: e.tag
        )
        for group in ("Image", "Photo", "GPSInfo", "Iop")
    }
    if ifds["Iop"] and not ifds["Photo"]:
        ifds["Iop"] = []
    if not any(ifds.values()):
        return None
    children = {"Image": ["Photo", "GPSInfo"], "Photo": ["Iop"], "GPSInfo": [], "Iop": []}
    pointer_tags = {group: tag for tag, group in IFD_POINTERS.items()}
    layout = [g for g in ("Image", "Photo", "GPSInfo", "Iop") if g == "Image" or ifds[g]]
    counts = {g: len(ifds[g]) + sum(1 for c in children[g] if c in layout) for g in layout}
    offsets, position = {}, 8
    for group in layout:
        offsets[group] = position
        position += (
            2
            + 12 * counts[group]
            + 4
            + sum(_padded(len(e.raw)) for e in ifds[group] if len(e.raw) > 4)
        )
    out = bytearray(b"II*\x00" if byte_order == "<" else b"MM\x00*")
    out += struct.pack(byte_order + "I", 8)
    for group in layout:
        entries = list(ifds[group])
        for child in children[group]:
            if child in layout:
                raw = struct.pack(byte_order + "I", offsets[child])
                entries.append(ExifEntry(pointer_tags[child], 4, 1, raw))
        entries.sort(key=lambda e: e.tag)
        out += _ifd_bytes(entries, offsets[group], byte_order)
    return EXIF_HEADER + bytes(out)


def _padded(length: int) -> int:
    return length + (length & 1)


def _ifd_bytes(entries: Sequence[ExifEntry], offset: int, order: str) -> bytes:
    table = bytearray(struct.pack(order + "H", len(entries)))
    values = bytearray()
    data_start = offset + 2 + 12 * len(entries) + 4
    for entry in entries:
        table += struct.pack(order + "HHI", entry.tag, entry.type, entry.count)
        if len(entry.raw) <= 4:
            table += entry.raw.ljust(4, b"\x00")
        else:
            table += struct.pack(order + "I", data_start + len(values))
            values += entry.raw + b"\x00" * (len(entry.raw) & 1)
    table += struct.pack(order + "I", 0)
    return bytes(table + values)
