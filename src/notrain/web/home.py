"""The home page: what notrain can do, and where the person stands."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from notrain.rights.deadlines import due
from notrain.rights.jurisdictions import jurisdiction
from notrain.rights.requests import list_requests
from notrain.store import Database, active_identity
from notrain.store.settings import get_setting, set_setting
from notrain.watch.journal import reported_changes
from notrain.web.templating import DB, render

__all__ = ["router"]

router = APIRouter()

LAST_VISIT = "web.last_visit"


def _since_last_visit(request: Request, db: Database) -> datetime | None:
    """When the person last came to the app before this visit. A visit (a browser session) keeps
    its answer, so reloading or a second tab does not empty the list; and only the person's own
    navigation counts as a visit, not another site loading this address in the background."""
    visits: dict[str, str | None] = request.app.state.visits
    session = request.scope.get("notrain_session", "")
    if session in visits:
        last = visits[session]
    else:
        last = get_setting(db, LAST_VISIT)
        typed_or_ours = request.headers.get("sec-fetch-site", "none") in ("none", "same-origin")
        if typed_or_ours and request.headers.get("sec-fetch-mode", "navigate") == "navigate":
            visits[session] = last
            set_setting(db, LAST_VISIT, datetime.now(UTC).isoformat(timespec="seconds"))
    return datetime.fromisoformat(last) if last else None


@router.get("/", response_class=HTMLResponse)
def home_page(request: Request, db: DB) -> HTMLResponse:
    since = _since_last_visit(request, db)
    changes = reported_changes(db, ai_only=True, since=since, limit=1000)
    requests = list_requests(db)
    due_now = due(((r, jurisdiction(r.jurisdiction)) for r in requests), date.today())
    protected = db.conn.execute("SELECT COUNT(*) FROM protected_image").fetchone()[0]
    return render(
        request,
        "home.html",
        {
            "area": "home",
            "identity": active_identity(db),
            "protected": protected,
            "requests": requests,
            "due": due_now,
            "changes": changes,
            "since": since,
        },
    )
