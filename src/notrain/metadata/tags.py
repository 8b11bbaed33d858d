"""The EXIF tag catalog: each tag's exiv2 name, a label in plain words, and what it reveals.

Names follow exiv2 (checked against pyexiv2 2.16 in the tests) and fall back to
Pillow's table; tags neither knows are named ``0xNNNN`` as exiv2 does. Values are
rendered for people: GPS as signed decimal degrees, exposure as ``1/250 s``,
binary data as its size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from PIL import ExifTags

from notrain.metadata.exif import ExifBlock, ExifEntry, decode_value
from notrain.metadata.field import Category

__all__ = ["TagInfo", "describe_tag", "dms_degrees", "format_exif_value", "shorten"]

MAX_VALUE_LENGTH = 120


@dataclass(frozen=True)
class TagInfo:
    """What the catalog knows about one tag in one IFD group."""

    name: str
    label: str
    category: Category
    structural: bool = False


_NAMES = {
    0x0201: "JPEGInterchangeFormat",
    0x0202: "JPEGInterchangeFormatLength",
    0x8769: "ExifTag",
    0x8825: "GPSTag",
    0xA005: "InteroperabilityTag",
    0x9214: "SubjectArea",
    0x9216: "TIFFEPStandardID",
    0x9290: "SubSecTime",
    0x9291: "SubSecTimeOriginal",
    0x9292: "SubSecTimeDigitized",
    0x9400: "Temperature",
    0xA000: "FlashpixVersion",
    0xA002: "PixelXDimension",
    0xA003: "PixelYDimension",
    0xA436: "ImageTitle",
    0xA437: "Photographer",
    0xA438: "ImageEditor",
    0xA439: "CameraFirmware",
    0xA43A: "RAWDevelopingSoftware",
    0xA43B: "ImageEditingSoftware",
    0xA43C: "MetadataEditingSoftware",
    0xC62F: "CameraSerialNumber",
}

_INTEROP_NAMES = {
    0x0001: "InteroperabilityIndex",
    0x0002: "InteroperabilityVersion",
    0x1000: "RelatedImageFileFormat",
    0x1001: "RelatedImageWidth",
    0x1002: "RelatedImageLength",
}

_DESCRIBED: dict[int, tuple[str, Category]] = {
    0x000B: ("Processing software", "software"),
    0x010D: ("Document name", "description"),
    0x010E: ("Image description", "description"),
    0x010F: ("Camera make", "device"),
    0x0110: ("Camera model", "device"),
    0x0131: ("Software", "software"),
    0x0132: ("Date and time modified", "date"),
    0x013B: ("Artist (owner name)", "owner"),
    0x013C: ("Host computer name", "owner"),
    0x8298: ("Copyright notice", "rights"),
    0x8769: ("Pointer to the EXIF data", "technical"),
    0x8825: ("Pointer to the GPS data", "technical"),
    0xA005: ("Pointer to the interoperability data", "technical"),
    0x829A: ("Exposure time", "technical"),
    0x829D: ("F-number", "technical"),
    0x8827: ("ISO speed", "technical"),
    0x9003: ("Date and time taken", "date"),
    0x9004: ("Date and time digitised", "date"),
    0x9010: ("Time zone (modified)", "date"),
    0x9011: ("Time zone (taken)", "date"),
    0x9012: ("Time zone (digitised)", "date"),
    0x9290: ("Sub-second time (modified)", "date"),
    0x9291: ("Sub-second time (taken)", "date"),
    0x9292: ("Sub-second time (digitised)", "date"),
    0x920A: ("Focal length", "technical"),
    0x927C: ("Maker notes", "serial"),
    0x9286: ("User comment", "description"),
    0x9C9B: ("Windows title", "description"),
    0x9C9C: ("Windows comment", "description"),
    0x9C9D: ("Windows author", "owner"),
    0x9C9E: ("Windows keywords", "description"),
    0x9C9F: ("Windows subject", "description"),
    0xA420: ("Unique image ID", "serial"),
    0xA430: ("Camera owner name", "owner"),
    0xA431: ("Camera serial number", "serial"),
    0xA432: ("Lens specification", "device"),
    0xA433: ("Lens make", "device"),
    0xA434: ("Lens model", "device"),
    0xA435: ("Lens serial number", "serial"),
    0xA436: ("Image title", "description"),
    0xA437: ("Photographer", "owner"),
    0xA438: ("Image editor", "owner"),
    0xA439: ("Camera firmware", "software"),
    0xA43A: ("Raw developing software", "software"),
    0xA43B: ("Image editing software", "software"),
    0xA43C: ("Metadata editing software", "software"),
    0xC62F: ("Camera serial number (DNG)", "serial"),
}

_STRUCTURAL = {0x8769, 0x8825, 0xA005, 0x02BC, 0x83BB, 0x8649, 0x8773}
"""Pointers to other IFDs and containers notrain reads (and reports) on their own."""

_GPS_LABELS = {
    0x0001: "GPS latitude reference",
    0x0002: "GPS latitude",
    0x0003: "GPS longitude reference",
    0x0004: "GPS longitude",
    0x0005: "GPS altitude reference",
    0x0006: "GPS altitude",
    0x0007: "GPS time (UTC)",
    0x001D: "GPS date (UTC)",
}

_DMS_TAGS = {0x0002: 0x0001, 0x0004: 0x0003, 0x0014: 0x0013, 0x0016: 0x0015}
"""GPS tags holding degrees, minutes, seconds, and the tag holding their N/S/E/W reference."""

_VERSION_TAGS = {0x9000, 0xA000}


def _words(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name)
    return spaced[:1].upper() + spaced[1:].lower()


def describe_tag(group: str, tag: int) -> TagInfo:
    """Name, label and category of ``tag`` found in the IFD ``group``."""
    if group == "GPSInfo":
        name = ExifTags.GPSTAGS.get(tag, f"0x{tag:04x}")
        label = _GPS_LABELS.get(tag) or _words(name).replace("Gps", "GPS", 1)
        return TagInfo(name, label, "location", structural=tag == 0x0000)
    if group == "Iop":
        name = _INTEROP_NAMES.get(tag, f"0x{tag:04x}")
        return TagInfo(name, _words(name), "technical", structural=True)
    name = _NAMES.get(tag) or ExifTags.TAGS.get(tag) or f"0x{tag:04x}"
    if group == "Thumbnail" or tag in (0x0201, 0x0202):
        if tag == 0x0201:
            return TagInfo(name, "Embedded thumbnail", "thumbnail")
        label = "Embedded thumbnail size" if tag == 0x0202 else f"Thumbnail: {_words(name).lower()}"
        return TagInfo(name, label, "thumbnail", structural=True)
    label, category = _DESCRIBED.get(tag, (_words(name), "technical"))
    return TagInfo(name, label, category, structural=tag in _STRUCTURAL)


def shorten(text: str, limit: int = MAX_VALUE_LENGTH) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: Fraction | float | None) -> str:
    if value is None:
        return "?"
    return f"{float(value):.6g}" if isinstance(value, Fraction | float) else str(value)


def dms_degrees(values: tuple, reference: str) -> float | None:
    """Decimal degrees from a (degrees, minutes, seconds) triple and its N/S/E/W reference."""
    if len(values) != 3 or any(v is None for v in values):
        return None
    degrees = float(values[0]) + float(values[1]) / 60 + float(values[2]) / 3600
    return -degrees if reference.strip().upper() in ("S", "W") else degrees


def _user_comment(raw: bytes, byte_order: str) -> str:
    code, text = raw[:8], raw[8:]
    if code.startswith(b"UNICODE"):
        encoding = "utf-16-le" if byte_order == "<" else "utf-16-be"
        return text.decode(encoding, errors="replace").strip("\x00 ")
    return text.decode("utf-8", errors="replace").strip("\x00 ")


def format_exif_value(block: ExifBlock, group: str, entry: ExifEntry) -> str:
    """The entry's value as a person would like to read it, shortened."""
    return shorten(_format(block, group, entry))


def _format(block: ExifBlock, group: str, entry: ExifEntry) -> str:
    value = decode_value(entry, block.byte_order)
    if entry.tag == 0x0201 and group in ("Thumbnail", "Image") and block.thumbnail is not None:
        return f"<{len(block.thumbnail)}-byte JPEG>"
    if group == "GPSInfo":
        if entry.tag in _DMS_TAGS and isinstance(value, tuple):
            ref = block.find(group, _DMS_TAGS[entry.tag])
            reference = decode_value(ref, block.byte_order) if ref else ""
            degrees = dms_degrees(value, reference if isinstance(reference, str) else "")
            if degrees is not None:
                return f"{degrees:.6f}"
        if entry.tag == 0x0000 and isinstance(value, bytes):
            return ".".join(str(b) for b in value)
        if entry.tag == 0x0006 and isinstance(value, tuple) and value and value[0] is not None:
            below = block.find(group, 0x0005)
            sign = "-" if below is not None and below.raw[:1] == b"\x01" else ""
            return f"{sign}{float(value[0]):g} m"
        if (
            entry.tag == 0x0007
            and isinstance(value, tuple)
            and len(value) == 3
            and None not in value
        ):
            h, m, s = (float(v) for v in value)
            return f"{int(h):02d}:{int(m):02d}:{s:05.2f}"
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return _format_bytes(group, entry.tag, value, block.byte_order)
    if group in ("Image", "Photo") and len(value) == 1 and value[0] is not None:
        number = value[0]
        if entry.tag == 0x829A and isinstance(number, Fraction | float) and 0 < number < 1:
            return f"1/{round(1 / number)} s"
        if entry.tag == 0x829D:
            return f"f/{float(number):g}"
        if entry.tag == 0x920A:
            return f"{float(number):g} mm"
    if len(value) > 8:
        return f"<{len(value)} values>"
    return " ".join(_number(v) for v in value)


def _format_bytes(group: str, tag: int, value: bytes, byte_order: str) -> str:
    if group in ("Image", "Photo") and tag == 0x9286:
        return _user_comment(value, byte_order)
    if group in ("Image", "Photo") and 0x9C9B <= tag <= 0x9C9F:
        return value.decode("utf-16-le", errors="replace").rstrip("\x00")
    if (group == "Photo" and tag in _VERSION_TAGS) or (group == "Iop" and tag == 0x0002):
        return value.decode("ascii", errors="replace")
    if len(value) <= 8:
        return " ".join(str(b) for b in value)
    return f"<{len(value)} bytes>"
