"""The changes notrain has reported, kept so the feed, the e-mail and the web app can show
them again without walking every document's history.

A change is recorded when ``notrain watch check`` reports it, and when the web app imports a
history (:func:`record_history`: shown, never e-mailed); the record is the change as JSON
(:func:`change_to_dict`, also what ``notrain watch changes --json`` prints).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from notrain.watch.detect import changes_in
from notrain.watch.feed import entry_id
from notrain.watch.model import Change
from notrain.watch.versions import documents, versions

if TYPE_CHECKING:
    from notrain.store.database import Database

__all__ = [
    "change_from_dict",
    "change_to_dict",
    "history_changes",
    "insert_changes",
    "mark_emailed",
    "record_changes",
    "record_history",
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
    conn: sqlite3.Connection,
    changes: Iterable[Change],
    *,
    reported_at: datetime | None = None,
    emailed: bool = False,
) -> None:
    """:func:`record_changes` inside the caller's transaction (``emailed``: never to be sent)."""
    moment = (reported_at or datetime.now(UTC)).astimezone(UTC).isoformat()
    conn.executemany(
        "INSERT OR IGNORE INTO watch_change "
        "(entry, document, captured, reported_at, ai_related, emailed, change) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                entry_id(change),
                change.document,
                change.captured.astimezone(UTC).isoformat(),
                moment,
                int(change.ai_related),
                int(emailed),
                json.dumps(change_to_dict(change), ensure_ascii=False),
            )
            for change in changes
        ],
    )


def history_changes(
    db: Database,
    keys: Sequence[str] = (),
    *,
    ai_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[Change]:
    """Every change in the whole stored history of the watched documents (only ``keys`` when
    given), document after document, each one's oldest first; only AI-related ones if asked.
    ``progress(done, total)`` is called after each document (a long history takes seconds)."""
    chosen = [d.key for d in documents(db) if not keys or d.key in keys]
    found: list[Change] = []
    for done, key in enumerate(chosen, 1):
        found.extend(c for c in changes_in(versions(db, key)) if c.ai_related or not ai_only)
        if progress is not None:
            progress(done, len(chosen))
    return found


def record_history(
    db: Database, keys: Sequence[str], *, progress: Callable[[int, int], None] | None = None
) -> list[Change]:
    """Record every change in the history of documents ``keys`` (just imported from an
    archive), so the feed and the web app show them; they count as e-mailed, since history is
    not news. Each document's are recorded once it is compared (``progress(done, total)``
    after each). Returns the changes found, document after document, oldest first."""
    found: list[Change] = []
    for done, key in enumerate(keys, 1):
        changes = history_changes(db, [key])
        with db.conn:
            insert_changes(db.conn, changes, emailed=True)
        found.extend(changes)
        if progress is not None:
            progress(done, len(keys))
    return found


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
