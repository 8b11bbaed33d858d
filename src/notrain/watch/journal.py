"""The changes notrain has reported, kept so the feed, the e-mail and the web app can show
them again without walking every document's history.

A change is recorded when ``notrain watch check`` reports it; the record is the change as
JSON (:func:`change_to_dict`, also what ``notrain watch changes --json`` prints).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from notrain.watch.feed import entry_id
from notrain.watch.model import Change

if TYPE_CHECKING:
    from notrain.store.database import Database

__all__ = [
    "change_from_dict",
    "change_to_dict",
    "insert_changes",
    "mark_emailed",
    "record_changes",
    "reported_changes",
    "unemailed_changes",
]


def change_to_dict(change: Change) -> dict[str, Any]:
    """``change`` as plain JSON values (dates as ISO 8601)."""
    return {
        "document": change.document,
        "captured": change.captured.isoformat(),
        "effective": change.effective.isoformat() if change.effective else None,
        "kind": change.kind,
        "section": change.section,
        "ai_related": change.ai_related,
        "ai_terms": list(change.ai_terms),
        "added": list(change.added),
        "removed": list(change.removed),
        "summary": change.summary,
    }


def change_from_dict(data: dict[str, Any]) -> Change:
    """The :class:`Change` that :func:`change_to_dict` wrote."""
    return Change(
        document=data["document"],
        captured=datetime.fromisoformat(data["captured"]),
        effective=date.fromisoformat(data["effective"]) if data.get("effective") else None,
        kind=data["kind"],
        section=data.get("section", ""),
        ai_related=bool(data.get("ai_related")),
        ai_terms=tuple(data.get("ai_terms", ())),
        added=tuple(data.get("added", ())),
        removed=tuple(data.get("removed", ())),
        summary=data.get("summary", ""),
    )


def record_changes(
    db: Database, changes: Iterable[Change], *, reported_at: datetime | None = None
) -> None:
    """Remember that ``changes`` were reported (at ``reported_at``, default now); a change
    recorded before (the same :func:`~notrain.watch.feed.entry_id`) is not recorded again."""
    with db.conn:
        insert_changes(db.conn, changes, reported_at=reported_at)


def insert_changes(
    conn: sqlite3.Connection, changes: Iterable[Change], *, reported_at: datetime | None = None
) -> None:
    """:func:`record_changes` inside the caller's transaction."""
    moment = (reported_at or datetime.now(UTC)).astimezone(UTC).isoformat()
    conn.executemany(
        "INSERT OR IGNORE INTO watch_change "
        "(entry, document, captured, reported_at, ai_related, change) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                entry_id(change),
                change.document,
                change.captured.astimezone(UTC).isoformat(),
                moment,
                int(change.ai_related),
                json.dumps(change_to_dict(change), ensure_ascii=False),
            )
            for change in changes
        ],
    )


def unemailed_changes(db: Database) -> list[tuple[int, Change]]:
    """The reported changes not e-mailed yet, oldest first, with their record ids."""
    rows = db.conn.execute(
        "SELECT id, change FROM watch_change WHERE emailed = 0 ORDER BY captured, id"
    )
    return [(row["id"], change_from_dict(json.loads(row["change"]))) for row in rows]


def mark_emailed(db: Database, ids: Iterable[int] | None = None) -> None:
    """Count the changes with these record ids (all, when None) as e-mailed."""
    with db.conn:
        if ids is None:
            db.conn.execute("UPDATE watch_change SET emailed = 1 WHERE emailed = 0")
        else:
            db.conn.executemany(
                "UPDATE watch_change SET emailed = 1 WHERE id = ?", [(i,) for i in ids]
            )


def reported_changes(
    db: Database, *, limit: int = 200, ai_only: bool = False, since: datetime | None = None
) -> list[Change]:
    """The reported changes, newest capture first: at most ``limit``, only AI-related ones if
    asked, only those reported after ``since`` if given."""
    where, params = [], []
    if ai_only:
        where.append("ai_related = 1")
    if since is not None:
        where.append("reported_at > ?")
        params.append(since.astimezone(UTC).isoformat())
    clause = f"WHERE {' AND '.join(where)} " if where else ""
    rows = db.conn.execute(
        f"SELECT change FROM watch_change {clause}ORDER BY captured DESC, id DESC LIMIT ?",
        (*params, limit),
    )
    return [change_from_dict(json.loads(row["change"])) for row in rows]
