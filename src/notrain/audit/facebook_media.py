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

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from notrain.audit.archive import Export
from notrain.audit.media import (
    MEDIA_SUFFIXES,
    as_list,
    camera,
    exif_fields,
    exif_location,
    locate,
    taken_at,
    video_metadata,
)
from notrain.audit.model import Location, MediaItem, MediaKind, Problem
from notrain.audit.values import coordinates, text, timestamp, valid_ip

__all__ = [
    "PLATFORM",
    "Context",
    "MediaReader",
    "album_kind",
    "local_copy",
    "local_ids",
    "marked_album",
    "title_kind",
]

PLATFORM = "facebook"

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

_CAPTION_LABELS = frozenset({"caption", "text", "description", "post"})
_REFINABLE = frozenset({MediaKind.POST, MediaKind.ALBUM, MediaKind.UNCATEGORIZED, MediaKind.OTHER})


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
    export (``present``; a CDN URL by the id in its name) and sniffing the ones without an
    extension. Problems are appended to ``problems``."""

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
        fields = exif_fields(media)
        album = context.album or text(media.get("title"))
        kind = context.kind
        if kind in _REFINABLE and album:
            kind = album_kind(album, kind)
        uri, present, is_video = locate(
            self.export,
            uri,
            self.problems,
            relative_to=context.relative_to,
            video=video_metadata(media) or context.video,
            fallback=self._local,
        )
        return MediaItem(
            platform=PLATFORM,
            kind=kind,
            uri=uri,
            is_video=is_video,
            posted_at=timestamp(media.get("creation_timestamp")) or context.posted_at,
            taken_at=taken_at(fields),
            caption=text(media.get("description")) or context.caption,
            album=album,
            location=exif_location(fields) or context.place,
            camera=camera(fields),
            upload_ip=valid_ip(fields.get("upload_ip")),
            software=text(fields.get("software")),
            present=present,
            source=context.source,
        )

    def _local(self, uri: str) -> str | None:
        """The export's own file for a CDN URL: late-2020 exports name a photo by its URL
        although the file is in the export, named by the id in the URL."""
        if "://" not in uri:
            return None
        if self._ids is None:
            self._ids = local_ids(self.export)
        local = local_copy(uri, self._ids)
        return local if local != uri else None

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
        if name.suffix.lower() in MEDIA_SUFFIXES and _CDN_ID.fullmatch(name.stem):
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
