"""``notrain watermark``: the invisible watermark's codec on its own, for testing and for other tools."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from notrain.cli._common import EXIT_FAILED, console, err_console, handle_errors
from notrain.errors import InputError, NotrainError, OptionError
from notrain.imaging import EXTENSIONS, encode_image, open_image
from notrain.protect.files import write_atomic
from notrain.watermark import (
    DEFAULT_PSNR,
    Detection,
    detect_watermark,
    embed_watermark,
    message_from_hex,
)

__all__ = ["watermark_group"]

_FORMATS = {ext: fmt for fmt, ext in EXTENSIONS.items()} | {".jpeg": "jpeg", ".jpg": "jpeg"}


@click.group(
    "watermark",
    epilog="""\b
Examples:
  notrain watermark embed photo.png marked.png --message 0123456789abcdef
  notrain watermark detect marked.png downloaded.jpg --json""",
)
def watermark_group() -> None:
    """The invisible watermark's codec: embed any 64-bit message, detect it in any image.

    `notrain protect` embeds your own payload (owner id, photo id, the no-AI-training
    flag) for you; these commands are for testing the codec and for other tools.
    """


@watermark_group.command(
    "embed",
    epilog="""\b
Examples:
  notrain watermark embed photo.png marked.png --message 0123456789abcdef
  notrain watermark embed photo.jpg marked.jpg --message 6e6f747261696e21 --quality 95""",
)
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--message", required=True, help="The 64 data bits to embed, as 16 hex digits.")
@click.option(
    "--psnr",
    type=click.FloatRange(30, 60),
    default=DEFAULT_PSNR,
    show_default=True,
    help="Loudness of the mark: the marked image's PSNR in dB (lower is stronger and more visible; smooth photos are turned down to keep SSIM at 0.98 or more).",
)
@click.option(
    "--quality",
    type=click.IntRange(1, 100),
    default=95,
    show_default=True,
    help="JPEG or WebP quality when TARGET is one.",
)
@click.option("--overwrite", is_flag=True, help="Replace TARGET if it exists.")
@handle_errors
def embed_command(
    source: Path, target: Path, message: str, psnr: float, quality: int, overwrite: bool
) -> None:
    """Write a copy of SOURCE carrying MESSAGE to TARGET (format from its extension: .png, .jpg, .webp)."""
    try:
        bits = message_from_hex(message)
    except ValueError as exc:
        raise OptionError(f"--message: {exc}.") from exc
    fmt = _FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise OptionError(
            f"TARGET must end in .png, .jpg, .jpeg or .webp, not '{target.suffix or target.name}'."
        )
    if source.resolve() == target.resolve():
        raise OptionError(
            "TARGET is SOURCE: notrain never writes over an input; choose another name."
        )
    decoded = open_image(source)
    marked = embed_watermark(decoded.image, bits, psnr=psnr)
    data = encode_image(marked, fmt, quality=quality, subsampling="4:4:4")
    write_atomic(target, data, overwrite=overwrite)
    err_console.print(
        f"Embedded {bits.hex()} in {target} ({marked.width}x{marked.height}, PSNR target {psnr:g} dB)."
    )


@watermark_group.command(
    "detect",
    epilog="""\b
Examples:
  notrain watermark detect downloaded.jpg
  notrain watermark detect scraped/*.jpg --json > found.jsonl

With --json, one JSON object per line and file:
  {"file": ..., "found": true, "message": "0123456789abcdef", "confidence": 0.81, ...}""",
)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="Print one JSON object per file (JSON Lines)."
)
@handle_errors
def detect_command(files: tuple[Path, ...], as_json: bool) -> None:
    """Read the invisible watermark from each FILE, from the image alone.

    A message is reported only when its integrity check passes; otherwise the file
    has no readable mark. Exit status 1 when a file could not be read as an image.
    """
    rows = [_detect_one(path) for path in files]
    if as_json:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        table = Table(show_edge=False, pad_edge=False)
        for column in ("File", "Watermark", "Message", "Confidence"):
            table.add_column(column)
        for row in rows:
            if row.get("error"):
                table.add_row(row["file"], "[red]error[/]", row["error"], "")
            elif row["found"]:
                table.add_row(
                    row["file"], "[green]found[/]", row["message"], f"{row['confidence']:.2f}"
                )
            else:
                table.add_row(row["file"], "none", f"[dim]{row['reason']}[/]", "")
        console.print(table)
    if any(row.get("error") for row in rows):
        sys.exit(EXIT_FAILED)


def _detect_one(path: Path) -> dict[str, Any]:
    try:
        if not path.is_file():
            raise InputError(f"{path}: no such file.", path=path)
        decoded = open_image(path)
    except NotrainError as exc:
        return {
            "file": str(path),
            "found": False,
            "message": None,
            "confidence": 0.0,
            "error": exc.message,
        }
    return detection_dict(str(path), detect_watermark(decoded.image))


def detection_dict(file: str, found: Detection) -> dict[str, Any]:
    """A detection as the JSON the CLI prints."""
    return {
        "file": file,
        "found": found.found,
        "message": found.message_hex,
        "confidence": found.confidence,
        "sync_score": found.sync_score,
        "tile_pixels": found.tile_pixels,
        "rotation": found.rotation,
        "transform": found.transform,
        "reason": found.reason,
    }
