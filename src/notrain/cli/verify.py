"""``notrain verify``: is this photo mine? Watermark, perceptual hash and registry, with the evidence."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.markup import escape

from notrain.cli._common import EXIT_FAILED, console, handle_errors, open_db
from notrain.errors import NotrainError
from notrain.protect import Verdict, verify_image

__all__ = ["STATUS_STYLES", "verify_command"]

STATUS_STYLES = {
    "yours": "green",
    "someone-else": "magenta",
    "marked-unknown": "yellow",
    "not-found": "dim",
}
"""The colour of each verdict status, shared with ``notrain scan``."""


@click.command(
    "verify",
    epilog="""\b
Examples:
  notrain verify downloaded.jpg                  is this one of my protected photos?
  notrain verify screenshot.png found/*.jpg
  notrain verify suspicious.webp --json          one JSON object per file (JSON Lines)

\b
Statuses:
  yours           your watermark, or a perceptual match to a photo you protected
  someone-else    a notrain watermark from another person's identity
  marked-unknown  a watermark in notrain's format that is not a notrain payload
  not-found       no watermark and no match in your registry""",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object per file (JSON Lines)."
)
@click.pass_context
@handle_errors
def verify_command(ctx: click.Context, files: tuple[Path, ...], as_json: bool) -> None:
    """Check whether FILES are photos you protected with notrain.

    Each file's invisible watermark is read from its pixels, and its perceptual
    hash (in every rotation and mirroring) is compared with the photos notrain
    protected for you. The watermark is proof; a perceptual match alone says the
    photo looks like yours, which a near-duplicate can too.

    Exit status 1 when a file could not be read or checked.
    """
    db = open_db(ctx)
    failed = 0
    for path in files:
        try:
            verdict = verify_image(path, db)
        except NotrainError as exc:
            failed += 1
            if as_json:
                row = {"file": str(path), "status": "error", "error": exc.message, "hint": exc.hint}
                sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            else:
                hint = f" [dim]{escape(exc.hint)}[/]" if exc.hint else ""
                console.print(f"[red]✗ {escape(str(path))}[/]: {escape(exc.message)}{hint}")
            continue
        if as_json:
            sys.stdout.write(json.dumps(verdict.as_dict(), ensure_ascii=False) + "\n")
        else:
            _print(verdict)
    if failed:
        sys.exit(EXIT_FAILED)


def _print(verdict: Verdict) -> None:
    style = STATUS_STYLES[verdict.status]
    console.print(f"[bold]{escape(str(verdict.path))}[/]: [{style}]{escape(verdict.summary)}[/]")
    for line in verdict.evidence:
        console.print(f"  [dim]• {escape(line)}[/]")
