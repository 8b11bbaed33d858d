"""What changed in a document, version after version, and which changes concern AI training.

:func:`changes_between` compares two versions: normalise, diff, classify. :func:`changes_in`
walks a document's whole history and is the one to use for more than two versions, because
of two things seen in real captures:

- Broken captures (an error page, a login wall, a fraction or a multiple of the usual size) are
  kept aside: each good version is compared with the last good one, never with a broken one,
  so a broken page never reads as a deleted policy.
- Meta serves the same policy in two renderings that alternate from one capture to the next:
  a collapsed one, and an expanded one that also holds the annotations (examples, "learn more"
  panels) that the collapsed one hides. A collapsed capture after an expanded one would
  otherwise read as the annotations deleted, and the next expanded one as them added again.
  So each version is compared with the last earlier version of its own rendering. The
  sentences the collapsed rendering hides are learnt whenever a capture reads as the previous
  one with a good part left out, or added (:data:`HIDDEN`); a version that shows most of them
  is expanded, else collapsed. A change already reported since then, through a capture of the
  other rendering, is not reported again. The first version of a rendering is compared with
  the other one: when it is the collapsed one, only what it adds or rewords is reported (what
  it lacks may only be hidden); when it is the expanded one, only what it lacks or rewords
  (what it adds may only have been hidden). A real change that only shows in the hidden part
  is reported when the next capture of the expanded rendering comes, and a rewording whose
  old wording only ever showed in the other rendering is reported as an addition.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from notrain.watch.diff import Edits, Sentence, changes, diff, edits, sentences
from notrain.watch.model import Change, Version
from notrain.watch.relevance import classify
from notrain.watch.text import broken, normalise

__all__ = ["HIDDEN", "TECHNICAL_UPGRADE", "changes_between", "changes_in", "mark_broken"]

TECHNICAL_UPGRADE = ":technical-upgrade"
"""The end of the ``origin`` of an Open Terms Archive commit that only re-captured a document
with new selectors ("Apply technical or declaration upgrade"): later versions are compared
with it, but what it changed is not reported."""

HIDDEN = 0.2
"""A capture that lacks at least this share of the previous one's sentences, and adds at most a
third as many, is taken for a rendering that hides part of the text (and the other way round
for one that shows more). A real revision that only deletes this much at once reads the same:
its removals are then not reported, its additions are."""


def changes_between(document_key: str, old: Version, new: Version) -> list[Change]:
    """What changed from ``old`` to ``new``, classified; nothing when either is broken."""
    if old.broken or new.broken or broken(new.text, old.text):
        return []
    return _compare(document_key, old, new)


def _compare(document_key: str, old: Version, new: Version) -> list[Change]:
    changes = diff(
        normalise(old.text),
        normalise(new.text),
        document=document_key,
        captured=new.captured,
        effective=new.effective,
    )
    return [classify(change) for change in changes]


def mark_broken(versions: Sequence[Version]) -> list[Version]:
    """``versions`` in capture order, those that are not the policy marked ``broken`` with the
    reason (see :func:`notrain.watch.text.broken`).

    Each is judged against the last good version before it; the first against the version of
    median size, so that a history starting with a broken capture does not make every good one
    after it look oversized."""
    ordered = sorted(versions, key=_captured)
    if not ordered:
        return []
    typical = sorted(ordered, key=lambda version: len(version.text))[len(ordered) // 2]
    marked: list[Version] = []
    last_good: Version | None = None
    for version in ordered:
        if version.broken:
            marked.append(replace(version, broken_reason=version.broken_reason or "broken"))
            continue
        reference = last_good or (typical if typical is not version else None)
        reason = broken(version.text, reference.text if reference else None)
        if reason:
            marked.append(replace(version, broken=True, broken_reason=reason))
        else:
            marked.append(version)
            last_good = version
    return marked


@dataclass
class _Reference:
    version: Version
    keys: Counter[str]


def changes_in(versions: Sequence[Version]) -> list[Change]:
    """Every change in one document's history, oldest first (see the module's docstring for
    how broken captures and alternating renderings are handled)."""
    latest: dict[str, _Reference] = {}
    hidden: frozenset[str] = frozenset()
    previous: _Reference | None = None
    reported: _Reported = defaultdict(list)
    found: list[Change] = []
    for version in mark_broken(versions):
        if version.broken:
            continue
        current = _Reference(version, Counter(s.key for s in sentences(normalise(version.text))))
        if previous is None:
            latest[_FULL] = previous = current
            continue
        relation = _relation(previous.keys, current.keys)
        if relation == "hides":
            hidden = frozenset(previous.keys - current.keys)
        elif relation == "shows more":
            hidden = frozenset(current.keys - previous.keys)
        latest = _regroup(latest.values(), hidden)
        rendering = _rendering(current.keys, hidden)
        base = latest.get(rendering)
        dropped = ""
        if base is None:
            base = latest[_PARTIAL if rendering == _FULL else _FULL]
            dropped = "removed" if rendering == _PARTIAL else "added"
        found_edits = edits(normalise(base.version.text), normalise(version.text))
        fresh = _unreported(found_edits, since=base.version.captured, reported=reported)
        if dropped == "removed":
            fresh = replace(fresh, removed=())
        elif dropped == "added":
            fresh = replace(fresh, added=())
        _record(fresh, version.captured, reported)
        latest[rendering] = previous = current
        if version.origin.endswith(TECHNICAL_UPGRADE):
            continue  # the archive re-captured with new selectors: what differs is not news
        found.extend(
            classify(change)
            for change in changes(
                fresh,
                document=version.document,
                captured=version.captured,
                effective=version.effective,
            )
        )
    return found


_Reported = dict[tuple[str, str], list[tuple[datetime, int]]]


def _unreported(found: Edits, *, since: datetime, reported: _Reported) -> Edits:
    """``found`` without what was already reported after ``since`` (through a capture of the
    other rendering): a sentence added or removed as many times as it was reported goes, and
    a rewording goes when its new wording was reported."""
    budget = {
        event: sum(count for when, count in reports if when > since)
        for event, reports in reported.items()
    }

    def fresh(kind: str, items: Sequence[Sentence]) -> tuple[Sentence, ...]:
        kept: list[Sentence] = []
        for sentence in reversed(items):
            event = (kind, sentence.key)
            if budget.get(event, 0) > 0:
                budget[event] -= 1
            else:
                kept.append(sentence)
        return tuple(reversed(kept))

    reworded = []
    for old, new in found.reworded:
        event = ("added", new.key)
        if budget.get(event, 0) > 0:
            budget[event] -= 1
        else:
            reworded.append((old, new))
    return replace(
        found,
        added=fresh("added", found.added),
        removed=fresh("removed", found.removed),
        reworded=tuple(reworded),
    )


def _record(fresh: Edits, captured: datetime, reported: _Reported) -> None:
    counts: Counter[tuple[str, str]] = Counter()
    counts.update(("added", s.key) for s in fresh.added)
    counts.update(("removed", s.key) for s in fresh.removed)
    counts.update(("added", new.key) for _, new in fresh.reworded)
    counts.update(("removed", old.key) for old, _ in fresh.reworded)
    for event, count in counts.items():
        reported[event].append((captured, count))


_FULL = "full"
_PARTIAL = "partial"


def _relation(old: Counter[str], new: Counter[str]) -> str:
    """``hides`` when ``new`` is ``old`` with a good part left out (at least :data:`HIDDEN` of
    its sentences gone, and at most a third as many new ones), ``shows more`` the other way
    round, else ``same``."""
    shared = sum((old & new).values())
    gone = 1 - shared / max(1, sum(old.values()))
    new_share = 1 - shared / max(1, sum(new.values()))
    if gone >= HIDDEN and new_share <= gone / 3:
        return "hides"
    if new_share >= HIDDEN and gone <= new_share / 3:
        return "shows more"
    return "same"


def _rendering(keys: Counter[str], hidden: frozenset[str]) -> str:
    """``full`` when a text shows most of what the collapsed rendering hides (or nothing has
    been seen hidden yet), else ``partial``."""
    if not hidden:
        return _FULL
    shown = sum(1 for key in hidden if key in keys)
    return _FULL if shown >= len(hidden) / 2 else _PARTIAL


def _regroup(references: Iterable[_Reference], hidden: frozenset[str]) -> dict[str, _Reference]:
    """The latest reference of each rendering, judged again with what is now known hidden."""
    grouped: dict[str, _Reference] = {}
    for reference in sorted(references, key=lambda ref: ref.version.captured):
        grouped[_rendering(reference.keys, hidden)] = reference
    return grouped


def _captured(version: Version) -> datetime:
    return version.captured
