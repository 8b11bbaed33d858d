"""The Settings page: who you are (the identity ``notrain init`` makes), where notrain keeps its
data, the defaults of the Protect page, and an export of everything notrain stores."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import fields
from datetime import date
from pathlib import Path
from typing import IO, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from notrain.credentials.errors import CertificateError
from notrain.credentials.identity import describe
from notrain.credentials.setup import existing_signing_identity, set_up_identity
from notrain.errors import NotrainError
from notrain.imaging import load_platforms
from notrain.protect import ProtectOptions
from notrain.protect.options import DEFAULTS_SETTING, saved_defaults
from notrain.store import Database, active_identity, identities
from notrain.store.contents import home_contents
from notrain.store.export import EXPORTED_TABLES, write_export
from notrain.store.home import HOME_ENV
from notrain.store.settings import delete_setting, get_setting, set_setting
from notrain.watermark.visible import POSITIONS
from notrain.web.forms import form_bool, form_text, read_form
from notrain.web.jobs import private_folder
from notrain.web.templating import DB, flash, home_of, redirect, render

__all__ = ["DEFAULT_FIELDS", "router"]

router = APIRouter()

"""The setting the Protect page starts from: ProtectOptions field names and their values."""
DEFAULT_FIELDS = (
    "platform",
    "mark",
    "mark_position",
    "keep_location",
    "keep_camera",
    "watermark",
    "rights",
    "credentials",
)
"""The ProtectOptions fields this page sets defaults for."""
_CHECKBOXES = ("keep_location", "keep_camera", "watermark", "rights")
_HELP = {f.name: f.metadata["help"] for f in fields(ProtectOptions)}
_POSITION_WORDS = {
    "bottom-right": "Bottom right corner",
    "bottom-left": "Bottom left corner",
    "top-right": "Top right corner",
    "top-left": "Top left corner",
    "tiled": "Repeated across the whole photo",
}


@router.get("/settings", response_class=HTMLResponse)
async def settings_page(request: Request, db: DB) -> HTMLResponse:
    return await _page(request, db)


@router.post("/settings/identity", response_model=None)
async def save_identity(request: Request, db: DB) -> RedirectResponse | HTMLResponse:
    """Create the identity, or replace it with a new name or contact (the old one is retired and
    still proves old photos are yours)."""
    form = await read_form(request)
    name, contact = form_text(form, "name"), form_text(form, "contact")
    current = active_identity(db)
    if current is not None and (name, contact) == (current.name, current.contact):
        flash(request, "Your name and contact are unchanged; nothing was replaced.", "info")
        return redirect("/settings#identity")
    try:
        setup = await run_in_threadpool(
            set_up_identity, db, home_of(request), name, contact, replace=current is not None
        )
    except NotrainError as exc:
        return await _page(
            request,
            db,
            identity_error=(exc.message, exc.hint),
            identity_form={"name": name, "contact": contact},
        )
    if setup.replaced is not None:
        flash(
            request,
            f"Your identity is now {setup.identity.name} ({setup.identity.contact}). The previous "
            "one is kept, so photos marked with it still show as yours.",
        )
    else:
        flash(request, f"Welcome, {setup.identity.name}: your identity is ready.")
    return redirect("/settings#identity")


@router.post("/settings/signing")
async def make_signing(request: Request, db: DB) -> RedirectResponse:
    """Make the signing identity for the identity in use (as ``notrain init`` does when only
    that is missing)."""
    setup = await run_in_threadpool(set_up_identity, db, home_of(request))
    if setup.signing_made:
        flash(request, "Your signature is ready: protected photos can carry a Content Credential.")
    return redirect("/settings#signing-title")


@router.post("/settings/defaults", response_model=None)
async def save_defaults(request: Request, db: DB) -> RedirectResponse | HTMLResponse:
    form = await read_form(request)
    values = _defaults_from(form)
    try:
        _check_defaults(values)
    except NotrainError as exc:
        return await _page(request, db, defaults_error=(exc.message, exc.hint), defaults=values)
    set_setting(db, DEFAULTS_SETTING, values)
    flash(request, "Saved: the Protect page starts from these choices now.")
    return redirect("/settings#defaults")


@router.post("/settings/defaults/reset")
async def reset_defaults(request: Request, db: DB) -> RedirectResponse:
    delete_setting(db, DEFAULTS_SETTING)
    flash(request, "The Protect page starts from notrain's own choices again.", "info")
    return redirect("/settings#defaults")


@router.get("/settings/export.zip")
async def export_zip(request: Request, db: DB) -> StreamingResponse:
    """Everything notrain stores, as a ZIP download (reading only: a GET changes nothing)."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed by the response)
        max_size=16 * 1024 * 1024, dir=private_folder(home_of(request))
    )
    try:
        await run_in_threadpool(write_export, db, home_of(request), spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    name = f"notrain-export-{date.today().isoformat()}.zip"
    return StreamingResponse(
        _chunks(spool),
        media_type="application/zip",
        headers={
            "content-disposition": f'attachment; filename="{name}"',
            "cache-control": "no-store",
        },
    )


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(1024 * 1024):
            yield chunk


async def _page(
    request: Request,
    db: Database,
    *,
    identity_error: tuple[str, str | None] | None = None,
    identity_form: dict[str, str] | None = None,
    defaults_error: tuple[str, str | None] | None = None,
    defaults: dict[str, Any] | None = None,
) -> HTMLResponse:
    home = home_of(request)
    current = active_identity(db)
    signing, signing_problem = await run_in_threadpool(_signing, home)
    if identity_form is None:
        identity_form = {
            "name": current.name if current else "",
            "contact": current.contact if current else "",
        }
    return render(
        request,
        "settings/settings.html",
        {
            "area": "settings",
            "identity": current,
            "retired": [i for i in identities(db) if not i.active],
            "identity_form": identity_form,
            "identity_error": identity_error,
            "signing": signing,
            "signing_lines": describe(signing) if signing else [],
            "signing_problem": signing_problem,
            "home": home,
            "home_env": HOME_ENV,
            "contents": await run_in_threadpool(home_contents, home),
            "defaults": defaults if defaults is not None else _saved_defaults(db),
            "defaults_saved": get_setting(db, DEFAULTS_SETTING) is not None,
            "defaults_error": defaults_error,
            "help": _HELP,
            "platforms": load_platforms(),
            "positions": [(p, _POSITION_WORDS.get(p, p)) for p in POSITIONS],
            "export_files": EXPORTED_TABLES,
        },
        status=400 if identity_error or defaults_error else 200,
    )


def _signing(home: Path) -> tuple[Any, str | None]:
    try:
        return existing_signing_identity(home), None
    except CertificateError as exc:
        return None, exc.message


def _saved_defaults(db: Database) -> dict[str, Any]:
    """The saved defaults over ProtectOptions' own (a field saved by an older notrain and no
    longer known is left out)."""
    start = ProtectOptions()
    values = {name: getattr(start, name) for name in DEFAULT_FIELDS}
    values.update({k: v for k, v in saved_defaults(db).items() if k in values})
    return values


def _defaults_from(form: FormData) -> dict[str, Any]:
    credentials = form_text(form, "credentials", "auto")
    return {
        "platform": form_text(form, "platform"),
        "mark": form_text(form, "mark") or None,
        "mark_position": form_text(form, "mark_position"),
        **{name: form_bool(form, name) for name in _CHECKBOXES},
        "credentials": {"on": True, "off": False}.get(credentials),
    }


def _check_defaults(values: dict[str, Any]) -> None:
    """Refuse values a protect run would refuse (the same checks: a ProtectOptions is made)."""
    ProtectOptions(**values)
