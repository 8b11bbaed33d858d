"""The audit itself: read Meta exports into one inventory, and thumbnail their photos.

Each path given is a ZIP part or a folder. Parts of the same export are opened together, so
a JSON in one part finds its media in another. A Facebook and an Instagram export given in
one call are kept apart (both have ``personal_information/`` and
``security_and_login_information/`` folders, and each account's facts must come from its own
export): every part is assigned to a platform by what it holds, else by Meta's file name
(``facebook-...zip``, ``instagram-...zip``), else to the only platform present.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from PIL import Image, UnidentifiedImageError

from notrain.audit.archive import Export
from notrain.audit.facebook import detect_facebook, read_facebook
from notrain.audit.facebook_html import DOWNLOAD_PATH
from notrain.audit.instagram import detect_instagram, read_instagram
from notrain.audit.inventory import build
from notrain.audit.model import Inventory, MediaItem, Problem, Reading
from notrain.errors import InputError, NotrainError

__all__ = ["THUMBNAIL_SIDE", "Exports", "audit_export", "thumbnailer"]

THUMBNAIL_SIDE = 96
"""Thumbnails in the report are at most this many pixels on their long side."""

_MAX_THUMBNAIL_SOURCE = 64 * 1024 * 1024
_READERS: dict[str, Callable[[Export], Reading | None]] = {
    "facebook": read_facebook,
    "instagram": read_instagram,
}
_NAMES = {"facebook": "Facebook", "instagram": "Instagram"}


class Exports:
    """The open exports of one audit, one per platform (close them when done)."""

    def __init__(self, by_platform: dict[str, Export]) -> None:
        self.by_platform = by_platform

    def for_item(self, item: MediaItem) -> Export | None:
        """The export ``item`` was read from."""
        return self.by_platform.get(item.platform)

    def close(self) -> None:
        for export in self.by_platform.values():
            export.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def audit_export(
    paths: Sequence[Path | str], *, progress: Callable[[str], None] | None = None
) -> tuple[Inventory, Exports]:
    """Read the exports at ``paths`` (ZIP parts and folders) into an inventory.

    Returns the inventory and the open :class:`Exports` (the report's thumbnails and the
    originals matching read from them). Raises :class:`InputError` when no Facebook or
    Instagram layout is found. ``progress`` is told in a few words what is being read, before
    each part is looked into and each platform's export is read."""
    say = progress or (lambda _: None)
    groups = _group_by_platform([Path(p) for p in paths], say)
    opened: dict[str, Export] = {}
    try:
        readings: list[Reading] = []
        problems: list[Problem] = []
        for platform, group in groups.items():
            say(f"Reading the {_NAMES.get(platform, 'Facebook or Instagram')} export")
            export = Export.open(group)
            problems.extend(export.problems)
            readers = [_READERS[platform]] if platform in _READERS else list(_READERS.values())
            for read in readers:
                reading = read(export)
                if reading is not None:
                    readings.append(reading)
                    opened.setdefault(reading.platform, export)
            if export not in opened.values():
                export.close()
        if not readings:
            reasons = "; ".join(f"{p.path}: {p.reason}" for p in problems[:3])
            raise InputError(
                "No Facebook or Instagram export was found in "
                f"{', '.join(str(p) for p in paths)}" + (f" ({reasons})." if reasons else "."),
                path=Path(paths[0]),
                hint="Give the ZIP files Meta sent (all parts) or the folder they unpack to. "
                f"Request them in {DOWNLOAD_PATH}, in JSON format.",
            )
        for reading in readings:
            problems.extend(reading.problems)
        inventory = build(
            (item for reading in readings for item in reading.items),
            (reading.account for reading in readings),
            problems,
            sources=[str(p) for p in paths],
        )
    except BaseException:
        for export in opened.values():
            export.close()
        raise
    return inventory, Exports(opened)


def _group_by_platform(paths: list[Path], say: Callable[[str], None]) -> dict[str, list[Path]]:
    """The parts of each platform's export; ``both`` holds parts no platform could claim when
    the platform is ambiguous."""
    claimed: dict[str, list[Path]] = {}
    unclaimed: list[Path] = []
    for path in paths:
        say(f"Looking into {path.name}")
        platform = _platform_of(path)
        if platform is None:
            unclaimed.append(path)
        else:
            claimed.setdefault(platform, []).append(path)
    if not claimed:
        return {"both": unclaimed}
    if len(claimed) == 1:
        (platform,) = claimed
        claimed[platform].extend(unclaimed)
    elif unclaimed:
        # Media-only parts whose names say nothing: they hold no account files, so each
        # export may look in them.
        for group in claimed.values():
            group.extend(unclaimed)
    return claimed


def _platform_of(path: Path) -> str | None:
    with Export.open([path]) as part:
        if detect_instagram(part):
            return "instagram"
        if detect_facebook(part):
            return "facebook"
    name = path.name.lower()
    for platform in _READERS:
        if name.startswith(platform):
            return platform
    return None


def thumbnailer(exports: Exports) -> Callable[[MediaItem], bytes | None]:
    """A function giving a small JPEG of an item's photo, read from its export (None when the
    media is missing, a video, too large, or not an image Pillow reads)."""

    def thumbnail(item: MediaItem) -> bytes | None:
        export = exports.for_item(item)
        if item.is_video or not item.present or export is None:
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
        except (
            OSError,
            UnidentifiedImageError,
            ValueError,
            Image.DecompressionBombError,
            NotrainError,
        ):
            return None
        return out.getvalue()

    return thumbnail
