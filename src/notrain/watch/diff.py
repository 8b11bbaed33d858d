"""A sentence- and section-level diff of two normalised policy texts.

A policy is read as sections (its Markdown headings) holding sentences (paragraphs and list
items split at sentence ends; a list item is at least one sentence). Two texts are compared by
their sentences, not their lines, and a sentence is the same when its visible words are: case,
punctuation, link targets and the section it sits in do not count, so a paragraph that moves,
a heading that a rendering adds, or a link that changes its target is not a change. A sentence
that appears more often than before (a purpose repeated under a second legal basis) is one.

Removed and added sentences that are nearly the same (:data:`REWORDED_RATIO`) are paired as
one "reworded" change; the rest are grouped into runs of neighbouring sentences of one section.
Headings name sections and are not compared themselves, nor is a short sentence that only
states the policy's date.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from difflib import SequenceMatcher
from functools import lru_cache

from notrain.watch.model import Change
from notrain.watch.text import effective_date

__all__ = [
    "REWORDED_RATIO",
    "SECTIONS_SEPARATOR",
    "Edits",
    "Sentence",
    "changes",
    "diff",
    "edits",
    "sentence_display",
    "sentence_key",
    "sentences",
    "split_sentences",
]

REWORDED_RATIO = 0.8
"""A removed and an added sentence at least this similar (difflib ratio of their keys) are one
sentence reworded."""

SECTIONS_SEPARATOR = "; "
"""Between the section names of a change found identically in several sections."""

_DATE_LINE_WORDS = 12
_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\((?:[^\s()]|\([^\s()]*\))*\)")
_HEADING = re.compile(r"^(#{1,6}) (.*)$")
_ITEM = re.compile(r"^(?:- |\d{1,3}\. )")
_NOT_WORD = re.compile(r"[\W_]+")
_BOUNDARY = re.compile(
    # The end of a sentence (closing quotes and brackets included), spaces, then what starts
    # one: a capital (any alphabet), a digit, an opening quote or bracket, a hidden link.
    r"(?<=[.!?\u2026])[\"')\]\u00bb]*\s+"
    r"(?=[\"'(\[\u00ab\u00bf\u00a1]?[^\W\d_a-z]|\d|[\"'(\[\u00ab\u00bf\u00a1\x00])"
)
_ABBREVIATIONS = frozenset(
    ("e.g", "i.e", "etc", "inc", "ltd", "co", "corp", "no", "nos", "vs", "mr", "mrs", "ms", "dr",
     "st", "jr", "sr", "u.s", "u.k", "approx", "incl", "fig", "art", "sec", "para", "pp", "cf",
     "al", "ex", "ej", "env", "mme", "mlle", "z.b", "d.h", "bzw", "ca", "ggf", "usw", "u.a",
     "sog", "vgl", "nr", "abs", "bspw", "inkl", "evtl", "str", "sra", "srta", "núm", "pág", "ud",
     "uds", "es", "ecc", "sig", "pag", "bijv", "bv", "o.a", "d.w.z", "enz", "m.b.t", "i.v.m",
     "nº", "n°", "s.a", "s.l")
)  # fmt: skip


@dataclass(frozen=True)
class Sentence:
    """One sentence of a policy text, where it sits, and the key it is compared by."""

    text: str
    """As written in the normalised text, links included."""
    key: str
    section: str
    """The nearest heading above it, or ``""`` before the first one."""
    position: int
    """Its index among the text's sentences."""


def sentence_key(sentence: str) -> str:
    """What two sentences must share to be the same: their words, casefolded, without link
    targets, list markers, punctuation or accents' composition differences."""
    text = _LINK.sub(lambda match: f" {match[1]} ", sentence)
    text = _ITEM.sub("", text)
    text = unicodedata.normalize("NFC", text).casefold()
    return _NOT_WORD.sub(" ", text).strip()


def split_sentences(block: str) -> list[str]:
    """A paragraph or list item split into sentences (links are never split)."""
    links: list[str] = []

    def hide(match: re.Match[str]) -> str:
        links.append(match[0])
        return f"\x00{len(links) - 1}\x00"

    hidden = _LINK.sub(hide, block)
    pieces: list[str] = []
    start = 0
    for boundary in _BOUNDARY.finditer(hidden):
        if _ends_with_abbreviation(hidden[start : boundary.start()]):
            continue
        pieces.append(hidden[start : boundary.start()].strip())
        start = boundary.end()
    pieces.append(hidden[start:].strip())
    return [
        re.sub(r"\x00(\d+)\x00", lambda match: links[int(match[1])], piece)
        for piece in pieces
        if piece
    ]


def _ends_with_abbreviation(text: str) -> bool:
    """Whether the period that ends ``text`` belongs to an abbreviation, an initial or an
    ordinal number ("z.B.", "J.", "1. Januar") rather than ending a sentence."""
    if not text.endswith("."):
        return False
    word = text[:-1].rsplit(maxsplit=1)[-1] if text[:-1].split() else ""
    word = word.lstrip("(\"'[").casefold()
    if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return True
    return word.isdigit() and len(word) <= 3


def sentences(text: str) -> list[Sentence]:
    """The sentences of a normalised text (see :func:`notrain.watch.text.normalise`), in order."""
    return list(_sentences(text))


@lru_cache(maxsize=16)  # a history walk reads each version in two comparisons
def _sentences(text: str) -> tuple[Sentence, ...]:
    found: list[Sentence] = []
    section = ""
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        heading = _HEADING.match(line)
        if heading:
            section = sentence_display(heading[2])
            continue
        marker = _ITEM.match(line)
        body = line[marker.end() :] if marker else line
        for piece in split_sentences(body):
            key = sentence_key(piece)
            if key and not _states_date(piece, key):
                found.append(Sentence(piece, key, section, len(found)))
    return tuple(found)


def _states_date(sentence: str, key: str) -> bool:
    """Whether a short sentence only states the policy's date ("Effective June 16, 2025"): the
    date belongs to the version (:attr:`Version.effective`), its change is not news."""
    return len(key.split()) <= _DATE_LINE_WORDS and effective_date(sentence) is not None


def sentence_display(text: str) -> str:
    """A sentence or heading as a reader sees it: link labels without their targets."""
    return re.sub(r"\s+", " ", _LINK.sub(lambda match: match[1], text)).strip()


@dataclass(frozen=True)
class Edits:
    """The sentence-level difference between two texts, before grouping into changes."""

    removed: tuple[Sentence, ...]
    added: tuple[Sentence, ...]
    reworded: tuple[tuple[Sentence, Sentence], ...]
    """``(old sentence, new sentence)`` pairs."""
    anchors: dict[int, float] = field(default_factory=dict, compare=False)
    """Where each old sentence's place is in the new text (to list removals in order)."""


def edits(old: str, new: str) -> Edits:
    """The sentences removed, added and reworded from ``old`` to ``new`` (normalised texts)."""
    before, after = sentences(old), sentences(new)
    removed, added = _unmatched(before, after)
    pairs = _reworded(removed, added)
    paired_old = {r.position for r, _ in pairs}
    paired_new = {a.position for _, a in pairs}
    return Edits(
        removed=tuple(s for s in removed if s.position not in paired_old),
        added=tuple(s for s in added if s.position not in paired_new),
        reworded=tuple(pairs),
        anchors=_anchors(before, after),
    )


def changes(
    found: Edits, *, document: str, captured: datetime, effective: date | None = None
) -> list[Change]:
    """``found`` as changes: one per rewording, one per run of neighbouring sentences of one
    section added or removed; identical changes in several sections merged into one."""

    def change(kind: str, section: str, add: Iterable[Sentence], rem: Iterable[Sentence]):
        return Change(
            document=document,
            captured=captured,
            effective=effective,
            kind=kind,
            section=section,
            added=tuple(s.text for s in add),
            removed=tuple(s.text for s in rem),
        )

    ordered: list[tuple[float, Change]] = [
        (new.position, change("reworded", new.section, [new], [old])) for old, new in found.reworded
    ]
    for run in _runs(list(found.added)):
        ordered.append((run[0].position, change("added", run[0].section, run, [])))
    for run in _runs(list(found.removed)):
        where = found.anchors.get(run[0].position, 0.0)
        ordered.append((where, change("removed", run[0].section, [], run)))
    return _merged([c for _, c in sorted(ordered, key=lambda pair: pair[0])])


def diff(
    old: str,
    new: str,
    *,
    document: str,
    captured: datetime,
    effective: date | None = None,
) -> list[Change]:
    """What changed from ``old`` to ``new`` (both normalised texts), as added, removed and
    reworded changes, without AI flags (see :func:`notrain.watch.relevance.classify`).

    ``document``, ``captured`` and ``effective`` are copied into each change: those of the
    newer version."""
    return changes(edits(old, new), document=document, captured=captured, effective=effective)


def _unmatched(
    before: list[Sentence], after: list[Sentence]
) -> tuple[list[Sentence], list[Sentence]]:
    """The sentences of ``before`` with no counterpart in ``after``, and the other way round.

    Sentences are matched by key, occurrence by occurrence; when a key occurs more often on one
    side, the extra occurrences are those in sections where the other side does not have it."""
    by_key_old: dict[str, list[Sentence]] = defaultdict(list)
    by_key_new: dict[str, list[Sentence]] = defaultdict(list)
    for s in before:
        by_key_old[s.key].append(s)
    for s in after:
        by_key_new[s.key].append(s)
    removed: list[Sentence] = []
    added: list[Sentence] = []
    for key in by_key_old.keys() | by_key_new.keys():
        olds, news = by_key_old.get(key, []), by_key_new.get(key, [])
        if len(olds) > len(news):
            removed.extend(_extra(olds, news))
        elif len(news) > len(olds):
            added.extend(_extra(news, olds))
    return sorted(removed, key=_position), sorted(added, key=_position)


def _extra(more: list[Sentence], fewer: list[Sentence]) -> list[Sentence]:
    sections = Counter(s.section for s in fewer)
    kept: list[Sentence] = []
    extra: list[Sentence] = []
    for s in more:
        if sections[s.section] > 0:
            sections[s.section] -= 1
            kept.append(s)
        else:
            extra.append(s)
    surplus = len(more) - len(fewer) - len(extra)
    if surplus > 0:
        extra.extend(kept[-surplus:])
    elif surplus < 0:
        extra = extra[: len(more) - len(fewer)]
    return extra


def _position(s: Sentence) -> int:
    return s.position


def _reworded(removed: list[Sentence], added: list[Sentence]) -> list[tuple[Sentence, Sentence]]:
    """Removed and added sentences paired as rewordings, most similar pairs first."""
    scored: list[tuple[float, int, int]] = []
    for i, r in enumerate(removed):
        words_r = set(r.key.split())
        for j, a in enumerate(added):
            shorter, longer = sorted((len(r.key), len(a.key)))
            if not longer or shorter / longer < 2 / 3:
                continue
            words_a = set(a.key.split())
            if len(words_r & words_a) * 2 < 0.6 * (len(words_r) + len(words_a)):
                continue
            matcher = SequenceMatcher(None, r.key, a.key, autojunk=False)
            if (
                matcher.real_quick_ratio() < REWORDED_RATIO
                or matcher.quick_ratio() < REWORDED_RATIO
            ):
                continue
            ratio = matcher.ratio()
            if ratio >= REWORDED_RATIO:
                scored.append((ratio, i, j))
    pairs: list[tuple[Sentence, Sentence]] = []
    used_r: set[int] = set()
    used_a: set[int] = set()
    for _, i, j in sorted(scored, key=lambda t: (-t[0], t[1], t[2])):
        if i not in used_r and j not in used_a:
            used_r.add(i)
            used_a.add(j)
            pairs.append((removed[i], added[j]))
    return pairs


def _runs(items: list[Sentence]) -> list[list[Sentence]]:
    """Neighbouring sentences of one section, grouped."""
    runs: list[list[Sentence]] = []
    for s in items:
        last = runs[-1][-1] if runs else None
        if last is not None and s.position == last.position + 1 and s.section == last.section:
            runs[-1].append(s)
        else:
            runs.append([s])
    return runs


def _anchors(before: list[Sentence], after: list[Sentence]) -> dict[int, float]:
    """For each old position, the new position of the nearest kept sentence before it (so that
    removals are listed where they were)."""
    queue: dict[str, list[int]] = defaultdict(list)
    for s in after:
        queue[s.key].append(s.position)
    anchor: dict[int, float] = {}
    last = 0.0
    for s in before:
        anchor[s.position] = last + 0.5
        if queue.get(s.key):
            last = float(queue[s.key].pop(0))
    return anchor


def _merged(found: list[Change]) -> list[Change]:
    """Identical changes in several sections (a purpose added to every legal basis) as one
    change whose section names them all, separated by :data:`SECTIONS_SEPARATOR`."""
    merged: dict[tuple[str, tuple[str, ...], tuple[str, ...]], Change] = {}
    for change in found:
        identity = (
            change.kind,
            tuple(sentence_key(s) for s in change.added),
            tuple(sentence_key(s) for s in change.removed),
        )
        first = merged.get(identity)
        if first is None:
            merged[identity] = change
        elif change.section not in first.section.split(SECTIONS_SEPARATOR):
            section = SECTIONS_SEPARATOR.join(filter(None, (first.section, change.section)))
            merged[identity] = replace(first, section=section)
    return list(merged.values())
