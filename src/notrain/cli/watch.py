"""``notrain watch``: follow the privacy policies and terms that decide what happens to your photos."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.markup import escape

from notrain.cli._common import console, handle_errors, open_db

__all__ = ["watch_group"]


@click.group(
    "watch",
    epilog="""\b
Examples:
  notrain watch import-ota ~/src/pga-versions     years of recorded versions at once
  notrain watch changes --ai-only                 what changed about AI training
  notrain watch changes --json""",
)
def watch_group() -> None:
    """Follow privacy policies and terms for changes about AI training.

    Versions are kept in notrain's database; a change is reported when a sentence was
    added, removed or reworded, and marked when it concerns AI training, generative AI,
    "AI at Meta" or your right to object. Rewordings of layout, links and tracking
    parameters are not news.
    """


@watch_group.command("import-ota")
@click.argument("repo", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--branch", help="Branch to read (default: the repository's current one).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def import_ota_command(ctx: click.Context, repo: Path, branch: str | None, as_json: bool) -> None:
    """Import the history of a local clone of an Open Terms Archive versions repository
    (``<service>/<document type>.md``, one commit per recorded version).

    A second run imports only the commits added since.
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
    """What changed in the watched documents, oldest first."""
    from notrain.watch.detect import changes_in
    from notrain.watch.versions import documents, versions

    db = open_db(ctx)
    chosen = [d for d in documents(db) if not keys or d.key in keys]
    if keys and len(chosen) < len(set(keys)):
        known = ", ".join(d.key for d in documents(db)) or "none yet"
        raise click.UsageError(f"Unknown document. Watched documents: {known}.")
    found = [
        change
        for document in chosen
        for change in changes_in(versions(db, document.key))
        if change.ai_related or not ai_only
    ]
    if as_json:
        for change in found:
            click.echo(
                json.dumps(
                    {
                        "document": change.document,
                        "captured": change.captured.isoformat(),
                        "effective": change.effective.isoformat() if change.effective else None,
                        "kind": change.kind,
                        "section": change.section,
                        "ai_related": change.ai_related,
                        "ai_terms": list(change.ai_terms),
                        "added": list(change.added),
                        "removed": list(change.removed),
                        "summary": change.summary,
                    },
                    ensure_ascii=False,
                )
            )
        return
    if not found:
        console.print("No changes." if not ai_only else "No changes about AI training.")
        return
    for change in found:
        flag = "[bold red]AI[/] " if change.ai_related else ""
        console.print(
            f"{flag}[bold]{escape(change.document)}[/] {change.captured.date().isoformat()} "
            f"({change.kind}): {escape(change.summary)}"
        )
