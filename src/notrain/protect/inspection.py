"""What a photo reveals, and, for a protected copy, what protection removed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from notrain.imaging import ImageInfo, probe_image
from notrain.metadata import Metadata, MetadataDiff, diff_metadata, read_metadata
from notrain.protect.files import sha256_file
from notrain.store import Database, ProtectedImage

__all__ = ["Inspection", "inspect_photo"]


@dataclass(frozen=True)
class Inspection:
    """A photo's metadata, and its original's when one is known (given, or found in the registry)."""

    path: Path
    info: ImageInfo
    metadata: Metadata
    original: Path | None = None
    diff: MetadataDiff | None = None
    record: ProtectedImage | None = None


def inspect_photo(
    path: Path, *, original: Path | None = None, db: Database | None = None
) -> Inspection:
    """Read ``path``; compare it with ``original``, or with the original the registry knows for it."""
    info = probe_image(path)
    metadata = read_metadata(path)
    record = db.by_output_sha256(sha256_file(path)) if db is not None else None
    if original is None and record is not None and Path(record.input_path).is_file():
        original = Path(record.input_path)
    diff = diff_metadata(read_metadata(original), metadata) if original is not None else None
    return Inspection(
        path=path, info=info, metadata=metadata, original=original, diff=diff, record=record
    )
