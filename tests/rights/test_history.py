"""The request-history document: every language, every event, user text shown as written."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from notrain.rights.documents import to_markdown, to_pdf, to_text
from notrain.rights.history import history_document
from notrain.rights.model import LANGUAGES, Deadline, Event, Jurisdiction, Request, Status
from notrain.rights.templates import TemplateProblem, long_date

GERMANY = Jurisdiction(
    code="DE-BE",
    name="Berlin, Germany",
    regime="gdpr",
    can_object=True,
    law="Art. 21(1) GDPR",
    response_months=1,
    extension_months=2,
)
TODAY = date(2026, 5, 2)
REPLY = "Dear user,\n# We need more time\n- to look at *your* request [ref_1]."
DEADLINE_KINDS = (
    "response",
    "extended-response",
    "reminder",
    "acknowledgement",
    "complaint",
    "complaint-window",
    "authority-update",
)


def every_status_request(language: str = "en") -> Request:
    """A request whose timeline has one event of every status (and a plain note)."""
    events = [
        Event(status=status, on=date(2026, 1, 10 + number), note=f"Step {number} *done*")
        for number, status in enumerate(Status)
    ]
    events[3] = Event(status=Status.EXTENDED, on=date(2026, 1, 13), reply=REPLY, reference="CASE_7")
    events.append(Event(status=None, on=date(2026, 2, 1), note="Called [them] # twice"))
    return Request(
        id=12,
        jurisdiction="DE-BE",
        platforms=("facebook", "instagram"),
        device="desktop",
        name="Zoë *Łukasiewicz*-Øre",
        email="zoe_l@example.org",
        language=language,
        reason="I am an illustrator.\n# My drawings are my living.",
        created_at=datetime(2026, 1, 9, 22, 0, tzinfo=UTC),
        events=tuple(events),
    )


def all_deadlines() -> list[Deadline]:
    return [
        Deadline(
            request_id=12,
            kind=kind,
            due=date(2026, 5, 1 + number),
            title=f"Title of {kind}",
            description="",
            law="Art. 12(3) GDPR",
        )
        for number, kind in enumerate(DEADLINE_KINDS)
    ]


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_history_renders_in_every_language_with_every_event(language: str):
    request = every_status_request(language)
    doc = history_document(request, jurisdiction=GERMANY, deadlines=all_deadlines(), today=TODAY)
    assert doc.kind == "history" and doc.language == language
    assert "12" in doc.title and not doc.title.startswith("#")
    text = to_text(doc)
    for event in request.events:
        assert long_date(event.on, language) in doc.markdown
        assert long_date(event.on, language) in text
    for item in all_deadlines():
        assert long_date(item.due, language) in text
    assert long_date(date(2026, 1, 9), language) in text  # drafted
    assert long_date(date(2026, 1, 10 + 1), language) in text  # submitted
    assert "Zoë *Łukasiewicz*-Øre (zoe_l@example.org)" in text
    assert "Facebook, Instagram" in text and "Berlin, Germany (DE-BE)" in text
    assert "> I am an illustrator.\n> # My drawings are my living." in text
    assert "> Dear user,\n> # We need more time\n> - to look at *your* request [ref_1]." in text
    assert "CASE_7" in text and "Called [them] # twice" in text
    assert "Title of" not in text  # every deadline kind has a label in the language
    if language != "en":
        english = to_text(
            history_document(
                request, jurisdiction=GERMANY, deadlines=[], today=TODAY, language="en"
            )
        )
        assert "Timeline" in english and "Timeline" not in text


def test_states_of_deadlines_as_of_today():
    request = every_status_request()
    items = [
        Deadline(request_id=12, kind="response", due=date(2026, 5, 1), title="", description=""),
        Deadline(request_id=12, kind="reminder", due=TODAY, title="", description=""),
        Deadline(request_id=12, kind="complaint", due=date(2026, 6, 1), title="", description=""),
    ]
    text = to_text(history_document(request, jurisdiction=GERMANY, deadlines=items, today=TODAY))
    assert "1 May 2026 (passed)" in text
    assert "2 May 2026 (due today)" in text
    assert "1 June 2026 (upcoming)" in text


def test_unknown_deadline_kinds_fall_back_to_their_title():
    item = Deadline(request_id=12, kind="novel", due=TODAY, title="Something *new*", description="")
    doc = history_document(
        every_status_request(), jurisdiction=GERMANY, deadlines=[item], today=TODAY
    )
    assert "Something *new*" in to_text(doc)
    assert "Something \\*new\\*" in to_markdown(doc)


def test_a_fresh_request_without_number_events_or_deadlines():
    request = Request(
        jurisdiction="DE-BE",
        platforms=("instagram",),
        device="android",
        name="A",
        email="a@b.org",
        language="de",
    )
    doc = history_document(request, jurisdiction=GERMANY, deadlines=[], today=TODAY)
    assert doc.title == "Verlauf Ihrer Anfrage"
    text = to_text(doc)
    assert "Bisher ist nichts geschehen." in text
    assert "Keine offenen Fristen." in text
    assert "Es wurde keine Begründung gespeichert." in text


def test_history_language_can_differ_from_the_request_and_must_be_known():
    request = every_status_request("de")
    doc = history_document(request, jurisdiction=GERMANY, deadlines=[], today=TODAY, language="pl")
    assert doc.language == "pl" and doc.title == "Historia wniosku 12"
    with pytest.raises(TemplateProblem, match="xx"):
        history_document(request, jurisdiction=GERMANY, deadlines=[], today=TODAY, language="xx")


def test_a_persons_own_template_is_used_and_checked(notrain_home: Path):
    folder = notrain_home / "templates" / "rights" / "en"
    folder.mkdir(parents=True)
    (folder / "history.md.j2").write_text("# My log of {{ request.name }}\n\nAs of {{ today }}.\n")
    doc = history_document(
        every_status_request(), jurisdiction=GERMANY, deadlines=[], today=TODAY, home=notrain_home
    )
    assert doc.title == "My log of Zoë *Łukasiewicz*-Øre"
    assert doc.markdown == "As of 2026-05-02.\n"
    (folder / "history.md.j2").write_text("No title here\n")
    with pytest.raises(TemplateProblem, match="title"):
        history_document(
            every_status_request(),
            jurisdiction=GERMANY,
            deadlines=[],
            today=TODAY,
            home=notrain_home,
        )


def test_history_pdf_contains_the_timeline():
    request = every_status_request("pl")
    doc = history_document(request, jurisdiction=GERMANY, deadlines=all_deadlines(), today=TODAY)
    reader = PdfReader(io.BytesIO(to_pdf(doc)))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert doc.title in text
    for event in request.events:
        assert long_date(event.on, "pl") in text
    assert "Zoë *Łukasiewicz*-Øre" in text
    assert "Dear user, # We need more time - to look at *your* request [ref_1]." in text
