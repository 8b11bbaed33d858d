"""``notrain watch run --every``: intervals, and a schedule that does not drift."""

from __future__ import annotations

from datetime import timedelta

import pytest

from notrain.errors import OptionError
from notrain.watch.schedule import parse_interval, run_every


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1d", timedelta(days=1)),
        ("12h", timedelta(hours=12)),
        ("30m", timedelta(minutes=30)),
        ("1w", timedelta(weeks=1)),
        (" 1d12h ", timedelta(days=1, hours=12)),
        ("2D", timedelta(days=2)),
    ],
)
def test_intervals(text: str, expected: timedelta) -> None:
    assert parse_interval(text) == expected


@pytest.mark.parametrize("text", ["", "daily", "1", "1x", "d1", "1d tomorrow"])
def test_bad_intervals_say_how_to_write_one(text: str) -> None:
    with pytest.raises(OptionError) as raised:
        parse_interval(text)
    assert "30m, 12h, 1d or 1w" in raised.value.hint


def test_too_often_is_refused() -> None:
    with pytest.raises(OptionError, match="more often"):
        parse_interval("5m")


def test_runs_are_spaced_from_each_start() -> None:
    now = [0.0]
    slept: list[float] = []

    def job() -> None:
        now[0] += 100  # each run takes 100 s

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    done = run_every(timedelta(hours=1), job, runs=3, sleep=sleep, clock=lambda: now[0])

    assert done == 3
    assert slept == [3500, 3500]  # no sleep after the last run


def test_a_run_longer_than_the_interval_starts_the_next_at_once() -> None:
    now = [0.0]
    slept: list[float] = []

    def job() -> None:
        now[0] += 7200

    run_every(timedelta(hours=1), job, runs=2, sleep=slept.append, clock=lambda: now[0])

    assert slept == [0.0]
