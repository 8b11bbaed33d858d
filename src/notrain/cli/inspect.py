"""``notrain inspect``: what a photo reveals, and what protecting it removed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from notrain.cli._common import EXIT_FAILED, console, handle_errors, open_db
from notrain.errors import NotrainError
from notrain.metadata import Field
from notrain.protect import Inspection, inspect_photo

__all__ = ["inspect_command"]

_CATEGORY_TITLES = {
    "location": "Location",
    "device": "Device",
    "serial": "Serial numbers",
    "owner": "Owner",
    "date": "Dates",
    "software": "Software",
    "thumbnail": "Embedded thumbnails",
    "rights": "Rights statements",
    "history": "Edit history",
    "description": "Descriptions",
    "technical": "Technical",
}
_PRIVATE = (
    "location",
    "serial",
    "owner",
    "thumbnail",
    "history",
    "device",
    "software",
    "description",
)


@click.command(
    "inspect",
    epilog="""\b
Examples:
  notrain inspect IMG_0042.jpg
  notrain inspect protected/IMG_0042.jpg              before and after, when notrain made it
  notrain inspect copy.jpg --original IMG_0042.jpg     compare any two files
  notrain inspect *.jpg --json""",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--original",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Compare with this file (before) instead of the original notrain recorded.",
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="Also list technical fields (exposure, sizes, pointers).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object per file.")
@click.pass_context
@handle_errors
def inspect_command(
    ctx: click.Context,
    files: tuple[Path, ...],
    original: Path | None,
    show_all: bool,
    as_json: bool,
) -> None:
    """Show what FILES reveal: location, device, serial numbers, owner, dates,
    software, embedded thumbnails and rights statements.

    For a copy made by `notrain protect`, it also shows what was removed and added
    compared with the original (found in notrain's records, or given with --original).
    """
    db = open_db(ctx)
    failed = 0
    reports = []
    for path in files:
        try:
            inspection = inspect_photo(path, original=original, db=db)
        except NotrainError as exc:
            failed += 1
            reports.append({"file": str(path), "error": exc.message, "hint": exc.hint})
            if not as_json:
                console.print(
                    f"[red]✗ {path}[/]: {exc.message}"
                    + (f" [dim]{exc.hint}[/]" if exc.hint else "")
                )
            continue
        reports.append(_as_json(inspection))
        if not as_json:
            _print(inspection, show_all=show_all)
    if as_json:
        click.echo(json.dumps(reports, ensure_ascii=False, indent=2))
    if failed:
        sys.exit(EXIT_FAILED)


def _field_json(field: Field) -> dict[str, str]:
    return {
        "key": field.key,
        "label": field.label,
        "value": field.value,
        "category": field.category,
    }


def _as_json(inspection: Inspection) -> dict[str, Any]:
    info = inspection.info
    data: dict[str, Any] = {
        "file": str(inspection.path),
        "format": info.format,
        "width": info.width,
        "height": info.height,
        "icc": info.icc_name,
        "location": inspection.metadata.location,
        "fields": [_field_json(f) for f in inspection.metadata.fields],
    }
    if inspection.diff is not None:
        data["original"] = str(inspection.original)
        data["removed"] = [_field_json(f) for f in inspection.diff.removed]
        data["added"] = [_field_json(f) for f in inspection.diff.added]
        data["kept"] = [_field_json(f) for f in inspection.diff.kept]
    return data


def _print(inspection: Inspection, *, show_all: bool) -> None:
    info = inspection.info
    console.rule(f"[bold]{inspection.path}")
    console.print(
        f"{info.format}, {info.width}x{info.height}"
        + (f", colour profile {info.icc_name}" if info.icc_name else "")
        + (f", orientation {info.orientation}" if info.orientation != 1 else "")
    )
    groups = inspection.metadata.by_category()
    if inspection.metadata.location:
        lat, lon = inspection.metadata.location
        console.print(f"[bold red]This photo records where it was taken:[/] {lat:.5f}, {lon:.5f}")
    table = Table(show_header=True, expand=False)
    table.add_column("What")
    table.add_column("Field")
    table.add_column("Value", overflow="fold")
    shown = 0
    for category, title in _CATEGORY_TITLES.items():
        if category == "technical" and not show_all:
            continue
        for field in groups.get(category, []):
            style = "red" if category in _PRIVATE[:5] else ""
            table.add_row(f"[{style}]{title}[/]" if style else title, field.label, field.value)
            shown += 1
    if shown:
        console.print(table)
    else:
        console.print("[green]No personal metadata found.[/]")
    if inspection.diff is not None:
        diff = inspection.diff
        console.print(f"\nCompared with the original [bold]{inspection.original}[/]:")
        console.print(f"  [green]{diff.removed_summary()}[/]")
        for field in diff.removed:
            console.print(f"    [dim]- {field.label}: {field.value}[/]")
        if diff.added:
            console.print(f"  Added {len(diff.added)} fields:")
            for field in diff.added:
                console.print(f"    [dim]+ {field.label}: {field.value}[/]")
