"""Meta's facts: objection forms, in-app paths, who can object, what it covers, privacy settings.

The facts live in ``notrain/data/rights/meta.json``, not in code, because Meta moves
its forms and menus without notice. Each fact says where it comes from and when
someone last checked it, so that ``notrain facts`` can show its age and warn when a
fact has gone more than six calendar months without a check.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from notrain.errors import NotrainError, OptionError
from notrain.rights.deadlines import add_months
from notrain.rights.model import DEVICES, PLATFORMS, Fact

__all__ = [
    "STALE_AFTER_MONTHS",
    "checklist",
    "coverage",
    "fact",
    "facts_for",
    "in_app_path",
    "is_stale",
    "load_facts",
    "objection_form",
    "stale_facts",
    "third_party_form",
]

STALE_AFTER_MONTHS = 6
"""A fact unchecked for longer than this many calendar months is reported as stale."""

_FIELDS = {"key", "title", "value", "source", "checked", "platform", "device", "obsolete", "note"}


@lru_cache(maxsize=1)
def load_facts() -> tuple[Fact, ...]:
    """Every fact in the packaged data file, in file order (read once).

    Raises ``NotrainError`` naming the entry when one lacks a source URL, has a
    date that is not ISO ``YYYY-MM-DD``, or names an unknown platform or device."""
    text = resources.files("notrain").joinpath("data", "rights", "meta.json").read_text("utf-8")
    entries = json.loads(text)["facts"]
    facts = tuple(_parse(entry) for entry in entries)
    keys = [f.key for f in facts]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise NotrainError(f"meta.json has duplicate fact keys: {', '.join(duplicates)}.")
    return facts


def _parse(entry: dict[str, Any]) -> Fact:
    key = entry.get("key", "?")
    unknown = set(entry) - _FIELDS
    if unknown:
        raise NotrainError(
            f"Fact {key!r} in meta.json has unknown fields: {', '.join(sorted(unknown))}."
        )
    if not str(entry.get("source", "")).startswith(("https://", "http://")):
        raise NotrainError(f"Fact {key!r} in meta.json has no source URL.")
    try:
        checked = date.fromisoformat(entry["checked"])
    except (KeyError, TypeError, ValueError):
        raise NotrainError(
            f"Fact {key!r} in meta.json has no valid checked date.",
            hint="Write it as YYYY-MM-DD.",
        ) from None
    if entry.get("platform") not in (None, *PLATFORMS):
        raise NotrainError(f"Fact {key!r} names an unknown platform {entry['platform']!r}.")
    if entry.get("device") not in (None, *DEVICES):
        raise NotrainError(f"Fact {key!r} names an unknown device {entry['device']!r}.")
    return Fact(**{**entry, "checked": checked})


def fact(key: str) -> Fact:
    """The fact called ``key``; raises ``NotrainError`` listing the valid keys."""
    for candidate in load_facts():
        if candidate.key == key:
            return candidate
    raise NotrainError(
        f"No fact called {key!r}.",
        hint="Known facts: " + ", ".join(f.key for f in load_facts()) + ".",
    )


def facts_for(
    platform: str | None = None,
    device: str | None = None,
    *,
    include_obsolete: bool = False,
) -> list[Fact]:
    """The facts that apply to ``platform`` and ``device``: those for it and those for any.

    Obsolete facts (old forms kept for people who find old links) are left out
    unless asked for."""
    _check_choice("platform", platform, PLATFORMS)
    _check_choice("device", device, DEVICES)
    return [
        f
        for f in load_facts()
        if (include_obsolete or not f.obsolete)
        and (platform is None or f.platform in (None, platform))
        and (device is None or f.device in (None, device))
    ]


def is_stale(item: Fact, today: date, months: int = STALE_AFTER_MONTHS) -> bool:
    """Whether ``months`` calendar months after the fact's check have passed by ``today``.

    Checked 25 May, it is fresh up to and including 25 November and stale from
    26 November; checked 31 August, it is stale from 1 March (six months on is
    28 or 29 February)."""
    return add_months(item.checked, months) < today


def stale_facts(today: date, months: int = STALE_AFTER_MONTHS) -> list[Fact]:
    """Current facts nobody has checked for more than ``months`` calendar months.

    Obsolete facts are left out: they describe the past and need no new check."""
    return [f for f in load_facts() if not f.obsolete and is_stale(f, today, months)]


def objection_form(platform: str) -> Fact:
    """The current objection form for ``platform`` (``facebook`` or ``instagram``)."""
    _check_choice("platform", platform, PLATFORMS)
    return fact(f"form.{platform}.objection")


def in_app_path(platform: str, device: str) -> Fact:
    """The menus that lead to the objection form in ``platform``'s app on ``device``."""
    _check_choice("platform", platform, PLATFORMS)
    _check_choice("device", device, DEVICES)
    return fact(f"path.{platform}.{device}")


def coverage() -> list[Fact]:
    """What an objection covers and does not cover, one fact each."""
    return _prefixed("coverage.")


def checklist(platforms: Iterable[str]) -> list[Fact]:
    """The privacy settings worth changing on the given platforms, in file order."""
    chosen = set(platforms)
    for platform in chosen:
        _check_choice("platform", platform, PLATFORMS)
    return [f for f in _prefixed("checklist.") if f.platform in chosen]


def third_party_form() -> Fact:
    """The form for information about you that others shared (also for people without an account)."""
    return fact("form.third-party")


def _prefixed(prefix: str) -> list[Fact]:
    return [f for f in load_facts() if f.key.startswith(prefix) and not f.obsolete]


def _check_choice(what: str, value: str | None, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        raise OptionError(f"Unknown {what} {value!r}; expected one of: {', '.join(choices)}.")
