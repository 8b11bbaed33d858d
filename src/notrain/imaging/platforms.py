"""What each platform does to an uploaded photo, as facts with a source and a check date.

The numbers live in ``notrain/data/platforms.json``, not in code, because
platforms change them without notice: each fact says what it means in plain
words, where it comes from, and when someone last checked it, so a report can
show users why notrain resized or warned, and a maintainer can see what is
stale. Measurements and assumptions say so in their text.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from notrain.errors import InputError, OptionError
from notrain.imaging.encode import SUBSAMPLINGS

__all__ = ["Fact", "Platform", "get_platform", "load_platforms"]


@dataclass(frozen=True, kw_only=True)
class Fact:
    """One thing a platform does, with where it was read and when."""

    key: str
    value: object
    """The parsed value: an int, bool, str, or tuples of them."""
    text: str
    """A plain-language sentence for people; says when the value is a measurement or an assumption."""
    source: str
    """URL of the page the fact comes from."""
    checked: date
    """When the fact was last checked against its source."""


@dataclass(frozen=True, kw_only=True)
class Platform:
    """A platform profile: its name, a summary, and its facts, with typed accessors for code."""

    name: str
    label: str
    summary: str
    facts: tuple[Fact, ...]

    def fact(self, key: str) -> Fact:
        """The fact called ``key``; ``KeyError`` when this platform has none."""
        for fact in self.facts:
            if fact.key == key:
                return fact
        raise KeyError(f"platform {self.name!r} has no fact {key!r}")

    def _value(self, key: str) -> Any:
        return next((fact.value for fact in self.facts if fact.key == key), None)

    @property
    def max_width(self) -> int | None:
        """Wider images are scaled down to this width."""
        return self._value("max_width")

    @property
    def min_width(self) -> int | None:
        """Narrower images are enlarged to this width."""
        return self._value("min_width")

    @property
    def max_long_edge(self) -> int | None:
        """Images are scaled so that their long edge is at most this."""
        return self._value("max_long_edge")

    @property
    def max_size(self) -> tuple[int, int] | None:
        """Images are scaled to fit inside this width x height box."""
        return self._value("max_size")

    @property
    def fixed_size(self) -> tuple[int, int] | None:
        """Every image is cropped and scaled to exactly this width x height."""
        return self._value("size")

    @property
    def aspect_bounds(self) -> tuple[Fraction, Fraction] | None:
        """Exact (narrowest, widest) width/height ratios kept; others are cropped."""
        low, high = self._value("aspect_min"), self._value("aspect_max")
        if low is None and high is None:
            return None
        return (_ratio(low) if low else Fraction(0), _ratio(high) if high else Fraction(10**9))

    @property
    def aspect_range(self) -> tuple[float, float] | None:
        """(narrowest, widest) width/height ratios kept, e.g. (0.75, 1.91) for Instagram."""
        bounds = self.aspect_bounds
        return (float(bounds[0]), float(bounds[1])) if bounds else None

    @property
    def quality_range(self) -> tuple[int, int] | None:
        """JPEG quality range of the platform's re-encode; None when it serves the upload as is."""
        return self._value("recompress_quality")

    @property
    def served_as_uploaded(self) -> bool:
        """The platform serves the uploaded file unchanged, so every pixel and all metadata survive."""
        return self.quality_range is None

    @property
    def subsampling(self) -> str:
        """Chroma subsampling of the platform's re-encode."""
        return self._value("recompress_subsampling") or "4:2:0"

    @property
    def exif_kept(self) -> frozenset[int]:
        """EXIF tag ids that survive the re-encode; see ``served_as_uploaded`` for platforms that keep all."""
        return frozenset(self._value("exif_kept") or ())

    @property
    def iim_kept(self) -> frozenset[tuple[int, int]]:
        """IPTC-IIM (record, dataset) pairs that survive the re-encode."""
        return frozenset(self._value("iim_kept") or ())

    @property
    def iim_injected(self) -> tuple[tuple[int, int, bytes], ...]:
        """IPTC-IIM datasets the platform writes on its own."""
        injected = self._value("iim_injected") or ()
        return tuple((record, number, text.encode()) for record, number, text in injected)

    @property
    def xmp_kept(self) -> bool:
        """Whether XMP survives."""
        value = self._value("xmp_kept")
        return self.served_as_uploaded if value is None else bool(value)

    @property
    def icc_kept(self) -> bool:
        """Whether the ICC colour profile survives."""
        value = self._value("icc_kept")
        return self.served_as_uploaded if value is None else bool(value)


def load_platforms(source: Path | None = None) -> dict[str, Platform]:
    """All platform profiles by name, read once from the packaged data file (or ``source``).

    Raises ``InputError`` naming the bad entry when a fact lacks a source URL
    or a valid check date, or has a value of the wrong kind.
    """
    return dict(_load(source))


def get_platform(name: str) -> Platform:
    """The profile called ``name``; ``OptionError`` listing the known names when there is none."""
    platforms = _load(None)
    try:
        return platforms[name]
    except KeyError:
        raise OptionError(
            f"Unknown platform {name!r}.", hint=f"Choose one of: {', '.join(platforms)}."
        ) from None


@lru_cache(maxsize=8)
def _load(source: Path | None) -> Mapping[str, Platform]:
    if source is None:
        origin = "notrain/data/platforms.json"
        text = resources.files("notrain").joinpath("data", "platforms.json").read_text("utf-8")
    else:
        origin = str(source)
        try:
            text = source.read_text("utf-8")
        except OSError as exc:
            raise InputError(f"Cannot read platform data {source}: {exc}", path=source) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(origin, f"is not valid JSON ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("platforms"), dict):
        raise _bad(origin, 'has no "platforms" object')
    return {name: _platform(origin, name, entry) for name, entry in document["platforms"].items()}


def _bad(origin: str, problem: str) -> InputError:
    return InputError(
        f"Platform data {origin} {problem}.",
        path=origin,
        hint="Fix that entry in the file (every fact needs value, text, source URL and checked date).",
    )


def _platform(origin: str, name: str, entry: object) -> Platform:
    where = f"platform {name!r}"
    if not isinstance(entry, dict):
        raise _bad(origin, f"{where} is not an object")
    for field in ("label", "summary"):
        if not isinstance(entry.get(field), str) or not entry[field].strip():
            raise _bad(origin, f"{where} has no {field}")
    facts = entry.get("facts", {})
    if not isinstance(facts, dict):
        raise _bad(origin, f"{where}: facts is not an object")
    return Platform(
        name=name,
        label=entry["label"],
        summary=entry["summary"],
        facts=tuple(
            _fact(origin, f"{where}, fact {key!r}", key, raw) for key, raw in facts.items()
        ),
    )


def _fact(origin: str, where: str, key: str, raw: object) -> Fact:
    if key not in _PARSERS:
        raise _bad(origin, f"{where} is not a known fact (known: {', '.join(_PARSERS)})")
    if not isinstance(raw, dict):
        raise _bad(origin, f"{where} is not an object")
    source, checked, text = raw.get("source"), raw.get("checked"), raw.get("text")
    if not isinstance(source, str) or not source.startswith(("https://", "http://")):
        raise _bad(origin, f"{where} has no source URL (got {source!r})")
    try:
        checked_date = date.fromisoformat(checked) if isinstance(checked, str) else None
    except ValueError:
        checked_date = None
    if checked_date is None:
        raise _bad(
            origin, f"{where}: 'checked' must be an ISO date such as 2026-11-26, not {checked!r}"
        )
    if not isinstance(text, str) or not text.strip():
        raise _bad(origin, f"{where} has no text")
    if "value" not in raw:
        raise _bad(origin, f"{where} has no value")
    try:
        value = _PARSERS[key](raw["value"])
    except (TypeError, ValueError) as exc:
        raise _bad(origin, f"{where} has a bad value {raw['value']!r}: {exc}") from None
    return Fact(key=key, value=value, text=text, source=source, checked=checked_date)


def _ratio(value: Any) -> Fraction:
    width, height = value
    return Fraction(str(width)) / Fraction(str(height))


def _positive_int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError("expected a positive whole number")
    return value


def _pair(value: object) -> tuple[int, int]:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError("expected [width, height]")
    return (_positive_int(value[0]), _positive_int(value[1]))


def _aspect(value: object) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueError("expected [width, height], e.g. [1.91, 1]")
    width, height = value
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in value):
        raise ValueError("expected two positive numbers")
    return (width, height)


def _quality(value: object) -> tuple[int, int] | None:
    if value is None:
        return None
    low, high = _pair(value)
    if not low <= high <= 100:
        raise ValueError("expected [low, high] with 1 <= low <= high <= 100")
    return (low, high)


def _subsampling(value: object) -> str:
    if value not in SUBSAMPLINGS:
        raise ValueError(f"expected one of {', '.join(SUBSAMPLINGS)}")
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError("expected true or false")
    return value


def _tags(value: object) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise TypeError("expected a list of EXIF tag numbers")
    return tuple(_positive_int(tag) for tag in value)


def _number(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 255:
        raise ValueError("expected IPTC-IIM record and dataset numbers from 0 to 255")
    return value


def _datasets(value: object) -> tuple[tuple[int, int], ...]:
    if not isinstance(value, list) or not all(
        isinstance(item, list) and len(item) == 2 for item in value
    ):
        raise TypeError("expected a list of [record, dataset] pairs")
    return tuple((_number(record), _number(number)) for record, number in value)


def _injected(value: object) -> tuple[tuple[int, int, str], ...]:
    if not isinstance(value, list):
        raise TypeError("expected a list of [record, dataset, text] triples")
    out = []
    for item in value:
        if not isinstance(item, list) or len(item) != 3 or not isinstance(item[2], str):
            raise ValueError("expected [record, dataset, text]")
        out.append((_number(item[0]), _number(item[1]), item[2]))
    return tuple(out)


_PARSERS: dict[str, Callable[[object], object]] = {
    "min_width": _positive_int,
    "max_width": _positive_int,
    "max_long_edge": _positive_int,
    "max_size": _pair,
    "size": _pair,
    "aspect_min": _aspect,
    "aspect_max": _aspect,
    "recompress_quality": _quality,
    "recompress_subsampling": _subsampling,
    "exif_kept": _tags,
    "iim_kept": _datasets,
    "iim_injected": _injected,
    "xmp_kept": _flag,
    "icc_kept": _flag,
}
