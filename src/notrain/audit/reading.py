"""The audit itself: read one or more Meta exports into one inventory, and thumbnail its photos.

Each path given is a ZIP part or a folder; parts of the same export are opened together, so
a JSON in one part finds its media in another. Facebook and Instagram exports can be given
in one call: every platform found is read, and the inventory holds both.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from notrain.audit.archive import Export
from notrain.audit.facebook import read_facebook
from notrain.audit.instagram import read_instagram
from notrain.audit.inventory import build
from notrain.audit.model import Inventory, MediaItem, Problem, Reading
from notrain.errors import InputError

__all__ = ["THUMBNAIL_SIDE", "audit_export", "thumbnailer"]

THUMBNAIL_SIDE = 96
"""Thumbnails in the report are at most this many pixels on their long side."""

_MAX_THUMBNAIL_SOURCE = 64 * 1024 * 1024
_READERS = (read_facebook, read_instagram)


def audit_export(paths: Sequence[Path | str]) -> tuple[Inventory, Export]:
    """Read the export at ``paths`` (ZIP parts and folders) into an inventory.

    Returns the inventory and the open :class:`Export` (close it when done: the report's
    thumbnails read from it). Raises :class:`InputError` when no Facebook or Instagram layout
    is found."""
    export = Export.open(paths)
    try:
        readings: list[Reading] = [r for read in _READERS if (r := read(export)) is not None]
        if not readings:
            raise InputError(
                f"No Facebook or Instagram export was found in {', '.join(str(p) for p in paths)}.",
                path=Path(paths[0]),
                hint="Give the ZIP files Meta sent (all parts) or the folder they unpack to. "
                "Request them in Accounts Center > Your information and permissions > "
                "Download your information, in JSON format.",
            )
        problems: list[Problem] = [*export.problems]
        for reading in readings:
            problems.extend(reading.problems)
        inventory = build(
            (item for reading in readings for item in reading.items),
            (reading.account for reading in readings),
            problems,
            sources=[str(p) for p in paths],
        )
    except BaseException:
        export.close()
        raise
    return inventory, export


def thumbnailer(export: Export) -> Callable[[MediaItem], bytes | None]:
    """A function giving a small JPEG of an item's photo, read from ``export`` (None when the
    media is missing, a video, too large, or not an image Pillow reads)."""

    def thumbnail(item: MediaItem) -> bytes | None:
        if item.is_video or not item.present:
            return None
        member = export.find(item.uri)
        if member is None or export.size(member) > _MAX_THUMBNAIL_SOURCE:
            return None
        try:
            with export.open_member(member) as stream, Image.open(stream) as image:
                image.draft("RGB", (THUMBNAIL_SIDE * 2, THUMBNAIL_SIDE * 2))
                image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
                out = io.BytesIO()
                image.convert("RGB").save(out, "JPEG", quality=70)
        except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
            return None
        return out.getvalue()

    return thumbnail
