"""Which letters a request needs today: the escalation rules of each legal regime.

:func:`escalation_letters` reads a request's timeline and its deadlines and returns the
letters to send, in order; :class:`NothingToEscalate` says why there is nothing yet and from
when there will be. The letters themselves are written by :func:`notrain.rights.letters.letter`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from notrain.errors import NotrainError, OptionError
from notrain.rights.deadlines import (
    AUTHORITY_UPDATE_MONTHS,
    REMINDER_GRACE_DAYS,
    add_months,
    deadlines,
)
from notrain.rights.letters import letter, request_number
from notrain.rights.model import Authority, Document, Jurisdiction, Request, Status
from notrain.rights.wording import COMMANDS, Wording

__all__ = ["NothingToEscalate", "escalation_letters"]

_STEPS = ("reminder", "appeal", "complaint")
"""The deadlines that, once come, make escalation write a letter."""


class NothingToEscalate(NotrainError):
    """The request needs no letter now: Meta honoured it, or its time has not run out yet.

    ``possible_from`` is the first day escalation becomes possible, when there is one."""

    def __init__(self, message: str, *, hint: str | None = None, possible_from: date | None = None):
        super().__init__(message, hint=hint)
        self.possible_from = possible_from


def escalation_letters(
    *,
    request: Request,
    jurisdiction: Jurisdiction,
    authorities: Sequence[Authority],
    today: date,
    language: str | None = None,
    home: Path | None = None,
    wording: Wording = COMMANDS,
) -> list[Document]:
    """The letters ``request`` needs today, in the order to send them (``language`` as in
    :func:`letter`: None lets each letter choose; ``wording`` names notrain's actions in the
    notes and hints).

    The rules are those of :func:`~notrain.rights.deadlines.deadlines`: once a ``reminder``,
    ``appeal`` or ``complaint`` deadline has come, this writes that letter (the complaint when
    another has come too).

    - EU/EEA (gdpr), Switzerland (fadp), Brazil (lgpd): a ``reminder`` to Meta, then a
      ``complaint`` to the person's own authority (the first of ``authorities``).
    - UK: the ``reminder`` is the concern the ICO expects people to raise with Meta first; then
      the ``complaint-ico``, with a note when the ICO's three months have passed.
    - US states: a ``deletion-request`` to Meta and the ``ftc`` report while none was sent;
      where the state's law makes Meta offer an appeal (all but California), the ``appeal`` to
      Meta once it refused or let its time pass; then a ``complaint-us`` (to the first authority
      that is not the FTC: the CPPA or the attorney general) and the ``ftc`` report.
    - US without a state law: the ``ftc`` report, with a note that there is no opt-out.
    - Elsewhere: :class:`OptionError`, since there is no authority to escalate to.

    Raises :class:`NothingToEscalate` (with the date escalation becomes possible) when Meta
    honoured the request, the request is not submitted, a complaint is already filed, Meta
    asked for information, or no reminder, appeal or complaint is due yet."""
    regime = jurisdiction.regime
    number = request_number(request)
    escalate = wording.escalate_for(number)
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
            today=today,
            language=language,
            home=home,
        )

    ftc = next((a for a in authorities if "ftc" in a.slug.lower()), None)
    if regime == "us":
        no_opt_out = (
            "There is no opt-out from Meta's AI training in the United States and no law that "
            "gives you one. What exists: make posts non-public, delete what you do not want used, "
            "or leave. An FTC report adds to the record; it does not resolve your case."
        )
        return [_with_note(write("ftc", ftc), no_opt_out)]
    if regime == "us-state" and (request.kind != "deletion" or request.submitted_on is None):
        deletion = _with_note(
            write("deletion-request", None),
            f"Record it {wording.record} once you have sent it, so notrain can tell you when "
            "Meta's answer is due.",
        )
        return [deletion, write("ftc", ftc)]
    if regime not in ("gdpr", "fadp", "lgpd", "uk-gdpr", "us-state"):
        raise OptionError(f"notrain does not know how to escalate under the regime {regime!r}.")
    _check_open(request, regime, wording)
    steps = [d for d in deadlines(request, jurisdiction) if d.kind in _STEPS]
    due_now = {d.kind for d in steps if d.due <= today}
    if not due_now:
        if not steps:
            raise NothingToEscalate(
                "Nothing is due on this request, so there is nothing to escalate.",
                hint=f"Its history and deadlines are {wording.record}.",
            )
        upcoming = min(steps, key=lambda d: d.due)
        raise NothingToEscalate(
            f"Nothing to send yet. Next: {upcoming.title} ({upcoming.due.isoformat()}).",
            hint=f"If Meta has not answered by then, {wording.again} on "
            f"{upcoming.due.isoformat()}.",
            possible_from=upcoming.due,
        )
    authority = next((a for a in authorities if a is not ftc), None)
    if authority is None:
        raise OptionError(
            f"notrain has no record of the authority for {jurisdiction.name}.",
            hint="Check the jurisdiction's authorities in the rights data.",
        )
    if "complaint" not in due_now and "appeal" in due_now:
        decide_by = today + timedelta(days=jurisdiction.appeal_days or 0)
        return [
            _with_note(
                write("appeal", authority),
                "Record the appeal once you have sent it "
                f"({wording.record_status(number, Status.APPEALED)}). Meta then has "
                f"{jurisdiction.appeal_days} days to decide (about {decide_by.isoformat()} if you "
                "send it today); if it denies the appeal or does not decide in time, "
                f"{escalate} writes the complaint to {authority.name}.",
            )
        ]
    if "complaint" not in due_now:
        reminder = write("reminder", authority)
        if regime == "uk-gdpr":
            return [reminder]
        complain_from = today + timedelta(days=REMINDER_GRACE_DAYS)
        return [
            _with_note(
                reminder,
                f"If Meta has not answered by {complain_from.isoformat()}, a complaint to "
                f"{authority.name} is the next step: record the reminder "
                f"({wording.record_status(number, Status.REMINDED)}), and then {escalate} "
                "writes the complaint.",
            )
        ]
    if regime == "us-state":
        return [write("complaint-us", authority), write("ftc", ftc)]
    return [write("complaint-ico" if regime == "uk-gdpr" else "complaint", authority)]


def _check_open(request: Request, regime: str, wording: Wording) -> None:
    """NothingToEscalate when the request is done, not yet sent, or waiting on the person."""
    status = request.status
    number = request_number(request)
    escalate = wording.escalate_for(number)
    refused = wording.record_status(number, Status.REFUSED)
    if request.submitted_on is None:
        raise NothingToEscalate(
            "This request has not been submitted to Meta yet, so there is nothing to escalate.",
            hint="Send it, then record the day you sent it: "
            f"{wording.record_status(number, Status.SUBMITTED)}.",
        )
    event = request.last(status)
    when = event.on if event is not None else request.submitted_on
    if status in (Status.HONOURED, Status.CLOSED):
        raise NothingToEscalate(
            f"This request is {status.value} (on {when.isoformat()}); there is nothing to "
            "escalate.",
            hint=f"If Meta later goes back on it, record that ({refused}); then {escalate} writes "
            "the next letter.",
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
            f"objection), record it as a refusal ({refused}); then {escalate} writes the next "
            "letter.",
        )


def _with_note(document: Document, note: str) -> Document:
    return replace(document, notes=(*document.notes, note))
