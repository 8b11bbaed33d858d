"""Deadline arithmetic: calendar months, extensions, time zones and the ICO's timing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest

from notrain.rights.deadlines import add_months, deadlines, due, receipt_date, response_due
from notrain.rights.jurisdictions import jurisdiction
from notrain.rights.model import Event, Jurisdiction, Request, Status

GDPR = Jurisdiction(
    code="DE",
    name="Germany",
    regime="gdpr",
    can_object=True,
    law="Art. 21(1) GDPR",
    response_months=1,
    extension_months=2,
    authorities=("debaylda",),
    language="de",
)
UK = Jurisdiction(
    code="GB",
    name="United Kingdom",
    regime="uk-gdpr",
    can_object=True,
    law="Art. 21(1) UK GDPR",
    response_months=1,
    extension_months=2,
    authorities=("gbico",),
)
CALIFORNIA = Jurisdiction(
    code="US-CA",
    name="California",
    regime="us-state",
    can_object=False,
    law="CCPA",
    response_days=45,
    extension_days=45,
    authorities=("uscppa",),
)


def request(*events: Event) -> Request:
    return Request(
        id=7,
        jurisdiction="DE",
        platforms=("instagram",),
        device="android",
        name="Ann",
        email="ann@example.org",
        language="de",
        events=events,
    )


def submitted(on: date) -> Event:
    return Event(status=Status.SUBMITTED, on=on)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 1, 30), 1, date(2026, 2, 28)),
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 12, 31), 1, date(2027, 1, 31)),
        (date(2026, 2, 28), 1, date(2026, 3, 28)),
        (date(2026, 2, 28), 3, date(2026, 5, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2027, 11, 29), 3, date(2028, 2, 29)),
    ],
)
def test_calendar_month_arithmetic(start, months, expected):
    assert add_months(start, months) == expected


def test_add_months_agrees_with_counting_days_in_ordinary_months():
    day = date(2026, 1, 1)
    while day.year == 2026:
        result = add_months(day, 1)
        assert result.month == day.month % 12 + 1
        assert (
            result.day == day.day or result.day < day.day and (result + timedelta(days=1)).day == 1
        )
        day += timedelta(days=1)


def test_one_month_from_31_january():
    due_on, extended = response_due(request(submitted(date(2026, 1, 31))), GDPR)
    assert (due_on, extended) == (date(2026, 2, 28), False)


def test_extension_within_the_first_month_adds_two_months():
    r = request(submitted(date(2026, 1, 31)), Event(status=Status.EXTENDED, on=date(2026, 2, 20)))
    # The extension adds two months to the end of the first one: 28 Feb + 2 months.
    assert response_due(r, GDPR) == (date(2026, 4, 28), True)
    assert next(d.kind for d in deadlines(r, GDPR)) == "extended-response"


def test_late_extension_does_not_count():
    r = request(submitted(date(2026, 1, 10)), Event(status=Status.EXTENDED, on=date(2026, 2, 11)))
    assert response_due(r, GDPR) == (date(2026, 2, 10), False)


def test_receipt_follows_the_controllers_time_zone():
    # 23:30 on 31 January in California is already 1 February in Dublin.
    sent = datetime(2026, 1, 31, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert receipt_date(sent, "gdpr") == date(2026, 2, 1)
    # 00:30 on 1 February in Berlin is still 31 January in Dublin (UTC+0 in winter).
    sent = datetime(2026, 2, 1, 0, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert receipt_date(sent, "gdpr") == date(2026, 1, 31)
    # Summer time: 00:30 in Berlin on 1 July is 23:30 on 30 June in Dublin.
    assert receipt_date(
        datetime(2026, 7, 1, 0, 30, tzinfo=ZoneInfo("Europe/Berlin")), "gdpr"
    ) == date(2026, 6, 30)
    # Meta Platforms, Inc. (UK and US) counts in California time.
    assert receipt_date(datetime(2026, 3, 1, 5, 0, tzinfo=UTC), "uk-gdpr") == date(2026, 2, 28)
    assert receipt_date(date(2026, 3, 1), "gdpr") == date(2026, 3, 1)


def test_us_state_days_and_extension():
    r = request(submitted(date(2026, 1, 1)))
    assert response_due(r, CALIFORNIA) == (date(2026, 2, 15), False)
    r = request(submitted(date(2026, 1, 1)), Event(status=Status.EXTENDED, on=date(2026, 2, 1)))
    assert response_due(r, CALIFORNIA) == (date(2026, 4, 1), True)


def test_silence_makes_a_reminder_then_a_complaint_due():
    r = request(submitted(date(2026, 3, 10)))
    kinds = [(d.kind, d.due) for d in deadlines(r, GDPR)]
    assert kinds == [
        ("response", date(2026, 4, 10)),
        ("reminder", date(2026, 4, 11)),
        ("complaint", date(2026, 5, 11)),  # a month of silence past the deadline
    ]
    r = request(submitted(date(2026, 3, 10)), Event(status=Status.REMINDED, on=date(2026, 4, 15)))
    assert [(d.kind, d.due) for d in deadlines(r, GDPR)] == [("complaint", date(2026, 4, 29))]


def test_refusal_makes_a_complaint_due_at_once_and_honoured_closes():
    r = request(submitted(date(2026, 3, 10)), Event(status=Status.REFUSED, on=date(2026, 3, 20)))
    assert [(d.kind, d.due) for d in deadlines(r, GDPR)] == [("complaint", date(2026, 3, 20))]
    r = request(submitted(date(2026, 3, 10)), Event(status=Status.HONOURED, on=date(2026, 3, 20)))
    assert deadlines(r, GDPR) == []
    assert deadlines(request(), GDPR) == []  # not submitted yet


def test_complaint_makes_the_authority_owe_news_in_three_months():
    r = request(
        submitted(date(2026, 1, 5)),
        Event(status=Status.REFUSED, on=date(2026, 1, 20)),
        Event(status=Status.COMPLAINED, on=date(2026, 1, 25)),
    )
    assert [(d.kind, d.due, d.law) for d in deadlines(r, GDPR)] == [
        ("authority-update", date(2026, 4, 25), "Art. 78(2) GDPR")
    ]


def test_ico_timing_first_contact_then_a_month_then_three_months():
    r = request(submitted(date(2026, 1, 5)), Event(status=Status.REFUSED, on=date(2026, 1, 20)))
    assert [(d.kind, d.due) for d in deadlines(r, UK)] == [("reminder", date(2026, 1, 20))]
    r = request(
        submitted(date(2026, 1, 5)),
        Event(status=Status.REFUSED, on=date(2026, 1, 20)),
        Event(status=Status.REMINDED, on=date(2026, 1, 31)),
    )
    # Before 19 June 2026 there is no 30-day acknowledgement duty.
    assert [(d.kind, d.due) for d in deadlines(r, UK)] == [
        ("complaint", date(2026, 2, 28)),
        ("complaint-window", date(2026, 4, 30)),
    ]
    r = request(
        submitted(date(2026, 7, 1)),
        Event(status=Status.REFUSED, on=date(2026, 7, 10)),
        Event(status=Status.REMINDED, on=date(2026, 7, 12)),
    )
    # Since 19 June 2026 Meta must acknowledge the concern within 30 days.
    assert [(d.kind, d.due) for d in deadlines(r, UK)] == [
        ("acknowledgement", date(2026, 8, 11)),
        ("complaint", date(2026, 8, 12)),
        ("complaint-window", date(2026, 10, 12)),
    ]
    r = Request(
        **{
            **r.__dict__,
            "events": (*r.events, Event(status=Status.ACKNOWLEDGED, on=date(2026, 8, 1))),
        }
    )
    assert [(d.kind, d.due) for d in deadlines(r, UK)] == [
        ("complaint", date(2026, 8, 12)),
        ("complaint-window", date(2026, 11, 1)),  # three months from the last contact, 1 August
    ]
    # "No answer" is not contact: it does not move the three months.
    r = Request(
        **{**r.__dict__, "events": (*r.events, Event(status=Status.NO_ANSWER, on=date(2026, 9, 1)))}
    )
    assert deadlines(r, UK)[-1].due == date(2026, 11, 1)


def test_ico_a_refusal_and_the_concern_on_the_same_day_is_not_a_second_refusal():
    refusal = Event(id=1, status=Status.REFUSED, on=date(2026, 8, 20))
    concern = Event(id=2, status=Status.REMINDED, on=date(2026, 8, 20))
    r = request(submitted(date(2026, 8, 1)), refusal, concern)
    complaint = next(d for d in deadlines(r, UK) if d.kind == "complaint")
    assert complaint.due == date(2026, 9, 20)  # a month after the concern
    again = Event(id=3, status=Status.REFUSED, on=date(2026, 8, 20))
    r = request(submitted(date(2026, 8, 1)), refusal, concern, again)
    complaint = next(d for d in deadlines(r, UK) if d.kind == "complaint")
    assert complaint.due == date(2026, 8, 20)  # refused again after the concern: at once


def test_information_requested_pauses_until_the_person_says_there_was_no_answer():
    asked = Event(status=Status.INFO_REQUESTED, on=date(2026, 3, 15))
    r = request(submitted(date(2026, 3, 10)), asked)
    assert deadlines(r, GDPR) == []
    r = request(
        submitted(date(2026, 3, 10)), asked, Event(status=Status.NO_ANSWER, on=date(2026, 5, 1))
    )
    assert [d.kind for d in deadlines(r, GDPR)] == ["response", "reminder", "complaint"]


def test_a_reminder_sent_early_does_not_make_a_complaint_due_before_the_deadline():
    r = request(submitted(date(2026, 3, 10)), Event(status=Status.REMINDED, on=date(2026, 3, 20)))
    # 14 days after the reminder is 3 April, but Meta has until 10 April.
    assert [(d.kind, d.due) for d in deadlines(r, GDPR)] == [("complaint", date(2026, 4, 11))]


def test_us_state_deadlines_have_no_reminder_step():
    r = request(submitted(date(2026, 1, 1)))
    assert [(d.kind, d.due) for d in deadlines(r, CALIFORNIA)] == [
        ("response", date(2026, 2, 15)),
        ("complaint", date(2026, 2, 16)),
    ]
    r = request(submitted(date(2026, 1, 1)), Event(status=Status.REFUSED, on=date(2026, 1, 20)))
    assert [(d.kind, d.due) for d in deadlines(r, CALIFORNIA)] == [("complaint", date(2026, 1, 20))]
    assert "GDPR" not in " ".join(d.title + d.description for d in deadlines(r, CALIFORNIA))


def test_due_lists_overdue_first_and_skips_far_deadlines():
    late = request(submitted(date(2026, 1, 5)))
    fresh = Request(**{**late.__dict__, "id": 8, "events": (submitted(date(2026, 3, 1)),)})
    found = due([(late, GDPR), (fresh, GDPR)], date(2026, 3, 2))
    assert [(d.request.id, d.deadline.kind, d.overdue) for d in found] == [
        (7, "response", True),
        (7, "reminder", True),
        (7, "complaint", False),  # 8 March: a month of silence past 5 February
    ]
    assert found[0].days_left == -(date(2026, 3, 2) - date(2026, 2, 5)).days


# US states with an appeal step: appeal first, the attorney general after

VIRGINIA = Jurisdiction(
    code="US-VA",
    name="Virginia",
    regime="us-state",
    can_object=False,
    law="VCDPA",
    response_days=45,
    extension_days=45,
    appeal_days=60,
    appeal_law="Va. Code § 59.1-577(C)",
    authorities=("us-va-ag",),
)
COLORADO = Jurisdiction(
    code="US-CO",
    name="Colorado",
    regime="us-state",
    can_object=False,
    law="Colorado Privacy Act",
    response_days=45,
    extension_days=45,
    appeal_days=45,
    appeal_extension_days=60,
    appeal_law="C.R.S. § 6-1-1306(3)",
    authorities=("us-co-ag",),
)
REFUSAL = Event(status=Status.REFUSED, on=date(2026, 1, 20))
APPEAL = Event(status=Status.APPEALED, on=date(2026, 2, 1))


def kinds_and_dates(r: Request, place: Jurisdiction) -> list[tuple[str, date]]:
    return [(d.kind, d.due) for d in deadlines(r, place)]


def test_a_virginia_refusal_makes_an_appeal_due_at_once_under_the_appeal_provision():
    r = request(submitted(date(2026, 1, 1)), REFUSAL)
    (appeal,) = deadlines(r, VIRGINIA)
    assert (appeal.kind, appeal.due, appeal.law) == (
        "appeal",
        date(2026, 1, 20),
        "Va. Code § 59.1-577(C)",
    )
    assert "Virginia" in appeal.description and "60 days" in appeal.description


def test_virginia_silence_past_45_days_makes_an_appeal_due_the_next_day():
    r = request(submitted(date(2026, 1, 1)))
    assert kinds_and_dates(r, VIRGINIA) == [
        ("response", date(2026, 2, 15)),
        ("appeal", date(2026, 2, 16)),
    ]
    extended = request(
        submitted(date(2026, 1, 1)), Event(status=Status.EXTENDED, on=date(2026, 2, 1))
    )
    assert kinds_and_dates(extended, VIRGINIA)[-1] == ("appeal", date(2026, 4, 2))


def test_after_the_appeal_meta_has_60_days_then_the_complaint_is_due():
    r = request(submitted(date(2026, 1, 1)), REFUSAL, APPEAL)
    # 1 February + 60 days: 27 days of February, 31 of March, 2 of April.
    assert kinds_and_dates(r, VIRGINIA) == [
        ("appeal-response", date(2026, 4, 2)),
        ("complaint", date(2026, 4, 3)),
    ]
    assert {d.law for d in deadlines(r, VIRGINIA)} == {"Va. Code § 59.1-577(C)"}


def test_an_appeal_after_silence_replaces_the_passed_response_deadline():
    late_appeal = Event(status=Status.APPEALED, on=date(2026, 2, 20))
    r = request(submitted(date(2026, 1, 1)), late_appeal)
    assert kinds_and_dates(r, VIRGINIA) == [
        ("appeal-response", date(2026, 4, 21)),
        ("complaint", date(2026, 4, 22)),
    ]


def test_a_denied_appeal_makes_the_complaint_due_at_once():
    denied = Event(status=Status.REFUSED, on=date(2026, 2, 10))
    r = request(submitted(date(2026, 1, 1)), REFUSAL, APPEAL, denied)
    assert kinds_and_dates(r, VIRGINIA) == [("complaint", date(2026, 2, 10))]
    honoured = Event(status=Status.HONOURED, on=date(2026, 2, 10))
    assert (
        deadlines(request(submitted(date(2026, 1, 1)), REFUSAL, APPEAL, honoured), VIRGINIA) == []
    )


def test_order_not_dates_decides_whether_a_refusal_answers_the_appeal():
    refusal = Event(id=1, status=Status.REFUSED, on=date(2026, 2, 1))
    appeal = Event(id=2, status=Status.APPEALED, on=date(2026, 2, 1))
    r = request(submitted(date(2026, 1, 1)), refusal, appeal)
    assert kinds_and_dates(r, VIRGINIA)[0] == ("appeal-response", date(2026, 4, 2))
    denial = Event(id=3, status=Status.REFUSED, on=date(2026, 2, 1))
    r = request(submitted(date(2026, 1, 1)), refusal, appeal, denial)
    assert kinds_and_dates(r, VIRGINIA) == [("complaint", date(2026, 2, 1))]


def test_colorado_counts_45_days_for_the_appeal_and_60_more_when_notified_in_time():
    r = request(submitted(date(2026, 1, 1)), REFUSAL, APPEAL)
    assert kinds_and_dates(r, COLORADO)[0] == ("appeal-response", date(2026, 3, 18))
    in_time = Event(status=Status.EXTENDED, on=date(2026, 3, 18))
    r = request(submitted(date(2026, 1, 1)), REFUSAL, APPEAL, in_time)
    assert kinds_and_dates(r, COLORADO) == [
        ("appeal-response", date(2026, 5, 17)),
        ("complaint", date(2026, 5, 18)),
    ]
    assert "105 days" in deadlines(r, COLORADO)[0].description
    late = Event(status=Status.EXTENDED, on=date(2026, 3, 19))
    r = request(submitted(date(2026, 1, 1)), REFUSAL, APPEAL, late)
    assert kinds_and_dates(r, COLORADO)[0] == ("appeal-response", date(2026, 3, 18))
    # An extension of the first answer, before the appeal, does not extend the appeal.
    early = Event(status=Status.EXTENDED, on=date(2026, 1, 10))
    r = request(submitted(date(2026, 1, 1)), early, REFUSAL, APPEAL)
    assert kinds_and_dates(r, COLORADO)[0] == ("appeal-response", date(2026, 3, 18))


def test_california_has_no_appeal_step_even_when_one_is_recorded():
    r = request(submitted(date(2026, 1, 1)), REFUSAL, APPEAL)
    assert kinds_and_dates(r, CALIFORNIA) == [("complaint", date(2026, 1, 20))]
    assert kinds_and_dates(r, GDPR) == [("complaint", date(2026, 1, 20))]


def test_the_appeal_periods_come_from_the_data_with_their_sources():
    expected = {
        "US-VA": (60, None, "59.1-577(C)"),
        "US-CO": (45, 60, "6-1-1306(3)"),
        "US-CT": (60, None, "42-518(d)"),
        "US-TX": (60, None, "541.053"),
        "US-OR": (45, None, "646A.576(6)"),
    }
    for code, (days, extension, provision) in expected.items():
        place = jurisdiction(code)
        assert (place.appeal_days, place.appeal_extension_days) == (days, extension), code
        assert provision in place.appeal_law and provision in place.summary, code
    california = jurisdiction("US-CA")
    assert (california.appeal_days, california.appeal_law) == (None, "")
    data = json.loads(
        resources.files("notrain").joinpath("data", "rights", "jurisdictions.json").read_text()
    )
    sources = {e["code"]: e.get("appeal_source", []) for e in data["jurisdictions"]}
    for code in expected:
        assert sources[code] and all(urlparse(u).scheme == "https" for u in sources[code]), code
    assert not sources["US-CA"]
