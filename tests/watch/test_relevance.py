"""The AI-relevance classifier: AI sentences in seven languages, and what must not count."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources

import pytest

from notrain.watch.model import Change
from notrain.watch.relevance import CATEGORIES, classify, relevance

WHEN = datetime(2025, 5, 28, tzinfo=UTC)


@pytest.mark.parametrize(
    ("sentence", "term"),
    [
        ("Develop and improve artificial intelligence technology (also called AI at Meta) on Meta Products and for third parties.", "artificial intelligence"),
        ("We'll use public posts to develop and improve generative AI models for AI at Meta.", "generative AI"),
        ("For example, your videos can help train our products to recognize objects.", "train our products"),
        ("We also use manual review to train our algorithms.", "train our algorithms"),
        ("Learn about how models are trained.", "models are trained"),
        ("Interactions with Meta AI and related metadata.", "Meta AI"),
        ("We support research in areas like machine learning.", "machine learning"),
        ("Développer et améliorer l'intelligence artificielle (également appelée IA chez Meta).", "intelligence artificielle"),
        ("Nous utiliserons vos publications pour entraîner nos modèles d'IA générative.", "entraîner nos modèles"),
        ("Entwicklung und Verbesserung von künstlicher Intelligenz (KI bei Meta).", "künstlicher Intelligenz"),
        ("Wir nutzen öffentliche Beiträge, um KI-Modelle zu trainieren.", "KI-Modelle zu trainieren"),
        ("Desarrollar y mejorar la inteligencia artificial (también llamada IA de Meta).", "inteligencia artificial"),
        ("Usaremos tus publicaciones para entrenar modelos de IA generativa.", "entrenar modelos"),
        ("Sviluppare e migliorare l'intelligenza artificiale (chiamata anche IA di Meta).", "intelligenza artificiale"),
        ("Useremo i post pubblici per addestrare i nostri modelli.", "addestrare i nostri modelli"),
        ("Kunstmatige intelligentie (ook wel AI bij Meta genoemd) ontwikkelen en verbeteren.", "Kunstmatige intelligentie"),
        ("We gebruiken openbare berichten om onze AI-modellen te trainen.", "AI-modellen"),
        ("Desenvolver e melhorar a inteligência artificial (também chamada IA da Meta).", "inteligência artificial"),
        ("Usaremos publicações públicas para treinar modelos de IA generativa.", "treinar modelos"),
    ],
)  # fmt: skip
def test_ai_sentences_in_seven_languages(sentence: str, term: str) -> None:
    found = relevance(sentence)
    assert found.ai_related
    assert term.casefold() in [t.casefold() for t in found.terms]


@pytest.mark.parametrize(
    "sentence",
    [
        "Where we rely on legitimate interests, you have the right to object to our use of certain information.",
        "Vous avez le droit de vous opposer à ce traitement.",
        "Sie haben ein Widerspruchsrecht gegen diese Verarbeitung.",
        "Tienes derecho a oponerte a este tratamiento (derecho de oposición).",
        "Hai il diritto di opporti a questo trattamento.",
        "U heeft het recht om bezwaar te maken tegen deze verwerking.",
        "Tem o direito de se opor a este tratamento.",
    ],
)  # fmt: skip
def test_objection_rights_count(sentence: str) -> None:
    found = relevance(sentence)
    assert found.ai_related and "objection" in found.categories


@pytest.mark.parametrize(
    "sentence",
    [
        "We may change our business model at any time.",
        "Basic information about devices that downloaded our apps, like device model and OS.",
        "We maintain our services and keep your email safe.",
        "Learn more in our [Help Center](https://ai.facebook.com/genai/ai-partners).",
        "For example, your videos show objects, like trees.",
        "We train our staff to handle your requests.",
        "Take the train station exit; training sessions are free.",
        "We process information on the basis of legitimate interests.",
        "Public posts can be seen by anyone.",
        "Par opposition aux annonces, ce contenu est gratuit.",
        "Das steht im Widerspruch zu unseren Nutzungsbedingungen.",
        "Ofrecemos un modelo de negocio basado en la publicidad.",
        "Il modello del dispositivo e il sistema operativo.",
        "Het model van je apparaat en je besturingssysteem.",
        "O modelo do dispositivo e o sistema operativo.",
    ],
)  # fmt: skip
def test_not_about_ai(sentence: str) -> None:
    found = relevance(sentence)
    assert not found.ai_related
    assert found.terms == ()


def test_context_terms_are_listed_with_flagging_ones() -> None:
    found = relevance(
        "We'll use public posts on the basis of legitimate interests to develop generative AI."
    )
    assert found.terms[0] == "generative AI"
    assert {"public posts", "legitimate interests"} <= set(found.terms)
    assert found.categories == {"ai", "context"}


def _change(kind: str, added: tuple[str, ...] = (), removed: tuple[str, ...] = ()) -> Change:
    return Change(
        document="facebook/privacy/eu",
        captured=WHEN,
        kind=kind,
        section="Legitimate interests",
        added=added,
        removed=removed,
    )


def test_classify_an_added_ai_purpose() -> None:
    change = classify(
        _change(
            "added",
            added=(
                (
                    "Develop and improve [artificial intelligence technology](https://www.facebook"
                    ".com/privacy/genai) (also called AI at Meta) on Meta Products and for third "
                    "parties."
                ),
                "Public content that you or others create or share, like posts or comments.",
            ),
        )
    )
    assert change.ai_related
    assert change.ai_terms[:2] == ("artificial intelligence", "AI at Meta")
    assert change.summary == (
        "Added in 'Legitimate interests': 'Develop and improve artificial intelligence "
        "technology (also called AI at Meta) on Meta Products and for third parties' (and 1 "
        "more sentence). This concerns AI training on your public posts, based on legitimate "
        "interests."
    )


def test_classify_a_removal_and_a_rewording() -> None:
    removed = classify(_change("removed", removed=("We use AI to translate posts.",)))
    assert removed.summary.startswith("Removed in 'Legitimate interests': 'We use AI")
    assert removed.summary.endswith("the policy no longer says this.")
    reworded = classify(
        _change(
            "reworded",
            added=("Our Products include Facebook, Instagram, Messenger and AI at Meta.",),
            removed=("Our Products include Facebook, Instagram and Messenger.",),
        )
    )
    assert reworded.ai_related and reworded.ai_terms == ("AI at Meta",)
    assert "now reads 'Our Products include Facebook, Instagram, Messenger and AI at Meta'" in (
        reworded.summary
    )


def test_classify_a_change_that_is_not_about_ai() -> None:
    change = classify(_change("added", added=("We updated our cookie banner.",)))
    assert not change.ai_related and change.ai_terms == ()
    assert change.summary == "Added in 'Legitimate interests': 'We updated our cookie banner'."


def test_the_term_file_covers_seven_languages_and_says_where_it_comes_from() -> None:
    data = json.loads(
        resources.files("notrain").joinpath("data", "watch", "ai_terms.json").read_text("utf-8")
    )
    assert set(data["languages"]) == {"en", "fr", "de", "es", "it", "nl", "pt"}
    assert data["source"] and data["checked"]
    for groups in data["languages"].values():
        assert set(groups) == set(CATEGORIES)
