"""Where a person lives decides what they can do about Meta's AI training.

The answers live in ``notrain/data/rights/jurisdictions.json``: the EU/EEA states,
the UK, Switzerland, Brazil, the US and the US states whose privacy laws give
deletion and opt-out rights, and Germany's federal states (each with the authority
that supervises companies there). Any other ISO 3166-1 country gets a plain "no
specific right here" answer built from the file's ``default`` entry. Country names
and code checks come from ISO 3166 through ``pycountry``.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import pycountry

from notrain.errors import NotrainError, OptionError
from notrain.rights.model import LANGUAGES, Jurisdiction

__all__ = ["ALIASES", "jurisdiction", "states", "supported"]

ALIASES: dict[str, str] = {
    "UK": "GB",
    "EL": "GR",
    "GREAT BRITAIN": "GB",
    "BRITAIN": "GB",
    "ENGLAND": "GB",
    "SCOTLAND": "GB",
    "WALES": "GB",
    "NORTHERN IRELAND": "GB",
}
"""Names and codes people use that ISO 3166 does not: ``UK`` and the EU's ``EL`` for Greece."""

_FIELDS = {
    "code",
    "name",
    "regime",
    "can_object",
    "forms_confirmed",
    "law",
    "response_days",
    "response_months",
    "extension_days",
    "extension_months",
    "appeal_days",
    "appeal_extension_days",
    "appeal_law",
    "authorities",
    "language",
    "summary",
    "alternatives",
    "source",
    "checked",
}
_EXTRA = ("summary_more", "alternatives_more")


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    text = resources.files("notrain").joinpath("data", "rights", "jurisdictions.json")
    return json.loads(text.read_text("utf-8"))


@lru_cache(maxsize=1)
def _entries() -> dict[str, Jurisdiction]:
    raw = {entry["code"]: entry for entry in _data()["jurisdictions"]}
    return {code: _build(_resolve(code, raw), code) for code in raw}


def _resolve(
    name: str, raw: dict[str, dict[str, Any]], seen: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The entry's own fields over everything it inherits; ``*_more`` fields only for itself."""
    if name in seen:
        raise NotrainError(f"jurisdictions.json inherits in a circle: {' > '.join((*seen, name))}.")
    bases = _data()["bases"]
    own = raw.get(name) or bases.get(name)
    if own is None:
        raise NotrainError(f"jurisdictions.json inherits from {name!r}, which is not there.")
    merged: dict[str, Any] = {}
    if "inherit" in own:
        parent = _resolve(own["inherit"], raw, (*seen, name))
        merged.update({k: v for k, v in parent.items() if k not in _EXTRA})
    merged.update({k: v for k, v in own.items() if not k.startswith("_") and k != "inherit"})
    return merged


def _build(fields: dict[str, Any], code: str, name: str | None = None) -> Jurisdiction:
    fields = dict(fields)
    extra_summary = fields.pop("summary_more", "")
    extra_alternatives = fields.pop("alternatives_more", [])
    fields.pop("aliases", None)
    fields.pop("appeal_source", None)
    unknown = set(fields) - _FIELDS
    if unknown:
        raise NotrainError(f"Jurisdiction {code} has unknown fields: {', '.join(sorted(unknown))}.")
    if fields.get("language", "en") not in LANGUAGES:
        raise NotrainError(f"Jurisdiction {code} has an unknown language {fields['language']!r}.")
    fields["code"] = code
    fields["name"] = fields.get("name") or name or _iso_name(code)
    fields["summary"] = " ".join(s for s in (fields.get("summary", ""), extra_summary) if s)
    fields["alternatives"] = (*fields.get("alternatives", ()), *extra_alternatives)
    fields["authorities"] = tuple(fields.get("authorities", ()))
    if fields.get("checked"):
        fields["checked"] = date.fromisoformat(fields["checked"])
    return Jurisdiction(**fields)


def _iso_name(code: str) -> str:
    if "-" in code:
        return pycountry.subdivisions.get(code=code).name
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or country.name


def supported() -> list[Jurisdiction]:
    """Every place with its own entry (countries and states), in file order."""
    return list(_entries().values())


def states(country: str) -> list[Jurisdiction]:
    """The states of ``country`` that have their own entry (``DE``: 16, ``US``: six)."""
    code = _country_code(country)
    return [j for j in _entries().values() if j.code.startswith(f"{code}-")]


def jurisdiction(code: str, state: str | None = None) -> Jurisdiction:
    """The answer for a place, given as an ISO code in any case (``de``, ``DEU``), an English
    country name (``Germany``), ``UK`` or ``EL``, a subdivision (``US-CA``, ``DE-BY``), or a
    country and a state (``("US", "CA")``, ``("DE", "Bavaria")``).

    A country without an entry gets the generic answer; a state without one answers as
    its country. Raises ``OptionError`` listing the supported codes for anything that is
    not an ISO country, or a state that is not one of the country's."""
    text = code.strip()
    if "-" in text and len(text.split("-", 1)[0]) == 2:
        text, subdivision = text.split("-", 1)
        state = state or subdivision
    country = _country_code(text)
    if state is not None and state.strip():
        return _state(country, state.strip())
    found = _entries().get(country)
    return found if found is not None else _generic(country)


def _country_code(text: str) -> str:
    key = text.strip().upper()
    key = ALIASES.get(key, key)
    found = None
    if len(key) == 2:
        found = pycountry.countries.get(alpha_2=key)
    elif len(key) == 3:
        found = pycountry.countries.get(alpha_3=key)
    if found is None and len(key) > 3:
        try:
            found = pycountry.countries.lookup(text.strip())
        except LookupError:
            found = None
    if found is None:
        raise OptionError(
            f"Unknown country {text!r}. Supported with their own rules: "
            + ", ".join(j.code for j in _entries().values())
            + ". Any other ISO 3166-1 country code or English name works too (for example JP,"
            " JPN or Japan), with a general answer."
        )
    return found.alpha_2


def _state(country: str, state: str) -> Jurisdiction:
    key = state.upper()
    key = key.removeprefix(f"{country}-")
    for candidate in _entries().values():
        if not candidate.code.startswith(f"{country}-"):
            continue
        raw = next(e for e in _data()["jurisdictions"] if e["code"] == candidate.code)
        names = {candidate.code.split("-", 1)[1], candidate.name.upper()}
        names.update(alias.upper() for alias in raw.get("aliases", ()))
        if key in names:
            return candidate
    subdivision = pycountry.subdivisions.get(code=f"{country}-{key}")
    if subdivision is None:
        by_name = [
            s
            for s in pycountry.subdivisions.get(country_code=country) or ()
            if s.name.upper() == key
        ]
        subdivision = by_name[0] if by_name else None
    if subdivision is not None:
        return jurisdiction(country)
    own = [j.code for j in _entries().values() if j.code.startswith(f"{country}-")]
    listed = f" Supported for {country}: {', '.join(own)}." if own else ""
    raise OptionError(
        f"Unknown state {state!r} for {country}.{listed} Any ISO 3166-2 subdivision of {country}"
        " works too, and answers as the country."
    )


def _generic(country: str) -> Jurisdiction:
    name = _iso_name(country)
    template = _data()["default"]
    fields = {k: v for k, v in template.items() if not k.startswith("_")}
    fields["summary"] = fields["summary"].format(name=name)
    fields["alternatives"] = tuple(a.format(name=name) for a in fields.get("alternatives", ()))
    return _build(fields, country, name)
