"""Synthetic Instagram data exports in every layout, for the audit's tests and its benchmark.

:func:`write_export` writes one export, as a folder or as one or more ZIP parts, from a
:class:`Spec` (the layout, how many posts, stories and reels, the image size...) and returns
what it wrote, item by item, so a test can compare a reader's output with it. The JSON follows
Meta's documented structure (REFERENCE section 8), with Meta's quirks on purpose:

- every non-ASCII character written as its UTF-8 bytes, each as a ``\\u00XX`` escape (mojibake),
  in captions and in URIs, while the member names themselves are real UTF-8 (the 2020 layout,
  like the real export of that era, is plain UTF-8);
- a file holding one object where a list is expected (``profile_photos.json`` with one photo,
  ``other_content.json`` without its wrapper key), and wrapper keys left out (``Spec.bare``);
- a post whose media file is missing, a story and a reel whose files have no extension;
- placeholders: a ``date_time_original`` of "000" and a 0/0 position;
- a privacy history (public until :data:`PRIVATE_SINCE`, private since), login IPs, device ids;
- an optional wrapper folder, ZIP parts that refer to media in other parts, truncated JSON.

Media are real JPEGs made with Pillow (16 variants per size, encoded once and reused) and a
minimal MP4 header, so 50,000 items are written in seconds::

    spec = Spec(posts=40_000, stories=6_000, reels=4_000, image_size=64,
                as_zip=True, parts=3, details=False)
    written = write_export(folder, spec)   # written.paths: the three ZIP parts
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Self

from PIL import Image

from notrain.audit.model import MediaKind

__all__ = [
    "CAPTION",
    "DEVICE",
    "GPS",
    "IPS",
    "LAYOUTS",
    "PRIVATE_SINCE",
    "Expected",
    "Spec",
    "Written",
    "write_export",
]

LAYOUTS = ("instagram-2025", "instagram-2023", "instagram-2021", "instagram-2020")

START = datetime(2019, 1, 1, 12, tzinfo=UTC)
END = datetime(2024, 12, 31, 12, tzinfo=UTC)
PRIVATE_SINCE = datetime(2021, 7, 1, tzinfo=UTC)
"""With the default history the account was public before this moment and private after it."""

CAPTION = "Zoë's café ☕ in Kraków"
CAROUSEL_CAPTION = "Große Straße — two at once"
USERNAME = "zoë.example"
GPS = (52.3676, 4.9041)
PLACES = ((48.8566, 2.3522), (51.5072, -0.1276), (40.7128, -74.006), (35.6762, 139.6503))
TAKEN = datetime(2018, 12, 31, 17, 45, tzinfo=UTC)
DEVICE = "android-5f1c0a9e7b3d2c41"
VIDEO_DEVICE = "6B29FC40-CA47-1067-B31D-00DD010662DA"
LENS = "Pixel 7 back camera 6.81mm f/1.85"
SOFTWARE = "HDR+ 1.0.540104767"
IPS = ("203.0.113.7", "2001:db8::1", "198.51.100.23")
"""Login IPs (the first two) and the sign-up IP."""

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08mdat"

_VARIANTS = 16


@dataclass(frozen=True, kw_only=True)
class Spec:
    """What to write. Counts may be 0; the special cases need a few items of each kind."""

    layout: str = "instagram-2025"
    posts: int = 4
    stories: int = 2
    reels: int = 2
    """Reels (2021+); in the 2020 layout, the ``videos`` list."""
    profile_photos: int = 1
    archived: int = 1
    deleted: int = 1
    other: int = 1
    image_size: int = 8
    posts_per_file: int = 1000
    """Meta splits posts into ``posts_1.json``, ``posts_2.json``..."""
    gps_every: int = 4
    """Every n-th ordinary post has a stored GPS position."""
    private_now: bool | None = True
    changes: tuple[tuple[datetime, bool], ...] = ((PRIVATE_SINCE, True),)
    """The privacy history: (when, private afterwards)."""
    wrapper: str = ""
    """An extra folder around the whole export."""
    bare: bool = False
    """Leave out every wrapper key (``ig_stories``...): files hold the bare list."""
    parts: int = 1
    """ZIP parts: JSON in the first, media spread over all of them."""
    as_zip: bool = False
    broken: tuple[str, ...] = ()
    """Export paths of JSON files to write truncated (cut in half)."""
    details: bool = True
    """Record every item in :attr:`Written.items` (turn off for very large exports)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Expected:
    """One media record as written: what a reader should report for it."""

    kind: MediaKind
    uri: str
    """The member's path relative to the export root (real UTF-8)."""
    source: str
    caption: str = ""
    posted_at: datetime | None = None
    taken_at: datetime | None = None
    location: tuple[float, float] | None = None
    camera: str = ""
    software: str = ""
    is_video: bool = False
    present: bool = True


@dataclass(kw_only=True)
class Written:
    """What :func:`write_export` wrote."""

    paths: list[Path]
    """What to open: the folder, or the ZIP parts."""
    layout: str
    counts: Counter[MediaKind] = field(default_factory=Counter)
    items: list[Expected] = field(default_factory=list)
    username: str = USERNAME
    private_now: bool | None = None
    changes: tuple[tuple[datetime, bool], ...] = ()
    devices: tuple[str, ...] = ()
    ips: tuple[str, ...] = ()


def write_export(target: Path, spec: Spec = Spec()) -> Written:
    """Write the export ``spec`` describes under ``target`` (a folder to create, or the folder for
    the ZIP parts when ``spec.as_zip``) and describe what was written."""
    if spec.layout not in LAYOUTS:
        raise ValueError(f"unknown layout {spec.layout!r}; expected one of {LAYOUTS}")
    target.mkdir(parents=True, exist_ok=True)
    written = Written(paths=[], layout=spec.layout, private_now=spec.private_now)
    with _Sink(target, spec) as sink:
        if spec.layout == "instagram-2020":
            _write_2020(sink, spec, written)
        else:
            _write_modern(sink, spec, written)
        written.paths = sink.paths()
    return written


# writing members


class _Sink:
    """Members go to a folder or to ZIP parts; media are spread over the parts round-robin."""

    def __init__(self, target: Path, spec: Spec) -> None:
        self._target = target
        self._spec = spec
        self._prefix = f"{spec.wrapper}/" if spec.wrapper else ""
        self._zips: list[zipfile.ZipFile] = []
        self._count = 0
        if spec.as_zip:
            stem = f"instagram-{spec.layout[-4:]}-export"
            names = [f"{stem}.zip"] if spec.parts == 1 else [
                f"{stem}-part{n}.zip" for n in range(1, spec.parts + 1)
            ]  # fmt: skip
            self._zips = [zipfile.ZipFile(target / name, "w") for name in names]

    def json(self, path: str, data: Any, *, mojibake: bool = True) -> None:
        if mojibake:
            text = json.dumps(_mojibake(data), indent=2)  # ASCII only: every byte is a \u00XX
        else:
            text = json.dumps(data, ensure_ascii=False)
        raw = text.encode("utf-8")
        if path in self._spec.broken:
            raw = raw[: len(raw) // 2]
        self._write(path, raw, 0, zipfile.ZIP_DEFLATED)

    def media(self, path: str, data: bytes) -> None:
        self._count += 1
        self._write(path, data, self._count % max(len(self._zips), 1), zipfile.ZIP_STORED)

    def _write(self, path: str, data: bytes, part: int, method: int) -> None:
        name = self._prefix + path
        if self._zips:
            info = zipfile.ZipInfo(name, date_time=(2025, 6, 1, 12, 0, 0))
            info.compress_type = method
            self._zips[part].writestr(info, data)
            return
        file = self._target / name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)

    def paths(self) -> list[Path]:
        return [Path(z.filename) for z in self._zips if z.filename] or [self._target]

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        for archive in self._zips:
            archive.close()


def _mojibake(obj: Any) -> Any:
    """Meta's encoding: each UTF-8 byte of a string becomes one character U+0000..U+00FF."""
    if isinstance(obj, str):
        return obj.encode("utf-8").decode("latin-1")
    if isinstance(obj, list):
        return [_mojibake(item) for item in obj]
    if isinstance(obj, dict):
        return {_mojibake(key): _mojibake(value) for key, value in obj.items()}
    return obj


@cache
def _jpeg(size: int, variant: int) -> bytes:
    """A ``size`` x ``size`` JPEG of noise: distinct per variant, and its byte count grows with
    its size (a plain colour would compress to almost nothing at any size)."""
    pixels = random.Random(variant).randbytes(size * size * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (size, size), pixels).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _moments(count: int, offset: timedelta = timedelta(0)) -> Iterator[datetime]:
    """``count`` moments spread evenly from START to END."""
    span = END - START
    for index in range(count):
        fraction = index / (count - 1) if count > 1 else 0.0
        yield START + span * fraction + offset


def _epoch(moment: datetime) -> int:
    return int(moment.timestamp())


# the 2021+ layouts

_MODERN = {
    "instagram-2025": (
        "your_instagram_activity/media",
        "personal_information/personal_information/personal_information.json",
        "security_and_login_information/login_and_profile_creation",
        "profile_privacy_changes.json",
        "personal_information/device_information/devices.json",
    ),
    "instagram-2023": (
        "your_instagram_activity/content",
        "personal_information/personal_information/personal_information.json",
        "security_and_login_information/login_and_account_creation",
        "account_privacy_changes.json",
        "personal_information/device_information/devices.json",
    ),
    "instagram-2021": (
        "content",
        "account_information/personal_information.json",
        "login_and_account_creation",
        "account_privacy_changes.json",
        "device_information/devices.json",
    ),
}


class _Media:
    """Builds media records, writes their files and notes what a reader should find."""

    def __init__(self, sink: _Sink, spec: Spec, written: Written) -> None:
        self.sink = sink
        self.spec = spec
        self.written = written
        self.devices: dict[str, None] = {}

    def add(
        self,
        kind: MediaKind,
        source: str,
        uri: str,
        moment: datetime,
        *,
        caption: str = "",
        exif: dict[str, Any] | None = None,
        video: str = "",
        present: bool = True,
        record_caption: str | None = None,
    ) -> dict[str, Any]:
        """One media record; ``video`` is "" for a photo, "metadata" for a video whose record
        says so, "bare" for a video only its bytes reveal. ``record_caption`` is the title
        written on the media record when it differs from the caption a reader should report."""
        record: dict[str, Any] = {"uri": uri, "creation_timestamp": _epoch(moment)}
        exif = dict(exif or {})
        if video == "metadata":
            record["media_metadata"] = {"video_metadata": {"exif_data": [exif] if exif else []}}
        elif exif:
            record["media_metadata"] = {"photo_metadata": {"exif_data": [exif]}}
        else:
            record["media_metadata"] = {"camera_metadata": {"has_camera_metadata": False}}
        record["title"] = caption if record_caption is None else record_caption
        record["cross_post_source"] = {"source_app": "FB"}
        if present:
            variant = len(self.written.items) if self.spec.details else self.written.counts.total()
            data = MP4 if video else _jpeg(self.spec.image_size, variant % _VARIANTS)
            self.sink.media(uri, data)
        if exif.get("device_id"):
            self.devices[exif["device_id"]] = None
        self.written.counts[kind] += 1
        if self.spec.details:
            lat, lon = exif.get("latitude"), exif.get("longitude")
            self.written.items.append(
                Expected(
                    kind=kind,
                    uri=uri,
                    source=source,
                    caption=caption,
                    posted_at=datetime.fromtimestamp(_epoch(moment), UTC),
                    taken_at=TAKEN if exif.get("date_time_original") == _exif_date(TAKEN) else None,
                    location=(lat, lon) if lat and lon else None,
                    camera=exif.get("lens_model") or _device_label(exif.get("device_id")),
                    software=exif.get("software", ""),
                    is_video=bool(video),
                    present=present,
                )
            )
        return record


def _device_label(device: str | None) -> str:
    """What a reader names the camera of media whose EXIF holds only a device id."""
    return f"device {device}" if device else ""


def _exif_date(moment: datetime) -> str:
    return moment.strftime("%Y:%m:%d %H:%M:%S")


def _wrap(spec: Spec, key: str, records: list[dict[str, Any]], *, single: bool = False) -> Any:
    """A file's content: the records under their wrapper key, or bare; one record as an object
    when ``single``."""
    body: Any = records[0] if single and len(records) == 1 else records
    return body if spec.bare or not key else {key: body}


def _write_modern(sink: _Sink, spec: Spec, written: Written) -> None:
    content, personal, login, privacy_name, devices_path = _MODERN[spec.layout]
    media = _Media(sink, spec, written)
    _write_posts(media, content)
    _write_simple(media, content)
    profile_uri = f"media/profile/201901/{_name(0, 'profile')}.jpg"
    sink.json(
        personal,
        {
            "profile_user": [
                {
                    "title": "User Information",
                    "media_map_data": {
                        "Profile Photo": {
                            "uri": profile_uri,
                            "creation_timestamp": _epoch(START),
                            "title": "",
                        }
                    },
                    "string_map_data": {
                        "Email": {"href": "", "value": "zoe@example.org", "timestamp": 0},
                        "Username": {"href": "", "value": USERNAME, "timestamp": 0},
                        "Name": {"href": "", "value": "Zoë Example", "timestamp": 0},
                        **(
                            {}
                            if spec.private_now is None
                            else {
                                "Private Account": {
                                    "href": "",
                                    "value": str(spec.private_now),
                                    "timestamp": 0,
                                }
                            }
                        ),
                    },
                }
            ]
        },
    )
    if not spec.profile_photos:
        sink.media(profile_uri, _jpeg(spec.image_size, 0))
    written.counts[MediaKind.PROFILE] += 1
    if spec.details:
        written.items.append(
            Expected(kind=MediaKind.PROFILE, uri=profile_uri, source=personal, posted_at=START)
        )
    sink.json(f"{login}/{privacy_name}", _privacy(spec))
    sink.json(f"{login}/login_activity.json", _logins())
    sink.json(
        f"{login}/signup_details.json",
        {
            "account_history_registration_info": [
                {
                    "title": "",
                    "media_map_data": {},
                    "string_map_data": {
                        "Username": {"href": "", "value": USERNAME, "timestamp": 0},
                        "IP Address": {"href": "", "value": IPS[2], "timestamp": 0},
                        "Time": {"href": "", "value": "", "timestamp": _epoch(START)},
                        "Device": {"href": "", "value": "", "timestamp": 0},
                    },
                }
            ]
        },
    )
    sink.json(
        devices_path,
        {
            "devices_devices": [
                {
                    "title": "",
                    "media_map_data": {},
                    "string_map_data": {
                        "Last Login": {"href": "", "value": "", "timestamp": _epoch(END)},
                        "User Agent": {
                            "href": "",
                            "value": "Instagram 390.0.0 Android (35/15; Pixel 7; en_US)",
                            "timestamp": 0,
                        },
                    },
                }
            ]
        },
    )
    written.changes = tuple(sorted(spec.changes))
    written.devices = tuple(media.devices)
    written.ips = IPS


def _name(index: int, what: str) -> str:
    return f"{17_900_000_000_000_000 + index}_{what}"


def _folder(moment: datetime) -> str:
    return moment.strftime("%Y%m")


def _write_posts(media: _Media, content: str) -> None:
    spec = media.spec
    posts: list[dict[str, Any]] = []
    number = 1
    for index, moment in enumerate(_moments(spec.posts)):
        source = f"{content}/posts_{number}.json"
        posts.append(_post(media, source, index, moment))
        if len(posts) == spec.posts_per_file:
            media.sink.json(source, posts)
            posts, number = [], number + 1
    if posts or number == 1:
        media.sink.json(f"{content}/posts_{number}.json", posts)


def _post(media: _Media, source: str, index: int, moment: datetime) -> dict[str, Any]:
    """Post 0 carries the caption with mojibake, a GPS position and full EXIF; post 1 is a
    carousel with placeholder EXIF and a video; the last of three or more is missing."""
    spec = media.spec
    folder = f"media/posts/{_folder(moment)}"
    if index == 0:
        exif = {
            "latitude": GPS[0],
            "longitude": GPS[1],
            "date_time_original": _exif_date(TAKEN),
            "device_id": DEVICE,
            "lens_model": LENS,
            "software": SOFTWARE,
            "source_type": "camera",
        }
        record = media.add(
            MediaKind.POST, source, f"{folder}/zoë_café_{index}.jpg", moment,
            caption=CAPTION, exif=exif,
        )  # fmt: skip
        return {"media": [record]}
    if index == 1:
        bogus = {"latitude": 0, "longitude": 0, "date_time_original": "000", "device_id": DEVICE}
        photo = media.add(
            MediaKind.POST, source, f"{folder}/{_name(index, 'a')}.jpg", moment,
            caption=CAROUSEL_CAPTION, exif=bogus, record_caption="",
        )  # fmt: skip
        video = media.add(
            MediaKind.POST, source, f"{folder}/{_name(index, 'b')}.mp4", moment,
            caption=CAROUSEL_CAPTION, exif={"device_id": VIDEO_DEVICE}, video="metadata",
            record_caption="",
        )  # fmt: skip
        return {"media": [photo, video], "title": CAROUSEL_CAPTION, "creation_timestamp": _epoch(moment)}  # fmt: skip
    missing = index == spec.posts - 1 and spec.posts >= 3
    exif = {"device_id": DEVICE, "date_time_original": "000"}
    if spec.gps_every and index % spec.gps_every == 0:
        place = PLACES[(index // spec.gps_every) % len(PLACES)]
        exif.update(latitude=place[0], longitude=place[1])
    record = media.add(
        MediaKind.POST, source, f"{folder}/{_name(index, 'post')}.jpg", moment,
        caption=f"Post number {index}", exif=exif, present=not missing,
    )  # fmt: skip
    return {"media": [record]}


# fmt: off
_SIMPLE = (
    # (kind, file, wrapper key, media folder, count field, as posts with a media list)
    (MediaKind.STORY, "stories.json", "ig_stories", "stories", "stories", False),
    (MediaKind.REEL, "reels.json", "ig_reels_media", "reels", "reels", True),
    (MediaKind.PROFILE, "profile_photos.json", "ig_profile_picture", "profile", "profile_photos", False),
    (MediaKind.ARCHIVED, "archived_posts.json", "ig_archived_post_media", "archived_posts", "archived", True),
    (MediaKind.DELETED, "recently_deleted_content.json", "ig_recently_deleted_media", "recently_deleted", "deleted", True),
    (MediaKind.OTHER, "other_content.json", "ig_other_media", "other", "other", False),
)
# fmt: on


def _write_simple(media: _Media, content: str) -> None:
    """Stories, reels, profile photos, archived, recently deleted and other media. Story 0 and
    reel 0 have no file extension; story 1 is a video; a single profile photo is written as an
    object, a single other-media record as a bare object without its wrapper key."""
    spec = media.spec
    for number, (kind, file, key, sub, count_field, nested) in enumerate(_SIMPLE, 1):
        count = getattr(spec, count_field)
        source = f"{content}/{file}"
        records = []
        for index, moment in enumerate(_moments(count, timedelta(hours=number))):
            folder = f"media/{sub}/{_folder(moment)}"
            video, extension = "", ".jpg"
            if kind == MediaKind.REEL:
                video, extension = ("bare", "") if index == 0 else ("metadata", ".mp4")
            elif kind == MediaKind.STORY and index == 0:
                extension = ""
            elif kind == MediaKind.STORY and index == 1:
                video, extension = "metadata", ".mp4"
            uri = f"{folder}/{_name(index, sub)}{extension}"
            if kind == MediaKind.PROFILE and index == 0:
                uri = f"media/profile/201901/{_name(0, 'profile')}.jpg"
            caption = f"{kind.value.title()} {index} ✨" if kind != MediaKind.PROFILE else ""
            exif = {"device_id": DEVICE} if kind != MediaKind.PROFILE else None
            record = media.add(kind, source, uri, moment, caption=caption, exif=exif, video=video)
            records.append({"media": [record], "title": caption} if nested else record)
        single = kind in (MediaKind.PROFILE, MediaKind.OTHER)
        wrapper = "" if kind == MediaKind.OTHER and count == 1 else key
        media.sink.json(source, _wrap(spec, wrapper, records, single=single))


def _privacy(spec: Spec) -> dict[str, Any]:
    return {
        "account_history_account_privacy_history": [
            {
                "title": "Switched to Private" if private else "Switched to Public",
                "media_map_data": {},
                "string_map_data": {"Time": {"href": "", "value": "", "timestamp": _epoch(when)}},
            }
            for when, private in spec.changes
        ]
    }


def _logins() -> dict[str, Any]:
    def login(ip: str, moment: datetime) -> dict[str, Any]:
        return {
            "title": moment.isoformat(),
            "media_map_data": {},
            "string_map_data": {
                "Cookie Name": {"href": "", "value": "AbCdEfGh", "timestamp": 0},
                "IP Address": {"href": "", "value": ip, "timestamp": 0},
                "Language Code": {"href": "", "value": "de", "timestamp": 0},
                "Time": {"href": "", "value": "", "timestamp": _epoch(moment)},
                "User Agent": {"href": "", "value": "Mozilla/5.0", "timestamp": 0},
            },
        }

    return {
        "account_history_login_history": [
            login(IPS[0], END),
            login(IPS[1], END - timedelta(days=3)),
            login("", END - timedelta(days=9)),
            login(IPS[0], END - timedelta(days=30)),
        ]
    }


# the layout before December 2020


def _write_2020(sink: _Sink, spec: Spec, written: Written) -> None:
    """Root ``media.json`` (plain UTF-8, ISO dates, ``path``), ``profile.json``,
    ``account_history.json`` and ``devices.json``; photo 0 has the caption with non-ASCII text,
    the last of three or more photos is missing, story 0 has no extension, story 1 is a video."""
    lists: dict[str, list[dict[str, Any]]] = {}
    plan = (
        ("photos", MediaKind.POST, spec.posts),
        ("stories", MediaKind.STORY, spec.stories),
        ("videos", MediaKind.POST, spec.reels),
        ("profile", MediaKind.PROFILE, spec.profile_photos),
    )
    for key, kind, count in plan:
        entries = lists.setdefault(key, [])
        for index, moment in enumerate(_moments(count, timedelta(minutes=len(lists)))):
            video = key == "videos" or (key == "stories" and index == 1)
            extension = ".mp4" if video else "" if key == "stories" and index == 0 else ".jpg"
            path = f"{key}/{_folder(moment)}/{_name(index, key)}{extension}"
            if key == "photos" and index == 0:
                caption = CAPTION
            elif key == "profile":
                caption = ""
            else:
                caption = f"{key} {index} ✨"
            present = not (key == "photos" and index == count - 1 and count >= 3)
            entry: dict[str, Any] = {"caption": caption, "taken_at": moment.isoformat()}
            if key == "profile":
                entry["is_active_profile"] = index == 0
            entry["path"] = path
            entries.append(entry)
            if present:
                sink.media(path, MP4 if video else _jpeg(spec.image_size, index % _VARIANTS))
            written.counts[kind] += 1
            if spec.details:
                written.items.append(
                    Expected(
                        kind=kind, uri=path, source="media.json", caption=caption,
                        posted_at=moment, is_video=video, present=present,
                    )
                )  # fmt: skip
    lists["direct"] = []
    for index, moment in enumerate(_moments(2)):
        path = f"direct/{_folder(moment)}/{_name(index, 'direct')}.jpg"
        lists["direct"].append({"taken_at": moment.isoformat(), "path": path})
        sink.media(path, _jpeg(spec.image_size, 1))
    sink.json("media.json", lists, mojibake=False)
    profile: dict[str, Any] = {
        "biography": "Fotografin 📷",
        "date_joined": START.isoformat(),
        "email": "zoe@example.org",
        "name": "Zoë Example",
        "profile_pic_url": "https://scontent.cdninstagram.com/v/t51.2885-19/s150x150/1_n.jpg",
        "username": USERNAME,
    }
    if spec.private_now is not None:
        profile["private_account"] = spec.private_now
    sink.json("profile.json", profile, mojibake=False)
    sink.json(
        "account_history.json",
        {
            "login_history": [
                {
                    "cookie_name": "****Oh6",
                    "ip_address": IPS[0],
                    "language_code": "de",
                    "timestamp": END.isoformat(),
                    "user_agent": "Instagram 162.0.0.42.125 Android",
                    "device_id": DEVICE,
                },
                {
                    "cookie_name": "****bV-",
                    "ip_address": "my_ip",
                    "timestamp": START.isoformat(),
                    "device_id": "",
                },
            ],
            "registration_info": {"ip_address": IPS[2], "registration_time": START.isoformat()},
        },
        mojibake=False,
    )
    sink.json(
        "devices.json",
        {
            "devices": [
                {"last_seen": END.isoformat(), "user_agent": "Instagram", "device_id": DEVICE}
            ]
        },
        mojibake=False,
    )
    written.devices = (DEVICE,)
    written.ips = (IPS[0], IPS[2])
    written.changes = ()
