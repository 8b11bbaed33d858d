"""Watched documents and their versions, kept in the notrain database.

Versions are content-addressed: each distinct text is stored once, under the sha256 of its
UTF-8 bytes, however many captures (of however many documents) share it. The hash is of the
text exactly as given, so callers store the *normalised* text
(:func:`notrain.watch.text.normalise`): then two captures of the same policy, rendered
differently, get the same hash. :func:`text_sha256` computes it.

A version is one capture: the same text captured at two times is two versions with one hash,
and adding a version again (same document, hash and capture time) changes nothing, so imports
and fetches can be repeated safely.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from notrain.errors import OptionError
from notrain.watch.model import Document, Version

if TYPE_CHECKING:
    from notrain.store.database import Database

__all__ = [
    "UnknownDocumentError",
    "add_version",
    "add_versions",
    "document",
    "documents",
    "latest_good",
    "remove_document",
    "save_document",
    "text_sha256",
    "versions",
]


class UnknownDocumentError(OptionError):
    """A document key that notrain does not watch."""

    def __init__(self, key: str) -> None:
        super().__init__(
            f"notrain does not watch a document called {key!r}.",
            hint="See the keys with notrain watch list; add a document with notrain watch add URL.",
        )
        self.key = key


def text_sha256(text: str) -> str:
    """The content address of ``text``: sha256 of its UTF-8 bytes, as 64 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def save_document(db: Database, document: Document, *, added_by_user: bool = False) -> None:
    """Add a watched document, or update the one with the same key (its versions stay).

    ``added_by_user`` marks documents the person added themselves (``notrain watch add``),
    as opposed to the ones notrain ships or an import created."""
    with db.conn:
        db.conn.execute(
            "INSERT INTO watch_document (key, service, doc_type, name, jurisdiction, language, "
            "url, selectors, source, checked, added_by_user, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET service = excluded.service, name = excluded.name, "
            "doc_type = excluded.doc_type, jurisdiction = excluded.jurisdiction, "
            "language = excluded.language, url = excluded.url, selectors = excluded.selectors, "
            "source = excluded.source, checked = excluded.checked, "
            "added_by_user = excluded.added_by_user",
            (
                document.key,
                document.service,
                document.doc_type,
                document.name,
                document.jurisdiction,
                document.language,
                document.url,
                json.dumps({"select": list(document.select), "remove": list(document.remove)}),
                document.source,
                document.checked.isoformat() if document.checked else None,
                int(added_by_user),
                _utc_text(datetime.now(UTC)),
            ),
        )


def document(db: Database, key: str) -> Document | None:
    """The watched document with this key, or None."""
    row = db.conn.execute("SELECT * FROM watch_document WHERE key = ?", (key,)).fetchone()
    return _document_from_row(row) if row else None


def documents(db: Database, *, added_by_user: bool | None = None) -> list[Document]:
    """The watched documents, by key; only the person's own (or only the others) if asked."""
    if added_by_user is None:
        rows = db.conn.execute("SELECT * FROM watch_document ORDER BY key")
    else:
        rows = db.conn.execute(
            "SELECT * FROM watch_document WHERE added_by_user = ? ORDER BY key",
            (int(added_by_user),),
        )
    return [_document_from_row(row) for row in rows]


def remove_document(db: Database, key: str) -> None:
    """Stop watching a document and forget its versions (texts no other version uses go too)."""
    with db.conn:
        deleted = db.conn.execute("DELETE FROM watch_document WHERE key = ?", (key,)).rowcount
        if not deleted:
            raise UnknownDocumentError(key)
        db.conn.execute(
            "DELETE FROM watch_text WHERE sha256 NOT IN (SELECT sha256 FROM watch_version)"
        )


def add_version(db: Database, version: Version) -> bool:
    """Store one capture; False if this document already has this text at this capture time.

    ``version.sha256`` may be left empty (it is computed); when given it must be
    :func:`text_sha256` of ``version.text``. ``version.captured`` must carry a time zone."""
    return bool(add_versions(db, [version]))


def add_versions(db: Database, versions: Iterable[Version]) -> list[Version]:
    """Store many captures in one transaction (as :func:`add_version`); returns the new ones."""
    added = []
    with db.conn:
        for version in versions:
            if _insert(db.conn, version):
                added.append(version)
    return added


def versions(db: Database, document_key: str) -> list[Version]:
    """Every version of a document, broken ones included, in capture order."""
    rows = db.conn.execute(
        "SELECT * FROM watch_version WHERE document = ? ORDER BY captured, id", (document_key,)
    ).fetchall()
    texts = _texts(db.conn, {row["sha256"] for row in rows})
    return [_version_from_row(row, texts[row["sha256"]]) for row in rows]


def latest_good(db: Database, document_key: str) -> Version | None:
    """The most recently captured version that is not broken, or None."""
    row = db.conn.execute(
        "SELECT * FROM watch_version WHERE document = ? AND broken = 0 "
        "ORDER BY captured DESC, id DESC LIMIT 1",
        (document_key,),
    ).fetchone()
    if row is None:
        return None
    return _version_from_row(row, _texts(db.conn, {row["sha256"]})[row["sha256"]])


def _insert(conn: sqlite3.Connection, version: Version) -> bool:
    sha = text_sha256(version.text)
    if version.sha256 and version.sha256 != sha:
        raise ValueError(
            f"version of {version.document} says sha256 {version.sha256} but its text hashes "
            f"to {sha}; hash the text that is stored (the normalised one)"
        )
    conn.execute(
        "INSERT OR IGNORE INTO watch_text (sha256, text) VALUES (?, ?)", (sha, version.text)
    )
    try:
        cursor = conn.execute(
            "INSERT OR IGNORE INTO watch_version (document, sha256, captured, effective, broken, "
            "broken_reason, origin) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                version.document,
                sha,
                _utc_text(version.captured),
                version.effective.isoformat() if version.effective else None,
                int(version.broken),
                version.broken_reason,
                version.origin,
            ),
        )
    except sqlite3.IntegrityError as exc:
        raise UnknownDocumentError(version.document) from exc
    return cursor.rowcount == 1


def _texts(conn: sqlite3.Connection, shas: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    wanted = sorted(shas)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT sha256, text FROM watch_text WHERE sha256 IN ({marks})", chunk
        ):
            found[row["sha256"]] = row["text"]
    return found


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"capture time {moment} has no time zone; give it in UTC")
    return moment.astimezone(UTC).isoformat()


def _version_from_row(row: sqlite3.Row, text: str) -> Version:
    return Version(
        document=row["document"],
        sha256=row["sha256"],
        text=text,
        captured=datetime.fromisoformat(row["captured"]),
        effective=date.fromisoformat(row["effective"]) if row["effective"] else None,
        broken=bool(row["broken"]),
        broken_reason=row["broken_reason"],
        origin=row["origin"],
    )


def _document_from_row(row: sqlite3.Row) -> Document:
    selectors = json.loads(row["selectors"])
    return Document(
        key=row["key"],
        service=row["service"],
        doc_type=row["doc_type"],
        name=row["name"],
        jurisdiction=row["jurisdiction"],
        language=row["language"],
        url=row["url"],
        select=tuple(selectors.get("select", ())),
        remove=tuple(selectors.get("remove", ())),
        source=row["source"],
        checked=date.fromisoformat(row["checked"]) if row["checked"] else None,
    )
