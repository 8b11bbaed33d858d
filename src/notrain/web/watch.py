"""Policy watch: the documents watched and how each last check went, the changes as a feed
(AI-related ones first), checking now, adding and removing documents, and importing a policy
history from an Open Terms Archive clone. The same library calls as ``notrain watch``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from notrain.errors import NotrainError
from notrain.store import Database
from notrain.watch.catalog import load_catalog, regions
from notrain.watch.check import CheckReport, check
from notrain.watch.journal import change_from_dict, change_to_dict, record_history
from notrain.watch.journal import reported_changes as journal_changes
from notrain.watch.model import Change, Document, document_name
from notrain.watch.notify import Notified, email_setting, feed_path, notify
from notrain.watch.ota import import_ota
from notrain.watch.report import (
    document_for,
    explain,
    headline,
    highlight_parts,
    meta_service,
    sentence_labels,
    web_url,
)
from notrain.watch.state import states
from notrain.watch.versions import documents, remove_document
from notrain.watch.watchlist import resolve_targets, watch_documents
from notrain.web.forms import form_bool, form_text, read_form, typed_paths
from notrain.web.jobs import Job, JobContext, list_jobs, runner, submit
from notrain.web.progress import find_job
from notrain.web.templating import DB, flash, home_of, redirect, render

__all__ = ["CHECK", "IMPORT", "router"]

router = APIRouter()

OBJECT_ADVICE = "You can object: the button below shows how."

CHECK = "watch-check"
IMPORT = "watch-import"
_KINDS = (CHECK, IMPORT)

_STATUS = {
    "changed": ("changed", "changed"),
    "new": ("ok", "ok"),
    "unchanged": ("ok", "ok"),
    "followed": ("ok", "ok"),
    "attention": ("needs attention", "attention"),
    "broken": ("needs attention", "attention"),
    "error": ("error", "error"),
}
"""A check's status (:data:`notrain.watch.check.STATUSES`) as the page words it, and its badge."""

_META = "meta"
"""The catalogue group offered first: every Meta service at once."""


@dataclass(frozen=True)
class ChangeView:
    """One change as a page shows it: its words, and its sentences cut into pieces to mark."""

    headline: str
    explanation: str
    ai_related: bool
    removed_label: str
    added_label: str
    removed: list[list[tuple[str, bool]]]
    added: list[list[tuple[str, bool]]]
    language: str
    link: str
    """The document's address, when it is a web address."""
    can_object: bool
    """An AI change at Meta: the objection page is the next step."""

    @classmethod
    def of(cls, change: Change, known: Mapping[str, Document]) -> ChangeView:
        document = document_for(change, known)
        added_label, removed_label = sentence_labels(change)
        return cls(
            headline=headline(change, document),
            explanation=explain(change, document, object_advice=OBJECT_ADVICE),
            ai_related=change.ai_related,
            removed_label=removed_label,
            added_label=added_label,
            removed=[highlight_parts(s, change.ai_terms) for s in change.removed],
            added=[highlight_parts(s, change.ai_terms) for s in change.added],
            language=document.language or "en",
            link=document.url if web_url(document.url) else "",
            can_object=change.ai_related and change.kind != "removed" and meta_service(document),
        )


@router.get("/watch", response_class=HTMLResponse)
def watch_page(request: Request, db: DB, show: str = "ai") -> HTMLResponse:
    return _page(request, db, show=show)


@router.get("/watch/feed.atom")
def feed_file(db: DB) -> Response:
    """The Atom feed file notrain last wrote (the library's own output, never a path asked for)."""
    path = feed_path(db)
    if not path.is_file():
        raise HTTPException(404, "There is no feed yet: notrain writes it after the first check.")
    return FileResponse(path, media_type="application/atom+xml", filename=path.name)


@router.post("/watch/add", response_model=None)
async def add_documents(request: Request, db: DB) -> Response:
    form = await read_form(request)
    how = "address" if form_text(form, "how") == "address" else "catalogue"
    if how == "address":
        target = form_text(form, "url")
        selector, name, region = form_text(form, "selector"), form_text(form, "name"), None
        missing = "Give the address of the page to watch, starting with https://."
    else:
        target = form_text(form, "target")
        selector, name = "", ""
        # the region picks among a service's documents; a single document has its own
        region = None if "/" in target else form_text(form, "region") or None
        missing = "Choose a service or a document from the list."
    if not target:
        return _page(request, db, form=form, errors={how: (missing, None)}, status=400)
    try:
        chosen = await run_in_threadpool(_watch, db, target, region, selector, name or None)
    except NotrainError as exc:
        return _page(request, db, form=form, errors={how: (exc.message, exc.hint)}, status=400)
    names = ", ".join(document_name(d) for d in chosen)
    if form_bool(form, "read_now"):
        job = _submit(request, db, CHECK, f"Reading {names}", {"keys": [d.key for d in chosen]})
        return redirect(f"/watch/jobs/{job.id}")
    flash(request, f"Now watching {names}. “Check now” reads them.")
    return redirect("/watch")


@router.post("/watch/remove", response_model=None)
async def remove(request: Request, db: DB) -> Response:
    form = await read_form(request)
    key = form_text(form, "key")
    known = {d.key: d for d in documents(db)}
    await run_in_threadpool(remove_document, db, key)
    flash(request, f"No longer watching {document_name(known[key])}.", "info")
    return redirect("/watch")


@router.post("/watch/check", response_model=None)
async def check_now(request: Request, db: DB) -> Response:
    await read_form(request)
    running = next((job for job in list_jobs(db, CHECK, limit=5) if not job.finished), None)
    job = running or _submit(request, db, CHECK, "Checking the documents you watch", {"keys": []})
    return redirect(f"/watch/jobs/{job.id}")


@router.post("/watch/import", response_model=None)
async def import_history(request: Request, db: DB) -> Response:
    form = await read_form(request)
    folder, branch = form_text(form, "folder"), form_text(form, "branch")
    problem = None
    found, _ = typed_paths(folder)
    if not folder:
        problem = "Give the folder that holds the policy history."
    elif len(found) != 1 or not found[0].is_dir():
        problem = f"There is no folder at {folder} on this computer."
    if problem:
        hint = "Copy the folder's full path from your file manager, for example /home/you/pga-versions."
        return _page(request, db, form=form, errors={"import": (problem, hint)}, status=400)
    repo = found[0].resolve()
    params = {"repo": str(repo), "branch": branch}
    job = _submit(request, db, IMPORT, f"Importing the policy history in {repo.name}", params)
    return redirect(f"/watch/jobs/{job.id}")


@router.get("/watch/jobs/{job_id}", response_class=HTMLResponse)
def job_page(job_id: str, request: Request, db: DB) -> HTMLResponse:
    job = find_job(db, job_id)
    if job.kind not in _KINDS:
        raise HTTPException(404, "There is no such job; it may have been removed.")
    result = job.result or {}
    known = {d.key: d for d in documents(db)}
    found = result.get("documents", []) if job.kind == CHECK else []
    changes = [
        ChangeView.of(change_from_dict(change), known)
        for document in found
        for change in document["changes"]
    ]
    return render(
        request,
        "watch/job.html",
        {
            "area": "watch",
            "job": job,
            "result": result,
            "changes": sorted(changes, key=lambda view: not view.ai_related),
            "labels": _STATUS,
        },
    )


@runner(CHECK)
def run_check(context: JobContext) -> dict[str, Any]:
    """Check the documents (those in ``keys``, or all), then write the feed and send e-mail."""

    def progress(done: int, total: int, document: Document) -> None:
        context.progress(done, total, current=document_name(document))

    report = check(context.db, keys=context.params.get("keys") or (), progress=progress)
    return _check_result(report, notify(context.db))


@runner(IMPORT)
def run_import(context: JobContext) -> dict[str, Any]:
    """Import an Open Terms Archive clone's history; its changes go to the feed."""

    def reading(done: int, total: int) -> None:
        context.progress(done, total, current="recorded versions read")

    def comparing(done: int, total: int) -> None:
        context.progress(done, total, current="documents compared, version after version")

    result = import_ota(
        context.db,
        Path(context.params["repo"]),
        branch=context.params.get("branch") or None,
        progress=reading,
    )
    found = record_history(context.db, result.documents, progress=comparing)
    notified = notify(context.db, email=False)
    known = {d.key: d for d in documents(context.db)}
    return {
        "repo": str(result.repo),
        "branch": result.branch,
        "commits": result.commits,
        "added": result.added,
        "broken": result.broken,
        "documents": [
            document_name(known[key]) if key in known else key for key in result.documents
        ],
        "changes": len(found),
        "ai_changes": sum(change.ai_related for change in found),
        "feed_error": notified.feed_error,
    }


def _watch(
    db: Database, target: str, region: str | None, selector: str, name: str | None
) -> list[Document]:
    chosen = resolve_targets(
        db, [target], region=region, select=[selector] if selector else [], name=name
    )
    watch_documents(db, chosen)
    return chosen


def _submit(request: Request, db: Database, kind: str, title: str, params: dict[str, Any]) -> Job:
    job = submit(db, home_of(request), kind, title, params)
    worker = request.app.state.worker
    if worker:
        worker.wake()
    return job


def _check_result(report: CheckReport, notified: Notified) -> dict[str, Any]:
    return {
        "checked_at": report.checked_at.isoformat(),
        "documents": [
            {
                "key": result.document.key,
                "name": document_name(result.document),
                "status": result.status,
                "message": result.message,
                "hint": result.hint,
                "changes": [change_to_dict(change) for change in result.changes],
            }
            for result in report.results
        ],
        "archives": [
            {"repo": str(imported.repo), "added": imported.added} for imported in report.imports
        ],
        "archive_problems": [problem.message for problem in report.ota_problems],
        "feed_error": notified.feed_error,
        "emailed": list(notified.emailed),
        "email_error": notified.email_error,
    }


def _page(
    request: Request,
    db: Database,
    *,
    show: str = "ai",
    form: FormData | None = None,
    errors: dict[str, tuple[str, str | None]] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The watch page; after a form with a problem, with what was typed and the problem."""
    ai_only = show != "all"
    watched = documents(db)
    known = {d.key: d for d in watched}
    standing = states(db)
    hints = _last_hints(db)
    rows = []
    for document in watched:
        state = standing.get(document.key)
        status_word = state.status if state else ""
        message = state.message if state else ""
        last = hints.get(document.key)
        rows.append(
            {
                "document": document,
                "name": document_name(document),
                "link": document.url if web_url(document.url) else "",
                "checked_at": state.checked_at if state else None,
                "status": _STATUS.get(status_word, ("not checked yet", "")),
                "message": message,
                "hint": last[2] if last and last[:2] == (status_word, message) else "",
            }
        )
    entries = load_catalog()
    feed = feed_path(db)
    return render(
        request,
        "watch/index.html",
        {
            "area": "watch",
            "rows": rows,
            "show": "ai" if ai_only else "all",
            "changes": [
                ChangeView.of(c, known) for c in journal_changes(db, ai_only=ai_only, limit=200)
            ],
            "running": [
                j for kind in _KINDS for j in list_jobs(db, kind, limit=5) if not j.finished
            ],
            "catalogue": [(e.key, e.name) for e in entries],
            "meta": _META,
            "regions": regions(),
            "feed": feed,
            "feed_written": feed.is_file(),
            "email": email_setting(db),
            "values": {key: value for key, value in (form or {}).items() if isinstance(value, str)},
            "read_now": form is None or form_bool(form, "read_now"),
            "errors": errors or {},
        },
        status=status,
    )


def _last_hints(db: Database) -> dict[str, tuple[str, str, str]]:
    """(status, message, hint) of each document in the latest checks: the database keeps a
    check's status and message, the job its hint."""
    found: dict[str, tuple[str, str, str]] = {}
    for job in list_jobs(db, CHECK, limit=20):
        for item in (job.result or {}).get("documents", []):
            found.setdefault(item["key"], (item["status"], item["message"], item["hint"]))
    return found
