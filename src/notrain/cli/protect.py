"""``notrain protect``: protected copies of photos, and a report of what survives the platform."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from notrain.cli._common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    console,
    err_console,
    handle_errors,
    open_db,
)
from notrain.cli.identity import passphrase_options, read_passphrase
from notrain.imaging import load_platforms
from notrain.metadata import DATA_MINING_VALUES
from notrain.protect import BatchResult, FileResult, ProtectOptions, protect_batch
from notrain.protect.files import IMAGE_SUFFIXES
from notrain.protect.options import FORMAT_CHOICES, SUBSAMPLING_CHOICES
from notrain.watermark import POSITIONS

__all__ = ["OPTION_FLAGS", "protect_command"]

_DEFAULTS = {f.name: f.default for f in fields(ProtectOptions)}
_HELP = {f.name: f.metadata["help"] for f in fields(ProtectOptions)}

OPTION_FLAGS: dict[str, str] = {}
"""Which CLI flag sets which ProtectOptions field (a test checks that every field has one)."""


def _option(name: str, *decls: str, **kwargs: Any) -> Any:
    """A click option for the ProtectOptions field ``name``, with its declared default and help."""
    OPTION_FLAGS[name] = decls[0]
    kwargs.setdefault("default", _DEFAULTS[name])
    kwargs.setdefault("show_default", _DEFAULTS[name] not in (None, False, True))
    return click.option(*decls, name, help=_HELP[name], **kwargs)


@click.command(
    "protect",
    epilog="""\b
Examples:
  notrain protect ~/Pictures/to-post --for instagram --owner "Your Name" \\
      --contact you@example.org --mark "© Your Name" -o ~/Pictures/protected
  notrain protect IMG_0042.HEIC --for facebook --keep-camera -o protected
  notrain protect shoot/ --for instagram-story --crop top --mark "@yourname" --mark-position tiled -o out --jobs 2

Originals are never changed. Run the same command again after an interruption:
finished photos are skipped, the rest are done.""",
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("protected"),
    show_default=True,
    help="Folder for the protected copies (created if missing).",
)
@_option("platform", "--for", type=click.Choice(sorted(load_platforms())), show_default=True)
@_option("crop", "--crop", show_default=True)
@_option("output_format", "--format", type=click.Choice(FORMAT_CHOICES), show_default=True)
@_option("quality", "--quality", type=click.IntRange(1, 100))
@_option("subsampling", "--subsampling", type=click.Choice(SUBSAMPLING_CHOICES), show_default=True)
@_option("keep_location", "--keep-location", is_flag=True)
@_option("keep_camera", "--keep-camera", is_flag=True)
@_option("rights", "--rights/--no-rights")
@_option("watermark", "--watermark/--no-watermark")
@_option("owner", "--owner")
@_option("contact", "--contact")
@_option("copyright", "--copyright")
@_option("web_statement", "--web-statement")
@_option("usage_terms", "--usage-terms")
@_option(
    "data_mining",
    "--data-mining",
    type=click.Choice(DATA_MINING_VALUES, case_sensitive=False),
    show_default=True,
)
@_option("other_constraints", "--other-constraints")
@_option("tdm_policy", "--tdm-policy")
@_option("mark", "--mark")
@_option("mark_logo", "--mark-logo", type=click.Path(dir_okay=False, path_type=Path))
@_option("mark_position", "--mark-position", type=click.Choice(POSITIONS), show_default=True)
@_option("mark_opacity", "--mark-opacity", type=click.FloatRange(0.05, 1.0))
@_option("mark_size", "--mark-size", type=click.FloatRange(0.02, 1.0))
@_option("mark_color", "--mark-color", show_default=True)
@_option("mark_font", "--mark-font", type=click.Path(dir_okay=False, path_type=Path))
@_option("credentials", "--credentials/--no-credentials")
@_option("credentials_allow", "--credentials-allow", metavar="USES")
@_option("credentials_thumbnail", "--credentials-thumbnail", is_flag=True)
@_option("timestamp_url", "--timestamp-url", metavar="URL")
@passphrase_options
@_option("max_pixels", "--max-pixels", type=click.IntRange(1))
@_option("overwrite", "--overwrite", is_flag=True)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Photos processed in parallel (one process each).",
)
@click.option(
    "--allow-inside",
    is_flag=True,
    help="Allow an output folder inside an input folder (it is skipped when reading).",
)
@click.option(
    "--no-recursive",
    "recursive",
    flag_value=False,
    default=True,
    help="Do not look into subfolders.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the results as JSON (one object) instead of tables.",
)
@click.pass_context
@handle_errors
def protect_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    output: Path,
    jobs: int,
    allow_inside: bool,
    recursive: bool,
    as_json: bool,
    passphrase_env: str | None,
    ask_passphrase: bool,
    **settings: Any,
) -> None:
    """Write protected copies of PATHS (photos or folders) for posting on a platform.

    Each copy is resized for the platform, stripped of private metadata (GPS,
    serial numbers, owner names, maker notes, thumbnails, edit history), given an
    invisible watermark that names you and says "not for AI training", marked the
    same way in its rights metadata, and optionally given a visible mark. Then
    notrain runs the platform's processing on it and reports which protections
    survive. The invisible watermark needs `notrain init` once.
    """
    options = ProtectOptions(**settings)
    passphrase = read_passphrase(passphrase_env, ask_passphrase)
    db = open_db(ctx)
    show_progress = not as_json or err_console.is_terminal
    with Progress(
        TextColumn("[bold]Protecting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=err_console,
        transient=True,
        disable=not show_progress,
    ) as progress:
        task = progress.add_task("", total=None)

        def started(total: int) -> None:
            progress.update(task, total=total)

        def finished(result: FileResult) -> None:
            progress.update(task, advance=1, description=Path(result.input).name)

        batch = protect_batch(
            list(paths),
            output,
            options,
            db=db,
            jobs=jobs,
            allow_inside=allow_inside,
            recursive=recursive,
            on_start=started,
            on_result=finished,
            passphrase=passphrase,
        )
    if not batch.results and not batch.interrupted:
        err_console.print(
            f"[yellow]No photos found[/] in {', '.join(str(p) for p in paths)} "
            f"(looked for {', '.join(sorted(IMAGE_SUFFIXES))})."
        )
        sys.exit(EXIT_FAILED)
    if as_json:
        click.echo(json.dumps(batch.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_report(batch, options, output)
    if batch.interrupted:
        err_console.print(
            "[yellow]Interrupted.[/] Run the same command again to continue where it stopped."
        )
        sys.exit(EXIT_INTERRUPTED)
    if batch.count("failed"):
        sys.exit(EXIT_FAILED)


DETAILED_UP_TO = 20
"""Batches larger than this get one line per photo instead of the detailed table."""


def _print_report(batch: BatchResult, options: ProtectOptions, output: Path) -> None:
    platform = load_platforms()[options.platform]
    ok = [r for r in batch.results if r.status != "failed"]
    if ok:
        quality = next((r.platform_quality for r in ok if r.platform_quality), None)
        after = f"After {platform.label}" + (
            f"\n[dim](simulated, JPEG q{quality})[/]" if quality else ""
        )
        table = Table(title=f"Protected for {platform.label}", show_lines=len(ok) <= DETAILED_UP_TO)
        table.add_column("Photo", overflow="fold", max_width=28)
        table.add_column("What was done", ratio=3)
        table.add_column(after, ratio=2)
        for result in ok:
            name = Path(result.input).name + (
                "\n[dim](done earlier)[/]" if result.status == "skipped" else ""
            )
            if len(ok) <= DETAILED_UP_TO:
                done = "\n".join(f"• {s.summary}" for s in result.steps if s.summary)
                survives = "\n".join(
                    f"{'[green]✓' if s.survives else '[red]✗'} {s.protection}:[/] [dim]{s.detail}[/]"
                    for s in result.survival
                )
            else:
                size = result.output_size or (0, 0)
                done = f"{size[0]}x{size[1]}, {len(result.removed)} fields removed"
                survives = (
                    ", ".join(s.protection for s in result.survival if s.survives) or "nothing"
                )
            table.add_row(name, done, survives)
        console.print(table)
        console.print(
            f"Protected copies are in [bold]{_short_path(str(output))}[/]; the originals are unchanged."
        )
    failed = [r for r in batch.results if r.status == "failed"]
    if failed:
        console.print(f"\n[bold red]{len(failed)} could not be protected:[/]")
    for result in failed:
        console.print(
            f"[red]✗ {result.input}[/]: {result.error}"
            + (f" [dim]{result.hint}[/]" if result.hint else "")
        )
    summary = batch.survival_summary()
    if summary:
        console.print(f"\n[bold]What survives {platform.label}[/] (simulated):")
        for name, kept, total in summary:
            mark = (
                "[green]✓[/]" if kept == total else ("[red]✗[/]" if kept == 0 else "[yellow]~[/]")
            )
            console.print(f"  {mark} {name}: {kept} of {total} photos")
        lost = [name for name, kept, _ in summary if kept == 0]
        if lost:
            console.print(
                f"  [dim]{platform.label} removes the {', '.join(lost)}. Only what is in the pixels, "
                "the invisible watermark and any visible mark, travels with the copy it serves.[/]"
            )
    console.print(
        f"\n[bold]{batch.count('done')}[/] protected, [bold]{batch.count('skipped')}[/] already done, "
        f"[bold]{len(failed)}[/] failed."
    )


def _short_path(path: str) -> str:
    """The path relative to the current folder when it lies inside it, else as given."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative
