"""The Audit page: read Facebook and Instagram data exports in the background, show the report
in the page, offer the library's own report files, and go on to protect the matched originals.

Exports are large, so the person types where they are on this computer (one per line), or
uploads ZIP files; a folder of originals is optional. The job writes the library's report files
and the report's data (``page.json``) into its folder; the page renders that data with the
app's own templates (the library's standalone page has inline styles, which the app's policy
forbids).
"""

from __future__ import annotations

import json
import shutil
import time
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from notrain.audit.facebook_html import DOWNLOAD_PATH
from notrain.audit.originals import find_originals
from notrain.audit.reading import audit_export, thumbnailer
from notrain.audit.report import report_data, write_report
from notrain.output import write_atomic
from notrain.web.forms import (
    form_bool,
    form_text,
    read_form,
    safe_name,
    save_uploads,
    typed_paths,
    uploads,
)
from notrain.web.jobs import (
    Job,
    JobContext,
    cancel_job,
    job_folder,
    list_jobs,
    release_job,
    runner,
    submit,
)
from notrain.web.progress import find_job
from notrain.web.templating import DB, home_of, redirect, render

__all__ = ["router"]

router = APIRouter()

KIND = "audit"
REPORT = "report"
"""The job's subfolder for the library's report files."""
UPLOADS = "uploads"
"""The job's subfolder for uploaded export ZIPs (the job is held until they are saved)."""
PAGE = "page.json"
DOWNLOADS = {
    "report.html": "text/html; charset=utf-8",
    "inventory.csv": "text/csv; charset=utf-8",
    "inventory.json": "application/json",
    "originals.csv": "text/csv; charset=utf-8",
}
"""The files of :data:`REPORT` the page offers, by name."""
PROTECT_LINK_FILES = 200
"""More matched originals than this go to the Protect page as their folders."""
PROTECT_LINK_CHARS = 8000
"""Nor may the address be longer (servers refuse request lines much over 8 KB)."""


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, db: DB) -> HTMLResponse:
    return _form_page(request, db, {}, None)


@router.post("/audit", response_model=None)
async def start_audit(request: Request, db: DB) -> Response:
    form = await read_form(request)
    exports_text, originals_text = form_text(form, "exports"), form_text(form, "originals")
    values = {
        "exports": exports_text,
        "originals": originals_text,
        "thumbnails": form_bool(form, "thumbnails"),
    }
    files = uploads(form, "upload")
    try:
        exports = _paths(exports_text, "export")
        originals = _paths(originals_text, "folder of originals")
        if not exports and not files:
            raise _FormError(
                "Say where your export is: type where it is on this computer, or upload its "
                "ZIP files.",
                "Meta sends the export as one or more ZIP files (facebook-….zip, "
                "instagram-….zip); give all of them.",
            )
    except _FormError as problem:
        return _form_page(request, db, values, problem, status=400)
    names = [p.name or str(p) for p in exports] + [
        safe_name(f.filename or "", "upload") for f in files
    ]
    title = f"Audit of {names[0]}" + (f" and {len(names) - 1} more" if len(names) > 1 else "")
    params = {
        "exports": [str(p) for p in exports],
        "originals": [str(p) for p in originals],
        "thumbnails": values["thumbnails"],
        "uploads": len(files),
    }
    home = home_of(request)
    job = submit(db, home, KIND, title, params, hold=bool(files))
    if files:
        folder = job_folder(home, job.id)
        try:
            await save_uploads(files, folder / UPLOADS)
        except (HTTPException, OSError) as exc:
            cancel_job(db, job.id)
            shutil.rmtree(folder / UPLOADS, ignore_errors=True)
            status = exc.status_code if isinstance(exc, HTTPException) else 400
            message = str(exc.detail) if isinstance(exc, HTTPException) else f"Saving failed: {exc}"
            failure = _FormError(message, "Nothing was read; choose the files again.")
            return _form_page(request, db, values, failure, status=status)
        release_job(db, job.id)
    worker = request.app.state.worker
    if worker:
        worker.wake()
    return redirect(f"/audit/jobs/{job.id}")


@router.get("/audit/jobs/{job_id}", response_class=HTMLResponse)
def audit_job_page(job_id: str, request: Request, db: DB) -> HTMLResponse:
    job = find_job(db, job_id, KIND)
    context: dict[str, Any] = {"area": "audit", "job": job}
    if job.status == "done":
        folder = job_folder(home_of(request), job.id)
        try:
            data = json.loads((folder / PAGE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise HTTPException(
                404, "The report of this audit is gone from notrain's folder; start it again."
            ) from None
        context.update(
            report=data,
            sources=[_source_label(s, folder) for s in data["s"]["sources"]],
            downloads=[name for name in DOWNLOADS if (folder / REPORT / name).is_file()],
            originals=(job.result or {}).get("originals"),
            protect=_protect_link(job),
        )
    return render(request, "audit_page/job.html", context)


@router.get("/audit/jobs/{job_id}/files/{name}")
def audit_download(job_id: str, name: str, request: Request, db: DB) -> FileResponse:
    job = find_job(db, job_id, KIND)
    path = job_folder(home_of(request), job.id) / REPORT / name
    if name not in DOWNLOADS or not path.is_file():
        raise HTTPException(404, "This audit has no such file.")
    return FileResponse(
        path,
        media_type=DOWNLOADS[name],
        filename=f"notrain-{name}",
        content_disposition_type="attachment",
    )


class _FormError(Exception):
    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def _paths(text: str, what: str) -> list[Path]:
    """The paths typed one per line, each one existing."""
    found, missing = typed_paths(text)
    if missing:
        raise _FormError(
            f"There is no file or folder {missing[0]} on this computer (the {what} you gave).",
            "Check the spelling, or copy the location from your file manager and paste it.",
        )
    return found


def _form_page(
    request: Request,
    db: DB,
    values: dict[str, Any],
    problem: _FormError | None,
    *,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "audit_page/index.html",
        {
            "area": "audit",
            "values": {"thumbnails": True, **values},
            "problem": problem,
            "jobs": list_jobs(db, KIND, limit=20),
            "download_path": DOWNLOAD_PATH,
        },
        status=status,
    )


def _source_label(source: str, folder: Path) -> str:
    """An uploaded part by its name (its copy in the job folder is gone), others as given."""
    path = Path(source)
    return f"{path.name} (uploaded)" if path.parent == folder / UPLOADS else source


def _protect_link(job: Job) -> tuple[str, bool]:
    """The Protect page with the matched originals as its inputs: the files, or with many of
    them their folders (or, when even those make too long an address, the folders the person
    gave); and whether it names folders rather than the files."""
    found = ((job.result or {}).get("originals") or {}).get("matched_files") or []
    if not found:
        return "", False
    folders = sorted({str(Path(p).parent) for p in found})
    for paths in (found, folders, job.params["originals"]):
        link = "/protect?" + urlencode([("path", p) for p in paths], safe="/")
        if len(paths) <= PROTECT_LINK_FILES and len(link) <= PROTECT_LINK_CHARS:
            return link, paths is not found
    return "/protect", True


class _Progress:
    """The job's progress by stage, written at most a few times a second."""

    def __init__(self, context: JobContext, stages: int) -> None:
        self.context, self.stages = context, stages
        self.stage, self.last = 0, 0.0

    def next(self, text: str) -> None:
        self.stage += 1
        self.say(text, force=True)

    def say(self, text: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.last > 0.3:
            self.last = now
            self.context.progress(self.stage - 1, self.stages, current=text)


@runner(KIND)
def run_audit(context: JobContext) -> dict[str, Any]:
    """Read the exports, write the report files and the page's data, match the originals."""
    uploaded = context.folder / UPLOADS
    try:
        return _audit(context, uploaded)
    finally:
        if not context.stopping():  # a stopped server takes the job up again: keep them
            shutil.rmtree(uploaded, ignore_errors=True)


def _audit(context: JobContext, uploaded: Path) -> dict[str, Any]:
    params = context.params
    originals = [Path(p) for p in params["originals"]]
    progress = _Progress(context, 3 if originals else 2)
    progress.next("Reading your export")
    parts = [Path(p) for p in params["exports"]]
    if params["uploads"]:
        parts += sorted(uploaded.iterdir())
    out = context.folder / REPORT
    out.mkdir(exist_ok=True)
    inventory, opened = audit_export(parts, progress=progress.say)
    with opened:
        progress.next("Writing the report")
        # The report file and the page show the same thumbnails: each is made once.
        thumbnail = cache(thumbnailer(opened)) if params["thumbnails"] else None
        write_report(inventory, out, thumbnail=thumbnail, overwrite=True)
        data = report_data(inventory, thumbnail=thumbnail)
        page = json.dumps(data, ensure_ascii=False).encode("utf-8")
        write_atomic(context.folder / PAGE, page, overwrite=True)
        matched = None
        if originals:
            progress.next("Looking for your original photos")
            hashed = 0

            def hashing(path: Path) -> None:
                nonlocal hashed
                hashed += 1
                progress.say(f"Looking for your original photos: {hashed:,} read ({path.name})")

            matched = find_originals(
                inventory,
                opened,
                originals,
                out,
                overwrite=True,
                skip=context.home,
                hashing=hashing,
                matching=lambda done, total: progress.say(
                    f"Comparing photo {done:,} of {total:,} with your originals"
                ),
            )
    return {
        "items": len(inventory.items),
        "problems": len(inventory.problems),
        "originals": matched,
    }
