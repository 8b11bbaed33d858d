"""The objection wizard: where the person lives, which accounts, which device; then the forms,
the in-app steps and the reason to paste, and "I have sent it", which records the request.

The steps are plain GET forms, each carrying the earlier answers, so the wizard works without
scripts and every step has its own address; the guidance and the record come from
:func:`notrain.rights.objection.guide` and :func:`~notrain.rights.objection.record`, as in
``notrain object``."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from notrain.errors import NotrainError, OptionError
from notrain.rights.deadlines import receipt_date
from notrain.rights.jurisdictions import jurisdiction, supported
from notrain.rights.model import DEVICES, LANGUAGES, PLATFORMS, Jurisdiction
from notrain.rights.objection import Guidance, guide, record
from notrain.store import active_identity
from notrain.web.forms import form_text, read_form
from notrain.web.templating import DB, flash, redirect, render

__all__ = ["PLATFORM_NAMES", "moment", "router"]

router = APIRouter()

PLATFORM_NAMES = {"facebook": "Facebook", "instagram": "Instagram"}
ACCOUNT_CHOICES = (
    ("instagram", "Instagram"),
    ("facebook", "Facebook"),
    ("both", "Both Facebook and Instagram"),
)
DEVICE_NAMES = {
    "android": "An Android phone or tablet",
    "iphone": "An iPhone or iPad",
    "desktop": "A computer (Facebook or Instagram in a web browser)",
}
ROLE_NAMES = {
    "private": "A private person",
    "artist": "An artist or illustrator",
    "photographer": "A photographer",
    "parent": "A parent posting photos of my children",
}
_GROUPS = (
    ("gdpr", "European Union and EEA"),
    ("uk-gdpr", "United Kingdom"),
    ("fadp", "Switzerland"),
    ("lgpd", "Brazil"),
    ("us", "United States (no opt-out)"),
    ("us-state", "United States, by state"),
)
_FIELDS = ("country", "platform", "device", "role", "posts", "name", "language")


def _places() -> list[tuple[str, list[Jurisdiction]]]:
    """The supported places for the country list, grouped by their law (German states after
    the countries of the EU)."""
    everything = supported()
    groups = []
    for regime, label in _GROUPS:
        members = [j for j in everything if j.regime == regime]
        if regime == "gdpr":
            countries = sorted((j for j in members if "-" not in j.code), key=lambda j: j.name)
            groups.append((label, countries))
            groups.append(("Germany, by state", [j for j in members if "-" in j.code]))
        elif members:
            groups.append((label, members))
    return groups


def _answers(values: Any) -> dict[str, str]:
    """The wizard's answers so far, from the query string or a form (a country typed in "not in
    the list" when none was chosen from it)."""
    answers = {name: (values.get(name) or "").strip() for name in _FIELDS}
    answers["country"] = answers["country"] or (values.get("other") or "").strip()
    return answers


def _check_step(answers: dict[str, str]) -> tuple[int, str | None]:
    """The step to show next, and what was wrong with the answer to the one before."""
    if not answers["country"]:
        return 1, None
    if not answers["platform"]:
        return 2, None
    if answers["platform"] not in (*PLATFORMS, "both"):
        return 2, "Choose Facebook, Instagram or both."
    if not answers["device"]:
        return 3, None
    if answers["device"] not in DEVICES:
        return 3, "Choose the device you use."
    return 4, None


def _guidance(answers: dict[str, str]) -> Guidance:
    platform = answers["platform"]
    return guide(
        country=answers["country"],
        platforms=PLATFORMS if platform == "both" else (platform,),
        device=answers["device"],
        role=answers["role"] or "private",
        posts=answers["posts"],
        name=answers["name"],
        language=answers["language"] or None,
    )


def _place_of(answers: dict[str, str]) -> Jurisdiction:
    return jurisdiction(answers["country"])


@router.get("/object", response_class=HTMLResponse)
def wizard(request: Request, db: DB) -> Response:
    answers = _answers(request.query_params)
    step, problem = _check_step(answers)
    place = None
    if step > 1:
        try:
            place = _place_of(answers)
        except OptionError as exc:
            return _step_page(request, db, 1, answers, None, exc, status=400)
    if step == 4:
        try:
            guidance = _guidance(answers)
        except OptionError as exc:
            return _step_page(request, db, 3, answers, place, exc, status=400)
        return _guide_page(request, db, answers, guidance)
    return _step_page(request, db, step, answers, place, problem, status=400 if problem else 200)


def _step_page(
    request: Request,
    db: DB,
    step: int,
    answers: dict[str, str],
    place: Jurisdiction | None,
    problem: NotrainError | str | None,
    *,
    status: int = 200,
) -> HTMLResponse:
    identity = active_identity(db)
    if not answers["name"] and identity is not None:
        answers = {**answers, "name": identity.name}
    message, hint = (
        (problem.message, problem.hint)
        if isinstance(problem, NotrainError)
        else (
            problem,
            None,
        )
    )
    return render(
        request,
        "object/step.html",
        {
            "area": "object",
            "step": step,
            "answers": answers,
            "place": place,
            "places": _places(),
            "accounts": ACCOUNT_CHOICES,
            "devices": DEVICE_NAMES,
            "roles": ROLE_NAMES,
            "languages": LANGUAGES,
            "error": message,
            "hint": hint,
        },
        status=status,
    )


def _guide_page(
    request: Request,
    db: DB,
    answers: dict[str, str],
    guidance: Guidance,
    *,
    sent: dict[str, str] | None = None,
    error: NotrainError | None = None,
) -> HTMLResponse:
    identity = active_identity(db)
    email = identity.contact if identity is not None and "@" in identity.contact else ""
    return render(
        request,
        "object/guide.html",
        {
            "area": "object",
            "answers": answers,
            "guidance": guidance,
            "place": guidance.jurisdiction,
            "platform_names": PLATFORM_NAMES,
            "devices": DEVICE_NAMES,
            "languages": LANGUAGES,
            "sent": sent
            or {"on": date.today().isoformat(), "time": "", "zone": "", "email": email},
            "error": error,
        },
        status=400 if error else 200,
    )


def moment(on: str, at: str = "", zone: str = "") -> date | datetime:
    """The day (and, when given, the time in ``zone`` or on this computer's clock) something was
    sent, from a form's date, time and time-zone fields; OptionError saying what to type."""
    try:
        day = date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise OptionError(
            f"{on!r} is not a date.", hint="Pick the day from the calendar, or type YYYY-MM-DD."
        ) from None
    if not at:
        return day
    try:
        clock = time.fromisoformat(at)
    except ValueError:
        raise OptionError(f"{at!r} is not a time.", hint="Type it as HH:MM, e.g. 23:30.") from None
    if not zone:
        return datetime.combine(day, clock)
    try:
        where = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise OptionError(
            f"{zone!r} is not a time zone notrain knows.",
            hint="Use a name such as Europe/Berlin or America/New_York, or leave it empty for "
            "this computer's time zone.",
        ) from None
    return datetime.combine(day, clock, tzinfo=where)


@router.post("/object/record")
async def record_request(request: Request, db: DB) -> Response:
    form = await read_form(request)
    answers = _answers(form)
    if _check_step(answers)[0] != 4:
        return redirect("/object")
    guidance = await run_in_threadpool(_guidance, answers)
    if guidance.request_kind is None:
        flash(request, f"There is nothing to record for {guidance.jurisdiction.name}.", "info")
        return redirect("/object")
    sent = _sent_fields(form)
    try:
        name = answers["name"]
        if not name:
            raise OptionError(
                "Type your name.", hint="It is recorded with the request and goes into letters."
            )
        if not sent["email"]:
            raise OptionError(
                "Type the email address of your Meta account.",
                hint="Meta answers there, and letters quote it.",
            )
        submitted = None
        if sent["already"]:
            when = moment(sent["on"], sent["time"], sent["zone"])
            submitted = receipt_date(when, guidance.jurisdiction.regime)
        created = record(
            db, guidance, name=name, email=sent["email"], submitted_on=submitted, today=date.today()
        )
    except NotrainError as exc:
        return _guide_page(request, db, answers, guidance, sent=sent, error=exc)
    if submitted is not None:
        flash(request, f"Recorded as request {created.id}, sent on {submitted.isoformat()}.")
    else:
        flash(
            request,
            f"Recorded as request {created.id}. Once you have sent it, record the day here.",
        )
    return redirect(f"/requests/{created.id}")


def _sent_fields(form: FormData) -> dict[str, Any]:
    return {
        "on": form_text(form, "on"),
        "time": form_text(form, "time"),
        "zone": form_text(form, "zone"),
        "email": form_text(form, "email"),
        "already": form_text(form, "action") != "draft",
    }
