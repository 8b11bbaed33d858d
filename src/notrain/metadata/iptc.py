"""IPTC-IIM: the oldest rights metadata, and the one Facebook was seen to keep.

IIM datasets live in a Photoshop image resource (8BIM 0x0404) inside a JPEG APP13
segment (or a PNG "Raw profile type iptc" chunk, see ``container``). Pillow reads
the JPEG form only and writes neither, so this module reads and builds the bytes.
Dataset names follow exiv2 (``Iptc.Application2.Byline``).
"""

from __future__ import annotations

import struct

from notrain.metadata.field import Category

__all__ = [
    "IIM_DATASETS",
    "IIM_LOCATION",
    "UTF8_MARKER",
    "decode_iim",
    "encode_iim",
    "iim_from_photoshop",
    "iim_is_utf8",
    "iim_key",
    "iim_text",
    "insert_jpeg_app13",
    "photoshop_resource",
]

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


def photoshop_resource(iim: bytes) -> bytes:
    """``iim`` as a Photoshop image resource (8BIM 0x0404), the form APP13 and PNG profiles hold."""
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iim)) + iim
    return resource + (b"\x00" if len(iim) % 2 else b"")


def insert_jpeg_app13(jpeg: bytes, iim: bytes) -> bytes:
    """Return ``jpeg`` with an APP13 segment holding ``iim``, placed after the APP0-APP2 segments."""
    if jpeg[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG stream: it does not start with SOI")
    payload = _PHOTOSHOP + photoshop_resource(iim)
    if len(payload) + 2 > 0xFFFF:
        raise ValueError("IPTC block too large for one APP13 segment")
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    pos = 2
    while pos + 4 <= len(jpeg) and jpeg[pos] == 0xFF and 0xE0 <= jpeg[pos + 1] <= 0xE2:
        (length,) = struct.unpack(">H", jpeg[pos + 2 : pos + 4])
        pos += 2 + length
    return jpeg[:pos] + segment + jpeg[pos:]


IIM_DATASETS: dict[tuple[int, int], tuple[str, str, Category]] = {
    (1, 0): ("ModelVersion", "IPTC envelope version", "technical"),
    (1, 20): ("FileFormat", "IPTC file format", "technical"),
    (1, 22): ("FileVersion", "IPTC file format version", "technical"),
    (1, 90): ("CharacterSet", "IPTC character set", "technical"),
    (2, 0): ("RecordVersion", "IPTC record version", "technical"),
    (2, 5): ("ObjectName", "IPTC title", "description"),
    (2, 7): ("EditStatus", "IPTC edit status", "technical"),
    (2, 10): ("Urgency", "IPTC urgency", "technical"),
    (2, 12): ("Subject", "IPTC subject code", "description"),
    (2, 15): ("Category", "IPTC category", "description"),
    (2, 20): ("SuppCategory", "IPTC supplemental category", "description"),
    (2, 25): ("Keywords", "IPTC keywords", "description"),
    (2, 26): ("LocationCode", "IPTC location code", "location"),
    (2, 27): ("LocationName", "IPTC location name", "location"),
    (2, 40): ("SpecialInstructions", "IPTC instructions", "description"),
    (2, 55): ("DateCreated", "IPTC date created", "date"),
    (2, 60): ("TimeCreated", "IPTC time created", "date"),
    (2, 62): ("DigitizationDate", "IPTC date digitised", "date"),
    (2, 63): ("DigitizationTime", "IPTC time digitised", "date"),
    (2, 65): ("Program", "IPTC originating program", "software"),
    (2, 70): ("ProgramVersion", "IPTC program version", "software"),
    (2, 80): ("Byline", "IPTC by-line (creator)", "owner"),
    (2, 85): ("BylineTitle", "IPTC creator's job title", "owner"),
    (2, 90): ("City", "IPTC city", "location"),
    (2, 92): ("SubLocation", "IPTC sub-location", "location"),
    (2, 95): ("ProvinceState", "IPTC province or state", "location"),
    (2, 100): ("CountryCode", "IPTC country code", "location"),
    (2, 101): ("CountryName", "IPTC country", "location"),
    (2, 103): ("TransmissionReference", "IPTC job id", "description"),
    (2, 105): ("Headline", "IPTC headline", "description"),
    (2, 110): ("Credit", "IPTC credit line", "rights"),
    (2, 115): ("Source", "IPTC source", "rights"),
    (2, 116): ("Copyright", "IPTC copyright notice", "rights"),
    (2, 118): ("Contact", "IPTC contact", "owner"),
    (2, 120): ("Caption", "IPTC caption", "description"),
    (2, 122): ("Writer", "IPTC caption writer", "owner"),
}
"""(record, dataset) -> (exiv2 name, label, category) for the datasets photos carry."""

IIM_LOCATION = tuple(
    key for key, (_, _, category) in IIM_DATASETS.items() if category == "location"
)


def iim_key(record: int, number: int) -> str:
    """The exiv2-style key of a dataset, such as ``Iptc.Application2.Byline``."""
    group = {1: "Envelope", 2: "Application2"}.get(record, f"Record{record}")
    name = (
        IIM_DATASETS[(record, number)][0] if (record, number) in IIM_DATASETS else f"0x{number:04x}"
    )
    return f"Iptc.{group}.{name}"


def decode_iim(data: bytes) -> list[tuple[int, int, bytes]]:
    """The ``(record, dataset, value)`` triples of an IIM stream, up to the first damaged one."""
    datasets = []
    pos = 0
    while pos + 5 <= len(data) and data[pos] == 0x1C:
        record, number = data[pos + 1], data[pos + 2]
        (length,) = struct.unpack(">H", data[pos + 3 : pos + 5])
        pos += 5
        if length & 0x8000:
            size = length & 0x7FFF
            if size > 4 or pos + size > len(data):
                break
            length = int.from_bytes(data[pos : pos + size], "big")
            pos += size
        if pos + length > len(data):
            break
        datasets.append((record, number, data[pos : pos + length]))
        pos += length
    return datasets


def iim_is_utf8(datasets: list[tuple[int, int, bytes]]) -> bool:
    """Whether the stream declares UTF-8 in dataset 1:90."""
    return any((r, n) == (1, 90) and v == UTF8_MARKER for r, n, v in datasets)


def iim_text(value: bytes, utf8: bool) -> str:
    """Text of a dataset: UTF-8 when declared or when it decodes as such, else Latin-1."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("utf-8" if utf8 else "latin-1", errors="replace")


def iim_from_photoshop(resources: bytes) -> bytes | None:
    """The IIM stream in a Photoshop image-resource block (resource 0x0404), if any."""
    resources = resources.removeprefix(_PHOTOSHOP)
    pos = 0
    while pos + 12 <= len(resources) and resources[pos : pos + 4] == b"8BIM":
        (resource_id,) = struct.unpack(">H", resources[pos + 4 : pos + 6])
        name_length = resources[pos + 6] + 1
        pos += 6 + name_length + (name_length & 1)
        if pos + 4 > len(resources):
            break
        (size,) = struct.unpack(">I", resources[pos : pos + 4])
        pos += 4
        if resource_id == 0x0404:
            return resources[pos : pos + size]
        pos += size + (size & 1)
    return None
