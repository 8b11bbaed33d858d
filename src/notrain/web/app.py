"""The local web app: one FastAPI application per data folder, one router per area."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from notrain.errors import NotrainError
from notrain.store import Database, resolve_home
from notrain.web import (
    audit,
    home,
    objection,
    progress,
    protect,
    requests,
    settings,
    verify,
    watch,
)
from notrain.web.jobs import Worker
from notrain.web.security import SecurityMiddleware, check_csrf, load_secret
from notrain.web.templating import render

__all__ = ["LOCAL_HOSTS", "create_app"]

log = logging.getLogger("notrain.web")

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
"""The names the app answers to unless it is started for others (``--host``)."""

AREAS = (home, progress, protect, verify, objection, requests, audit, watch, settings)


def create_app(
    home_folder: Path | str | None = None, *, hosts: Iterable[str] = (), worker: bool = True
) -> FastAPI:
    """The app for the data folder ``home_folder`` (default: ``--home`` / ``NOTRAIN_HOME`` / the
    user's data folder). ``hosts`` are further names it answers to (the ``--host`` it listens
    on); ``worker=False`` leaves background jobs queued (tests of the pages alone)."""
    folder = resolve_home(home_folder)
    Database.open(folder).close()  # created and migrated now: a problem shows before serving
    job_worker = Worker(folder) if worker else None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if job_worker is not None:
            job_worker.start()
        yield
        if job_worker is not None:
            job_worker.stop()

    app = FastAPI(
        title="notrain", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.state.home = folder
    app.state.secret = load_secret(folder)
    app.state.worker = job_worker
    app.state.flashes = {}
    app.state.visits = {}
    app.add_middleware(SecurityMiddleware, hosts=set(LOCAL_HOSTS) | set(hosts))
    app.mount(
        "/static",
        StaticFiles(directory=Path(__file__).with_name("static"), follow_symlink=False),
        name="static",
    )
    for area in AREAS:
        app.include_router(area.router, dependencies=[Depends(check_csrf)])

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _error_page(request, exc.status_code, str(exc.detail), None)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        # Only addresses and query strings reach here (forms are read by hand): /requests/abc.
        if any(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
            return _error_page(request, 404, "Not Found", None)
        return _error_page(
            request, 400, "This address has a value notrain cannot use.", "Use the app's own links."
        )

    @app.exception_handler(NotrainError)
    async def notrain_error(request: Request, exc: NotrainError) -> Response:
        return _error_page(request, 400, exc.message, exc.hint)

    return app


_TITLES = {
    400: "That did not work",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed",
    413: "Too large",
}


def _error_page(request: Request, status: int, message: str, hint: str | None) -> Response:
    if status == 404 and message == "Not Found":
        message = "There is nothing at this address."
        hint = "Use the menu to find your way."
    if _wants_json(request):
        return JSONResponse({"error": message, "hint": hint or ""}, status_code=status)
    return render(
        request,
        "error.html",
        {"title": _TITLES.get(status, "Something went wrong"), "message": message, "hint": hint},
        status=status,
    )


def _wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept
