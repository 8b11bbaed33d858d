"""Legal deadlines of a request, computed by the law of its jurisdiction.

Periods in months follow calendar-month arithmetic (the rule of EU Regulation
1182/71, which the GDPR's "one month" follows): a period starts the day after the
event and ends on the same day of the month, one month later; when that month is
shorter, on its last day (31 January + 1 month = 28 or 29 February). Periods in
days (the US state laws' 45 days, and the days Meta has to decide an appeal) are calendar
days.

The clock starts on the day Meta *received* the request, in Meta's time zone: an
objection sent at 23:30 in California on 31 January reached Dublin on 1 February.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from notrain.errors import OptionError
from notrain.rights.model import Deadline, Event, Jurisdiction, Request, Status
from notrain.rights.wording import COMMANDS, Wording

__all__ = [
    "CONTROLLER_ZONES",
    "DUE_SOON_DAYS",
    "REMINDER_GRACE_DAYS",
    "SILENCE_DAYS",
    "Due",
    "add_months",
    "appeal_due",
    "deadlines",
    "due",
    "happened_after",
    "last_contact",
    "receipt_date",
    "response_due",
]

CONTROLLER_ZONES: dict[str, str] = {
    "gdpr": "Europe/Dublin",
    "fadp": "Europe/Dublin",
    "uk-gdpr": "America/Los_Angeles",
    "lgpd": "America/Sao_Paulo",
    "us-state": "America/Los_Angeles",
    "us": "America/Los_Angeles",
    "none": "America/Los_Angeles",
}
"""Where Meta's controller for each regime sits: Meta Platforms Ireland for the EU/EEA and
Switzerland, Meta Platforms, Inc. for the UK and the US, Facebook Brasil for Brazil."""

REMINDER_GRACE_DAYS = 14
"""Days a reminder gives Meta before a complaint (the datarequests.org practice)."""

ICO_WAIT_MONTHS = 1
"""The ICO asks people to give the organisation a month to answer a concern."""

ICO_WINDOW_MONTHS = 3
"""...and to complain within three months of the last meaningful contact."""

UK_ACKNOWLEDGE_DAYS = 30
UK_ACKNOWLEDGE_FROM = date(2026, 6, 19)
"""From 19 June 2026 (Data (Use and Access) Act 2025) UK controllers must acknowledge a complaint
within 30 days."""

AUTHORITY_UPDATE_MONTHS = 3
"""Art. 78(2) GDPR: a court remedy when the authority gives no news within three months."""

SILENCE_DAYS = 30
"""Days of silence past Meta's deadline after which a complaint can go straight to the authority,
without a reminder first."""

DUE_SOON_DAYS = 7

_FINAL = {Status.HONOURED, Status.CLOSED}


def add_months(start: date, months: int) -> date:
    """The same day of the month ``months`` later, or that month's last day if it is shorter."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def receipt_date(sent: date | datetime, regime: str) -> date:
    """The day Meta received a request sent at ``sent``, in the controller's time zone.

    A plain date is taken as it is; a datetime without a time zone is the person's local time."""
    if not isinstance(sent, datetime):
        return sent
    try:
        aware = sent if sent.tzinfo is not None else sent.astimezone()
        return aware.astimezone(ZoneInfo(CONTROLLER_ZONES.get(regime, "UTC"))).date()
    except (OverflowError, ValueError, OSError) as exc:  # year 9999 in a zone ahead of Meta's
        raise OptionError(
            f"{sent.isoformat()} is not a date notrain can count from.",
            hint="Give the day you sent the request: today or a day before.",
        ) from exc


def _period(start: date, months: int | None, days: int | None) -> date | None:
    if months:
        return add_months(start, months)
    if days:
        return start + timedelta(days=days)
    return None


def response_due(request: Request, jurisdiction: Jurisdiction) -> tuple[date, bool] | None:
    """When Meta must answer, and whether a valid extension applies; None before submission or
    where the law sets no deadline.

    An extension counts only when Meta notified it within the first period (Art. 12(3) GDPR:
    "within one month of receipt of the request"; the US state laws: within the first 45 days)."""
    received = request.submitted_on
    if received is None:
        return None
    first = _period(received, jurisdiction.response_months, jurisdiction.response_days)
    if first is None:
        return None
    extension = request.first(Status.EXTENDED)
    if extension is not None and extension.on <= first:
        longer = _period(first, jurisdiction.extension_months, jurisdiction.extension_days)
        if longer is not None:
            return longer, True
    return first, False


_CONTACT = {
    Status.SUBMITTED,
    Status.REMINDED,
    Status.ACKNOWLEDGED,
    Status.EXTENDED,
    Status.INFO_REQUESTED,
    Status.HONOURED,
    Status.REFUSED,
    Status.APPEALED,
}
"""Statuses that record real contact between the person and Meta (not "no answer", not a
complaint to an authority)."""


def appeal_due(request: Request, jurisdiction: Jurisdiction) -> tuple[date, bool] | None:
    """When Meta must decide the person's latest appeal, and whether a valid extension applies;
    None before an appeal or where the law has no appeal step.

    An extension counts only when Meta notified it after the appeal and within the first period
    (Colorado: "within forty-five days after receipt of the appeal")."""
    appealed = request.last(Status.APPEALED)
    if appealed is None or not jurisdiction.appeal_days:
        return None
    first = appealed.on + timedelta(days=jurisdiction.appeal_days)
    extension = next(
        (
            e
            for e in request.events
            if e.status == Status.EXTENDED and happened_after(request, e, appealed)
        ),
        None,
    )
    if extension is not None and extension.on <= first and jurisdiction.appeal_extension_days:
        return first + timedelta(days=jurisdiction.appeal_extension_days), True
    return first, False


def last_contact(request: Request) -> date | None:
    """The last meaningful contact between the person and Meta (for the ICO's three months)."""
    dates = [e.on for e in request.events if e.status in _CONTACT]
    return max(dates) if dates else None


def happened_after(request: Request, later: Event, earlier: Event) -> bool:
    """Whether ``later`` comes after ``earlier`` in the request's timeline (ordered by date, then
    by when each was recorded: a refusal recorded after a reminder of the same day came after it)."""
    position = {id(event): index for index, event in enumerate(request.events)}
    return position[id(later)] > position[id(earlier)]


def deadlines(
    request: Request, jurisdiction: Jurisdiction, *, wording: Wording = COMMANDS
) -> list[Deadline]:
    """Every deadline of ``request`` in its current state, earliest first (``wording`` names
    what writes the letters in the descriptions). These are the rules
    :func:`notrain.rights.escalation.escalation_letters` follows too: a ``reminder``, ``appeal``
    or ``complaint`` deadline that has come is what it writes.

    - Nothing before submission, after an honoured or closed request, or while Meta waits for
      information from the person (recording "no answer" afterwards restarts the clock).
    - EU/EEA, Switzerland, Brazil: a refusal makes a complaint due at once; silence past the
      response deadline makes a reminder due, and a complaint either 14 days after the reminder
      (never before the deadline has passed) or after a month of silence.
    - UK: the concern raised with Meta first (the ICO's rule), the ICO complaint a month later or
      at once when Meta refuses again, within three months of the last contact.
    - US states: once Meta refused or let its 45 days (90 with an extension) pass, an appeal to
      Meta where the state's law requires one (all but California), and the complaint to the
      attorney general after Meta denies the appeal or lets its time to decide pass; in
      California, the complaint to the CPPA at once.
    - After a complaint (GDPR, UK): the authority owes news within three months."""
    status = request.status
    if request.submitted_on is None or status in _FINAL or status == Status.INFO_REQUESTED:
        return []
    found: list[Deadline] = []
    regime = jurisdiction.regime
    escalate = wording.escalate_for(request.id)

    def add(kind: str, due_on: date, title: str, description: str, law: str = "") -> None:
        found.append(
            Deadline(
                request_id=request.id,
                kind=kind,
                due=due_on,
                title=title,
                description=description,
                law=law or jurisdiction.law,
            )
        )

    complained = request.last(Status.COMPLAINED)
    if complained is not None:
        if regime in ("gdpr", "uk-gdpr"):
            add(
                "authority-update",
                add_months(complained.on, AUTHORITY_UPDATE_MONTHS),
                "The data protection authority owes you news of your complaint",
                "If the authority has not told you how your complaint is progressing within "
                "three months, you may go to court against it (Art. 78(2) GDPR).",
                "Art. 78(2) GDPR",
            )
        return found
    response = response_due(request, jurisdiction)
    reminded = request.last(Status.REMINDED)
    refused = request.last(Status.REFUSED)
    appealed = request.last(Status.APPEALED) if jurisdiction.appeal_days else None
    if response is not None and refused is None and reminded is None and appealed is None:
        due_on, extended = response
        period = _period_words(jurisdiction, extended)
        add(
            "extended-response" if extended else "response",
            due_on,
            f"Meta's answer to your {request.kind} request is due"
            if request.kind == "deletion"
            else "Meta's answer to your objection is due",
            f"Meta must answer within {period} of receiving your request "
            f"(sent {request.submitted_on.isoformat()}).",
            _response_law(jurisdiction, extended),
        )
    if regime == "uk-gdpr":
        _uk_deadlines(request, response, reminded, refused, add, escalate)
    elif regime == "us-state" and jurisdiction.appeal_days:
        _appeal_deadlines(request, jurisdiction, response, refused, appealed, add, escalate)
    elif regime == "us-state":
        _us_state_deadlines(response, refused, add, escalate)
    elif refused is not None:
        add(
            "complaint",
            refused.on,
            "Meta refused: you can complain now",
            f"Meta refused your objection. {escalate} writes the complaint with the whole "
            "timeline filled in.",
        )
    elif reminded is not None:
        complain_from = reminded.on + timedelta(days=REMINDER_GRACE_DAYS)
        if response is not None:
            complain_from = max(complain_from, response[0] + timedelta(days=1))
        add(
            "complaint",
            complain_from,
            "No answer to your reminder: time to complain",
            f"You reminded Meta on {reminded.on.isoformat()}. If it still has not answered "
            f"by then, {escalate} writes the complaint.",
        )
    elif response is not None:
        add(
            "reminder",
            response[0] + timedelta(days=1),
            "Meta's deadline has passed: send a reminder",
            f"Meta did not answer in time. {escalate} writes a short reminder that quotes "
            "the deadline; a complaint follows if that goes unanswered.",
        )
        add(
            "complaint",
            response[0] + timedelta(days=SILENCE_DAYS + 1),
            "A month of silence past the deadline: complain",
            f"Meta has let its deadline pass by more than {SILENCE_DAYS} days. {escalate} "
            "now writes the complaint to your data protection authority directly.",
        )
    return sorted(found, key=lambda d: d.due)


def _us_state_deadlines(
    response: tuple[date, bool] | None,
    refused: Event | None,
    add: Callable[..., None],
    escalate: str,
) -> None:
    if refused is not None:
        add(
            "complaint",
            refused.on,
            "Meta refused your deletion request: you can complain now",
            f"{escalate} writes the complaint to your state's attorney general (in "
            "California, the California Privacy Protection Agency) and the FTC report.",
        )
    elif response is not None:
        add(
            "complaint",
            response[0] + timedelta(days=1),
            "Meta's time to answer has passed: you can complain",
            f"Meta did not answer your deletion request in time. {escalate} writes the "
            "complaint to your state's attorney general (in California, the California Privacy "
            "Protection Agency) and the FTC report.",
        )


def _appeal_deadlines(
    request: Request,
    jurisdiction: Jurisdiction,
    response: tuple[date, bool] | None,
    refused: Event | None,
    appealed: Event | None,
    add: Callable[..., None],
    escalate: str,
) -> None:
    """The US states that make Meta offer an appeal: appeal first, then the attorney general once
    Meta denies the appeal (a refusal recorded after it) or lets its time to decide pass."""
    law = jurisdiction.appeal_law
    if appealed is None:
        if refused is not None:
            start, why = refused.on, "Meta refused your deletion request"
        elif response is not None:
            start, why = response[0] + timedelta(days=1), "Meta's time to answer has passed"
        else:
            return
        add(
            "appeal",
            start,
            f"{why}: appeal to Meta",
            f"{jurisdiction.name}'s law makes Meta offer an appeal and decide it within "
            f"{_appeal_words(jurisdiction)}; the attorney general comes after that. "
            f"{escalate} writes the appeal.",
            law,
        )
        return
    if refused is not None and happened_after(request, refused, appealed):
        add(
            "complaint",
            refused.on,
            "Meta denied your appeal: you can complain now",
            f"{escalate} writes the complaint to your state's attorney general and the FTC report.",
            law,
        )
        return
    decided = appeal_due(request, jurisdiction)
    if decided is None:
        return
    due_on, extended = decided
    add(
        "appeal-response",
        due_on,
        "Meta's decision on your appeal is due",
        f"Meta must decide your appeal (filed {appealed.on.isoformat()}) within "
        f"{_appeal_words(jurisdiction, extended)} and tell you why.",
        law,
    )
    add(
        "complaint",
        due_on + timedelta(days=1),
        "No decision on your appeal: you can complain",
        f"Meta did not decide your appeal in time. {escalate} writes the complaint to your "
        "state's attorney general and the FTC report.",
        law,
    )


def _appeal_words(jurisdiction: Jurisdiction, extended: bool = False) -> str:
    days = (jurisdiction.appeal_days or 0) + (
        (jurisdiction.appeal_extension_days or 0) if extended else 0
    )
    return f"{days} days"


def _uk_deadlines(
    request: Request,
    response: tuple[date, bool] | None,
    reminded: Event | None,
    refused: Event | None,
    add: Callable[..., None],
    escalate: str,
) -> None:
    """The ICO's timing: raise the concern with Meta first, give it a month, and complain within
    three months of the last meaningful contact."""
    if reminded is None:
        if refused is not None:
            start = refused.on
        elif response is not None:
            start = response[0] + timedelta(days=1)
        else:
            return
        add(
            "reminder",
            start,
            "Raise your concern with Meta first",
            "The ICO expects you to tell Meta you are unhappy and give it a month to put it "
            f"right before you complain. {escalate} writes that letter.",
            "ICO complaint process",
        )
        return
    answers = [
        e
        for e in request.events
        if e.status in _CONTACT - {Status.SUBMITTED, Status.REMINDED}
        and happened_after(request, e, reminded)
    ]
    if reminded.on >= UK_ACKNOWLEDGE_FROM and not answers:
        add(
            "acknowledgement",
            reminded.on + timedelta(days=UK_ACKNOWLEDGE_DAYS),
            "Meta must acknowledge your concern",
            "Since 19 June 2026, UK organisations must acknowledge a data protection complaint "
            "within 30 days.",
            "Data (Use and Access) Act 2025",
        )
    refused_again = refused is not None and happened_after(request, refused, reminded)
    add(
        "complaint",
        refused.on
        if refused_again and refused is not None
        else add_months(reminded.on, ICO_WAIT_MONTHS),
        "You can complain to the ICO",
        f"You raised your concern with Meta on {reminded.on.isoformat()}. After a month without "
        "a satisfactory answer, or once Meta refuses again, you can complain to the ICO; "
        f"{escalate} writes it.",
        "ICO complaint process",
    )
    last = last_contact(request) or reminded.on
    add(
        "complaint-window",
        add_months(last, ICO_WINDOW_MONTHS),
        "Last day to complain to the ICO",
        "The ICO asks for complaints within three months of your last meaningful contact with "
        f"Meta (here {last.isoformat()}).",
        "ICO complaint process",
    )


def _period_words(jurisdiction: Jurisdiction, extended: bool) -> str:
    if jurisdiction.response_months:
        months = jurisdiction.response_months + (
            (jurisdiction.extension_months or 0) if extended else 0
        )
        return f"{months} month{'s' if months != 1 else ''}"
    days = (jurisdiction.response_days or 0) + (
        (jurisdiction.extension_days or 0) if extended else 0
    )
    return f"{days} days"


def _response_law(jurisdiction: Jurisdiction, extended: bool) -> str:
    if jurisdiction.regime in ("gdpr", "uk-gdpr"):
        law = "Art. 12(3) UK GDPR" if jurisdiction.regime == "uk-gdpr" else "Art. 12(3) GDPR"
        return law + (" (extension)" if extended else "")
    return jurisdiction.law


@dataclass(frozen=True)
class Due:
    """A deadline that needs the person's attention, with the request it belongs to."""

    request: Request
    deadline: Deadline
    days_left: int
    """Negative when overdue."""

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def due(
    requests: Iterable[tuple[Request, Jurisdiction]],
    today: date,
    *,
    within_days: int = DUE_SOON_DAYS,
) -> list[Due]:
    """Deadlines that have passed or fall within ``within_days``, most urgent first."""
    found = []
    for request, jurisdiction in requests:
        for deadline in deadlines(request, jurisdiction):
            left = (deadline.due - today).days
            if left <= within_days:
                found.append(Due(request, deadline, left))
    return sorted(found, key=lambda d: (d.days_left, d.request.id or 0))
