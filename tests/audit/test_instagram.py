"""The Instagram reader: every layout, Meta's quirks, the account's privacy and its history."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from instagram_exports import (
    CAPTION,
    DEVICE,
    GPS,
    IPS,
    LAYOUTS,
    PRIVATE_SINCE,
    Spec,
    Written,
    write_export,
)

from notrain.audit.archive import Export
from notrain.audit.instagram import detect_instagram, read_instagram
from notrain.audit.inventory import build
from notrain.audit.model import Exposure, MediaItem, MediaKind, Reading

SHARED = Path(__file__).resolve().parents[3] / "shared"
INSTA4DUMMY = SHARED / "data" / "dyi" / "anonymize-ddp"
FIXTURE_ZIP = INSTA4DUMMY / "data" / "test_data" / "insta4dummy_20201105.zip"
FIXTURE_FOLDER = INSTA4DUMMY / "_extracted" / "insta4dummy_20201105"

CONTENT = {
    "instagram-2025": "your_instagram_activity/media",
    "instagram-2023": "your_instagram_activity/content",
    "instagram-2021": "content",
}


def read(written: Written) -> Reading:
    with Export.open(written.paths) as export:
        reading = read_instagram(export)
    assert reading is not None
    return reading


def by_uri(reading: Reading) -> dict[tuple[str, str], MediaItem]:
    return {(item.source, item.uri): item for item in reading.items}


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_is_detected_and_every_record_read_as_written(tmp_path, layout, as_zip):
    written = write_export(tmp_path, Spec(layout=layout, as_zip=as_zip))
    reading = read(written)
    assert reading.platform == "instagram" and reading.layout == layout
    assert reading.account.layout == layout
    assert Counter(item.kind for item in reading.items) == written.counts
    assert reading.problems == ()
    items = by_uri(reading)
    assert len(items) == len(written.items)
    for expected in written.items:
        item = items[(expected.source, expected.uri)]
        assert item.platform == "instagram" and item.kind == expected.kind, expected.uri
        assert item.caption == expected.caption, expected.uri
        assert item.posted_at == expected.posted_at, expected.uri
        assert item.taken_at == expected.taken_at, expected.uri
        assert item.is_video == expected.is_video, expected.uri
        assert item.present == expected.present, expected.uri
        assert item.camera == expected.camera and item.software == expected.software
        point = (item.location.latitude, item.location.longitude) if item.location else None
        assert point == expected.location, expected.uri


@pytest.mark.parametrize("layout", LAYOUTS[:3])
def test_captions_and_file_names_are_repaired_and_exif_is_read(tmp_path, layout):
    written = write_export(tmp_path, Spec(layout=layout))
    raw = (tmp_path / CONTENT[layout] / "posts_1.json").read_text("ascii")
    assert "\\u00c3\\u00ab" in raw and "ë" not in raw  # written the way Meta writes it
    (first,) = [item for item in read(written).items if item.caption == CAPTION]
    assert first.uri.startswith("media/posts/201901/zoë_café_0") and first.present
    assert first.location is not None and first.location.source == "exif"
    assert (first.location.latitude, first.location.longitude) == GPS
    assert first.taken_at == at(2018, 12, 31, 17, 45)
    assert first.camera.startswith("Pixel 7") and first.software.startswith("HDR+")
    assert first.posted_at == at(2019, 1, 1, 12)


def test_placeholder_values_are_dropped_and_the_carousel_caption_comes_from_the_post(tmp_path):
    reading = read(write_export(tmp_path, Spec()))
    carousel = [item for item in reading.items if item.caption.startswith("Große Straße")]
    photo, video = sorted(carousel, key=lambda item: item.is_video)
    assert not photo.is_video and video.is_video
    # date_time_original "000" and latitude/longitude 0/0 are placeholders, not data.
    assert photo.taken_at is None and photo.location is None
    # A device id names no camera: it stands in, labelled, only when nothing better exists.
    assert photo.camera == f"device {DEVICE}" and photo.posted_at == video.posted_at is not None


def test_videos_by_metadata_extension_or_magic_bytes(tmp_path):
    reading = read(write_export(tmp_path, Spec()))
    stories = sorted(
        (item for item in reading.items if item.kind == MediaKind.STORY), key=lambda i: i.uri
    )
    reels = [item for item in reading.items if item.kind == MediaKind.REEL]
    no_extension = [item for item in stories + reels if "." not in item.uri.rsplit("/", 1)[1]]
    assert len(no_extension) == 2 and all(item.present for item in no_extension)
    # The story without extension is a JPEG, the reel without extension an MP4: sniffed.
    assert {item.kind: item.is_video for item in no_extension} == {
        MediaKind.STORY: False,
        MediaKind.REEL: True,
    }
    assert all(item.is_video for item in reels)
    assert sum(item.is_video for item in stories) == 1


def test_missing_media_keeps_its_uri_and_is_marked_absent(tmp_path):
    reading = read(write_export(tmp_path, Spec(posts=5)))
    absent = [item for item in reading.items if not item.present]
    (missing,) = absent
    assert missing.kind == MediaKind.POST and missing.caption == "Post number 4"
    assert missing.uri.startswith("media/posts/") and missing.uri.endswith("_post.jpg")


@pytest.mark.parametrize("layout", LAYOUTS[:3])
def test_the_account_private_now_its_history_devices_and_ips(tmp_path, layout):
    account = read(write_export(tmp_path, Spec(layout=layout))).account
    assert account.platform == "instagram" and account.username == "zoë.example"
    assert account.private_now is True
    assert account.privacy_changes == ((PRIVATE_SINCE, True),)
    assert DEVICE in account.devices and len(account.devices) == 2
    assert set(account.ips) == set(IPS)  # login activity and sign-up; the empty one dropped


def test_the_history_rates_posts_public_before_the_switch_to_private(tmp_path):
    reading = read(write_export(tmp_path, Spec(posts=6, stories=0, reels=0)))
    inventory = build(reading.items, [reading.account])
    posts = [item for item in inventory.items if item.kind == MediaKind.POST]
    assert posts and all(item.posted_at for item in posts)
    for item in posts:
        assert item.posted_at is not None
        expected = Exposure.PUBLIC if item.posted_at < PRIVATE_SINCE else Exposure.NOT_PUBLIC
        assert item.exposure == expected, item.posted_at
    assert {item.exposure for item in posts} == {Exposure.PUBLIC, Exposure.NOT_PUBLIC}


def test_a_public_account_with_a_back_and_forth_history(tmp_path):
    changes = ((at(2020, 3, 1), True), (at(2022, 5, 1), False))
    account = read(write_export(tmp_path, Spec(private_now=False, changes=changes))).account
    assert account.private_now is False
    assert account.privacy_changes == changes


def test_without_personal_information_private_now_falls_back_to_the_last_change(tmp_path):
    changes = ((at(2020, 3, 1), True), (at(2022, 5, 1), False))
    account = read(write_export(tmp_path, Spec(private_now=None, changes=changes))).account
    assert account.private_now is False


def test_without_any_history_only_todays_setting_is_known(tmp_path):
    account = read(write_export(tmp_path, Spec(private_now=False, changes=()))).account
    assert account.private_now is False and account.privacy_changes == ()


def test_one_object_files_and_files_without_wrapper_keys(tmp_path):
    written = write_export(tmp_path / "wrapped", Spec())
    content = tmp_path / "wrapped" / CONTENT["instagram-2025"]
    profile = json.loads((content / "profile_photos.json").read_text())
    other = json.loads((content / "other_content.json").read_text())
    assert isinstance(profile["ig_profile_picture"], dict)  # one photo, one object, no list
    assert "uri" in other  # one record, no wrapper key at all
    assert Counter(item.kind for item in read(written).items) == written.counts

    bare = write_export(tmp_path / "bare", Spec(bare=True, stories=3, reels=3))
    stories = json.loads(
        (tmp_path / "bare" / CONTENT["instagram-2025"] / "stories.json").read_text()
    )
    assert isinstance(stories, list)
    assert Counter(item.kind for item in read(bare).items) == bare.counts


def test_malformed_json_fails_for_that_file_alone(tmp_path):
    stories = f"{CONTENT['instagram-2025']}/stories.json"
    personal = "personal_information/personal_information/personal_information.json"
    written = write_export(tmp_path, Spec(broken=(stories, personal)))
    reading = read(written)
    problems = {problem.path: problem.reason for problem in reading.problems}
    assert set(problems) == {stories, personal}
    assert "truncated" in problems[stories]
    kinds = Counter(item.kind for item in reading.items)
    expected = written.counts - Counter({MediaKind.STORY: 2, MediaKind.PROFILE: 1})
    assert kinds == expected
    # Today's setting is lost with the file; the history still says private since 2021.
    assert reading.account.private_now is True
    assert reading.account.privacy_changes == ((PRIVATE_SINCE, True),)


def test_malformed_media_json_of_2020_is_a_problem_and_the_account_still_read(tmp_path):
    reading = read(write_export(tmp_path, Spec(layout="instagram-2020", broken=("media.json",))))
    assert [problem.path for problem in reading.problems] == ["media.json"]
    assert reading.items == () and reading.account.private_now is True


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_wrapper_folder_and_media_in_other_zip_parts(tmp_path, layout):
    spec = Spec(layout=layout, wrapper="instagram-zoe_2025-06-01-AbCd", as_zip=True, parts=3)
    written = write_export(tmp_path, spec)
    assert len(written.paths) == 3
    with zipfile.ZipFile(written.paths[0]) as first:
        assert all(name.startswith(spec.wrapper + "/") for name in first.namelist())
    reading = read(written)
    assert reading.layout == layout
    assert Counter(item.kind for item in reading.items) == written.counts
    present = {expected.uri for expected in written.items if expected.present}
    assert {item.uri for item in reading.items if item.present} == present


def test_a_wrapper_folder_around_an_unpacked_export(tmp_path):
    written = write_export(tmp_path, Spec(layout="instagram-2023", wrapper="zoe_20240101"))
    assert (tmp_path / "zoe_20240101" / "your_instagram_activity").is_dir()
    reading = read(written)
    assert reading.layout == "instagram-2023" and reading.account.private_now is True
    assert sum(item.present for item in reading.items) == sum(e.present for e in written.items)


def test_posts_split_over_several_files_are_all_read(tmp_path):
    spec = Spec(posts=25, posts_per_file=10, stories=0, reels=0, details=False)
    written = write_export(tmp_path, spec)
    files = sorted(p.name for p in (tmp_path / CONTENT["instagram-2025"]).glob("posts_*.json"))
    assert files == ["posts_1.json", "posts_2.json", "posts_3.json"]
    reading = read(written)
    assert Counter(item.kind for item in reading.items)[MediaKind.POST] == 26  # one carousel


def test_the_2020_layout_skips_direct_messages(tmp_path):
    written = write_export(tmp_path, Spec(layout="instagram-2020"))
    assert (tmp_path / "direct").is_dir()
    reading = read(written)
    assert not any(item.uri.startswith("direct/") for item in reading.items)
    assert reading.account.username == "zoë.example"
    assert reading.account.devices == (DEVICE,)
    assert set(reading.account.ips) == {IPS[0], IPS[2]}  # "my_ip" is not an address


def make_folder(root: Path, members: dict[str, object]) -> Path:
    for name, data in members.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data if isinstance(data, str) else json.dumps(data))
    return root


def test_no_instagram_layout_gives_none(tmp_path):
    facebook = make_folder(
        tmp_path,
        {"your_facebook_activity/posts/your_posts__check_ins__photos_and_videos_1.json": []},
    )
    with Export.open([facebook]) as export:
        assert detect_instagram(export) == []
        assert read_instagram(export) is None


def test_an_account_that_never_posted_still_gives_its_facts(tmp_path):
    root = make_folder(
        tmp_path,
        {
            "your_instagram_activity/likes/liked_posts.json": {"likes_media_likes": []},
            "personal_information/personal_information/personal_information.json": {
                "profile_user": {
                    "string_map_data": {"Private Account": {"value": "False", "timestamp": 0}}
                }
            },
        },
    )
    with Export.open([root]) as export:
        reading = read_instagram(export)
    assert reading is not None and reading.items == ()
    assert reading.layout == "instagram-2025" and reading.account.private_now is False


def test_other_shapes_of_the_privacy_history(tmp_path):
    folder = "security_and_login_information/login_and_profile_creation"
    records = [
        # The English export: the title names the new setting.
        {"title": "Switched to Private", "string_map_data": {"Time": {"timestamp": 1600000000}}},
        # Fields naming the old and the new setting.
        {
            "title": "",
            "string_map_data": {
                "Changed From": {"value": "Private"},
                "Changed To": {"value": "Public"},
                "Time": {"value": "", "timestamp": 1650000000},
            },
        },
        # A translated time field.
        {"title": "Switched to Private", "string_map_data": {"Zeit": {"timestamp": 1700000000}}},
        # Unreadable: no time, or no setting.
        {"title": "Switched to Private", "string_map_data": {}},
        {"title": "Changed", "string_map_data": {"Time": {"timestamp": 1710000000}}},
    ]
    root = make_folder(
        tmp_path,
        {
            "your_instagram_activity/media/posts_1.json": [],
            f"{folder}/profile_privacy_changes.json": {
                "account_history_account_privacy_history": records
            },
        },
    )
    with Export.open([root]) as export:
        reading = read_instagram(export)
    assert reading is not None
    assert reading.account.privacy_changes == (
        (datetime.fromtimestamp(1600000000, UTC), True),
        (datetime.fromtimestamp(1650000000, UTC), False),
        (datetime.fromtimestamp(1700000000, UTC), True),
    )
    assert reading.account.private_now is True  # no personal information: the last change


def test_cdn_urls_and_records_without_uri(tmp_path):
    cdn = "https://scontent.cdninstagram.com/v/t51.2885-15/1_n.jpg?_nc_ht=x"
    root = make_folder(
        tmp_path,
        {
            "content/posts_1.json": [
                {"media": [{"uri": cdn, "creation_timestamp": 1600000000, "title": "cdn"}]},
                {"media": [{"creation_timestamp": 1600000500}], "title": "no uri"},
                "not a record",
            ],
            "content/stories.json": {"ig_stories": "nothing here"},
        },
    )
    with Export.open([root]) as export:
        reading = read_instagram(export)
    assert reading is not None and reading.layout == "instagram-2021"
    first, second = reading.items
    assert first.uri == cdn and not first.present and not first.is_video
    assert second.uri == "" and second.caption == "no uri" and not second.present


def fixture_json(source: Path, name: str):
    """A file of the real export, read on its own, independently of the reader."""
    if source.is_dir():
        return json.loads((source / name).read_text("utf-8"))
    with zipfile.ZipFile(source) as archive:
        return json.loads(archive.read(name))


@pytest.mark.shared
@pytest.mark.parametrize("source", [FIXTURE_ZIP, FIXTURE_FOLDER], ids=["zip", "extracted"])
def test_the_real_pre_2020_export(source):
    if not source.exists():
        pytest.skip(f"needs the real Instagram fixture at {source} (present in CI)")
    media, profile = fixture_json(source, "media.json"), fixture_json(source, "profile.json")
    with Export.open([source]) as export:
        reading = read_instagram(export)
        assert reading is not None and reading.layout == "instagram-2020"
        assert reading.problems == ()
        kinds = Counter(item.kind for item in reading.items)
        assert kinds == {
            MediaKind.POST: len(media["photos"]) + len(media["videos"]),
            MediaKind.STORY: len(media["stories"]),
            MediaKind.PROFILE: len(media["profile"]),
        }
        listed = [
            entry for key in ("photos", "videos", "stories", "profile") for entry in media[key]
        ]
        assert sorted(item.uri for item in reading.items) == sorted(e["path"] for e in listed)
        for item in reading.items:
            assert item.present == export.exists(item.uri)
            assert item.posted_at is not None and item.posted_at.year == 2020
            assert item.is_video == item.uri.endswith(".mp4")
    captions = {entry["caption"] for entry in listed}
    assert {item.caption for item in reading.items} == captions
    assert reading.account.private_now is profile["private_account"]
    assert reading.account.username == profile["username"]
    assert "android-8e45d24f7bddebaf" in reading.account.devices
