"""The reason text for Meta's objection form: every language, role and regime, any Unicode."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from notrain.errors import OptionError
from notrain.rights.model import LANGUAGES, REGIMES, ROLES
from notrain.rights.reasons import (
    MAX_NAME_CHARS,
    MAX_POSTS_CHARS,
    MAX_REASON_CHARS,
    check_reason_length,
    citation,
    clean_text,
    reason_text,
)
from notrain.rights.templates import TemplateProblem, template_names

LAWS = {
    "gdpr": "Art. 21(1) GDPR",
    "uk-gdpr": "Art. 21(1) UK GDPR",
    "fadp": "Art. 30(2)(b) FADP/DSG",
    "lgpd": "Art. 18 § 2 LGPD",
    "us-state": "Cal. Civ. Code § 1798.105",
    "us": "",
    "none": "",
}
"""A law for each regime; the US ones are not rights to object and must not be cited."""

OBJECTING = ("gdpr", "uk-gdpr", "fadp", "lgpd")

OBJECTS = {
    "en": "I object",
    "de": "Ich widerspreche",
    "fr": "Je m'oppose",
    "es": "Me opongo",
    "it": "Mi oppongo",
    "nl": "bezwaar tegen",
    "pl": "sprzeciwiam się",
    "pt-BR": "Eu me oponho",
}
"""How each language says "I object"."""

OBJECTION_WORDS = {
    "en": ("object",),
    "de": ("widersprech", "widerspruch"),
    "fr": ("oppos",),
    "es": ("opongo", "oposición"),
    "it": ("oppongo", "opposizione"),
    "nl": ("bezwaar",),
    "pl": ("sprzeciw",),
    "pt-BR": ("oponho", "oposição"),
}
"""Word stems that claim a right to object; none may appear where there is no such right."""

ASKS = {
    "en": "I ask Meta not to use",
    "de": "Ich bitte Meta",
    "fr": "Je demande à Meta de ne pas utiliser",
    "es": "Pido a Meta que no utilice",
    "it": "Chiedo a Meta di non usare",
    "nl": "Ik vraag Meta",
    "pl": "Proszę, aby Meta nie wykorzystywała",
    "pt-BR": "Peço que a Meta não use",
}

RESTRICTS = {
    "en": "restrict the processing",
    "de": "schränken Sie die Verarbeitung ein",
    "fr": "limiter le traitement",
    "es": "limiten el tratamiento",
    "it": "limitare il trattamento",
    "nl": "de verwerking te beperken",
    "pl": "ograniczenie przetwarzania",
    "pt-BR": "limitem o tratamento",
}
"""The Art. 18(1)(d) request to restrict processing while the objection is assessed."""

CONFIRMS = {
    "en": "in writing",
    "de": "schriftlich",
    "fr": "par écrit",
    "es": "por escrito",
    "it": "per iscritto",
    "nl": "schriftelijk",
    "pl": "pisemne potwierdzenie",
    "pt-BR": "por escrito",
}

OWN_WORDS_LIMIT = 750
"""Our own words, without the person's, stay short in every language (English: about 600)."""

UNICODE_POSTS = (
    "mes aquarelles de Łódź 🎨",
    "صوري ورسوماتي لمدينة الإسكندرية",
    "我的水彩画和城市速写",
    "👨\u200d👩\u200d👧 family photos and 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f hikes",
)


def _reason(language: str = "en", regime: str = "gdpr", role: str = "artist", **kwargs) -> str:
    return reason_text(law=LAWS[regime], regime=regime, role=role, language=language, **kwargs)


def _sentences(text: str, *removed: str) -> int:
    for part in removed:
        if part:
            text = text.replace(part, "X")
    return len(re.findall(r"[.!?](?=\s|$)", text))


def _removed_span(longer: str, shorter: str) -> str:
    """The one stretch of ``longer`` that, cut out, leaves ``shorter``."""
    prefix = 0
    while prefix < len(shorter) and longer[prefix] == shorter[prefix]:
        prefix += 1
    suffix = 0
    while suffix < len(shorter) - prefix and longer[-1 - suffix] == shorter[-1 - suffix]:
        suffix += 1
    assert longer[:prefix] + longer[len(longer) - suffix :] == shorter, "more than one change"
    return longer[prefix : len(longer) - suffix]


@pytest.mark.parametrize("posts", ["", "my watercolours of Łódź 🎨"], ids=["no-posts", "posts"])
@pytest.mark.parametrize("regime", REGIMES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_combination_reads_cleanly(language: str, role: str, regime: str, posts: str):
    text = _reason(language, regime, role, posts=posts)
    for leftover in ("{{", "}}", "{%", "%}", "{#", "#}"):
        assert leftover not in text
    for markup in ("**", "__", "`", "#", "\n- ", "\n* "):
        assert markup not in text
    assert "\n" not in text, "without a name the reason is one paragraph"
    assert text == text.strip()
    assert text.endswith(".")
    assert not re.search(r"  | [.,;:)]|\.\s*\.|,\s*\.|\(\s*\)|“\s*”|„\s*[“”]|«\s*»", text), text
    assert 3 <= _sentences(text, citation(LAWS[regime], language), posts) <= 6
    assert len(text) <= MAX_REASON_CHARS
    if not posts:
        assert len(text) <= OWN_WORDS_LIMIT, f"{len(text)} characters"
    else:
        assert posts in text
    assert CONFIRMS[language] in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_longest_input_still_fits_the_form(language: str):
    posts = "ж" * MAX_POSTS_CHARS
    name = "N" * MAX_NAME_CHARS
    for role in ROLES:
        for regime in REGIMES:
            text = _reason(language, regime, role, posts=posts, name=name)
            assert posts in text and text.endswith(name)
            assert len(text) <= MAX_REASON_CHARS


@pytest.mark.parametrize("regime", OBJECTING)
@pytest.mark.parametrize("language", LANGUAGES)
def test_objection_cites_the_law(language: str, regime: str):
    text = _reason(language, regime)
    assert citation(LAWS[regime], language) in text
    assert OBJECTS[language] in text
    assert ASKS[language] not in text
    assert (RESTRICTS[language] in text) is (regime in ("gdpr", "uk-gdpr"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_objection_without_a_law_string_leaves_no_gap(language: str):
    text = reason_text(law="", regime="gdpr", role="parent", language=language)
    assert OBJECTS[language].lower() in text.lower()
    assert "()" not in text and "  " not in text
    assert text[0].isupper()
    cited = reason_text(law=LAWS["gdpr"], regime="gdpr", role="parent", language=language)
    removed = _removed_span(cited.lower(), text.lower())
    law = citation(LAWS["gdpr"], language).lower()
    assert law in removed
    assert removed.replace(law, "").strip(), "the words citing the law go too"


@pytest.mark.parametrize("regime", ["us-state", "us", "none"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_right_is_claimed_where_there_is_none(language: str, regime: str):
    law = "Art. 21(1) GDPR" if regime != "us-state" else LAWS[regime]
    text = reason_text(law=law, regime=regime, role="photographer", language=language)
    assert law not in text
    assert "GDPR" not in text and "§" not in text and "Art." not in text
    for word in OBJECTION_WORDS[language]:
        assert word not in text.lower(), word
    assert RESTRICTS[language] not in text
    assert ASKS[language] in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_role_tells_its_own_situation(language: str):
    texts = {role: _reason(language, "gdpr", role) for role in ROLES}
    assert len(set(texts.values())) == len(ROLES)


def test_the_english_situations_say_what_the_brief_asks():
    assert "style" in _reason(role="artist") and "livelihood" in _reason(role="artist")
    assert "license" in _reason(role="photographer") and "paying" in _reason(role="photographer")
    assert "children" in _reason(role="parent") and "consent" in _reason(role="parent")
    assert "private person" in _reason(role="private") and "face" in _reason(role="private")


@pytest.mark.parametrize("language", LANGUAGES)
def test_platforms_name_the_accounts(language: str):
    instagram = _reason(language, platforms=["instagram"])
    facebook = _reason(language, platforms=["facebook"])
    both = _reason(language, platforms=["facebook", "instagram", "facebook"])
    assert "Instagram" in instagram and "Facebook" not in instagram
    assert "Facebook" in facebook and "Instagram" not in facebook
    assert "Facebook" in both and "Instagram" in both


@pytest.mark.parametrize("posts", UNICODE_POSTS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_posts_appear_verbatim_in_any_script(language: str, posts: str):
    text = _reason(language, "lgpd", "private", posts=posts)
    assert posts in text
    assert text.count(posts) == 1


def test_posts_are_not_evaluated_as_template_code():
    text = _reason(posts="{{ 7*7 }} and {% if true %}x{% endif %}")
    assert "{{ 7*7 }} and {% if true %}x{% endif %}" in text
    assert "49" not in text


def test_posts_lose_a_final_full_stop_the_sentence_already_has():
    text = _reason(posts="my sketches and paintings. ")
    assert "“my sketches and paintings”." in text
    assert ".”" not in text
    assert "“我的速写”." in _reason(posts="我的速写。")


def test_posts_and_name_on_one_clean_line():
    text = _reason(
        posts="my\n\nsketches\tand\x00 \x1b[0mpaintings\u202e", name=" Ann\r\nExample\u200b "
    )
    assert "“my sketches and [0mpaintings”" in text
    assert text.endswith("\n\nAnn Example")
    for char in ("\x00", "\x1b", "\u202e", "\u200b", "\t", "\r"):
        assert char not in text


def test_clean_text_keeps_printable_unicode_and_drops_controls():
    assert clean_text("  a\u00a0b\u3000c\n\td  ") == "a b c d"
    assert clean_text("x\x07y\x7fz\ufeff") == "xyz"
    assert clean_text("e\u0301") == "é"
    assert clean_text("\u202eevil\u202c \u2066iso\u2069") == "evil iso"
    for kept in ("👨\u200d👩\u200d👧", "می\u200cخواهم", "עברית\u200f!", *UNICODE_POSTS):
        assert clean_text(kept) == kept
    assert clean_text("\ud800x") == "x"


@pytest.mark.parametrize("language", LANGUAGES)
def test_name_signs_the_reason_only_when_given(language: str):
    signed = _reason(language, name="Zofia Łęcka-Núñez 李")
    assert signed.endswith("\n\nZofia Łęcka-Núñez 李")
    unsigned = _reason(language, name="   ")
    assert "\n" not in unsigned
    assert unsigned.endswith(".")
    assert signed.removesuffix("\n\nZofia Łęcka-Núñez 李") == unsigned


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("role", "influencer", "artist, photographer, parent, private"),
        ("language", "sv", "en, de, fr, es, it, nl, pl, pt-BR"),
        ("regime", "ccpa", "gdpr, uk-gdpr, fadp, lgpd, us-state, us, none"),
    ],
)
def test_unknown_choices_list_the_valid_ones(field: str, value: str, valid: str):
    kwargs = {"law": "", "regime": "gdpr", "role": "artist", "language": "en", field: value}
    with pytest.raises(OptionError) as caught:
        reason_text(**kwargs)
    assert value in caught.value.message
    assert valid in caught.value.hint


def test_platforms_must_be_known_and_not_empty():
    with pytest.raises(OptionError, match="threads"):
        _reason(platforms=["threads"])
    with pytest.raises(OptionError, match="facebook, instagram"):
        _reason(platforms=[])


def test_too_long_posts_and_names_are_refused():
    assert "ж" * MAX_POSTS_CHARS in _reason(posts="ж" * MAX_POSTS_CHARS)
    with pytest.raises(OptionError, match=str(MAX_POSTS_CHARS + 1)):
        _reason(posts="ж" * (MAX_POSTS_CHARS + 1))
    with pytest.raises(OptionError, match=str(MAX_NAME_CHARS)):
        _reason(name="N" * (MAX_NAME_CHARS + 1))


def test_check_reason_length():
    fits = "x" * MAX_REASON_CHARS
    assert check_reason_length(fits) is fits
    with pytest.raises(OptionError, match=str(MAX_REASON_CHARS + 1)):
        check_reason_length(fits + "x")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_ships_a_reason_template(language: str):
    assert "reason" in template_names(language)


def _edit(home: Path, text: str, language: str = "en") -> None:
    folder = home / "templates" / "rights" / language
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "reason.md.j2").write_text(text, encoding="utf-8")


def test_an_edited_template_in_the_home_wins(notrain_home: Path):
    _edit(notrain_home, "As a {{ role }} on {{ platforms | join(' and ') }}:\n{{ posts }}.\n")
    text = _reason(role="parent", posts="our garden", home=notrain_home)
    assert text == "As a parent on facebook and instagram: our garden."
    assert _reason(role="parent", posts="our garden") != text, "without home, the package one"
    assert OBJECTS["de"] in _reason("de", home=notrain_home), "other languages are untouched"


def test_an_edited_template_cannot_reach_python_internals(notrain_home: Path):
    _edit(notrain_home, "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateProblem) as caught:
        _reason(home=notrain_home)
    assert isinstance(caught.value.__cause__, SecurityError)
    assert caught.value.hint


def test_a_misspelt_variable_in_an_edited_template_is_an_error(notrain_home: Path):
    _edit(notrain_home, "I am a {{ rol }}.")
    with pytest.raises(TemplateProblem) as caught:
        _reason(home=notrain_home)
    assert isinstance(caught.value.__cause__, UndefinedError)
    assert "rol" in caught.value.message


def test_an_edited_template_that_is_too_long_is_refused(notrain_home: Path):
    _edit(notrain_home, "{% for _ in range(400) %}word {% endfor %}")
    with pytest.raises(OptionError, match="template"):
        _reason(home=notrain_home)


def test_the_law_is_cited_as_each_language_cites_it():
    assert "nach Art. 21 Abs. 1 DSGVO" in _reason("de", "gdpr")
    assert "art. 21 ust. 1 RODO" in _reason("pl", "gdpr")
    swiss = reason_text(law="Art. 30(2)(b) FADP", regime="fadp", role="artist", language="de")
    assert "Art. 30 Abs. 2 lit. b DSG" in swiss
    brazil = reason_text(law="Art. 18 § 2 LGPD", regime="lgpd", role="artist", language="pt-BR")
    assert "art. 18, § 2º, da LGPD" in brazil
    assert "Art. 21(1) UK GDPR" in _reason("de", "uk-gdpr")  # no German form for the UK's law
    assert citation("Art. 21(1) GDPR", "en") == "Art. 21(1) GDPR"
