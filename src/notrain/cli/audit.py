"""``notrain audit``: what your Facebook and Instagram data exports show was exposed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from notrain.cli._common import EXIT_FAILED, console, err_console, handle_errors, open_db
from notrain.errors import OutputExistsError
from notrain.imaging.platforms import load_platforms
from notrain.protect.files import check_output_folder

__all__ = ["audit_command"]


@click.command(
    "audit",
    epilog="""\b
Examples:
  notrain audit ~/Downloads/facebook-ann-2026-11-20-*.zip
  notrain audit ~/Downloads/facebook-*.zip ~/Downloads/instagram-*.zip -o ~/audit
  notrain audit ~/Downloads/instagram-export/ --json
  notrain audit ~/Downloads/facebook-*.zip --originals ~/Pictures --protect -o ~/audit --for instagram""",
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
@click.option(
    "--originals",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Folder (repeatable) with your own original photos: each exported photo is matched to "
    "its original by perceptual hash and capture time; the result goes to originals.csv.",
)
@click.option(
    "--protect",
    is_flag=True,
    help="Protect the matched originals (as notrain protect does) into OUTPUT/protected.",
)
@click.option(
    "--for",
    "platform",
    type=click.Choice(sorted(load_platforms())),
    default="instagram",
    show_default=True,
    help="With --protect: the platform to prepare the originals for (see notrain platforms).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
@handle_errors
def audit_command(
    ctx: click.Context,
    exports: tuple[Path, ...],
    output: Path,
    overwrite: bool,
    no_thumbnails: bool,
    originals: tuple[Path, ...],
    protect: bool,
    platform: str,
    as_json: bool,
) -> None:
    """Read Meta's "Download your information" exports (all the ZIP parts, or the folders
    they unpack to) and report what was exposed to AI training: every photo and video with
    its date, where it was posted and how likely it was public; the places your photos'
    metadata recorded; the devices and IP addresses Meta kept; and what to do next.

    Nothing is unpacked and nothing leaves your computer: the ZIPs are read in place.
    """
    from notrain.audit.originals import find_originals
    from notrain.audit.reading import audit_export, thumbnailer
    from notrain.audit.report import summary, write_report

    if protect and not originals:
        raise click.UsageError("--protect needs --originals FOLDER: the photos to protect.")
    check_output_folder(output, [*exports, *originals], allow_inside=False)
    targets = ["report.html", "inventory.csv", "inventory.json"] + (
        ["originals.csv"] if originals else []
    )
    taken = [name for name in targets if (output / name).exists()]
    if taken and not overwrite:
        raise OutputExistsError(
            f"{output} already holds {', '.join(taken)}; nothing was written.",
            path=output / taken[0],
            hint="Pass --overwrite to replace them, or choose another folder with -o.",
        )
    inventory, opened = audit_export(exports)
    with opened:
        files = write_report(
            inventory,
            output,
            thumbnail=None if no_thumbnails else thumbnailer(opened),
            overwrite=overwrite,
        )
        matched = None
        if originals:
            with err_console.status("Matching your original photos..."):
                matched = find_originals(
                    inventory, opened, list(originals), output, overwrite=overwrite
                )
    facts = summary(inventory)
    if matched is not None:
        facts["originals"] = matched
    if protect and matched is not None:
        facts["protected"] = _protect(
            ctx, [Path(p) for p in matched["matched_files"]], output, platform, overwrite
        )
    failed = bool(facts.get("protected", {}).get("failed"))
    if as_json:
        click.echo(
            json.dumps(
                {**facts, "report": {k: str(v) for k, v in files.__dict__.items()}},
                ensure_ascii=False,
                indent=2,
            )
        )
        if failed:
            sys.exit(EXIT_FAILED)
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
    if matched is not None:
        console.print(
            f"Originals: {matched['matched']:,} of {matched['photos']:,} exported photos found "
            f"among your files; {matched['unmatched']:,} have none (see {escape(matched['csv'])})."
        )
    if "protected" in facts:
        done = facts["protected"]
        console.print(
            f"[green]✓[/] Protected {done['done']:,} originals into {escape(done['folder'])}"
            + (f"; [red]{done['failed']:,} failed[/]" if done["failed"] else "")
            + "."
        )
        for failure in done["failures"]:
            err_console.print(f"  [red]{escape(failure['file'])}[/]: {escape(failure['error'])}")
    if failed:
        sys.exit(EXIT_FAILED)


def _protect(
    ctx: click.Context, paths: list[Path], output: Path, platform: str, overwrite: bool
) -> dict[str, Any]:
    """Protect the matched originals with the defaults of notrain protect."""
    from notrain.protect import ProtectOptions, protect_batch
    from notrain.store.identity import active_identity

    db = open_db(ctx)
    identity = active_identity(db)
    if identity is None:
        err_console.print(
            "[yellow]No notrain identity yet:[/] the originals get no invisible watermark "
            "(run notrain init once to add it)."
        )
    options = ProtectOptions(
        platform=platform,
        owner=identity.name if identity else None,
        contact=identity.contact if identity else None,
        watermark=identity is not None,
        overwrite=overwrite,
    )
    folder = output / "protected"
    batch = protect_batch(paths, folder, options, db=db, allow_inside=True)
    failures = [
        {"file": r.input, "error": r.error or "", "hint": r.hint or ""}
        for r in batch.results
        if r.status == "failed"
    ]
    return {
        "folder": str(folder),
        "done": batch.count("done"),
        "skipped": batch.count("skipped"),
        "failed": len(failures),
        "failures": failures,
    }
