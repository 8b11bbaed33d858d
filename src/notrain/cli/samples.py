"""``notrain samples``: camera-like sample photos to try notrain on."""

from __future__ import annotations

from pathlib import Path

import click

from notrain.cli._common import console, handle_errors
from notrain.samples import write_samples

__all__ = ["samples_command"]


@click.command(
    "samples",
    epilog="""\b
Example:
  notrain samples try-me && notrain protect try-me --for instagram --mark "© Me" -o try-me-protected""",
)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "-n",
    "--count",
    type=click.IntRange(1, 100),
    default=4,
    show_default=True,
    help="How many photos.",
)
@click.option(
    "--size",
    default="4000x3000",
    show_default=True,
    help="Width x height of the landscape ones (portrait ones are turned).",
)
@handle_errors
def samples_command(folder: Path, count: int, size: str) -> None:
    """Write sample photos into FOLDER, with everything a phone or camera leaves in a
    photo: GPS position, serial numbers, owner name, maker notes, an embedded
    thumbnail, edit history and IPTC location. Existing files are kept."""
    try:
        width, height = (int(v) for v in size.lower().split("x"))
    except ValueError:
        raise click.BadParameter(
            f"expected WIDTHxHEIGHT such as 4000x3000, got {size!r}", param_hint="--size"
        ) from None
    paths = write_samples(folder, count, width=width, height=height)
    console.print(f"{len(paths)} sample photos in {folder}")
