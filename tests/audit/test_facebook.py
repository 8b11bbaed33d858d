import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from facebook_exports import (
    ALBUM,
    AUDIENCE,
    CAMERA,
    CAPTION,
    CDN,
    DEVICE,
    GPS,
    LAYOUTS,
    LOGIN_IPS,
    PLACE,
    T0,
    UPLOAD_IP,
    USERNAME,
    facebook_export,
    jpeg,
    meta_json,
)

from notrain.audit import facebook_html
from notrain.audit.archive import Export
from notrain.audit.facebook import detect_facebook, read_facebook
from notrain.audit.facebook_html import REQUEST_JSON, html_date
from notrain.audit.facebook_media import album_kind, title_kind
from notrain.audit.media import records
from notrain.audit.model import Location, MediaItem, MediaKind, Reading

SHARED = Path(__file__).resolve().parents[3] / "shared"
FIXTURES = SHARED / "data" / "dyi" / "facebook-data-image-exif"
needs_fixtures = pytest.mark.skipif(
    not FIXTURES.exists(), reason=f"needs the real-format Facebook fixtures at {FIXTURES}"
)

JSON_LAYOUTS = [layout for layout in LAYOUTS if layout != "facebook-html"]
WRAPPER = "facebook-ann-2024-05-01-AbCdEf"
TAKEN = datetime.fromtimestamp(T0 - 86_400, UTC)


def read(paths: list[Path]) -> Reading:
    with Export.open(paths) as export:
        reading = read_facebook(export)
    assert reading is not None
    return reading


def by_uri(reading: Reading) -> dict[str, list[MediaItem]]:
    found: dict[str, list[MediaItem]] = {}
    for item in reading.items:
        found.setdefault(item.uri, []).append(item)
    return found


def kinds(reading: Reading) -> Counter[str]:
    return Counter(item.kind.value for item in reading.items)


def write(root: Path, files: dict[str, bytes | str]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return root


# every layout


@pytest.mark.parametrize("layout", JSON_LAYOUTS)
@pytest.mark.parametrize("parts", [0, 3])
def test_every_json_layout_is_detected_and_every_record_read(tmp_path, layout, parts):
    paths, tree = facebook_export(tmp_path, layout, parts=parts, wrapper=WRAPPER if parts else "")
    reading = read(paths)
    assert (reading.platform, reading.layout, reading.account.layout) == (
        "facebook",
        layout,
        layout,
    )
    assert kinds(reading) == tree.records
    assert reading.problems == ()
    assert all(item.source.endswith(".json") for item in reading.items)


@pytest.mark.parametrize("layout", JSON_LAYOUTS)
def test_quirks_are_read_in_every_json_layout(tmp_path, layout):
    paths, tree = facebook_export(tmp_path, layout, parts=3, wrapper=WRAPPER)
    items = by_uri(read(paths))

    (caption,) = items[tree.uris["caption"]]
    assert "Köln_2019" in caption.uri  # the URI's mojibake is repaired before the lookup
    assert caption.present and not caption.is_video
    assert caption.caption == CAPTION
    assert caption.kind is MediaKind.POST
    assert caption.location == Location(latitude=GPS[0], longitude=GPS[1], source="exif")
    assert caption.camera == f"{CAMERA[0]} {CAMERA[1]}"
    assert caption.upload_ip == UPLOAD_IP
    assert caption.taken_at == TAKEN
    assert caption.posted_at == datetime.fromtimestamp(T0, UTC)

    (checkin,) = items[tree.uris["check-in"]]
    assert checkin.location == Location(
        latitude=PLACE[1], longitude=PLACE[2], source="check-in", name=PLACE[0]
    )
    assert checkin.present and not checkin.is_video  # no extension: sniffed as a JPEG
    assert checkin.posted_at == datetime.fromtimestamp(T0 + 200, UTC)

    (video,) = items[tree.uris["video"]]
    assert video.present and video.is_video  # no extension: sniffed as an MP4

    (cdn,) = items[CDN]
    assert not cdn.present and cdn.caption == "Vom CDN"

    (missing,) = items[tree.uris["missing"]]
    assert not missing.present and missing.uri.endswith("Missing_4/1005.jpg")

    (bogus,) = items[tree.uris["bogus"]]
    assert (bogus.taken_at, bogus.location, bogus.upload_ip) == (None, None, "")
    assert bogus.posted_at is not None

    (one,) = items[tree.uris["one"]]
    assert one.caption == "Ein Objekt statt einer Liste"

    profile = items[tree.uris["profile"]]
    assert {item.kind for item in profile} == {MediaKind.PROFILE}
    assert len(profile) == 3  # the post, the album photo and the album's cover

    album = items[tree.uris["album"]]
    assert {(item.kind, item.album) for item in album} == {(MediaKind.ALBUM, ALBUM)}

    (clip,) = items[tree.uris["videos"]]
    assert clip.kind is MediaKind.VIDEO and clip.is_video and clip.upload_ip == UPLOAD_IP
    assert not any("thumbnails" in uri for uri in items)  # a video's thumbnail is not a photo
    covers = [item for found in items.values() for item in found if item.kind is MediaKind.COVER]
    assert len(covers) >= 2


def test_a_json_in_part_1_finds_its_media_in_part_3(tmp_path):
    paths, _ = facebook_export(tmp_path, "facebook-2024", parts=3, wrapper=WRAPPER)
    with Export.open(paths) as export:
        reading = read_facebook(export)
        assert reading is not None
        located = {
            export.locate(item.uri) for item in reading.items if item.present and item.source
        }
        sources = {export.locate(item.source) for item in reading.items}
    assert sources == {str(paths[0])}
    assert str(paths[2]) in located


@pytest.mark.parametrize("layout", ["facebook-2024", "facebook-2022", "facebook-2021"])
def test_cover_photo_changes_and_profile_keys_have_the_right_kind(tmp_path, layout):
    paths, tree = facebook_export(tmp_path, layout)
    items = by_uri(read(paths))
    (cover,) = items[tree.uris["cover_update"]]
    assert cover.kind is MediaKind.COVER
    assert cover.source.endswith("profile_update_history.json")
    if "profile_pic" in tree.uris:
        (picture,) = items[tree.uris["profile_pic"]]
        assert picture.kind is MediaKind.PROFILE and picture.present


def test_filler_scales_and_is_split_over_posts_files(tmp_path):
    paths, tree = facebook_export(
        tmp_path, "facebook-2024", parts=2, quirks=False, posts=25, posts_per_file=10, albums=2
    )
    reading = read(paths)
    assert kinds(reading) == tree.records == Counter(post=25, album=2 * 4, uncategorized=2, video=1)
    sources = {item.source for item in reading.items if item.kind is MediaKind.POST}
    assert len(sources) == 3


# the account


@pytest.mark.parametrize("layout", ["facebook-2024", "facebook-2022", "facebook-2021"])
def test_the_default_audience_is_found_whatever_the_file_shape(tmp_path, layout):
    paths, _ = facebook_export(tmp_path, layout, posts=0)
    assert read(paths).account.default_audience == AUDIENCE


@pytest.mark.parametrize("layout", ["facebook-2024", "facebook-2018"])
def test_the_account_lists_name_devices_login_and_upload_ips(tmp_path, layout):
    paths, _ = facebook_export(tmp_path, layout, posts=0)
    account = read(paths).account
    assert account.username == USERNAME
    assert DEVICE in account.devices
    assert set(LOGIN_IPS) | {UPLOAD_IP} <= set(account.ips)
    assert "0.0.0.0" not in account.ips
    assert account.ips.index(LOGIN_IPS[0]) < account.ips.index(UPLOAD_IP)


def test_settings_in_other_shapes_and_places(tmp_path):
    root = write(
        tmp_path / "export",
        {
            "your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json": "[]",
            "preferences/settings/your_settings.json": json.dumps(
                {
                    "settings": [
                        {"title": "Who can see your future posts?", "data": {"value": "Public"}}
                    ]
                }
            ),
            "security_and_login_information/logins_and_logouts.json": json.dumps(
                {
                    "account_accesses_v2": [
                        {"label_values": [{"label": "IP address", "value": "192.0.2.99"}]},
                        {"ip_address": "not an address"},
                    ]
                }
            ),
            "security_and_login_information/recognized_devices.json": json.dumps(
                {"recognized_devices_v2": [{"name": "Pixel 8", "ip_address": "192.0.2.98"}]}
            ),
        },
    )
    account = read([root]).account
    assert account.default_audience == "Public"
    assert account.ips == ("192.0.2.99", "192.0.2.98")
    assert account.devices == ("Pixel 8",)


# bad input


def test_a_malformed_json_file_is_a_problem_and_the_rest_is_read(tmp_path):
    paths, tree = facebook_export(tmp_path, "facebook-2024", parts=3, broken=True)
    reading = read(paths)
    (problem,) = reading.problems
    assert problem.path == "your_facebook_activity/posts/album/99.json"
    assert "JSON" in problem.reason
    assert kinds(reading) == tree.records


def test_wrong_types_and_missing_keys_count_as_missing(tmp_path):
    posts = "your_activity_across_facebook/posts"
    root = write(
        tmp_path / "export",
        {
            f"{posts}/your_posts__check_ins__photos_and_videos_1.json": meta_json(
                [
                    1,
                    "text",
                    None,
                    {"attachments": "none", "timestamp": "soon", "data": "x"},
                    {
                        "timestamp": T0,
                        "data": [{"post": 7}],
                        "attachments": [
                            {"data": [{"media": {"uri": 5}}, {"place": {"coordinate": "here"}}]},
                            {
                                "data": {
                                    "media": {
                                        "uri": f"{posts}/media/x/1.jpg",
                                        "creation_timestamp": "garbage",
                                        "media_metadata": [],
                                    }
                                }
                            },
                        ],
                    },
                ]
            ),
            f"{posts}/album/0.json": meta_json({"name": 3, "photos": "none", "cover_photo": []}),
            f"{posts}/album/1.json": meta_json([]),
            f"{posts}/your_videos.json": meta_json({"videos_v2": None}),
            f"{posts}/your_uncategorized_photos.json": meta_json({}),
            "personal_information/profile_information/profile_information.json": "[1, 2]",
            f"{posts}/media/x/1.jpg": jpeg(),
        },
    )
    reading = read([root])
    assert reading.problems == ()
    (item,) = reading.items
    assert item.uri == f"{posts}/media/x/1.jpg" and item.present
    assert item.posted_at == datetime.fromtimestamp(T0, UTC)  # from the post
    assert (item.caption, item.location, item.camera) == ("", None, "")
    assert reading.account.username == ""


def test_records_accepts_lists_wrappers_and_one_object():
    assert records([1, 2]) == [1, 2]
    assert records({"other_photos_v2": [{"uri": "a"}]}) == [{"uri": "a"}]
    assert records({"whatever_v2": {"uri": "a"}}) == [{"uri": "a"}]
    assert records({"uri": "a", "title": "b"}) == [{"uri": "a", "title": "b"}]
    assert records({"attachments": []}) == [{"attachments": []}]
    assert records("x") == [] and records(None) == []


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Profile pictures", MediaKind.PROFILE),
        ("Profilbilder", MediaKind.PROFILE),
        ("ProfilePictures", MediaKind.PROFILE),
        ("Cover Photos", MediaKind.COVER),
        ("Titelbilder", MediaKind.COVER),
        ("Mobile uploads", MediaKind.ALBUM),
        ("Zoë", MediaKind.ALBUM),
        ("My profile photo shoot", MediaKind.ALBUM),
    ],
)
def test_album_names_mark_profile_and_cover_photos(name, kind):
    assert album_kind(name, MediaKind.ALBUM) is kind


def test_post_titles_mark_profile_and_cover_photos():
    assert title_kind("Ann updated her profile picture.") is MediaKind.PROFILE
    assert title_kind("Ann updated his cover photo.") is MediaKind.COVER
    assert title_kind("Ann added a new photo.") is None


# detection


def test_detection_is_by_the_paths_present(tmp_path):
    cases = {
        "instagram": {"your_instagram_activity/media/posts_1.json": "[]"},
        "instagram-2020": {"media.json": "{}", "photos/201901/a.jpg": jpeg()},
        "nothing": {"notes.txt": "hello", "personal_information/x.json": "{}"},
        "unrelated-posts": {"posts/readme.txt": "not an export"},
    }
    for name, files in cases.items():
        with Export.open([write(tmp_path / name, files)]) as export:
            assert detect_facebook(export) is None, name
            assert read_facebook(export) is None, name
    both = write(
        tmp_path / "both",
        {"photos_and_videos/album/0.json": "{}", "posts/your_posts_1.json": "[]"},
    )
    with Export.open([both]) as export:
        assert detect_facebook(export) == "facebook-2018"
    empty = write(tmp_path / "never-posted", {"your_facebook_activity/messages/x.json": "{}"})
    with Export.open([empty]) as export:
        reading = read_facebook(export)
        assert reading is not None and reading.layout == "facebook-2024" and reading.items == ()


def test_messages_are_never_read_as_posts(tmp_path):
    media = {"uri": "your_facebook_activity/messages/inbox/bob/photos/1.jpg"}
    root = write(
        tmp_path / "export",
        {
            "your_facebook_activity/messages/inbox/bob/message_1.json": meta_json(
                {"messages": [{"photos": [media]}]}
            ),
            "your_facebook_activity/messages/inbox/bob/posts_1.json": meta_json([{"media": media}]),
        },
    )
    assert read([root]).items == ()


def test_json_wins_over_html_when_both_are_there(tmp_path):
    paths, _ = facebook_export(tmp_path, "facebook-2024", posts=1)
    write(paths[0], {"start_here.html": "<html></html>", "photos_and_videos/album/0.html": ""})
    assert read(paths).layout == "facebook-2024"


# the HTML export


@pytest.mark.parametrize("parts", [0, 2])
def test_the_html_export_is_parsed(tmp_path, parts):
    paths, tree = facebook_export(tmp_path, "facebook-html", parts=parts, wrapper=WRAPPER)
    reading = read(paths)
    assert reading.layout == "facebook-html"
    assert reading.problems == ()
    assert kinds(reading) == tree.records
    items = by_uri(reading)

    (caption,) = items[tree.uris["caption"]]
    assert caption.present and "Köln_2019" in caption.uri
    assert caption.posted_at == datetime.fromtimestamp(T0 + 100, UTC)
    assert caption.taken_at == TAKEN
    assert caption.camera == f"{CAMERA[0]} {CAMERA[1]}" and caption.upload_ip == UPLOAD_IP
    assert caption.location == Location(latitude=GPS[0], longitude=GPS[1], source="exif")
    assert caption.source.endswith("your_posts__check_ins__photos_and_videos_1.html")

    (checkin,) = items[tree.uris["check-in"]]
    assert checkin.present and not checkin.is_video
    (video,) = items[tree.uris["video"]]
    assert video.present and video.is_video
    (cdn,) = items[CDN]
    assert not cdn.present
    (missing,) = items[tree.uris["missing"]]
    assert not missing.present
    (bogus,) = items[tree.uris["bogus"]]
    assert (bogus.location, bogus.upload_ip) == (None, "")
    (profile,) = items[tree.uris["profile"]]
    assert profile.kind is MediaKind.PROFILE
    (cover,) = items[tree.uris["cover"]]
    assert (cover.kind, cover.album) == (MediaKind.COVER, "Cover photos")
    (unlisted,) = items[tree.uris["unlisted"]]
    assert unlisted.present and unlisted.source == unlisted.uri


def test_the_2018_html_export_is_parsed(tmp_path):
    paths, tree = facebook_export(tmp_path, "facebook-html", html_era="2018", posts=2)
    reading = read(paths)
    assert reading.layout == "facebook-html" and reading.problems == ()
    assert kinds(reading) == tree.records
    items = by_uri(reading)
    (profile,) = items[tree.uris["profile"]]
    assert profile.kind is MediaKind.PROFILE and profile.present
    (caption,) = items[tree.uris["caption"]]
    assert caption.posted_at == datetime.fromtimestamp(T0 + 60, UTC)  # minutes only
    assert (caption.taken_at, caption.upload_ip) == (TAKEN, UPLOAD_IP)
    assert caption.camera == f"{CAMERA[0]} {CAMERA[1]}" and caption.kind is MediaKind.ALBUM
    (matched,) = items[tree.uris["cdn-local"]]  # the CDN link matched to the export's own file
    assert matched.present and matched.upload_ip == ""


def test_an_html_page_that_cannot_be_read_says_how_to_get_json(tmp_path, monkeypatch):
    paths, _ = facebook_export(tmp_path, "facebook-html", posts=1)
    monkeypatch.setattr(facebook_html, "HTML_LIMIT", 10)
    reading = read(paths)
    reasons = [problem.reason for problem in reading.problems]
    assert reasons and all(REQUEST_JSON in reason for reason in reasons)
    assert any(
        p.path.endswith("your_posts__check_ins__photos_and_videos_1.html") for p in reading.problems
    )
    assert reading.items  # the media files themselves are still reported
    assert all(item.present and item.source == item.uri for item in reading.items)


def test_an_html_export_without_media_pages_says_how_to_get_json(tmp_path):
    root = write(
        tmp_path / "export",
        {"index.html": "<html><body>Your information</body></html>", "html/friends.htm": "<p/>"},
    )
    reading = read([root])
    assert reading.layout == "facebook-html" and reading.items == ()
    (problem,) = reading.problems
    assert REQUEST_JSON in problem.reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thursday, 11 August 2016 at 19:25 UTC+01", datetime(2016, 8, 11, 18, 25, tzinfo=UTC)),
        ("Aug 09, 2025 9:48:19 am", datetime(2025, 8, 9, 9, 48, 19, tzinfo=UTC)),
        ("Jul 20, 2015 12:37:37 pm", datetime(2015, 7, 20, 12, 37, 37, tzinfo=UTC)),
        ("Thursday, August 11, 2016 at 7:25pm UTC-04", datetime(2016, 8, 11, 23, 25, tzinfo=UTC)),
        ("20 Jul 2015, 00:05", datetime(2015, 7, 20, 0, 5, tzinfo=UTC)),
        ("Jan 01, 0001", None),
        ("Updated 11 of them", None),
        ("Foo 11, 2016", None),
        ("x" * 100 + " Aug 09, 2025", None),
    ],
)
def test_html_dates(text, expected):
    assert html_date(text) == expected


# the real-format fixtures


@pytest.mark.shared
@needs_fixtures
def test_real_2022_posts_album_layout():
    reading = read([FIXTURES / "facebook-example"])
    assert reading.layout == "facebook-2021" and reading.problems == ()
    assert kinds(reading) == Counter(album=6)
    items = by_uri(reading)
    assert {item.album for item in reading.items} == {"Album 2015", "Album 1 JSON"}
    (huawei,) = items["posts/second_album/a.jpg"]
    assert huawei.camera == "Huawei Nexus 6P" and huawei.upload_ip == "167.161.108.51"
    assert huawei.location == Location(
        latitude=29.925027777778, longitude=-90.088072222222, source="exif"
    )
    (nikon,) = items["posts/second_album/b.jpg"]
    assert nikon.taken_at is None and nikon.location is None
    assert all(item.present for item in reading.items)
    assert reading.account.ips == ("167.161.108.51",)


@pytest.mark.shared
@needs_fixtures
def test_real_2019_flat_photo_metadata():
    reading = read([FIXTURES / "@8a9248e" / "facebook-example"])
    assert reading.layout == "facebook-2018" and reading.problems == ()
    items = by_uri(reading)
    (nikon,) = items["photos_and_videos/second_album/b.jpg"]
    assert nikon.camera == "NIKON CORPORATION NIKON D40X"
    assert nikon.taken_at == datetime.fromtimestamp(1437148158, UTC)
    assert nikon.posted_at == datetime.fromtimestamp(1437454647, UTC)
    assert all(item.present for item in reading.items)


@pytest.mark.shared
@needs_fixtures
def test_real_2020_cdn_uris():
    reading = read([FIXTURES / "@67c9870"])  # also under a wrapper folder
    assert reading.layout == "facebook-2018"
    # Two CDN URLs name, by their numeric id, files that are in the export: those are found
    # (and counted once with the local records of the same files); the others are absent.
    uris = {item.uri for item in reading.items}
    assert "photos_and_videos/myalbum_1234/11113237987292.jpg" in uris
    assert "photos_and_videos/myalbum_1234/88888888888888323.jpg" in uris
    cdn = [item for item in reading.items if item.uri.startswith("https://")]
    assert not any(item.present for item in cdn)
    local = [item for item in reading.items if not item.uri.startswith("https://")]
    assert local and all(item.present for item in local)


@pytest.mark.shared
@needs_fixtures
def test_real_2018_html_export():
    reading = read([FIXTURES / "@fced9a6" / "facebook-example"])
    assert reading.layout == "facebook-html" and reading.problems == ()
    items = by_uri(reading)
    (canon,) = items["photos/1234/88888888888888323.jpg"]
    assert canon.present and canon.kind is MediaKind.ALBUM
    assert canon.posted_at == datetime(2016, 8, 11, 18, 25, tzinfo=UTC)
    assert canon.taken_at == datetime.fromtimestamp(1470939905, UTC)
    assert canon.camera == "Canon EOS 123D" and canon.upload_ip == ""
    (other,) = items["photos/1234/11113237987292.jpg"]
    assert other.posted_at == datetime(2016, 4, 23, 12, 29, tzinfo=UTC)
    (profile,) = items["photos/profile.jpg"]
    assert profile.kind is MediaKind.PROFILE and not profile.present
    assert len(reading.items) == 3
