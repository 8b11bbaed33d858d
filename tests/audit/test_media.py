"""The media rules Facebook's and Instagram's readers share (``notrain.audit.media``)."""

from pathlib import Path

import pytest
from facebook_exports import jpeg
from instagram_exports import MP4

from notrain.audit.archive import Export
from notrain.audit.media import camera, exif_fields, locate, records, video_metadata


def test_exif_entries_merge_and_placeholders_never_win():
    media = {
        "media_metadata": {
            "photo_metadata": {
                "exif_data": [
                    {"latitude": 0, "longitude": 0, "device_id": "", "iso": 100},
                    {"latitude": 52.1, "longitude": 4.3, "device_id": "phone-1", "iso": 200},
                ]
            }
        }
    }
    fields = exif_fields(media)
    assert (fields["latitude"], fields["longitude"], fields["device_id"]) == (52.1, 4.3, "phone-1")
    assert fields["iso"] == 100  # the first known value wins
    flat = {"photo_metadata": {"camera_make": "Canon", "taken_timestamp": 0}}
    assert exif_fields(flat) == {"camera_make": "Canon"}
    assert exif_fields({"media_metadata": "junk"}) == {}


def test_video_metadata_must_be_an_object():
    assert video_metadata({"media_metadata": {"video_metadata": {"exif_data": []}}})
    assert not video_metadata({"media_metadata": {"video_metadata": None}})
    assert not video_metadata({"media_metadata": {"photo_metadata": {}}})


def test_records_under_any_wrapper_key():
    stories, reels = [{"uri": "a"}], [{"media": [{"uri": "b"}]}]
    assert records({"ig_stories": stories, "ig_reels_media": reels}) == [*stories, *reels]
    assert records({"ig_stories": "nothing"}) == [{"ig_stories": "nothing"}]
    assert records({"creation_timestamp": 1, "title": "t"}) == [
        {"creation_timestamp": 1, "title": "t"}
    ]
    album = {"name": "Cover photos", "cover_photo": {"uri": "c"}}
    assert records(album) == [album]
    assert records({"a": [1], "b": [2]}, "b") == [2]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"camera_make": "Apple", "camera_model": "iPhone 12"}, "Apple iPhone 12"),
        ({"camera_make": "Canon", "camera_model": "Canon EOS 5D"}, "Canon EOS 5D"),
        (
            {"camera_model": "Pixel 7", "lens_model": "Pixel 7 back camera", "device_id": "x"},
            "Pixel 7",
        ),
        ({"lens_model": "Pixel 7 back camera", "device_id": "android-1"}, "Pixel 7 back camera"),
        ({"device_id": "6B29FC40-CA47"}, "device 6B29FC40-CA47"),
        ({"device_id": 0, "software": "HDR+"}, ""),
    ],
)
def test_camera_names_the_device_only_when_nothing_better_exists(fields, expected):
    assert camera(fields) == expected


def test_locate_by_extension_then_bytes_then_hint(tmp_path: Path):
    for name, data in {
        "a.jpg": MP4,
        "b.mp4": jpeg(),
        "reel": MP4,
        "story": jpeg(),
        "x": b"?",
    }.items():
        (tmp_path / name).write_bytes(data)
    problems: list = []
    with Export.open([tmp_path]) as export:
        assert locate(export, "a.jpg", problems, video=True) == ("a.jpg", True, False)
        assert locate(export, "b.mp4", problems) == ("b.mp4", True, True)
        assert locate(export, "reel", problems) == ("reel", True, True)
        assert locate(export, "story", problems, video=True) == ("story", True, False)
        assert locate(export, "x", problems, video=True) == ("x", True, True)
        assert locate(export, "gone", problems, video=True) == ("gone", False, True)
        assert locate(export, "gone.wmv", problems) == ("gone.wmv", False, True)
        url = "https://cdn.example/v/1_n.jpg?x=1"
        assert locate(export, url, problems, video=True) == (url, False, False)
        assert locate(export, "", problems) == ("", False, False)
        found = locate(export, url, problems, fallback=lambda uri: "b.mp4")
        assert found == ("b.mp4", True, True)
    assert problems == []
