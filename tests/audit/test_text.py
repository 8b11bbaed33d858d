import json

from hypothesis import given
from hypothesis import strategies as st

from notrain.audit.text import repair, repair_text


def mojibake(text: str) -> str:
    """What Meta writes: every UTF-8 byte as a character of its own."""
    return text.encode("utf-8").decode("latin-1")


def test_meta_escapes_are_repaired_after_parsing():
    assert repair_text(json.loads('"Zo\\u00c3\\u00ab"')) == "Zoë"
    assert repair_text(mojibake("Grüße aus Köln 😀")) == "Grüße aus Köln 😀"
    assert repair_text(mojibake("€ 5 — «ok»")) == "€ 5 — «ok»"


def test_correct_text_is_left_alone():
    for text in [
        "plain ascii",
        "",
        "Zoë",
        "日本語",
        "café",
        "naïve",
        "«É»",
        "Ã",
        "ÿ",
        "über-naïve",
    ]:
        assert repair_text(text) == text


def test_genuine_latin1_beside_mojibake_keeps_its_accents():
    assert repair_text("café " + mojibake("Zoë")) == "café Zoë"
    assert repair_text("日本 " + mojibake("Zoë")) == "日本 Zoë"


def test_an_invalid_run_stays_as_it_is():
    broken = mojibake("Zoë")[:-1]
    assert repair_text(broken) == broken


@given(st.text())
def test_any_text_survives_the_round_trip(text: str):
    assert repair_text(mojibake(text)) == text


def test_repair_walks_keys_values_and_lists():
    parsed = json.loads(
        '{"n\\u00c3\\u00a4me": ["Zo\\u00c3\\u00ab", {"x": "\\u00c3\\u00a9"}], "t": 1, "b": null}'
    )
    assert repair(parsed) == {"näme": ["Zoë", {"x": "é"}], "t": 1, "b": None}


def test_repair_keeps_numbers_and_booleans():
    assert repair([1, 2.5, True, None]) == [1, 2.5, True, None]
