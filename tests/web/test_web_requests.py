"""My requests (/requests): the list with the next deadline, one request's page, recording what
happened, Meta's pasted reply read, the next letter (text, PDF), the calendar files, deleting."""

from __future__ import annotations

import io
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pypdf
import pytest
from icalendar import Calendar
from web_support import web_client

from notrain.rights.deadlines import add_months
from notrain.rights.model import Event, Status
from notrain.rights.objection import guide, record
from notrain.rights.requests import add_event, get_request
from notrain.store import Database

REFUSAL = (
    "Hallo Ann,\n\nvielen Dank für deine Nachricht. Wir haben deinen Widerspruch geprüft, können "
    "ihm jedoch leider nicht nachkommen, da du nicht ausreichend dargelegt hast, wie sich diese "
    "Verarbeitung auf dich auswirkt.\n\nViele Grüße\nMeta"
)


def _ago(days: int) -> date:
    return date.today() - timedelta(days=days)


def _germany(home: Path, *, sent_days_ago: int | None = 10, name: str = "Ann Example") -> int:
    """A German objection (Instagram, Android), sent ``sent_days_ago`` days ago."""
    guidance = guide(country="DE", platforms=("instagram",), device="android", name=name)
    submitted = _ago(sent_days_ago) if sent_days_ago is not None else None
    with Database.open(home) as db:
        created = record(db, guidance, name=name, email="ann@example.org", submitted_on=submitted)
    assert created.id is not None
    return created.id


def _add(home: Path, request_id: int, status: Status | None, days_ago: int, **fields: str) -> None:
    with Database.open(home) as db:
        add_event(db, request_id, Event(status=status, on=_ago(days_ago), **fields))


def test_no_requests_yet_points_to_the_wizard(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        page = client.get("/requests")
    assert page.status_code == 200
    assert "You have not recorded any request yet" in page.text and 'href="/object"' in page.text


def test_the_list_shows_status_sent_date_and_the_next_deadline(notrain_home: Path) -> None:
    _germany(notrain_home, sent_days_ago=10)
    overdue = _germany(notrain_home, sent_days_ago=50)
    with web_client(notrain_home, worker=False) as client:
        page = unescape(client.get("/requests").text)
    assert "Objection 1" in page and "Objection 2" in page and "Instagram" in page
    assert "Germany" in page and 'class="badge badge--submitted">submitted' in page
    assert "Meta's answer to your objection is due" in page
    assert "1 request needs your attention now" in page
    # The overdue one says so in words and with a badge, not by colour alone.
    row = page.split(f'href="/requests/{overdue}"')[1].split("</tr>")[0]
    assert "Overdue" in row and "days overdue" in row
    assert (
        page.split(f'href="/requests/{overdue}"')[0]
        .rstrip()
        .endswith('<tr class="is-overdue">\n      <th scope="row"><a')
    )


def test_a_requests_page_shows_its_history_and_deadlines(notrain_home: Path) -> None:
    request_id = _germany(notrain_home, sent_days_ago=40)
    with web_client(notrain_home, worker=False) as client:
        page = client.get(f"/requests/{request_id}")
        missing = client.get("/requests/99")
        not_a_number = client.get("/requests/..%2F..%2Fetc%2Fpasswd")
    assert page.status_code == 200
    assert "Objection 1: Instagram, Germany" in page.text
    assert "History" in page.text and "drafted" in page.text
    assert "Meta's deadline has passed: send a reminder" in unescape(page.text)
    assert "notrain writes a short reminder" in page.text  # the app's words, not a command
    assert "notrain escalate" not in page.text
    assert missing.status_code == 404 and "There is no request number 99" in missing.text
    assert not_a_number.status_code in (404, 422)


def test_recording_what_happened(notrain_home: Path) -> None:
    request_id = _germany(notrain_home, sent_days_ago=20)
    with web_client(notrain_home, worker=False) as client:
        response = client.post(
            f"/requests/{request_id}/events",
            data={
                "status": "acknowledged",
                "on": _ago(15).isoformat(),
                "reference": "1187-442-9901",
                "note": "Automatic receipt",
            },
        )
        assert response.status_code == 303
        page = client.get(f"/requests/{request_id}").text
    assert "Request 1 is now: acknowledged" in page and "1187-442-9901" in page
    assert "Automatic receipt" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "There is nothing to record."),
        ({"status": "refused", "on": "2999-01-01"}, "is in the future"),
        ({"status": "refused", "on": "not a day"}, "is not a date"),
        ({"status": "submitted"}, "was already submitted"),
        ({"status": "exploded"}, "Unknown status"),
    ],
)
def test_recording_something_impossible_says_why(
    notrain_home: Path, fields: dict[str, str], message: str
) -> None:
    request_id = _germany(notrain_home)
    with web_client(notrain_home, worker=False) as client:
        response = client.post(f"/requests/{request_id}/events", data=fields)
    assert response.status_code == 400
    assert message in response.text and 'role="alert"' in response.text


def test_recording_the_day_a_draft_was_sent_with_its_time_zone(notrain_home: Path) -> None:
    request_id = _germany(notrain_home, sent_days_ago=None)
    with web_client(notrain_home, worker=False) as client:
        response = client.post(
            f"/requests/{request_id}/events",
            data={
                "status": "submitted",
                "on": "2026-01-31",
                "time": "23:30",
                "zone": "America/Los_Angeles",
            },
        )
    assert response.status_code == 303
    with Database.open(notrain_home) as db:
        assert get_request(db, request_id).submitted_on == date(2026, 2, 1)


def test_a_pasted_refusal_is_read_and_recorded(notrain_home: Path) -> None:
    request_id = _germany(notrain_home)
    with web_client(notrain_home, worker=False) as client:
        page = client.post(f"/requests/{request_id}/reply", data={"reply": REFUSAL})
        assert page.status_code == 200
        assert "Meta refuses your request." in page.text
        assert "können ihm jedoch leider nicht nachkommen" in page.text
        assert "Art. 12(4) GDPR" in page.text and "notrain writes the complaint" in page.text
        assert "Record it: Meta refused" in page.text
        with Database.open(notrain_home) as db:  # reading records nothing
            assert get_request(db, request_id).status is Status.SUBMITTED
        response = client.post(
            f"/requests/{request_id}/reply/record",
            data={"reply": REFUSAL, "on": date.today().isoformat()},
        )
        assert response.status_code == 303
    with Database.open(notrain_home) as db:
        request = get_request(db, request_id)
    assert request.status is Status.REFUSED and request.events[-1].reply.startswith("Hallo Ann")


def test_an_unclear_reply_offers_no_record_button(notrain_home: Path) -> None:
    request_id = _germany(notrain_home)
    with web_client(notrain_home, worker=False) as client:
        page = client.post(f"/requests/{request_id}/reply", data={"reply": "Hello there."})
        empty = client.post(f"/requests/{request_id}/reply", data={"reply": "  "})
        forced = client.post(f"/requests/{request_id}/reply/record", data={"reply": "Hello there."})
    assert "notrain cannot tell what this answer means" in page.text
    assert "/reply/record" not in page.text
    assert empty.status_code == 400 and "Paste Meta's answer first." in unescape(empty.text)
    assert forced.status_code == 400 and "recorded nothing" in forced.text


def test_a_script_pasted_into_a_reply_comes_back_as_text(notrain_home: Path) -> None:
    request_id = _germany(notrain_home)
    script = "<script>alert(1)</script>"
    _add(notrain_home, request_id, None, 1, note=script, reply=f"{script} Meta's answer.")
    with web_client(notrain_home, worker=False) as client:
        read = client.post(
            f"/requests/{request_id}/reply", data={"reply": f"{script}\n\n{REFUSAL}"}
        ).text
        page = client.get(f"/requests/{request_id}").text
    for text in (read, page):
        assert script not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_after_a_refusal_the_complaint_is_written_shown_and_downloadable(
    notrain_home: Path,
) -> None:
    request_id = _germany(notrain_home, name="Zoë Łukasiewicz")
    _add(notrain_home, request_id, Status.REFUSED, 2, reply=REFUSAL)
    with web_client(notrain_home, worker=False) as client:
        page = client.get(f"/requests/{request_id}/letters")
        pdf = client.get(f"/requests/{request_id}/letters/complaint.pdf")
        text = client.get(f"/requests/{request_id}/letters/complaint.txt?language=en")
        english = client.get(f"/requests/{request_id}/letters?language=en")
        wrong_language = client.get(f"/requests/{request_id}/letters?language=xx")
        not_needed = client.get(f"/requests/{request_id}/letters/reminder.pdf")
        odd_suffix = client.get(f"/requests/{request_id}/letters/complaint.exe")
        traversal = client.get(f"/requests/{request_id}/letters/..%2F..%2Fsecret.txt")
    assert page.status_code == 200
    assert "Beschwerde" in page.text and 'data-copy="letter-1-text"' in page.text
    assert f'href="/requests/{request_id}/letters/complaint.pdf"' in page.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith(
        f'attachment; filename="request-{request_id}-complaint.pdf"'
    )
    extracted = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Zoë Łukasiewicz" in extracted
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert "complaint" in text.text.lower() and "Zoë Łukasiewicz" in text.text
    assert english.status_code == 200 and "Complaint" in english.text
    assert wrong_language.status_code == 400
    assert not_needed.status_code == 404 and odd_suffix.status_code == 404
    assert traversal.status_code == 404


def test_nothing_to_send_yet_says_from_when(notrain_home: Path) -> None:
    request_id = _germany(notrain_home, sent_days_ago=3)
    with web_client(notrain_home, worker=False) as client:
        page = client.get(f"/requests/{request_id}/letters")
        pdf = client.get(f"/requests/{request_id}/letters/reminder.pdf")
    assert page.status_code == 200
    assert "Nothing to send yet" in page.text and "come back to this page" in page.text
    assert "notrain escalate" not in page.text
    assert pdf.status_code == 404


def test_calendar_files_for_one_request_and_for_all(notrain_home: Path) -> None:
    first = _germany(notrain_home, sent_days_ago=10)
    _germany(notrain_home, sent_days_ago=40)
    with web_client(notrain_home, worker=False) as client:
        one = client.get(f"/requests/{first}/calendar.ics")
        every = client.get("/requests/calendar.ics")
    assert one.headers["content-type"] == "text/calendar; charset=utf-8"
    assert 'filename="notrain-request-1.ics"' in one.headers["content-disposition"]
    events = Calendar.from_ical(one.content).walk("VEVENT")
    assert str(events[0]["summary"]) == "Meta's answer to your objection is due"
    assert events[0]["dtstart"].dt == add_months(_ago(10), 1)
    assert all("/requests/" not in str(e["description"]) for e in events)
    assert len(Calendar.from_ical(every.content).walk("VEVENT")) == 2 * len(events)
    assert 'filename="notrain-deadlines.ics"' in every.headers["content-disposition"]


def test_deleting_a_request(notrain_home: Path) -> None:
    request_id = _germany(notrain_home)
    with web_client(notrain_home, worker=False) as client:
        page = client.get(f"/requests/{request_id}").text
        assert 'data-confirm="Delete request 1' in page
        response = client.post(f"/requests/{request_id}/delete")
        assert response.status_code == 303 and response.headers["location"] == "/requests"
        assert "Deleted request 1" in client.get("/requests").text
        assert client.get(f"/requests/{request_id}").status_code == 404
        assert client.post(f"/requests/{request_id}/delete").status_code == 404
        assert client.post("/requests/1/delete", csrf=False).status_code == 403
