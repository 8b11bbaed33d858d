import sqlite3

import pytest

from notrain.errors import StoreError
from notrain.store import DB_NAME, Database, ProtectedImage, resolve_home
from notrain.store.migrations import MIGRATIONS


def _image(**overrides):
    values = dict(
        input_path="/in/a.jpg", input_sha256="aa", options_key="k1", output_path="/out/a.jpg", output_sha256="bb",
        platform="instagram", steps=[{"name": "prepare"}], input_width=4000, input_height=3000, output_width=1080,
        output_height=810, output_bytes=123, report={"status": "done"},
    )
    values.update(overrides)
    return ProtectedImage(**values)


def test_new_database_is_migrated_to_the_latest_schema(tmp_path):
    with Database.open(tmp_path / "home") as db:
        assert db.version == len(MIGRATIONS)
    assert (tmp_path / "home" / DB_NAME).is_file()


def test_home_comes_from_argument_then_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NOTRAIN_HOME", str(tmp_path / "env"))
    assert resolve_home() == tmp_path / "env"
    assert resolve_home(tmp_path / "arg") == tmp_path / "arg"


def test_record_and_find_round_trip(tmp_path):
    with Database(tmp_path / "db.sqlite") as db:
        image_id = db.record(_image())
        (found,) = db.find_done("aa", "k1")
        assert found.id == image_id and found.steps == [{"name": "prepare"}] and found.report == {"status": "done"}
        assert db.find_done("aa", "other-options") == []
        assert db.by_output_sha256("bb").output_path == "/out/a.jpg"


def test_recording_the_same_output_again_replaces_the_old_record(tmp_path):
    with Database(tmp_path / "db.sqlite") as db:
        db.record(_image(output_sha256="old"))
        db.record(_image(output_sha256="new"))
        assert [i.output_sha256 for i in db.images()] == ["new"]


def test_database_from_a_newer_notrain_is_refused(tmp_path):
    path = tmp_path / "db.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer notrain"):
        Database(path)


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path):
    path = tmp_path / "db.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="Cannot open the notrain database"):
        Database(path)
