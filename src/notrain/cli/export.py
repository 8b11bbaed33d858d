"""``notrain export``: everything notrain stores about you, as one ZIP of JSON files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import click
from rich.markup import escape

from notrain.cli._common import console, handle_errors, open_db
from notrain.output import write_atomic
from notrain.store.export import write_export
from notrain.store.home import resolve_home

__all__ = ["export_command"]


@click.command(
    "export",
    epilog="""\b
Examples:
  notrain export my-notrain-data.zip
  notrain export backup.zip --include-secret     also your identity's secret (keep it private)
  notrain export data.zip --overwrite --json""",
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--include-secret",
    is_flag=True,
    help="Also put your identity's secret in the ZIP: whoever has it can mark photos as yours.",
)
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print what went into the ZIP as JSON.")
@click.pass_context
@handle_errors
def export_command(
    ctx: click.Context, file: Path, include_secret: bool, overwrite: bool, as_json: bool
) -> None:
    """Write everything notrain stores about you to FILE, a ZIP: one JSON file per
    part of the database (identities, protected photos, requests and their files,
    watched policies, settings, the web app's jobs) and a README.txt explaining each.

    Your identity's secret is left out unless you ask for it.
    """
    db = open_db(ctx)
    home = resolve_home(ctx.find_root().params.get("home"))
    buffer = io.BytesIO()
    summary = write_export(db, home, buffer, include_secret=include_secret)
    write_atomic(file, buffer.getvalue(), overwrite=overwrite)
    if as_json:
        result = {
            "file": str(file),
            "files": summary.rows,
            "attachments": summary.attachments,
            "missing_attachments": summary.missing_attachments,
            "secret_included": summary.secret_included,
        }
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    records = sum(summary.rows.values())
    console.print(
        f"[green]✓[/] Wrote {escape(str(file))}: {records} records in {len(summary.rows)} files, "
        f"{len(summary.attachments)} attached files, and README.txt explaining each."
    )
    if summary.missing_attachments:
        console.print(
            f"[yellow]{len(summary.missing_attachments)} attached files were missing[/] from "
            "the data folder and are not in it (README.txt names them)."
        )
    if include_secret:
        console.print(
            "[yellow]It contains your identity's secret:[/] whoever has it can mark photos as "
            "yours. Keep it private."
        )
