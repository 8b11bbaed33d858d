"""The request store: events in order, impossible dates refused, attachments copied."""

from __future__ import annotations

from datetime import date

import pytest

from notrain.errors import OptionError
from notrain.rights.model import Event, Request, Status
from notrain.rights.requests import (
    RequestNotFound,
    add_event,
    create_request,
    get_request,
    list_requests,
    parse_status,
    save_attachment,
)
from notrain.store import Database

TODAY = date(2026, 6, 1)


@pytest.fixture
def db():
    with Database(":memory:") as database:
        yield database


def new(db, *events, **fields):
    base = {
        "jurisdiction": "DE-BY",
        "platforms": ("facebook", "instagram"),
        "device": "iphone",
        "name": "Zoë Łukasiewicz 李",
        "email": "zoe@example.org",
        "language": "de",
        "role": "artist",
        "posts": "meine Aquarelle 🎨",
        "reason": "Ich widerspreche.",
    }
    base.update(fields)
    return create_request(db, Request(events=events, **base), today=TODAY)


def test_round_trip_keeps_every_field_and_unicode(db):
    stored = new(db, Event(status=Status.DRAFTED, on=date(2026, 5, 1)))
    again = get_request(db, stored.id)
    assert again == stored
    assert again.name == "Zoë Łukasiewicz 李" and again.posts == "meine Aquarelle 🎨"
    assert again.platforms == ("facebook", "instagram")
    assert again.status == Status.DRAFTED and again.submitted_on is None


def test_status_is_the_latest_event_by_date(db):
    r = new(db, Event(status=Status.SUBMITTED, on=date(2026, 5, 1)))
    r = add_event(
        db,
        r.id,
        Event(status=Status.REFUSED, on=date(2026, 5, 20), reference="CASE-1"),
        today=TODAY,
    )
    # A late-recorded acknowledgement dated earlier slots in before the refusal.
    r = add_event(db, r.id, Event(status=Status.ACKNOWLEDGED, on=date(2026, 5, 2)), today=TODAY)
    assert [e.status for e in r.events] == [Status.SUBMITTED, Status.ACKNOWLEDGED, Status.REFUSED]
    assert r.status == Status.REFUSED and r.reference == "CASE-1"
    r = add_event(
        db, r.id, Event(status=None, on=date(2026, 5, 25), note="called support"), today=TODAY
    )
    assert r.status == Status.REFUSED and r.events[-1].note == "called support"


def test_impossible_dates_are_refused_with_a_reason(db):
    r = new(db, Event(status=Status.SUBMITTED, on=date(2026, 5, 10)))
    with pytest.raises(OptionError, match="before the request was submitted"):
        add_event(db, r.id, Event(status=Status.REFUSED, on=date(2026, 5, 9)), today=TODAY)
    with pytest.raises(OptionError, match="in the future"):
        add_event(db, r.id, Event(status=Status.REFUSED, on=date(2026, 6, 2)), today=TODAY)
    with pytest.raises(OptionError, match="already submitted"):
        add_event(db, r.id, Event(status=Status.SUBMITTED, on=date(2026, 5, 11)), today=TODAY)
    drafted = new(db, Event(status=Status.DRAFTED, on=date(2026, 5, 1)))
    with pytest.raises(OptionError, match="not been submitted"):
        add_event(db, drafted.id, Event(status=Status.HONOURED, on=date(2026, 5, 3)), today=TODAY)
    assert get_request(db, r.id).status == Status.SUBMITTED  # nothing was written


def test_unknown_request_and_bad_choices(db):
    with pytest.raises(RequestNotFound, match="no request number 3") as info:
        get_request(db, 3)
    assert "notrain object" in info.value.hint
    new(db)
    with pytest.raises(RequestNotFound) as info:
        get_request(db, 9)
    assert "numbered 1" in info.value.hint
    with pytest.raises(OptionError, match="Unknown device"):
        new(db, device="blackberry")
    with pytest.raises(OptionError, match="Unknown language"):
        new(db, language="sv")
    with pytest.raises(OptionError, match="Unknown platform"):
        new(db, platforms=("tiktok",))
    assert len(list_requests(db)) == 1


def test_parse_status_accepts_labels_and_aliases():
    assert parse_status("extension notified") is Status.EXTENDED
    assert parse_status("Extension-Notified") is Status.EXTENDED
    assert parse_status("no-answer") is Status.NO_ANSWER
    assert parse_status("honored") is Status.HONOURED
    with pytest.raises(OptionError, match="Use one of"):
        parse_status("maybe")


def test_attachment_is_copied_never_moved(tmp_path, db):
    reply = tmp_path / "reply.eml"
    reply.write_bytes(b"Subject: Re\n\nWe received your request.")
    first = save_attachment(tmp_path / "home", 1, reply)
    second = save_attachment(tmp_path / "home", 1, reply)
    assert first == "replies/1/reply.eml" and second == "replies/1/reply-1.eml"
    assert reply.read_bytes() == (tmp_path / "home" / first).read_bytes()
    assert not list((tmp_path / "home" / "replies" / "1").glob("*.partial"))
