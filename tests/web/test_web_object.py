"""The objection wizard (/object): one step per question, the guidance for several kinds of
place (an objection right, a US state's deletion right, no opt-out at all), and "I have sent
it", which records the request."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from web_support import web_client

from notrain.rights.requests import get_request
from notrain.store import Database

GERMANY = {"country": "DE", "platform": "instagram", "device": "android"}


def _query(**answers: str) -> str:
    return "/object?" + "&".join(f"{k}={v}" for k, v in answers.items())


def test_each_step_asks_one_question_and_carries_the_answers(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        first = client.get("/object")
        assert first.status_code == 200
        assert "Step 1 of 3: Where do you live?" in first.text
        assert '<option value="DE">Germany</option>' in first.text
        assert '<option value="DE-BY">Bayern</option>' in first.text
        second = client.get("/object?country=DE")
        assert "Step 2 of 3" in second.text and "Yes: where you live (Germany)" in second.text
        assert '<input type="hidden" name="country" value="DE">' in second.text
        third = client.get("/object?country=DE&platform=instagram")
        assert "Step 3 of 3" in third.text and 'name="device" value="android"' in third.text
        assert '<input type="hidden" name="platform" value="instagram">' in third.text


def test_germany_instagram_android_shows_the_form_the_app_path_and_the_reason(
    notrain_home: Path,
) -> None:
    with web_client(notrain_home, worker=False) as client:
        page = client.get(_query(**GERMANY, role="artist", posts="meine Aquarelle", name="Ann"))
    assert page.status_code == 200
    text = page.text
    assert "What to do in Germany" in text
    assert "Open Meta's objection form" in text and "link checked" in text
    assert "Or find it in the app" in text
    assert re.search(r'<textarea id="reason" class="reason" readonly[^>]*>[^<]*Widerspruch', text)
    assert 'data-copy="reason"' in text
    assert "meine Aquarelle" in text
    assert "I have sent it" in text and 'action="/object/record"' in text


@pytest.mark.parametrize(
    ("country", "expected", "can_record"),
    [
        ("US", "No law in United States gives you a right", False),
        ("US-CA", "No law in California gives you a right", True),
        ("Japan", "No law in Japan gives you a right", False),
        ("GB", "Yes: where you live (United Kingdom)", True),
        ("BR", "Yes: where you live (Brazil)", True),
    ],
)
def test_every_kind_of_place_gets_an_honest_answer(
    notrain_home: Path, country: str, expected: str, can_record: bool
) -> None:
    with web_client(notrain_home, worker=False) as client:
        page = client.get(_query(country=country, platform="both", device="iphone"))
    assert page.status_code == 200
    assert expected in page.text
    assert ('action="/object/record"' in page.text) is can_record
    if country == "US":
        assert "What you can still do" in page.text
        assert "objection form" not in page.text


def test_an_unknown_country_is_asked_again_with_the_reason(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        page = client.get("/object?country=Narnia&platform=facebook")
        typed = client.get("/object?country=&other=Japan")
        bad_platform = client.get("/object?country=DE&platform=myspace")
    assert page.status_code == 400
    assert "Unknown country" in page.text and 'role="alert"' in page.text
    assert "Step 1 of 3" in page.text
    assert typed.status_code == 200 and "Japan" in typed.text and "Step 2 of 3" in typed.text
    assert (
        bad_platform.status_code == 400
        and "Choose Facebook, Instagram or both" in bad_platform.text
    )


def test_i_have_sent_it_records_the_request_and_goes_to_it(notrain_home: Path) -> None:
    sent = (date.today() - timedelta(days=3)).isoformat()
    with web_client(notrain_home, worker=False) as client:
        response = client.post(
            "/object/record",
            data={**GERMANY, "name": "Ann Example", "email": "ann@example.org", "on": sent},
        )
        assert response.status_code == 303 and response.headers["location"] == "/requests/1"
        page = client.get("/requests/1")
    assert "Recorded as request 1" in page.text
    with Database.open(notrain_home) as db:
        request = get_request(db, 1)
    assert request.status.value == "submitted" and request.submitted_on == date.fromisoformat(sent)
    assert request.platforms == ("instagram",) and request.device == "android"
    assert "Ann Example" in request.reason


def test_a_late_evening_in_california_reaches_dublin_the_next_day(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        response = client.post(
            "/object/record",
            data={
                **GERMANY,
                "name": "Ann",
                "email": "ann@example.org",
                "on": "2026-01-31",
                "time": "23:30",
                "zone": "America/Los_Angeles",
            },
        )
    assert response.status_code == 303
    with Database.open(notrain_home) as db:
        assert get_request(db, 1).submitted_on == date(2026, 2, 1)


def test_keep_it_for_later_records_a_draft(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        response = client.post(
            "/object/record",
            data={**GERMANY, "name": "Ann", "email": "ann@example.org", "action": "draft"},
        )
    assert response.status_code == 303
    with Database.open(notrain_home) as db:
        request = get_request(db, 1)
    assert request.status.value == "drafted" and request.submitted_on is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": ""}, "Type the email address of your Meta account."),
        ({"name": ""}, "Type your name."),
        ({"on": "yesterday"}, "is not a date"),
        ({"time": "23:30", "zone": "Mars/Olympus"}, "is not a time zone notrain knows"),
        ({"on": (date.today() + timedelta(days=5)).isoformat()}, "is in the future"),
    ],
)
def test_a_problem_with_the_record_form_is_shown_next_to_it(
    notrain_home: Path, fields: dict[str, str], message: str
) -> None:
    data = {**GERMANY, "name": "Ann", "email": "ann@example.org", "on": "2026-01-10", **fields}
    with web_client(notrain_home, worker=False) as client:
        response = client.post("/object/record", data=data)
    assert response.status_code == 400
    assert message in response.text and 'role="alert"' in response.text
    assert f'value="{data["email"]}"' in response.text
    with Database.open(notrain_home) as db:
        assert db.conn.execute("SELECT COUNT(*) FROM rights_request").fetchone()[0] == 0


def test_nothing_is_recorded_where_there_is_no_request_to_make(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        response = client.post(
            "/object/record",
            data={"country": "US", "platform": "both", "device": "desktop", "email": "a@b.c"},
        )
        assert response.status_code == 303 and response.headers["location"] == "/object"
    with Database.open(notrain_home) as db:
        assert db.conn.execute("SELECT COUNT(*) FROM rights_request").fetchone()[0] == 0


def test_recording_needs_the_forms_token(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        response = client.post("/object/record", data={**GERMANY, "name": "A"}, csrf=False)
    assert response.status_code == 403


def test_what_the_person_types_comes_back_escaped(notrain_home: Path) -> None:
    script = "<script>alert(1)</script>"
    with web_client(notrain_home, worker=False) as client:
        page = client.get(_query(**GERMANY, posts=script, name=script)).text
        step = client.get(f"/object?country=DE&platform=instagram&name={script}").text
    for text in (page, step):
        assert script not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
