"""The letters ``notrain escalate`` writes; :mod:`notrain.rights.escalation` picks which.

A letter is a :class:`~notrain.rights.model.Document`: Markdown rendered from the template
``rights/<language>/<kind>.md.j2``. notrain never sends a letter; it says who it is for
(``recipient``) and where to send it (``send_to``), and ``notes`` tell the person what to check.

The kinds, and who each goes to:

- ``reminder``: to Meta, when an objection is overdue; in the UK, the concern the ICO expects
  a person to raise with the organisation before complaining.
- ``complaint``: Art. 77 GDPR complaint to the person's own supervisory authority (EU/EEA);
  a report to the FDPIC (Switzerland); a petition to the ANPD (Brazil).
- ``complaint-ico``: the complaint to the UK Information Commissioner's Office.
- ``deletion-request``: to Meta Platforms, Inc. under a US state privacy law.
- ``appeal``: to Meta Platforms, Inc., appealing its refusal or silence where the state's law
  makes Meta offer an appeal before the attorney general steps in (all covered states but
  California).
- ``complaint-us``: to the state attorney general, or the California Privacy Protection Agency.
- ``ftc``: the text for a report to the US Federal Trade Commission.

Everything a person typed (name, notes, Meta's replies) passes through :func:`md_escape`
before it reaches a template, so it cannot change the letter's structure. The context a
template receives is described in :func:`letter`.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from notrain.errors import OptionError
from notrain.rights.authorities import LEAD_AUTHORITY
from notrain.rights.deadlines import (
    ICO_WAIT_MONTHS,
    ICO_WINDOW_MONTHS,
    REMINDER_GRACE_DAYS,
    UK_ACKNOWLEDGE_DAYS,
    UK_ACKNOWLEDGE_FROM,
    add_months,
    appeal_due,
    happened_after,
    last_contact,
    response_due,
)
from notrain.rights.documents import md_escape
from notrain.rights.model import (
    LANGUAGES,
    Authority,
    Document,
    Event,
    Jurisdiction,
    Request,
    Status,
)
from notrain.rights.templates import TemplateProblem, render

__all__ = [
    "LETTER_KINDS",
    "letter",
    "request_number",
]

LETTER_KINDS: dict[str, tuple[str, ...]] = {
    "reminder": ("gdpr", "uk-gdpr", "fadp", "lgpd"),
    "complaint": ("gdpr", "fadp", "lgpd"),
    "complaint-ico": ("uk-gdpr",),
    "deletion-request": ("us-state",),
    "appeal": ("us-state",),
    "complaint-us": ("us-state",),
    "ftc": ("us-state", "us"),
}
"""Each kind of letter and the regimes it is written for."""


_TO_AUTHORITY = {"complaint", "complaint-ico", "complaint-us", "ftc"}
_NEEDS_SUBMISSION = {"reminder", "appeal", "complaint", "complaint-ico", "complaint-us"}
_ANSWERS = {Status.REFUSED, Status.INFO_REQUESTED, Status.ACKNOWLEDGED, Status.EXTENDED}
_PLATFORM_NAMES = {"facebook": "Facebook", "instagram": "Instagram"}
_EXCERPT_CHARS = 280


def _escape(text: str) -> str:
    """A value typed by a person, on one line and shown literally in the letter's Markdown."""
    return md_escape(text, inline=True)


def letter(
    kind: str,
    *,
    request: Request,
    jurisdiction: Jurisdiction,
    authority: Authority | None,
    today: date,
    language: str | None = None,
    home: Path | None = None,
) -> Document:
    """Write one letter of ``kind`` (one of LETTER_KINDS) for ``request``.

    ``language=None`` writes a letter to an authority in the language it takes complaints in,
    when notrain writes that language, and everything else in the request's language; the
    choice is explained in the document's notes.

    Templates receive: ``kind``, ``regime``, ``law``, ``place`` (the jurisdiction's name),
    ``california``, ``sender`` (``name``, ``email``), ``today``, ``platforms`` (display names),
    ``request_kind``, ``reason``, ``submitted``, ``reference``, ``due`` and ``extended`` (Meta's
    response deadline), ``refused`` and ``refusal_excerpt``, ``reminded``, ``acknowledged``,
    ``answer_by`` (the date the letter asks for an answer by), ``concern_answered``,
    ``lead`` (the authority is the Irish DPC itself), ``last_contact``, ``window_ends``,
    ``within_window``, ``ack_missed``, ``uk_ack_days``, ``response_days``, the US appeal step
    (``appeal_law``, ``appeal_days``, ``appeal_extension_days``, ``appealed``, ``appeal_due``,
    ``appeal_extended``, ``appeal_refused`` and ``appeal_refusal_excerpt``, and
    ``request_refused``: the refusal the appeal contests), ``timeline`` (``on``, ``status``,
    ``note``, ``reference``, ``excerpt``),
    ``controller`` (``name``, ``address``, ``contact``) and ``authority`` (``name``,
    ``address``, ``email``, ``web``, ``form``; None for letters to Meta without one).
    Dates are ``date`` objects for the ``long_date`` filter; text is already escaped."""
    regime = jurisdiction.regime
    if kind not in LETTER_KINDS:
        raise OptionError(
            f"Unknown letter {kind!r}.", hint=f"Use one of: {', '.join(LETTER_KINDS)}."
        )
    if regime not in LETTER_KINDS[kind]:
        raise OptionError(
            f"A {kind} letter is not written for {jurisdiction.name} (regime {regime}).",
            hint=f"It is for the regimes {', '.join(LETTER_KINDS[kind])}; "
            "notrain escalate chooses the right letters for a request.",
        )
    if kind == "ftc" and authority is None:
        authority = _ftc()
    if kind in _TO_AUTHORITY and authority is None:
        raise OptionError(
            f"A {kind} letter needs the authority it goes to, and none was given.",
            hint=f"Check that the jurisdiction {jurisdiction.code} lists its authorities.",
        )
    if kind in _NEEDS_SUBMISSION and request.submitted_on is None:
        raise OptionError(
            f"Request {request.id or ''} was never submitted, so there is nothing to {kind} about.",
            hint=f"Record the date you sent it: notrain requests update {request_number(request)} "
            "--status submitted --on DATE.",
        )
    if kind == "appeal" and not jurisdiction.appeal_days:
        raise OptionError(
            f"The law of {jurisdiction.name} has no appeal to Meta before a complaint.",
            hint="notrain escalate writes the complaint to the authority directly.",
        )
    if kind == "complaint-ico" and request.last(Status.REMINDED) is None:
        raise OptionError(
            "The ICO expects you to raise your concern with Meta before complaining, and no "
            "such step is recorded for this request.",
            hint="notrain escalate writes that letter first; once sent, record it with "
            f"notrain requests update {request_number(request)} --status reminder-sent --on DATE.",
        )
    language, notes = _language(kind, request, authority, language)
    controller = _controller(regime)
    context = _context(kind, request, jurisdiction, authority, today, controller)
    markdown = _tidy(render(kind, language, context, home=home))
    if kind in _TO_AUTHORITY and authority is not None:
        recipient = f"{authority.name}\n{authority.address}"
        send_to = authority.complaint_form or authority.email or authority.web
    else:
        lines = [controller["name"], controller.get("attention", ""), *controller["address"]]
        recipient = "\n".join(line for line in lines if line)
        send_to = controller["contact"]
    if not send_to:
        notes.append("notrain knows no web form or email address for this; send it by post.")
    if kind == "complaint-ico" and not context["within_window"]:
        notes.append(
            "More than three months have passed since your last meaningful contact with Meta "
            f"({context['last_contact'].isoformat()}). The ICO asks for complaints within that "
            "time; it may still accept yours, so send it soon and say why it is late."
        )
    return Document(
        kind=kind,
        title=_title(markdown, f"rights/{language}/{kind}.md.j2"),
        markdown=markdown,
        language=language,
        recipient=recipient,
        send_to=send_to,
        notes=tuple(notes),
    )


def _context(
    kind: str,
    request: Request,
    jurisdiction: Jurisdiction,
    authority: Authority | None,
    today: date,
    controller: dict[str, Any],
) -> dict[str, Any]:
    due_on, extended = response_due(request, jurisdiction) or (None, False)
    refused = request.last(Status.REFUSED)
    reminded = request.last(Status.REMINDED)
    contact = last_contact(request)
    window = add_months(contact, ICO_WINDOW_MONTHS) if contact is not None else None
    concern_answered = None
    if reminded is not None:
        concern_answered = next(
            (
                e.on
                for e in request.events
                if _is_answer(e) and e is not reminded and happened_after(request, e, reminded)
            ),
            None,
        )
    if kind == "reminder" and jurisdiction.regime == "uk-gdpr":
        answer_by = add_months(today, ICO_WAIT_MONTHS)
    elif kind == "deletion-request" and jurisdiction.response_days:
        answer_by = today + timedelta(days=jurisdiction.response_days)
    elif kind == "appeal" and jurisdiction.appeal_days:
        answer_by = today + timedelta(days=jurisdiction.appeal_days)
    else:
        answer_by = today + timedelta(days=REMINDER_GRACE_DAYS)
    ack_missed = (
        reminded is not None
        and reminded.on >= UK_ACKNOWLEDGE_FROM
        and today > reminded.on + timedelta(days=UK_ACKNOWLEDGE_DAYS)
        and concern_answered is None
    )
    return {
        **_appeal(request, jurisdiction),
        "kind": kind,
        "regime": jurisdiction.regime,
        "law": _escape(jurisdiction.law),
        "place": _escape(jurisdiction.name),
        "california": jurisdiction.code.upper() == "US-CA",
        "sender": {"name": _escape(request.name), "email": _escape(request.email)},
        "today": today,
        "platforms": [_PLATFORM_NAMES.get(p, _escape(p)) for p in request.platforms],
        "request_kind": request.kind,
        "reason": _escape(request.reason),
        "submitted": request.submitted_on,
        "reference": _escape(request.reference),
        "due": due_on,
        "extended": extended,
        "refused": refused.on if refused else None,
        "refusal_excerpt": _escape(_excerpt(refused.reply)) if refused else "",
        "reminded": reminded.on if reminded else None,
        "acknowledged": request.first(Status.ACKNOWLEDGED) is not None,
        "answer_by": answer_by,
        "concern_answered": concern_answered,
        "last_contact": contact,
        "window_ends": window,
        "within_window": window is None or today <= window,
        "ack_missed": ack_missed,
        "uk_ack_days": UK_ACKNOWLEDGE_DAYS if today >= UK_ACKNOWLEDGE_FROM else None,
        "response_days": jurisdiction.response_days,
        "timeline": _timeline(request),
        "controller": {
            "name": _escape(controller["name"]),
            "address": _escape(", ".join(controller["address"])),
            "contact": _escape(controller["contact"]),
        },
        "authority": _authority(authority),
        "lead": authority is not None and authority.slug == LEAD_AUTHORITY,
    }


def _appeal(request: Request, jurisdiction: Jurisdiction) -> dict[str, Any]:
    """The appeal step of a US state law: when the person appealed, when Meta had to decide, and
    which refusal came before the appeal and which after it."""
    appealed = request.last(Status.APPEALED) if jurisdiction.appeal_days else None
    refusals = [e for e in request.events if e.status == Status.REFUSED]
    after = [e for e in refusals if appealed is not None and happened_after(request, e, appealed)]
    before = [e for e in refusals if appealed is None or not happened_after(request, e, appealed)]
    due_on, extended = appeal_due(request, jurisdiction) or (None, False)
    return {
        "appeal_law": _escape(jurisdiction.appeal_law),
        "appeal_days": jurisdiction.appeal_days,
        "appeal_extension_days": jurisdiction.appeal_extension_days,
        "appealed": appealed.on if appealed else None,
        "appeal_due": due_on,
        "appeal_extended": extended,
        "appeal_refused": after[-1].on if after else None,
        "appeal_refusal_excerpt": _escape(_excerpt(after[-1].reply)) if after else "",
        "request_refused": before[-1].on if before else None,
    }


def _timeline(request: Request) -> list[dict[str, Any]]:
    """Every event, oldest first (events of one day keep the order they were recorded in)."""
    return [
        {
            "on": event.on,
            "status": event.status.value if event.status is not None else "",
            "note": _escape(event.note),
            "reference": _escape(event.reference),
            "excerpt": _escape(_excerpt(event.reply)),
        }
        for event in sorted(request.events, key=lambda e: e.on)
    ]


def _authority(authority: Authority | None) -> dict[str, str] | None:
    if authority is None:
        return None
    return {
        "name": _escape(authority.name),
        "address": _escape(", ".join(line for line in authority.address.splitlines() if line)),
        "email": _escape(authority.email),
        "web": _escape(authority.web),
        "form": _escape(authority.complaint_form),
    }


def _is_answer(event: Event) -> bool:
    return event.status in _ANSWERS or bool(event.reply.strip())


def _excerpt(reply: str) -> str:
    flat = " ".join(reply.split())
    if len(flat) <= _EXCERPT_CHARS:
        return flat
    cut = flat[:_EXCERPT_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",.;:") + " …"


def _language(
    kind: str, request: Request, authority: Authority | None, asked: str | None
) -> tuple[str, list[str]]:
    """The letter's language and a note explaining the choice when it is not the obvious one.

    A letter to an authority is written in the language it takes complaints in, when notrain
    writes it (``pt`` matches ``pt-BR``); otherwise, and for letters to Meta, in the request's
    language, or English when notrain does not write that."""
    own = request.language if request.language in LANGUAGES else "en"
    if asked is not None:
        return asked, []
    if kind not in _TO_AUTHORITY or authority is None:
        return own, []
    wanted = authority.complaint_language
    match = next((code for code in LANGUAGES if code.split("-")[0] == wanted.split("-")[0]), None)
    if wanted in LANGUAGES:
        match = wanted
    if match is None:
        unsupported = (
            f"{authority.name} takes complaints in {wanted!r}, which notrain does not write, so "
            f"this letter is in {LANGUAGES[own]}. Many authorities accept English; check its "
            "website, or have the letter translated."
        )
        return own, [unsupported]
    if match != own:
        switched = (
            f"Written in {LANGUAGES[match]}, the language {authority.name} takes complaints in. "
            f"Ask for --language {own} to have it in {LANGUAGES[own]} instead."
        )
        return match, [switched]
    return match, []


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    text = (
        resources.files("notrain").joinpath("data", "rights", "controllers.json").read_text("utf-8")
    )
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _controller(regime: str) -> dict[str, Any]:
    """Meta's company responsible under ``regime`` (data/rights/controllers.json)."""
    for entry in _data()["controllers"].values():
        if regime in entry["regimes"]:
            return dict(entry)
    raise OptionError(f"notrain has no record of Meta's controller for the regime {regime!r}.")


def _ftc() -> Authority:
    entry = _data()["agencies"]["us-ftc"]
    return Authority(
        slug="us-ftc",
        name=entry["name"],
        country="US",
        address="\n".join(entry["address"]),
        web=entry["web"],
        complaint_form=entry["complaint_form"],
        complaint_language=entry["complaint_language"],
        source=entry["source"][0],
        checked=date.fromisoformat(entry["checked"]),
    )


def request_number(request: Request) -> str:
    """The request's number as the person types it in commands (``REQUEST`` before it is stored)."""
    return str(request.id) if request.id is not None else "REQUEST"


_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def _tidy(markdown: str) -> str:
    """One blank line between blocks, whatever the template's conditionals left behind."""
    return _BLANK_RUNS.sub("\n\n", _TRAILING_SPACE.sub("\n", markdown)).strip() + "\n"


def _title(markdown: str, path: str) -> str:
    lines = markdown.strip().splitlines()
    if not lines:
        raise TemplateProblem(
            f"The template {path} wrote nothing.",
            hint="If you edited it, compare it with the original in notrain's package or delete "
            "your copy.",
        )
    first = lines[0]
    return re.sub(r"\\(.)", r"\1", first.removeprefix("# ").strip())
