"""``notrain facts``: Meta's forms, in-app paths and settings, with their sources and age."""

from __future__ import annotations

import json
from datetime import date, datetime

import click
from rich.markup import escape

from notrain.cli._common import console, err_console, handle_errors
from notrain.rights.facts import STALE_AFTER_MONTHS, facts_for, is_stale
from notrain.rights.model import PLATFORMS, Fact

__all__ = ["facts_command"]

SECTIONS: tuple[tuple[str, str], ...] = (
    ("form.", "Objection forms"),
    ("link.", "Objection forms"),
    ("path.", "In-app paths to the forms"),
    ("eligibility.", "Who can use the forms"),
    ("coverage.", "What an objection covers"),
    ("checklist.", "Privacy settings worth changing"),
)


def _section(item: Fact) -> str:
    return next((title for prefix, title in SECTIONS if item.key.startswith(prefix)), "Other facts")


@click.command(
    "facts",
    epilog="""\b
Examples:
  notrain facts                      every current fact, with its age and source
  notrain facts --platform instagram only what applies to Instagram
  notrain facts --all                include the old forms kept for people with old links
  notrain facts --json""",
)
@click.option(
    "--platform",
    type=click.Choice(PLATFORMS),
    help="Only the facts for this platform (and those for both).",
)
@click.option("--all", "show_all", is_flag=True, help="Include obsolete facts (old forms).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Pretend today is this date (YYYY-MM-DD) when computing ages.",
)
@handle_errors
def facts_command(
    platform: str | None, show_all: bool, as_json: bool, today: datetime | None
) -> None:
    """List what notrain knows about Meta's AI-training objection: the forms, the
    in-app paths for each device, who can object, what an objection covers, and the
    privacy settings worth changing. Each fact shows its source and how many days ago
    it was last checked; facts unchecked for more than six months are named in a
    warning, because Meta changes its forms and menus often."""
    day = today.date() if today else date.today()
    chosen = facts_for(platform, include_obsolete=show_all)
    stale = [f for f in chosen if not f.obsolete and is_stale(f, day)]
    if as_json:
        click.echo(json.dumps([_as_dict(f, day) for f in chosen], ensure_ascii=False, indent=2))
    else:
        _print(chosen, day)
    if stale:
        err_console.print(
            f"[yellow]Warning:[/] {len(stale)} of these facts were last checked more than "
            f"{STALE_AFTER_MONTHS} months ago: {', '.join(f.key for f in stale)}."
        )
        err_console.print(
            "[dim]Check each against its source and update its checked date in "
            "notrain/data/rights/meta.json.[/]"
        )


def _as_dict(item: Fact, today: date) -> dict[str, object]:
    return {
        "key": item.key,
        "title": item.title,
        "value": item.value,
        "platform": item.platform,
        "device": item.device,
        "obsolete": item.obsolete,
        "source": item.source,
        "checked": item.checked.isoformat(),
        "age_days": item.age_days(today),
        "stale": not item.obsolete and is_stale(item, today),
        "note": item.note,
    }


def _print(chosen: list[Fact], today: date) -> None:
    section = None
    for item in chosen:
        if _section(item) != section:
            section = _section(item)
            console.print(f"\n[bold underline]{section}[/]")
        tag = " [red](obsolete)[/]" if item.obsolete else ""
        console.print(f"[bold]{escape(item.key)}[/]{tag}  {escape(item.title)}")
        console.print(f"  {escape(item.value)}")
        age = f"{item.age_days(today)} days ago"
        if not item.obsolete and is_stale(item, today):
            age += f", [yellow]over {STALE_AFTER_MONTHS} months[/]"
        console.print(
            f"  [dim]checked {item.checked.isoformat()} ({age}); source:[/] {item.source}"
        )
