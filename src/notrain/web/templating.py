"""Rendering pages: the templates (autoescaped), what every page can use, short messages shown
once after a redirect, and the database a request works with."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from notrain.store import Database
from notrain.web.security import CSRF_FIELD, csrf_token

__all__ = [
    "DB",
    "NAV",
    "flash",
    "get_db",
    "home_of",
    "redirect",
    "render",
    "templates",
]

NAV: tuple[tuple[str, str, str], ...] = (
    ("home", "/", "Home"),
    ("protect", "/protect", "Protect"),
    ("verify", "/verify", "Verify"),
    ("object", "/object", "Object"),
    ("requests", "/requests", "My requests"),
    ("audit", "/audit", "Audit"),
    ("watch", "/watch", "Policy watch"),
    ("settings", "/settings", "Settings"),
)
"""The menu: (area, address, label)."""

templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
templates.env.globals.update(
    NAV=NAV,
    CSRF_FIELD=CSRF_FIELD,
    csrf_token=csrf_token,
    notrain_version=version("notrain"),
)


def _long_date(value: Any) -> str:
    """``26 November 2026`` from a date, a datetime or an ISO string; empty for nothing."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone()
        return f"{value.day} {value:%B %Y, %H:%M}"
    return f"{value.day} {value:%B %Y}"


def _file_size(value: int | None) -> str:
    if value is None:
        return ""
    size = float(value)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


templates.env.filters.update(long_date=_long_date, file_size=_file_size)


def flash(request: Request, message: str, kind: str = "success") -> None:
    """A message for the next page this session shows (after a redirect); ``kind`` is
    ``success``, ``info``, ``warning`` or ``error``."""
    store: dict[str, list[tuple[str, str]]] = request.app.state.flashes
    store.setdefault(request.scope.get("notrain_session", ""), []).append((kind, message))


def _take_flashes(request: Request) -> list[tuple[str, str]]:
    store: dict[str, list[tuple[str, str]]] = request.app.state.flashes
    return store.pop(request.scope.get("notrain_session", ""), [])


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """A page; ``area`` in the context marks the current menu entry."""
    values = {
        "flashes": _take_flashes(request),
        "now": datetime.now(UTC),
        "csrf_value": csrf_token(request),
    }
    values.update(context or {})
    return templates.TemplateResponse(request, template, values, status_code=status)


def redirect(url: str) -> RedirectResponse:
    """After a form: see the result at its own address (303, so reloading does not resend)."""
    return RedirectResponse(url, status_code=303)


def home_of(request: Request) -> Path:
    """notrain's data folder for this server."""
    return request.app.state.home


def get_db(request: Request) -> Iterator[Database]:
    """A dependency: the database, opened for the request and closed after it."""
    db = Database.open(home_of(request))
    try:
        yield db
    finally:
        db.close()


DB = Annotated[Database, Depends(get_db)]
"""A route's database parameter: ``def page(request: Request, db: DB)``."""
