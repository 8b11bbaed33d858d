"""The export of everything notrain stores: a JSON file per table, read back and compared with
the database; the secret only when asked; attachments only from the replies folder."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from zipfile import ZipFile

import pytest

from notrain.rights.model import Event, Request, Status
from notrain.rights.requests import add_event, create_request, save_attachment
from notrain.store import Database, create_identity
from notrain.store.export import EXPORTED_TABLES, LEFT_OUT_TABLES, write_export
from notrain.store.settings import set_setting


def _request(db: Database) -> int:
    request = Request(
        jurisdiction="DE-BY",
        platforms=("instagram",),
        device="android",
        name="Zoë <script>alert(1)</script>",
        email="zoe@example.org",
        language="en",
        role="artist",
        posts="watercolours",
        reason="I object.",
        events=(
            Event(status=Status.DRAFTED, on=date(2026, 5, 1)),
            Event(status=Status.SUBMITTED, on=date(2026, 5, 2)),
        ),
    )
    return create_request(db, request, today=date(2026, 6, 1)).id or 0


@pytest.fixture
def filled(notrain_home: Path) -> Database:
    db = Database.open(notrain_home)
    create_identity(db, "Ann Example", "ann@example.org")
    create_identity(db, "Ann E.", "ann@example.com")
    set_setting(db, "protect.defaults", {"platform": "facebook", "mark": "© Ann"})
    request_id = _request(db)
    reply = notrain_home / "reply.eml"
    reply.write_text("Subject: your objection\n\nWe refuse.")
    attachment = save_attachment(notrain_home, request_id, reply)
    add_event(
        db,
        request_id,
        Event(status=Status.REFUSED, on=date(2026, 5, 20), attachment=attachment),
        today=date(2026, 6, 1),
    )
    (notrain_home / "web").mkdir(exist_ok=True)
    (notrain_home / "web" / "secret").write_bytes(b"CSRF-SECRET-NEVER-EXPORTED")
    yield db
    db.close()


def _export(db: Database, home: Path, **kwargs) -> tuple[ZipFile, object]:
    buffer = io.BytesIO()
    summary = write_export(db, home, buffer, **kwargs)
    buffer.seek(0)
    return ZipFile(buffer), summary


def test_every_table_is_exported_or_said_why_not(filled: Database) -> None:
    tables = {
        row[0]
        for row in filled.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    assert tables == {t.table for t in EXPORTED_TABLES} | set(LEFT_OUT_TABLES)


def test_each_file_holds_its_table(filled: Database, notrain_home: Path) -> None:
    archive, summary = _export(filled, notrain_home)
    names = set(archive.namelist())
    assert {t.file for t in EXPORTED_TABLES} <= names and "README.txt" in names
    for table in EXPORTED_TABLES:
        rows = json.loads(archive.read(table.file))
        count = filled.conn.execute(f"SELECT count(*) FROM {table.table}").fetchone()[0]
        assert len(rows) == count == summary.rows[table.file], table.file

    identities = json.loads(archive.read("identities.json"))
    assert [i["name"] for i in identities] == ["Ann Example", "Ann E."]
    assert identities[0]["retired_at"] and identities[1]["retired_at"] is None
    assert all("secret" not in i and i["secret_included"] is False for i in identities)
    settings = json.loads(archive.read("settings.json"))
    assert settings == [
        {"key": "protect.defaults", "value": {"mark": "© Ann", "platform": "facebook"}}
    ]
    (request,) = json.loads(archive.read("requests.json"))
    assert request["name"] == "Zoë <script>alert(1)</script>"
    assert request["platforms"] == ["instagram"]
    events = json.loads(archive.read("request-events.json"))
    assert [e["status"] for e in events] == ["drafted", "submitted", "refused"]


def test_attachments_go_in_and_nothing_else_of_the_folder(
    filled: Database, notrain_home: Path
) -> None:
    archive, summary = _export(filled, notrain_home)
    (name,) = summary.attachments
    assert archive.read(f"attachments/{name}").endswith(b"We refuse.")
    everything = b"".join(archive.read(n) for n in archive.namelist())
    assert b"CSRF-SECRET-NEVER-EXPORTED" not in everything
    assert not any(n.startswith("web/") or n.endswith("notrain.db") for n in archive.namelist())


def test_an_attachment_path_outside_the_replies_folder_is_not_followed(
    filled: Database, notrain_home: Path
) -> None:
    with filled.conn:
        filled.conn.execute(
            "UPDATE rights_event SET attachment = 'web/secret' WHERE attachment != ''"
        )
    archive, summary = _export(filled, notrain_home)
    assert summary.attachments == [] and summary.missing_attachments == ["web/secret"]
    assert not any(n.startswith("attachments/") for n in archive.namelist())
    assert "web/secret" in archive.read("README.txt").decode()


def test_the_secret_only_when_asked_and_the_readme_says_so(
    filled: Database, notrain_home: Path
) -> None:
    archive, _ = _export(filled, notrain_home)
    readme = archive.read("README.txt").decode()
    assert "NOT included" in readme and "identities.json (2 records)" in readme
    secrets = {r[0] for r in filled.conn.execute("SELECT secret FROM identity")}
    assert not any(s.encode() in archive.read("identities.json") for s in secrets)

    archive, summary = _export(filled, notrain_home, include_secret=True)
    assert summary.secret_included
    assert {i["secret"] for i in json.loads(archive.read("identities.json"))} == secrets
    assert "INCLUDED" in archive.read("README.txt").decode()


def test_an_empty_database_exports_empty_files(notrain_home: Path) -> None:
    with Database.open(notrain_home) as db:
        archive, summary = _export(db, notrain_home)
    assert all(json.loads(archive.read(t.file)) == [] for t in EXPORTED_TABLES)
    assert summary.attachments == [] and sum(summary.rows.values()) == 0
