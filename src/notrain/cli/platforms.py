"""``notrain platforms``: what each platform does to an upload, with sources."""

from __future__ import annotations

import json
from datetime import date

import click
from rich.table import Table

from notrain.cli._common import console, handle_errors
from notrain.imaging import load_platforms

__all__ = ["STALE_AFTER_DAYS", "platforms_command"]

STALE_AFTER_DAYS = 183


@click.command(
    "platforms",
    epilog="""\b
Examples:
  notrain platforms
  notrain platforms instagram facebook
  notrain platforms --json""",
)
@click.argument("names", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@handle_errors
def platforms_command(names: tuple[str, ...], as_json: bool) -> None:
    """List the platform profiles that `notrain protect --for` knows, and the facts
    behind them, each with its source and the date it was last checked."""
    platforms = load_platforms()
    unknown = [n for n in names if n not in platforms]
    if unknown:
        raise click.UsageError(
            f"Unknown platform {', '.join(unknown)}. Known: {', '.join(sorted(platforms))}."
        )
    chosen = [platforms[n] for n in (names or sorted(platforms))]
    today = date.today()
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "name": p.name,
                        "label": p.label,
                        "summary": p.summary,
                        "facts": [
                            {
                                "key": f.key,
                                "value": f.value,
                                "text": f.text,
                                "source": f.source,
                                "checked": f.checked.isoformat(),
                            }
                            for f in p.facts
                        ],
                    }
                    for p in chosen
                ],
                ensure_ascii=False,
                indent=2,
                default=str,
            )
        )
        return
    for platform in chosen:
        table = Table(
            title=f"[bold]{platform.label}[/] ({platform.name}): {platform.summary}",
            title_justify="left",
            expand=False,
        )
        table.add_column("Fact", overflow="fold")
        table.add_column("Source", overflow="fold")
        table.add_column("Checked")
        for fact in platform.facts:
            age = (today - fact.checked).days
            checked = fact.checked.isoformat() + (
                " [yellow](over 6 months ago)[/]" if age > STALE_AFTER_DAYS else ""
            )
            table.add_row(fact.text, fact.source, checked)
        console.print(table)
