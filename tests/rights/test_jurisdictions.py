"""Jurisdictions: every supported place answers in full, aliases resolve, unknown codes are listed,
and everywhere else gets an honest generic answer."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlparse

import pycountry
import pytest

from notrain.errors import OptionError
from notrain.rights.authorities import authorities_for
from notrain.rights.jurisdictions import jurisdiction, states, supported
from notrain.rights.model import LANGUAGES, Authority

EU = (
    *("AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE"),
    *("IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"),
)
EEA = ("IS", "LI", "NO")
US_STATES = ("US-CA", "US-VA", "US-CO", "US-CT", "US-TX", "US-OR")
SUPPORTED = supported()


@pytest.mark.parametrize("place", SUPPORTED, ids=[j.code for j in SUPPORTED])
def test_every_supported_place_answers_in_full(place):
    assert place.law.strip() and place.summary.strip() and place.name.strip()
    assert place.language in LANGUAGES
    assert place.alternatives and all(a.strip() for a in place.alternatives)
    assert urlparse(place.source).scheme == "https"
    assert isinstance(place.checked, date)
    if place.regime != "us":
        assert place.response_months or place.response_days
    found = authorities_for(place)
    assert found and all(isinstance(a, Authority) for a in found)
    assert "{name}" not in place.summary
    assert jurisdiction(place.code) == place


def test_supported_covers_the_eu_eea_uk_switzerland_brazil_and_the_us():
    codes = {j.code for j in SUPPORTED}
    assert {*EU, *EEA, "GB", "CH", "BR", "US", *US_STATES} <= codes
    assert len(EU) == 27


@pytest.mark.parametrize("code", (*EU, *EEA))
def test_eu_and_eea_object_under_art_21_with_one_month_plus_two(code):
    place = jurisdiction(code)
    assert place.regime == "gdpr" and place.can_object and place.forms_confirmed
    assert "21(1)" in place.law and "GDPR" in place.law
    assert (place.response_months, place.extension_months) == (1, 2)
    assert place.response_days is None
    assert authorities_for(place)[0].country == code


def test_uk():
    place = jurisdiction("GB")
    assert place.regime == "uk-gdpr" and place.can_object and "UK GDPR" in place.law
    assert "Meta Platforms, Inc." in place.summary
    assert [a.slug for a in authorities_for(place)] == ["gbico"]
    assert any("three months" in a for a in place.alternatives)


def test_switzerland_is_honest_about_the_form():
    place = jurisdiction("CH")
    assert place.regime == "fadp" and not place.forms_confirmed
    assert "unconfirmed" in place.summary
    assert authorities_for(place)[0].slug == "chedoeb"


def test_brazil():
    place = jurisdiction("BR")
    assert place.regime == "lgpd" and place.can_object and place.forms_confirmed
    assert "18" in place.law and "LGPD" in place.law
    assert place.response_days == 15 and place.language == "pt-BR"
    assert authorities_for(place)[0].slug == "br-anpd"


def test_us_has_no_right_to_object_and_says_what_else_to_do():
    place = jurisdiction("US")
    assert place.regime == "us" and not place.can_object and not place.forms_confirmed
    assert place.response_days is None and place.response_months is None
    text = " ".join(place.alternatives)
    assert "non-public" in text and "Delete" in text and "ReportFraud.ftc.gov" in text
    assert [a.slug for a in authorities_for(place)] == ["us-ftc"]


@pytest.mark.parametrize("code", US_STATES)
def test_us_states_give_deletion_and_opt_outs_with_45_plus_45_days_and_their_attorney_general(code):
    place = jurisdiction(code)
    assert place.regime == "us-state" and not place.can_object
    assert (place.response_days, place.extension_days) == (45, 45)
    assert "delete" in place.summary and "opt out" in place.summary
    found = authorities_for(place)
    general = [a for a in found if "Attorney General" in a.name]
    assert general and general[0].country == code
    assert found[-1].slug == "us-ftc"


def test_california_also_has_the_privacy_agency():
    slugs = [a.slug for a in authorities_for(jurisdiction("US-CA"))]
    assert slugs == ["us-ca-cppa", "us-ca-ag", "us-ftc"]
    assert "CCPA" in jurisdiction("US-CA").law


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (("de",), "DE"),
        ((" De ",), "DE"),
        (("DEU",), "DE"),
        (("deu",), "DE"),
        (("Germany",), "DE"),
        (("germany",), "DE"),
        (("UK",), "GB"),
        (("uk",), "GB"),
        (("GBR",), "GB"),
        (("United Kingdom",), "GB"),
        (("EL",), "GR"),
        (("GRC",), "GR"),
        (("Greece",), "GR"),
        (("us-ca",), "US-CA"),
        (("US-CA",), "US-CA"),
        (("US", "CA"), "US-CA"),
        (("us", "california"), "US-CA"),
        (("USA", "US-TX"), "US-TX"),
        (("DE-BY",), "DE-BY"),
        (("DE", "BY"), "DE-BY"),
        (("DE", "Bavaria"), "DE-BY"),
        (("de", "bayern"), "DE-BY"),
        (("Germany", "North Rhine-Westphalia"), "DE-NW"),
        (("DE", ""), "DE"),
        (("US", "NY"), "US"),
        (("GB-SCT",), "GB"),
        (("US-CA", "CA"), "US-CA"),
    ],
)
def test_aliases(given, expected):
    assert jurisdiction(*given).code == expected


@pytest.mark.parametrize("code", ["XX", "Narnia", "ZZZ", "", "D"])
def test_unknown_country_lists_the_valid_codes(code):
    with pytest.raises(OptionError) as caught:
        jurisdiction(code)
    message = str(caught.value)
    for valid in ("DE", "DE-BY", "GB", "US-CA", "BR", "CH"):
        assert f" {valid}," in message or f" {valid}." in message
    assert "ISO 3166-1" in message


def test_unknown_state_lists_the_country_s_states():
    with pytest.raises(OptionError) as caught:
        jurisdiction("US", "Atlantis")
    assert "US-CA" in str(caught.value) and "US-OR" in str(caught.value)
    with pytest.raises(OptionError):
        jurisdiction("DE-XX")


@pytest.mark.parametrize(("code", "name"), [("JP", "Japan"), ("IN", "India"), ("jpn", "Japan")])
def test_everywhere_else_gets_a_generic_answer(code, name):
    place = jurisdiction(code)
    assert place.regime == "none" and not place.can_object and not place.forms_confirmed
    assert place.name == name and place.code == pycountry.countries.lookup(code).alpha_2
    assert name in place.summary and "{name}" not in place.summary
    assert "unconfirmed" in place.summary
    assert place.alternatives and authorities_for(place) == []
    assert place.language in LANGUAGES


# The authority each German state's companies answer to, by a word of its name (read off the
# authorities' own names, independently of the data file).
GERMAN_STATES = {
    "DE-BW": "Baden-Württemberg",
    "DE-BY": "Bayerisches Landesamt für Datenschutzaufsicht",
    "DE-BE": "Berlin",
    "DE-BB": "Brandenburg",
    "DE-HB": "Bremen",
    "DE-HH": "Hamburg",
    "DE-HE": "Hessisch",
    "DE-MV": "Mecklenburg-Vorpommern",
    "DE-NI": "Niedersachsen",
    "DE-NW": "Nordrhein-Westfalen",
    "DE-RP": "Rheinland-Pfalz",
    "DE-SL": "Saarland",
    "DE-SN": "Sächsisch",
    "DE-ST": "Sachsen-Anhalt",
    "DE-SH": "Schleswig-Holstein",
    "DE-TH": "Thüringer",
}


def test_every_german_state_has_an_entry():
    iso = {s.code for s in pycountry.subdivisions.get(country_code="DE")}
    assert iso == set(GERMAN_STATES)
    assert {j.code for j in states("DE")} == iso
    assert {j.code for j in states("us")} == set(US_STATES)


@pytest.mark.parametrize(("code", "word"), sorted(GERMAN_STATES.items()))
def test_every_german_state_maps_to_its_private_sector_authority(code, word):
    place = jurisdiction(code)
    (authority,) = authorities_for(place)
    assert word in authority.name
    assert authority.country == code
    assert authority.slug != "debayldb"  # Bavaria's public-sector commissioner
    assert authority.complaint_language == "de"


@pytest.mark.parametrize("code", sorted(GERMAN_STATES))
def test_german_states_inherit_germany_except_code_name_and_authorities(code):
    state, germany = jurisdiction(code), jurisdiction("DE")
    differ = {"code", "name", "authorities", "summary"}
    for field in state.__dataclass_fields__:
        if field not in differ:
            assert getattr(state, field) == getattr(germany, field), field
    assert germany.summary.startswith(state.summary)
    assert "federal state" in germany.summary and "federal state" not in state.summary
    assert state.name == pycountry.subdivisions.get(code=code).name
