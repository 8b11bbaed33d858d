from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from notrain.store import Database
from notrain.watch.model import Document, Version
from notrain.watch.versions import (
    UnknownDocumentError,
    add_version,
    add_versions,
    document,
    documents,
    latest_good,
    remove_document,
    save_document,
    text_sha256,
    versions,
)

FB = Document(
    key="facebook/privacy-policy/eu-en",
    service="Facebook",
    doc_type="Privacy Policy",
    jurisdiction="EU",
    url="https://www.facebook.com/privacy/policy/",
    select=("main",),
    remove=("nav", ".cookie-banner"),
    source="https://www.facebook.com/privacy/policy/",
    checked=date(2026, 1, 5),
)


def _at(day: int, hour: int = 12) -> datetime:
    return datetime(2025, 5, day, hour, tzinfo=UTC)


def _version(text: str, captured: datetime, **overrides) -> Version:
    values = {"document": FB.key, "sha256": "", "text": text, "captured": captured}
    values.update(overrides)
    return Version(**values)


@pytest.fixture
def db():
    with Database(":memory:") as database:
        save_document(database, FB)
        yield database


def test_documents_round_trip_with_their_selectors(db):
    mine = Document(key="example/terms/custom", service="Example", doc_type="Terms")
    save_document(db, mine, added_by_user=True)
    assert document(db, FB.key) == FB
    assert documents(db) == [mine, FB]
    assert documents(db, added_by_user=True) == [mine]
    assert documents(db, added_by_user=False) == [FB]
    assert document(db, "nope") is None


def test_saving_a_document_again_updates_it_and_keeps_its_versions(db):
    add_version(db, _version("v1\n", _at(1)))
    save_document(db, Document(key=FB.key, service="Facebook", doc_type="Privacy", url="https://x"))
    assert document(db, FB.key).url == "https://x"
    assert len(versions(db, FB.key)) == 1


def test_adding_the_same_capture_twice_stores_it_once(db):
    assert add_version(db, _version("text\n", _at(1))) is True
    assert add_version(db, _version("text\n", _at(1))) is False
    assert len(versions(db, FB.key)) == 1


def test_the_same_text_at_two_times_is_two_versions_with_one_stored_text(db):
    add_versions(db, [_version("same\n", _at(1)), _version("same\n", _at(2))])
    found = versions(db, FB.key)
    assert [v.sha256 for v in found] == [text_sha256("same\n")] * 2
    assert db.conn.execute("SELECT count(*) FROM watch_text").fetchone()[0] == 1


def test_versions_come_in_capture_order_in_utc(db):
    paris = timezone(timedelta(hours=2))
    new = add_versions(
        db,
        [
            _version("third\n", _at(3)),
            _version("first\n", datetime(2025, 5, 1, 9, tzinfo=paris)),
            _version("second\n", _at(2), effective=date(2025, 5, 27), origin="https://x"),
        ],
    )
    assert len(new) == 3
    found = versions(db, FB.key)
    assert [v.text for v in found] == ["first\n", "second\n", "third\n"]
    assert found[0].captured == datetime(2025, 5, 1, 7, tzinfo=UTC)
    assert found[1].effective == date(2025, 5, 27) and found[1].origin == "https://x"
    assert found[1].sha256 == text_sha256("second\n")


def test_latest_good_skips_broken_captures(db):
    assert latest_good(db, FB.key) is None
    add_versions(
        db,
        [
            _version("good\n", _at(1)),
            _version("Log in\n", _at(2), broken=True, broken_reason="a login wall"),
        ],
    )
    assert latest_good(db, FB.key).text == "good\n"
    broken = versions(db, FB.key)[-1]
    assert broken.broken and broken.broken_reason == "a login wall"


def test_removing_a_document_forgets_its_versions_and_texts_nobody_else_uses(db):
    other = Document(key="instagram/privacy-policy/eu-en", service="Instagram", doc_type="PP")
    save_document(db, other)
    add_version(db, _version("shared\n", _at(1)))
    add_version(db, _version("only facebook\n", _at(2)))
    add_version(db, _version("shared\n", _at(1), document=other.key))
    remove_document(db, FB.key)
    assert document(db, FB.key) is None and versions(db, FB.key) == []
    assert [v.text for v in versions(db, other.key)] == ["shared\n"]
    assert [r[0] for r in db.conn.execute("SELECT text FROM watch_text")] == ["shared\n"]
    with pytest.raises(UnknownDocumentError, match="does not watch"):
        remove_document(db, FB.key)


def test_a_version_of_an_unknown_document_is_refused(db):
    with pytest.raises(UnknownDocumentError) as caught:
        add_version(db, _version("x\n", _at(1), document="nope/terms/xx"))
    assert caught.value.key == "nope/terms/xx" and caught.value.hint
    assert versions(db, "nope/terms/xx") == []


def test_a_hash_that_is_not_of_the_text_or_a_time_without_zone_is_a_caller_bug(db):
    with pytest.raises(ValueError, match="hashes to"):
        add_version(db, _version("x\n", _at(1), sha256=text_sha256("y\n")))
    with pytest.raises(ValueError, match="time zone"):
        add_version(db, _version("x\n", datetime(2025, 5, 1)))
    assert versions(db, FB.key) == []
