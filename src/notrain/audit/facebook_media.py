"""Facebook's media records as :class:`MediaItem` records, whatever file they sit in.

Every Facebook layout describes a photo or video with the same media object::

    {"uri", "creation_timestamp", "title" (the album), "description" (the caption),
     "media_metadata": {"photo_metadata": {"exif_data": [{"upload_ip", "taken_timestamp",
                                                          "camera_make", "camera_model",
                                                          "latitude", "longitude", ...}]}}}

(2018-2020: ``photo_metadata`` is that EXIF object itself, without ``exif_data``; videos have
``video_metadata``). Posts wrap media in ``attachments[].data[].media`` next to a check-in's
``place.coordinate``; albums list them under ``photos`` and ``cover_photo``. Every key is optional
and any value may have the wrong type, so nothing here trusts the shape: media objects are found
wherever they are nested, and a value of the wrong type counts as missing.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from notrain.audit.archive import Export, ExportFileError
from notrain.audit.model import Location, MediaItem, MediaKind, Problem
from notrain.audit.values import coordinates, text, timestamp, valid_ip

__all__ = [
    "IMAGE_SUFFIXES",
    "PLATFORM",
    "VIDEO_SUFFIXES",
    "Context",
    "MediaReader",
    "album_kind",
    "as_list",
    "local_copy",
    "local_ids",
    "marked_album",
    "records",
    "title_kind",
]

PLATFORM = "facebook"

VIDEO_SUFFIXES = frozenset(
    {".mp4", ".mov", ".m4v", ".3gp", ".webm", ".avi", ".mkv", ".wmv", ".flv", ".mpg", ".mpeg"}
)
IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif", ".avif", ".bmp", ".tif", ".tiff"}
)
_VIDEO_TYPES = frozenset({"mp4", "mov", "3gp", "webm", "avi"})

_PROFILE_ALBUMS = frozenset(
    name.casefold()
    for name in (
        "Profile Pictures",
        "Profile pictures",
        "Profilbilder",
        "Photos de profil",
        "Photos du profil",
        "Fotos del perfil",
        "Fotos de perfil",
        "Fotos do perfil",
        "Immagini del profilo",
        "Foto del profilo",
        "Profielfoto's",
        "Zdjęcia profilowe",
        "Profilbilleder",
        "Profilbilder",
        "Profiilikuvat",
    )
)
_COVER_ALBUMS = frozenset(
    name.casefold()
    for name in (
        "Cover Photos",
        "Cover photos",
        "Titelbilder",
        "Photos de couverture",
        "Fotos de portada",
        "Fotos da capa",
        "Immagini di copertina",
        "Foto di copertina",
        "Omslagfoto's",
        "Zdjęcia w tle",
        "Coverbilleder",
        "Omslagsbilder",
        "Kansikuvat",
    )
)
"""Albums Facebook keeps a person's profile pictures and cover photos in, as exports in several
languages name them; any other name holding "profile" and "picture"/"photo" (or "cover" and
"photo") counts too."""

_PROFILE_TITLE = re.compile(
    r"profile (?:picture|photo|video)|profilbild|photo de profil|foto del perfil|foto de perfil",
    re.IGNORECASE,
)
_COVER_TITLE = re.compile(
    r"cover (?:photo|video)|titelbild|photo de couverture|foto de portada", re.IGNORECASE
)
"""A post's title that says it changed the profile picture or cover photo ("Ann updated her
profile picture.")."""

_RECORD_KEYS = frozenset({"attachments", "data", "media", "photos", "uri", "place", "label_values"})
_CAPTION_LABELS = frozenset({"caption", "text", "description", "post"})
_REFINABLE = frozenset({MediaKind.POST, MediaKind.ALBUM, MediaKind.UNCATEGORIZED, MediaKind.OTHER})


def as_list(value: Any) -> list[Any]:
    """A list as it is, one object as a list of one, anything else as nothing."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value]
    return []


def records(data: Any, *keys: str) -> list[Any]:
    """The records of a parsed file: a list as it is; the value under the first of ``keys`` that
    is present, or under a file's only key (Meta's ``*_v2`` wrappers); a file holding one record
    instead of a list, as a list of one."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return []
    for key in keys:
        if key in data:
            return as_list(data[key])
    if len(data) == 1:
        ((key, value),) = data.items()
        if key not in _RECORD_KEYS and isinstance(value, list | dict):
            return as_list(value)
    return [data]


def marked_album(name: str) -> MediaKind | None:
    """PROFILE or COVER when ``name`` is exactly that of the profile pictures' or cover photos'
    album (in one of the languages known), else None."""
    folded = name.casefold().replace("_", " ").strip()
    if folded in _PROFILE_ALBUMS:
        return MediaKind.PROFILE
    if folded in _COVER_ALBUMS:
        return MediaKind.COVER
    return None


def album_kind(name: str, default: MediaKind) -> MediaKind:
    """PROFILE or COVER when an album's name marks it as the profile pictures or cover photos,
    else ``default``. Besides the known names, a one-word name (a folder's, "ProfilePictures_7")
    holding "profile" and "picture"/"photo", or "cover" and "photo", counts; a name of several
    words must be a known one, so that "My profile photo shoot" is not taken for one."""
    if (marked := marked_album(name)) is not None:
        return marked
    if " " in name.strip():
        return default
    squashed = name.casefold().replace("_", "")
    if "profile" in squashed and ("picture" in squashed or "photo" in squashed):
        return MediaKind.PROFILE
    if "cover" in squashed and "photo" in squashed:
        return MediaKind.COVER
    return default


def title_kind(title: str) -> MediaKind | None:
    """PROFILE or COVER when a post's title says it changed one, else None."""
    if _PROFILE_TITLE.search(title):
        return MediaKind.PROFILE
    if _COVER_TITLE.search(title):
        return MediaKind.COVER
    return None


@dataclass(frozen=True, kw_only=True)
class Context:
    """What the record around a media object says about it (used where the media says nothing)."""

    kind: MediaKind
    source: str
    posted_at: datetime | None = None
    caption: str = ""
    album: str = ""
    """An album file's name: it wins over the media's own ``title``."""
    place: Location | None = None
    video: bool | None = None
    """True when the file lists videos (``your_videos.json``), for media without an extension."""
    relative_to: str | None = None
    """The HTML page a ``src`` was found in, for links relative to it."""


class MediaReader:
    """Turns Facebook media objects into :class:`MediaItem` records, looking each file up in the
    export (``present``) and sniffing the ones without an extension. Problems are appended to
    ``problems``."""

    def __init__(self, export: Export, problems: list[Problem]) -> None:
        self.export = export
        self.problems = problems
        self._ids: dict[str, str] | None = None

    def item(self, media: Any, context: Context) -> MediaItem | None:
        """The record of one media object, or None when it names no file."""
        if not isinstance(media, dict):
            return None
        uri = text(media.get("uri"))
        if not uri:
            return None
        metadata = exif(media)
        album = context.album or text(media.get("title"))
        kind = context.kind
        if kind in _REFINABLE and album:
            kind = album_kind(album, kind)
        metadata_kinds = media.get("media_metadata")
        video = context.video
        if isinstance(metadata_kinds, dict) and "video_metadata" in metadata_kinds:
            video = True
        uri, present, is_video = self.locate(uri, relative_to=context.relative_to, video=video)
        return MediaItem(
            platform=PLATFORM,
            kind=kind,
            uri=uri,
            is_video=is_video,
            posted_at=timestamp(media.get("creation_timestamp")) or context.posted_at,
            taken_at=timestamp(metadata.get("taken_timestamp"))
            or timestamp(metadata.get("date_time_original")),
            caption=text(media.get("description")) or context.caption,
            album=album,
            location=_exif_location(metadata) or context.place,
            camera=_camera(metadata.get("camera_make"), metadata.get("camera_model")),
            upload_ip=valid_ip(metadata.get("upload_ip")),
            software=text(metadata.get("software")),
            present=present,
            source=context.source,
        )

    def locate(
        self, uri: str, *, relative_to: str | None = None, video: bool | None = None
    ) -> tuple[str, bool, bool]:
        """(the URI as the export path when the file is there, whether it is, whether it is a
        video): by extension, else by the file's first bytes, else by ``video``."""
        found = self.export.find(uri, relative_to=relative_to)
        if found is None and "://" in uri:
            # Late-2020 exports name a photo by its CDN URL although the file is in the export.
            if self._ids is None:
                self._ids = local_ids(self.export)
            local = local_copy(uri, self._ids)
            found = local if local != uri else None
        name = found or (urlsplit(uri).path if "://" in uri else uri)
        suffix = posixpath.splitext(name)[1].lower()
        if suffix in VIDEO_SUFFIXES:
            return found or uri, found is not None, True
        if suffix in IMAGE_SUFFIXES or found is None:
            return found or uri, found is not None, bool(video) and suffix not in IMAGE_SUFFIXES
        try:
            sniffed = self.export.sniff(found)
        except ExportFileError as exc:
            self.problems.append(Problem(path=found, reason=exc.reason))
            return found, True, bool(video)
        if sniffed is None:
            return found, True, bool(video)
        return found, True, sniffed in _VIDEO_TYPES

    def post(self, record: Any, context: Context) -> Iterator[MediaItem]:
        """The media of one record of a posts-like file: a post (media found wherever they are
        nested, the post's time, text and check-in as their context), an album, or a bare media
        object."""
        if not isinstance(record, dict):
            return
        if isinstance(record.get("uri"), str):
            if (item := self.item(record, context)) is not None:
                yield item
            return
        if "photos" in record or "cover_photo" in record:
            yield from self.album(record, context)
            return
        title = text(record.get("title"))
        context = replace(
            context,
            kind=title_kind(title) or context.kind,
            posted_at=timestamp(record.get("timestamp")) or context.posted_at,
            caption=_post_text(record) or context.caption,
        )
        media, places = _nested(record)
        place = next((loc for loc in map(_place, places) if loc is not None), None)
        if place is not None:
            context = replace(context, place=place)
        for found in media:
            if (item := self.item(found, context)) is not None:
                yield item

    def album(self, record: Any, context: Context) -> Iterator[MediaItem]:
        """The photos and the cover photo of an album object (``album/N.json``)."""
        if not isinstance(record, dict):
            return
        name = text(record.get("name"))
        kind = album_kind(name, context.kind) if context.kind in _REFINABLE else context.kind
        inner = replace(context, kind=kind, album=name or context.album)
        for entry in [*as_list(record.get("photos")), record.get("cover_photo")]:
            wrapped = isinstance(entry, dict) and not isinstance(entry.get("uri"), str)
            for media in _nested(entry)[0] if wrapped else [entry]:
                if (item := self.item(media, inner)) is not None:
                    yield item


def exif(media: dict[str, Any]) -> dict[str, Any]:
    """The metadata Meta stored with a media object, flattened into one dictionary: every
    ``exif_data`` entry of ``photo_metadata`` / ``video_metadata`` (the first non-empty value of
    each key wins), or those objects themselves in the 2018-2020 flat form."""
    merged: dict[str, Any] = {}
    metadata = media.get("media_metadata")
    holders = (
        [metadata.get(key) for key in ("photo_metadata", "video_metadata")]
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
                if value not in (None, "", 0) and merged.get(key) in (None, "", 0):
                    merged[key] = value
    return merged


def _exif_location(metadata: dict[str, Any]) -> Location | None:
    position = coordinates(metadata.get("latitude"), metadata.get("longitude"))
    if position is None:
        return None
    return Location(latitude=position[0], longitude=position[1], source="exif")


def _place(place: dict[str, Any]) -> Location | None:
    """A check-in's position (``{"name", "coordinate": {"latitude", "longitude"}}``)."""
    where = place.get("coordinate")
    if not isinstance(where, dict):
        where = place
    position = coordinates(where.get("latitude"), where.get("longitude"))
    if position is None:
        return None
    return Location(
        latitude=position[0], longitude=position[1], source="check-in", name=text(place.get("name"))
    )


def _camera(make_value: Any, model_value: Any) -> str:
    """The camera as make and model ("Apple iPhone 12"), the make not repeated when the model
    already names it ("Canon EOS 5D", not "Canon Canon EOS 5D")."""
    make, model = text(make_value), text(model_value)
    if make and model.casefold().startswith(make.casefold()):
        return model
    return " ".join(part for part in (make, model) if part)


def _post_text(record: dict[str, Any]) -> str:
    """What a post said: ``data[].post``, else a caption-like ``label_values`` entry."""
    for entry in as_list(record.get("data")):
        if isinstance(entry, dict) and (said := text(entry.get("post"))):
            return said
    for entry in as_list(record.get("label_values")):
        if not isinstance(entry, dict):
            continue
        if text(entry.get("label")).casefold() in _CAPTION_LABELS and (
            said := text(entry.get("value"))
        ):
            return said
    return text(record.get("post"))


def _nested(record: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The media objects (anything with a ``uri``; never looked into, so a video's ``thumbnail``
    is not taken for a photo of its own) and check-in places nested in a record, in order."""
    media: list[dict[str, Any]] = []
    places: list[dict[str, Any]] = []
    stack: list[Any] = list(reversed(list(record.values())))
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            if isinstance(node.get("uri"), str):
                media.append(node)
                continue
            place = node.get("place")
            if isinstance(place, dict):
                places.append(place)
            elif "coordinate" in node:
                places.append(node)
            stack.extend(reversed([v for k, v in node.items() if k != "place"]))
    return media, places


_CDN_ID = re.compile(r"\d{6,}")


def local_ids(export: Export) -> dict[str, str]:
    """Media files of the export named by a numeric id (``photos/1234/11113237987292.jpg``)."""
    ids: dict[str, str] = {}
    for path in export.paths():
        name = PurePosixPath(path)
        if name.suffix.lower() in (IMAGE_SUFFIXES | VIDEO_SUFFIXES) and _CDN_ID.fullmatch(
            name.stem
        ):
            ids.setdefault(name.stem, path)
    return ids


def local_copy(url: str, ids: dict[str, str]) -> str:
    """The export's own file for an image linked by its CDN URL, when one is named by an id in the
    URL's file name (``9218421_88888888888888323_0555521409_n.jpg``); else the URL itself."""
    if "://" not in url:
        return url
    stem = PurePosixPath(urlsplit(url).path).stem
    for token in stem.split("_"):
        if token in ids:
            return ids[token]
    return url
