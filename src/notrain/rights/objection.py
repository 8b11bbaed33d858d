"""The guided objection: from "where do you live, which accounts, which device" to what to do.

:func:`guide` answers for one person: whether they can object and under which law,
what an objection covers, the form links and the in-app path for their device, a
reason text in their language, and the privacy settings worth changing. :func:`record`
stores the request so that notrain can follow its deadlines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from notrain.rights.authorities import authorities_for
from notrain.rights.facts import (
    checklist,
    coverage,
    fact,
    in_app_path,
    objection_form,
    stale_facts,
    third_party_form,
)
from notrain.rights.jurisdictions import jurisdiction as find_jurisdiction
from notrain.rights.model import (
    OBJECTION_REGIMES,
    Authority,
    Event,
    Fact,
    Jurisdiction,
    Request,
    Status,
)
from notrain.rights.reasons import clean_text, reason_text
from notrain.rights.requests import create_request
from notrain.store.database import Database

__all__ = ["Guidance", "guide", "record"]

_RECORDED_REGIMES = {*OBJECTION_REGIMES, "us-state"}
_ENTRY_POINT = "link.privacy-policy.objection"


@dataclass(frozen=True, kw_only=True)
class Guidance:
    """Everything a person needs to object (or, in the US, to do what the law allows)."""

    jurisdiction: Jurisdiction
    platforms: tuple[str, ...]
    device: str
    role: str
    posts: str
    language: str
    name: str
    forms: tuple[Fact, ...]
    """The objection form for each platform (none where Meta offers no form)."""
    paths: tuple[Fact, ...]
    """The in-app path to the same form for the person's device, per platform."""
    coverage: tuple[Fact, ...]
    third_party_form: Fact
    checklist: tuple[Fact, ...]
    authorities: tuple[Authority, ...]
    reason: str
    """The reason to paste into the form, in ``language`` (empty where there is nothing to send)."""
    entry_point: Fact | None = None
    """Where Meta's privacy policy sends people who want to object today (the forms move)."""
    stale: tuple[Fact, ...] = field(default=())
    """Facts used here that nobody has checked for more than six months."""

    @property
    def can_object(self) -> bool:
        return self.jurisdiction.can_object

    @property
    def request_kind(self) -> str | None:
        """What notrain records: an ``objection``, a US ``deletion`` request, or nothing."""
        regime = self.jurisdiction.regime
        if regime not in _RECORDED_REGIMES:
            return None
        return "deletion" if regime == "us-state" else "objection"

    def to_dict(self) -> dict[str, Any]:
        j = self.jurisdiction
        return {
            "jurisdiction": {
                "code": j.code,
                "name": j.name,
                "regime": j.regime,
                "can_object": j.can_object,
                "forms_confirmed": j.forms_confirmed,
                "law": j.law,
                "summary": j.summary,
                "response_months": j.response_months,
                "response_days": j.response_days,
                "alternatives": list(j.alternatives),
            },
            "platforms": list(self.platforms),
            "device": self.device,
            "language": self.language,
            "request_kind": self.request_kind,
            "forms": [_fact_dict(f) for f in self.forms],
            "in_app_paths": [_fact_dict(f) for f in self.paths],
            "coverage": [_fact_dict(f) for f in self.coverage],
            "third_party_form": _fact_dict(self.third_party_form),
            "entry_point": _fact_dict(self.entry_point) if self.entry_point else None,
            "privacy_checklist": [_fact_dict(f) for f in self.checklist],
            "authorities": [
                {"name": a.name, "web": a.web, "complaint_form": a.complaint_form}
                for a in self.authorities
            ],
            "reason": self.reason,
            "stale_facts": [f.key for f in self.stale],
        }


def _fact_dict(fact: Fact) -> dict[str, Any]:
    return {
        "key": fact.key,
        "title": fact.title,
        "value": fact.value,
        "platform": fact.platform,
        "device": fact.device,
        "source": fact.source,
        "checked": fact.checked.isoformat(),
        "note": fact.note,
    }


def guide(
    *,
    country: str,
    state: str | None = None,
    platforms: Sequence[str],
    device: str,
    role: str = "private",
    posts: str = "",
    name: str = "",
    language: str | None = None,
    today: date | None = None,
    home: Path | None = None,
) -> Guidance:
    """Work out what this person can do; raises OptionError for an unknown country, platform,
    device, role or language, with the valid choices."""
    place = find_jurisdiction(country, state)
    posts, name = clean_text(posts), clean_text(name)
    chosen = tuple(dict.fromkeys(platforms))
    language = language or place.language
    forms: tuple[Fact, ...] = ()
    paths: tuple[Fact, ...] = ()
    # Meta documents its forms for the EU/EEA, the UK and Brazil; elsewhere (except the US, where
    # there is none) they are worth a try, and the guidance says that it is unconfirmed.
    if place.can_object or place.regime == "none":
        forms = tuple(objection_form(p) for p in chosen)
        paths = tuple(in_app_path(p, device) for p in chosen)
    reason = ""
    if place.regime in _RECORDED_REGIMES or forms:
        reason = reason_text(
            law=place.law,
            regime=place.regime,
            role=role,
            posts=posts,
            name=name,
            platforms=chosen,
            language=language,
            home=home,
        )
    entry_point = fact(_ENTRY_POINT) if forms else None
    used = (*forms, *paths, *coverage(), third_party_form(), *checklist(chosen))
    stale_keys = {f.key for f in stale_facts(today or date.today())}
    return Guidance(
        jurisdiction=place,
        platforms=chosen,
        device=device,
        role=role,
        posts=posts,
        language=language,
        name=name,
        forms=forms,
        paths=paths,
        coverage=tuple(coverage()),
        third_party_form=third_party_form(),
        checklist=tuple(checklist(chosen)),
        authorities=tuple(authorities_for(place)),
        entry_point=entry_point,
        reason=reason,
        stale=tuple(dict.fromkeys(f for f in used if f.key in stale_keys)),
    )


def record(
    db: Database,
    guidance: Guidance,
    *,
    name: str,
    email: str,
    device: str | None = None,
    submitted_on: date | None = None,
    today: date | None = None,
) -> Request:
    """Store the request the guidance prepared: drafted today, and submitted when the person says
    they already sent it."""
    kind = guidance.request_kind
    if kind is None:
        raise ValueError(f"nothing to record in {guidance.jurisdiction.name}")
    today = today or date.today()
    events = [Event(status=Status.DRAFTED, on=min(today, submitted_on or today))]
    if submitted_on is not None:
        events.append(Event(status=Status.SUBMITTED, on=submitted_on))
    return create_request(
        db,
        Request(
            kind=kind,
            jurisdiction=guidance.jurisdiction.code,
            platforms=guidance.platforms,
            device=device or guidance.device,
            name=name,
            email=email,
            language=guidance.language,
            role=guidance.role,
            posts=guidance.posts,
            reason=guidance.reason,
            events=tuple(events),
        ),
        today=today,
    )
