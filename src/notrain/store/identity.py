"""The local identity: who the invisible watermark says owns a photo.

``notrain init`` creates a random secret that never leaves this computer; the
owner id written into every mark is derived from it (the first 28 bits of
HMAC-SHA256(secret, "notrain owner id v1")), so it says nothing about the name.
Replacing the identity retires the old one instead of deleting it: photos marked
with it still verify as yours. Each protected photo gets a new image id from
:func:`allocate_mark`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from notrain.errors import NotrainError, OptionError, StoreError
from notrain.watermark.payload import IMAGE_BITS, OWNER_BITS, PayloadError

if TYPE_CHECKING:
    from notrain.store.database import Database

__all__ = [
    "MAX_FIELD_LENGTH",
    "Identity",
    "NoIdentityError",
    "active_identity",
    "allocate_mark",
    "create_identity",
    "derive_owner_id",
    "identities",
    "owner_ids",
    "protect_file_permissions",
    "require_identity",
]

MAX_FIELD_LENGTH = 200

_SECRET_BYTES = 32
_OWNER_ID_MESSAGE = b"notrain owner id v1"
_SQLITE_SIDECARS = ("-wal", "-shm", "-journal")


class NoIdentityError(NotrainError):
    """An invisible watermark was asked for before ``notrain init`` was run."""

    def __init__(self) -> None:
        super().__init__(
            "You have no notrain identity yet; the invisible watermark needs one to say the photo is yours.",
            hint='Run: notrain init --name "Your Name" --contact you@example.com',
        )


@dataclass(frozen=True, kw_only=True)
class Identity:
    """One identity from the database; ``retired_at`` is set once a newer one replaced it."""

    id: int
    name: str
    contact: str
    owner_id: int
    created_at: str
    retired_at: str | None = None
    secret: bytes = field(repr=False)

    @property
    def owner_hex(self) -> str:
        """The owner id as 7 hex digits, as notrain shows it (``0a1b2c3``)."""
        return f"{self.owner_id:07x}"

    @property
    def active(self) -> bool:
        return self.retired_at is None


def derive_owner_id(secret: bytes) -> int:
    """The 28-bit owner id for a secret: the first 28 bits of its HMAC-SHA256, never 0."""
    digest = hmac.new(secret, _OWNER_ID_MESSAGE, hashlib.sha256).digest()
    owner_id = int.from_bytes(digest[:4], "big") >> (32 - OWNER_BITS)
    return owner_id or 1


def create_identity(db: Database, name: str, contact: str) -> Identity:
    """Make a new identity with a fresh secret; the one in use, if any, is retired."""
    name = _check_text("name", name, "Give the name photos should credit, such as Ann Example.")
    contact = _check_text(
        "contact", contact, "Give an email address or a web page, such as ann@example.com."
    )
    secret = secrets.token_bytes(_SECRET_BYTES)
    now = _now()
    protect_file_permissions(db.path)  # before the secret is written, so no readable copy exists
    with db.conn:
        db.conn.execute("UPDATE identity SET retired_at = ? WHERE retired_at IS NULL", (now,))
        cursor = db.conn.execute(
            "INSERT INTO identity (name, contact, secret, owner_id, created_at) VALUES (?, ?, ?, ?, ?)",
            (name, contact, secret.hex(), derive_owner_id(secret), now),
        )
    row = db.conn.execute("SELECT * FROM identity WHERE id = ?", (cursor.lastrowid,)).fetchone()
    return _from_row(row)


def active_identity(db: Database) -> Identity | None:
    """The identity new photos are marked with, or None before ``notrain init``."""
    row = db.conn.execute(
        "SELECT * FROM identity WHERE retired_at IS NULL ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return _from_row(row) if row else None


def require_identity(db: Database) -> Identity:
    """The active identity; :class:`NoIdentityError` (saying to run ``notrain init``) if there is none."""
    identity = active_identity(db)
    if identity is None:
        raise NoIdentityError()
    return identity


def identities(db: Database) -> list[Identity]:
    """Every identity, newest first; retired ones still count as yours when verifying old photos."""
    return [_from_row(row) for row in db.conn.execute("SELECT * FROM identity ORDER BY id DESC")]


def owner_ids(db: Database) -> set[int]:
    """The owner ids of every identity, retired ones included."""
    return {int(row[0]) for row in db.conn.execute("SELECT owner_id FROM identity")}


def allocate_mark(db: Database, owner_id: int, job_key: str | None = None) -> int:
    """A new image id for one photo marked by ``owner_id``: 1, 2, 3, ... never reused.

    With ``job_key`` (what identifies one job: input, options, output), asking again for the same
    job returns the same id, so an interrupted batch redoes its work into identical bytes.
    """
    if not 0 < owner_id < 1 << OWNER_BITS:
        raise PayloadError(f"An owner id is from 1 to {(1 << OWNER_BITS) - 1}; got {owner_id}.")
    limit = (1 << IMAGE_BITS) - 1
    if job_key is not None:
        row = db.conn.execute(
            "SELECT id FROM mark WHERE owner_id = ? AND job_key = ?", (owner_id, job_key)
        ).fetchone()
        if row is not None:
            return int(row[0])
    with db.conn:
        cursor = db.conn.execute(
            "INSERT INTO mark (owner_id, job_key, created_at) VALUES (?, ?, ?)",
            (owner_id, job_key, _now()),
        )
        mark_id = int(cursor.lastrowid or 0)
        if mark_id > limit:
            raise StoreError(
                f"This database has handed out all {limit:,} image ids the invisible watermark can hold.",
                hint="Keep this data folder to verify old photos, and mark new ones from a fresh one (--home).",
            )
    return mark_id


def protect_file_permissions(path: Path | str) -> None:
    """Make the database file (and SQLite's journal files next to it) readable by its owner only.

    It holds the identity's secret. Nothing happens on Windows, for ``":memory:"``,
    or where the file system does not keep POSIX permissions.
    """
    if os.name == "nt" or str(path) in ("", ":memory:"):
        return
    path = Path(path)
    for candidate in (path, *(path.with_name(path.name + suffix) for suffix in _SQLITE_SIDECARS)):
        try:
            candidate.chmod(0o600)
        except OSError:
            # Missing journal files are normal, and some mounted file systems (FAT, SMB)
            # refuse chmod; notrain must still work there.
            continue


def _check_text(label: str, value: str, hint: str) -> str:
    text = (value or "").strip()
    if not text:
        raise OptionError(f"The {label} is empty.", hint=hint)
    if len(text) > MAX_FIELD_LENGTH:
        raise OptionError(
            f"The {label} is {len(text)} characters long; at most {MAX_FIELD_LENGTH} are allowed.",
            hint=hint,
        )
    control = next((ch for ch in text if unicodedata.category(ch) == "Cc"), None)
    if control is not None:
        raise OptionError(
            f"The {label} contains a control character (U+{ord(control):04X}); it must be one line of text.",
            hint=hint,
        )
    return text


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _from_row(row: sqlite3.Row) -> Identity:
    values = dict(row)
    values["secret"] = bytes.fromhex(values["secret"])
    return Identity(**values)
