"""Change detection over a document's history: renderings, broken captures and link churn are
not news; real AI changes are reported once, at the version that first shows them."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from notrain.watch.detect import changes_between, changes_in, mark_broken
from notrain.watch.model import Change, Version

SHARED = Path(__file__).resolve().parents[3] / "shared"
POLICIES = SHARED / "data" / "policies"
BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "watch_detection.py"
START = datetime(2024, 1, 1, tzinfo=UTC)

MAIN = [
    "We collect information about how you use our Products.",
    "We use it to provide, personalise and improve our Products.",
    "We share it with partners who help us run our services.",
    "We keep it for as long as we need it for these purposes.",
    "You can access, correct or delete your information.",
    "You can [manage your settings](https://www.facebook.com/settings?utm_source=x) at any time.",
]
PURPOSES = ["Provide and measure ads", "Promote safety and integrity", "Research for social good"]
ANNOTATIONS = [
    "For example, we log which posts you view.",
    "For example, we measure how long a video plays.",
    "For example, we look at your device's battery level.",
    "For example, we note the time you were last active.",
]
AI_PURPOSE = "Develop and improve artificial intelligence technology (also called AI at Meta)"
AI_EXAMPLE = "For example, your videos can help train our products to recognise objects."


def render(
    *,
    expanded: bool,
    purposes: list[str] = PURPOSES,
    annotations: list[str] = ANNOTATIONS,
    marker: str = "*",
    effective: str = "January 1, 2024",
) -> str:
    """A policy as Meta serves it: the expanded rendering puts a numbered annotation block
    after the section, the collapsed one leaves it out."""
    items = "\n".join(f"{marker} {purpose}" for purpose in purposes)
    text = (
        f"Privacy Policy\n==============\n\nEffective {effective}\n\n"
        + " ".join(MAIN[:3])
        + f" [Learn more\\[1\\]](#annotation-1)\n\nLegitimate interests\n--------------------\n\n"
        f"{items}\n\n" + " ".join(MAIN[3:]) + "\n"
    )
    if expanded:
        text += "\n1\n\nExamples\n--------\n\n" + "\n\n".join(annotations) + "\n"
    return text + "\n[Return to top](#)\n"


def version(text: str, day: int, effective: date | None = None) -> Version:
    return Version(
        document="facebook/privacy/eu",
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        text=text,
        captured=START + timedelta(days=day),
        effective=effective,
    )


def ai_changes(changes: list[Change]) -> list[tuple[int, str, tuple[str, ...]]]:
    return [
        ((c.captured - START).days, c.kind, c.added or c.removed) for c in changes if c.ai_related
    ]


def test_alternating_renderings_link_churn_and_broken_captures_are_not_news() -> None:
    churned = render(expanded=True, marker="-").replace(
        "settings?utm_source=x", "settings/?fbclid=abc&locale=fr_FR"
    )
    history = [
        version(render(expanded=True), 0),
        version(render(expanded=False), 1),
        version(render(expanded=False), 2),
        version(churned, 3),
        version("Sorry, something went wrong. We're working on it. Go back to News Feed.", 4),
        version(render(expanded=False), 5),
        version(render(expanded=True, marker="+"), 6, effective=date(2023, 6, 1)),
        version(render(expanded=True)[:300], 7),
    ]
    assert changes_in(history) == []


def test_a_real_change_is_reported_once_where_it_first_shows() -> None:
    with_ai = [*PURPOSES, AI_PURPOSE]
    history = [
        version(render(expanded=True), 0),
        version(render(expanded=False), 1),
        # the new purpose first shows in a collapsed capture...
        version(render(expanded=False, purposes=with_ai, effective="May 27, 2025"), 2),
        # ...and is not news again in the next expanded one
        version(render(expanded=True, purposes=with_ai, effective="May 27, 2025"), 3),
        # an example only the expanded rendering shows
        version(render(expanded=True, purposes=with_ai, annotations=[*ANNOTATIONS, AI_EXAMPLE]), 4),
        version(render(expanded=False, purposes=with_ai), 5),
        # the purpose goes
        version(render(expanded=False), 6),
        version(render(expanded=True, annotations=[*ANNOTATIONS, AI_EXAMPLE]), 7),
    ]
    found = changes_in(history)
    assert ai_changes(found) == [
        (2, "added", (AI_PURPOSE,)),
        (4, "added", (AI_EXAMPLE,)),
        (6, "removed", (AI_PURPOSE,)),
    ]
    assert [c.captured for c in found if not c.ai_related] == []
    assert found[0].summary.startswith(
        f"Added in 'Legitimate interests': '{AI_PURPOSE}'. This concerns AI training"
    )
    assert found[0].effective is None


def test_a_history_that_starts_collapsed() -> None:
    history = [
        version(render(expanded=False), 0),
        version(render(expanded=True), 1),
        version(render(expanded=False), 2),
        version(render(expanded=True, annotations=[*ANNOTATIONS, AI_EXAMPLE]), 3),
    ]
    assert ai_changes(changes_in(history)) == [(3, "added", (AI_EXAMPLE,))]


def test_changes_between_two_versions_and_never_with_a_broken_one() -> None:
    old = version(render(expanded=True), 0)
    new = version(render(expanded=True, purposes=[*PURPOSES, AI_PURPOSE]), 1)
    (change,) = changes_between("facebook/privacy/eu", old, new)
    assert change.kind == "added" and change.ai_related
    assert change.document == "facebook/privacy/eu" and change.captured == new.captured
    login = version("Log in to continue. Email address or phone number. Password.", 2)
    assert changes_between("facebook/privacy/eu", old, login) == []
    flagged = Version(**{**new.__dict__, "broken": True, "broken_reason": "error page"})
    assert changes_between("facebook/privacy/eu", old, flagged) == []


def test_mark_broken_keeps_good_versions_and_says_why_the_others_are_not() -> None:
    good = render(
        expanded=True, annotations=[f"Example {i} of what we collect." for i in range(90)]
    )
    marked = mark_broken(
        [
            version(good[:200], 0),  # a history may start with a broken capture
            version(good, 1),
            version(good[: len(good) // 5], 2),
            version(good * 5, 3),
            version(good, 4),
        ]
    )
    assert [v.broken for v in marked] == [True, False, True, True, False]
    assert "empty" in marked[0].broken_reason
    assert "fraction" in marked[2].broken_reason
    assert "times the size" in marked[3].broken_reason


def _benchmark():
    spec = importlib.util.spec_from_file_location("watch_detection", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.skipif(not POLICIES.is_dir(), reason="../shared/data/policies is not here")
@pytest.mark.parametrize(
    "series",
    [
        "pga-EU-en_Facebook_Privacy-Policy",
        "pga-EU-en_Instagram_Privacy-Policy",
        "pga-EU-en_Threads_Privacy-Policy",
    ],
)
def test_real_meta_history_every_ai_change_point_and_no_false_positive(series: str) -> None:
    score, _, _ = _benchmark().score_series(POLICIES / series)
    assert [p.commit for p in score.missed] == []
    assert score.recall == 1.0
    assert [
        (commit, c.kind, (c.added or c.removed)[0]) for commit, c in score.false_positives
    ] == []
