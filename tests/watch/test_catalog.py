import json
from dataclasses import replace
from datetime import date

import pytest
import soupsieve

from notrain.errors import InputError, OptionError
from notrain.watch.catalog import (
    GLOBAL,
    GROUPS,
    JURISDICTIONS,
    CatalogEntry,
    find,
    load_catalog,
    regions,
    services,
    stale,
)
from notrain.watch.model import Document, document_name

META = ("facebook", "instagram", "threads", "whatsapp", "meta-ai")
OTHERS = ("x", "linkedin", "google", "pinterest", "reddit", "tiktok", "flickr")
OTA_DECLARATIONS = "https://github.com/OpenTermsArchive/"


def _entry(**overrides) -> dict:
    values = {
        "key": "example/privacy-policy/eu-en",
        "name": "Example privacy policy (EU)",
        "service": "example",
        "doc_type": "privacy-policy",
        "jurisdiction": "EU",
        "language": "en",
        "url": "https://example.org/privacy",
        "select": ["main"],
        "remove": ["nav", "[role=dialog]"],
        "source": "https://example.org/where-this-comes-from",
        "checked": "2026-05-26",
        "note": "",
    }
    values.update(overrides)
    return values


def _write(tmp_path, documents, name="documents.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"_about": "test", "documents": documents}), "utf-8")
    return path


@pytest.fixture
def small():
    """A catalogue of three: an EU and a global document of one service, a US one of another."""
    return (
        CatalogEntry(
            key="facebook/privacy-policy/global-en",
            name="Facebook privacy policy",
            service="facebook",
            doc_type="privacy-policy",
            jurisdiction=GLOBAL,
            language="en",
            url="https://example.org/fb",
            select=("main",),
            remove=(),
            source="https://example.org/src",
            checked=date(2026, 5, 25),
        ),
        CatalogEntry(
            key="whatsapp/privacy-policy/eu-en",
            name="WhatsApp privacy policy (EU)",
            service="whatsapp",
            doc_type="privacy-policy",
            jurisdiction="EU",
            language="en",
            url="https://example.org/wa-eu",
            select=("main",),
            remove=(),
            source="https://example.org/src",
            checked=date(2026, 5, 26),
        ),
        CatalogEntry(
            key="x/terms-of-service/us-en",
            name="X terms of service (US)",
            service="x",
            doc_type="terms-of-service",
            jurisdiction="US",
            language="en",
            url="https://example.org/x",
            select=("main",),
            remove=(),
            source="https://example.org/src",
            checked=date(2026, 8, 31),
        ),
    )


# --- the packaged catalogue ---------------------------------------------------------------


def test_the_packaged_catalogue_loads_once():
    catalog = load_catalog()
    assert len(catalog) >= 20
    assert all(isinstance(entry, CatalogEntry) for entry in catalog)
    assert load_catalog() is catalog


@pytest.mark.parametrize("region", ["EU", "UK", "US"])
@pytest.mark.parametrize("service", META)
def test_every_meta_service_has_a_privacy_policy_for_each_region(service, region):
    assert find(f"{service}/privacy-policy", region=region)


@pytest.mark.parametrize("region", ["EU", "UK", "US"])
def test_meta_terms_and_the_generative_ai_page_are_there_for_each_region(region):
    terms = {entry.service for entry in find("meta/terms-of-service", region=region)}
    assert {"facebook", "instagram", "threads", "meta-ai"} <= terms
    assert find("meta/generative-ai-privacy", region=region)


@pytest.mark.parametrize("service", OTHERS)
def test_the_other_platforms_have_their_privacy_policy(service):
    assert find(f"{service}/privacy-policy")


def test_terms_that_grant_ai_training_are_there():
    assert find("x/terms-of-service")
    assert find("linkedin/terms-of-service")


def test_keys_are_unique_and_made_of_their_fields():
    catalog = load_catalog()
    keys = [entry.key for entry in catalog]
    assert len(keys) == len(set(keys))
    for entry in catalog:
        region = entry.jurisdiction.lower()
        assert entry.key == f"{entry.service}/{entry.doc_type}/{region}-{entry.language}"


def test_no_two_entries_fetch_the_same_page():
    urls = [entry.url for entry in load_catalog()]
    assert len(urls) == len(set(urls))


def test_every_selector_compiles():
    for entry in load_catalog():
        assert entry.select, entry.key
        for selector in (*entry.select, *entry.remove):
            soupsieve.compile(selector)


def test_every_entry_has_a_source_a_name_and_a_past_check():
    for entry in load_catalog():
        assert entry.url.startswith("https://"), entry.key
        assert entry.source.startswith("https://"), entry.key
        assert entry.name, entry.key
        assert entry.checked <= date(2026, 11, 26), entry.key
        assert entry.jurisdiction in JURISDICTIONS


def test_each_entry_says_whether_an_open_terms_archive_declaration_backs_it():
    for entry in load_catalog():
        if entry.source.startswith(OTA_DECLARATIONS):
            assert "/declarations/" in entry.source, entry.key
            assert "Open Terms Archive declaration; not fetched from here" in entry.note
        else:
            assert "No Open Terms Archive declaration" in entry.note, entry.key


def test_an_entry_becomes_the_document_a_watch_stores():
    entry = find("whatsapp/privacy-policy/eu-en")[0]
    document = entry.document()
    assert isinstance(document, Document)
    assert (document.key, document.url, document.select) == (entry.key, entry.url, entry.select)
    assert (document.jurisdiction, document.checked) == ("EU", entry.checked)
    assert document_name(document) == "WhatsApp privacy policy (EU)"


def test_services_and_regions():
    assert services()[:5] == META
    assert set(OTHERS) <= set(services())
    assert regions() == ("EU", "UK", "US")
    assert GROUPS["meta"] == META


# --- find ---------------------------------------------------------------------------------


def test_a_full_key_finds_its_entry(small):
    assert find("whatsapp/privacy-policy/eu-en", entries=small) == [small[1]]
    assert find("  WhatsApp/Privacy-Policy/EU-en ", entries=small) == [small[1]]


def test_a_service_finds_all_its_entries(small):
    assert find("x", entries=small) == [small[2]]


def test_meta_stands_for_the_five_meta_services(small):
    assert find("meta", entries=small) == [small[0], small[1]]
    assert find("meta/privacy-policy", entries=small) == [small[0], small[1]]


def test_service_and_type(small):
    assert find("facebook/privacy-policy", entries=small) == [small[0]]


def test_a_region_keeps_its_own_and_the_global_entries(small):
    assert find("meta", region="EU", entries=small) == [small[0], small[1]]
    assert find("meta", region="uk", entries=small) == [small[0]]
    assert find("x", region="EU", entries=small) == []
    assert find("meta", region="global", entries=small) == [small[0]]


def test_an_unknown_service_lists_the_known_ones(small):
    with pytest.raises(OptionError) as caught:
        find("myspace", entries=small)
    assert "facebook, whatsapp, x" in caught.value.hint
    assert "'meta'" in caught.value.hint


def test_an_unknown_type_lists_the_types_of_the_service(small):
    with pytest.raises(OptionError, match="'cookies'") as caught:
        find("facebook/cookies", entries=small)
    assert "privacy-policy" in caught.value.hint


def test_an_unknown_key_lists_the_keys_of_the_service(small):
    with pytest.raises(OptionError) as caught:
        find("facebook/privacy-policy/eu-en", entries=small)
    assert "facebook/privacy-policy/global-en" in caught.value.hint


@pytest.mark.parametrize("query", ["", "/", "a/b/c/d"])
def test_queries_of_no_shape_are_refused(small, query):
    with pytest.raises(OptionError):
        find(query, entries=small)


def test_an_unknown_region_is_refused(small):
    with pytest.raises(OptionError, match="'FR'") as caught:
        find("x", region="FR", entries=small)
    assert "EU, UK, US" in caught.value.hint


# --- stale --------------------------------------------------------------------------------


def test_entries_go_stale_six_calendar_months_after_their_check(small):
    assert stale(small, date(2026, 11, 25)) == []
    assert stale(small, date(2026, 11, 26)) == [small[0]]
    assert stale(small, date(2026, 11, 27)) == [small[0], small[1]]
    # 31 August + 6 months is 28 February: stale from 1 March.
    assert small[2] not in stale(small, date(2027, 2, 28))
    assert small[2] in stale(small, date(2027, 3, 1))


def test_stale_takes_another_period(small):
    assert stale(small, date(2026, 6, 27), months=1) == [small[0], small[1]]


def test_the_packaged_catalogue_is_fresh_on_the_day_it_was_checked():
    assert stale(load_catalog(), date(2026, 11, 26)) == []


# --- validation ---------------------------------------------------------------------------


def test_a_good_file_loads_from_a_path(tmp_path):
    path = _write(tmp_path, [_entry(note="a note")])
    (entry,) = load_catalog(path)
    assert entry.key == "example/privacy-policy/eu-en"
    assert entry.select == ("main",) and entry.remove == ("nav", "[role=dialog]")
    assert entry.checked == date(2026, 5, 26) and entry.note == "a note"


def test_the_note_is_optional(tmp_path):
    values = _entry()
    del values["note"]
    (entry,) = load_catalog(_write(tmp_path, [values]))
    assert entry.note == ""


def _without(name):
    values = _entry()
    del values[name]
    return values


BAD = {
    "missing url": (_without("url"), "lacks url"),
    "missing select": (_without("select"), "lacks select"),
    "unknown field": (_entry(colour="red"), "unknown fields: colour"),
    "name not text": (_entry(name=3), "name that is not text"),
    "empty name": (_entry(name=" "), "empty name"),
    "unknown jurisdiction": (_entry(jurisdiction="FR"), "jurisdiction 'FR'"),
    "key not of its fields": (_entry(key="example/privacy-policy/us-en"), "expected"),
    "key of bad shape": (
        _entry(key="Example/privacy-policy/eu-en", service="Example"),
        "<service>/<doc-type>",
    ),
    "http url": (_entry(url="http://example.org/privacy"), "not an https address"),
    "url without host": (_entry(url="https:///privacy"), "not an https address"),
    "no source": (_entry(source="a friend"), "no source URL"),
    "bad date": (_entry(checked="26/05/2026"), "not YYYY-MM-DD"),
    "date not text": (_entry(checked=20260526), "not YYYY-MM-DD"),
    "no select": (_entry(select=[]), "no select selector"),
    "select not a list": (_entry(select="main"), "not a list of CSS selectors"),
    "bad select": (_entry(select=["main["]), "'main[' that does not compile"),
    "bad remove": (_entry(remove=["a:nope"]), "remove selector 'a:nope'"),
}


@pytest.mark.parametrize("entry, problem", BAD.values(), ids=BAD.keys())
def test_a_bad_entry_is_named_in_the_error(tmp_path, entry, problem):
    with pytest.raises(InputError) as caught:
        load_catalog(
            _write(
                tmp_path,
                [_entry(key="example/terms-of-service/eu-en", doc_type="terms-of-service"), entry],
            )
        )
    message = str(caught.value)
    assert problem in message
    assert "example/privacy-policy" in message.lower() or "#2" in message
    assert caught.value.path is not None and caught.value.path.name == "documents.json"


def test_an_entry_without_a_key_is_named_by_its_position(tmp_path):
    with pytest.raises(InputError, match="document #1 lacks key"):
        load_catalog(_write(tmp_path, [_without("key")]))


def test_duplicate_keys_are_refused(tmp_path):
    path = _write(tmp_path, [_entry(), _entry(url="https://example.org/other")])
    with pytest.raises(InputError, match="duplicate keys: example/privacy-policy/eu-en"):
        load_catalog(path)


@pytest.mark.parametrize(
    "text, problem",
    [
        ("{not json", "not valid JSON"),
        ('{"documents": {}}', "no list of documents"),
        ("[]", "no list of documents"),
        ('{"documents": [3]}', "document #1 is not an object"),
    ],
)
def test_a_file_of_the_wrong_shape_is_refused(tmp_path, text, problem):
    path = tmp_path / "documents.json"
    path.write_text(text, "utf-8")
    with pytest.raises(InputError, match=problem):
        load_catalog(path)


def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(InputError, match="Cannot read the catalogue"):
        load_catalog(tmp_path / "absent.json")


def test_entries_are_frozen(small):
    with pytest.raises(AttributeError):
        small[0].url = "https://example.org/elsewhere"  # type: ignore[misc]
    assert replace(small[0], url="https://example.org/b").url == "https://example.org/b"
