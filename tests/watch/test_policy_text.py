"""Normalising captured policy text, the date it states, and telling broken captures apart."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notrain.watch.diff import sentences
from notrain.watch.text import broken, clean_url, effective_date, normalise

POLICY = """What is the Privacy Policy?
==========================

Effective June 16, 2025

We at Meta want you to understand what information we collect. Read the full policy below.

How do we use your information?
-------------------------------

* Provide, personalise and improve our Products
* Promote safety, integrity and security

Learn more about [your choices](https://www.facebook.com/privacy/center/) at any time.
"""


def test_list_marker_emphasis_and_heading_styles_compare_equal() -> None:
    restyled = """# What is the Privacy Policy? #

Effective June 16, 2025

We at **Meta** want you to understand what information we collect.   Read the full policy below.

## How do we use your __information__?

+   Provide, personalise and improve our Products
-   Promote safety, integrity and security

Learn more about [*your choices*](https://www.facebook.com/privacy/center/) at any time.
"""
    assert normalise(restyled) == normalise(POLICY)


def test_whitespace_quotes_and_invisible_characters_do_not_count() -> None:
    curly = "We\u2019ve said \u201cyes\u201d.\u00a0 Twice\u200b.\r\n"
    assert normalise(curly) == normalise('We\'ve said "yes". Twice.\n')


def test_tracking_parameters_session_ids_and_locale_flips_are_dropped() -> None:
    plain = "[Learn more](https://www.facebook.com/help/123/)"
    noisy = (
        "[Learn more](https://de-de.facebook.com/help/123/?utm_source=x&utm_medium=y"
        "&fbclid=abc&__cft__[0]=AZX&__tn__=-R&entry_point=POLICY&locale=de_DE&sid=42)"
    )
    assert normalise(noisy) == normalise(plain)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://m.facebook.com/help/1?ref=dp", "https://www.facebook.com/help/1"),
        ("http://mbasic.facebook.com/x?hl=fr&b=2&a=1", "https://www.facebook.com/x?a=1&b=2"),
        (
            "https://lm.facebook.com/l.php?u=https%3A%2F%2Fexample.org%2Fpage%3Futm_source%3Dfb",
            "https://example.org/page",
        ),
        (
            "https://mbasic.facebook.com/privacy/policy/printable/https%3A%2F%2Fnpe.fb.com%2F",
            "https://npe.fb.com/",
        ),
        ("https://example.org/fr-fr/terms;jsessionid=AB12?x=1", "https://example.org/terms?x=1"),
        ("https://example.org/a#section-2", "https://example.org/a#section-2"),
        ("mailto:privacy@example.org", "mailto:privacy@example.org"),
    ],
)
def test_clean_url(url: str, expected: str) -> None:
    assert clean_url(url) == expected


def test_footnote_numbers_anchors_and_images_go() -> None:
    text = (
        "We collect information [even if you don't have an account\\[3\\]](#annotation-3).\n\n"
        "![](/images/brand.png)\n\n[![](/i.png)\n\nManage your information\n\nPrivacy Center]"
        "(https://www.facebook.com/privacy/guide/)"
    )
    assert normalise(text) == (
        "We collect information even if you don't have an account.\n\n"
        "Manage your information\n\nPrivacy Center\n"
    )


def test_table_cells_become_blocks_like_the_same_text_as_a_list() -> None:
    table = (
        "| Why we process | Information we use |\n| --- | --- |\n"
        "| Provide our Products.<br><br>* Keep accounts safe<br>* Fix bugs | Your activity |\n"
    )
    listed = (
        "Why we process\n\nInformation we use\n\nProvide our Products.\n\n"
        "* Keep accounts safe\n* Fix bugs\n\nYour activity\n"
    )
    assert [s.key for s in sentences(normalise(table))] == [
        s.key for s in sentences(normalise(listed))
    ]


def _expanded(annotations: bool) -> str:
    """A Meta-style policy: the expanded rendering puts numbered annotation blocks after the
    section that refers to them; the collapsed one leaves them out."""
    main = (
        "How do we use your information?\n===============================\n\n"
        "We use information to [personalise your experience\\[12\\]](#annotation-12).\n\n"
        "* Provide and improve our Products\n"
    )
    annotation = (
        "\n12\n\nHow we personalise\n------------------\n\n"
        "For example, your videos can help train our products to recognise objects.\n"
    )
    return main + (annotation if annotations else "") + "\n[Return to top](#)\n"


def test_collapsed_rendering_is_the_expanded_one_without_its_annotations() -> None:
    expanded = {s.key for s in sentences(normalise(_expanded(True)))}
    collapsed = {s.key for s in sentences(normalise(_expanded(False)))}
    assert collapsed < expanded
    assert expanded - collapsed == {
        "for example your videos can help train our products to recognise objects"
    }


@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("ab *_-+#|[]()<>!\\.\n1:/'\u2019\u00a0")), max_size=120)
)
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Effective January 1, 2023\n\nWe at Meta...", date(2023, 1, 1)),
        ("Last updated: 03/04/2024", date(2024, 3, 4)),
        ("Effective date: 2024-05-01", date(2024, 5, 1)),
        ("Date d'entrée en vigueur : 16 juin 2025", date(2025, 6, 16)),
        ("En vigueur à compter du 1er janvier 2023", date(2023, 1, 1)),
        ("Gültig ab 1. Januar 2023", date(2023, 1, 1)),
        ("Zuletzt aktualisiert: 3.4.2024", date(2024, 4, 3)),
        ("Fecha de entrada en vigor: 16 de junio de 2025", date(2025, 6, 16)),
        ("Última actualización: 3 de marzo de 2024", date(2024, 3, 3)),
        ("In vigore dal 1° gennaio 2023", date(2023, 1, 1)),
        ("Data di entrata in vigore: 16 giugno 2025", date(2025, 6, 16)),
        ("Ingangsdatum: 16 juni 2025", date(2025, 6, 16)),
        ("Laatst bijgewerkt: 3 maart 2024", date(2024, 3, 3)),
        ("Em vigor a partir de 16 de junho de 2025", date(2025, 6, 16)),
        ("Última atualização: 3 de março de 2024", date(2024, 3, 3)),
    ],
)
def test_effective_date_in_seven_languages(text: str, expected: date) -> None:
    assert effective_date(text) == expected


def test_effective_date_prefers_the_effective_statement_and_may_be_absent() -> None:
    text = "We updated this page on May 2, 2024.\n\nEffective June 16, 2025"
    assert effective_date(text) == date(2025, 6, 16)
    assert effective_date("We updated this page on May 2, 2024.") == date(2024, 5, 2)
    assert effective_date("A policy without any date. Effective immediately.") is None


def _policy(paragraphs: int) -> str:
    return "\n\n".join(
        f"We process information for purpose number {i}, and you can log in to manage it."
        for i in range(paragraphs)
    )


def test_a_good_capture_is_not_broken_even_when_it_says_log_in() -> None:
    assert broken(_policy(200), _policy(190)) is None
    assert broken(_policy(200)) is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("# Privacy\n\nLoading...", "empty"),
        ("Sorry, something went wrong. " * 30, "error page"),
        ("Seite nicht gefunden. Die Seite existiert nicht mehr. " * 12, "error page"),
        ("Log in to Facebook to continue. Email or phone. Password. " * 12, "login wall"),
        ("Connectez-vous pour continuer. Adresse e-mail. Mot de passe. " * 12, "login wall"),
    ],
)
def test_empty_error_and_login_pages_are_broken(text: str, reason: str) -> None:
    found = broken(text, _policy(200))
    assert found is not None and reason in found


def test_a_fraction_or_a_multiple_of_the_usual_size_is_broken() -> None:
    previous = _policy(200)
    fraction = broken(_policy(30).replace("log in", "ask"), previous)
    assert fraction is not None and "fraction" in fraction
    repeated = broken(_policy(200) * 4, previous)
    assert repeated is not None and "times the size" in repeated
    assert broken(_policy(150), previous) is None


def test_a_short_document_like_its_previous_capture_is_judged_by_size_only() -> None:
    short = "Our AI terms. Sign in to your account to change your choices. " * 20
    assert broken(short, short) is None
    assert broken("Sign in to continue. Email. Password. " * 20, short) is None
    assert "login wall" in (broken("Sign in to continue. " * 30, short * 3) or "")
