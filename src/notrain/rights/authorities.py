"""The authorities a complaint can go to: data protection authorities, attorneys general, the FTC.

The records live in ``notrain/data/rights/authorities.json``. The European ones (with
Switzerland's and the UK's) are reduced from the CC0 supervisory-authority records
of datenanfragen/data; the Brazilian and US ones were checked against the agencies'
own pages. A jurisdiction names its authorities by slug, most specific first.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from importlib import resources

from notrain.errors import NotrainError
from notrain.rights.model import Authority, Jurisdiction

__all__ = ["LEAD_AUTHORITY", "authorities_for", "authority", "load_authorities"]

LEAD_AUTHORITY = "iedpc"
"""The Irish Data Protection Commission: Meta's lead authority in the EU/EEA (Art. 56 GDPR)."""


@lru_cache(maxsize=1)
def load_authorities() -> dict[str, Authority]:
    """Every authority in the packaged data file, by slug (read once)."""
    text = (
        resources.files("notrain").joinpath("data", "rights", "authorities.json").read_text("utf-8")
    )
    found: dict[str, Authority] = {}
    for entry in json.loads(text)["authorities"]:
        slug = entry.get("slug", "?")
        if slug in found:
            raise NotrainError(f"authorities.json lists {slug!r} twice.")
        if not str(entry.get("source", "")).startswith(("https://", "http://")):
            raise NotrainError(f"Authority {slug!r} in authorities.json has no source URL.")
        checked = date.fromisoformat(entry["checked"]) if entry.get("checked") else None
        found[slug] = Authority(**{**entry, "checked": checked})
    return found


def authority(slug: str) -> Authority:
    """The authority called ``slug``; raises ``NotrainError`` listing the known slugs."""
    try:
        return load_authorities()[slug]
    except KeyError:
        raise NotrainError(
            f"No authority called {slug!r}.",
            hint="Known authorities: " + ", ".join(sorted(load_authorities())) + ".",
        ) from None


def authorities_for(place: Jurisdiction) -> list[Authority]:
    """The authorities a complaint from ``place`` goes to, most specific first (none for a
    place without a specific right)."""
    return [authority(slug) for slug in place.authorities]
