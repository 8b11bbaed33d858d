"""Background jobs seen from the browser: their progress as JSON (the pages poll it), and
stopping or forgetting one."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse

from notrain.store import Database
from notrain.web.forms import form_text, read_form
from notrain.web.jobs import Job, cancel_job, delete_job, get_job
from notrain.web.templating import DB, flash, home_of, redirect

__all__ = ["find_job", "local_path", "router"]

router = APIRouter()


def find_job(db: Database, job_id: str, kind: str | None = None) -> Job:
    """The job, or a 404 (also for a job of another kind than the page shows)."""
    job = get_job(db, job_id)
    if job is None or (kind is not None and job.kind != kind):
        raise HTTPException(404, "There is no such job; it may have been removed.")
    return job


def local_path(value: str, default: str = "/") -> str:
    """``value`` when it is an address inside the app (``/protect/...``), else ``default``: a
    form's "go back to" field never sends the browser elsewhere."""
    if value.startswith("/") and not value.startswith(("//", "/\\")) and "\n" not in value:
        return value
    return default


@router.get("/jobs/{job_id}.json")
def job_status(job_id: str, db: DB) -> JSONResponse:
    job = find_job(db, job_id)
    return JSONResponse(job.as_dict(), headers={"cache-control": "no-store"})


@router.post("/jobs/{job_id}/cancel")
async def job_cancel(job_id: str, request: Request, db: DB) -> RedirectResponse:
    form = await read_form(request)
    job = find_job(db, job_id)
    cancel_job(db, job.id)
    flash(request, f"Stopping “{job.title}”. What was finished is kept.", "info")
    return redirect(local_path(form_text(form, "next")))


@router.post("/jobs/{job_id}/delete")
async def job_delete(job_id: str, request: Request, db: DB) -> RedirectResponse:
    form = await read_form(request)
    job = find_job(db, job_id)
    if not delete_job(db, home_of(request), job.id):
        raise HTTPException(409, "This job is still running; stop it first.")
    flash(request, f"Removed “{job.title}” and the files it kept.", "info")
    return redirect(local_path(form_text(form, "next")))
