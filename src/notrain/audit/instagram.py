"""Read an Instagram data export, in any of its layouts, into the audit's records.

The layout is recognised by the paths present, never by dates:

- ``instagram-2025``: ``your_instagram_activity/media/{posts_N, stories, reels, ...}.json``;
- ``instagram-2023``: the same files in ``your_instagram_activity/content/``;
- ``instagram-2021``: the same files in a top-level ``content/``;
- ``instagram-2020`` (before December 2020): a root ``media.json`` listing ``photos``,
  ``videos``, ``stories`` and ``profile`` (``caption``, ``taken_at`` as ISO 8601, ``path``).

Every media record becomes one :class:`MediaItem` where it is found (``source`` is the JSON file):
the inventory deduplicates and rates them. Photos and videos sent in direct messages (the 2020
``direct`` list) are not read: they were never posted, so they say nothing about public exposure.

The account facts come from ``personal_information.json`` (``Private Account`` is the string
"True" or "False"; ``profile.json``'s ``private_account`` before 2021), the privacy history from
``profile_privacy_changes.json`` / ``account_privacy_changes.json`` (each change is a record whose
``title``, or a ``string_map_data`` field such as "Changed To", names the new setting, "Switched
to Private"; its time is the "Time" field's ``timestamp``), login IPs from every ``IP Address``
field of the login and security files, and device ids from EXIF and those files. A file that
cannot be parsed becomes a :class:`Problem`; the rest of the export is still read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from notrain.audit.archive import Export, ExportFileError
from notrain.audit.media import (
    camera,
    exif_fields,
    exif_location,
    locate,
    records,
    taken_at,
    video_metadata,
)
from notrain.audit.model import AccountFacts, MediaItem, MediaKind, Problem, Reading
from notrain.audit.values import text, timestamp, valid_ip

__all__ = ["LAYOUTS", "detect_instagram", "read_instagram"]

PLATFORM = "instagram"

LAYOUTS = ("instagram-2025", "instagram-2023", "instagram-2021", "instagram-2020")
"""Every layout this reader knows, newest first."""

_CONTENT = {
    "instagram-2025": "your_instagram_activity/media/",
    "instagram-2023": "your_instagram_activity/content/",
    "instagram-2021": "content/",
}
"""Where each layout keeps the JSON files that list the media."""

_FILES = (
    (re.compile(r"posts(?:_\d+)?\.json"), MediaKind.POST),
    (re.compile(r"stories(?:_\d+)?\.json"), MediaKind.STORY),
    (re.compile(r"reels(?:_\d+)?\.json"), MediaKind.REEL),
    (re.compile(r"igtv_videos(?:_\d+)?\.json"), MediaKind.VIDEO),
    (re.compile(r"profile_photos\.json"), MediaKind.PROFILE),
    (re.compile(r"archived_posts(?:_\d+)?\.json"), MediaKind.ARCHIVED),
    (re.compile(r"recently_deleted(?:_content)?(?:_\d+)?\.json"), MediaKind.DELETED),
    (re.compile(r"other_content(?:_\d+)?\.json"), MediaKind.OTHER),
)
"""The media files of a content folder, by name; wrapper keys (``ig_stories``...) are not needed:
a file's records are found under whatever key holds them."""

_LISTS_2020 = {
    "photos": MediaKind.POST,
    "videos": MediaKind.POST,
    "stories": MediaKind.STORY,
    "profile": MediaKind.PROFILE,
    "igtv": MediaKind.VIDEO,
    "reels": MediaKind.REEL,
}

_PERSONAL = (
    "personal_information/personal_information/personal_information.json",
    "personal_information/personal_information.json",
    "account_information/personal_information.json",
    "personal_information.json",
)
_PRIVACY_NAMES = frozenset({"profile_privacy_changes.json", "account_privacy_changes.json"})
_ACCOUNT_FOLDERS = (
    "security_and_login_information/",
    "login_and_account_creation/",
    "login_and_profile_creation/",
    "device_information/",
    "personal_information/device_information/",
)
_ACCOUNT_FILES_2020 = ("account_history.json", "devices.json")

_NUMBER = re.compile(r"(\d+)")


def detect_instagram(export: Export) -> list[str]:
    """The Instagram layouts whose paths are in ``export``, newest first (usually one)."""
    found: set[str] = set()
    any_activity = False
    for path in export.paths():
        if path == "media.json":
            found.add("instagram-2020")
        elif path.startswith("your_instagram_activity/"):
            any_activity = True
            for layout in ("instagram-2025", "instagram-2023"):
                if path.startswith(_CONTENT[layout]):
                    found.add(layout)
        elif path.startswith("content/") and _kind_of(path[len("content/") :]) is not None:
            found.add("instagram-2021")
    if any_activity and not found & {"instagram-2025", "instagram-2023"}:
        # An account that never posted has no media folder; the newest layout is the likeliest.
        found.add("instagram-2025")
    return [layout for layout in LAYOUTS if layout in found]


def read_instagram(export: Export) -> Reading | None:
    """Every photo and video of the Instagram export and what it says about the account, or
    None when ``export`` holds no Instagram layout."""
    layouts = detect_instagram(export)
    if not layouts:
        return None
    reader = _Reader(export)
    for layout in layouts:
        if layout == "instagram-2020":
            reader.read_media_json("media.json")
        else:
            for path in _content_files(export, _CONTENT[layout]):
                reader.read_content(path)
    account = reader.account(layouts[0])
    return Reading(
        platform=PLATFORM,
        layout=layouts[0],
        items=tuple(reader.items),
        account=account,
        problems=tuple(reader.problems),
    )


def _kind_of(name: str) -> MediaKind | None:
    for pattern, kind in _FILES:
        if pattern.fullmatch(name):
            return kind
    return None


def _content_files(export: Export, folder: str) -> list[str]:
    """The media JSON files directly in ``folder``, in a natural order (posts_2 before posts_10)."""
    names = [
        path
        for path in export.paths()
        if path.startswith(folder)
        and "/" not in path[len(folder) :]
        and _kind_of(path[len(folder) :]) is not None
    ]
    return sorted(names, key=lambda p: [int(s) if s.isdigit() else s for s in _NUMBER.split(p)])


def _records(data: Any) -> list[dict[str, Any]]:
    """The records of a file (see :func:`~notrain.audit.media.records`) that are objects."""
    return [record for record in records(data) if isinstance(record, dict)]


def _media_of(record: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(media, its post) for each media of a record: a post with a ``media`` list, or a media."""
    media = record.get("media")
    if isinstance(media, dict):
        media = [media]
    if isinstance(media, list):
        for entry in media:
            if isinstance(entry, dict):
                yield entry, record
    elif "uri" in record or "creation_timestamp" in record:
        yield record, {}


def _string_map(record: dict[str, Any]) -> dict[str, Any]:
    data = record.get("string_map_data")
    return data if isinstance(data, dict) else {}


def _field(entry: Any) -> Any:
    """A ``string_map_data`` entry's value (``{"value": ...}``), or the entry itself."""
    return entry.get("value") if isinstance(entry, dict) else entry


def _flag(value: Any) -> bool | None:
    """True or False from a boolean or Meta's "True"/"False" strings; None otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().casefold()
        if word in ("true", "yes", "1", "private"):
            return True
        if word in ("false", "no", "0", "public"):
            return False
    return None


def _setting_in(value: Any) -> bool | None:
    """Whether a text names the private (True) or the public (False) setting: "Switched to
    Private", "Changed from Public to Private", "Private"; None when it names neither or both."""
    if not isinstance(value, str):
        return None
    words = value.casefold()
    if " to " in f" {words} ":
        words = f" {words} ".rsplit(" to ", 1)[1]
    private, public = "private" in words, "public" in words
    return private if private != public else None


class _Reader:
    """Collects the items, devices, IPs and problems of one export as its files are read."""

    def __init__(self, export: Export) -> None:
        self.export = export
        self.items: list[MediaItem] = []
        self.problems: list[Problem] = []
        self.devices: dict[str, None] = {}
        self.ips: dict[str, None] = {}

    def json(self, path: str) -> Any:
        """The parsed file, or None (and a problem noted) when it cannot be read."""
        try:
            return self.export.read_json(path)
        except ExportFileError as exc:
            self.problems.append(Problem(path=path, reason=exc.reason))
            return None

    def _shape_problem(self, path: str, data: Any) -> bool:
        """Whether ``data`` is neither a list nor an object (and the problem noted)."""
        if isinstance(data, list | dict):
            return False
        self.problems.append(
            Problem(path=path, reason=f"holds a {type(data).__name__}, not a list of records")
        )
        return True

    # media

    def read_content(self, path: str) -> None:
        kind = _kind_of(path.rsplit("/", 1)[-1])
        data = self.json(path)
        if kind is None or data is None or self._shape_problem(path, data):
            return
        for record in _records(data):
            for media, post in _media_of(record):
                self.items.append(self.item(media, post, kind, path))

    def item(
        self, media: dict[str, Any], post: dict[str, Any], kind: MediaKind, source: str
    ) -> MediaItem:
        """One media record of a 2021+ layout (``post`` is the post holding it, or empty)."""
        fields = exif_fields(media)
        uri, present, is_video = self.locate(text(media.get("uri")), video_metadata(media))
        if device := text(fields.get("device_id")):
            self.devices[device] = None
        posted = timestamp(media.get("creation_timestamp")) or timestamp(
            post.get("creation_timestamp")
        )
        return MediaItem(
            platform=PLATFORM,
            kind=kind,
            uri=uri,
            is_video=is_video,
            posted_at=posted,
            taken_at=taken_at(fields),
            caption=text(media.get("title")) or text(post.get("title")),
            location=exif_location(fields),
            camera=camera(fields),
            upload_ip=valid_ip(fields.get("upload_ip")),
            software=text(fields.get("software")),
            present=present,
            source=source,
        )

    def read_media_json(self, path: str) -> None:
        """The 2020 ``media.json``: ``{photos, videos, stories, profile, direct: [...]}``."""
        data = self.json(path)
        if data is None:
            return
        if not isinstance(data, dict):
            reason = f"holds a {type(data).__name__}, not the object of photos, videos and stories"
            self.problems.append(Problem(path=path, reason=reason))
            return
        for key, kind in _LISTS_2020.items():
            entries = data.get(key)
            if isinstance(entries, dict):
                entries = [entries]
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, dict):
                    continue
                uri = text(entry.get("path")) or text(entry.get("uri"))
                uri, present, is_video = self.locate(uri, key == "videos")
                self.items.append(
                    MediaItem(
                        platform=PLATFORM,
                        kind=kind,
                        uri=uri,
                        is_video=is_video,
                        posted_at=timestamp(entry.get("taken_at")),
                        caption=text(entry.get("caption")),
                        present=present,
                        source=path,
                    )
                )

    def locate(self, uri: str, video: bool) -> tuple[str, bool, bool]:
        """(the member a URI names, or the URI as given; whether it is in the export; whether it
        is a video, ``video`` being the record's hint)."""
        return locate(self.export, uri, self.problems, video=video)

    # the account

    def account(self, layout: str) -> AccountFacts:
        username = ""
        private_now: bool | None = None
        for path in _PERSONAL:
            if self.export.exists(path) and (data := self.json(path)) is not None:
                for record in _records(data):
                    username, private_now = self._personal(record, path, username, private_now)
                break
        if self.export.exists("profile.json") and isinstance(
            profile := self.json("profile.json"), dict
        ):
            username = username or text(profile.get("username"))
            if private_now is None:
                private_now = _flag(profile.get("private_account"))
        changes: dict[datetime, bool] = {}
        for path in self._account_files():
            data = self.json(path)
            if data is None:
                continue
            self._scan(data)
            if path.rsplit("/", 1)[-1] in _PRIVACY_NAMES:
                changes.update(_privacy_changes(data))
        history = tuple(sorted(changes.items()))
        if private_now is None and history:
            private_now = history[-1][1]
        return AccountFacts(
            platform=PLATFORM,
            layout=layout,
            username=username,
            private_now=private_now,
            privacy_changes=history,
            devices=tuple(self.devices),
            ips=tuple(self.ips),
        )

    def _personal(
        self, record: dict[str, Any], path: str, username: str, private_now: bool | None
    ) -> tuple[str, bool | None]:
        """Username and private setting from a ``profile_user`` record; its profile photo too."""
        fields = _string_map(record)
        username = username or text(_field(fields.get("Username")))
        if private_now is None:
            private_now = _flag(_field(fields.get("Private Account")))
        if private_now is None:
            # Exports in other languages translate the field name ("Privates Konto"...).
            for key, entry in fields.items():
                if "priva" in key.casefold() and (flag := _flag(_field(entry))) is not None:
                    private_now = flag
                    break
        photos = record.get("media_map_data")
        for photo in photos.values() if isinstance(photos, dict) else ():
            if isinstance(photo, dict) and text(photo.get("uri")):
                self.items.append(self.item(photo, {}, MediaKind.PROFILE, path))
        return username, private_now

    def _account_files(self) -> list[str]:
        """The login, security and device files (and the 2020 ones), read for IPs, devices
        and the privacy history."""
        paths = [
            path
            for path in self.export.paths()
            if path.endswith(".json")
            and (path.startswith(_ACCOUNT_FOLDERS) or path in _ACCOUNT_FILES_2020)
        ]
        return sorted(paths)

    def _scan(self, node: Any) -> None:
        """Every IP address and device id anywhere in ``node``, in the order they appear."""
        if isinstance(node, list):
            for entry in node:
                self._scan(entry)
        elif isinstance(node, dict):
            for key, value in node.items():
                name = key.casefold().replace("_", " ") if isinstance(key, str) else ""
                if name in ("ip address", "last connected ip"):
                    self._add_ip(_field(value))
                elif name == "device id" and (device := text(_field(value))):
                    self.devices[device] = None
                elif isinstance(value, list | dict):
                    self._scan(value)

    def _add_ip(self, value: Any) -> None:
        if address := valid_ip(value):
            self.ips[address] = None


def _privacy_changes(data: Any) -> Iterable[tuple[datetime, bool]]:
    """(when, private afterwards) for each record of a privacy-changes file whose time and new
    setting can both be read."""
    for record in _records(data):
        when = _record_time(record)
        private = _new_setting(record)
        if when is not None and private is not None:
            yield when, private


def _record_time(record: dict[str, Any]) -> datetime | None:
    """The "Time" field's timestamp, else any other field's, else the record's own."""
    fields = _string_map(record)
    ordered = sorted(fields.items(), key=lambda kv: "time" not in str(kv[0]).casefold())
    for _key, entry in ordered:
        if isinstance(entry, dict):
            moment = timestamp(entry.get("timestamp")) or timestamp(entry.get("value"))
            if moment is not None:
                return moment
    for entry in record.get("string_list_data") or ():
        if isinstance(entry, dict) and (moment := timestamp(entry.get("timestamp"))):
            return moment
    return timestamp(record.get("timestamp"))


def _new_setting(record: dict[str, Any]) -> bool | None:
    """The setting after the change: from a "Changed To"/"New ..." field, a "Private Account"
    flag, the title ("Switched to Private"), or any field that names one setting only."""
    fields = _string_map(record)
    for key, entry in fields.items():
        name = str(key).casefold()
        if name.endswith(" to") or name.startswith("new") or name == "to":
            value = _field(entry)
            if (setting := _setting_in(value)) is not None:
                return setting
            if "priva" in name and (flag := _flag(value)) is not None:
                return flag
        elif "priva" in name and (flag := _flag(_field(entry))) is not None:
            return flag
    if (setting := _setting_in(record.get("title"))) is not None:
        return setting
    for key, entry in fields.items():
        name = str(key).casefold()
        if (
            not any(word in name for word in ("from", "old", "previous"))
            and (setting := _setting_in(_field(entry))) is not None
        ):
            return setting
    return None
