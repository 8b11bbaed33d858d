"""Requests in the database: record an objection, then every dated step of its life.

A request's status is the status of its latest event (ordered by date, then by when it
was recorded), so correcting history is adding the right event, never editing a row.
Dates are checked against each other: Meta cannot have answered before the request was
submitted, and nothing can have happened tomorrow.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from notrain.errors import InputError, NotrainError, OptionError
from notrain.rights.model import DEVICES, LANGUAGES, PLATFORMS, ROLES, Event, Request, Status
from notrain.store.database import Database

__all__ = [
    "MAX_REPLY_CHARS",
    "RequestNotFound",
    "add_event",
    "check_event",
    "create_request",
    "delete_request",
    "get_request",
    "list_requests",
    "parse_status",
    "save_attachment",
]

MAX_REPLY_CHARS = 200_000
MAX_NOTE_CHARS = 5_000

_STATUS_ALIASES = {
    "extension": Status.EXTENDED,
    "extended": Status.EXTENDED,
    "info": Status.INFO_REQUESTED,
    "info-requested": Status.INFO_REQUESTED,
    "honored": Status.HONOURED,
    "no-answer": Status.NO_ANSWER,
    "silent": Status.NO_ANSWER,
    "reminded": Status.REMINDED,
    "reminder": Status.REMINDED,
    "appeal": Status.APPEALED,
    "complained": Status.COMPLAINED,
    "complaint": Status.COMPLAINED,
}


class RequestNotFound(NotrainError):
    """There is no request with that number."""


def parse_status(text: str) -> Status:
    """A status from its name ("refused"), its label ("extension notified") or a short alias."""
    key = text.strip().lower().replace("_", "-")
    for status in Status:
        if key in (status.value, status.value.replace(" ", "-"), status.name.lower()):
            return status
    if key in _STATUS_ALIASES:
        return _STATUS_ALIASES[key]
    raise OptionError(
        f"Unknown status {text!r}.",
        hint="Use one of: " + ", ".join(s.value.replace(" ", "-") for s in Status) + ".",
    )


def _check_choice(value: str, allowed: tuple[str, ...] | dict[str, str], what: str) -> None:
    if value not in allowed:
        raise OptionError(f"Unknown {what} {value!r}.", hint=f"Use one of: {', '.join(allowed)}.")


def _clean(text: str, limit: int, what: str) -> str:
    text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable()).strip()
    if len(text) > limit:
        raise OptionError(
            f"The {what} is {len(text):,} characters long; notrain keeps at most {limit:,}.",
            hint=f"Shorten the {what}, or attach the full text as a file.",
        )
    return text


def create_request(
    db: Database, request: Request, *, today: date | None = None, now: datetime | None = None
) -> Request:
    """Store a new request and its first events (``request.events``, usually a "drafted" event
    and, when the person already sent it, "submitted")."""
    _check_choice(request.language, LANGUAGES, "language")
    _check_choice(request.device, DEVICES, "device")
    _check_choice(request.role, ROLES, "role")
    if not request.platforms:
        raise OptionError("Choose at least one platform.", hint="Use facebook, instagram or both.")
    for platform in request.platforms:
        _check_choice(platform, PLATFORMS, "platform")
    if request.kind not in ("objection", "deletion"):
        raise OptionError(
            f"Unknown request kind {request.kind!r}.", hint="Use objection or deletion."
        )
    created = now or datetime.now(UTC)
    so_far = replace(request, id=None, events=())
    for event in request.events:
        check_event(so_far, event, today=today)
        so_far = replace(so_far, events=tuple(sorted((*so_far.events, event), key=_by_date)))
    with db.conn:
        cursor = db.conn.execute(
            "INSERT INTO rights_request (kind, jurisdiction, platforms, device, name, email, "
            "language, role, posts, reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                request.kind,
                request.jurisdiction,
                json.dumps(list(request.platforms)),
                request.device,
                _clean(request.name, MAX_NOTE_CHARS, "name"),
                _clean(request.email, MAX_NOTE_CHARS, "email"),
                request.language,
                request.role,
                _clean(request.posts, MAX_NOTE_CHARS, "description of your posts"),
                _clean(request.reason, MAX_NOTE_CHARS, "reason"),
                created.isoformat(timespec="seconds"),
            ),
        )
        request_id = int(cursor.lastrowid or 0)
        for event in request.events:
            _insert_event(db, request_id, event, created)
    return get_request(db, request_id)


def _by_date(event: Event) -> date:
    return event.on


def get_request(db: Database, request_id: int) -> Request:
    in_range = -(2**63) <= request_id < 2**63  # SQLite's integers; larger numbers name nothing
    row = (
        db.conn.execute("SELECT * FROM rights_request WHERE id = ?", (request_id,)).fetchone()
        if in_range
        else None
    )
    if row is None:
        known = [r[0] for r in db.conn.execute("SELECT id FROM rights_request ORDER BY id")]
        raise RequestNotFound(
            f"There is no request number {request_id}.",
            hint=(
                f"Your requests are numbered {', '.join(map(str, known))}; see notrain requests list."
                if known
                else "You have not recorded any request yet: start with notrain object."
            ),
        )
    events = db.conn.execute(
        "SELECT * FROM rights_event WHERE request_id = ? ORDER BY on_date, id", (request_id,)
    ).fetchall()
    return _request_from_row(row, tuple(_event_from_row(e) for e in events))


def list_requests(db: Database) -> list[Request]:
    ids = [r[0] for r in db.conn.execute("SELECT id FROM rights_request ORDER BY id")]
    return [get_request(db, request_id) for request_id in ids]


def delete_request(db: Database, request_id: int, *, home: Path | None = None) -> None:
    """Forget a request, its timeline and (in ``home``) the copies of Meta's replies."""
    get_request(db, request_id)
    with db.conn:
        db.conn.execute("DELETE FROM rights_request WHERE id = ?", (request_id,))
    if home is not None:
        shutil.rmtree(home / "replies" / str(request_id), ignore_errors=True)


def check_event(request: Request, event: Event, *, today: date | None = None) -> None:
    """Refuse a step whose date cannot be true for ``request`` (OptionError with the reason)."""
    number = request.id if request.id is not None else "REQUEST"
    today = today or date.today()
    if event.on > today:
        raise OptionError(
            f"{event.on.isoformat()} is in the future.",
            hint="Record things once they have happened; notrain reminds you of what is coming.",
        )
    submitted = request.submitted_on
    if event.status == Status.SUBMITTED and submitted is not None:
        raise OptionError(
            f"Request {number} was already submitted on {submitted.isoformat()}.",
            hint="Each request is submitted once; record a new objection with notrain object.",
        )
    if event.status not in (None, Status.DRAFTED, Status.SUBMITTED):
        if submitted is None:
            raise OptionError(
                f"Request {number} has not been submitted yet, so it cannot be "
                f"{event.status.value if event.status else 'updated'}.",
                hint=f"First record when you sent it: notrain requests update {number} "
                "--status submitted --on DATE.",
            )
        if event.on < submitted:
            raise OptionError(
                f"{event.on.isoformat()} is before the request was submitted "
                f"({submitted.isoformat()}).",
                hint="Check the date: Meta cannot have answered before it received the request.",
            )
    if event.status == Status.SUBMITTED:
        later = [e for e in request.events if e.status not in (None, Status.DRAFTED)]
        if later and min(e.on for e in later) < event.on:
            raise OptionError(
                f"Request {number} already has events before {event.on.isoformat()}.",
                hint="The submission date must come before Meta's answers.",
            )


def add_event(
    db: Database,
    request_id: int,
    event: Event,
    *,
    today: date | None = None,
    now: datetime | None = None,
) -> Request:
    """Record one step; refuse dates that cannot be true. Returns the updated request."""
    check_event(get_request(db, request_id), event, today=today)
    with db.conn:
        _insert_event(db, request_id, event, now or datetime.now(UTC))
    return get_request(db, request_id)


def _insert_event(db: Database, request_id: int, event: Event, now: datetime) -> None:
    db.conn.execute(
        "INSERT INTO rights_event (request_id, status, on_date, note, reply, reference, "
        "attachment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            request_id,
            event.status.value if event.status else None,
            event.on.isoformat(),
            _clean(event.note, MAX_NOTE_CHARS, "note"),
            _clean(event.reply, MAX_REPLY_CHARS, "reply"),
            _clean(event.reference, 200, "reference"),
            event.attachment,
            now.isoformat(timespec="seconds"),
        ),
    )


def save_attachment(home: Path, request_id: int, source: Path) -> str:
    """Copy a reply file into ``<home>/replies/<request>/`` (never moving the original) and return
    its path relative to the home."""
    if not source.is_file():
        raise InputError(
            f"{source} is not a file.", path=source, hint="Give the path of the saved reply."
        )
    folder = home / "replies" / str(request_id)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    counter = 1
    while target.exists():
        target = folder / f"{source.stem}-{counter}{source.suffix}"
        counter += 1
    partial = target.with_name(target.name + ".partial")
    try:
        shutil.copyfile(source, partial)
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InputError(f"Cannot copy {source}: {exc.strerror}.", path=source) from exc
    return target.relative_to(home).as_posix()


def _request_from_row(row: sqlite3.Row, events: tuple[Event, ...]) -> Request:
    return Request(
        id=row["id"],
        kind=row["kind"],
        jurisdiction=row["jurisdiction"],
        platforms=tuple(json.loads(row["platforms"])),
        device=row["device"],
        name=row["name"],
        email=row["email"],
        language=row["language"],
        role=row["role"],
        posts=row["posts"],
        reason=row["reason"],
        created_at=datetime.fromisoformat(row["created_at"]),
        events=events,
    )


def _event_from_row(row: sqlite3.Row) -> Event:
    return Event(
        id=row["id"],
        request_id=row["request_id"],
        status=Status(row["status"]) if row["status"] else None,
        on=date.fromisoformat(row["on_date"]),
        note=row["note"],
        reply=row["reply"],
        reference=row["reference"],
        attachment=row["attachment"],
        created_at=datetime.fromisoformat(row["created_at"]),
    )
