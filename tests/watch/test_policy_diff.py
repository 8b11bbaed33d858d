"""The sentence- and section-level diff: what counts as a change, and what does not."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from notrain.watch.diff import (
    REWORDED_RATIO,
    SECTIONS_SEPARATOR,
    diff,
    edits,
    sentence_key,
    sentences,
    split_sentences,
)
from notrain.watch.text import normalise

WHEN = datetime(2025, 5, 28, tzinfo=UTC)

BASE = """# How do we use your information?

We use information to provide our Products. We also use it to keep you safe.

## Legitimate interests

- Promote safety, integrity and security
- Research and innovate for social good

## Your rights

You can [access](https://www.facebook.com/help/1) your information at any time.
"""


def _diff(old: str, new: str):
    return diff(normalise(old), normalise(new), document="facebook/privacy/eu", captured=WHEN)


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("One sentence. Another one! A third? Yes.", ["One sentence.", "Another one!", "A third?", "Yes."]),
        ("We use data, e.g. your posts. Then we stop.", ["We use data, e.g. your posts.", "Then we stop."]),
        ("Gültig ab 1. Januar 2023. Wir verarbeiten z.B. Fotos.", ["Gültig ab 1. Januar 2023.", "Wir verarbeiten z.B. Fotos."]),
        ("Read [our policy v. 2.0](https://example.org/a.b). It is new.", ["Read [our policy v. 2.0](https://example.org/a.b).", "It is new."]),
        ("¿Qué datos usamos? Los que nos das.", ["¿Qué datos usamos?", "Los que nos das."]),
        ("Nous l'appelons « IA ». « Elle » apprend.", ["Nous l'appelons « IA ».", "« Elle » apprend."]),
        ("We decide. [Learn more.](https://example.org/)", ["We decide.", "[Learn more.](https://example.org/)"]),
        ("Meta Platforms Ireland Ltd. is the controller.", ["Meta Platforms Ireland Ltd. is the controller."]),
        ("Provide and curate artificial intelligence technology", ["Provide and curate artificial intelligence technology"]),
    ],
)  # fmt: skip
def test_split_sentences(block: str, expected: list[str]) -> None:
    assert split_sentences(block) == expected


def test_a_list_item_is_a_sentence_and_headings_name_sections() -> None:
    found = sentences(normalise(BASE))
    assert [s.text for s in found][2:4] == [
        "Promote safety, integrity and security",
        "Research and innovate for social good",
    ]
    assert [s.section for s in found] == [
        "How do we use your information?",
        "How do we use your information?",
        "Legitimate interests",
        "Legitimate interests",
        "Your rights",
    ]


def test_sentence_key_ignores_link_targets_case_punctuation_and_markers() -> None:
    assert sentence_key("- You can [Object](https://a.example/1?x=1).") == sentence_key(
        "you can [object](https://b.example/2)"
    )


def test_the_same_text_has_no_changes() -> None:
    assert _diff(BASE, BASE) == []


def test_layout_link_churn_and_moves_are_not_changes() -> None:
    moved = """How do we use your information?
===============================

We use information to provide our Products.

We also use it to keep you safe.

## Your rights

You can [access](https://www.facebook.com/help/contact/999?entry_point=X) your information at any time.

### Legitimate interests

*   Research and innovate for social good
*   Promote safety, integrity and security
"""
    assert _diff(BASE, moved) == []


def test_a_new_heading_alone_is_not_a_change() -> None:
    assert _diff(BASE, BASE.replace("## Your rights", "## Your rights\n\n### Access")) == []


def test_added_removed_and_reworded_sentences() -> None:
    new = BASE.replace(
        "- Research and innovate for social good",
        "- Research and innovate for the social good\n"
        "- Develop and improve artificial intelligence technology",
    ).replace(" We also use it to keep you safe.", "")
    changes = _diff(BASE, new)
    assert [(c.kind, c.section) for c in changes] == [
        ("removed", "How do we use your information?"),
        ("reworded", "Legitimate interests"),
        ("added", "Legitimate interests"),
    ]
    removed, reworded, added = changes
    assert removed.removed == ("We also use it to keep you safe.",)
    assert reworded.removed == ("Research and innovate for social good",)
    assert reworded.added == ("Research and innovate for the social good",)
    assert added.added == ("Develop and improve artificial intelligence technology",)
    assert all(c.document == "facebook/privacy/eu" and c.captured == WHEN for c in changes)
    assert not any(c.ai_related for c in changes)


def test_a_real_change_is_not_a_rewording() -> None:
    old = "# Purposes\n\n- Improve our AI technologies, such as translations\n"
    new = "# Purposes\n\n- Train generative AI models on public posts and comments\n"
    assert [c.kind for c in _diff(old, new)] == ["added", "removed"]


def test_rewording_threshold() -> None:
    old = (
        "# P\n\n- In our interest, and in the interests of third parties, to offer AI technology.\n"
    )
    new = old.replace("In our interest,", "In our interests,")
    (change,) = _diff(old, new)
    assert change.kind == "reworded"
    assert REWORDED_RATIO == 0.8


def test_neighbouring_additions_of_one_section_are_one_change() -> None:
    new = BASE.replace(
        "## Your rights",
        "We may use public posts. We may use comments.\n\n## Your rights",
    )
    (change,) = _diff(BASE, new)
    assert change.kind == "added"
    assert change.added == ("We may use public posts.", "We may use comments.")


def test_a_sentence_repeated_in_another_section_is_added_once_for_all_sections() -> None:
    old = "# Contract\n\n- Your activity\n\n# Consent\n\n- Your profile\n\n# Legitimate interests\n\n- Your profile\n"
    new = (
        "# Contract\n\n- Your activity\n- Interactions with AI at Meta\n\n"
        "# Consent\n\n- Your profile\n- Interactions with AI at Meta\n\n"
        "# Legitimate interests\n\n- Your profile\n- Interactions with AI at Meta\n"
    )
    (change,) = _diff(old, new)
    assert change.added == ("Interactions with AI at Meta",)
    assert change.section.split(SECTIONS_SEPARATOR) == [
        "Contract",
        "Consent",
        "Legitimate interests",
    ]


def test_the_stated_date_line_is_not_a_change() -> None:
    old = "# Privacy Policy\n\nEffective May 27, 2025\n\nWe use data.\n"
    new = "# Privacy Policy\n\nEffective June 16, 2025\n\nWe use data.\n"
    assert _diff(old, new) == []


def test_edits_lists_sentences_with_their_positions() -> None:
    found = edits(normalise(BASE), normalise(BASE.replace("We also use it to keep you safe.", "")))
    assert [s.text for s in found.removed] == ["We also use it to keep you safe."]
    assert found.added == () and found.reworded == ()
