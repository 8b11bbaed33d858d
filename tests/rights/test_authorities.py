"""Authorities: complete records, the lead authority, and (with ../shared) agreement with the
datenanfragen records they were reduced from."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pycountry
import pytest

from notrain.errors import NotrainError
from notrain.rights.authorities import LEAD_AUTHORITY, authorities_for, authority, load_authorities
from notrain.rights.jurisdictions import jurisdiction, supported

RECORDS = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "rights" / "supervisory-authorities"
)
ALL = list(load_authorities().values())


def is_url(text: str) -> bool:
    url = urlparse(text)
    return url.scheme in ("https", "http") and bool(url.netloc)


@pytest.mark.parametrize("item", ALL, ids=[a.slug for a in ALL])
def test_every_authority_is_complete(item):
    assert item.name.strip() and item.address.strip()
    assert is_url(item.source.split(" ")[0])
    assert isinstance(item.checked, date) and item.checked <= date.today()
    assert item.web == "" or is_url(item.web)
    assert item.complaint_form == "" or is_url(item.complaint_form)
    assert item.email or item.complaint_form, "no way to reach it"
    if "-" in item.country:
        assert pycountry.subdivisions.get(code=item.country) is not None, item.country
    else:
        assert pycountry.countries.get(alpha_2=item.country) is not None, item.country


def test_the_lead_authority_is_the_irish_dpc():
    lead = authority(LEAD_AUTHORITY)
    assert lead.country == "IE" and "Irish Data Protection Commission" in lead.name
    assert authorities_for(jurisdiction("IE")) == [lead]


def test_unknown_slug_names_the_known_ones():
    with pytest.raises(NotrainError) as caught:
        authority("nowhere")
    assert "iedpc" in caught.value.hint and "us-ftc" in caught.value.hint


def test_every_authority_is_used_by_some_jurisdiction():
    used = {slug for place in supported() for slug in place.authorities}
    assert used == set(load_authorities())


def test_records_added_beyond_datenanfragen():
    for slug in (
        "br-anpd",
        "us-ca-cppa",
        "us-ca-ag",
        "us-va-ag",
        "us-co-ag",
        "us-ct-ag",
        "us-tx-ag",
        "us-or-ag",
        "us-ftc",
    ):
        item = authority(slug)
        assert "datenanfragen" not in item.source and item.complaint_form
    assert authority("us-ftc").complaint_form == "https://reportfraud.ftc.gov/"


def derived() -> list:
    return [a for a in ALL if "datenanfragen" in a.source]


@pytest.mark.shared
def test_derived_authorities_agree_with_the_datenanfragen_records():
    if not RECORDS.is_dir():
        pytest.skip(f"the datenanfragen records are not at {RECORDS} (../shared is absent)")
    assert len(derived()) >= 48
    for item in derived():
        path = RECORDS / f"{item.slug}.json"
        assert path.is_file(), f"{item.slug}: no record {path.name}"
        record = json.loads(path.read_text("utf-8"))
        assert item.name == record["name"], item.slug
        assert item.address == record["address"], item.slug
        assert item.email == record.get("email", ""), item.slug
        assert item.phone == record.get("phone", ""), item.slug
        assert item.web == record.get("web", ""), item.slug
        if record.get("webform"):
            assert item.complaint_form == record["webform"], item.slug
        else:
            assert item.complaint_form in ("", *record["sources"]), item.slug
        if record.get("complaint-language"):
            assert item.complaint_language == record["complaint-language"], item.slug
        assert item.source.split(" ")[0] in record["sources"], item.slug
        assert item.country.split("-")[0].lower() in record["relevant-countries"], item.slug
        assert item.checked == date(2026, 7, 21)


@pytest.mark.shared
def test_every_european_national_authority_in_the_records_is_used():
    if not RECORDS.is_dir():
        pytest.skip(f"the datenanfragen records are not at {RECORDS} (../shared is absent)")
    for place in supported():
        if place.regime in ("gdpr", "uk-gdpr", "fadp"):
            (slug,) = place.authorities
            assert (RECORDS / f"{slug}.json").is_file(), place.code
