"""My requests: each objection with its status and next deadline; one request's history, what
Meta's reply means, the next letter, the calendar file; recording what happened.

The same library functions as ``notrain requests`` and ``notrain escalate`` do the work; the
texts they write name this app's pages instead of commands (:data:`WEB`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from notrain.errors import NotrainError, OptionError
from notrain.rights.authorities import authorities_for
from notrain.rights.calendar import deadlines_calendar
from notrain.rights.deadlines import DUE_SOON_DAYS, deadlines, due, receipt_date
from notrain.rights.documents import to_pdf, to_text
from notrain.rights.escalation import NothingToEscalate, escalation_letters
from notrain.rights.jurisdictions import jurisdiction
from notrain.rights.model import LANGUAGES, Deadline, Document, Event, Status
from notrain.rights.model import Request as RightsRequest
from notrain.rights.requests import (
    RequestNotFound,
    add_event,
    delete_request,
    get_request,
    list_requests,
    parse_status,
)
from notrain.rights.triage import Triage, triage
from notrain.rights.wording import Wording
from notrain.store import Database
from notrain.web.forms import form_text, read_form
from notrain.web.objection import DEVICE_NAMES, PLATFORM_NAMES, moment
from notrain.web.templating import DB, flash, home_of, redirect, render

__all__ = ["WEB", "router"]

router = APIRouter()


STATUS_CHOICES: tuple[tuple[str, str], ...] = (
    ("", "Just a note (the status stays as it is)"),
    (Status.SUBMITTED.value, "I sent it to Meta"),
    (Status.ACKNOWLEDGED.value, "Meta confirmed it received it"),
    (Status.EXTENDED.value, "Meta said it needs more time"),
    (Status.INFO_REQUESTED.value, "Meta asked for more information"),
    (Status.HONOURED.value, "Meta agreed: it honours the request"),
    (Status.REFUSED.value, "Meta refused"),
    (Status.NO_ANSWER.value, "Meta did not answer in time"),
    (Status.REMINDED.value, "I sent a reminder"),
    (Status.APPEALED.value, "I appealed Meta's decision"),
    (Status.COMPLAINED.value, "I complained to an authority"),
    (Status.CLOSED.value, "Closed: nothing more to do"),
)
"""What the "Record what happened" form offers, in the person's words."""

WEB = Wording(
    escalate="notrain",
    record="on this request's page",
    record_as="“Record what happened”: {label}",
    due="My requests",
    again="come back to this page",
    show="My requests, request {request}, in the notrain app",
    labels=dict(STATUS_CHOICES),
)
"""How the rights texts name this app's pages."""

TRIAGE_MEANINGS = {
    "honoured": "Meta agrees: it will honour your request.",
    "refused": "Meta refuses your request.",
    "info-requested": "Meta asks you for more information before it decides.",
    "acknowledgement": "A receipt: Meta got your request, but has not decided yet.",
    "unrelated": "This does not look like an answer to your request.",
    "unclear": "notrain cannot tell what this answer means.",
}
CONFIDENCE_WORDS = {
    "high": "notrain is fairly sure",
    "medium": "notrain is not quite sure",
    "low": "notrain is unsure",
}
KIND_NAMES = {"objection": "Objection", "deletion": "Deletion request"}


def _load(db: Database, request_id: int) -> RightsRequest:
    try:
        return get_request(db, request_id)
    except RequestNotFound:
        raise HTTPException(404, f"There is no request number {request_id}.") from None


def _summary(request: RightsRequest, today: date) -> dict[str, Any]:
    """What the list and the request's page show about a request: where, its deadlines, and
    which of them need the person now."""
    place = jurisdiction(request.jurisdiction)
    upcoming = deadlines(request, place, wording=WEB)
    urgent = due([(request, place)], today)
    return {
        "item": request,
        "place": place,
        "deadlines": upcoming,
        "next": upcoming[0] if upcoming else None,
        "urgent": urgent,
        "accounts": " and ".join(PLATFORM_NAMES.get(p, p) for p in request.platforms),
        "kind": KIND_NAMES.get(request.kind, request.kind),
    }


def _deadline_state(deadline: Deadline, today: date) -> dict[str, str]:
    """A deadline as words and a badge: overdue, due today, due soon, or coming."""
    left = (deadline.due - today).days
    if left < 0:
        return {"badge": "overdue", "words": f"{-left} day{'s' if left != -1 else ''} overdue"}
    if left == 0:
        return {"badge": "due", "words": "due today"}
    if left <= DUE_SOON_DAYS:
        return {"badge": "due", "words": f"due in {left} day{'s' if left != 1 else ''}"}
    return {"badge": "", "words": f"in {left} days"}


@router.get("/requests", response_class=HTMLResponse)
def request_list(request: Request, db: DB) -> HTMLResponse:
    today = date.today()
    rows = []
    for item in list_requests(db):
        summary = _summary(item, today)
        summary["state"] = _deadline_state(summary["next"], today) if summary["next"] else None
        rows.append(summary)
    return render(request, "requests/list.html", {"area": "requests", "rows": rows, "today": today})


@router.get("/requests/calendar.ics")
def all_deadlines_calendar(db: DB) -> Response:
    found = list_requests(db)
    items = [d for r in found for d in deadlines(r, jurisdiction(r.jurisdiction), wording=WEB)]
    data = deadlines_calendar(
        items, requests={r.id: r for r in found if r.id is not None}, wording=WEB
    )
    return _download(data, "text/calendar; charset=utf-8", "notrain-deadlines.ics")


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def request_page(request: Request, db: DB, request_id: int) -> HTMLResponse:
    return _request_page(request, _load(db, request_id))


def _request_page(
    request: Request,
    item: RightsRequest,
    *,
    form: dict[str, str] | None = None,
    error: NotrainError | None = None,
    reply: str = "",
    result: Triage | None = None,
    reply_error: NotrainError | None = None,
) -> HTMLResponse:
    today = date.today()
    summary = _summary(item, today)
    return render(
        request,
        "requests/request.html",
        {
            "area": "requests",
            "title": f"Request {item.id}",
            **summary,
            "deadline_rows": [(d, _deadline_state(d, today)) for d in summary["deadlines"]],
            "devices": DEVICE_NAMES,
            "languages": LANGUAGES,
            "statuses": STATUS_CHOICES,
            "status_words": dict(STATUS_CHOICES),
            "form": form or {"on": today.isoformat()},
            "today": today,
            "error": error,
            "reply": reply,
            "result": result,
            "meaning": TRIAGE_MEANINGS.get(result.label, "") if result else "",
            "confidence": CONFIDENCE_WORDS.get(result.confidence, "") if result else "",
            "reply_error": reply_error,
        },
        status=400 if error or reply_error else 200,
    )


@router.post("/requests/{request_id}/events")
async def record_event(request: Request, db: DB, request_id: int) -> Response:
    item = _load(db, request_id)
    form = await read_form(request)
    fields = {
        name: form_text(form, name)
        for name in ("status", "on", "time", "zone", "note", "reference", "reply")
    }
    try:
        status = parse_status(fields["status"]) if fields["status"] else None
        if status is None and not (fields["note"] or fields["reference"] or fields["reply"]):
            raise OptionError(
                "There is nothing to record.",
                hint="Choose what happened, or write a note, a reference or Meta's answer.",
            )
        when = moment(fields["on"], fields["time"], fields["zone"])
        if status == Status.SUBMITTED:
            day = receipt_date(when, jurisdiction(item.jurisdiction).regime)
        else:
            day = _day_of(when)
        updated = add_event(
            db,
            request_id,
            Event(
                status=status,
                on=day,
                note=fields["note"],
                reference=fields["reference"],
                reply=fields["reply"],
            ),
        )
    except NotrainError as exc:
        return _request_page(request, item, form=fields, error=exc)
    flash(request, f"Recorded. Request {updated.id} is now: {updated.status.value}.")
    return redirect(f"/requests/{request_id}")


@router.post("/requests/{request_id}/reply", response_class=HTMLResponse)
async def read_meta_reply(request: Request, db: DB, request_id: int) -> HTMLResponse:
    """What Meta's pasted answer means; nothing is recorded until the person says so."""
    item = _load(db, request_id)
    text = form_text(await read_form(request), "reply")
    if not text:
        return _request_page(
            request,
            item,
            reply_error=OptionError(
                "Paste Meta's answer first.",
                hint="Open Meta's email, select all of its text, copy it, and paste it here.",
            ),
        )
    regime = jurisdiction(item.jurisdiction).regime
    result = await run_in_threadpool(triage, text, regime=regime, wording=WEB)
    return _request_page(request, item, reply=text, result=result)


@router.post("/requests/{request_id}/reply/record")
async def record_meta_reply(request: Request, db: DB, request_id: int) -> Response:
    item = _load(db, request_id)
    form = await read_form(request)
    text = form_text(form, "reply")
    regime = jurisdiction(item.jurisdiction).regime
    result = await run_in_threadpool(triage, text, regime=regime, wording=WEB)
    try:
        if result.status is None:
            raise OptionError(
                "notrain could not tell what this answer means, so it recorded nothing.",
                hint="Record it yourself with “Record what happened” below.",
            )
        day = moment(form_text(form, "on"))
        updated = add_event(
            db,
            request_id,
            Event(status=result.status, on=day, reply=text, reference=result.reference),
        )
    except NotrainError as exc:
        return _request_page(request, item, reply=text, result=result, reply_error=exc)
    flash(request, f"Recorded Meta's answer. Request {updated.id} is now: {updated.status.value}.")
    return redirect(f"/requests/{request_id}")


def _letters(
    db: Database, request: Request, request_id: int, language: str | None
) -> tuple[RightsRequest, list[Document]]:
    item = _load(db, request_id)
    place = jurisdiction(item.jurisdiction)
    letters = escalation_letters(
        request=item,
        jurisdiction=place,
        authorities=authorities_for(place),
        today=date.today(),
        language=language,
        home=home_of(request),
        wording=WEB,
    )
    return item, letters


def _language(value: str | None) -> str | None:
    if not value:
        return None
    if value not in LANGUAGES:
        raise HTTPException(400, f"notrain does not write letters in {value!r}.")
    return value


@router.get("/requests/{request_id}/letters", response_class=HTMLResponse)
def letters_page(
    request: Request, db: DB, request_id: int, language: str | None = None
) -> HTMLResponse:
    chosen = _language(language)
    item = _load(db, request_id)
    try:
        item, letters = _letters(db, request, request_id, chosen)
    except NothingToEscalate as exc:
        return _letters_page(request, item, [], chosen, nothing=exc)
    except OptionError as exc:
        return _letters_page(request, item, [], chosen, nothing=exc)
    return _letters_page(request, item, letters, chosen)


def _letters_page(
    request: Request,
    item: RightsRequest,
    letters: list[Document],
    language: str | None,
    *,
    nothing: NotrainError | None = None,
) -> HTMLResponse:
    return render(
        request,
        "requests/letters.html",
        {
            "area": "requests",
            "item": item,
            "letters": [(letter, to_text(letter)) for letter in letters],
            "language": language or "",
            "languages": LANGUAGES,
            "nothing": nothing,
            "possible_from": getattr(nothing, "possible_from", None),
        },
    )


@router.get("/requests/{request_id}/letters/{kind}.{suffix}")
async def letter_file(
    request: Request, db: DB, request_id: int, kind: str, suffix: str, language: str | None = None
) -> Response:
    if suffix not in ("pdf", "txt"):
        raise HTTPException(404, "notrain writes letters as .pdf or .txt.")
    chosen = _language(language)
    _load(db, request_id)
    try:
        _, letters = _letters(db, request, request_id, chosen)
    except NothingToEscalate:
        raise HTTPException(404, "This request needs no letter today.") from None
    letter = next((d for d in letters if d.kind == kind), None)
    if letter is None:
        raise HTTPException(404, f"This request needs no {kind} letter today.")
    name = f"request-{request_id}-{kind}.{suffix}"
    if suffix == "pdf":
        return _download(await run_in_threadpool(to_pdf, letter), "application/pdf", name)
    return _download(to_text(letter).encode("utf-8"), "text/plain; charset=utf-8", name)


@router.get("/requests/{request_id}/calendar.ics")
def request_calendar(db: DB, request_id: int) -> Response:
    item = _load(db, request_id)
    items = deadlines(item, jurisdiction(item.jurisdiction), wording=WEB)
    data = deadlines_calendar(items, requests={request_id: item}, wording=WEB)
    return _download(data, "text/calendar; charset=utf-8", f"notrain-request-{request_id}.ics")


@router.post("/requests/{request_id}/delete")
async def delete(request: Request, db: DB, request_id: int) -> Response:
    _load(db, request_id)
    delete_request(db, request_id, home=home_of(request))
    flash(request, f"Deleted request {request_id} and its history.")
    return redirect("/requests")


def _day_of(when: date | datetime) -> date:
    """The day of a moment, in this computer's time zone when it has its own."""
    if isinstance(when, datetime):
        return (when.astimezone() if when.tzinfo else when).date()
    return when


def _download(data: bytes, media_type: str, filename: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"; '
            f"filename*=UTF-8''{quote(filename)}"
        },
    )
