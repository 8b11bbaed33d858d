"""The template engine: edited templates render in a sandbox and fail with a clear error."""

from __future__ import annotations

import pytest

from notrain.rights.templates import TemplateProblem, render


def edited(home, text, name="reason", language="en"):
    folder = home / "templates" / "rights" / language
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.md.j2").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    "text",
    [
        "{{ 'x' * 10**10 }}",  # would need 10 GB
        "{{ 7 ** 123456789 }}",  # a number too big to print
        "{{ 1 / 0 }}",
        "{{ 'a' + 1 }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ undefined_variable }}",
        "{% for x in %}",
    ],
)
def test_a_broken_or_hostile_edited_template_is_a_clear_error(tmp_path, text):
    edited(tmp_path, text)
    with pytest.raises(TemplateProblem, match=r"rights/en/reason\.md\.j2") as info:
        render("reason", "en", {}, home=tmp_path)
    assert "delete your copy" in info.value.hint


def test_an_edited_template_wins_and_others_are_untouched(tmp_path):
    edited(tmp_path, "Mine: {{ name }} {{ 'ab' * 3 }}")
    assert render("reason", "en", {"name": "Zoë 李"}, home=tmp_path) == "Mine: Zoë 李 ababab\n"


def test_unknown_language_lists_the_languages():
    with pytest.raises(TemplateProblem, match="does not write in 'sv'") as info:
        render("reason", "sv", {})
    assert "pt-BR" in info.value.hint


def test_every_template_exists_in_every_language():
    from notrain.rights.model import LANGUAGES
    from notrain.rights.templates import template_names

    english = template_names("en")
    assert {
        "reason",
        "reminder",
        "complaint",
        "complaint-ico",
        "deletion-request",
        "complaint-us",
        "ftc",
        "history",
    } <= set(english)
    for language in LANGUAGES:
        assert template_names(language) == english, language


def test_long_dates_read_as_each_language_writes_them():
    from datetime import date

    from notrain.rights.templates import long_date

    assert long_date(date(2026, 1, 31), "en") == "31 January 2026"
    assert long_date(date(2026, 1, 31), "de") == "31. Januar 2026"
    assert long_date(date(2026, 1, 1), "fr") == "1er janvier 2026"
    assert long_date(date(2026, 1, 11), "fr") == "11 janvier 2026"
    assert long_date(date(2026, 3, 2), "pl") == "2 marca 2026"
