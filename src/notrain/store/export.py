"""Everything notrain stores about the person, as one ZIP they can read: a JSON file per table
of the database, the reply files attached to their requests, and a README.txt saying what each
file holds.

The identity's secret is left out unless asked for: it is what proves that photos marked with
the invisible watermark are the person's, and anyone holding it could mark photos as theirs.
Nothing else of the data folder goes in (not the web app's private files, nor the signing keys).
"""

from __future__ import annotations

import json
import sqlite3
import textwrap
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from zipfile import ZIP_DEFLATED, ZipFile

from notrain.store.database import Database

__all__ = ["EXPORTED_TABLES", "LEFT_OUT_TABLES", "ExportSummary", "Table", "write_export"]

ATTACHMENTS = "attachments"
"""The folder in the ZIP that holds the files attached to requests (under their stored path)."""


@dataclass(frozen=True)
class Table:
    """One table as it is exported: the file it goes to, what it holds, and which of its columns
    hold JSON (written as JSON, not as a string of it)."""

    table: str
    file: str
    about: str
    json_columns: tuple[str, ...] = ()
    order: str = "rowid"


EXPORTED_TABLES: tuple[Table, ...] = (
    Table(
        "identity",
        "identities.json",
        "Your identities: the name and contact your photos credit, the owner id the invisible "
        "watermark carries, when each was made and retired. Retired ones still prove old photos "
        "are yours.",
        order="id",
    ),
    Table(
        "mark",
        "image-ids.json",
        "The photo numbers handed out for the invisible watermark, one per protected photo, "
        "with the owner id they were given under.",
        order="id",
    ),
    Table(
        "protected_image",
        "protected-images.json",
        "The registry of protected photos: the original and the protected copy (paths, sizes, "
        "SHA-256 fingerprints), the platform, the steps taken, the survival report, the "
        "watermark's message and the perceptual hash used to recognise the photo later.",
        json_columns=("steps", "report"),
        order="id",
    ),
    Table(
        "rights_request",
        "requests.json",
        "Your objections and other requests to platforms: where and how you sent them, the name "
        "and email you gave, and the reason you wrote.",
        json_columns=("platforms",),
        order="id",
    ),
    Table(
        "rights_event",
        "request-events.json",
        "What happened with each request, by date: submitted, answered, refused... with your "
        "notes, pasted replies, reference numbers and the attached file's name (the files "
        f"themselves are in the {ATTACHMENTS}/ folder).",
        order="request_id, on_date, id",
    ),
    Table(
        "watch_document",
        "watched-documents.json",
        "The privacy policies and terms notrain watches for you, and where it reads them.",
        json_columns=("selectors",),
        order="key",
    ),
    Table(
        "watch_state",
        "watch-checks.json",
        "The last check of each watched document: when, what came of it, and how far its "
        "changes were reported.",
        order="document",
    ),
    Table(
        "watch_version",
        "document-versions.json",
        "Each version of a watched document notrain has seen: when it was captured, its "
        "effective date, and the SHA-256 of its text (the texts are in document-texts.json).",
        order="document, captured, id",
    ),
    Table(
        "watch_text",
        "document-texts.json",
        "The text of every document version, once each, by its SHA-256.",
        order="sha256",
    ),
    Table(
        "watch_change",
        "document-changes.json",
        "The changes notrain reported between versions, with the sentences added and removed "
        "and whether they concern AI.",
        json_columns=("change",),
        order="captured, id",
    ),
    Table(
        "watch_ota_cursor",
        "policy-archive-imports.json",
        "How far each import from the Open Terms Archive went.",
        order="repo, branch",
    ),
    Table(
        "setting",
        "settings.json",
        "Your settings (defaults for protecting photos, policy-watch notifications and others), "
        "by name.",
        json_columns=("value",),
        order="key",
    ),
    Table(
        "web_job",
        "web-jobs.json",
        "The work the web app did in the background (protecting, reading exports, checking "
        "policies): what was asked, how far it got, and the result.",
        json_columns=("params", "progress", "result"),
        order="created_at, rowid",
    ),
)
"""The tables that go into the export, in the order of the README."""

LEFT_OUT_TABLES: dict[str, str] = {
    "pdq_band": "an index notrain rebuilds from the perceptual hashes in protected-images.json",
}
"""Tables that hold nothing of their own, and why they are not exported."""


@dataclass
class ExportSummary:
    """What went into the ZIP: rows per file, attachments, and attachments that were missing."""

    rows: dict[str, int] = field(default_factory=dict)
    attachments: list[str] = field(default_factory=list)
    missing_attachments: list[str] = field(default_factory=list)
    secret_included: bool = False


def write_export(
    db: Database, home: Path, out: IO[bytes], *, include_secret: bool = False
) -> ExportSummary:
    """Write the ZIP of everything notrain stores to ``out`` (a binary file or buffer).

    ``home`` is the data folder, where the requests' attachments live; ``include_secret`` puts
    each identity's secret in identities.json (hex), for moving the identity to another data
    folder by hand.
    """
    summary = ExportSummary(secret_included=include_secret)
    present = _tables(db)
    with ZipFile(out, "w", ZIP_DEFLATED) as archive:
        for table in EXPORTED_TABLES:
            rows = _rows(db, table, include_secret) if table.table in present else []
            summary.rows[table.file] = len(rows)
            archive.writestr(table.file, json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        for name in _attachment_names(db):
            source = _inside(home, name)
            if source is None:
                summary.missing_attachments.append(name)
                continue
            archive.write(source, f"{ATTACHMENTS}/{name}")
            summary.attachments.append(name)
        archive.writestr("README.txt", _readme(summary, home))
    return summary


def _tables(db: Database) -> set[str]:
    rows = db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in rows}


def _rows(db: Database, table: Table, include_secret: bool) -> list[dict[str, Any]]:
    rows = []
    # Table and column names come from EXPORTED_TABLES above, never from a caller.
    for row in db.conn.execute(f"SELECT * FROM {table.table} ORDER BY {table.order}"):
        values = dict(row)
        for column in table.json_columns:
            if isinstance(values.get(column), str):
                values[column] = _json(values[column])
        if table.table == "identity":
            values["owner_id"] = f"{values['owner_id']:07x}"
            if not include_secret:
                values.pop("secret", None)
            values["secret_included"] = include_secret
        rows.append(values)
    return rows


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _attachment_names(db: Database) -> list[str]:
    try:
        rows = db.conn.execute(
            "SELECT DISTINCT attachment FROM rights_event WHERE attachment != '' ORDER BY 1"
        )
        return [row[0] for row in rows]
    except sqlite3.OperationalError:  # a database from before requests existed
        return []


def _inside(home: Path, name: str) -> Path | None:
    """The attachment's file when it lies in the data folder's ``replies/`` folder, else None
    (a path in the database never reaches other files)."""
    replies = (home / "replies").resolve()
    path = (home / name).resolve()
    if not path.is_relative_to(replies) or not path.is_file():
        return None
    return path


def _readme(summary: ExportSummary, home: Path) -> str:
    now = datetime.now(UTC).astimezone()
    lines = [
        "Everything notrain stores about you",
        "===================================",
        "",
        f"Exported on {now:%d %B %Y at %H:%M} from the notrain data folder {home}.",
        "Each .json file holds one part of notrain's database as a list of records; open them",
        "with any text editor. Dates are in ISO format (2026-05-01T12:00:00+00:00, in UTC).",
        "",
        "The files",
        "---------",
    ]
    for table in EXPORTED_TABLES:
        count = summary.rows.get(table.file, 0)
        lines += ["", f"{table.file} ({count} {'record' if count == 1 else 'records'})"]
        lines += _wrap(table.about)
    lines += ["", f"{ATTACHMENTS}/ ({len(summary.attachments)} files)"]
    lines += _wrap(
        "The files you attached to your requests (saved replies), under the name notrain keeps "
        "them by (replies/<request number>/<file>)."
    )
    if summary.missing_attachments:
        lines += _wrap(
            "Missing from the data folder, so not included: "
            + ", ".join(summary.missing_attachments)
            + "."
        )
    lines += ["", "Your identity's secret", "----------------------"]
    if summary.secret_included:
        lines += _wrap(
            "INCLUDED (the 'secret' of each record in identities.json), because you asked for "
            "it. It is what proves that photos carrying your invisible watermark are yours: "
            "anyone who has it can mark photos as yours. Keep this file private."
        )
    else:
        lines += _wrap(
            "NOT included: the secret in each identity proves that photos carrying your "
            "invisible watermark are yours, and anyone holding it could mark photos as yours. "
            "This export is for reading; to keep your identity safe, back up the whole data "
            "folder (the file notrain.db and the credentials folder) instead."
        )
    lines += ["", "Not in this export", "------------------"]
    lines += _wrap(
        "The photos themselves (the registry names where they are), the keys of your signing "
        "identity for Content Credentials (in the credentials folder of the data folder), and "
        "the web app's private working files."
    )
    for table, why in LEFT_OUT_TABLES.items():
        lines += _wrap(f"The table {table}: {why}.")
    return "\n".join(lines) + "\n"


def _wrap(text: str) -> list[str]:
    return textwrap.wrap(text, 88)
