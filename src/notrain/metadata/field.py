"""The metadata model: fields in plain words, sorted by what they give away about a person."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

__all__ = ["CATEGORIES", "Category", "Field", "Metadata"]

Category = Literal[
    "location",
    "device",
    "serial",
    "owner",
    "date",
    "software",
    "thumbnail",
    "rights",
    "history",
    "description",
    "technical",
]
CATEGORIES: tuple[Category, ...] = get_args(Category)


@dataclass(frozen=True)
class Field:
    """One metadata field.

    ``structural`` marks the container's own bookkeeping (pointers between IFDs,
    the IIM record version and character set, thumbnail offsets): a field that
    says nothing about the photo, so a diff does not count it as removed privacy.
    """

    key: str
    label: str
    value: str
    category: Category
    structural: bool = False


@dataclass(frozen=True)
class Metadata:
    """All the fields of one file, in file order: EXIF, IPTC, XMP, PNG text, ICC."""

    fields: tuple[Field, ...]

    def get(self, key: str) -> Field | None:
        return next((f for f in self.fields if f.key == key), None)

    def by_category(self) -> dict[str, list[Field]]:
        """Fields by category, in the order of :data:`CATEGORIES`; empty ones left out."""
        groups: dict[str, list[Field]] = {c: [] for c in CATEGORIES}
        for item in self.fields:
            groups[item.category].append(item)
        return {c: fields for c, fields in groups.items() if fields}

    @property
    def location(self) -> tuple[float, float] | None:
        """Latitude and longitude in decimal degrees, from EXIF GPS or else XMP, when present."""
        for lat_key, lon_key, parse in (
            ("Exif.GPSInfo.GPSLatitude", "Exif.GPSInfo.GPSLongitude", _float),
            ("Xmp.exif.GPSLatitude", "Xmp.exif.GPSLongitude", _xmp_coordinate),
        ):
            lat, lon = self.get(lat_key), self.get(lon_key)
            if lat and lon:
                latitude, longitude = parse(lat.value), parse(lon.value)
                if latitude is not None and longitude is not None:
                    return latitude, longitude
        return None


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


_XMP_GPS = re.compile(r"^(\d+),(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?([NSEW])$")


def _xmp_coordinate(text: str) -> float | None:
    match = _XMP_GPS.match(text.strip())
    if not match:
        return None
    degrees, minutes, seconds, ref = match.groups()
    value = int(degrees) + float(minutes) / 60 + float(seconds or 0) / 3600
    return -value if ref in "SW" else value
