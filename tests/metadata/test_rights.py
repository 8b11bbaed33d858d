from datetime import date

import pytest

from notrain.errors import OptionError
from notrain.metadata import (
    DATA_MINING_VALUES,
    DEFAULT_DATA_MINING,
    DEFAULT_OTHER_CONSTRAINTS,
    PrivacyOptions,
    Rights,
    compose_metadata,
)
from notrain.metadata.xmp import parse_xmp

VOCAB = "http://ns.useplus.org/ldf/vocab/"
X_DEFAULT = 'lang="x-default"'

FULL = Rights(
    owner="Ann Example",
    contact="ann@example.org",
    copyright="© 2025 Ann Example, all rights reserved",
    web_statement="https://example.org/rights",
    usage_terms="Editorial use only.",
    tdm_policy="https://example.org/tdm-policy.json",
)


def test_data_mining_vocabulary():
    assert len(DATA_MINING_VALUES) == 9 and DEFAULT_DATA_MINING in DATA_MINING_VALUES
    assert all(v.startswith("DMI-") for v in DATA_MINING_VALUES)
    assert "train" in DEFAULT_OTHER_CONSTRAINTS and "permission" in DEFAULT_OTHER_CONSTRAINTS


@pytest.mark.parametrize(
    "given", ["dmi-prohibited", "DMI-Prohibited", " DMI-PROHIBITED ", VOCAB + "DMI-PROHIBITED"]
)
def test_data_mining_accepts_short_names_in_any_case(given):
    assert Rights(data_mining=given).data_mining == "DMI-PROHIBITED"
    assert Rights(data_mining=given).data_mining_uri == VOCAB + "DMI-PROHIBITED"


@pytest.mark.parametrize("given", ["no-ai", "DMI-PROHIBITED-EVERYTHING", ""])
def test_invalid_data_mining_is_an_option_error_listing_the_choices(given):
    with pytest.raises(OptionError) as error:
        Rights(data_mining=given)
    assert all(value in error.value.message for value in DATA_MINING_VALUES)
    assert error.value.hint


@pytest.mark.parametrize(
    "options",
    [
        {"contact": "not an address"},
        {"web_statement": "example.org/rights"},
        {"tdm_policy": "ftp://example.org/p"},
    ],
)
def test_invalid_addresses_are_option_errors(options):
    with pytest.raises(OptionError):
        Rights(**options)


def test_defaults():
    rights = Rights(owner="  Ann  ", contact="")
    assert rights.owner == "Ann" and rights.contact is None
    assert rights.copyright == f"© {date.today().year} Ann"
    assert Rights().copyright is None
    assert Rights(owner="Ann", copyright="CC BY-ND").copyright == "CC BY-ND"


@pytest.mark.parametrize("fmt", ["jpeg", "png", "webp"])
def test_everything_written_reads_back_with_exiv2(encode, exiv2, fmt):
    out = compose_metadata(None, privacy=PrivacyOptions(), rights=FULL)
    found = exiv2(encode(fmt, out))
    assert found["Xmp.plus.DataMining"] == VOCAB + "DMI-PROHIBITED-AIMLTRAINING"
    assert found["Xmp.plus.OtherConstraints"] == {X_DEFAULT: DEFAULT_OTHER_CONSTRAINTS}
    assert found["Xmp.xmpRights.Marked"] == "True"
    assert found["Xmp.xmpRights.WebStatement"] == "https://example.org/rights"
    assert found["Xmp.xmpRights.UsageTerms"] == {X_DEFAULT: "Editorial use only."}
    assert found["Xmp.dc.rights"] == {X_DEFAULT: FULL.copyright}
    assert found["Xmp.dc.creator"] == ["Ann Example"]
    assert found["Xmp.iptc.CreatorContactInfo/Iptc4xmpCore:CiEmailWork"] == "ann@example.org"
    assert found["Xmp.tdm.reservation"] == "1"
    assert found["Xmp.tdm.policy"] == "https://example.org/tdm-policy.json"
    assert found["Exif.Image.Artist"] == "Ann Example"
    assert found["Exif.Image.Copyright"] == FULL.copyright
    if fmt == "webp":
        assert not [k for k in found if k.startswith("Iptc.")]
    else:
        assert found["Iptc.Application2.Byline"] == ["Ann Example"]
        assert found["Iptc.Application2.Copyright"] == FULL.copyright


@pytest.mark.parametrize(
    "owner", ["Zoë Ångström", "山田太郎", '<Ann & "Bob">', "O'Brien ]]> &amp;"]
)
def test_owner_names_round_trip(encode, exiv2, owner):
    rights = Rights(owner=owner, contact="https://example.org/contact")
    found = exiv2(encode("jpeg", compose_metadata(None, privacy=PrivacyOptions(), rights=rights)))
    assert found["Xmp.dc.creator"] == [owner]
    assert found["Xmp.dc.rights"] == {X_DEFAULT: rights.copyright}
    assert found["Iptc.Application2.Byline"] == [owner]
    assert found["Iptc.Application2.Copyright"] == rights.copyright
    assert found["Exif.Image.Artist"] == owner
    assert (
        found["Xmp.iptc.CreatorContactInfo/Iptc4xmpCore:CiUrlWork"] == "https://example.org/contact"
    )


@pytest.mark.parametrize("value", DATA_MINING_VALUES)
def test_each_data_mining_value_is_written_as_its_uri(value):
    out = compose_metadata(
        None,
        privacy=PrivacyOptions(),
        rights=Rights(data_mining=value.lower(), other_constraints=None),
    )
    properties = {p.name: p.value for p in parse_xmp(out.xmp).properties}
    assert properties["DataMining"] == VOCAB + value
    assert "OtherConstraints" not in properties and "reservation" not in properties
