"""Where the photos were: positions grouped into places, and a plain map of them.

A place is a check-in, or the GPS positions within about a kilometre of each other. The map is
drawn as SVG numbers only, without any tile server or coastline data: an equirectangular
projection fitted to the places, with a labelled graticule, so the report stays one offline file.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from notrain.audit.model import Inventory, Location, MediaItem

__all__ = ["MAP_LABELS", "Place", "map_view", "places", "usable"]

MAP_LABELS = 8
"""The largest places get their name written beside their dot."""


@dataclass(frozen=True, kw_only=True)
class Place:
    """Items posted with the same check-in, or with GPS positions within about a kilometre."""

    label: str
    """The check-in's name, or the position rounded to 0.01° ("52.52, 13.40")."""
    latitude: float
    longitude: float
    """The centre: the mean of the items' positions."""
    count: int
    first: datetime | None
    last: datetime | None
    """When the first and last photo there was taken (or, when unknown, posted)."""
    sources: tuple[str, ...]
    """Where the positions came from: ``exif``, ``check-in`` or both."""
    uris: tuple[str, ...]
    """A few of the items, as export paths."""


def places(inventory: Inventory) -> list[Place]:
    """The places the items reveal, the most photographed first.

    Check-ins group by name (and by 0.1°, so two cafés of the same name in different towns stay
    apart); GPS positions by rounding to 0.01°, about a kilometre. A Location at exactly 0, 0 or
    outside the globe is ignored: it is a placeholder, not a place."""
    groups: dict[tuple[Any, ...], _PlaceAccumulator] = {}
    for item in inventory.items:
        loc = item.location
        if loc is None or not usable(loc):
            continue
        name = loc.name.strip()
        if name:
            key: tuple[Any, ...] = (name, round(loc.latitude, 1), round(loc.longitude, 1))
            label = name
        else:
            key = (round(loc.latitude, 2) + 0.0, round(loc.longitude, 2) + 0.0)  # no "-0.00"
            label = f"{key[0]:.2f}, {key[1]:.2f}"
        group = groups.get(key)
        if group is None:
            group = groups[key] = _PlaceAccumulator(label)
        group.add(item, loc)
    found = [group.place() for group in groups.values()]
    found.sort(key=lambda p: (-p.count, p.first.timestamp() if p.first else math.inf, p.label))
    return found


class _PlaceAccumulator:
    def __init__(self, label: str) -> None:
        self.label = label
        self.lat = self.lon = 0.0
        self.count = 0
        self.first: datetime | None = None
        self.last: datetime | None = None
        self.sources: set[str] = set()
        self.uris: list[str] = []

    def add(self, item: MediaItem, loc: Location) -> None:
        self.lat += loc.latitude
        self.lon += loc.longitude
        self.count += 1
        self.sources.add(loc.source)
        if len(self.uris) < 3:
            self.uris.append(item.uri)
        when = item.taken_at or item.posted_at
        if when is not None:
            when = when.replace(tzinfo=UTC) if when.tzinfo is None else when
            self.first = when if self.first is None else min(self.first, when)
            self.last = when if self.last is None else max(self.last, when)

    def place(self) -> Place:
        return Place(
            label=self.label,
            latitude=self.lat / self.count,
            longitude=self.lon / self.count,
            count=self.count,
            first=self.first,
            last=self.last,
            sources=tuple(sorted(self.sources)),
            uris=tuple(self.uris),
        )


def map_view(found: list[Place]) -> dict[str, Any] | None:
    """The places on an equirectangular map fitted to their bounding box, with a graticule.

    Longitude is scaled by the cosine of the middle latitude, so a city does not look
    stretched; the box is widened to keep the map between 260 and 520 units high."""
    if not found:
        return None
    width, min_h, max_h = 720.0, 260.0, 520.0
    left, top = 70.0, 12.0
    lats = [p.latitude for p in found]
    lons = [p.longitude for p in found]
    lat0, lat1 = _padded(min(lats), max(lats), 90.0)
    lon0, lon1 = _padded(min(lons), max(lons), 180.0)
    scale = max(0.2, math.cos(math.radians((lat0 + lat1) / 2)))
    height = width * (lat1 - lat0) / ((lon1 - lon0) * scale)
    if height > max_h:
        lon0, lon1 = _widen(lon0, lon1, (lat1 - lat0) * width / (max_h * scale), 180.0)
    elif height < min_h:
        lat0, lat1 = _widen(lat0, lat1, (lon1 - lon0) * scale * min_h / width, 90.0)
    height = round(min(max_h, max(min_h, height)), 1)

    def x(lon: float) -> float:
        return round(left + (lon - lon0) / (lon1 - lon0) * width, 1)

    def y(lat: float) -> float:
        return round(top + (lat1 - lat) / (lat1 - lat0) * height, 1)

    biggest = max(p.count for p in found)

    def dot(rank: int, place: Place) -> dict[str, Any]:
        cx, cy = x(place.longitude), y(place.latitude)
        r = round(3 + 9 * math.sqrt(place.count / biggest), 1)
        leftwards = cx > left + width * 0.7  # a label near the right edge goes left of its dot
        return {
            "x": cx,
            "y": cy,
            "r": r,
            "place": place,
            "labelled": rank < MAP_LABELS,
            "label_x": round(cx - r - 3 if leftwards else cx + r + 3, 1),
            "anchor": "end" if leftwards else "start",
        }

    lat_step = _step(lat1 - lat0)
    lon_step = _step(lon1 - lon0)
    return {
        "width": left + width + 10,
        "height": top + height + 28,
        "box": {"x": left, "y": top, "w": width, "h": height},
        "dots": [dot(rank, p) for rank, p in enumerate(found)],  # small ones drawn on top
        "parallels": [
            {"y": y(v), "label": _degrees(v, lat_step, "N", "S")}
            for v in _ticks(lat0, lat1, lat_step)
        ],
        "meridians": [
            {"x": x(v), "label": _degrees(v, lon_step, "E", "W")}
            for v in _ticks(lon0, lon1, lon_step)
        ],
    }


def _padded(low: float, high: float, limit: float) -> tuple[float, float]:
    pad = max((high - low) * 0.1, 0.02)
    return max(-limit, low - pad), min(limit, high + pad)


def _widen(low: float, high: float, span: float, limit: float) -> tuple[float, float]:
    span = min(span, 2 * limit)
    middle = min(max((low + high) / 2, -limit + span / 2), limit - span / 2)
    return middle - span / 2, middle + span / 2


def _step(span: float) -> float:
    for step in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 45, 90):
        if span / step <= 7:
            return float(step)
    return 90.0


def _ticks(low: float, high: float, step: float) -> list[float]:
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [round(i * step, 6) for i in range(first, last + 1)]


def _degrees(value: float, step: float, positive: str, negative: str) -> str:
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if abs(value) < 1e-9:
        return "0°"
    return f"{abs(value):.{decimals}f}° {positive if value > 0 else negative}"


def usable(loc: Location) -> bool:
    """Whether a position is real: finite, on the globe, and not Meta's 0, 0 placeholder."""
    lat, lon = loc.latitude, loc.longitude
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return False
    return abs(lat) <= 90 and abs(lon) <= 180 and not (lat == 0 and lon == 0)
