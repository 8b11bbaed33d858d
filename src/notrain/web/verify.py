"""The Verify page: drop any image and see whose it is, when it was protected, and the evidence
(the same check as ``notrain verify``)."""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from notrain.errors import NotrainError
from notrain.protect.verify import rights_statement, verify_image
from notrain.web.forms import read_form, save_uploads, uploads
from notrain.web.jobs import private_folder
from notrain.web.templating import DB, home_of, render

__all__ = ["router"]

router = APIRouter()

FIELD = "photo"


@router.get("/verify", response_class=HTMLResponse)
def verify_page(request: Request) -> HTMLResponse:
    return render(request, "verify/verify.html", {"area": "verify"})


@router.post("/verify", response_class=HTMLResponse)
async def verify_upload(request: Request, db: DB) -> HTMLResponse:
    """Check one uploaded image. Nothing is kept: the copy is deleted once it has been read, so
    the answer is shown here rather than at an address of its own."""
    files = uploads(await read_form(request), FIELD)
    if len(files) != 1:
        message = "Choose an image to check." if not files else "Choose one image at a time."
        return _form_again(request, message, "Drop it on the box, or use “Choose an image”.")
    folder = private_folder(home_of(request)) / "verify" / secrets.token_urlsafe(12)
    try:
        (path,) = await save_uploads(files, folder)
        try:
            verdict = await run_in_threadpool(verify_image, path, db)
        except NotrainError as exc:
            return _form_again(
                request, _named(exc.message, path), _named(exc.hint or "", path) or None
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return render(
        request,
        "verify/verify.html",
        {
            "area": "verify",
            "name": path.name,
            "verdict": verdict,
            "rights": rights_statement(verdict.reading.rights),
            "record": verdict.matches[0] if verdict.matches else None,
        },
    )


def _form_again(request: Request, message: str, hint: str | None) -> HTMLResponse:
    return render(
        request,
        "verify/verify.html",
        {"area": "verify", "error": message, "hint": hint},
        status=400,
    )


def _named(text: str, path: Path) -> str:
    """The library's message about the private copy, naming the file the person chose."""
    return text.replace(str(path), path.name)
