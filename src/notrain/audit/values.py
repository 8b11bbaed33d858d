"""Reading Meta's raw values: timestamps in three forms, coordinates, and the bogus ones.

Meta's exports hold placeholders where a value is unknown: a ``taken_timestamp`` of
-62169958800 (the year 0), latitude and longitude 0, a ``date_time_original`` of "000".
They are treated as missing, never as data.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

__all__ = ["EARLIEST", "coordinates", "dicts", "text", "timestamp", "valid_ip"]

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
"""Nothing in an export is older than this (scanned prints go back a century, not two)."""

_LATEST_SECONDS = 4_102_444_800  # 2100-01-01: anything later is a placeholder or milliseconds
_EXIF_DATE = re.compile(r"(\d{4})[:\-](\d{2})[:\-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")


def timestamp(value: Any) -> datetime | None:
    """A UTC datetime from epoch seconds, epoch milliseconds, an ISO 8601 string or an EXIF date
    ("2019:07:04 18:30:00"); None for anything missing, malformed or bogus."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            seconds = float(value)
        except OverflowError:
            return None
        if seconds > _LATEST_SECONDS:
            seconds /= 1000.0
        if not math.isfinite(seconds) or seconds <= 0 or seconds > _LATEST_SECONDS:
            return None
        moment = datetime.fromtimestamp(seconds, UTC)
        return moment if moment >= EARLIEST else None
    if isinstance(value, str):
        raw = value.strip()
        if not raw or set(raw) <= set("0:- T"):
            return None
        digits = raw.removeprefix("-")
        if digits.isascii() and digits.isdigit():
            return timestamp(int(raw)) if len(digits) <= 16 else None
        exif = _EXIF_DATE.fullmatch(raw)
        if exif:
            raw = "{}-{}-{}T{}:{}:{}".format(*exif.groups())
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            return None
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        return moment if EARLIEST <= moment <= datetime(2100, 1, 1, tzinfo=UTC) else None
    return None


def coordinates(latitude: Any, longitude: Any) -> tuple[float, float] | None:
    """(latitude, longitude) when both are real numbers on the globe and not the 0/0 placeholder."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError, OverflowError):
        return None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if abs(lat) > 90 or abs(lon) > 180 or (lat == 0 and lon == 0):
        return None
    return lat, lon


def text(value: Any) -> str:
    """A string field, stripped; anything that is not a string is empty."""
    return value.strip() if isinstance(value, str) else ""


def dicts(data: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object nested anywhere in ``data``, in document order (depth first): Meta
    moves fields around between layouts, so some are best found wherever they sit."""
    stack: list[Any] = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(reversed([v for v in node.values() if isinstance(v, list | dict)]))
        elif isinstance(node, list):
            stack.extend(reversed(node))


def valid_ip(value: Any) -> str:
    """An IP address as Meta recorded it, or "" for anything else (``0.0.0.0`` is a placeholder)."""
    return _checked_ip(text(value))


@lru_cache(maxsize=4096)
def _checked_ip(raw: str) -> str:
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return ""
    return "" if address.is_unspecified else raw
