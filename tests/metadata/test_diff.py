import pytest

from notrain.metadata import (
    Field,
    Metadata,
    PrivacyOptions,
    Rights,
    compose_metadata,
    diff_metadata,
    read_metadata,
)


@pytest.fixture
def before_after(sample, encode):
    out = compose_metadata(sample, privacy=PrivacyOptions(), rights=Rights(owner="Ann"))
    return read_metadata(sample), read_metadata(encode("jpeg", out))


def test_private_fields_are_listed_as_removed(before_after):
    diff = diff_metadata(*before_after)
    removed = {f.key for f in diff.removed}
    assert {
        "Exif.GPSInfo.GPSLatitude",
        "Exif.GPSInfo.GPSLongitude",
        "Exif.Photo.BodySerialNumber",
        "Exif.Photo.LensSerialNumber",
        "Exif.Photo.MakerNote",
        "Exif.Photo.CameraOwnerName",
        "Exif.Image.HostComputer",
        "Exif.Thumbnail.JPEGInterchangeFormat",
        "Xmp.xmpMM.History",
        "Iptc.Application2.City",
        "Xmp.photoshop.City",
    } <= removed
    assert "Exif.Image.Make" in {f.key for f in diff.kept}
    changed = {old.key: (old.value, new.value) for old, new in diff.changed}
    assert changed["Exif.Image.Artist"] == ("Alex Example", "Ann")


def test_rights_fields_are_listed_as_added(before_after):
    added = {f.key for f in diff_metadata(*before_after).added}
    assert {
        "Xmp.plus.DataMining",
        "Xmp.plus.OtherConstraints",
        "Xmp.xmpRights.Marked",
        "Xmp.dc.rights",
        "Exif.Image.Copyright",
        "Iptc.Application2.Copyright",
    } <= added


def test_summary_groups_private_fields_in_plain_words(before_after):
    diff = diff_metadata(*before_after)
    summary = diff.removed_summary()
    assert summary.startswith(f"{len(diff.private_removed)} private fields removed: ")
    for words in (
        "GPS position",
        "camera serial numbers",
        "owner name",
        "maker notes",
        "embedded thumbnail",
        "edit history",
        "IPTC location",
    ):
        assert words in summary
    private = {f.key for f in diff.private_removed}
    assert not private & {
        "Exif.Image.GPSTag",
        "Exif.Thumbnail.JPEGInterchangeFormatLength",
        "Exif.GPSInfo.GPSVersionID",
        "Exif.Image.Orientation",
    }
    assert not [old for old, _ in diff.changed if old.structural]


def test_nothing_removed():
    metadata = Metadata((Field("Exif.Image.Make", "Camera make", "Cam", "device"),))
    diff = diff_metadata(metadata, metadata)
    assert diff.removed_summary() == "No private fields removed."
    assert diff.kept == metadata.fields and not diff.added and not diff.changed
    one = diff_metadata(
        Metadata((Field("Png.Text.Author", "PNG text: Author", "Ann", "owner"),)), Metadata(())
    )
    assert one.removed_summary() == "1 private field removed: owner name"
