"""Meta's raw values: three kinds of timestamp, coordinates, and the bogus placeholders."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from notrain.audit.values import coordinates, text, timestamp


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1437454657, datetime(2015, 7, 21, 4, 57, 37, tzinfo=UTC)),
        (1437454657000, datetime(2015, 7, 21, 4, 57, 37, tzinfo=UTC)),  # milliseconds (messages)
        ("2020-11-05T10:15:30+00:00", datetime(2020, 11, 5, 10, 15, 30, tzinfo=UTC)),
        ("2020-11-05T11:15:30+01:00", datetime(2020, 11, 5, 10, 15, 30, tzinfo=UTC)),
        ("2019:07:04 18:30:00", datetime(2019, 7, 4, 18, 30, tzinfo=UTC)),
        ("1437454657", datetime(2015, 7, 21, 4, 57, 37, tzinfo=UTC)),
    ],
)
def test_timestamps_in_every_form(value, expected):
    assert timestamp(value) == expected


@pytest.mark.parametrize(
    "value",
    [-62169958800, 0, "000", "0000:00:00 00:00:00", "", None, True, "yesterday", float("nan"), [1]],
)
def test_bogus_timestamps_are_missing(value):
    assert timestamp(value) is None


def test_coordinates():
    assert coordinates(29.925027777778, -90.088072222222) == (29.925027777778, -90.088072222222)
    assert coordinates("52.5", "13.4") == (52.5, 13.4)
    assert coordinates(0, 0) is None and coordinates(0.0, 0.0) is None
    assert coordinates(0, 13.4) == (0.0, 13.4)  # the equator is a real place
    assert coordinates(91, 0) is None and coordinates(10, 181) is None
    assert coordinates(None, 1) is None and coordinates("x", 1) is None
    assert coordinates(float("inf"), 1) is None


def test_text():
    assert text("  hi ") == "hi" and text(None) == "" and text(3) == ""


def test_hostile_numbers_are_missing_not_fatal():
    huge = 10**400
    assert timestamp(huge) is None and timestamp(-huge) is None
    assert timestamp("²") is None and timestamp("9" * 40) is None
    assert coordinates(huge, 1) is None and coordinates(1, -huge) is None
