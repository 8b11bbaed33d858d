"""``notrain audit``: what your Facebook and Instagram data exports show was exposed."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.markup import escape

from notrain.cli._common import console, handle_errors

__all__ = ["audit_command"]


@click.command(
    "audit",
    epilog="""\b
Examples:
  notrain audit ~/Downloads/facebook-ann-2026-11-20-*.zip
  notrain audit ~/Downloads/facebook-*.zip ~/Downloads/instagram-*.zip -o ~/audit
  notrain audit ~/Downloads/instagram-export/ --json""",
)
@click.argument("exports", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("notrain-audit"),
    show_default=True,
    help="Folder for report.html, inventory.csv and inventory.json.",
)
@click.option("--overwrite", is_flag=True, help="Replace a report written before.")
@click.option(
    "--no-thumbnails", is_flag=True, help="Leave the photos' thumbnails out of the report."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@handle_errors
def audit_command(
    exports: tuple[Path, ...], output: Path, overwrite: bool, no_thumbnails: bool, as_json: bool
) -> None:
    """Read Meta's "Download your information" exports (all the ZIP parts, or the folders
    they unpack to) and report what was exposed to AI training: every photo and video with
    its date, where it was posted and how likely it was public; the places your photos'
    metadata recorded; the devices and IP addresses Meta kept; and what to do next.

    Nothing is unpacked and nothing leaves your computer: the ZIPs are read in place.
    """
    from notrain.audit.reading import audit_export, thumbnailer
    from notrain.audit.report import summary, write_report

    inventory, export = audit_export(exports)
    with export:
        files = write_report(
            inventory,
            output,
            thumbnail=None if no_thumbnails else thumbnailer(export),
            overwrite=overwrite,
        )
    facts = summary(inventory)
    if as_json:
        click.echo(
            json.dumps(
                {**facts, "report": {k: str(v) for k, v in files.__dict__.items()}},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    totals, exposure = facts["totals"], facts["exposure"]
    console.print(
        f"[bold]{totals['photos']:,} photos and {totals['videos']:,} videos[/]"
        + (
            f", posted from {facts['date_range']['first'][:4]} to {facts['date_range']['last'][:4]}"
            if facts["date_range"]["first"]
            else ""
        )
        + "."
    )
    console.print(
        f"  {exposure.get('public', 0):,} public, {exposure.get('likely public', 0):,} likely "
        f"public, {exposure.get('unknown', 0):,} unknown, {exposure.get('not public', 0):,} "
        "not public."
    )
    located = facts["locations"]
    if located["items"]:
        console.print(
            f"  {located['items']:,} carry a location, in {located['places_total']:,} places."
        )
    if facts["devices"]["cameras_total"]:
        console.print(f"  {facts['devices']['cameras_total']:,} cameras or phones are named.")
    if facts["ips"]["upload_total"]:
        console.print(f"  {facts['ips']['upload_total']:,} upload IP addresses are recorded.")
    if facts["missing_media"]:
        console.print(f"  {facts['missing_media']:,} items' media are not in the export.")
    if facts["problems"]:
        console.print(
            f"  [yellow]{facts['problems']:,} files could not be read[/] (listed in the report)."
        )
    console.print(f"[green]✓[/] Report: {escape(str(files.html))}")
    console.print(f"  Inventory: {escape(str(files.csv))}, {escape(str(files.json))}")
