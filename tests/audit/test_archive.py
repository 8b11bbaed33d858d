import io
import json
import os
import stat
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from notrain.audit.archive import Export, ExportFileError
from notrain.errors import CorruptFileError, InputError, UnsupportedFormatError

SHARED = Path(__file__).resolve().parents[3] / "shared"
DYI = SHARED / "data" / "dyi"

WRAPPER = "facebook-ann-2024-05-01-abc"
POSTS = "your_facebook_activity/posts"


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    return buffer.getvalue()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "PNG")
    return buffer.getvalue()


def make_zip(path: Path, members: dict[str, bytes | str], **options) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, **options) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def make_folder(root: Path, members: dict[str, bytes | str]) -> Path:
    for name, data in members.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return root


def patch_flags(path: Path, name: str, *, set_bits: int = 0, clear_bits: int = 0) -> None:
    """Change a member's general-purpose flags in its local header and the central directory."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
        position = archive.start_dir

    def patch(offset: int) -> None:
        (flags,) = struct.unpack_from("<H", data, offset)
        struct.pack_into("<H", data, offset, (flags | set_bits) & ~clear_bits)

    patch(info.header_offset + 6)
    while data[position : position + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack_from("<HHH", data, position + 28)
        if data[position + 46 : position + 46 + n] == name.encode():
            patch(position + 8)
        position += 46 + n + m + k
    path.write_bytes(bytes(data))


def album_json(uri: str) -> str:
    """An album file as Meta writes it: non-ASCII escaped byte by byte (mojibake)."""
    mojibake = uri.encode("utf-8").decode("latin-1")
    return json.dumps({"name": "Zoë".encode().decode("latin-1"), "photos": [{"uri": mojibake}]})


@pytest.fixture
def three_parts(tmp_path: Path) -> list[Path]:
    """One export in three ZIP parts under a wrapper folder; the album in part 1 names a photo in
    part 3 whose path holds "Zoë" (real UTF-8 in the ZIP, mojibake in the JSON)."""
    photo = f"{POSTS}/media/Zoë_1/101.jpg"
    part1 = make_zip(
        tmp_path / "part1.zip",
        {
            f"{WRAPPER}/{POSTS}/album/0.json": album_json(photo),
            f"{WRAPPER}/personal_information/profile.json": "{}",
        },
    )
    part2 = make_zip(tmp_path / "part2.zip", {f"{WRAPPER}/{POSTS}/media/x/1.jpg": jpeg()})
    part3 = make_zip(tmp_path / "part3.zip", {f"{WRAPPER}/{photo}": jpeg()})
    return [part1, part2, part3]


def test_parts_merge_into_one_tree_without_the_wrapper(three_parts):
    with Export.open(list(reversed(three_parts))) as export:
        assert set(export.paths()) == {
            f"{POSTS}/album/0.json",
            "personal_information/profile.json",
            f"{POSTS}/media/x/1.jpg",
            f"{POSTS}/media/Zoë_1/101.jpg",
        }
        assert export.problems == []
        assert export.exists(f"{POSTS}/album/0.json")
        assert not export.exists(f"{WRAPPER}/{POSTS}/album/0.json")


def test_a_uri_in_one_part_finds_media_in_another(three_parts):
    with Export.open([str(p) for p in three_parts]) as export:
        album = export.read_json(f"{POSTS}/album/0.json")
        assert album["name"] == "Zoë"
        uri = album["photos"][0]["uri"]
        found = export.find(uri)
        assert found == f"{POSTS}/media/Zoë_1/101.jpg"
        assert export.locate(found) == str(three_parts[2])
        assert export.size(found) == len(jpeg())
        with export.open_member(found) as stream:
            assert Image.open(stream).size == (8, 8)


def test_find_repairs_mojibake_in_the_raw_uri(three_parts):
    with Export.open(three_parts) as export:
        raw = f"{POSTS}/media/Zoë_1/101.jpg".encode().decode("latin-1")
        assert raw != f"{POSTS}/media/Zoë_1/101.jpg"
        assert export.find(raw) == f"{POSTS}/media/Zoë_1/101.jpg"


def test_find_accepts_prefixes_case_and_wrapper(three_parts):
    target = f"{POSTS}/media/x/1.jpg"
    with Export.open(three_parts) as export:
        assert export.find("/" + target) == target
        assert export.find("./" + target) == target
        assert export.find(f"{WRAPPER}/{target}") == target
        assert export.find(target.upper()) == target
        assert export.find(f"{POSTS}/media/x/2.jpg") is None
        assert export.find("https://scontent.xx.fbcdn.net/v/t1/1.jpg") is None
        assert export.find("http://example.org/" + target) is None
        assert export.find("") is None


def test_an_exact_match_wins_over_a_case_insensitive_one(tmp_path):
    folder = make_folder(tmp_path / "export", {"media/A.jpg": b"upper", "media/a.jpg": b"lower"})
    with Export.open([folder]) as export:
        assert export.find("media/a.jpg") == "media/a.jpg"
        assert export.find("media/A.jpg") == "media/A.jpg"


def test_links_relative_to_an_html_page(tmp_path):
    folder = make_folder(
        tmp_path / "export",
        {"html/photos.html": "<html>", "photos_and_videos/album/1.jpg": jpeg()},
    )
    with Export.open([folder]) as export:
        link = "../photos_and_videos/album/1.jpg"
        assert export.find(link, relative_to="html/photos.html") == "photos_and_videos/album/1.jpg"


def test_a_part_whose_only_folder_is_a_layout_folder_keeps_it(tmp_path):
    facebook = make_zip(tmp_path / "a.zip", {f"{POSTS}/media/x/1.jpg": b"1"})
    instagram = make_zip(tmp_path / "b.zip", {"media/posts/202001/2.jpg": b"2"})
    future = make_zip(tmp_path / "c.zip", {"your_threads_activity/x/3.jpg": b"3"})
    with Export.open([facebook, instagram, future]) as export:
        assert set(export.paths()) == {
            f"{POSTS}/media/x/1.jpg",
            "media/posts/202001/2.jpg",
            "your_threads_activity/x/3.jpg",
        }


def test_a_wrapper_with_a_plain_name_goes_when_it_holds_layout_folders(tmp_path):
    part = make_zip(
        tmp_path / "a.zip", {"export/media.json": "{}", "export/content/posts_1.json": "[]"}
    )
    with Export.open([part]) as export:
        assert set(export.paths()) == {"media.json", "content/posts_1.json"}


def test_a_folder_seen_at_the_root_of_another_part_is_no_wrapper(tmp_path):
    first = make_zip(tmp_path / "a.zip", {"media.json": "{}", "stuff/1.json": "[]"})
    second = make_zip(tmp_path / "b.zip", {"stuff/2.json": "[]"})
    with Export.open([first, second]) as export:
        assert export.exists("stuff/2.json")


def test_nested_wrappers_and_mac_litter_are_removed(tmp_path):
    part = make_zip(
        tmp_path / "a.zip",
        {
            f"Downloads/{WRAPPER}/{POSTS}/album/0.json": "{}",
            f"__MACOSX/Downloads/{WRAPPER}/._0.json": b"\0",
            f"Downloads/{WRAPPER}/.DS_Store": b"\0",
        },
    )
    with Export.open([part]) as export:
        assert list(export.paths()) == [f"{POSTS}/album/0.json"]
        assert export.problems == []


def test_duplicates_are_listed_once_and_the_first_part_wins(tmp_path):
    first = make_zip(tmp_path / "a.zip", {"media.json": '{"part": 1}', "same.json": "[1]"})
    second = make_zip(tmp_path / "b.zip", {"media.json": '{"part": 22}', "same.json": "[2]"})
    with Export.open([first, second]) as export:
        assert sorted(export.paths()) == ["media.json", "same.json"]
        assert export.duplicates == 2
        assert export.read_json("media.json") == {"part": 1}
        assert export.locate("same.json") == str(first)
        assert [p.path for p in export.problems] == ["media.json"]


def test_folders_and_zips_mix(tmp_path):
    folder = make_folder(tmp_path / WRAPPER, {f"{POSTS}/album/0.json": album_json("media/a.jpg")})
    part = make_zip(tmp_path / "part2.zip", {"media/a.jpg": jpeg()})
    with Export.open([folder, part]) as export:
        assert (
            export.find(export.read_json(f"{POSTS}/album/0.json")["photos"][0]["uri"])
            == "media/a.jpg"
        )
        assert export.locate(f"{POSTS}/album/0.json") == str(folder)


def test_a_folder_under_a_wrapper_folder(tmp_path):
    make_folder(tmp_path / "unpacked" / WRAPPER, {"media.json": "{}", "content/posts_1.json": "[]"})
    with Export.open([tmp_path / "unpacked"]) as export:
        assert sorted(export.paths()) == ["content/posts_1.json", "media.json"]


def test_a_zip_is_recognised_by_its_bytes_not_its_name(tmp_path):
    part = make_zip(tmp_path / "download.bin", {"media.json": "{}"})
    with Export.open([part]) as export:
        assert export.exists("media.json")


def test_other_files_and_missing_paths_are_refused(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(UnsupportedFormatError) as raised:
        Export.open([text])
    assert raised.value.path == text
    with pytest.raises(InputError, match="no such file"):
        Export.open([tmp_path / "missing.zip"])
    with pytest.raises(InputError):
        Export.open([])


def test_hostile_members_are_skipped_with_a_reason_and_never_written(tmp_path):
    hostile = tmp_path / "in" / "hostile.zip"
    hostile.parent.mkdir()
    with zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("media.json", "{}")
        for name in ["../evil", "/abs", "C:\\x", "C:/y", "a\\..\\..\\b", "a/../../c"]:
            archive.writestr(name, b"evil")
        link = zipfile.ZipInfo("photos/link.jpg")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("photos/secret.jpg", b"x" * 100)
        archive.writestr("photos/bomb.bin", bytes(60 * 1024 * 1024))
    patch_flags(hostile, "photos/secret.jpg", set_bits=0x1)
    before = sorted(tmp_path.rglob("*"))
    with Export.open([hostile]) as export:
        assert list(export.paths()) == ["media.json"]
        reasons = {problem.path: problem.reason for problem in export.problems}
    assert set(reasons) == {
        "../evil",
        "/abs",
        "C:/x",
        "C:/y",
        "a/../../b",
        "a/../../c",
        "photos/link.jpg",
        "photos/secret.jpg",
        "photos/bomb.bin",
    }
    assert "outside the export" in reasons["../evil"]
    assert "symbolic link" in reasons["photos/link.jpg"]
    assert "encrypted" in reasons["photos/secret.jpg"]
    assert "decompression bomb" in reasons["photos/bomb.bin"]
    assert all(str(hostile) in reason for reason in reasons.values())
    assert sorted(tmp_path.rglob("*")) == before


def test_a_nul_in_a_member_name_is_refused(tmp_path):
    part = tmp_path / "a.zip"
    with zipfile.ZipFile(part, "w") as archive:
        archive.writestr("ok.jpg|../../evil", b"1")
    part.write_bytes(part.read_bytes().replace(b"ok.jpg|", b"ok.jpg\0"))
    with Export.open([part]) as export:
        assert list(export.paths()) == []
        assert len(export.problems) == 1


def test_a_truncated_archive_names_the_file(tmp_path):
    part = make_zip(tmp_path / "part1.zip", {"media.json": "{}" * 1000, "a.jpg": jpeg()})
    part.write_bytes(part.read_bytes()[: part.stat().st_size // 2])
    with pytest.raises(CorruptFileError) as raised:
        Export.open([part])
    assert raised.value.path == part
    assert "part1.zip" in str(raised.value)
    assert raised.value.hint


def test_a_damaged_member_fails_alone(tmp_path):
    part = tmp_path / "a.zip"
    with zipfile.ZipFile(part, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("good.json", '{"ok": true}')
        archive.writestr("bad.json", '{"damaged": "here"}')
    data = bytearray(part.read_bytes())
    data[data.index(b"damaged")] ^= 0x20
    part.write_bytes(bytes(data))
    with Export.open([part]) as export:
        assert export.read_json("good.json") == {"ok": True}
        with pytest.raises(ExportFileError) as raised:
            export.read_json("bad.json")
        assert raised.value.member == "bad.json"
        assert "CRC" in raised.value.reason
        assert isinstance(raised.value, InputError)


def test_zip64_archives_are_read(tmp_path):
    part = tmp_path / "zip64.zip"
    with (
        zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("media.json", "w", force_zip64=True) as member,
    ):
        member.write(b'{"photos": []}')
    with Export.open([part]) as export:
        assert export.read_json("media.json") == {"photos": []}


def test_names_written_as_utf8_without_the_flag_are_read_as_utf8(tmp_path):
    part = make_zip(tmp_path / "a.zip", {"media/Zoë.jpg": jpeg()})
    patch_flags(part, "media/Zoë.jpg", clear_bits=0x800)
    with Export.open([part]) as export:
        assert list(export.paths()) == ["media/Zoë.jpg"]
        assert export.sniff("media/Zoë.jpg") == "jpeg"


def test_malformed_json_fails_for_that_file_with_its_path(tmp_path):
    part = make_zip(
        tmp_path / "a.zip",
        {
            "cut.json": '{"photos": [{"uri": "a.jpg"',
            "bad.json": "{'single': quotes}",
            "empty.json": "",
        },
    )
    with Export.open([part]) as export:
        with pytest.raises(ExportFileError) as raised:
            export.read_json("cut.json")
        assert raised.value.member == "cut.json"
        assert raised.value.path == Path("cut.json")
        assert "truncated" in raised.value.reason
        with pytest.raises(ExportFileError, match="not valid JSON"):
            export.read_json("bad.json")
        with pytest.raises(ExportFileError, match="empty"):
            export.read_json("empty.json")
        with pytest.raises(ExportFileError, match="not in the export"):
            export.read_json("missing.json")


def test_read_bytes_refuses_members_over_the_limit(tmp_path):
    part = make_zip(tmp_path / "a.zip", {"big.json": "[" + "0," * 1000 + "0]"})
    with Export.open([part]) as export:
        assert len(export.read_bytes("big.json", limit=5000)) == export.size("big.json")
        with pytest.raises(ExportFileError, match="larger than"):
            export.read_bytes("big.json", limit=100)
        with pytest.raises(ExportFileError, match="larger than"):
            export.read_json("big.json", limit=100)


def test_media_without_extensions_are_sniffed(tmp_path):
    members = {
        "media/a": jpeg(),
        "media/b": png(),
        "media/c": b"\0\0\0\x18ftypisom\0\0\2\0isomiso2avc1mp41",
        "media/d": b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
        "media/e": b"\0\0\0\x14ftypqt  \0\0\2\0qt  ",
        "media/f": b"\0\0\0\x1cftypmif1\0\0\0\0mif1avifmiaf",
        "media/g": b"RIFF\x24\0\0\0WEBPVP8 ",
        "media/h": b"GIF89a\1\0\1\0",
        "media/i": b"just some text",
    }
    folder = make_folder(tmp_path / "export", members)
    with Export.open([folder]) as export:
        found = {name[-1]: export.sniff(name) for name in members}
    assert found == {
        "a": "jpeg",
        "b": "png",
        "c": "mp4",
        "d": "heic",
        "e": "mov",
        "f": "avif",
        "g": "webp",
        "h": "gif",
        "i": None,
    }


def test_streaming_a_large_member_keeps_memory_flat(tmp_path):
    size = 50 * 1024 * 1024
    part = tmp_path / "big.zip"
    chunk = os.urandom(1024 * 1024)
    with (
        zipfile.ZipFile(part, "w", zipfile.ZIP_STORED) as archive,
        archive.open("media/video.mp4", "w") as member,
    ):
        for _ in range(size // len(chunk)):
            member.write(chunk)
    tracemalloc.start()
    try:
        with Export.open([part]) as export:
            total = 0
            with export.open_member("media/video.mp4") as stream:
                while data := stream.read(1024 * 1024):
                    total += len(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == size
    assert peak < size / 10


def test_folder_links_to_outside_are_skipped(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    folder = make_folder(tmp_path / "export", {"media.json": "{}", "photos/a.jpg": jpeg()})
    (folder / "photos" / "leak.jpg").symlink_to(outside)
    (folder / "photos" / "alias.jpg").symlink_to(folder / "photos" / "a.jpg")
    (folder / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    with Export.open([folder]) as export:
        assert sorted(export.paths()) == ["media.json", "photos/a.jpg", "photos/alias.jpg"]
        assert {p.path for p in export.problems} == {"photos/leak.jpg", "elsewhere"}
        assert export.sniff("photos/alias.jpg") == "jpeg"


def test_closing_closes_every_archive(three_parts):
    with Export.open(three_parts) as export:
        pass
    with pytest.raises(ValueError):
        export.open_member(f"{POSTS}/album/0.json")


@pytest.mark.shared
@pytest.mark.skipif(not DYI.is_dir(), reason=f"needs the Meta export fixtures at {DYI}")
def test_real_instagram_zip_and_facebook_folder():
    instagram = DYI / "anonymize-ddp" / "data" / "test_data" / "insta4dummy_20201105.zip"
    facebook = DYI / "facebook-data-image-exif" / "facebook-example"
    with Export.open([instagram]) as export:
        assert {"media.json", "profile.json", "messages.json"} <= set(export.paths())
        media = export.read_json("media.json")
        assert media["photos"][0]["path"].startswith("photos/")
        assert export.find(media["photos"][0]["path"]) is None
        assert export.problems == []
    with Export.open([facebook]) as export:
        album = export.read_json("posts/album/0.json")
        uri = album["photos"][0]["uri"]
        assert export.find(uri) == uri == "posts/myalbum_1234/11113237987292.jpg"
        assert export.sniff(uri) == "jpeg"


def test_a_json_number_too_long_to_read_fails_that_file_alone(tmp_path):
    folder = tmp_path / "export"
    (folder / "your_facebook_activity" / "posts").mkdir(parents=True)
    (folder / "your_facebook_activity" / "posts" / "album.json").write_text(
        '{"n": ' + "9" * 5000 + "}"
    )
    with Export.open([folder]) as export:
        with pytest.raises(ExportFileError, match="cannot read"):
            export.read_json("your_facebook_activity/posts/album.json")
