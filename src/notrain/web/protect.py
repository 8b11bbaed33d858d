"""The Protect page: choose photos (uploaded in batches, or a folder on this computer) and the
options, protect them in a background job, then see each photo before and after, what survives
the platform, and download every protected copy as one ZIP.

Uploads first land in a *draft* (``web/drafts/<id>``, tied to the browser's session) so that a
page can send thousands of photos in many requests; the job takes the draft into its own folder
when it starts. The job protects into ``outputs/`` of its folder with the library's
:func:`~notrain.protect.protect_batch`, which records each finished photo, so a job the server
stopped picks up where it was."""

from __future__ import annotations

import hmac
import os
import re
import secrets
import shutil
import time
import zipfile
from dataclasses import fields
from io import BytesIO
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from PIL import Image
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from notrain.credentials.errors import PassphraseError
from notrain.credentials.identity import load_signing_identity, signing_identity_exists
from notrain.credentials.sdk import c2pa_available
from notrain.errors import NotrainError
from notrain.imaging import load_platforms, open_image
from notrain.output import write_atomic
from notrain.protect import BatchResult, FileResult, ProtectOptions, protect_batch
from notrain.protect.batch import resolve_credentials
from notrain.protect.options import FORMAT_CHOICES, saved_defaults
from notrain.store import Database, active_identity
from notrain.watermark import POSITIONS
from notrain.web.forms import form_bool, form_text, read_form, save_uploads, typed_paths, uploads
from notrain.web.jobs import (
    Job,
    JobCancelled,
    JobContext,
    job_folder,
    list_jobs,
    private_folder,
    runner,
    submit,
)
from notrain.web.progress import find_job
from notrain.web.security import csrf_token
from notrain.web.templating import DB, home_of, redirect, render

__all__ = ["router"]

router = APIRouter()

KIND = "protect"
"""The setting (written by the Settings page) with the form's defaults: ProtectOptions field
names and values."""

PREVIEW_SIZE = 640
SHOWN = 200
"""Photos a result page shows one by one (the ZIP has them all)."""
DRAFT_DAYS = 1
"""Drafts never started are removed after this many days."""

_OPTION_FIELDS = {f.name: f for f in fields(ProtectOptions)}
_HELP = {name: f.metadata["help"] for name, f in _OPTION_FIELDS.items()}
_TEXT_FIELDS = ("platform", "owner", "contact", "mark", "mark_position", "crop", "output_format")
_CHECKBOXES = ("keep_location", "keep_camera", "watermark", "rights")
_DRAFT_RE = re.compile(r"^[A-Za-z0-9_-]{22}$")

_PASSPHRASES: dict[str, str] = {}
"""Signing-key passphrases of queued jobs, kept in memory only (never in the database): a job
the server restarted without it asks for it again."""


# -- the form ----------------------------------------------------------------------------------


@router.get("/protect", response_class=HTMLResponse)
def protect_page(request: Request, db: DB) -> HTMLResponse:
    values = _defaults(db)
    values["paths"] = "\n".join(request.query_params.getlist("path"))
    return _form(request, db, values)


@router.post("/protect/uploads")
async def upload_batch(request: Request) -> JSONResponse:
    """One batch of photos from the page's script, added to a draft (made on the first batch)."""
    form = await read_form(request)
    files = uploads(form, "photos")
    if not files:
        raise HTTPException(400, "No photos were sent.")
    draft = _draft(request, form_text(form, "draft")) or _new_draft(request)
    await save_uploads(files, draft / "inputs")
    count = sum(1 for _ in (draft / "inputs").iterdir())
    return JSONResponse({"draft": draft.name, "count": count})


@router.post("/protect", response_model=None)
async def start_protect(request: Request, db: DB) -> HTMLResponse | RedirectResponse:
    form = await read_form(request)
    values = _form_values(form)
    draft = _draft(request, values["draft"])
    files = uploads(form, "photos") + uploads(form, "folder")
    found, missing = typed_paths(values["paths"])
    paths = [str(path) for path in found]
    logo = next(iter(uploads(form, "mark_logo_file")), None)
    try:
        options = _options(db, values, logo_name=logo.filename if logo else None)
        typed = paths or missing
        if (files or draft) and typed:
            raise NotrainError(
                "Choose either photos to upload or a folder on this computer, not both.",
                hint="Empty the box of folders, or remove the chosen photos by reloading the page.",
            )
        if not (files or draft or typed):
            raise NotrainError(
                "Choose the photos to protect first.",
                hint="Drop photos on the box, pick a folder, or type a folder on this computer.",
            )
        if options.watermark and active_identity(db) is None:
            raise NotrainError(
                "The invisible watermark needs your identity (your name and a contact).",
                hint="Set it up on the Settings page, or switch the invisible watermark off.",
            )
        if missing:
            raise NotrainError(
                f"There is no photo or folder {missing[0]} on this computer.",
                hint="Check the spelling, or copy the location from your file manager and paste it.",
            )
        passphrase = values["passphrase"] or None
        await run_in_threadpool(resolve_credentials, options, home_of(request), passphrase)
    except PassphraseError as exc:
        hint = "Type the passphrase of your signing key under Content Credentials, or untick them."
        return _form(request, db, values, error=NotrainError(exc.message, hint=hint), status=400)
    except NotrainError as exc:
        return _form(request, db, values, error=exc, status=400)
    if files or logo:
        draft = draft or _new_draft(request)
        await save_uploads(files, draft / "inputs")
        if logo:
            await save_uploads([logo], draft / "logo")
    params = {
        "options": {k: v for k, v in options.as_dict().items() if k != "mark_logo" or not logo},
        "draft": draft.name if draft else None,
        "paths": paths,
    }
    job = submit(db, home_of(request), KIND, _title(options, draft, paths), params)
    if passphrase:
        _PASSPHRASES[job.id] = passphrase
    worker = request.app.state.worker
    if worker:
        worker.wake()
    return redirect(f"/protect/jobs/{job.id}")


def _defaults(db: Database) -> dict[str, Any]:
    """What the form starts with: ProtectOptions' defaults, the saved defaults over them, and
    the identity's name and contact where no owner or contact was saved."""
    values: dict[str, Any] = {name: f.default for name, f in _OPTION_FIELDS.items()}
    values.update(saved_defaults(db))
    identity = active_identity(db)
    if identity is not None:
        values["owner"] = values["owner"] or identity.name
        values["contact"] = values["contact"] or identity.contact
    values["credentials"] = values["credentials"] is not False
    values.update(paths="", draft="", passphrase="")
    return {k: ("" if v is None else v) for k, v in values.items()}


def _form_values(form: FormData) -> dict[str, Any]:
    """What the person chose, as the form shows it again."""
    values: dict[str, Any] = {name: form_text(form, name) for name in _TEXT_FIELDS}
    values.update({name: form_bool(form, name) for name in _CHECKBOXES})
    values.update(
        quality=form_text(form, "quality"),
        web_statement=form_text(form, "web_statement"),
        credentials=form_bool(form, "credentials"),
        paths=form_text(form, "paths"),
        draft=form_text(form, "draft"),
        passphrase=form_text(form, "passphrase"),
    )
    return values


def _options(db: Database, values: dict[str, Any], *, logo_name: str | None) -> ProtectOptions:
    """The options from the form over the saved defaults; the library checks them."""
    chosen = saved_defaults(db)
    for name in (*_TEXT_FIELDS, "web_statement"):
        chosen[name] = values[name] or None
    for name in ("platform", "mark_position", "crop", "output_format"):
        chosen[name] = values[name] or _OPTION_FIELDS[name].default
    chosen.update({name: values[name] for name in _CHECKBOXES})
    chosen["credentials"] = values["credentials"]
    try:
        chosen["quality"] = int(values["quality"] or _OPTION_FIELDS["quality"].default)
    except ValueError:
        raise NotrainError(
            f"The quality should be a whole number from 1 to 100, not {values['quality']!r}."
        ) from None
    if logo_name:
        chosen["mark_logo"] = Path(logo_name)
    elif chosen.get("mark_logo"):
        chosen["mark_logo"] = None if chosen.get("mark") else Path(chosen["mark_logo"])
    return ProtectOptions(**chosen)


def _form(
    request: Request,
    db: Database,
    values: dict[str, Any],
    *,
    error: NotrainError | None = None,
    status: int = 200,
) -> HTMLResponse:
    home = home_of(request)
    has_signing = signing_identity_exists(home)
    return render(
        request,
        "protect/form.html",
        {
            "area": "protect",
            "values": values,
            "error": error,
            "help": _HELP,
            "platforms": load_platforms(),
            "positions": POSITIONS,
            "formats": FORMAT_CHOICES,
            "identity": active_identity(db),
            "has_signing": has_signing,
            "has_c2pa": c2pa_available(),
            "needs_passphrase": has_signing and _needs_passphrase(home),
            "jobs": list_jobs(db, KIND, limit=20),
        },
        status=status,
    )


def _needs_passphrase(home: Path) -> bool:
    try:
        load_signing_identity(home, None)
    except PassphraseError:
        return True
    except NotrainError:
        return False
    return False


def _title(options: ProtectOptions, draft: Path | None, paths: list[str]) -> str:
    platform = load_platforms()[options.platform].label
    if draft is not None:
        count = sum(1 for _ in (draft / "inputs").iterdir()) if (draft / "inputs").is_dir() else 0
        return f"Protect {count:,} {'photo' if count == 1 else 'photos'} for {platform}"
    where = paths[0] if len(paths) == 1 else f"{len(paths)} places"
    return f"Protect the photos in {where} for {platform}"


# -- drafts: uploads waiting for their job -----------------------------------------------------


def _drafts(home: Path) -> Path:
    return private_folder(home) / "drafts"


def _new_draft(request: Request) -> Path:
    drafts = _drafts(home_of(request))
    drafts.mkdir(parents=True, exist_ok=True)
    too_old = time.time() - DRAFT_DAYS * 86400
    for old in drafts.iterdir():
        if old.stat().st_mtime < too_old:
            shutil.rmtree(old, ignore_errors=True)
    folder = drafts / secrets.token_urlsafe(16)
    folder.mkdir()
    (folder / "session").write_text(csrf_token(request))
    return folder


def _draft(request: Request, draft_id: str) -> Path | None:
    """The draft ``draft_id`` of this browser session; None for none; 400 for another's or a
    finished one."""
    if not draft_id:
        return None
    folder = _drafts(home_of(request)) / draft_id
    try:
        owner = (folder / "session").read_text() if _DRAFT_RE.match(draft_id) else ""
    except OSError:
        owner = ""
    if not owner or not hmac.compare_digest(owner, csrf_token(request)):
        raise HTTPException(
            400, "These uploaded photos are no longer waiting; choose the photos again."
        )
    return folder


def _take_draft(home: Path, draft_id: str | None, folder: Path) -> None:
    """Move the draft's photos and logo into the job's folder (done once; a rerun finds them)."""
    if not draft_id or not _DRAFT_RE.match(draft_id):
        return
    draft = _drafts(home) / draft_id
    if not draft.is_dir():
        return
    for part in ("inputs", "logo"):
        if (draft / part).is_dir() and not (folder / part).exists():
            (draft / part).rename(folder / part)
    shutil.rmtree(draft, ignore_errors=True)


# -- the job -----------------------------------------------------------------------------------


@runner(KIND)
def run_protect(context: JobContext) -> dict[str, Any]:
    """Protect the job's photos into its ``outputs/`` folder, reporting each finished photo."""
    folder = context.folder
    params = context.params
    _take_draft(context.home, params.get("draft"), folder)
    values = dict(params["options"])
    for name in ("mark_logo", "mark_font"):
        if values.get(name):
            values[name] = Path(values[name])
    logos = sorted((folder / "logo").iterdir()) if (folder / "logo").is_dir() else []
    if logos:
        values["mark_logo"] = logos[0]
    options = ProtectOptions(**values)
    if params.get("paths"):
        inputs = [Path(p) for p in params["paths"]]
    else:
        inputs = sorted((folder / "inputs").iterdir()) if (folder / "inputs").is_dir() else []
    count = {"total": 0}
    results: list[FileResult] = []
    extra = {"platform": options.platform, "uploaded": not params.get("paths")}

    def started(total: int) -> None:
        count["total"] = total
        context.progress(0, total)

    def finished(result: FileResult) -> None:
        results.append(result)
        try:
            context.progress(len(results), count["total"], current=Path(result.input).name)
        except JobCancelled:  # stopped: what was finished is shown and can be downloaded
            partial = BatchResult(results=tuple(results), interrupted=True)
            raise JobCancelled({**partial.as_dict(), **extra}) from None

    batch = protect_batch(
        inputs,
        folder / "outputs",
        options,
        db=context.db,
        on_start=started,
        on_result=finished,
        passphrase=_PASSPHRASES.pop(context.job.id, None),
    )
    return {**batch.as_dict(), **extra}


# -- the result --------------------------------------------------------------------------------


@router.get("/protect/jobs/{job_id}", response_class=HTMLResponse)
def job_page(job_id: str, request: Request, db: DB) -> HTMLResponse:
    job = find_job(db, job_id, KIND)
    context: dict[str, Any] = {"area": "protect", "job": job, "batch": None}
    if job.result is not None:
        batch = BatchResult.from_dict(job.result)
        uploaded = job.result.get("uploaded", True)
        survival = batch.survival_summary()
        context.update(
            batch=batch,
            platform=load_platforms().get(job.result.get("platform", "")),
            photos=[
                (number, result, Path(result.input).name if uploaded else result.input)
                for number, result in enumerate(batch.results)
            ],
            inputs_folder=f"{job_folder(home_of(request), job.id) / 'inputs'}{os.sep}",
            shown=SHOWN,
            survival=survival,
            lost=[name for name, kept, _ in survival if kept == 0],
        )
    return render(request, "protect/job.html", context)


@router.get("/protect/jobs/{job_id}/preview/{number}/{which}")
async def preview(job_id: str, number: int, which: str, request: Request, db: DB) -> Response:
    """A small JPEG of the ``number``-th photo of the job, before or after, made once."""
    job = find_job(db, job_id, KIND)
    result = _result(job, number)
    if which not in ("before", "after") or result.status == "failed":
        raise HTTPException(404, "There is no such preview.")
    source = Path(result.input) if which == "before" else _output(job, home_of(request), result)
    cached = job_folder(home_of(request), job.id) / "previews" / f"{number}-{which}.jpg"
    if not cached.is_file():
        try:
            await run_in_threadpool(_make_preview, source, cached)
        except (NotrainError, OSError):
            raise HTTPException(404, "This photo is no longer where it was.") from None
    return FileResponse(cached, media_type="image/jpeg", headers={"cache-control": "no-store"})


@router.get("/protect/jobs/{job_id}/download.zip")
async def download(job_id: str, request: Request, db: DB) -> FileResponse:
    """Every protected copy of the job in one ZIP (written once, into the job's folder)."""
    job = find_job(db, job_id, KIND)
    if job.result is None:
        raise HTTPException(404, "This job has no protected copies yet.")
    batch = BatchResult.from_dict(job.result)
    outputs = [
        _output(job, home_of(request), r)
        for r in batch.results
        if r.status != "failed" and r.output
    ]
    if not outputs:
        raise HTTPException(404, "This job made no protected copies.")
    archive = job_folder(home_of(request), job.id) / "protected-photos.zip"
    if not archive.is_file():
        await run_in_threadpool(_write_zip, archive, outputs, job_folder(home_of(request), job.id))
    return FileResponse(archive, media_type="application/zip", filename="protected-photos.zip")


def _result(job: Job, number: int) -> FileResult:
    results = (job.result or {}).get("results", [])
    if not 0 <= number < len(results):
        raise HTTPException(404, "There is no such photo in this job.")
    return FileResult.from_dict(results[number])


def _output(job: Job, home: Path, result: FileResult) -> Path:
    """The protected copy the job recorded, which lies in the job's ``outputs/`` folder."""
    outputs = (job_folder(home, job.id) / "outputs").resolve()
    path = Path(result.output or "").resolve()
    if not result.output or not path.is_relative_to(outputs):
        raise HTTPException(404, "There is no such protected copy.")
    return path


def _make_preview(source: Path, target: Path) -> None:
    decoded = open_image(source, min_size=(PREVIEW_SIZE, PREVIEW_SIZE))
    image = decoded.image
    image.thumbnail((PREVIEW_SIZE, PREVIEW_SIZE))
    if image.mode != "RGB":
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A") if "A" in image.getbands() else None)
        image = flat
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=80)
    write_atomic(target, buffer.getvalue(), overwrite=True)


def _write_zip(archive: Path, outputs: list[Path], folder: Path) -> None:
    base = folder / "outputs"
    temporary = archive.with_name(f".{archive.name}.{secrets.token_hex(4)}")
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_STORED) as bundle:
        for path in outputs:
            bundle.write(path, path.relative_to(base.resolve()).as_posix())
    os.replace(temporary, archive)
