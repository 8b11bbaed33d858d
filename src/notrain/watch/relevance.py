"""Which changes concern AI training, the words that say so, and a plain-language summary.

The classifier is a list of terms per language (English, French, German, Spanish, Italian,
Dutch, Portuguese) in ``notrain/data/watch/ai_terms.json``, not a model: a reader can see why a
sentence was flagged, and a missed term is one line to add. Three kinds of terms make a
sentence AI-related:

- ``ai``: artificial intelligence, generative AI, AI at Meta, machine learning, language and
  generative models ("AI" only as a capitalised word, so "maintain" or a URL never count);
- ``training``: training models, algorithms or products ("model" alone never counts: a
  "business model" or a "device model" is not AI);
- ``objection``: the right to object, the way out of AI training based on legitimate interests.

``context`` terms (legitimate interests, public posts, third parties) are listed with the others
to explain a change but never flag one on their own. All languages' terms are tried on every
sentence, because a policy served in one language quotes product names in another.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources

from notrain.errors import NotrainError
from notrain.watch.diff import sentence_display
from notrain.watch.model import Change

__all__ = ["CATEGORIES", "Relevance", "classify", "relevance"]

CATEGORIES = ("ai", "training", "objection", "context")
"""The kinds of terms in ``ai_terms.json``; all but ``context`` make a sentence AI-related."""

_FLAGGING = frozenset(CATEGORIES[:3])
_QUOTE_LIMIT = 220


@dataclass(frozen=True)
class Relevance:
    """What the terms found in some text say."""

    terms: tuple[str, ...]
    """The words found, as written in the text, flagging terms first, without repeats."""
    categories: frozenset[str]

    @property
    def ai_related(self) -> bool:
        return bool(self.categories & _FLAGGING)


@lru_cache(maxsize=1)
def _matchers() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """``(category, compiled pattern)`` for every term of every language (read once)."""
    text = resources.files("notrain").joinpath("data", "watch", "ai_terms.json").read_text("utf-8")
    data = json.loads(text)
    matchers: list[tuple[str, re.Pattern[str]]] = []
    for language, groups in data["languages"].items():
        for category, terms in groups.items():
            if category not in CATEGORIES:
                raise NotrainError(
                    f"ai_terms.json: unknown category {category!r} for language {language!r}.",
                    hint=f"Use one of {', '.join(CATEGORIES)}.",
                )
            for phrase in terms.get("phrases", []):
                words = r"\s+".join(re.escape(word) for word in phrase.split())
                matchers.append((category, re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)))
            for pattern in terms.get("patterns", []):
                try:
                    matchers.append((category, re.compile(pattern, re.IGNORECASE)))
                except re.error as error:
                    raise NotrainError(
                        f"ai_terms.json: the {language} {category} pattern {pattern!r} is not a "
                        f"valid regular expression ({error})."
                    ) from None
    return tuple(matchers)


def relevance(text: str) -> Relevance:
    """The AI terms in ``text`` (link targets are ignored: only what a reader sees counts).

    A term found inside a longer one ("AI" in "generative AI") is listed once, as the longer."""
    visible = sentence_display(text)
    hits: list[tuple[int, int, str, str]] = []
    for category, pattern in _matchers():
        hits.extend((m.start(), m.end(), category, m[0]) for m in pattern.finditer(visible))
    categories = frozenset(category for _, _, category, _ in hits)
    if not categories & _FLAGGING:
        return Relevance(terms=(), categories=frozenset())
    outer = [
        hit
        for hit in hits
        if not any(o[0] <= hit[0] and hit[1] <= o[1] and o[:2] != hit[:2] for o in hits)
    ]
    terms: dict[str, str] = {}
    for _, _, category, term in sorted(outer, key=lambda hit: (hit[2] == "context", hit[0])):
        terms.setdefault(" ".join(term.split()).casefold(), " ".join(term.split()))
    return Relevance(terms=tuple(terms.values()), categories=categories)


def classify(change: Change) -> Change:
    """``change`` with ``ai_related``, ``ai_terms`` and a plain-language English ``summary``."""
    sentences = change.added + change.removed
    found = relevance(" \n ".join(sentences))
    return replace(
        change,
        ai_related=found.ai_related,
        ai_terms=found.terms,
        summary=_summary(change, found),
    )


def _summary(change: Change, found: Relevance) -> str:
    where = f" in '{change.section}'" if change.section else ""
    if change.kind == "reworded":
        text = (
            f"Reworded{where}: '{_quote(change.removed[0])}' now reads '{_quote(change.added[0])}'."
        )
    elif change.kind == "removed":
        text = f"Removed{where}: {_quoted(change.removed)}."
    else:
        text = f"Added{where}: {_quoted(change.added)}."
    if not found.ai_related:
        return text
    return f"{text} {_meaning(change, found)}"


def _quoted(sentences: tuple[str, ...]) -> str:
    """The most telling sentence in quotes (the first AI-related one), and how many more."""
    chosen = next((s for s in sentences if relevance(s).ai_related), sentences[0])
    more = len(sentences) - 1
    suffix = f" (and {more} more sentence{'s' if more > 1 else ''})" if more else ""
    return f"'{_quote(chosen)}'{suffix}"


def _quote(sentence: str) -> str:
    text = sentence_display(sentence).rstrip(".;:, ")
    return text if len(text) <= _QUOTE_LIMIT else text[: _QUOTE_LIMIT - 1].rstrip() + "\u2026"


_PUBLIC = ("public", "öffentlich", "openbar", "pubblic", "públic", "publiq", "publicaç")
_DEVELOPING = re.compile(
    r"\b(?:train|develop|improv|entra[iî]n|développ|amélior|trainier|entwickel|entwickl|"
    r"verbesser|entren|desarroll|mejor|addestr|svilupp|miglior|ontwikkel|verbeter|trein|"
    r"desenvolv|melhor)",
    re.IGNORECASE,
)
_LEGITIMATE = ("legitim", "berechtigt", "gerechtvaardigd", "legitiem", "legítim")


def _meaning(change: Change, found: Relevance) -> str:
    """What the change means for someone who does not want their photos used for AI."""
    context = [term.casefold() for term in found.terms] + [change.section.casefold()]
    public = any(key in term for term in context for key in _PUBLIC)
    legitimate = any(key in term for term in context for key in _LEGITIMATE)
    if found.categories & {"ai", "training"}:
        sentences = " ".join(change.added + change.removed)
        training = "training" in found.categories or _DEVELOPING.search(sentences)
        concern = "This concerns AI training on " if training else "This concerns AI and "
        concern += "your public posts" if public else "your information"
        if legitimate:
            concern += ", based on legitimate interests"
    else:
        concern = "This concerns your right to object to how your information is used"
    if change.kind == "removed":
        return f"{concern}: the policy no longer says this."
    return f"{concern}."
