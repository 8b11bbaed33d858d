"""What ``notrain watch add`` resolves: pages by address, catalogue queries, watched keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from notrain.errors import OptionError
from notrain.store import Database
from notrain.watch.watchlist import page_document, resolve_targets, watch_documents


@pytest.fixture
def db(tmp_path: Path):
    database = Database(tmp_path / "notrain.db")
    yield database
    database.close()


def test_pages_that_differ_only_in_their_query_are_two_documents(db: Database) -> None:
    privacy = page_document("https://example.com/legal?doc=privacy")
    terms = page_document("https://example.com/legal?doc=terms")

    assert privacy.key != terms.key
    assert privacy.key == "example.com/legal-doc-privacy"


def test_a_slug_taken_by_another_address_gets_a_suffix(db: Database) -> None:
    (first,) = resolve_targets(db, ["https://example.com/a-b"])
    watch_documents(db, [first])

    (second,) = resolve_targets(db, ["https://example.com/a/b"])

    assert second.key == f"{first.key}-2"
    (again,) = resolve_targets(db, ["https://example.com/a-b"])
    assert again.key == first.key


def test_re_adding_a_service_keeps_the_selectors_the_person_fixed(db: Database) -> None:
    (linkedin,) = resolve_targets(db, ["linkedin/privacy-policy"])
    (fixed,) = resolve_targets(db, [linkedin.key], select=["main.fixed"])
    watch_documents(db, [fixed])

    readded = {d.key: d for d in resolve_targets(db, ["linkedin"])}

    assert readded[linkedin.key].select == ("main.fixed",)


@pytest.mark.parametrize("language", ["français", "e", "en_US", "en-"])
def test_a_language_must_be_a_tag(db: Database, language: str) -> None:
    with pytest.raises(OptionError, match="language tag"):
        resolve_targets(db, ["https://example.com/p"], language=language)


def test_a_name_is_one_line(db: Database) -> None:
    with pytest.raises(OptionError, match="one line"):
        resolve_targets(db, ["https://example.com/p"], name="two\nlines")


def test_selectors_and_a_name_apply_to_one_document(db: Database) -> None:
    with pytest.raises(OptionError, match="one document"):
        resolve_targets(db, ["linkedin"], select=["main"])
