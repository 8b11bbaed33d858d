"""One pass over the watched documents: read what is new, store it, and say what changed.

A pass first re-reads the Open Terms Archive clones imported before (incrementally: only the
commits added since), then fetches every watched document that has a URL, extracts its text
with the document's selectors, normalises it and stores it as a version when it differs from
the last capture. Each document's problem (a timeout, a login wall, selectors that no longer
match, a broken capture) is its own result: the others go on.

The changes a pass reports are those captured since the document was last reported on
(:mod:`notrain.watch.state`), whichever way they arrived, found by the same
:func:`~notrain.watch.detect.changes_in` that ``notrain watch changes`` uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from notrain.errors import NotrainError, OptionError
from notrain.watch.detect import changes_in
from notrain.watch.journal import insert_changes
from notrain.watch.model import Change, Document, Version, document_name
from notrain.watch.report import long_date
from notrain.watch.state import CheckState, load_state, write_state
from notrain.watch.text import broken, effective_date, normalise
from notrain.watch.versions import add_version, documents, latest_good, text_sha256, versions

if TYPE_CHECKING:
    from notrain.store.database import Database
    from notrain.watch.fetch import Fetcher
    from notrain.watch.ota import ImportResult

__all__ = [
    "STATUSES",
    "CheckReport",
    "CheckResult",
    "OtaProblem",
    "check",
    "check_document",
    "unreported_changes",
]

STATUSES = ("changed", "new", "unchanged", "followed", "attention", "broken", "error")
"""What a check can say about a document:

- ``changed``: a new capture with changes to report;
- ``new``: the first capture of a document just added;
- ``unchanged``: nothing new, or a new capture whose differences are not news (layout, links);
- ``followed``: no URL: followed through an Open Terms Archive clone;
- ``attention``: the selectors matched nothing, so the text was found by the main-content
  extractor: it was read, but the selectors want updating;
- ``broken``: the page was not the policy this time (an error page, a fraction of its size):
  kept aside, not compared;
- ``error``: the page could not be read (network, HTTP error, login wall, not HTML, too big).
"""

WINDOW = 8
"""Good versions before the last reported one that a pass walks again, so alternating
renderings are recognised without re-reading a document's whole history every day."""


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    """What one pass found for one document."""

    document: Document
    status: str
    message: str
    hint: str = ""
    changes: tuple[Change, ...] = ()
    """The changes not reported before, oldest first."""

    @property
    def ai_changes(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.ai_related)


@dataclass(frozen=True)
class OtaProblem:
    """An Open Terms Archive clone that could not be re-read."""

    repo: str
    message: str


@dataclass(frozen=True, kw_only=True)
class CheckReport:
    """One pass: a result per document, and the archive clones re-read first."""

    checked_at: datetime
    results: tuple[CheckResult, ...]
    imports: tuple[ImportResult, ...] = ()
    ota_problems: tuple[OtaProblem, ...] = ()
    changes: tuple[Change, ...] = field(init=False)

    def __post_init__(self) -> None:
        found = tuple(change for result in self.results for change in result.changes)
        object.__setattr__(self, "changes", found)

    @property
    def ai_changes(self) -> tuple[Change, ...]:
        return tuple(change for change in self.changes if change.ai_related)

    @property
    def failed(self) -> bool:
        """True when no document could be read at all (every one an error)."""
        return bool(self.results) and all(r.status == "error" for r in self.results)


def check(
    db: Database,
    *,
    keys: Sequence[str] = (),
    fetcher: Fetcher | None = None,
    follow_ota: bool = True,
    progress: Callable[[int, int, Document], None] | None = None,
) -> CheckReport:
    """Check the watched documents (only ``keys`` when given) once.

    ``fetcher`` defaults to a :class:`~notrain.watch.fetch.Fetcher` made here (tests pass one
    with their own transport). ``progress(done, total, document)`` is called after each."""
    from notrain.watch.fetch import Fetcher

    checked_at = datetime.now(UTC)
    imports, problems = _follow_archives(db) if follow_ota else ((), ())
    chosen = [d for d in documents(db) if not keys or d.key in keys]
    results = []
    own = fetcher is None
    active = fetcher or Fetcher()
    try:
        for done, document in enumerate(chosen, 1):
            results.append(check_document(db, document, active, imports=imports, problems=problems))
            if progress is not None:
                progress(done, len(chosen), document)
    finally:
        if own:
            active.close()
    return CheckReport(
        checked_at=checked_at,
        results=tuple(results),
        imports=tuple(imports),
        ota_problems=tuple(problems),
    )


def check_document(
    db: Database,
    document: Document,
    fetcher: Fetcher,
    *,
    imports: Sequence[ImportResult] = (),
    problems: Sequence[OtaProblem] = (),
) -> CheckResult:
    """Check one document: fetch it when it has a URL, then report its unreported changes."""
    state = load_state(db, document.key)
    restarted = state.reported_through is None and latest_good(db, document.key) is not None
    if document.url:
        try:
            status, message, hint, state = _read(db, document, fetcher, state)
        except Exception as exc:  # noqa: BLE001 (one page notrain cannot read must not stop the others)
            status, hint = "error", _BUG_HINT
            message = f"notrain could not read this page ({type(exc).__name__}: {exc})."
    else:
        added = sum(document.key in result.documents for result in imports)
        status, hint = "followed", ""
        message = "Followed through an Open Terms Archive clone" + (
            ": new versions imported." if added else "; nothing new in it."
        )
        lost = [p for p in problems if p.repo and p.repo in document.source]
        if lost:
            status, message = "error", lost[0].message
            hint = "Import the clone from where it is now: notrain watch import-ota PATH."
    changes, through = unreported_changes(db, document.key, state.reported_through)
    if status in ("unchanged", "followed") and changes:
        status = "changed"
    elif status == "changed" and not changes:
        status = "unchanged"
        message = "A new capture, but nothing in it is news (layout, links or rendering)."
    if restarted and status in ("changed", "unchanged"):
        status = "new"
        message = (
            "Read again with the new selectors: this version is the new starting point, and "
            "later ones are compared with it."
        )
    if status == "changed":
        ai = sum(change.ai_related for change in changes)
        message = f"{_count(len(changes), 'change')}" + (
            f", {ai} about AI training." if ai else ", none about AI training."
        )
    checked = replace(
        state,
        checked_at=datetime.now(UTC),
        status=status,
        message=message,
        reported_through=through,
    )
    with db.conn:  # the changes are recorded and counted as reported together, or neither
        insert_changes(db.conn, changes)
        write_state(db.conn, checked)
    return CheckResult(
        document=document, status=status, message=message, hint=hint, changes=tuple(changes)
    )


def unreported_changes(
    db: Database, key: str, reported_through: datetime | None
) -> tuple[list[Change], datetime | None]:
    """The changes of document ``key`` captured after ``reported_through``, and the capture
    time to report through next. A document never reported on starts from its latest
    capture: its history is known, not news."""
    history = versions(db, key)
    if not history:
        return [], reported_through
    latest = history[-1].captured
    if reported_through is None:
        return [], latest
    seen = [i for i, v in enumerate(history) if v.captured <= reported_through and not v.broken]
    start = seen[-WINDOW] if len(seen) >= WINDOW else 0
    found = [c for c in changes_in(history[start:]) if c.captured > reported_through]
    return found, max(latest, reported_through)


def _read(
    db: Database, document: Document, fetcher: Fetcher, state: CheckState
) -> tuple[str, str, str, CheckState]:
    """Fetch, extract, normalise and store one capture: (status, message, hint, new state)."""
    from notrain.watch.extract import ExtractError, extract
    from notrain.watch.fetch import FetchError, Validators

    try:
        fetched = fetcher.fetch(
            document.url,
            validators=Validators(etag=state.etag, last_modified=state.last_modified),
            language=document.language,
        )
    except FetchError as exc:
        return "error", exc.message, exc.hint, state
    if fetched.not_modified:
        return "unchanged", "Not modified since the last check (the server said so).", "", state
    kept = _with_validators(state, fetched.validators.etag, fetched.validators.last_modified)
    previous = latest_good(db, document.key)
    try:
        extracted = extract(
            fetched.text,
            select=document.select,
            remove=document.remove,
            base_url=fetched.final_url,
            previous=previous.text if previous else None,
        )
    except (ExtractError, OptionError) as exc:
        return "broken", exc.message, exc.hint or "", _with_validators(state, "", "")
    text = normalise(extracted.markdown)
    reason = broken(text, previous.text if previous else None)
    attention = extracted.method != "selectors" and bool(document.select)
    aside = reason or (
        "read by the main-content extractor because the selectors matched nothing"
        if attention
        else None
    )
    history = versions(db, document.key)
    if not history or history[-1].sha256 != text_sha256(text):
        add_version(
            db,
            Version(
                document=document.key,
                sha256=text_sha256(text),
                text=text,
                captured=fetched.fetched_at,
                effective=effective_date(text),
                broken=aside is not None,
                broken_reason=aside or "",
                origin=fetched.final_url,
            ),
        )
    if reason is not None:
        return (
            "broken",
            (
                f"The page did not look like {document_name(document)} this time: {reason}. "
                "It is kept aside and not compared; the next check tries again."
            ),
            "If this repeats, open the URL in a browser: the site may block automated readers.",
            _with_validators(state, "", ""),
        )
    if attention:
        return (
            "attention",
            f"{extracted.note} It is kept aside, not compared, until the selectors match again.",
            _SELECTOR_HINT.format(key=document.key),
            _with_validators(state, "", ""),
        )
    if previous is None:
        stated = effective_date(text)
        return (
            "new",
            "First version stored"
            + (f" (it says it is effective from {long_date(stated)})." if stated else "."),
            "",
            kept,
        )
    if previous.sha256 == text_sha256(text):
        return "unchanged", "No change.", "", kept
    return "changed", "", "", kept


_BUG_HINT = (
    "The other documents were checked. This is a bug in notrain: please report it with the "
    "document's address (notrain watch list)."
)
_SELECTOR_HINT = (
    "Update the selectors: notrain watch add {key} --selector 'CSS' (find the element that "
    "holds the text with your browser's inspector), or follow the Open Terms Archive instead "
    "(notrain watch import-ota)."
)


def _with_validators(state: CheckState, etag: str, last_modified: str) -> CheckState:
    """Keep the validators only for a capture read as it should be: a broken page or a
    fallback extraction must be fetched in full next time."""
    return replace(state, etag=etag, last_modified=last_modified)


def _follow_archives(db: Database) -> tuple[list[ImportResult], list[OtaProblem]]:
    """Re-read every Open Terms Archive clone imported before (only what was added since)."""
    from notrain.watch.ota import import_ota

    imports, problems = [], []
    cursors = db.conn.execute("SELECT repo, branch FROM watch_ota_cursor ORDER BY repo").fetchall()
    for row in cursors:
        repo = Path(row["repo"])
        if not repo.is_dir():
            problems.append(
                OtaProblem(
                    str(repo),
                    f"The Open Terms Archive clone {repo} is gone: its documents are not "
                    "followed any more.",
                )
            )
            continue
        try:
            imports.append(import_ota(db, repo, branch=row["branch"]))
        except NotrainError as exc:
            problems.append(OtaProblem(str(repo), exc.message))
    return imports, problems


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
