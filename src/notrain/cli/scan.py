"""``notrain scan``: find your photos, and photos marked by anyone, in a folder."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from notrain.cli._common import EXIT_INTERRUPTED, console, err_console, handle_errors, open_db
from notrain.cli.verify import STATUS_STYLES
from notrain.errors import OptionError
from notrain.protect import ScanResult, Skipped, Verdict, scan_folder

__all__ = ["scan_command"]

SKIPPED_SHOWN = 10
"""Skipped files listed by name under the table (all of them are in --csv and --json)."""


@click.command(
    "scan",
    epilog="""\b
Examples:
  notrain scan ~/Downloads/scraped                    which of these are mine?
  notrain scan dataset/ --csv found.csv --jobs 4      a spreadsheet of every file
  notrain scan dataset/ --json - | jq '.counts'       the JSON report on stdout
  notrain scan album/ --all --no-recursive            every file, this folder only

\b
CSV columns: file, status, how, confidence, message, owner_id, image_id,
no_ai_training, pdq_distance, registry_id, original, protected_on, platform, summary.
Ctrl-C stops the scan; the reports then hold the files checked so far.""",
)
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write one row per file to this CSV file (- for stdout).",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write the full report, evidence included, to this JSON file (- for stdout).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Files read in parallel (one process each).",
)
@click.option(
    "--no-recursive",
    "recursive",
    flag_value=False,
    default=True,
    help="Do not look into subfolders.",
)
@click.option(
    "--all", "show_all", is_flag=True, help="List every file in the table, not only the matches."
)
@click.pass_context
@handle_errors
def scan_command(
    ctx: click.Context,
    folder: Path,
    csv_path: Path | None,
    json_path: Path | None,
    jobs: int,
    recursive: bool,
    show_all: bool,
) -> None:
    """Check every image in FOLDER: which are yours, which carry someone else's
    notrain watermark, and which carry a mark notrain cannot read.

    Your photos are found by their invisible watermark or, when it was destroyed,
    by their perceptual hash. Files that are not images, or too small or flat to
    check, are skipped and counted.
    """
    to_stdout = [p for p in (csv_path, json_path) if p is not None and str(p) == "-"]
    if len(to_stdout) > 1:
        raise OptionError(
            "--csv and --json cannot both go to stdout (-).", hint="Write one of them to a file."
        )
    db = open_db(ctx)
    with Progress(
        TextColumn("[bold]Scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=err_console,
        transient=True,
        disable=bool(to_stdout) and not err_console.is_terminal,
    ) as progress:
        task = progress.add_task("", total=None)

        def started(total: int) -> None:
            progress.update(task, total=total)

        def finished(outcome: Verdict | Skipped) -> None:
            progress.update(task, advance=1, description=escape(outcome.path.name))

        result = scan_folder(
            folder, db, jobs=jobs, recursive=recursive, on_start=started, on_result=finished
        )

    _write_reports(result, csv_path, json_path)
    out = err_console if to_stdout else console
    if not result.verdicts and not result.skipped and not result.interrupted:
        out.print(f"[yellow]No images found[/] in {escape(str(folder))}.")
        return
    _print_table(result, show_all=show_all, out=out)
    out.print(_counts_line(result))
    if result.interrupted:
        err_console.print(
            "[yellow]Interrupted.[/] The results above, and the reports, cover the files checked so far."
        )
        sys.exit(EXIT_INTERRUPTED)


def _write_reports(result: ScanResult, csv_path: Path | None, json_path: Path | None) -> None:
    for path, text, write in (
        (csv_path, result.to_csv, result.write_csv),
        (json_path, result.to_json, result.write_json),
    ):
        if path is None:
            continue
        if str(path) == "-":
            sys.stdout.write(text())
        else:
            write(path)
            err_console.print(f"Wrote {escape(str(path))}")


def _print_table(result: ScanResult, *, show_all: bool, out: Console) -> None:
    shown = result.verdicts if show_all else result.matches
    table = Table(title=f"Scan of {escape(str(result.folder))}", show_lines=False)
    table.add_column("File", overflow="fold", max_width=40)
    table.add_column("Status")
    table.add_column("How")
    table.add_column("Summary", overflow="fold")
    for verdict in shown:
        style = STATUS_STYLES[verdict.status]
        table.add_row(
            escape(_relative(verdict.path, result.folder)),
            f"[{style}]{verdict.status}[/]",
            verdict.how,
            escape(verdict.summary),
        )
    skipped = result.skipped if show_all else ()
    for item in skipped:
        table.add_row(
            escape(_relative(item.path, result.folder)), "[red]skipped[/]", "", escape(item.reason)
        )
    if table.row_count:
        out.print(table)
    elif result.verdicts:
        out.print("[dim]None of the checked files is yours or carries a watermark.[/]")
    if result.skipped and not show_all:
        out.print(f"\n[bold]{len(result.skipped)} skipped:[/]")
        for item in result.skipped[:SKIPPED_SHOWN]:
            out.print(f"  [red]✗[/] {escape(item.reason)}")
        if len(result.skipped) > SKIPPED_SHOWN:
            out.print(
                f"  [dim]and {len(result.skipped) - SKIPPED_SHOWN} more (see --csv or --json)[/]"
            )


def _counts_line(result: ScanResult) -> str:
    counts = result.counts
    return (
        f"\nChecked [bold]{counts['scanned']}[/] files: [green]{counts['yours']} yours[/], "
        f"[magenta]{counts['someone-else']} someone else's[/], [yellow]{counts['marked-unknown']} marked-unknown[/], "
        f"{counts['not-found']} not found; [bold]{counts['skipped']}[/] skipped."
    )


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(path)
