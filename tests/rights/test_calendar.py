"""Deadlines as iCalendar, read back with vobject (a library independent of the one that wrote it)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import vobject

from notrain.errors import OutputExistsError
from notrain.rights.calendar import ALARM_OFFSETS, deadline_uid, deadlines_calendar, write_calendar
from notrain.rights.deadlines import deadlines as compute_deadlines
from notrain.rights.model import Deadline, Event, Jurisdiction, Request, Status

NOW = datetime(2026, 2, 3, 10, 30, tzinfo=UTC)


def deadline(
    request_id: int | None = 3, kind: str = "response", due: date = date(2026, 2, 28), **changes
) -> Deadline:
    fields = {
        "title": "Meta's answer to your objection is due",
        "description": "Meta must answer within 1 month; then notrain writes a reminder, \\ß.",
        "law": "Art. 12(3) GDPR",
    }
    return Deadline(request_id=request_id, kind=kind, due=due, **{**fields, **changes})


def request(request_id: int = 3) -> Request:
    return Request(
        id=request_id,
        jurisdiction="DE-BY",
        platforms=("facebook", "instagram"),
        device="android",
        name="Zoë Łukasiewicz-Øre",
        email="zoe@example.org",
        language="de",
        events=(Event(status=Status.SUBMITTED, on=date(2026, 1, 31), reference="CASE-42"),),
    )


def parse(data: bytes):
    return vobject.readOne(data.decode("utf-8"))


def test_one_all_day_event_per_deadline_with_two_alarms():
    items = [deadline(), deadline(kind="reminder", due=date(2026, 3, 1), title="Send a reminder")]
    calendar = parse(deadlines_calendar(items, now=NOW))
    assert calendar.version.value == "2.0"
    assert "notrain" in calendar.prodid.value
    events = calendar.vevent_list
    assert len(events) == 2
    for event, item in zip(events, items, strict=True):
        assert event.dtstart.value == item.due and not isinstance(event.dtstart.value, datetime)
        assert event.dtend.value == item.due + timedelta(days=1)
        assert event.summary.value == item.title
        assert event.uid.value == f"notrain-request-3-{item.kind}@notrain.local"
        assert event.dtstamp.value == NOW
        alarms = event.valarm_list
        assert [a.action.value for a in alarms] == ["DISPLAY", "DISPLAY"]
        assert [a.trigger.value for a in alarms] == list(ALARM_OFFSETS)
        assert ALARM_OFFSETS[0] < timedelta(0) <= ALARM_OFFSETS[1] < timedelta(days=1)
        assert all(a.description.value == item.title for a in alarms)


def test_description_keeps_special_characters_and_adds_the_request():
    item = deadline()
    event = parse(deadlines_calendar([item], requests={3: request()}, now=NOW)).vevent
    description = event.description.value
    assert description.startswith(item.description)
    assert "Law: Art. 12(3) GDPR" in description
    assert "Platforms: Facebook, Instagram" in description
    assert "Jurisdiction: DE-BY" in description
    assert "Reference: CASE-42" in description
    plain = parse(deadlines_calendar([item], now=NOW)).vevent.description.value
    assert "Platforms" not in plain and "Jurisdiction" not in plain


def test_reexport_keeps_uids_so_calendars_update_instead_of_duplicating():
    first = [deadline(), deadline(request_id=4, kind="complaint")]
    later = [
        deadline(due=date(2026, 4, 30), kind="extended-response"),
        deadline(request_id=4, kind="complaint"),
    ]
    before = deadlines_calendar(first, now=NOW)
    again = deadlines_calendar(first, now=NOW + timedelta(days=1))
    moved = deadlines_calendar(later, now=NOW + timedelta(days=30))
    uids = [e.uid.value for e in parse(before).vevent_list]
    assert [e.uid.value for e in parse(again).vevent_list] == uids
    assert sorted(e.uid.value for e in parse(moved).vevent_list) == sorted(uids)
    assert before == deadlines_calendar(list(reversed(first)), now=NOW)


def test_uids_are_unique_even_without_a_request():
    items = [
        deadline(request_id=None),
        deadline(request_id=None),
        deadline(request_id=None, title="Other"),
    ]
    uids = [e.uid.value for e in parse(deadlines_calendar(items, now=NOW)).vevent_list]
    assert len(set(uids)) == 3
    assert deadline_uid(items[0]) == deadline_uid(deadline(request_id=None))


def test_dtstamp_is_utc_whatever_zone_now_is_given_in():
    berlin = timezone(timedelta(hours=1))
    event = parse(deadlines_calendar([deadline()], now=NOW.astimezone(berlin))).vevent
    assert event.dtstamp.value == NOW
    assert b"DTSTAMP:20260203T103000Z" in deadlines_calendar([deadline()], now=NOW)


def test_empty_calendar_is_still_valid():
    calendar = parse(deadlines_calendar([], now=NOW))
    assert not hasattr(calendar, "vevent_list") or calendar.vevent_list == []


def test_computed_deadlines_export():
    submitted = Request(
        id=9,
        jurisdiction="DE",
        platforms=("instagram",),
        device="iphone",
        name="A",
        email="a@example.org",
        language="de",
        events=(Event(status=Status.SUBMITTED, on=date(2026, 1, 31)),),
    )
    germany = Jurisdiction(
        code="DE",
        name="Germany",
        regime="gdpr",
        can_object=True,
        law="Art. 21(1) GDPR",
        response_months=1,
        extension_months=2,
    )
    found = compute_deadlines(submitted, germany)
    assert found
    events = parse(deadlines_calendar(found, requests={9: submitted}, now=NOW)).vevent_list
    assert [e.dtstart.value for e in events] == [d.due for d in found]
    assert events[0].dtstart.value == date(2026, 2, 28)


def test_write_calendar_is_atomic_and_refuses_to_overwrite(tmp_path: Path):
    path = write_calendar([deadline()], tmp_path / "deadlines.ics", now=NOW)
    assert path.read_bytes() == deadlines_calendar([deadline()], now=NOW)
    with pytest.raises(OutputExistsError):
        write_calendar([], path, now=NOW)
    write_calendar([], path, now=NOW, overwrite=True)
    assert b"VEVENT" not in path.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["deadlines.ics"]
