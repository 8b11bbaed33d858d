"""The words shared by the terminal, the feed and the e-mail: headlines, descriptions, sentences."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from notrain.watch.model import Change, Document
from notrain.watch.relevance import classify
from notrain.watch.report import (
    OBJECT_ADVICE,
    change_html,
    describe,
    document_for,
    headline,
    highlight_html,
    long_date,
    meta_service,
    sentence_lines,
)

FB = Document(
    key="facebook/privacy-policy/eu-en",
    service="facebook",
    doc_type="privacy-policy",
    jurisdiction="EU",
    url="https://www.facebook.com/privacy/policy/",
)
X = Document(key="x/privacy-policy/global-en", service="X", doc_type="privacy-policy")
WHEN = datetime(2025, 5, 28, 9, 30, tzinfo=UTC)
AI_SENTENCE = (
    "Develop and improve artificial intelligence technology (also called AI at Meta) on Meta "
    "Products and for third parties."
)


def _change(*, document: Document = FB, kind: str = "added", **fields) -> Change:
    fields.setdefault("added", (AI_SENTENCE,) if kind != "removed" else ())
    if kind == "reworded":
        fields.setdefault("removed", ("Develop and improve our products.",))
    return classify(Change(document=document.key, captured=WHEN, kind=kind, **fields))


def test_headline_names_the_document_and_the_day_in_english() -> None:
    assert headline(_change(), FB) == "Facebook privacy policy (EU) changed on 28 May 2025"


def test_headline_adds_a_stated_effective_date_only_when_it_differs() -> None:
    later = _change(effective=date(2025, 6, 26))
    assert headline(later, FB).endswith("changed on 28 May 2025 (effective 26 June 2025)")
    assert "effective" not in headline(_change(effective=WHEN.date()), FB)


def test_dates_are_written_out_in_english_whatever_the_locale() -> None:
    assert long_date(date(2025, 3, 1)) == "1 March 2025"
    assert long_date(datetime(2024, 12, 31, 23, 59)) == "31 December 2024"


def test_an_ai_change_at_meta_says_the_person_can_object() -> None:
    text = describe(_change(), FB)
    assert text.startswith("Facebook privacy policy (EU) changed on 28 May 2025. Added: ")
    assert "AI at Meta" in text and "This concerns AI training" in text
    assert text.endswith(OBJECT_ADVICE) and text.count(OBJECT_ADVICE) == 1


def test_an_ai_change_elsewhere_points_to_the_platforms_own_settings() -> None:
    text = describe(_change(document=X), X)
    assert OBJECT_ADVICE not in text
    assert text.endswith("Look in X's privacy settings for a way to opt out of AI training.")


def test_no_advice_for_a_removal_or_a_change_that_is_not_about_ai() -> None:
    removed = _change(kind="removed", removed=(AI_SENTENCE,))
    assert removed.ai_related and "no longer says this" in describe(removed, FB)
    assert OBJECT_ADVICE not in describe(removed, FB)
    plain = _change(added=("We updated the cookie banner.",))
    assert describe(plain, FB) == (
        "Facebook privacy policy (EU) changed on 28 May 2025. "
        "Added: 'We updated the cookie banner'."
    )


def test_an_unsummarised_change_is_counted() -> None:
    bare = Change(document=FB.key, captured=WHEN, kind="added", added=("A.", "B."), removed=("C.",))
    assert describe(bare, FB).endswith("2 sentences added, 1 sentence removed.")


@pytest.mark.parametrize(
    ("service", "key", "meta"),
    [
        ("facebook", "facebook/x", True),
        ("Instagram", "instagram/x", True),
        ("Meta AI", "meta-ai/x", True),
        ("WhatsApp", "whatsapp/x", True),
        ("Threads", "threads/x", True),
        ("LinkedIn", "linkedin/x", False),
        ("Metafilter", "metafilter/x", False),
    ],
)
def test_which_services_are_metas(service: str, key: str, meta: bool) -> None:
    assert meta_service(Document(key=key, service=service, doc_type="terms")) is meta


def test_an_unknown_document_is_named_from_the_changes_key() -> None:
    found = document_for(_change(), {})
    assert found.key == FB.key and found.service == "facebook"
    assert document_for(_change(), {FB.key: FB}) is FB


def test_sentence_lines_label_what_was_added_removed_or_reworded() -> None:
    reworded = _change(kind="reworded")
    assert sentence_lines(reworded) == [
        "Used to read:",
        "  - Develop and improve our products.",
        "Now reads:",
        f"  + {AI_SENTENCE}",
    ]
    linked = _change(added=("Read [our policy](https://example.com/p?utm=1) now.",))
    assert sentence_lines(linked) == ["Added:", "  + Read our policy now."]


def test_html_escapes_policy_text_and_marks_ai_terms() -> None:
    marked = highlight_html("Generative AI <script>alert('x')</script> & more", ["generative AI"])
    assert marked == (
        "<mark><strong>Generative AI</strong></mark> &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more"
    )
    assert highlight_html("generative AI models", ["AI", "generative AI"]) == (
        "<mark><strong>generative AI</strong></mark> models"
    )
    assert highlight_html("maintain", ["AI"]) == "maintain"


def test_change_html_lists_sentences_in_the_documents_language_and_links_to_it() -> None:
    french = Document(key="facebook/pp/uk-fr", service="facebook", doc_type="pp", language="fr")
    change = _change(document=french, added=("Nous développons l'intelligence artificielle.",))
    fragment = change_html(change, french)
    assert (
        '<ul lang="fr"><li>Nous développons l&#x27;<mark><strong>intelligence artificielle'
        in fragment
    )
    assert "<a href" not in fragment
    assert '<a href="https://www.facebook.com/privacy/policy/">' in change_html(_change(), FB)
    sneaky = Document(key="a/b/c", service="a", doc_type="b", url="javascript:alert(1)")
    assert "javascript:" not in change_html(_change(document=sneaky), sneaky)
