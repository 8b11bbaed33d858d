"""The SQLite database in the user's data folder."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from notrain.errors import StoreError
from notrain.imaging.pdq import PDQ_MATCH_DISTANCE
from notrain.store.home import resolve_home
from notrain.store.pdq_index import PdqMatch, add_pdq, match_pdq, remove_pdq
from notrain.store.identity import protect_file_permissions
from notrain.store.migrations import MIGRATIONS

__all__ = ["DB_NAME", "Database", "ProtectedImage"]

DB_NAME = "notrain.db"


@dataclass(frozen=True, kw_only=True)
class ProtectedImage:
    """One protected output, as the registry remembers it."""

    id: int | None = None
    input_path: str
    input_sha256: str
    options_key: str
    output_path: str
    output_sha256: str
    platform: str
    steps: list[dict[str, Any]]
    input_width: int
    input_height: int
    output_width: int
    output_height: int
    output_bytes: int
    report: dict[str, Any]
    created_at: str = ""
    mark_id: int | None = None
    payload: str | None = None
    pdq: str | None = None
    pdq_quality: int | None = None


class Database:
    """The notrain database: opened (and migrated) on construction.

    Use ``Database.open(home)`` to open the one in a data folder, or
    ``Database(path)`` for a file of your choosing (``":memory:"`` in tests).
    """

    def __init__(self, path: Path | str) -> None:
        self.path = path
        try:
            # One Database serves one caller at a time, but the web app may hand it from the
            # thread that opened it to another (FastAPI runs dependencies and routes apart).
            self.conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"Cannot open the notrain database at {path}: {exc}.",
                hint="If the file is damaged, move it aside; notrain creates a new one.",
            ) from exc

    @classmethod
    def open(cls, home: Path | str | None = None) -> Database:
        folder = resolve_home(home)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"Cannot create the notrain data folder {folder}: {exc.strerror}.",
                hint="Choose another folder with --home or NOTRAIN_HOME.",
            ) from exc
        db = cls(folder / DB_NAME)
        protect_file_permissions(db.path)
        return db

    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        current = self.version
        if current > len(MIGRATIONS):
            raise StoreError(
                f"The database at {self.path} is from a newer notrain (schema {current}, "
                f"this one knows {len(MIGRATIONS)}).",
                hint="Upgrade notrain, or point --home at another folder.",
            )
        for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
            with self.conn:
                self.conn.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record(self, image: ProtectedImage) -> int:
        """Store a protected output; an older record for the same output path is replaced."""
        row = _to_row(image)
        with self.conn:
            self._delete_output(row["output_path"])
            columns = ", ".join(row)
            marks = ", ".join(f":{name}" for name in row)
            cursor = self.conn.execute(
                f"INSERT INTO protected_image ({columns}) VALUES ({marks})", row
            )
            image_id = int(cursor.lastrowid or 0)
            if image.pdq:
                add_pdq(self.conn, image_id, bytes.fromhex(image.pdq))
        return image_id

    def forget(self, output_path: str) -> None:
        with self.conn:
            self._delete_output(output_path)

    def _delete_output(self, output_path: str) -> None:
        for old in self.conn.execute(
            "SELECT id, pdq FROM protected_image WHERE output_path = ?", (output_path,)
        ).fetchall():
            if old["pdq"]:
                remove_pdq(self.conn, old["id"], bytes.fromhex(old["pdq"]))
        self.conn.execute("DELETE FROM protected_image WHERE output_path = ?", (output_path,))

    def get(self, image_id: int) -> ProtectedImage | None:
        row = self.conn.execute(
            "SELECT * FROM protected_image WHERE id = ?", (image_id,)
        ).fetchone()
        return _from_row(row) if row else None

    def by_payload(self, payload: str) -> list[ProtectedImage]:
        """Outputs that carry this invisible-watermark payload (16 hex digits), newest first."""
        rows = self.conn.execute(
            "SELECT * FROM protected_image WHERE payload = ? ORDER BY id DESC", (payload.lower(),)
        )
        return [_from_row(row) for row in rows]

    def similar(
        self, hashes: Sequence[bytes], max_distance: int = PDQ_MATCH_DISTANCE
    ) -> list[tuple[ProtectedImage, PdqMatch]]:
        """Registered outputs whose PDQ hash is within ``max_distance`` of any of ``hashes``, closest first."""
        found = []
        for match in match_pdq(self.conn, hashes, max_distance):
            image = self.get(match.image_id)
            if image is not None:
                found.append((image, match))
        return found

    def find_done(self, input_sha256: str, options_key: str) -> list[ProtectedImage]:
        """Outputs already made from these input bytes with these options, newest first."""
        rows = self.conn.execute(
            "SELECT * FROM protected_image WHERE input_sha256 = ? AND options_key = ? ORDER BY id DESC",
            (input_sha256, options_key),
        )
        return [_from_row(row) for row in rows]

    def by_output_sha256(self, sha256: str) -> ProtectedImage | None:
        row = self.conn.execute(
            "SELECT * FROM protected_image WHERE output_sha256 = ? ORDER BY id DESC LIMIT 1",
            (sha256,),
        ).fetchone()
        return _from_row(row) if row else None

    def images(self) -> Iterator[ProtectedImage]:
        for row in self.conn.execute("SELECT * FROM protected_image ORDER BY id"):
            yield _from_row(row)


def _to_row(image: ProtectedImage) -> dict[str, Any]:
    row = {k: v for k, v in image.__dict__.items() if k != "id"}
    row["steps"] = json.dumps(image.steps, ensure_ascii=False)
    row["report"] = json.dumps(image.report, ensure_ascii=False)
    row["created_at"] = image.created_at or datetime.now(UTC).isoformat(timespec="seconds")
    return row


def _from_row(row: sqlite3.Row) -> ProtectedImage:
    values = dict(row)
    values["steps"] = json.loads(values["steps"])
    values["report"] = json.loads(values["report"])
    return ProtectedImage(**values)
