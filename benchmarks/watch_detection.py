"""AI-change detection on real Meta policy history: recall of labelled AI change points, and the
AI-related changes reported where there are none.

The EU Facebook, Instagram and Threads privacy-policy series in ``../shared/data/policies``
(Markdown versions, December 2022 to mid-2026; see its SOURCE.md) are rebuilt into a temporary
git repository in Open Terms Archive layout (``<Service>/Privacy Policy.md``, one commit per
version, committed at its capture time), imported into a fresh notrain database with
:func:`notrain.watch.ota.import_ota` (what ``notrain watch import-ota`` runs), and the stored
history is run through :func:`notrain.watch.detect.changes_in` (what ``notrain watch changes``
and ``notrain watch check`` run). The reference reads the files themselves (:func:`load_series`).

The reference is each folder's ``ai_changepoints.tsv``: AI-related sentences added (+) or
removed (-) between consecutive copied versions. It is a raw sentence diff, so it also lists
what a detector must *not* report: the annotations that the collapsed rendering hides and the
expanded one shows again, list-marker and link-target churn, and diffs against broken captures.
Each labelled sentence is therefore judged first, with a rule that does not use the detector
(its own canonical form: words only, no link targets, markers or case):

- a labelled sentence is an artefact when its version or the version it was diffed against is
  a broken capture (no stated effective date in the file name, or under a third or over three
  times the series' median size);
- an added sentence is an artefact when its words were already in an earlier good capture
  (text a rendering hid, shown again; a link or a list marker that changed);
- a removed sentence is an artefact when its words come back in a later good capture, or were
  not in the previous good capture.

A labelled change point (a version in the TSV) with at least one substantive sentence must be
reported as at least one AI-related change at that very version (recall, target 100%). Every
AI-related change reported at any other version is a false positive (target 0), listed;
precision is the share of versions with an AI-related change that are labelled change points.
The sentence column counts the substantive labelled sentences found word for word (the TSV
truncates long ones: as a part of a reported sentence; or nearly, difflib ratio >= 0.9) in an
AI-related change of the right version and side.

    python benchmarks/watch_detection.py [--policies ../shared/data/policies] [--details]

Prints a Markdown table (paste it into docs/benchmarks.md) and, with ``--details``, each
labelled change point and how it was judged.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from difflib import SequenceMatcher
from pathlib import Path

from notrain.store.database import Database
from notrain.watch.detect import changes_in
from notrain.watch.model import Change, Version
from notrain.watch.ota import import_ota
from notrain.watch.text import normalise
from notrain.watch.versions import versions as stored_versions

SERIES = (
    "pga-EU-en_Facebook_Privacy-Policy",
    "pga-EU-en_Instagram_Privacy-Policy",
    "pga-EU-en_Threads_Privacy-Policy",
)
DEFAULT_POLICIES = Path(__file__).resolve().parents[2] / "shared" / "data" / "policies"
_NAME = re.compile(
    r"__eff-(?P<eff>[0-9-]+|unknown)"
    r"__cap-(?P<cap>\d{4}-\d\d-\d\dT\d{4})__(?P<commit>[0-9a-f]+)\.md$"
)


def load_series(folder: Path) -> list[Version]:
    """The files of one series as versions, oldest capture first, for the reference: raw text,
    capture time and stated effective date from the file names, commit prefix as origin."""
    versions = []
    for path in sorted(folder.glob("*.md")):
        match = _NAME.search(path.name)
        if not match:
            continue
        text = path.read_text("utf-8")
        versions.append(
            Version(
                document=folder.name,
                sha256=hashlib.sha256(normalise(text).encode()).hexdigest(),
                text=text,
                captured=datetime.strptime(match["cap"], "%Y-%m-%dT%H%M").replace(tzinfo=UTC),
                effective=None if match["eff"] == "unknown" else date.fromisoformat(match["eff"]),
                origin=match["commit"],
            )
        )
    return sorted(versions, key=lambda v: v.captured)


def import_series(folder: Path, files: list[Version]) -> tuple[list[Version], float]:
    """The series as notrain stores it after ``import-ota``, and the import's seconds.

    Each file is committed to a temporary repository at its capture time; the imported
    versions get their file's commit prefix back as ``origin``, to be matched with the labels."""
    service = folder.name.removeprefix("pga-EU-en_").split("_")[0]
    with tempfile.TemporaryDirectory() as work:
        repo = Path(work) / "versions"
        (repo / service).mkdir(parents=True)
        _git(repo, "init", "-q", "-b", "main")
        for version in files:
            (repo / service / "Privacy Policy.md").write_text(version.text, "utf-8")
            moment = version.captured.isoformat()
            _git(repo, "add", "-A")
            _git(
                repo,
                "commit", "-q", "--allow-empty", "-m", f"Record {service} {version.origin}",
                env={"GIT_AUTHOR_DATE": moment, "GIT_COMMITTER_DATE": moment},
            )  # fmt: skip
        shas = _git(repo, "log", "--reverse", "--format=%H").split()
        file_commit = {f"ota:{sha}": v.origin for sha, v in zip(shas, files, strict=True)}
        db = Database(Path(work) / "notrain.db")
        try:
            start = time.perf_counter()
            result = import_ota(db, repo)
            seconds = time.perf_counter() - start
            stored = stored_versions(db, result.documents[0])
        finally:
            db.close()
    return [replace(v, origin=file_commit[v.origin]) for v in stored], seconds


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        check=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "benchmark",
            "GIT_AUTHOR_EMAIL": "benchmark@notrain.invalid",
            "GIT_COMMITTER_NAME": "benchmark",
            "GIT_COMMITTER_EMAIL": "benchmark@notrain.invalid",
            **(env or {}),
        },
    )
    return done.stdout


def canonical(text: str) -> str:
    """Words only: the reference's own canonical form, independent of notrain.watch.text."""
    text = re.sub(r"!?\[((?:[^\[\]]|\\[\[\]])*)\]\([^)]*\)", r" \1 ", text)
    text = re.sub(r"\\?\[\d{1,3}\\?\]", " ", text)
    text = re.sub(r"\]\([^)\s]*\)?|https?://\S+", " ", text)
    text = text.replace("\u2019", "'").casefold()
    return " " + " ".join(re.sub(r"[\W_]+", " ", text).split()) + " "


@dataclass
class Point:
    """One labelled AI change point (a version listed in ai_changepoints.tsv)."""

    commit: str
    captured: datetime
    substantive: list[tuple[str, str]] = field(default_factory=list)
    artefacts: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def expected(self) -> bool:
        return bool(self.substantive)


def reference(folder: Path, versions: list[Version]) -> dict[str, Point]:
    """The labelled change points by commit prefix, each sentence judged substantive or not."""
    median = statistics.median(len(v.text) for v in versions)
    good = [
        v for v in versions if v.effective is not None and median / 3 <= len(v.text) <= median * 3
    ]
    texts = {v.origin: canonical(v.text) for v in good}
    order = [v.origin for v in versions]
    good_order = [v.origin for v in good]
    hidden = {
        later.origin: later.effective == earlier.effective
        and len(later.text) < 0.8 * len(earlier.text)
        for earlier, later in itertools.pairwise(good)
    }
    points: dict[str, Point] = {}
    with (folder / "ai_changepoints.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            commit = row["commit"]
            point = points.setdefault(
                commit, Point(commit, datetime.fromisoformat(row["captured"]).replace(second=0))
            )
            sign, sentence = row["change"], row["sentence"]
            why = _artefact(commit, sign, canonical(sentence), order, good_order, texts, hidden)
            if why:
                point.artefacts.append((sign, sentence, why))
            else:
                point.substantive.append((sign, sentence))
    return points


def _artefact(
    commit: str,
    sign: str,
    words: str,
    order: list[str],
    good: list[str],
    texts: dict[str, str],
    hidden: dict[str, bool],
) -> str:
    if commit not in texts:
        return "broken capture"
    at = good.index(commit)
    if sign == "+":
        if any(words in texts[c] for c in good[:at]):
            return "already in an earlier capture"
        return ""
    previous = order[order.index(commit) - 1] if order.index(commit) else None
    if previous is not None and previous not in texts:
        return "diffed against a broken capture"
    if at == 0 or words not in texts[good[at - 1]]:
        return "not in the previous good capture"
    if hidden.get(commit):
        return "hidden by a smaller rendering of the same stated version"
    if any(words in texts[c] for c in good[at + 1 :]):
        return "back in a later capture"
    return ""


@dataclass
class Score:
    series: str
    versions: int
    labelled: int
    expected: int
    found: int
    sentences: int
    sentences_found: int
    flagged_versions: int
    false_positives: list[tuple[str, Change]]
    missed: list[Point]
    seconds: float
    import_seconds: float

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.found / self.flagged_versions if self.flagged_versions else 1.0


def score_series(folder: Path) -> tuple[Score, dict[str, Point], dict[str, list[Change]]]:
    """Run the detector on one series and score it against its labels."""
    files = load_series(folder)
    stored, import_seconds = import_series(folder, files)
    start = time.perf_counter()
    changes = changes_in(stored)
    seconds = time.perf_counter() - start
    commit_at = {v.captured: v.origin for v in stored}
    by_commit: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        if change.ai_related:
            by_commit[commit_at[change.captured]].append(change)
    points = reference(folder, files)
    expected = {c for c, p in points.items() if p.expected}
    found = {c for c in expected if by_commit.get(c)}
    sentences = [(c, s) for c in expected for s in points[c].substantive]
    covered = sum(1 for c, s in sentences if _covered(s, by_commit.get(c, [])))
    false_positives = [
        (commit, change)
        for commit, found_changes in by_commit.items()
        if commit not in expected
        for change in found_changes
    ]
    score = Score(
        series=folder.name,
        versions=len(stored),
        import_seconds=import_seconds,
        labelled=len(points),
        expected=len(expected),
        found=len(found),
        sentences=len(sentences),
        sentences_found=covered,
        flagged_versions=len(by_commit),
        false_positives=false_positives,
        missed=[points[c] for c in sorted(expected - found)],
        seconds=seconds,
    )
    return score, points, by_commit


def _covered(labelled: tuple[str, str], changes: list[Change]) -> bool:
    sign, sentence = labelled
    words = canonical(sentence).strip()
    for change in changes:
        side = change.added if sign == "+" else change.removed
        for candidate in side:
            other = canonical(candidate).strip()
            if words in other or SequenceMatcher(None, other, words).ratio() >= 0.9:
                return True
    return False


def table(scores: list[Score]) -> str:
    lines = [
        (
            "| series | versions | labelled change points | substantive | found | recall "
            "| labelled sentences found | false positives | precision | import s | detect s |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scores:
        lines.append(
            f"| {s.series.removeprefix('pga-EU-en_').removesuffix('_Privacy-Policy')} "
            f"| {s.versions} | {s.labelled} | {s.expected} | {s.found} | {s.recall:.0%} "
            f"| {s.sentences_found}/{s.sentences} | {len(s.false_positives)} "
            f"| {s.precision:.0%} | {s.import_seconds:.1f} | {s.seconds:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--policies", type=Path, default=DEFAULT_POLICIES)
    parser.add_argument("--details", action="store_true", help="print every labelled change point")
    args = parser.parse_args(argv)
    if not args.policies.is_dir():
        print(f"No policy data at {args.policies}.", file=sys.stderr)
        return 2
    scores = []
    for name in SERIES:
        score, points, by_commit = score_series(args.policies / name)
        scores.append(score)
        if args.details:
            _details(score, points, by_commit)
    print(table(scores))
    for score in scores:
        for commit, change in score.false_positives:
            first = (change.added or change.removed)[0]
            print(f"false positive: {score.series} {commit} {change.kind}: {first[:160]}")
        for point in score.missed:
            print(f"missed: {score.series} {point.commit} {point.substantive[0][1][:160]}")
    return 0


def _details(score: Score, points: dict[str, Point], by_commit: dict[str, list[Change]]) -> None:
    print(f"\n### {score.series}\n")
    for commit, point in sorted(points.items(), key=lambda item: item[1].captured):
        verdict = "expected" if point.expected else "artefacts only"
        reported = len(by_commit.get(commit, []))
        when = f"{point.captured:%Y-%m-%d %H:%M}"
        print(f"- {commit} {when}: {verdict}, {reported} AI change(s) reported")
        for sign, sentence in point.substantive:
            print(f"    {sign} {sentence[:140]}")
        for sign, sentence, why in point.artefacts:
            print(f"    ({why}) {sign} {sentence[:110]}")
    print()


if __name__ == "__main__":
    sys.exit(main())
