"""Synthetic Facebook exports in every layout, for the audit's tests and its benchmark.

:func:`facebook_tree` builds one export's files in memory (paths relative to the export root,
JSON written the way Meta writes it: every UTF-8 byte of text as its own ``\\u00XX`` escape);
:func:`write_folder` and :func:`write_zips` put it on disk as a folder or as ZIP parts (JSON and
HTML in part 1, media spread over all parts, so part 1 names media in part 3), optionally under a
wrapper folder. :func:`facebook_export` does both in one call.

With ``quirks`` (the default) every export holds the cases a reader must survive, with the values
below so tests can look for them: a caption and an album name that need the mojibake repaired; a
post with stored GPS, camera and upload IP and a check-in; a check-in photo without a file
extension; a video without one; a CDN URL; a missing file; bogus values (a year-0 taken time, 0/0
coordinates, a 0.0.0.0 upload IP); a profile picture post; the "Profile pictures" and "Cover
photos" albums; a cover photo change in ``profile_update_history.json``; a posts file and an
uncategorised-photos list holding one object instead of a list. The ``posts``, ``albums``,
``album_photos``, ``uncategorized`` and ``videos`` counts add plain filler records on top, so the
benchmark can ask for 50,000 items; the image bytes are made once per size, so a large export is
fast to build and its size grows with ``image_size``.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from PIL import Image

LAYOUTS = (
    "facebook-2024",
    "facebook-2022",
    "facebook-2021",
    "facebook-2018",
    "facebook-page",
    "facebook-html",
)

USERNAME = "Ann Exämple"
CAPTION = "Zoë's birthday 🎂 in Köln"
ALBUM = "Zoë & Max — Sommer"
CAMERA = ("Apple", "iPhone 12")
UPLOAD_IP = "203.0.113.7"
GPS = (50.9375, 6.9603)
PLACE = ("Kölner Dom", 50.9413, 6.9583)
LOGIN_IPS = ("198.51.100.23", "2001:db8::1")
DEVICE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"
AUDIENCE = "Friends"
CDN = "https://scontent-fra5-1.xx.fbcdn.net/v/t39.30808-6/123_456_n.jpg?_nc_cat=1&oh=00"
T0 = 1_560_000_000
"""2019-06-08 13:20 UTC: the first post; the taken times are a day earlier."""
YEAR_ZERO = -62_169_958_800

MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2\x00\x00\x00\x08free"
"""The start of an MP4 file, enough for magic-byte sniffing."""


@lru_cache(maxsize=8)
def jpeg(size: int = 8) -> bytes:
    """A real JPEG of ``size`` x ``size`` pixels (made once per size)."""
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (200, 80, 40)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def meta_json(value: Any) -> bytes:
    """JSON as Meta writes it: each UTF-8 byte of every string as a ``\\u00XX`` escape."""
    return json.dumps(_mojibake(value), ensure_ascii=True, indent=1).encode("ascii")


def _mojibake(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8").decode("latin-1")
    if isinstance(value, list):
        return [_mojibake(v) for v in value]
    if isinstance(value, dict):
        return {_mojibake(k): _mojibake(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, kw_only=True)
class Shape:
    """What to put in a synthetic export."""

    layout: str = "facebook-2024"
    posts: int = 3
    """Filler posts, one photo each (on top of the quirks)."""
    posts_per_file: int = 5_000
    albums: int = 1
    album_photos: int = 3
    uncategorized: int = 2
    videos: int = 1
    image_size: int = 8
    quirks: bool = True
    broken: bool = False
    """Add a truncated ``album/99.json``."""
    html_era: str = "2024"
    """For ``facebook-html``: ``2024`` (sections per post) or ``2018`` (``photos/N.html``)."""


@dataclass(kw_only=True)
class Tree:
    """One export's files, and what a reader should find in them."""

    members: list[tuple[str, bytes]] = field(default_factory=list)
    uris: dict[str, str] = field(default_factory=dict)
    """The quirk items' export paths (mojibake repaired) or URLs, by name."""
    records: Counter[str] = field(default_factory=Counter)
    """How many media records of each kind (``MediaKind`` value) the export lists."""

    def add(self, path: str, data: bytes) -> None:
        self.members.append((path, data))


@dataclass(frozen=True, kw_only=True)
class _Paths:
    posts: str
    albums: str
    media: str
    uncategorized: str = ""
    videos: str = ""
    videos_key: str = "videos_v2"
    profile: str = ""
    profile_key: str = "profile_v2"
    privacy: str = ""
    privacy_style: str = ""
    security: str = ""
    flat: bool = False


_2024 = "your_facebook_activity/posts"
_2022 = "your_activity_across_facebook/posts"
_PAGE = "this_profile's_activity_across_facebook/posts"
_PATHS = {
    "facebook-2024": _Paths(
        posts=f"{_2024}/your_posts__check_ins__photos_and_videos_{{n}}.json",
        albums=f"{_2024}/album",
        media=f"{_2024}/media",
        uncategorized=f"{_2024}/your_uncategorized_photos.json",
        videos=f"{_2024}/your_videos.json",
        profile="personal_information/profile_information",
        privacy="preferences/preferences/privacy_settings.json",
        privacy_style="label_values",
        security="security_and_login_information",
    ),
    "facebook-2022": _Paths(
        posts=f"{_2022}/your_posts__check_ins__photos_and_videos_{{n}}.json",
        albums=f"{_2022}/album",
        media=f"{_2022}/media",
        uncategorized=f"{_2022}/your_uncategorized_photos.json",
        videos=f"{_2022}/your_videos.json",
        profile="personal_information/profile_information",
        privacy="preferences/preferences/privacy_settings.json",
        privacy_style="name_value",
        security="security_and_login_information",
    ),
    "facebook-2021": _Paths(
        posts="posts/your_posts_{n}.json",
        albums="posts/album",
        media="posts/media",
        uncategorized="posts/your_uncategorized_photos.json",
        videos="posts/your_videos.json",
        profile="profile_information",
        privacy="settings/privacy_settings.json",
        privacy_style="key",
        security="security_and_login_information",
        flat=True,
    ),
    "facebook-2018": _Paths(
        posts="posts/your_posts_{n}.json",
        albums="photos_and_videos/album",
        media="photos_and_videos",
        videos="photos_and_videos/your_videos.json",
        videos_key="videos",
        profile="profile_information",
        profile_key="profile",
        security="security_and_login_information",
        flat=True,
    ),
    "facebook-page": _Paths(
        posts=f"{_PAGE}/profile_posts_{{n}}.json",
        albums=f"{_PAGE}/album",
        media=f"{_PAGE}/media",
        videos=f"{_PAGE}/your_videos.json",
    ),
}


def facebook_tree(shape: Shape = Shape()) -> Tree:
    """The files of one synthetic export of ``shape.layout``."""
    if shape.layout == "facebook-html":
        return _html_2018(shape) if shape.html_era == "2018" else _html_2024(shape)
    return _JsonExport(shape).build()


class _JsonExport:
    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.paths = _PATHS[shape.layout]
        self.tree = Tree()
        self.image = jpeg(shape.image_size)

    def build(self) -> Tree:
        shape, paths = self.shape, self.paths
        posts: list[Any] = []
        if shape.quirks:
            posts.extend(self._quirk_posts())
        files = [posts] if posts else []
        filler = [self._filler_post(i) for i in range(shape.posts)]
        for start in range(0, len(filler), shape.posts_per_file):
            files.append(filler[start : start + shape.posts_per_file])
        if shape.quirks:
            one = self._post(
                "one", "Ein Objekt statt einer Liste", T0 + 400, self._photo("one", "OneObject_3")
            )
            files.insert(1, one)
        for number, content in enumerate(files, start=1):
            self.tree.add(paths.posts.format(n=number), meta_json(content))
        self._albums()
        self._uncategorized()
        self._videos()
        self._account()
        if shape.broken:
            self.tree.add(f"{paths.albums}/99.json", b'{"name": "Broken", "photos": [{"uri": "')
        return self.tree

    # media

    def _file(self, folder: str, name: str, data: bytes | None = None) -> str:
        uri = f"{self.paths.media}/{folder}/{name}"
        self.tree.add(uri, self.image if data is None else data)
        return uri

    def _metadata(self, exif: dict[str, Any], *, video: bool = False) -> dict[str, Any]:
        key = "video_metadata" if video else "photo_metadata"
        return {key: exif if self.paths.flat else {"exif_data": [exif]}}

    def _photo(
        self, name: str, folder: str, *, exif: dict[str, Any] | None = None, **fields: Any
    ) -> dict[str, Any]:
        uri = fields.pop("uri", None) or self._file(folder, f"{name}.jpg")
        media = {"uri": uri, "creation_timestamp": T0, **fields}
        media["media_metadata"] = self._metadata(
            exif or {"upload_ip": "192.0.2.1", "taken_timestamp": T0 - 86_400}
        )
        return media

    def _post(
        self, key: str, text: str, when: int, *media: dict[str, Any], **extra: Any
    ) -> dict[str, Any]:
        kind = extra.pop("_kind", "post")
        for item in media:
            self.tree.records[kind] += 1
            self.tree.uris.setdefault(key, item["uri"])
        attachments = [{"data": [{"media": item}]} for item in media]
        attachments.extend(extra.pop("attachments", []))
        post = {"timestamp": when, "attachments": attachments, "data": [{"post": text}]}
        post.update(extra)
        return post

    def _quirk_posts(self) -> list[dict[str, Any]]:
        place = {
            "place": {
                "name": PLACE[0],
                "coordinate": {"latitude": PLACE[1], "longitude": PLACE[2]},
                "address": "Domkloster 4, 50667 Köln",
            }
        }
        exif = {
            "upload_ip": UPLOAD_IP,
            "taken_timestamp": T0 - 86_400,
            "camera_make": CAMERA[0],
            "camera_model": CAMERA[1],
            "latitude": GPS[0],
            "longitude": GPS[1],
            "iso": 50,
            "orientation": 1,
        }
        bogus = {
            "upload_ip": "0.0.0.0",
            "taken_timestamp": YEAR_ZERO,
            "latitude": 0,
            "longitude": 0,
        }
        no_extension = self._file("Köln_2019", "1002")
        clip = self._file("videos", "clip_1003", MP4)
        missing = f"{self.paths.media}/Missing_4/1005.jpg"
        profile = self._photo("1007", "ProfilePictures_7", title="Profile pictures")
        return [
            self._post(
                "caption",
                CAPTION,
                T0 + 100,
                self._photo("1001", "Köln_2019", exif=exif, title="Mobile uploads"),
                attachments=[{"data": [place]}],
                title=f"{USERNAME} was at {PLACE[0]}.",
            ),
            self._post(
                "check-in",
                "Am Dom",
                T0 + 200,
                {"uri": no_extension, "creation_timestamp": T0 + 200},
                attachments=[{"data": [place]}],
            ),
            self._post("video", "Ein Film", T0 + 250, {"uri": clip, "creation_timestamp": T0}),
            self._post("cdn", "Vom CDN", T0 + 260, self._photo("cdn", "", uri=CDN)),
            self._post("missing", "Fehlt", T0 + 270, self._photo("missing", "", uri=missing)),
            self._post(
                "bogus", "Falsche Werte", T0 + 280, self._photo("1006", "Bogus_6", exif=bogus)
            ),
            self._post(
                "profile",
                "",
                T0 + 300,
                profile,
                title=f"{USERNAME} updated her profile picture.",
                _kind="profile photo",
            ),
        ]

    def _filler_post(self, i: int) -> dict[str, Any]:
        media = self._photo(
            str(100_000 + i),
            f"TimelinePhotos_{i // 1000}",
            exif={"upload_ip": f"192.0.2.{i % 250 + 1}", "taken_timestamp": T0 + i * 60 - 86_400},
            title="Timeline photos",
        )
        media["creation_timestamp"] = T0 + i * 60
        return self._post(
            f"filler-{i}", f"Post {i}", T0 + i * 60, media, title=f"{USERNAME} added a new photo."
        )

    # other files

    def _album(self, number: int, name: str, photos: list[dict[str, Any]], kind: str) -> None:
        cover = dict(photos[0])
        self.tree.records[kind] += len(photos) + 1
        album = {
            "name": name,
            "photos": photos,
            "cover_photo": cover,
            "last_modified_timestamp": T0 + 5000,
            "description": "",
        }
        self.tree.add(f"{self.paths.albums}/{number}.json", meta_json(album))

    def _albums(self) -> None:
        number = 0
        if self.shape.quirks:
            profile = self._photo("1007", "", uri=self.tree.uris["profile"])
            self._album(
                0,
                "Profile pictures",
                [profile, self._photo("1011", "ProfilePictures_7")],
                "profile photo",
            )
            self._album(1, "Cover photos", [self._photo("1012", "CoverPhotos_8")], "cover photo")
            photos = [self._photo(f"2{j:04}", "Zoë_Max_9") for j in range(self.shape.album_photos)]
            if photos:
                self.tree.uris["album"] = photos[0]["uri"]
                self._album(2, ALBUM, photos, "album")
            number = 3
        for k in range(self.shape.albums):
            photos = [
                self._photo(f"{300_000 + k * 1000 + j}", f"Album{k}_{k}")
                for j in range(self.shape.album_photos)
            ]
            if photos:
                self._album(number + k, f"Album {k}", photos, "album")

    def _uncategorized(self) -> None:
        if not self.paths.uncategorized or not self.shape.uncategorized:
            return
        photos = [
            self._photo(f"{400_000 + j}", "Uncategorized_1", description=f"Foto {j}")
            for j in range(self.shape.uncategorized)
        ]
        self.tree.records["uncategorized"] += len(photos)
        self.tree.uris["uncategorized"] = photos[0]["uri"]
        listed: Any = photos[0] if len(photos) == 1 else photos
        self.tree.add(self.paths.uncategorized, meta_json({"other_photos_v2": listed}))

    def _videos(self) -> None:
        if not self.paths.videos or not self.shape.videos:
            return
        videos = []
        for j in range(self.shape.videos):
            uri = self._file("videos", f"{500_000 + j}.mp4", MP4)
            thumbnail = self._file("videos/thumbnails", f"{500_000 + j}.jpg")
            meta = self._metadata({"upload_ip": UPLOAD_IP, "upload_timestamp": T0}, video=True)
            videos.append(
                {
                    "uri": uri,
                    "creation_timestamp": T0 + 600 + j,
                    "media_metadata": meta,
                    "thumbnail": {"uri": thumbnail},
                    "title": "",
                    "description": f"Video {j}",
                }
            )
        self.tree.records["video"] += len(videos)
        self.tree.uris["videos"] = videos[0]["uri"]
        self.tree.add(self.paths.videos, meta_json({self.paths.videos_key: videos}))

    def _account(self) -> None:
        paths = self.paths
        if paths.profile:
            profile: dict[str, Any] = {
                "name": {"full_name": USERNAME, "first_name": "Ann", "last_name": "Exämple"},
                "profile_uri": "https://www.facebook.com/ann.example",
            }
            if self.shape.layout == "facebook-2021" and self.shape.quirks:
                profile["profile_pic"] = self._file("ProfilePictures_7", "1014.jpg")
                self.tree.uris["profile_pic"] = profile["profile_pic"]
                self.tree.records["profile photo"] += 1
            self.tree.add(
                f"{paths.profile}/profile_information.json",
                meta_json({paths.profile_key: profile}),
            )
            if self.shape.quirks:
                cover = self._photo("1013", "CoverPhotos_8")
                self.tree.uris["cover_update"] = cover["uri"]
                self.tree.records["cover photo"] += 1
                update = {
                    "timestamp": T0 + 700,
                    "title": f"{USERNAME} updated her cover photo.",
                    "attachments": [{"data": [{"media": cover}]}],
                }
                self.tree.add(
                    f"{paths.profile}/profile_update_history.json",
                    meta_json({"profile_updates_v2": [update]}),
                )
        if paths.privacy:
            self.tree.add(paths.privacy, meta_json(_privacy(paths.privacy_style)))
        if paths.security:
            self._security()

    def _security(self) -> None:
        folder = self.paths.security
        activity = [
            {
                "action": "Login",
                "timestamp": T0 + 10,
                "ip_address": LOGIN_IPS[0],
                "user_agent": DEVICE,
                "city": "Köln",
            }
        ]
        self.tree.add(
            f"{folder}/account_activity.json", meta_json({"account_activity_v2": activity})
        )
        if self.shape.layout in ("facebook-2024", "facebook-2022"):
            used = [{"ip": LOGIN_IPS[1], "action": "Login", "timestamp": T0 + 20}]
            self.tree.add(
                f"{folder}/ip_address_activity.json", meta_json({"used_ip_address_v2": used})
            )
        else:
            sessions = [
                {"created_timestamp": T0 + 20, "ip_address": LOGIN_IPS[1], "device": "iPhone"}
            ]
            self.tree.add(
                f"{folder}/where_you're_logged_in.json", meta_json({"active_sessions_v2": sessions})
            )


def _privacy(style: str) -> Any:
    """The privacy settings file in one of three shapes, so readers cannot depend on one."""
    question = "Who can see your future posts?"
    if style == "label_values":
        return {
            "privacy_v2": [
                {
                    "title": "Your activity",
                    "label_values": [
                        {"label": "Who can see your profile?", "value": "Public"},
                        {"label": question, "value": AUDIENCE},
                    ],
                }
            ]
        }
    if style == "name_value":
        return {
            "privacy_v2": [
                {"name": "Who can look you up using the email address?", "value": "Everyone"},
                {"name": question, "value": AUDIENCE},
            ]
        }
    return {"privacy_v2": {"your_activity": {question: AUDIENCE, "Limit past posts": "No"}}}


# writing


def write_folder(tree: Tree, root: Path, *, wrapper: str = "") -> Path:
    """The export unpacked into ``root`` (under ``wrapper`` when given)."""
    base = root / wrapper if wrapper else root
    for path, data in tree.members:
        target = base / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def write_zips(
    tree: Tree, folder: Path, *, parts: int = 3, wrapper: str = "", stem: str = "facebook-ann"
) -> list[Path]:
    """The export as ``parts`` standalone ZIPs: JSON and HTML in part 1, media round-robin over
    all parts (so part 1 names media in part 3)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{stem}-2024-05-01-part{n}.zip" for n in range(1, parts + 1)]
    archives = [zipfile.ZipFile(p, "w") for p in paths]
    try:
        media = 0
        for path, data in tree.members:
            name = f"{wrapper}/{path}" if wrapper else path
            if path.endswith((".json", ".html", ".htm")):
                archives[0].writestr(name, data, zipfile.ZIP_DEFLATED)
            else:
                archives[media % parts].writestr(name, data, zipfile.ZIP_STORED)
                media += 1
    finally:
        for archive in archives:
            archive.close()
    return paths


def facebook_export(
    where: Path, layout: str = "facebook-2024", *, parts: int = 0, wrapper: str = "", **shape: Any
) -> tuple[list[Path], Tree]:
    """A synthetic export written under ``where``: a folder (``parts=0``) or ZIP parts; returns
    what to pass to ``Export.open`` and the tree it holds."""
    tree = facebook_tree(Shape(layout=layout, **shape))
    if parts:
        return write_zips(tree, where, parts=parts, wrapper=wrapper), tree
    return [write_folder(tree, where / "export", wrapper=wrapper)], tree


# the HTML export


def _html_page(title: str, body: str, *, base: str = "") -> bytes:
    head = f'<meta charset="utf-8" /><title>{escape(title)}</title>'
    if base:
        head += f'<base href="{base}" />'
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


def _rows(rows: list[tuple[str, Any]], cell: str) -> str:
    return "".join(
        f"<tr><{cell}>{escape(label)}</{cell}><td>{escape(str(value))}</td></tr>"
        for label, value in rows
    )


def _html_2024(shape: Shape) -> Tree:
    """An HTML export as Meta writes it since 2022: one ``<section>`` per post, a heading, the
    media as linked images, a metadata table and the date in the footer."""
    tree, image = Tree(), jpeg(shape.image_size)
    media = "your_facebook_activity/posts/media"
    sections: list[str] = []

    def section(key: str, heading: str, when: int, uris: list[str], rows=(), kind="post") -> str:
        for uri in uris:
            tree.records[kind] += 1
            tree.uris.setdefault(key, uri)
        shown = "".join(
            f'<a href="{escape(u)}"><img src="{escape(u)}" class="_a6_o _3-96" /></a>'
            if not u.startswith(f"{media}/videos/")
            else f'<video src="{escape(u)}" controls="1"></video>'
            for u in uris
        )
        date = datetime.fromtimestamp(when, UTC).strftime("%b %d, %Y %I:%M:%S %p").lower()
        return (
            f'<section class="_a6-g"><h2 class="_2ph_ _a6-h _a6-i">{escape(heading)}</h2>'
            f'<div class="_2pin"><div>{escape(key)}</div></div><div class="_2pin">{shown}</div>'
            f'<table class="_a6_q">{_rows(list(rows), "td")}</table>'
            f'<footer class="_a6-p"><div class="_a72d">{date.capitalize()}</div></footer></section>'
        )

    def file(folder: str, name: str, data: bytes | None = None) -> str:
        uri = f"{media}/{folder}/{name}"
        tree.add(uri, image if data is None else data)
        return uri

    if shape.quirks:
        exif = [
            ("Upload IP address", UPLOAD_IP),
            ("Camera make", CAMERA[0]),
            ("Camera model", CAMERA[1]),
            ("Taken", datetime.fromtimestamp(T0 - 86_400, UTC).strftime("%b %d, %Y %I:%M:%S %p")),
            ("Latitude", GPS[0]),
            ("Longitude", GPS[1]),
        ]
        bogus = [("Upload IP address", "0.0.0.0"), ("Latitude", 0), ("Longitude", 0)]
        sections += [
            section("caption", f"{USERNAME} added a new photo.", T0 + 100,
                    [file("Köln_2019", "1001.jpg")], exif),
            section("check-in", f"{USERNAME} was at {PLACE[0]}.", T0 + 200,
                    [file("Köln_2019", "1002")]),
            section("video", f"{USERNAME} added a new video.", T0 + 250,
                    [file("videos", "clip_1003", MP4)]),
            section("cdn", f"{USERNAME} shared a photo.", T0 + 260, [CDN]),
            section("missing", f"{USERNAME} added a new photo.", T0 + 270,
                    [f"{media}/Missing_4/1005.jpg"]),
            section("bogus", f"{USERNAME} added a new photo.", T0 + 280,
                    [file("Bogus_6", "1006.jpg")], bogus),
            section("profile", f"{USERNAME} updated her profile picture.", T0 + 300,
                    [file("ProfilePictures_7", "1007.jpg")], kind="profile photo"),
        ]  # fmt: skip
        cover = file("CoverPhotos_8", "1012.jpg")
        tree.uris["cover"] = cover
        tree.records["cover photo"] += 1
        album = f'<section class="_a6-g"><a href="{cover}"><img src="{cover}" /></a></section>'
        tree.add("your_facebook_activity/posts/album/0.html", _html_page("Cover photos", album))
        tree.uris["unlisted"] = file("Unlisted_5", "3001.jpg")
        tree.records["other"] += 1
    for i in range(shape.posts):
        uri = file(f"TimelinePhotos_{i // 1000}", f"{100_000 + i}.jpg")
        sections.append(
            section(f"filler-{i}", f"{USERNAME} added a new photo.", T0 + i * 60, [uri])
        )
    tree.add("start_here.html", _html_page("Your information", "<h1>Your information</h1>"))
    tree.add(
        "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.html",
        _html_page("Your posts", '<div class="_a706" role="main">' + "".join(sections) + "</div>"),
    )
    return tree


def _html_2018(shape: Shape) -> Tree:
    """An HTML export as Meta wrote it until 2018: ``photos/N.html`` with one ``div.block`` per
    photo, the date in ``div.meta``, the metadata as a ``<th>``/``<td>`` table, links relative to
    ``<base href="../">`` and the profile picture in the navigation bar."""
    tree, image = Tree(), jpeg(shape.image_size)
    blocks: list[str] = []

    def block(key: str, src: str, when: int, rows: list[tuple[str, Any]]) -> str:
        tree.records["album"] += 1
        tree.uris.setdefault(key, src)
        local = datetime.fromtimestamp(when, timezone(timedelta(hours=1)))
        date = local.strftime("%A, %d %B %Y at %H:%M UTC+01")
        return (
            f'<div class="block"><img src="{escape(src)}" /><div><div class="meta">{date}</div>'
            f'<table class="meta">{_rows(rows, "th")}</table></div></div>'
        )

    tree.add("photos/profile.jpg", image)
    tree.uris["profile"] = "photos/profile.jpg"
    tree.records["profile photo"] += 1
    if shape.quirks:
        tree.add("photos/1234/1001.jpg", image)
        tree.add("photos/1234/88888888888888323.jpg", image)
        tree.uris["cdn-local"] = "photos/1234/88888888888888323.jpg"
        exif = [
            ("Taken", T0 - 86_400),
            ("Modified", T0 - 86_400),
            ("Camera Make", CAMERA[0]),
            ("Camera Model", CAMERA[1]),
            ("Orientation", 1),
            ("Upload IP Address", UPLOAD_IP),
        ]
        blocks.append(block("caption", "photos/1234/1001.jpg", T0 + 100, exif))
        cdn = "https://scontent-lhr3-1.xx.fbcdn.net/v/t1.0-9/9218421_88888888888888323_0555521409_n.jpg"
        blocks.append(block("cdn", cdn, T0 + 200, [("Upload IP Address", "0.0.0.0")]))
    for i in range(shape.posts):
        src = f"photos/1234/{100_000 + i}.jpg"
        tree.add(src, image)
        blocks.append(block(f"filler-{i}", src, T0 + i * 60, [("Taken", T0 + i * 60 - 86_400)]))
    nav = '<div class="nav"><img src="photos/profile.jpg" /><ul><li><a href="index.htm">Profile</a></li></ul></div>'
    body = f'{nav}<div class="contents"><h1>{escape(USERNAME)}</h1>{"".join(blocks)}</div>'
    tree.add("index.htm", _html_page(USERNAME, nav))
    tree.add("photos/1234.html", _html_page(f"{USERNAME} - Photos", body, base="../"))
    return tree
