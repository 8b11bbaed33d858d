"""``notrain watch``: follow the privacy policies and terms that decide what happens to your photos."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.markup import escape

from notrain.cli._common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    console,
    err_console,
    handle_errors,
    open_db,
)

if TYPE_CHECKING:
    from notrain.store.database import Database
    from notrain.watch.check import CheckReport
    from notrain.watch.notify import Notified

__all__ = ["EXIT_CHANGES", "watch_group"]

EXIT_CHANGES = 10
"""``notrain watch check`` found changes (0: none; 1: no document could be read)."""

_REGION = click.Choice(["EU", "UK", "US"], case_sensitive=False)
_MARKS = {
    "changed": "[bold yellow]![/]",
    "new": "[green]+[/]",
    "unchanged": "[green]✓[/]",
    "followed": "[green]✓[/]",
    "attention": "[bold yellow]?[/]",
    "broken": "[yellow]~[/]",
    "error": "[bold red]✗[/]",
}


@click.group(
    "watch",
    epilog="""\b
Examples:
  notrain watch add meta --region EU              Meta's policies and terms for the EU
  notrain watch add linkedin x                    other platforms you use
  notrain watch add https://example.com/privacy --selector main
  notrain watch check                             one pass; exit code 10 when something changed
  notrain watch run --every 1d                    check once a day until stopped
  notrain watch changes --ai-only                 what changed about AI training
  notrain watch import-ota ~/src/pga-versions     years of recorded versions at once
  notrain watch email --host smtp.example.com --from me@example.com --to me@example.com""",
)
def watch_group() -> None:
    """Follow privacy policies and terms for changes about AI training.

    notrain keeps each version of the documents you watch, compares it with the last one,
    and tells you in plain words what changed, marking what concerns AI training,
    generative AI, "AI at Meta" or your right to object. Changes of layout, links and
    tracking parameters are not news. Results also go to an Atom feed file that any
    feed reader can follow, and by e-mail if you set it up (notrain watch email).
    """


@watch_group.command("add")
@click.argument("targets", nargs=-1, required=True)
@click.option(
    "--region",
    type=_REGION,
    help="Your region, for services with documents per region (EU, UK or US).",
)
@click.option(
    "--selector",
    "select",
    multiple=True,
    help="CSS selector of the document's text (repeatable); for a URL, or to fix a document.",
)
@click.option(
    "--remove",
    multiple=True,
    help="CSS selector of parts to leave out: menus, cookie banners (repeatable).",
)
@click.option("--name", help="A name for a page you add by URL.")
@click.option("--language", default="en", show_default=True, help="The page's language.")
@click.option("--no-check", is_flag=True, help="Do not read the documents now.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def add_command(
    ctx: click.Context,
    targets: tuple[str, ...],
    region: str | None,
    select: tuple[str, ...],
    remove: tuple[str, ...],
    name: str | None,
    language: str,
    no_check: bool,
    as_json: bool,
) -> None:
    """Watch documents: TARGETS are services from the list (facebook, instagram, threads,
    whatsapp, meta-ai, or meta for all five; x, linkedin, google, pinterest, reddit,
    tiktok, flickr), keys from notrain watch list --available, keys of documents you
    already watch (to change their selectors), or web addresses.

    The documents are read once straight away, so you know at once whether their text
    is found; the first version read is the one later ones are compared with.
    """
    from notrain.watch.check import check
    from notrain.watch.notify import notify
    from notrain.watch.watchlist import resolve_targets, watch_documents

    db = open_db(ctx)
    chosen = resolve_targets(
        db,
        targets,
        region=region.upper() if region else None,
        select=select,
        remove=remove,
        name=name,
        language=language,
    )
    watch_documents(db, chosen)
    report = None if no_check else check(db, keys=[d.key for d in chosen], follow_ota=False)
    notified = notify(db) if report is not None else None
    if as_json:
        click.echo(
            json.dumps(
                {
                    "added": [d.key for d in chosen],
                    "checked": _report_json(report)["documents"] if report else [],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    console.print(f"[green]✓[/] Watching {len(chosen)} document{'s' if len(chosen) != 1 else ''}:")
    if report is None:
        for document in chosen:
            console.print(f"  {escape(_name(document))} [dim]{escape(document.key)}[/]")
        console.print("Read them with: notrain watch check")
        return
    _print_results(report)
    if notified is not None:
        _print_notified(notified)
    console.print("From now on: notrain watch check (or notrain watch run --every 1d).")


@watch_group.command("list")
@click.option(
    "--available", is_flag=True, help="List the documents notrain knows, not the ones you watch."
)
@click.option("--region", type=_REGION, help="With --available: only this region's documents.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def list_command(ctx: click.Context, available: bool, region: str | None, as_json: bool) -> None:
    """The documents you watch, with their last check; or, with --available, the ones
    notrain knows (with where their address comes from and when it was checked)."""
    from rich.table import Table

    if available:
        from notrain.watch.catalog import load_catalog

        entries = [
            e for e in load_catalog() if not region or e.jurisdiction in (region.upper(), "GLOBAL")
        ]
        if as_json:
            click.echo(
                json.dumps(
                    [_document_json(e.document()) | {"note": e.note} for e in entries],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        table = Table(box=None, pad_edge=False)
        for column in ("key", "document", "checked"):
            table.add_column(column)
        for entry in entries:
            document = entry.document()
            table.add_row(
                escape(document.key),
                escape(_name(document)),
                document.checked.isoformat() if document.checked else "",
            )
        console.print(table)
        console.print("Watch some with: notrain watch add KEY (or a service: meta, linkedin, …)")
        return

    from notrain.watch.state import states
    from notrain.watch.versions import documents, latest_good

    db = open_db(ctx)
    watched = documents(db)
    standing = states(db)
    if as_json:
        rows = []
        for document in watched:
            state = standing.get(document.key)
            latest = latest_good(db, document.key)
            rows.append(
                _document_json(document)
                | {
                    "checked_at": state.checked_at.isoformat()
                    if state and state.checked_at
                    else None,
                    "status": state.status if state else "",
                    "message": state.message if state else "",
                    "latest_capture": latest.captured.isoformat() if latest else None,
                    "effective": latest.effective.isoformat()
                    if latest and latest.effective
                    else None,
                }
            )
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not watched:
        console.print("You watch no documents yet.")
        console.print("Start with: notrain watch add meta --region EU (or UK, US)")
        return
    table = Table(box=None, pad_edge=False)
    for column in ("", "document", "last check", "status"):
        table.add_column(column)
    for document in watched:
        state = standing.get(document.key)
        status = state.status if state else ""
        table.add_row(
            _MARKS.get(status, " "),
            f"{escape(_name(document))}\n[dim]{escape(document.key)}[/]",
            state.checked_at.astimezone().strftime("%Y-%m-%d %H:%M")
            if state and state.checked_at
            else "never",
            escape(state.message if state and state.message else status or "not checked yet"),
        )
    console.print(table)


@watch_group.command("remove")
@click.argument("keys", nargs=-1, required=True)
@click.pass_context
@handle_errors
def remove_command(ctx: click.Context, keys: tuple[str, ...]) -> None:
    """Stop watching documents (KEYS as notrain watch list shows them) and forget their
    versions."""
    from notrain.watch.versions import remove_document

    db = open_db(ctx)
    for key in keys:
        remove_document(db, key)
        console.print(f"[green]✓[/] No longer watching {escape(key)}.")


def _check_options(func: Any) -> Any:
    for option in reversed(
        (
            click.option(
                "--document", "keys", multiple=True, help="Only this document (repeatable)."
            ),
            click.option(
                "--no-ota",
                is_flag=True,
                help="Do not re-read the Open Terms Archive clones imported before.",
            ),
            click.option(
                "--feed",
                type=click.Path(dir_okay=False, path_type=Path),
                help="Write the Atom feed here (remembered; default: watch.atom in notrain's "
                "data folder).",
            ),
            click.option("--no-email", is_flag=True, help="Do not send the e-mail this time."),
            click.option("--json", "as_json", is_flag=True, help="Print JSON."),
        )
    ):
        func = option(func)
    return func


@watch_group.command(
    "check",
    epilog="""\b
Exit codes: 0 nothing changed, 10 changes found, 1 no document could be read.
Run it daily with cron, a systemd timer, launchd or the Task Scheduler (see docs/watch.md),
or keep notrain watch run --every 1d running.""",
)
@_check_options
@click.pass_context
@handle_errors
def check_command(
    ctx: click.Context,
    keys: tuple[str, ...],
    no_ota: bool,
    feed: Path | None,
    no_email: bool,
    as_json: bool,
) -> None:
    """Check the watched documents once and report what changed since the last check."""
    db = open_db(ctx)
    report, notified = _one_pass(db, keys, no_ota=no_ota, feed=feed, email=not no_email)
    _show(report, notified, as_json=as_json)
    if report.changes:
        sys.exit(EXIT_CHANGES)
    if report.failed:
        sys.exit(EXIT_FAILED)


@watch_group.command("run")
@click.option(
    "--every",
    default="1d",
    show_default=True,
    help="How often: 30m, 12h, 1d, 1w (at least 15 minutes).",
)
@click.option("--runs", type=click.IntRange(min=1), hidden=True)
@_check_options
@click.pass_context
@handle_errors
def run_command(
    ctx: click.Context,
    every: str,
    runs: int | None,
    keys: tuple[str, ...],
    no_ota: bool,
    feed: Path | None,
    no_email: bool,
    as_json: bool,
) -> None:
    """Check now and then again at every interval, until stopped with Ctrl+C."""
    from datetime import datetime

    from notrain.watch.schedule import parse_interval, run_every

    interval = parse_interval(every)
    db = open_db(ctx)

    def one() -> None:
        report, notified = _one_pass(db, keys, no_ota=no_ota, feed=feed, email=not no_email)
        _show(report, notified, as_json=as_json)
        if not as_json:
            following = datetime.now().astimezone() + interval
            console.print(f"[dim]Next check: {following:%Y-%m-%d %H:%M} (Ctrl+C to stop).[/]")

    try:
        run_every(interval, one, runs=runs)
    except KeyboardInterrupt:
        err_console.print("Stopped.")
        sys.exit(EXIT_INTERRUPTED)


@watch_group.command(
    "email",
    epilog="""\b
The password is never stored: notrain reads it from the environment variable named by
--password-env (default NOTRAIN_SMTP_PASSWORD) each time it sends. With Gmail or Outlook,
use an app password.""",
)
@click.option("--host", help="Your SMTP server, e.g. smtp.example.com.")
@click.option("--port", type=click.IntRange(1, 65535), help="Default: 587 (465 with --ssl).")
@click.option(
    "--security",
    type=click.Choice(["starttls", "ssl", "none"]),
    help="How the connection is secured (default starttls).",
)
@click.option("--user", "username", help="Login name, if the server wants one.")
@click.option("--password-env", help="Environment variable holding the password.")
@click.option("--from", "sender", help="The sender address.")
@click.option("--to", "recipients", multiple=True, help="Who gets the e-mail (repeatable).")
@click.option("--test", is_flag=True, help="Send a test message now.")
@click.option("--off", is_flag=True, help="Stop sending e-mail.")
@click.pass_context
@handle_errors
def email_command(
    ctx: click.Context,
    host: str | None,
    port: int | None,
    security: str | None,
    username: str | None,
    password_env: str | None,
    sender: str | None,
    recipients: tuple[str, ...],
    test: bool,
    off: bool,
) -> None:
    """Have notrain watch check e-mail you what changed, through your own SMTP server.
    Without options, shows the current setting."""
    from notrain.watch.notify import configure_email, email_setting, forget_email, send_test

    db = open_db(ctx)
    if off:
        forget_email(db)
        console.print("[green]✓[/] notrain will not send e-mail.")
        return
    given = (host, port, security, username, password_env, sender, recipients)
    if any(value for value in given):
        configure_email(
            db,
            host=host,
            port=port,
            security=security,
            username=username,
            password_env=password_env,
            sender=sender,
            recipients=recipients,
        )
        console.print("[green]✓[/] Saved.")
    current = email_setting(db)
    if current is None:
        console.print("No e-mail set up. Example:")
        console.print(
            "  notrain watch email --host smtp.example.com --user me@example.com "
            "--from me@example.com --to me@example.com --test"
        )
        return
    console.print(
        f"E-mail goes through {escape(current['host'])}:{current['port']} "
        f"({current['security']}) from {escape(current['sender'])} to "
        f"{escape(', '.join(current['recipients']))}"
        + (
            f", logging in as {escape(current['username'])} with the password in "
            f"${escape(current['password_env'])}"
            if current["username"]
            else ""
        )
        + "."
    )
    if test:
        sent = send_test(db)
        console.print(f"[green]✓[/] Test message sent to {escape(', '.join(sent))}.")


@watch_group.command("import-ota")
@click.argument("repo", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--branch", help="Branch to read (default: the repository's current one).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def import_ota_command(ctx: click.Context, repo: Path, branch: str | None, as_json: bool) -> None:
    """Import the history of a local clone of an Open Terms Archive versions repository
    (``<service>/<document type>.md``, one commit per recorded version).

    A second run imports only the commits added since, and notrain watch check re-reads
    the clone each time (pull it first to get the archive's latest captures).
    """
    from notrain.watch.ota import import_ota

    result = import_ota(open_db(ctx), repo, branch=branch)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "repo": str(result.repo),
                    "branch": result.branch,
                    "head": result.head,
                    "commits": result.commits,
                    "added": result.added,
                    "skipped": result.skipped,
                    "broken": result.broken,
                    "documents": list(result.documents),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not result.commits:
        console.print(f"Nothing new in {escape(str(repo))} (at {result.head[:12]}).")
        return
    console.print(
        f"[green]✓[/] Read {result.commits:,} commits: {result.added:,} new versions of "
        f"{len(result.documents):,} documents"
        + (f", {result.broken:,} of them broken captures kept aside" if result.broken else "")
        + "."
    )
    console.print("See what changed: notrain watch changes --ai-only")


@watch_group.command("changes")
@click.option("--document", "keys", multiple=True, help="Only this document (repeatable).")
@click.option("--ai-only", is_flag=True, help="Only changes about AI training.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per change.")
@click.pass_context
@handle_errors
def changes_command(
    ctx: click.Context, keys: tuple[str, ...], ai_only: bool, as_json: bool
) -> None:
    """Every change in the watched documents' whole history, oldest first."""
    from notrain.watch.journal import history_changes
    from notrain.watch.report import describe
    from notrain.watch.versions import documents

    db = open_db(ctx)
    chosen = [d for d in documents(db) if not keys or d.key in keys]
    if keys and len(chosen) < len(set(keys)):
        known = ", ".join(d.key for d in documents(db)) or "none yet"
        raise click.UsageError(f"Unknown document. Watched documents: {known}.")
    by_key = {document.key: document for document in chosen}
    found = history_changes(db, [d.key for d in chosen], ai_only=ai_only)
    if as_json:
        for change in found:
            click.echo(json.dumps(_change_json(change, by_key), ensure_ascii=False))
        return
    if not found:
        console.print("No changes." if not ai_only else "No changes about AI training.")
        return
    for change in found:
        flag = "[bold red]AI[/] " if change.ai_related else ""
        console.print(f"{flag}{escape(describe(change, by_key[change.document]))}")


def _one_pass(
    db: Database, keys: tuple[str, ...], *, no_ota: bool, feed: Path | None, email: bool
) -> tuple[CheckReport, Notified]:
    """One check, with a progress line on a terminal, then the feed and the e-mail."""
    from notrain.watch.check import check
    from notrain.watch.notify import notify
    from notrain.watch.versions import documents

    known = {document.key for document in documents(db)}
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise click.UsageError(
            f"You do not watch {', '.join(unknown)}. "
            f"Watched: {', '.join(sorted(known)) or 'nothing yet (notrain watch add)'}."
        )
    with err_console.status("Checking…") as status:

        def progress(done: int, total: int, document: Any) -> None:
            status.update(f"Checked {done} of {total}: {escape(_name(document))}")

        report = check(db, keys=keys, follow_ota=not no_ota, progress=progress)
    return report, notify(db, feed=feed, email=email)


def _show(report: CheckReport, notified: Notified, *, as_json: bool) -> None:
    if as_json:
        click.echo(
            json.dumps(
                _report_json(report)
                | {
                    "feed": str(notified.feed) if notified.feed else None,
                    "feed_error": notified.feed_error or None,
                    "emailed": list(notified.emailed),
                    "email_error": notified.email_error or None,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    _print_results(report)
    _print_notified(notified)


def _print_notified(notified: Notified) -> None:
    if notified.feed:
        console.print(f"[dim]Feed: {escape(str(notified.feed))}[/]")
    if notified.feed_error:
        err_console.print(f"[bold red]Feed not written:[/] {escape(notified.feed_error)}")
    if notified.emailed:
        console.print(f"E-mailed to {escape(', '.join(notified.emailed))}.")
    if notified.email_error:
        err_console.print(f"[bold red]E-mail not sent:[/] {escape(notified.email_error)}")


def _print_results(report: CheckReport) -> None:
    from notrain.watch.report import describe

    for imported in report.imports:
        if imported.added:
            console.print(
                f"[green]✓[/] {imported.added:,} new versions from the Open Terms Archive "
                f"clone {escape(str(imported.repo))}."
            )
    for problem in report.ota_problems:
        err_console.print(f"[bold red]✗[/] {escape(problem.message)}")
    if not report.results:
        console.print("You watch no documents yet: notrain watch add meta --region EU")
        return
    for result in report.results:
        console.print(
            f"{_MARKS.get(result.status, ' ')} [bold]{escape(_name(result.document))}[/]: "
            f"{escape(result.message)}"
        )
        if result.hint:
            console.print(f"    [dim]{escape(result.hint)}[/]")
    ordered = sorted(report.changes, key=lambda change: not change.ai_related)
    names = {result.document.key: result.document for result in report.results}
    if ordered:
        console.print()
    for change in ordered:
        flag = "[bold red]AI training[/] " if change.ai_related else ""
        console.print(f"{flag}{escape(describe(change, names[change.document]))}")
        for sentence in change.added[:3]:
            console.print(f"  [green]+[/] {escape(sentence)}")
        for sentence in change.removed[:3]:
            console.print(f"  [red]-[/] {escape(sentence)}")
        more = (
            len(change.added)
            + len(change.removed)
            - min(3, len(change.added))
            - min(3, len(change.removed))
        )
        if more > 0:
            console.print(f"  [dim]… and {more} more (notrain watch changes --json)[/]")
    if report.changes and not report.ai_changes:
        console.print("None of the changes concerns AI training.")


def _change_json(change: Any, documents: dict[str, Any]) -> dict[str, Any]:
    """A change as JSON, its ``summary`` in full plain words (headline and what to do)."""
    from notrain.watch.journal import change_to_dict
    from notrain.watch.report import describe

    return change_to_dict(change) | {"summary": describe(change, documents[change.document])}


def _report_json(report: CheckReport) -> dict[str, Any]:
    names = {result.document.key: result.document for result in report.results}
    return {
        "checked_at": report.checked_at.isoformat(),
        "changes": len(report.changes),
        "ai_changes": len(report.ai_changes),
        "documents": [
            {
                "key": result.document.key,
                "name": _name(result.document),
                "status": result.status,
                "message": result.message,
                "hint": result.hint,
                "changes": [_change_json(change, names) for change in result.changes],
            }
            for result in report.results
        ],
        "ota": [
            {"repo": str(imported.repo), "added": imported.added} for imported in report.imports
        ]
        + [{"repo": problem.repo, "error": problem.message} for problem in report.ota_problems],
    }


def _document_json(document: Any) -> dict[str, Any]:
    return {
        "key": document.key,
        "name": _name(document),
        "service": document.service,
        "doc_type": document.doc_type,
        "jurisdiction": document.jurisdiction,
        "language": document.language,
        "url": document.url,
        "select": list(document.select),
        "remove": list(document.remove),
        "source": document.source,
        "checked": document.checked.isoformat() if document.checked else None,
    }


def _name(document: Any) -> str:
    from notrain.watch.model import document_name

    return document_name(document)
