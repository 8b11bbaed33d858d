"""Where each watched document stands: the validators for the next conditional request, the
last check's result, and how far its changes have been reported.

``reported_through`` is the capture time up to which the person has been told about changes:
``notrain watch check`` reports the changes captured after it, then moves it forward. A
document gets it when its first versions arrive (a first fetch, an Open Terms Archive import),
so years of imported history are not announced as news; ``notrain watch changes`` shows them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from notrain.store.database import Database

__all__ = [
    "CheckState",
    "load_state",
    "restart",
    "save_state",
    "set_baseline",
    "states",
    "write_state",
]


@dataclass(frozen=True, kw_only=True)
class CheckState:
    """One document's standing; the defaults are a document never checked."""

    document: str
    etag: str = ""
    last_modified: str = ""
    checked_at: datetime | None = None
    status: str = ""
    """The last check's outcome, one of :data:`notrain.watch.check.STATUSES` ("" before any)."""
    message: str = ""
    reported_through: datetime | None = None


def load_state(db: Database, key: str) -> CheckState:
    """The standing of document ``key`` (defaults when it was never checked)."""
    row = db.conn.execute("SELECT * FROM watch_state WHERE document = ?", (key,)).fetchone()
    return _from_row(row) if row else CheckState(document=key)


def states(db: Database) -> dict[str, CheckState]:
    """Every document's standing that has one, by key."""
    return {row["document"]: _from_row(row) for row in db.conn.execute("SELECT * FROM watch_state")}


def save_state(db: Database, state: CheckState) -> None:
    """Store ``state``, replacing the document's previous one."""
    with db.conn:
        write_state(db.conn, state)


def restart(db: Database, key: str) -> None:
    """Make the next capture of ``key`` a new starting point: its selectors changed, so it is
    read in full (no conditional request) and what differs from the last version is the
    person's edit, not news."""
    with db.conn:
        db.conn.execute(
            "UPDATE watch_state SET etag = '', last_modified = '', reported_through = NULL "
            "WHERE document = ?",
            (key,),
        )


def write_state(conn: sqlite3.Connection, state: CheckState) -> None:
    """:func:`save_state` inside the caller's transaction."""
    conn.execute(
        "INSERT OR REPLACE INTO watch_state (document, etag, last_modified, checked_at, "
        "status, message, reported_through) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            state.document,
            state.etag,
            state.last_modified,
            _text(state.checked_at),
            state.status,
            state.message,
            _text(state.reported_through),
        ),
    )


def set_baseline(db: Database, keys: Iterable[str]) -> None:
    """For each document in ``keys`` never reported on, count what it holds as already known:
    its history is not news, only what comes after."""
    with db.conn:
        for key in keys:
            db.conn.execute(
                "INSERT INTO watch_state (document, reported_through) "
                "SELECT document, MAX(captured) FROM watch_version WHERE document = ? "
                "GROUP BY document "
                "ON CONFLICT (document) DO UPDATE SET reported_through = "
                "COALESCE(watch_state.reported_through, excluded.reported_through)",
                (key,),
            )


def _text(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _from_row(row: sqlite3.Row) -> CheckState:
    return CheckState(
        document=row["document"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        checked_at=_moment(row["checked_at"]),
        status=row["status"],
        message=row["message"],
        reported_through=_moment(row["reported_through"]),
    )
