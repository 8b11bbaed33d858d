"""The Settings page through the test client: the identity made and changed (old ones kept),
text escaped, the Protect page's defaults checked as a protect run would check them, and the
export of everything notrain stores."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path
from zipfile import ZipFile

from web_support import web_client

from notrain.credentials.identity import signing_identity_exists
from notrain.protect.options import DEFAULTS_SETTING as DEFAULTS_KEY
from notrain.store import Database, identities
from notrain.store.export import EXPORTED_TABLES
from notrain.store.settings import get_setting

SCRIPT = "<script>alert(1)</script>"
GOOD_DEFAULTS = {
    "platform": "facebook",
    "mark": "© Ann",
    "mark_position": "tiled",
    "keep_location": "on",
    "watermark": "on",
    "credentials": "off",
}


def _alerts(page: str) -> list[str]:
    found = re.findall(r'role="alert">(.*?)</div>', page, re.DOTALL)
    return [html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m))).strip() for m in found]


def _stored(home: Path):
    with Database.open(home) as db:
        return identities(db)


def test_the_page_without_an_identity(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        response = client.get("/settings")
    page = response.text
    assert response.status_code == 200
    assert 'id="identity"' in page and "Set up your identity" in page
    assert str(notrain_home) in page and "notrain serve --home" in page and "NOTRAIN_HOME" in page
    assert "notrain.db" in page
    assert 'href="/settings/export.zip"' in page


def test_creating_an_identity_escapes_the_name_and_makes_a_signature(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        response = client.post(
            "/settings/identity", data={"name": f"Ann {SCRIPT}", "contact": "ann@example.org"}
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/settings#identity"
        page = client.get("/settings").text
    (identity,) = _stored(notrain_home)
    assert identity.name == f"Ann {SCRIPT}"
    assert signing_identity_exists(notrain_home)
    assert SCRIPT not in page and "Ann &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert identity.owner_hex in page and "ready" in page
    assert "Welcome, Ann &lt;script&gt;" in page


def test_changing_the_identity_keeps_the_old_one(notrain_home: Path, identity) -> None:
    with web_client(notrain_home, worker=False) as client:
        same = client.post(
            "/settings/identity", data={"name": identity.name, "contact": identity.contact}
        )
        assert same.status_code == 303 and len(_stored(notrain_home)) == 1
        assert "unchanged" in client.get("/settings").text
        changed = client.post(
            "/settings/identity", data={"name": "Ann E.", "contact": "ann@example.com"}
        )
        assert changed.status_code == 303
        page = client.get("/settings").text
    new, old = _stored(notrain_home)
    assert new.active and new.name == "Ann E." and old.retired_at is not None
    assert "Earlier identities" in page and old.owner_hex in page and new.owner_hex in page
    assert "still show as yours" in page


def test_an_empty_name_is_refused_with_what_was_typed(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        response = client.post(
            "/settings/identity", data={"name": "  ", "contact": f"ann{SCRIPT}@example.org"}
        )
    assert response.status_code == 400
    assert _alerts(response.text)[0].startswith("The name is empty.")
    assert "--name" not in response.text, "no command-line words in the hint"
    assert 'value="ann&lt;script&gt;alert(1)&lt;/script&gt;@example.org"' in response.text
    assert _stored(notrain_home) == []


def test_defaults_are_saved_as_protect_options(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        response = client.post("/settings/defaults", data=GOOD_DEFAULTS)
        assert response.status_code == 303
        page = client.get("/settings").text
    with Database.open(notrain_home) as db:
        saved = get_setting(db, DEFAULTS_KEY)
    assert saved == {
        "platform": "facebook",
        "mark": "© Ann",
        "mark_position": "tiled",
        "keep_location": True,
        "keep_camera": False,
        "watermark": True,
        "rights": False,
        "credentials": False,
    }
    assert '<option value="facebook" selected>' in page
    assert 'id="credentials-off" value="off" checked' in page


def test_bad_defaults_are_shown_again_with_the_message(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        platform = client.post(
            "/settings/defaults", data={**GOOD_DEFAULTS, "platform": "myspace", "mark": SCRIPT}
        )
        position = client.post(
            "/settings/defaults", data={**GOOD_DEFAULTS, "mark_position": "middle"}
        )
    assert platform.status_code == 400
    assert "Unknown platform 'myspace'." in _alerts(platform.text)[0]
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in platform.text
    assert SCRIPT not in platform.text
    assert position.status_code == 400 and "Unknown mark position" in _alerts(position.text)[0]
    with Database.open(notrain_home) as db:
        assert get_setting(db, DEFAULTS_KEY) is None


def test_defaults_go_back_to_notrains_own(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        client.post("/settings/defaults", data=GOOD_DEFAULTS)
        assert client.post("/settings/defaults/reset").status_code == 303
    with Database.open(notrain_home) as db:
        assert get_setting(db, DEFAULTS_KEY) is None


def test_the_export_holds_the_database_and_not_the_secrets(notrain_home: Path, identity) -> None:
    with web_client(notrain_home, worker=False) as client:
        client.post("/settings/defaults", data=GOOD_DEFAULTS)
        response = client.get("/settings/export.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="notrain-export-'
    )
    archive = ZipFile(io.BytesIO(response.content))
    assert {t.file for t in EXPORTED_TABLES} | {"README.txt"} <= set(archive.namelist())
    with Database.open(notrain_home) as db:
        for table in EXPORTED_TABLES:
            count = db.conn.execute(f"SELECT count(*) FROM {table.table}").fetchone()[0]
            assert len(json.loads(archive.read(table.file))) == count, table.file
    (person,) = json.loads(archive.read("identities.json"))
    assert person["name"] == identity.name and "secret" not in person
    settings = {s["key"]: s["value"] for s in json.loads(archive.read("settings.json"))}
    assert settings[DEFAULTS_KEY]["platform"] == "facebook"
    everything = b"".join(archive.read(n) for n in archive.namelist())
    assert (notrain_home / "web" / "secret").read_bytes() not in everything
    assert identity.secret.hex().encode() not in everything


def test_the_export_is_a_read(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        assert client.post("/settings/export.zip").status_code == 405


def test_forms_need_the_session_token(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        for url in (
            "/settings/identity",
            "/settings/signing",
            "/settings/defaults",
            "/settings/defaults/reset",
        ):
            assert client.post(url, csrf=False, data={"name": "x"}).status_code == 403
    assert _stored(notrain_home) == []


def test_a_missing_signature_is_made_for_the_identity_in_use(notrain_home: Path, identity) -> None:
    with web_client(notrain_home, worker=False) as client:
        assert "Make my signature" in client.get("/settings").text
        assert client.post("/settings/signing").status_code == 303
        page = client.get("/settings").text
    assert signing_identity_exists(notrain_home)
    assert "Your signature is ready" in page and "Make my signature" not in page
    assert len(_stored(notrain_home)) == 1
