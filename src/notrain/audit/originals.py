"""Finding the originals of exported photos, so the originals get protected, not Meta's copies.

The photos in an export are Meta's re-encodes: downscaled, recompressed, without metadata.
The person's own files are better inputs for ``notrain protect``. Each exported photo is
matched to the original whose perceptual hash (Meta's PDQ, in any of its eight rotations
and mirrors) is closest, within PDQ's match distance; when several originals are about as
close (bursts, edits of one shot), the one taken nearest the time Meta recorded wins.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from notrain.audit.archive import Export
from notrain.audit.model import Inventory, MediaItem
from notrain.audit.reading import Exports
from notrain.audit.report import csv_cell
from notrain.audit.values import timestamp
from notrain.errors import NotrainError
from notrain.imaging.decode import open_image
from notrain.imaging.pdq import PDQ_MATCH_DISTANCE, pdq_dihedral, pdq_hash
from notrain.output import write_atomic

__all__ = [
    "NEAR_TIE_BITS",
    "Original",
    "OriginalMatch",
    "find_originals",
    "hash_originals",
    "match_originals",
]

NEAR_TIE_BITS = 6
"""Originals within this many bits of the best match count as equally close; capture time
decides between them."""

_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".tif", ".tiff", ".avif"}
_DECODE_SIDE = 256
_POPCOUNT = np.array([i.bit_count() for i in range(256)], dtype=np.uint16)


@dataclass(frozen=True)
class Original:
    """One of the person's own photos, hashed."""

    path: Path
    bits: bytes
    taken_at: datetime | None


@dataclass(frozen=True)
class OriginalMatch:
    """An exported photo and the original found for it (None when there is none)."""

    item: MediaItem
    original: Path | None
    distance: int | None = None
    reason: str = ""


def hash_originals(
    folders: Sequence[Path],
    *,
    skip: Path | None = None,
    progress: Callable[[Path], None] | None = None,
) -> tuple[list[Original], list[tuple[Path, str]]]:
    """Hash every photo under ``folders`` (except in ``skip``, the audit's own output folder);
    files that cannot be read are returned with why."""
    originals: list[Original] = []
    failed: list[tuple[Path, str]] = []
    for path in _photos(folders, skip.resolve() if skip is not None else None):
        if progress is not None:
            progress(path)
        try:
            decoded = open_image(path, min_size=(_DECODE_SIDE, _DECODE_SIDE))
        except NotrainError as exc:
            failed.append((path, exc.message))
            continue
        found = pdq_hash(decoded.image)
        if not found.usable:
            failed.append((path, "too plain for a perceptual hash to identify it"))
            continue
        originals.append(Original(path, found.bits, _taken(path)))
    return originals, failed


def match_originals(
    inventory: Inventory,
    exports: Exports,
    originals: Sequence[Original],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[OriginalMatch]:
    """For every photo of ``inventory`` whose file is in its export, the original it came from;
    ``progress(done, total)`` is called after each item."""
    table = (
        np.frombuffer(b"".join(o.bits for o in originals), dtype=np.uint8).reshape(-1, 32)
        if originals
        else np.zeros((0, 32), dtype=np.uint8)
    )
    matches = []
    for done, item in enumerate(inventory.items, 1):
        if progress is not None:
            progress(done, len(inventory.items))
        if item.is_video:
            continue
        export = exports.for_item(item)
        member = export.find(item.uri) if item.present and export is not None else None
        if member is None:
            matches.append(OriginalMatch(item, None, reason="the photo is not in the export"))
            continue
        hashes = _exported_hashes(export, member)
        if hashes is None:
            matches.append(OriginalMatch(item, None, reason="the exported photo cannot be read"))
            continue
        matches.append(_best(item, hashes, table, originals))
    return matches


def find_originals(
    inventory: Inventory,
    exports: Exports,
    folders: Sequence[Path],
    out_dir: Path,
    *,
    overwrite: bool = False,
    skip: Path | None = None,
    hashing: Callable[[Path], None] | None = None,
    matching: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Match the exported photos to the originals under ``folders`` (but not in ``skip``, by
    default ``out_dir``: notrain's own copies are no originals) and write ``originals.csv``
    (one row per exported photo, and one per original that could not be read) into ``out_dir``.

    Returns the counts, JSON-ready: ``photos``, ``matched``, ``unmatched``, ``originals_hashed``,
    ``originals_unreadable``, ``matched_files`` (the originals found, sorted) and ``csv``.
    ``hashing`` and ``matching`` are the progress of :func:`hash_originals` and
    :func:`match_originals`. Without ``overwrite``, an existing originals.csv raises
    :class:`~notrain.errors.OutputExistsError`."""
    hashed, failed = hash_originals(folders, skip=skip or out_dir, progress=hashing)
    matches = match_originals(inventory, exports, hashed, progress=matching)
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["exported", "posted_at", "original", "distance", "reason"])
    for match in matches:
        writer.writerow(
            [
                csv_cell(match.item.uri),
                match.item.posted_at.isoformat() if match.item.posted_at else "",
                csv_cell(str(match.original or "")),
                "" if match.distance is None else match.distance,
                match.reason,
            ]
        )
    for path, why in failed:
        writer.writerow(["", "", csv_cell(str(path)), "", f"unreadable original: {why}"])
    target = out_dir / "originals.csv"
    write_atomic(target, rows.getvalue().encode("utf-8-sig"), overwrite=overwrite)
    found = [m for m in matches if m.original is not None]
    return {
        "photos": len(matches),
        "matched": len(found),
        "unmatched": len(matches) - len(found),
        "originals_hashed": len(hashed),
        "originals_unreadable": len(failed),
        "matched_files": sorted({str(m.original) for m in found}),
        "csv": str(target),
    }


def _best(
    item: MediaItem, hashes: list[bytes], table: np.ndarray, originals: Sequence[Original]
) -> OriginalMatch:
    if not len(table):
        return OriginalMatch(item, None, reason="no originals were given")
    distances = np.min(
        [_POPCOUNT[np.bitwise_xor(table, np.frombuffer(h, np.uint8))].sum(axis=1) for h in hashes],
        axis=0,
    )
    best = int(distances.min())
    if best > PDQ_MATCH_DISTANCE:
        return OriginalMatch(
            item, None, best, reason=f"no original is close enough (nearest: {best} bits)"
        )
    near = [int(i) for i in np.flatnonzero(distances <= best + NEAR_TIE_BITS)]
    when = item.taken_at or item.posted_at
    if len(near) > 1 and when is not None:
        near.sort(key=lambda i: (_seconds_apart(originals[i].taken_at, when), distances[i]))
    else:
        near.sort(key=lambda i: distances[i])
    chosen = near[0]
    how = "closest picture" + (" and capture time" if len(near) > 1 and when else "")
    return OriginalMatch(item, originals[chosen].path, int(distances[chosen]), reason=how)


def _seconds_apart(taken: datetime | None, when: datetime) -> float:
    if taken is None:
        return float("inf")
    return abs((taken - when).total_seconds())


def _exported_hashes(export: Export, member: str) -> list[bytes] | None:
    try:
        with export.open_member(member) as stream, Image.open(stream) as image:
            image.draft("RGB", (_DECODE_SIDE, _DECODE_SIDE))
            image.load()
            return [h.bits for h in pdq_dihedral(image)]
    except (OSError, ValueError, Image.DecompressionBombError, NotrainError):
        return None


def _photos(folders: Iterable[Path], skip: Path | None) -> Iterable[Path]:
    for folder in folders:
        if folder.is_file():
            yield folder
            continue
        for root, dirs, files in os.walk(folder):
            if skip is not None and (
                Path(root).resolve() == skip or skip in Path(root).resolve().parents
            ):
                dirs[:] = []
                continue
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith(".") and Path(name).suffix.lower() in _SUFFIXES:
                    yield Path(root) / name


def _taken(path: Path) -> datetime | None:
    """When the photo was taken, from its EXIF DateTimeOriginal (local time read as UTC, as
    Meta's exports record it)."""
    try:
        with Image.open(path) as image:
            value = image.getexif().get_ifd(0x8769).get(0x9003)
    except (OSError, ValueError):
        return None
    return timestamp(value) if isinstance(value, str) else None
