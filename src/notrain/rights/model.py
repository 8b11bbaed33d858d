"""The value objects of the rights area: facts, jurisdictions, authorities, requests and deadlines.

Every module in ``notrain.rights`` speaks in these types; the data files in
``notrain/data/rights/`` load into them, and the database stores requests and
their events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

__all__ = [
    "DEVICES",
    "LANGUAGES",
    "OBJECTION_REGIMES",
    "PLATFORMS",
    "REGIMES",
    "ROLES",
    "Authority",
    "Deadline",
    "Document",
    "Event",
    "Fact",
    "Jurisdiction",
    "Request",
    "Status",
]

LANGUAGES: dict[str, str] = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "nl": "Nederlands",
    "pl": "Polski",
    "pt-BR": "Português (Brasil)",
}
"""The languages notrain writes reasons, letters and guidance in (code: name in that language)."""

PLATFORMS: tuple[str, ...] = ("facebook", "instagram")
DEVICES: tuple[str, ...] = ("desktop", "android", "iphone")
ROLES: tuple[str, ...] = ("artist", "photographer", "parent", "private")
"""Who the person is, as the reason text describes them."""

OBJECTION_REGIMES: tuple[str, ...] = ("gdpr", "uk-gdpr", "fadp", "lgpd")
"""Legal regimes that give a right to object: the GDPR (EU/EEA), the UK GDPR, Switzerland's FADP
and Brazil's LGPD."""
REGIMES: tuple[str, ...] = (*OBJECTION_REGIMES, "us-state", "us", "none")
"""Every regime: plus a US state privacy law, the US without one, and no specific law."""


@dataclass(frozen=True, kw_only=True)
class Fact:
    """One fact about a platform, with where it comes from and when it was last checked."""

    key: str
    """Stable dotted name, e.g. ``form.instagram.objection``."""
    title: str
    value: str
    """A URL, an in-app path ("Settings > Privacy Center > ..."), or a sentence."""
    source: str
    checked: date
    platform: str | None = None
    device: str | None = None
    obsolete: bool = False
    note: str = ""

    def age_days(self, today: date) -> int:
        return (today - self.checked).days


@dataclass(frozen=True, kw_only=True)
class Jurisdiction:
    """What the law of one place lets a person do about Meta's AI training."""

    code: str
    """ISO 3166-1 alpha-2 (``DE``), or country-subdivision (``US-CA``, ``DE-BY``)."""
    name: str
    regime: str
    """``gdpr`` (EU/EEA), ``uk-gdpr``, ``fadp`` (Switzerland), ``lgpd`` (Brazil), ``us-state`` (a
    state privacy law), ``us`` (no federal right) or ``none``."""
    can_object: bool
    """Whether the law here gives a right to object to (or opt out of) Meta's AI training."""
    forms_confirmed: bool = False
    """Whether Meta documents that its objection forms accept people from here."""
    law: str
    """The provision the request rests on, in words (``Art. 21(1) GDPR``)."""
    response_days: int | None = None
    """Days the controller has to answer, when the law counts in days (CCPA: 45)."""
    response_months: int | None = None
    """Months the controller has to answer, when the law counts in months (GDPR: 1)."""
    extension_months: int | None = None
    extension_days: int | None = None
    appeal_days: int | None = None
    """Days the controller has to decide an appeal of a refused or unanswered request, where the
    law makes it offer one before the attorney general steps in (Virginia: 60); None where there
    is no appeal step (California, and every regime outside the US)."""
    appeal_extension_days: int | None = None
    """Days an appeal decision can be extended by, when notified within the first period
    (Colorado: 60)."""
    appeal_law: str = ""
    """The provision that requires the appeal, in words (``Va. Code § 59.1-577(C)``)."""
    authorities: tuple[str, ...] = ()
    """Slugs of the authorities a complaint goes to, most specific first."""
    language: str = "en"
    """The default language for this place (one of LANGUAGES)."""
    summary: str = ""
    alternatives: tuple[str, ...] = ()
    """What else a person can do here, one sentence each."""
    source: str = ""
    checked: date | None = None


@dataclass(frozen=True, kw_only=True)
class Authority:
    """A data protection authority, attorney general or consumer agency a complaint can go to."""

    slug: str
    name: str
    country: str
    """ISO code of the place it covers (``DE-BY`` for a German state authority, ``US-CA``)."""
    address: str
    email: str = ""
    phone: str = ""
    web: str = ""
    complaint_form: str = ""
    complaint_language: str = "en"
    source: str = ""
    checked: date | None = None


class Status(StrEnum):
    """Where a request stands. Each status change is an :class:`Event` with its date."""

    DRAFTED = "drafted"
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    EXTENDED = "extension notified"
    INFO_REQUESTED = "information requested"
    HONOURED = "honoured"
    REFUSED = "refused"
    NO_ANSWER = "no answer"
    REMINDED = "reminder sent"
    APPEALED = "appeal filed"
    """The person appealed Meta's refusal or silence, as US state laws other than California's
    require before a complaint to the attorney general."""
    COMPLAINED = "complaint filed"
    CLOSED = "closed"


@dataclass(frozen=True, kw_only=True)
class Event:
    """One dated step in a request's life: a status change, a reply from Meta, or a note."""

    id: int | None = None
    request_id: int | None = None
    status: Status | None
    """The status this event moved the request to (None for a plain note)."""
    on: date
    note: str = ""
    reply: str = ""
    """The text of Meta's answer, when this event records one."""
    reference: str = ""
    """A case or ticket number quoted in the answer."""
    attachment: str = ""
    """Path, inside the notrain home, of a saved copy of the reply file (an .eml, a screenshot)."""
    created_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class Request:
    """An objection (or, in the US, a deletion request) and everything that happened to it."""

    id: int | None = None
    kind: str = "objection"
    """``objection`` (GDPR Art. 21 and equivalents) or ``deletion`` (CCPA and US state laws)."""
    jurisdiction: str
    """Jurisdiction code (``DE``, ``DE-BY``, ``GB``, ``US-CA``)."""
    platforms: tuple[str, ...]
    device: str
    name: str
    email: str
    language: str
    role: str = "private"
    posts: str = ""
    """What the person posts, in their words ("my illustrations", "photos of my children")."""
    reason: str = ""
    """The reason text as submitted (written by notrain, possibly edited by the person)."""
    created_at: datetime | None = None
    events: tuple[Event, ...] = field(default=())

    @property
    def status(self) -> Status:
        """The status of the latest dated event; "drafted" only while nothing else happened (a
        request recorded today may have been submitted months ago)."""
        for event in reversed(self.events):
            if event.status not in (None, Status.DRAFTED):
                return event.status
        return Status.DRAFTED

    def first(self, status: Status) -> Event | None:
        return next((e for e in self.events if e.status == status), None)

    def last(self, status: Status) -> Event | None:
        return next((e for e in reversed(self.events) if e.status == status), None)

    @property
    def submitted_on(self) -> date | None:
        event = self.first(Status.SUBMITTED)
        return event.on if event else None

    @property
    def reference(self) -> str:
        return next((e.reference for e in reversed(self.events) if e.reference), "")


@dataclass(frozen=True, kw_only=True)
class Deadline:
    """A date by which someone (Meta, or the person) should act on a request."""

    request_id: int | None
    kind: str
    """``response`` (Meta must answer), ``extended-response``, ``reminder`` (nudge Meta),
    ``appeal`` (appeal Meta's decision, US states), ``appeal-response`` (Meta must decide the
    appeal), ``complaint`` (last day to complain comfortably), ``authority-update`` (the
    authority owes news)."""
    due: date
    title: str
    description: str
    law: str = ""


@dataclass(frozen=True, kw_only=True)
class Document:
    """A letter or report notrain wrote: Markdown that renders to plain text, Markdown and PDF.

    The Markdown uses a small subset (``#``/``##`` headings, paragraphs, ``- `` lists,
    ``**bold**``) so that every output format shows the same thing."""

    kind: str
    """``reason``, ``reminder``, ``complaint``, ``ccpa-deletion``, ``ftc``, ``history``, ..."""
    title: str
    markdown: str
    language: str = "en"
    recipient: str = ""
    """Who it goes to, name and postal address."""
    send_to: str = ""
    """Where to send it: a web form URL or an email address (notrain never sends anything)."""
    notes: tuple[str, ...] = ()
    """What the person should know before sending it (why this language, a missed time limit);
    shown to the person, never part of the letter."""
