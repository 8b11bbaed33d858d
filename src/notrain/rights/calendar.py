"""Deadlines as an iCalendar file, for the person's own calendar app.

Each deadline is an all-day event with two reminders (the morning before, and the
morning of the day). Its UID names the request and the kind of deadline, so
importing a newer export moves the existing event instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Alarm, Calendar, Event

from notrain.output import write_atomic
from notrain.rights.model import Deadline, Request
from notrain.rights.wording import COMMANDS, Wording

__all__ = ["ALARM_OFFSETS", "deadline_uid", "deadlines_calendar", "write_calendar"]

PRODID = "-//notrain//rights deadlines//EN"

ALARM_OFFSETS: tuple[timedelta, ...] = (timedelta(hours=-15), timedelta(hours=9))
"""When the reminders go off, from the start (midnight) of the deadline's day: 09:00 the
day before, and 09:00 on the day. A reminder at midnight would wake no one."""

_SAME_EVENT = {"extended-response": "response"}
_PLATFORM_NAMES = {"facebook": "Facebook", "instagram": "Instagram"}


def deadline_uid(deadline: Deadline) -> str:
    """The stable identifier of a deadline's event: the same request and kind give the same
    UID in every export. An extended response deadline is the response deadline moved, so it
    keeps that UID and the calendar moves the event."""
    kind = _SAME_EVENT.get(deadline.kind, deadline.kind)
    if deadline.request_id is not None:
        return f"notrain-request-{deadline.request_id}-{kind}@notrain.local"
    slug = "".join(ch if ch.isalnum() else "-" for ch in deadline.title.lower()).strip("-")
    return f"notrain-deadline-{kind}-{slug[:60]}@notrain.local"


def deadlines_calendar(
    deadlines: Sequence[Deadline],
    *,
    requests: Mapping[int, Request] | None = None,
    now: datetime | None = None,
    wording: Wording = COMMANDS,
) -> bytes:
    """An iCalendar (RFC 5545) file with one all-day event per deadline.

    ``requests`` (by id) adds the platforms, jurisdiction and reference of each deadline's
    request to its description; ``now`` is the time stamp of the export (default: now);
    ``wording`` says where the request's details are (a command, or the web app's page)."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "notrain deadlines")
    seen: dict[str, int] = {}
    for deadline in sorted(deadlines, key=lambda d: (d.due, d.request_id or 0, d.kind)):
        uid = deadline_uid(deadline)
        seen[uid] = seen.get(uid, 0) + 1
        if seen[uid] > 1:
            uid = uid.replace("@", f"-{seen[uid]}@", 1)
        request = (requests or {}).get(deadline.request_id) if deadline.request_id else None
        calendar.add_component(_event(deadline, uid, stamp, request, wording))
    return calendar.to_ical()


def _event(
    deadline: Deadline, uid: str, stamp: datetime, request: Request | None, wording: Wording
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", deadline.due)
    event.add("dtend", deadline.due + timedelta(days=1))
    event.add("summary", deadline.title)
    event.add("description", _description(deadline, request, wording))
    event.add("categories", ["notrain"])
    event.add("transp", "TRANSPARENT")
    for offset in ALARM_OFFSETS:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", deadline.title)
        alarm.add("trigger", offset, parameters={"RELATED": "START"})
        event.add_component(alarm)
    return event


def _description(deadline: Deadline, request: Request | None, wording: Wording) -> str:
    lines = [deadline.description.strip()]
    details = []
    if deadline.law:
        details.append(f"Law: {deadline.law}")
    if request is not None:
        platforms = ", ".join(_PLATFORM_NAMES.get(p, p) for p in request.platforms)
        details.append(f"Platforms: {platforms}")
        details.append(f"Jurisdiction: {request.jurisdiction}")
        if request.reference:
            details.append(f"Reference: {request.reference}")
    if deadline.request_id is not None:
        details.append(f"Details: {wording.show_for(deadline.request_id)}")
    if details:
        lines.append("\n".join(details))
    return "\n\n".join(line for line in lines if line)


def write_calendar(
    deadlines: Sequence[Deadline],
    path: Path,
    *,
    requests: Mapping[int, Request] | None = None,
    now: datetime | None = None,
    overwrite: bool = False,
) -> Path:
    """Write :func:`deadlines_calendar` to ``path`` (usually ``.ics``) atomically."""
    path = Path(path)
    write_atomic(
        path, deadlines_calendar(deadlines, requests=requests, now=now), overwrite=overwrite
    )
    return path
