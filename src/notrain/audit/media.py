"""What Facebook's and Instagram's exports share about a media object, read one way for both.

Both platforms describe a photo or video with the same object (``uri``, ``creation_timestamp``,
``media_metadata.photo_metadata.exif_data[]``), list such objects in files whose records may sit
under any wrapper key, and store media that the readers must find in the export and tell apart
(photo or video) by extension, else by the file's first bytes. The readers (``facebook_media``,
``instagram``) keep what is their own: where the files are, and what each record means.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from notrain.audit.archive import Export, ExportFileError
from notrain.audit.model import Location, Problem
from notrain.audit.values import coordinates, text, timestamp

__all__ = [
    "IMAGE_SUFFIXES",
    "MEDIA_SUFFIXES",
    "VIDEO_SUFFIXES",
    "as_list",
    "camera",
    "exif_fields",
    "exif_location",
    "locate",
    "records",
    "taken_at",
    "video_metadata",
]

VIDEO_SUFFIXES = frozenset(
    {".mp4", ".mov", ".m4v", ".3gp", ".webm", ".avi", ".mkv", ".wmv", ".flv", ".mpg", ".mpeg"}
)
IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif", ".avif", ".bmp", ".tif", ".tiff"}
)
MEDIA_SUFFIXES = IMAGE_SUFFIXES | VIDEO_SUFFIXES
_VIDEO_TYPES = frozenset({"mp4", "mov", "3gp", "webm", "avi"})
"""What :meth:`Export.sniff` names a video."""

_RECORD_KEYS = frozenset(
    {
        "attachments",
        "cover_photo",
        "data",
        "label_values",
        "media",
        "photos",
        "place",
        "string_map_data",
        "uri",
    }
)
"""Keys that make an object a record itself, never a wrapper around records."""
_MISSING = (None, "", 0)
"""EXIF values that stand for "unknown": Meta writes 0 for a missing position or time."""


def as_list(value: Any) -> list[Any]:
    """A list as it is, one object as a list of one, anything else as nothing."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value]
    return []


def records(data: Any, *keys: str) -> list[Any]:
    """The records of a parsed file: a list as it is; the value under the first of ``keys`` that
    is present; a record (an object with a ``uri``, ``media``, ``attachments``... key) as a list
    of one; else the lists and objects under every wrapper key (``other_photos_v2``,
    ``ig_stories``), one after the other; an object of plain values as a record of its own.
    Entries are not checked: a caller skips those that are not objects."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return []
    for key in keys:
        if key in data:
            return as_list(data[key])
    if not _RECORD_KEYS.isdisjoint(data):
        return [data]
    wrapped = [value for value in data.values() if isinstance(value, list | dict)]
    if not wrapped:
        return [data]
    return [entry for value in wrapped for entry in as_list(value)]


def exif_fields(media: dict[str, Any]) -> dict[str, Any]:
    """The metadata Meta stored with a media object, flattened into one dictionary: every
    ``exif_data`` entry of ``photo_metadata`` / ``video_metadata``, or those objects themselves
    in Facebook's 2018-2020 flat form. The first known value of each key wins; None, "" and 0
    are Meta's placeholders for an unknown value and never count."""
    merged: dict[str, Any] = {}
    metadata = media.get("media_metadata")
    holders = (
        [metadata.get("photo_metadata"), metadata.get("video_metadata")]
        if isinstance(metadata, dict)
        else []
    )
    holders.append(media.get("photo_metadata"))
    for holder in holders:
        if not isinstance(holder, dict):
            continue
        entries = as_list(holder.get("exif_data")) if "exif_data" in holder else [holder]
        for entry in entries:
            if not isinstance(entry, dict):
                continue
            for key, value in entry.items():
                if value not in _MISSING and merged.get(key) in _MISSING:
                    merged[key] = value
    return merged


def video_metadata(media: dict[str, Any]) -> bool:
    """Whether the media object's metadata is a video's (``media_metadata.video_metadata``)."""
    metadata = media.get("media_metadata")
    return isinstance(metadata, dict) and isinstance(metadata.get("video_metadata"), dict)


def exif_location(fields: dict[str, Any]) -> Location | None:
    """The position stored with the media (``latitude``/``longitude``), unless a placeholder."""
    position = coordinates(fields.get("latitude"), fields.get("longitude"))
    if position is None:
        return None
    return Location(latitude=position[0], longitude=position[1], source="exif")


def taken_at(fields: dict[str, Any]) -> datetime | None:
    """When the photo was taken: Facebook's ``taken_timestamp``, else ``date_time_original``."""
    return timestamp(fields.get("taken_timestamp")) or timestamp(fields.get("date_time_original"))


def camera(fields: dict[str, Any]) -> str:
    """The camera or phone that took the media, as a person can read it: make and model
    ("Apple iPhone 12"; the make not repeated when the model already names it, "Canon EOS 5D"),
    else the lens (Instagram's "Pixel 7 back camera 6.81mm f/1.85"), else the device's id, marked
    as one ("device android-5f1c0a9e7b3d2c41"): an id names no kind of phone, but it does tie
    the media to one phone, so the report still counts it, labelled, when nothing better exists.
    The ids also go to :attr:`AccountFacts.devices`; "" when nothing is known."""
    make, model = text(fields.get("camera_make")), text(fields.get("camera_model"))
    if make and model.casefold().startswith(make.casefold()):
        return model
    if make or model:
        return " ".join(part for part in (make, model) if part)
    if lens := text(fields.get("lens_model")):
        return lens
    device = text(fields.get("device_id"))
    return f"device {device}" if device else ""


def locate(
    export: Export,
    uri: str,
    problems: list[Problem],
    *,
    relative_to: str | None = None,
    video: bool | None = None,
    fallback: Callable[[str], str | None] | None = None,
) -> tuple[str, bool, bool]:
    """(the export's path for ``uri`` when the file is there, else ``uri`` as given; whether it is
    there; whether it is a video).

    The file is looked up with :meth:`Export.find` (``relative_to``: the page a link was found
    in), else with ``fallback`` (a reader's own way to find a file the URI does not name). It is
    a video by its extension; a file without a known one by its first bytes; and when neither
    tells (the file is missing or unrecognised), by ``video``, the record's hint (video metadata,
    a videos list). A file that cannot be read is noted in ``problems``."""
    found = export.find(uri, relative_to=relative_to)
    if found is None and fallback is not None:
        found = fallback(uri)
    name = found or (urlsplit(uri).path if "://" in uri else uri)
    suffix = posixpath.splitext(name)[1].lower()
    if suffix in VIDEO_SUFFIXES:
        return found or uri, found is not None, True
    if suffix in IMAGE_SUFFIXES:
        return found or uri, found is not None, False
    if found is None:
        return uri, False, bool(video)
    try:
        sniffed = export.sniff(found)
    except ExportFileError as exc:
        problems.append(Problem(path=found, reason=exc.reason))
        return found, True, bool(video)
    return found, True, bool(video) if sniffed is None else sniffed in _VIDEO_TYPES
