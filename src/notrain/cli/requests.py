"""``notrain requests``: follow your objections, their deadlines and Meta's answers."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from notrain.cli._common import WHEN, console, handle_errors, open_db
from notrain.rights.deadlines import deadlines, due, receipt_date
from notrain.rights.jurisdictions import jurisdiction
from notrain.rights.model import Event, Request, Status
from notrain.rights.replies import read_reply
from notrain.rights.requests import (
    add_event,
    check_event,
    delete_request,
    get_request,
    list_requests,
    parse_status,
    save_attachment,
)
from notrain.rights.triage import triage
from notrain.store.database import Database
from notrain.store.home import resolve_home

__all__ = ["requests_group"]

_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _day(value: date | datetime | None) -> date:
    """The day something happened, in the person's time zone (a plain date is taken as is)."""
    if value is None:
        return date.today()
    if isinstance(value, datetime):
        return (value.astimezone() if value.tzinfo else value).date()
    return value


@click.group(
    "requests",
    epilog="""\b
Examples:
  notrain requests list
  notrain requests update 1 --status submitted --on 2026-11-20
  notrain requests reply 1 ~/Downloads/meta-answer.eml --record
  notrain requests due
  notrain requests calendar deadlines.ics
  notrain requests export 1 history.pdf""",
)
def requests_group() -> None:
    """Your objections and other requests: status, deadlines, Meta's replies.

    Every step is recorded with its date, so notrain can tell you what is due and
    `notrain escalate` can write a complaint with the whole timeline.
    """


@requests_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def list_command(ctx: click.Context, as_json: bool) -> None:
    """List every recorded request with its status."""
    found = list_requests(open_db(ctx))
    if as_json:
        click.echo(json.dumps([_request_dict(r) for r in found], ensure_ascii=False, indent=2))
        return
    if not found:
        console.print("No requests yet. Start with: notrain object")
        return
    table = Table("#", "kind", "where", "accounts", "status", "since", "next deadline")
    today = date.today()
    for request in found:
        upcoming = deadlines(request, jurisdiction(request.jurisdiction))
        nxt = f"{upcoming[0].due.isoformat()} ({upcoming[0].kind})" if upcoming else "-"
        since = next((e.on for e in reversed(request.events) if e.status), today)
        table.add_row(
            str(request.id),
            request.kind,
            request.jurisdiction,
            ", ".join(request.platforms),
            request.status.value,
            since.isoformat(),
            nxt,
        )
    console.print(table)


@requests_group.command("show")
@click.argument("request_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def show_command(ctx: click.Context, request_id: int, as_json: bool) -> None:
    """Show one request: its timeline, Meta's replies and its deadlines."""
    request = get_request(open_db(ctx), request_id)
    if as_json:
        click.echo(json.dumps(_request_dict(request, full=True), ensure_ascii=False, indent=2))
        return
    console.print(
        f"[bold]Request {request.id}[/]: {request.kind} to Meta ({', '.join(request.platforms)}), "
        f"{escape(request.jurisdiction)}, by {escape(request.name)} <{escape(request.email)}>"
    )
    console.print(f"Status: [bold]{request.status.value}[/]")
    for event in request.events:
        label = event.status.value if event.status else "note"
        extra = f" — {escape(event.note)}" if event.note else ""
        ref = f" [dim](ref {escape(event.reference)})[/]" if event.reference else ""
        console.print(f"  {event.on.isoformat()}  {label}{extra}{ref}")
        if event.reply:
            excerpt = " ".join(event.reply.split())[:200]
            console.print(
                f"      [dim]“{escape(excerpt)}{'…' if len(event.reply) > 200 else ''}”[/]"
            )
    for deadline in deadlines(request, jurisdiction(request.jurisdiction)):
        console.print(f"  [yellow]{deadline.due.isoformat()}[/]  {escape(deadline.title)}")
    if request.reason:
        console.print("[bold]Reason as drafted:[/]")
        console.print(escape(request.reason))


@requests_group.command("update")
@click.argument("request_id", type=int)
@click.option(
    "--status",
    "status_text",
    help="New status: submitted, acknowledged, extension-notified, information-requested, honoured, refused, no-answer, reminder-sent, appeal-filed, complaint-filed, closed.",
)
@click.option(
    "--on",
    "on",
    type=WHEN,
    help="When it happened (YYYY-MM-DD, default today). For --status submitted you may give the "
    "time with its zone (2026-01-31T23:30+01:00): Meta's deadline counts from the day it received "
    "the request in its own time zone.",
)
@click.option("--note", default="", help="A note for your timeline.")
@click.option("--reference", default="", help="A case or ticket number Meta gave you.")
@click.option("--reply", "reply_text", default="", help="The text of Meta's answer.")
@click.option(
    "--reply-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Meta's answer as a file (.eml, .txt, .html): its text is stored and the file copied.",
)
@click.pass_context
@handle_errors
def update_command(
    ctx: click.Context,
    request_id: int,
    status_text: str | None,
    on: date | datetime | None,
    note: str,
    reference: str,
    reply_text: str,
    reply_file: Path | None,
) -> None:
    """Record what happened: a status change with its date, a note, or Meta's reply."""
    db = open_db(ctx)
    status = parse_status(status_text) if status_text else None
    if status is None and not (note or reference or reply_text or reply_file):
        raise click.UsageError("Nothing to record: give --status, --note, --reference or --reply.")
    if reply_file is not None:
        reply_text = reply_text or read_reply(reply_file)
    day = _day(on)
    if status == Status.SUBMITTED and isinstance(on, datetime):
        day = receipt_date(on, jurisdiction(get_request(db, request_id).jurisdiction).regime)
    event = Event(
        status=status,
        on=day,
        note=note,
        reference=reference,
        reply=reply_text,
    )
    request = _record(ctx, db, request_id, event, reply_file)
    console.print(f"[green]✓[/] Request {request.id} is now [bold]{request.status.value}[/].")
    _show_next(request)


@requests_group.command("reply")
@click.argument("request_id", type=int)
@click.argument("reply", type=click.Path(allow_dash=True, dir_okay=False, path_type=Path))
@click.option("--on", "on", type=WHEN, help="When the answer came (YYYY-MM-DD, default today).")
@click.option("--record", is_flag=True, help="Record the answer with the status it suggests.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def reply_command(
    ctx: click.Context,
    request_id: int,
    reply: Path,
    on: date | datetime | None,
    record: bool,
    as_json: bool,
) -> None:
    """Read Meta's answer (a saved email .eml, .txt or .html; - for pasted text) and say what it
    means: honoured, refused, asking for more information, an automatic receipt, or unrelated.

    When notrain cannot tell, it says so instead of guessing.
    """
    db = open_db(ctx)
    request = get_request(db, request_id)
    text = sys.stdin.read() if str(reply) == "-" else read_reply(reply)
    result = triage(text, regime=jurisdiction(request.jurisdiction).regime)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "request": request.id,
                    "label": result.label,
                    "confidence": result.confidence,
                    "language": result.language,
                    "reference": result.reference,
                    "suggested_status": result.status.value if result.status else None,
                    "evidence": list(result.evidence),
                    "next_step": result.next_step,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        console.print(
            f"Meta's answer looks like: [bold]{result.label}[/] (confidence: {result.confidence})"
        )
        for sentence in result.evidence:
            console.print(f"  [dim]“{escape(sentence)}”[/]")
        console.print(escape(result.next_step))
    if record:
        if result.status is None:
            raise click.UsageError(
                "notrain could not tell what this answer means, so it recorded nothing. "
                f"Record it yourself: notrain requests update {request_id} --status STATUS --reply-file FILE"
            )
        event = Event(status=result.status, on=_day(on), reply=text, reference=result.reference)
        request = _record(ctx, db, request_id, event, None if str(reply) == "-" else reply)
        if not as_json:
            console.print(
                f"[green]✓[/] Recorded: request {request.id} is now [bold]{request.status.value}[/]."
            )


@requests_group.command("due")
@click.option(
    "--days", default=7, show_default=True, help="Also show deadlines this many days ahead."
)
@click.option("--today", "today", type=_DATE, help="Pretend today is this date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def due_command(ctx: click.Context, days: int, today: datetime | None, as_json: bool) -> None:
    """What needs your action today: overdue answers, reminders and complaints to send."""
    day = _day(today)
    items = due(
        ((r, jurisdiction(r.jurisdiction)) for r in list_requests(open_db(ctx))),
        day,
        within_days=days,
    )
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "request": d.request.id,
                        "kind": d.deadline.kind,
                        "due": d.deadline.due.isoformat(),
                        "days_left": d.days_left,
                        "title": d.deadline.title,
                        "description": d.deadline.description,
                        "law": d.deadline.law,
                    }
                    for d in items
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not items:
        console.print(f"Nothing due in the next {days} days.")
        return
    for item in items:
        when = (
            f"[red]{-item.days_left} days overdue[/]"
            if item.overdue
            else "[yellow]today[/]"
            if item.days_left == 0
            else f"in {item.days_left} days"
        )
        console.print(
            f"Request {item.request.id}: [bold]{escape(item.deadline.title)}[/] — {item.deadline.due.isoformat()}, {when}"
        )
        console.print(f"  {escape(item.deadline.description)}")


@requests_group.command("calendar")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace the file if it exists.")
@click.pass_context
@handle_errors
def calendar_command(ctx: click.Context, output: Path, overwrite: bool) -> None:
    """Export every deadline as an iCalendar file (.ics) with alarms, for your calendar app.

    Importing it again later updates the same events instead of duplicating them.
    """
    from notrain.rights.calendar import write_calendar

    found = list_requests(open_db(ctx))
    items = [d for r in found for d in deadlines(r, jurisdiction(r.jurisdiction))]
    write_calendar(
        items, output, requests={r.id: r for r in found if r.id is not None}, overwrite=overwrite
    )
    console.print(
        f"[green]✓[/] Wrote {len(items)} deadline{'s' if len(items) != 1 else ''} to {escape(str(output))}"
    )


@requests_group.command("export")
@click.argument("request_id", type=int)
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--language", help="Language of the document (default: the request's).")
@click.option("--overwrite", is_flag=True, help="Replace the file if it exists.")
@click.pass_context
@handle_errors
def export_command(
    ctx: click.Context, request_id: int, output: Path, language: str | None, overwrite: bool
) -> None:
    """Write a request's whole history as a document: .md, .txt or .pdf (by the file's suffix)."""
    from notrain.rights.documents import write_document
    from notrain.rights.history import history_document

    request = get_request(open_db(ctx), request_id)
    place = jurisdiction(request.jurisdiction)
    document = history_document(
        request,
        jurisdiction=place,
        deadlines=deadlines(request, place),
        today=date.today(),
        language=language,
        home=resolve_home(ctx.find_root().params.get("home")),
    )
    write_document(document, output, overwrite=overwrite)
    console.print(f"[green]✓[/] Wrote {escape(str(output))}")


@requests_group.command("delete")
@click.argument("request_id", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@handle_errors
def delete_command(ctx: click.Context, request_id: int, yes: bool) -> None:
    """Forget a request and its timeline."""
    db = open_db(ctx)
    request = get_request(db, request_id)
    if not yes and not click.confirm(
        f"Delete request {request.id} and its whole timeline?", err=True
    ):
        raise click.Abort()
    delete_request(db, request_id, home=resolve_home(ctx.find_root().params.get("home")))
    console.print(f"Deleted request {request_id}.")


def _record(
    ctx: click.Context, db: Database, request_id: int, event: Event, reply_file: Path | None
) -> Request:
    """Check ``event``, copy the reply file into the notrain home, then store both; a refused
    event leaves no copy behind."""
    check_event(get_request(db, request_id), event)
    if reply_file is None:
        return add_event(db, request_id, event)
    home = resolve_home(ctx.find_root().params.get("home"))
    attachment = save_attachment(home, request_id, reply_file)
    try:
        return add_event(db, request_id, replace(event, attachment=attachment))
    except Exception:
        (home / attachment).unlink(missing_ok=True)
        raise


def _show_next(request: Request) -> None:
    upcoming = deadlines(request, jurisdiction(request.jurisdiction))
    if upcoming:
        first = upcoming[0]
        console.print(f"Next: {escape(first.title)} — {first.due.isoformat()}.")
    if request.status in (Status.REFUSED, Status.NO_ANSWER):
        console.print(f"notrain escalate {request.id} writes the next letter.")


def _request_dict(request: Request, *, full: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": request.id,
        "kind": request.kind,
        "jurisdiction": request.jurisdiction,
        "platforms": list(request.platforms),
        "status": request.status.value,
        "submitted_on": request.submitted_on.isoformat() if request.submitted_on else None,
        "reference": request.reference,
    }
    if full:
        place = jurisdiction(request.jurisdiction)
        data.update(
            name=request.name,
            email=request.email,
            device=request.device,
            language=request.language,
            role=request.role,
            posts=request.posts,
            reason=request.reason,
            events=[
                {
                    "on": e.on.isoformat(),
                    "status": e.status.value if e.status else None,
                    "note": e.note,
                    "reference": e.reference,
                    "reply": e.reply,
                    "attachment": e.attachment,
                }
                for e in request.events
            ],
            deadlines=[
                {"kind": d.kind, "due": d.due.isoformat(), "title": d.title, "law": d.law}
                for d in deadlines(request, place)
            ],
        )
    return data
