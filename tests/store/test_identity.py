"""The local identity: creation, owner id derivation, retiring, image ids, and the database file's permissions."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import pytest

from notrain.errors import NotrainError, OptionError, StoreError
from notrain.store import Database
from notrain.store.identity import (
    NoIdentityError,
    active_identity,
    allocate_mark,
    create_identity,
    derive_owner_id,
    identities,
    owner_ids,
    protect_file_permissions,
    require_identity,
)
from notrain.watermark.payload import PayloadError

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


@pytest.fixture
def db():
    with Database(":memory:") as database:
        yield database


def test_create_stores_a_32_byte_secret_as_hex(db):
    identity = create_identity(db, "  Ann Example ", " ann@example.com ")
    assert (identity.name, identity.contact) == ("Ann Example", "ann@example.com")
    assert identity.active and identity.retired_at is None
    stored = db.conn.execute("SELECT secret FROM identity WHERE id = ?", (identity.id,)).fetchone()[
        0
    ]
    assert len(stored) == 64 and bytes.fromhex(stored) == identity.secret


def test_owner_id_is_the_first_28_bits_of_the_hmac(db):
    identity = create_identity(db, "Ann", "ann@example.com")
    digest = hmac.new(identity.secret, b"notrain owner id v1", hashlib.sha256).hexdigest()
    assert identity.owner_id == int(digest[:7], 16)
    assert identity.owner_hex == digest[:7]


def test_an_owner_id_of_0_becomes_1(monkeypatch):
    class ZeroHead:
        def digest(self) -> bytes:
            return b"\x00\x00\x00\x0f" + b"\xff" * 28  # the first 28 bits are 0

    monkeypatch.setattr(hmac, "new", lambda *args: ZeroHead())
    assert derive_owner_id(b"any secret") == 1


def test_secrets_and_owner_ids_differ_between_identities(db):
    first = create_identity(db, "Ann", "ann@example.com")
    second = create_identity(db, "Ann", "ann@example.com")
    assert first.secret != second.secret and first.owner_id != second.owner_id


def test_the_secret_is_not_in_the_repr(db):
    identity = create_identity(db, "Ann", "ann@example.com")
    assert identity.secret.hex() not in repr(identity) and "secret" not in repr(identity)


def test_creating_again_retires_the_old_identity_but_keeps_it(db):
    old = create_identity(db, "Ann", "ann@example.com")
    new = create_identity(db, "Ann Example", "ann@example.org")
    assert active_identity(db) == new
    assert [i.id for i in identities(db)] == [new.id, old.id]
    retired = identities(db)[1]
    assert retired.retired_at == new.created_at and not retired.active
    assert owner_ids(db) == {old.owner_id, new.owner_id}


def test_without_an_identity(db):
    assert active_identity(db) is None
    assert identities(db) == [] and owner_ids(db) == set()
    with pytest.raises(NoIdentityError) as caught:
        require_identity(db)
    assert isinstance(caught.value, NotrainError)
    assert caught.value.hint == 'Run: notrain init --name "Your Name" --contact you@example.com'


def test_require_identity_returns_the_active_one(db):
    create_identity(db, "Ann", "ann@example.com")
    newest = create_identity(db, "Bea", "bea@example.com")
    assert require_identity(db) == newest


def test_allocate_mark_counts_up_and_records_the_owner(db):
    identity = create_identity(db, "Ann", "ann@example.com")
    assert [allocate_mark(db, identity.owner_id) for _ in range(3)] == [1, 2, 3]
    rows = db.conn.execute("SELECT owner_id FROM mark ORDER BY id").fetchall()
    assert [r[0] for r in rows] == [identity.owner_id] * 3


def test_allocate_mark_never_reuses_an_id(db):
    first = allocate_mark(db, 5)
    db.conn.execute("DELETE FROM mark")
    assert allocate_mark(db, 5) == first + 1


def test_allocate_mark_refuses_ids_beyond_28_bits(db):
    with db.conn:
        db.conn.execute(
            "INSERT INTO mark (id, owner_id, created_at) VALUES (?, 5, 'x')", ((1 << 28) - 1,)
        )
    with pytest.raises(StoreError, match="all 268,435,455 image ids") as caught:
        allocate_mark(db, 5)
    assert caught.value.hint
    assert db.conn.execute("SELECT COUNT(*) FROM mark").fetchone()[0] == 1


@pytest.mark.parametrize("owner_id", [0, -1, 1 << 28])
def test_allocate_mark_refuses_impossible_owner_ids(db, owner_id):
    with pytest.raises(PayloadError, match="owner id is from 1 to 268435455"):
        allocate_mark(db, owner_id)


@pytest.mark.parametrize(
    ("name", "contact", "match"),
    [
        ("", "ann@example.com", "The name is empty"),
        ("   ", "ann@example.com", "The name is empty"),
        ("A" * 201, "ann@example.com", "The name is 201 characters long; at most 200"),
        ("Ann\nExample", "ann@example.com", r"The name contains a control character \(U\+000A\)"),
        ("Ann\x00", "ann@example.com", r"control character \(U\+0000\)"),
        ("Ann", "", "The contact is empty"),
        ("Ann", "a" * 201, "The contact is 201 characters long"),
    ],
)
def test_bad_names_and_contacts_are_refused(db, name, contact, match):
    with pytest.raises(OptionError, match=match) as caught:
        create_identity(db, name, contact)
    assert caught.value.hint
    assert identities(db) == []


def test_names_may_use_any_script_and_200_characters(db):
    assert create_identity(db, "山田 太郎", "https://example.jp").name == "山田 太郎"
    assert create_identity(db, "A" * 200, "ann@example.com").name == "A" * 200
    assert create_identity(db, "مریم\u200cزاده", "m@example.com").name == "مریم\u200cزاده"


@posix_only
def test_create_makes_the_database_file_owner_only(tmp_path):
    path = tmp_path / "notrain.db"
    with Database(path) as db:
        os.chmod(path, 0o644)
        create_identity(db, "Ann", "ann@example.com")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        wal = tmp_path / "notrain.db-wal"
        assert not wal.exists() or stat.S_IMODE(wal.stat().st_mode) & 0o077 == 0


@posix_only
def test_protect_file_permissions_covers_the_journal_files(tmp_path):
    for name in ("notrain.db", "notrain.db-wal", "notrain.db-shm"):
        (tmp_path / name).write_bytes(b"")
        (tmp_path / name).chmod(0o644)
    protect_file_permissions(tmp_path / "notrain.db")
    assert {
        stat.S_IMODE((tmp_path / n).stat().st_mode)
        for n in ("notrain.db", "notrain.db-wal", "notrain.db-shm")
    } == {0o600}


def test_protect_file_permissions_ignores_memory_and_missing_files(tmp_path):
    protect_file_permissions(":memory:")
    protect_file_permissions(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()
