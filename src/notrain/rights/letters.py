"""The letters ``notrain escalate`` writes, and the choice of which ones a request needs.

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
- ``complaint-us``: to the state attorney general, or the California Privacy Protection Agency.
- ``ftc``: the text for a report to the US Federal Trade Commission.

Everything a person typed (name, notes, Meta's replies) passes through :func:`md_escape`
before it reaches a template, so it cannot change the letter's structure. The context a
template receives is described in :func:`letter`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from notrain.errors import NotrainError, OptionError
from notrain.rights.deadlines import (
    AUTHORITY_UPDATE_MONTHS,
    ICO_WAIT_MONTHS,
    ICO_WINDOW_MONTHS,
    REMINDER_GRACE_DAYS,
    SILENCE_DAYS,
    UK_ACKNOWLEDGE_DAYS,
    UK_ACKNOWLEDGE_FROM,
    add_months,
    response_due,
)
from notrain.rights.documents import md_escape
from notrain.rights.model import (
    LANGUAGES,
    Authority,
    Deadline,
    Document,
    Event,
    Jurisdiction,
    Request,
    Status,
)
from notrain.rights.templates import render

__all__ = [
    "LETTER_KINDS",
    "NothingToEscalate",
    "escalation_letters",
    "letter",
]

LETTER_KINDS: dict[str, tuple[str, ...]] = {
    "reminder": ("gdpr", "uk-gdpr", "fadp", "lgpd"),
    "complaint": ("gdpr", "fadp", "lgpd"),
    "complaint-ico": ("uk-gdpr",),
    "deletion-request": ("us-state",),
    "complaint-us": ("us-state",),
    "ftc": ("us-state", "us"),
}
"""Each kind of letter and the regimes it is written for."""


_TO_AUTHORITY = {"complaint", "complaint-ico", "complaint-us", "ftc"}
_NEEDS_SUBMISSION = {"reminder", "complaint", "complaint-ico", "complaint-us"}
_ANSWERS = {Status.REFUSED, Status.INFO_REQUESTED, Status.ACKNOWLEDGED, Status.EXTENDED}
_PLATFORM_NAMES = {"facebook": "Facebook", "instagram": "Instagram"}
_EXCERPT_CHARS = 280


class NothingToEscalate(NotrainError):
    """The request needs no letter now: Meta honoured it, or its time has not run out yet.

    ``possible_from`` is the first day escalation becomes possible, when there is one."""

    def __init__(self, message: str, *, hint: str | None = None, possible_from: date | None = None):
        super().__init__(message, hint=hint)
        self.possible_from = possible_from


def _escape(text: str) -> str:
    """A value typed by a person, on one line and shown literally in the letter's Markdown."""
    return md_escape(text, inline=True)


def letter(
    kind: str,
    *,
    request: Request,
    jurisdiction: Jurisdiction,
    authority: Authority | None,
    deadlines: Sequence[Deadline],
    today: date,
    language: str | None = None,
    home: Path | None = None,
) -> Document:
    """Write one letter of ``kind`` (one of LETTER_KINDS) for ``request``.

    ``language=None`` writes a letter to an authority in the language it takes complaints in,
    when notrain writes that language, and everything else in the request's language; the
    choice is explained in the document's notes. ``deadlines`` are the request's deadlines
    from :func:`notrain.rights.deadlines.deadlines` (Meta's response deadline and the ICO's
    complaint window are taken from them when present, else computed).

    Templates receive: ``kind``, ``regime``, ``law``, ``place`` (the jurisdiction's name),
    ``california``, ``sender`` (``name``, ``email``), ``today``, ``platforms`` (display names),
    ``request_kind``, ``reason``, ``submitted``, ``reference``, ``due`` and ``extended`` (Meta's
    response deadline), ``refused`` and ``refusal_excerpt``, ``reminded``, ``acknowledged``,
    ``answer_by`` (the date the letter asks for an answer by), ``concern_answered``,
    ``last_contact``, ``window_ends``, ``within_window``, ``ack_missed``, ``uk_ack_days``,
    ``response_days``, ``timeline`` (``on``, ``status``, ``note``, ``reference``, ``excerpt``),
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
            hint=f"Record the date you sent it: notrain requests update {_number(request)} "
            "--status submitted --on DATE.",
        )
    if kind == "complaint-ico" and request.last(Status.REMINDED) is None:
        raise OptionError(
            "The ICO expects you to raise your concern with Meta before complaining, and no "
            "such step is recorded for this request.",
            hint="notrain escalate writes that letter first; once sent, record it with "
            f"notrain requests update {_number(request)} --status reminder-sent --on DATE.",
        )
    language, notes = _language(kind, request, authority, language)
    controller = _controller(regime)
    context = _context(kind, request, jurisdiction, authority, deadlines, today, controller)
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
        title=_title(markdown),
        markdown=markdown,
        language=language,
        recipient=recipient,
        send_to=send_to,
        notes=tuple(notes),
    )


def escalation_letters(
    *,
    request: Request,
    jurisdiction: Jurisdiction,
    authorities: Sequence[Authority],
    deadlines: Sequence[Deadline],
    today: date,
    language: str | None = None,
    home: Path | None = None,
) -> list[Document]:
    """The letters ``request`` needs today, in the order to send them (``language`` as in
    :func:`letter`: None lets each letter choose).

    EU/EEA (gdpr), Switzerland (fadp) and Brazil (lgpd):

    - Meta refused: a ``complaint`` to the person's own authority (the first of
      ``authorities``).
    - Meta's deadline has passed without an answer and no reminder was sent: a ``reminder``
      that asks for an answer within 14 days (REMINDER_GRACE_DAYS) and announces the complaint;
      if the deadline passed more than SILENCE_DAYS ago, the ``complaint`` at once.
    - A reminder went unanswered for 14 days: the ``complaint``.

    UK: the ICO expects the concern to be raised with Meta first. Without a reminder event,
    an overdue or refused request gets a ``reminder`` (that first contact); a month after it
    (or at once if Meta refused again), the ``complaint-ico``. When more than three months have
    passed since the last meaningful contact the letter is still written (the ICO may accept
    it) but carries a note saying so: refusing would leave the person with nothing.

    US states: a ``deletion-request`` to Meta when none was sent, with the ``ftc`` report;
    once a deletion request is refused or overdue, a ``complaint-us`` (to the first authority
    that is not the FTC: the CPPA or attorney general) and the ``ftc`` report.
    US without a state law: the ``ftc`` report, with a note that there is no opt-out.
    Elsewhere: :class:`OptionError`, since there is no authority to escalate to.

    Raises :class:`NothingToEscalate` (with the date escalation becomes possible) when Meta
    honoured the request, the request is not submitted, a complaint is already filed, Meta
    asked for information, or Meta's time has not run out."""
    regime = jurisdiction.regime
    if regime == "none":
        raise OptionError(
            f"There is no data protection authority to escalate to for {jurisdiction.name}: "
            "no law there gives a right to object to Meta's AI training.",
            hint=" ".join(jurisdiction.alternatives)
            or "Make your posts non-public (friends only, private account), delete what you do "
            "not want used, or leave the platforms; protect new photos with notrain protect.",
        )

    def write(kind: str, authority: Authority | None) -> Document:
        return letter(
            kind,
            request=request,
            jurisdiction=jurisdiction,
            authority=authority,
            deadlines=deadlines,
            today=today,
            language=language,
            home=home,
        )

    ftc = next((a for a in authorities if "ftc" in a.slug.lower()), None)
    if regime == "us":
        document = write("ftc", ftc)
        no_opt_out = (
            "There is no opt-out from Meta's AI training in the United States and no law that "
            "gives you one. What exists: make posts non-public, delete what you do not want used, "
            "or leave. An FTC report adds to the record; it does not resolve your case."
        )
        return [_with_note(document, no_opt_out)]
    if regime == "us-state":
        if request.kind != "deletion" or request.submitted_on is None:
            deletion = _with_note(
                write("deletion-request", None),
                "Record it with notrain requests once you have sent it, so notrain can tell you "
                "when Meta's answer is due.",
            )
            return [deletion, write("ftc", ftc)]
        _check_open(request, regime)
        if request.last(Status.REFUSED) is None:
            _check_time_run_out(request, jurisdiction, deadlines, today)
        state = next((a for a in authorities if a is not ftc), None)
        if state is None:
            raise OptionError(
                f"notrain has no record of the authority for {jurisdiction.name}.",
                hint="Check the jurisdiction's authorities in the rights data.",
            )
        return [write("complaint-us", state), write("ftc", ftc)]
    if regime not in ("gdpr", "fadp", "lgpd", "uk-gdpr"):
        raise OptionError(f"notrain does not know how to escalate under the regime {regime!r}.")
    _check_open(request, regime)
    authority = authorities[0] if authorities else None
    if authority is None:
        raise OptionError(
            f"notrain has no record of the data protection authority for {jurisdiction.name}.",
            hint="Check the jurisdiction's authorities in the rights data.",
        )
    reminded = request.last(Status.REMINDED)
    refused = request.last(Status.REFUSED)
    if regime == "uk-gdpr":
        if reminded is None:
            if refused is None:
                _check_time_run_out(request, jurisdiction, deadlines, today)
            return [write("reminder", authority)]
        wait_until = add_months(reminded.on, ICO_WAIT_MONTHS)
        refused_again = refused is not None and refused.on >= reminded.on
        if today < wait_until and not refused_again:
            raise NothingToEscalate(
                f"You raised your concern with Meta on {reminded.on.isoformat()}; the ICO asks "
                "you to give Meta a month to answer it.",
                hint=f"If Meta has not put it right by then, run notrain escalate again on "
                f"{wait_until.isoformat()}.",
                possible_from=wait_until,
            )
        return [write("complaint-ico", authority)]
    if refused is not None:
        return [write("complaint", authority)]
    due_on = _check_time_run_out(request, jurisdiction, deadlines, today)
    if reminded is not None:
        complain_from = reminded.on + timedelta(days=REMINDER_GRACE_DAYS)
        if today < complain_from:
            raise NothingToEscalate(
                f"You reminded Meta on {reminded.on.isoformat()}; give it "
                f"{REMINDER_GRACE_DAYS} days to answer.",
                hint=f"If it has not answered by then, run notrain escalate again on "
                f"{complain_from.isoformat()} for the complaint.",
                possible_from=complain_from,
            )
        return [write("complaint", authority)]
    if (today - due_on).days > SILENCE_DAYS:
        return [write("complaint", authority)]
    reminder = write("reminder", authority)
    complain_from = today + timedelta(days=REMINDER_GRACE_DAYS)
    return [
        _with_note(
            reminder,
            f"If Meta has not answered by {complain_from.isoformat()}, a complaint to "
            f"{authority.name} is the next step: record the reminder (notrain requests update "
            f"{_number(request)} --status reminder-sent) and run notrain escalate again then.",
        )
    ]


def _check_open(request: Request, regime: str) -> None:
    """NothingToEscalate when the request is done, not yet sent, or waiting on the person."""
    status = request.status
    if request.submitted_on is None:
        raise NothingToEscalate(
            "This request has not been submitted to Meta yet, so there is nothing to escalate.",
            hint=f"Send it, then record the date: notrain requests update {_number(request)} "
            "--status submitted --on DATE.",
        )
    event = request.last(status)
    when = event.on if event is not None else request.submitted_on
    if status in (Status.HONOURED, Status.CLOSED):
        raise NothingToEscalate(
            f"This request is {status.value} (on {when.isoformat()}); there is nothing to "
            "escalate.",
            hint="If Meta later goes back on it, record that with --status refused and run "
            "notrain escalate again.",
        )
    if status == Status.COMPLAINED:
        if regime in ("gdpr", "uk-gdpr"):
            news_by = add_months(when, AUTHORITY_UPDATE_MONTHS)
            raise NothingToEscalate(
                f"You filed a complaint on {when.isoformat()}; it is with the authority now.",
                hint=f"If the authority gives you no news by {news_by.isoformat()}, you may go "
                "to court against it (Art. 78(2) GDPR).",
                possible_from=news_by,
            )
        raise NothingToEscalate(
            f"You filed a complaint on {when.isoformat()}; it is with the authority now.",
            hint="Ask the authority for news if you hear nothing from it.",
        )
    if status == Status.INFO_REQUESTED:
        raise NothingToEscalate(
            "Meta asked you for more information; the next step is your answer.",
            hint="Answer Meta, or, if you think its demand is unjustified (an ID for an "
            "objection), record it with --status refused and run notrain escalate again.",
        )


def _check_time_run_out(
    request: Request, jurisdiction: Jurisdiction, deadlines: Sequence[Deadline], today: date
) -> date:
    """Meta's response deadline, or NothingToEscalate while it has not passed."""
    due_on, _ = _response(request, jurisdiction, deadlines)
    if due_on is None:
        raise NothingToEscalate(
            f"The law of {jurisdiction.name} sets Meta no deadline notrain knows of.",
            hint="Check the jurisdiction's response period in the rights data.",
        )
    if today <= due_on:
        raise NothingToEscalate(
            f"Meta still has time to answer: its deadline is {due_on.isoformat()}.",
            hint=f"If Meta has not answered by then, run notrain escalate again from "
            f"{(due_on + timedelta(days=1)).isoformat()}.",
            possible_from=due_on + timedelta(days=1),
        )
    return due_on


def _response(
    request: Request, jurisdiction: Jurisdiction, deadlines: Sequence[Deadline]
) -> tuple[date | None, bool]:
    for kind, extended in (("extended-response", True), ("response", False)):
        found = next((d for d in deadlines if d.kind == kind), None)
        if found is not None:
            return found.due, extended
    computed = response_due(request, jurisdiction)
    return computed if computed is not None else (None, False)


def _context(
    kind: str,
    request: Request,
    jurisdiction: Jurisdiction,
    authority: Authority | None,
    deadlines: Sequence[Deadline],
    today: date,
    controller: dict[str, Any],
) -> dict[str, Any]:
    due_on, extended = _response(request, jurisdiction, deadlines)
    refused = request.last(Status.REFUSED)
    reminded = request.last(Status.REMINDED)
    last_contact = _last_contact(request)
    window = next((d.due for d in deadlines if d.kind == "complaint-window"), None)
    if window is None and last_contact is not None:
        window = add_months(last_contact, ICO_WINDOW_MONTHS)
    concern_answered = None
    if reminded is not None:
        concern_answered = next(
            (e.on for e in request.events if e.on >= reminded.on and _is_answer(e)), None
        )
    if kind == "reminder" and jurisdiction.regime == "uk-gdpr":
        answer_by = add_months(today, ICO_WAIT_MONTHS)
    elif kind == "deletion-request" and jurisdiction.response_days:
        answer_by = today + timedelta(days=jurisdiction.response_days)
    else:
        answer_by = today + timedelta(days=REMINDER_GRACE_DAYS)
    ack_missed = (
        reminded is not None
        and reminded.on >= UK_ACKNOWLEDGE_FROM
        and today > reminded.on + timedelta(days=UK_ACKNOWLEDGE_DAYS)
        and concern_answered is None
    )
    return {
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
        "last_contact": last_contact,
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


def _last_contact(request: Request) -> date | None:
    """The last meaningful contact with Meta: any dated status change after the draft."""
    dates = [e.on for e in request.events if e.status not in (None, Status.DRAFTED)]
    return max(dates) if dates else None


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


def _number(request: Request) -> str:
    return str(request.id) if request.id is not None else "REQUEST"


def _with_note(document: Document, note: str) -> Document:
    return replace(document, notes=(*document.notes, note))


_BLANK_RUNS = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


def _tidy(markdown: str) -> str:
    """One blank line between blocks, whatever the template's conditionals left behind."""
    return _BLANK_RUNS.sub("\n\n", _TRAILING_SPACE.sub("\n", markdown)).strip() + "\n"


def _title(markdown: str) -> str:
    first = markdown.lstrip().splitlines()[0]
    return re.sub(r"\\(.)", r"\1", first.removeprefix("# ").strip())
