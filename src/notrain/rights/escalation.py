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
    ICO_WAIT_MONTHS,
    REMINDER_GRACE_DAYS,
    SILENCE_DAYS,
    add_months,
)
from notrain.rights.letters import letter, request_number, response_date
from notrain.rights.model import Authority, Deadline, Document, Jurisdiction, Request, Status

__all__ = ["NothingToEscalate", "escalation_letters"]


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
            f"{request_number(request)} --status reminder-sent) and run notrain escalate again then.",
        )
    ]


def _check_open(request: Request, regime: str) -> None:
    """NothingToEscalate when the request is done, not yet sent, or waiting on the person."""
    status = request.status
    if request.submitted_on is None:
        raise NothingToEscalate(
            "This request has not been submitted to Meta yet, so there is nothing to escalate.",
            hint=f"Send it, then record the date: notrain requests update {request_number(request)} "
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
    due_on, _ = response_date(request, jurisdiction, deadlines)
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


def _with_note(document: Document, note: str) -> Document:
    return replace(document, notes=(*document.notes, note))
