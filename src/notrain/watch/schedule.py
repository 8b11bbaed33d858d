"""Checking again and again: ``notrain watch run --every 1d`` for people who keep a terminal
(or a service) running, instead of cron, a systemd timer, launchd or the Task Scheduler."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta

from notrain.errors import OptionError

__all__ = ["MINIMUM", "parse_interval", "run_every"]

MINIMUM = timedelta(minutes=15)
"""Policies change a few times a year: checking more often than this only burdens the sites."""

_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_INTERVAL = re.compile(r"(\d+)\s*([mhdw])")


def parse_interval(text: str) -> timedelta:
    """``"1d"``, ``"12h"``, ``"30m"``, ``"1w"`` or combinations (``"1d12h"``) as a timedelta,
    at least :data:`MINIMUM`."""
    cleaned = text.strip().lower()
    parts = _INTERVAL.findall(cleaned)
    if not parts or _INTERVAL.sub("", cleaned).strip():
        raise OptionError(
            f"{text!r} is not an interval.",
            hint="Give a number and a unit: 30m, 12h, 1d or 1w (minutes, hours, days, weeks).",
        )
    interval = sum((timedelta(**{_UNITS[unit]: int(n)}) for n, unit in parts), timedelta())
    if interval < MINIMUM:
        raise OptionError(
            f"Checking every {text} is more often than policies change.",
            hint="Check at most every 15 minutes; once a day (1d) is plenty.",
        )
    return interval


def run_every(
    interval: timedelta,
    job: Callable[[], object],
    *,
    runs: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Run ``job`` now and then every ``interval`` (measured from each start, so a slow check
    does not make the schedule drift), ``runs`` times or until interrupted; returns how many
    runs finished. Ctrl+C ends the wait or the run it interrupts."""
    done = 0
    while runs is None or done < runs:
        started = clock()
        job()
        done += 1
        if runs is not None and done >= runs:
            break
        sleep(max(0.0, interval.total_seconds() - (clock() - started)))
    return done
