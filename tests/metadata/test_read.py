import io
import re
import struct
import zlib
from fractions import Fraction

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from notrain.errors import CorruptFileError, InputError, UnsupportedFormatError
from notrain.metadata import Metadata, read_metadata
from notrain.metadata.exif import ExifEntry, ascii_entry, build_exif
from notrain.metadata.iptc import IIM_DATASETS, encode_iim, insert_jpeg_app13
from notrain.metadata.privacy import EXIF_ALLOWLIST
from notrain.metadata.tags import describe_tag
from notrain.metadata.xmp import NAMESPACES, XmpProperty, build_packet
from notrain.samples import SAMPLE_CAMERA, make_photo


def _top_level(key: str) -> str:
    return re.split(r"[\[/]", key, maxsplit=1)[0]


def _jpeg(**metadata) -> bytes:
    buf = io.BytesIO()
    make_photo(32, 24).save(buf, "JPEG", **metadata)
    return buf.getvalue()


def _decimal(rationals: str) -> float:
    d, m, s = (float(Fraction(part)) for part in rationals.split())
    return d + m / 60 + s / 3600


def test_every_key_exiv2_reports_is_found(sample, exiv2):
    ours = {f.key for f in read_metadata(sample).fields}
    theirs = {_top_level(key) for key in exiv2(sample)}
    assert theirs - ours == set()


@pytest.mark.parametrize("fmt", ["jpeg", "png", "webp"])
def test_every_key_exiv2_reports_in_written_files_is_found(sample, encode, exiv2, fmt):
    from notrain.metadata import PrivacyOptions, Rights, compose_metadata

    everything = PrivacyOptions(keep_location=True, keep_camera=True)
    rights = Rights(owner="Ann", contact="ann@example.org", tdm_policy="https://example.org/p")
    data = encode(fmt, compose_metadata(sample, privacy=everything, rights=rights))
    ours = {f.key for f in read_metadata(data).fields}
    assert {_top_level(key) for key in exiv2(data)} - ours == set()


@pytest.mark.parametrize(
    "key",
    [
        "Exif.Image.Make",
        "Exif.Image.Model",
        "Exif.Image.Artist",
        "Exif.Image.HostComputer",
        "Exif.Photo.DateTimeOriginal",
        "Exif.Photo.BodySerialNumber",
        "Exif.Photo.LensSerialNumber",
        "Exif.Photo.ISOSpeedRatings",
        "Exif.Photo.LensModel",
        "Exif.GPSInfo.GPSLatitudeRef",
        "Iptc.Application2.City",
        "Iptc.Application2.Caption",
        "Xmp.photoshop.City",
        "Xmp.iptc.Location",
        "Xmp.xmp.CreatorTool",
    ],
)
def test_values_match_exiv2(sample, exiv2, key):
    assert read_metadata(sample).get(key).value == exiv2(sample)[key]


def test_lists_are_joined_like_exiv2(sample, exiv2):
    theirs = exiv2(sample)
    metadata = read_metadata(sample)
    assert metadata.get("Iptc.Application2.Byline").value == "; ".join(
        theirs["Iptc.Application2.Byline"]
    )
    assert metadata.get("Xmp.dc.creator").value == "; ".join(theirs["Xmp.dc.creator"])


def test_gps_is_decimal_degrees(sample, exiv2):
    theirs = exiv2(sample)
    metadata = read_metadata(sample)
    lat, lon = metadata.location
    assert lat == pytest.approx(_decimal(theirs["Exif.GPSInfo.GPSLatitude"]), abs=1e-6)
    assert lon == pytest.approx(_decimal(theirs["Exif.GPSInfo.GPSLongitude"]), abs=1e-6)
    assert (lat, lon) == pytest.approx((SAMPLE_CAMERA.latitude, SAMPLE_CAMERA.longitude), abs=1e-6)
    assert metadata.get("Exif.GPSInfo.GPSLatitude").label == "GPS latitude"


def test_southern_and_western_positions_are_negative():
    gps = [
        ExifEntry(0x0001, 2, 2, b"S\x00"),
        ExifEntry(0x0002, 5, 3, struct.pack("<6I", 33, 1, 52, 1, 0, 1)),
        ExifEntry(0x0003, 2, 2, b"W\x00"),
        ExifEntry(0x0004, 5, 3, struct.pack("<6I", 70, 1, 30, 1, 0, 1)),
    ]
    data = _jpeg(exif=build_exif({"Image": [ascii_entry(0x010F, "Cam")], "GPSInfo": gps}))
    assert read_metadata(data).location == pytest.approx((-(33 + 52 / 60), -70.5))


def test_xmp_only_position_is_found():
    exif_ns = "http://ns.adobe.com/exif/1.0/"
    packet = build_packet(
        [
            XmpProperty(exif_ns, "GPSLatitude", "52,30.9765N"),
            XmpProperty(exif_ns, "GPSLongitude", "13,22.6622W"),
        ]
    )
    metadata = read_metadata(_jpeg(xmp=packet))
    assert metadata.location == pytest.approx((52.516275, -13.377703), abs=1e-5)
    assert metadata.get("Xmp.exif.GPSLatitude").category == "location"


def test_what_a_photo_reveals_is_sorted_into_categories(sample):
    groups = {
        c: {f.key for f in fields} for c, fields in read_metadata(sample).by_category().items()
    }
    assert {
        "Exif.GPSInfo.GPSLatitude",
        "Iptc.Application2.City",
        "Xmp.photoshop.City",
        "Xmp.iptc.Location",
    } <= groups["location"]
    assert {
        "Exif.Photo.BodySerialNumber",
        "Exif.Photo.LensSerialNumber",
        "Exif.Photo.MakerNote",
        "Exif.Photo.ImageUniqueID",
    } <= groups["serial"]
    assert {
        "Exif.Image.Artist",
        "Exif.Image.HostComputer",
        "Exif.Photo.CameraOwnerName",
        "Iptc.Application2.Byline",
        "Xmp.dc.creator",
    } <= groups["owner"]
    assert {"Exif.Image.Make", "Exif.Image.Model", "Exif.Photo.LensModel"} <= groups["device"]
    assert {"Exif.Image.Software", "Xmp.xmp.CreatorTool"} <= groups["software"]
    assert "Exif.Thumbnail.JPEGInterchangeFormat" in groups["thumbnail"]
    assert "Xmp.xmpMM.History" in groups["history"]
    assert {"Exif.Photo.UserComment", "Iptc.Application2.Caption"} <= groups["description"]
    assert {"Exif.Photo.ExposureTime", "Exif.Photo.FNumber"} <= groups["technical"]
    assert "rights" not in groups
    assert list(groups) == [
        c
        for c in (
            "location",
            "device",
            "serial",
            "owner",
            "date",
            "software",
            "thumbnail",
            "rights",
            "history",
            "description",
            "technical",
        )
        if c in groups
    ]


def test_values_are_readable(sample):
    metadata = read_metadata(sample)
    assert metadata.get("Exif.Photo.ExposureTime").value == "1/250 s"
    assert metadata.get("Exif.Photo.MakerNote").value == "<76 bytes>"
    assert metadata.get("Exif.Photo.UserComment").value == "Birthday at home"
    assert re.fullmatch(
        r"<\d+-byte JPEG>", metadata.get("Exif.Thumbnail.JPEGInterchangeFormat").value
    )
    history = metadata.get("Xmp.xmpMM.History").value
    assert "1 entry" in history and "Photo Editor 5.1" in history


def test_container_bookkeeping_is_structural(sample):
    metadata = read_metadata(sample)
    for key in (
        "Exif.Image.ExifTag",
        "Exif.Image.GPSTag",
        "Iptc.Envelope.CharacterSet",
        "Iptc.Application2.RecordVersion",
        "Exif.Thumbnail.JPEGInterchangeFormatLength",
    ):
        assert metadata.get(key).structural, key
    assert not metadata.get("Exif.Thumbnail.JPEGInterchangeFormat").structural
    assert not metadata.get("Exif.GPSInfo.GPSLatitude").structural


def test_exif_names_match_exiv2(exiv2):
    tags: dict[str, set[int]] = {"Image": set(), "Photo": set()}
    for rule in EXIF_ALLOWLIST:
        if rule.tag is not None:
            tags[rule.group].add(rule.tag)
    tags["Image"] |= {0x000B, 0x010E, 0x0112, 0x0131, 0x0132, 0x013B, 0x013C, 0x8298, 0x9C9D}
    tags["Photo"] |= {0x9010, 0x9214, 0x9286, 0x9290, 0x9400, 0xA000, 0xA002, 0xA003, 0xA430}
    groups = {
        group: [
            ExifEntry(tag, 7, 2, b"\x41\x00")
            if tag in (0x9286, 0x9C9D)
            else ExifEntry(tag, 3, 1, b"\x01\x00")
            for tag in sorted(numbers)
        ]
        for group, numbers in tags.items()
    }
    data = _jpeg(exif=build_exif(groups))
    theirs = {k for k in exiv2(data) if k.startswith("Exif.")}
    ours = {f.key for f in read_metadata(data).fields if f.key.startswith("Exif.")}
    assert ours == theirs
    for rule in EXIF_ALLOWLIST:
        if rule.tag is not None:
            assert describe_tag(rule.group, rule.tag).name == rule.name


def test_iim_names_match_exiv2(exiv2):
    values = {
        (1, 0): b"\x00\x04",
        (1, 20): b"\x00\x01",
        (1, 22): b"\x00\x02",
        (2, 0): b"\x00\x04",
        (2, 10): b"5",
        (2, 55): b"20250614",
        (2, 60): b"184207+0200",
        (2, 62): b"20250614",
        (2, 63): b"184207+0200",
    }
    datasets = [(r, n, values.get((r, n), b"Text")) for r, n in IIM_DATASETS]
    data = insert_jpeg_app13(_jpeg(), encode_iim(datasets))
    theirs = {k for k in exiv2(data) if k.startswith("Iptc.")}
    ours = {f.key for f in read_metadata(data).fields if f.key.startswith("Iptc.")}
    assert ours == theirs


def test_xmp_prefixes_match_exiv2(exiv2):
    packet = build_packet([XmpProperty(uri, "Probe", "x") for uri in NAMESPACES])
    data = _jpeg(xmp=packet)
    assert {f.key for f in read_metadata(data).fields} == set(exiv2(data))


def test_png_text_chunks_are_read_even_after_the_image_data():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Alex Example")
    info.add_text("Comment", "at grandma's", zip=True)
    info.add_itxt("Software", "Editor ✓", lang="en")
    buf = io.BytesIO()
    make_photo(16, 16).save(buf, "PNG", pnginfo=info)
    data = buf.getvalue()
    tail = b"tEXtTitle\x00Late chunk"
    late = struct.pack(">I", len(tail) - 4) + tail + struct.pack(">I", zlib.crc32(tail))
    data = data[:-12] + late + data[-12:]
    metadata = read_metadata(data)
    assert metadata.get("Png.Text.Author").value == "Alex Example"
    assert metadata.get("Png.Text.Author").category == "owner"
    assert metadata.get("Png.Text.Comment").value == "at grandma's"
    assert metadata.get("Png.Text.Software").value == "Editor ✓"
    assert metadata.get("Png.Text.Title").value == "Late chunk"


def test_icc_profile_description():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    data = _jpeg(icc_profile=profile.tobytes())
    expected = ImageCms.getProfileDescription(profile).strip()
    assert read_metadata(data).get("Icc.ProfileDescription").value == expected


@pytest.mark.parametrize("fmt", ["HEIF", "AVIF", "WEBP", "TIFF"])
def test_other_formats(fmt, sample):
    from notrain.metadata import PrivacyOptions, Rights, compose_metadata

    out = compose_metadata(
        sample, privacy=PrivacyOptions(keep_location=True), rights=Rights(owner="Ann")
    )
    if fmt == "HEIF":
        pytest.importorskip("pillow_heif").register_heif_opener()
    if fmt == "AVIF" and not __import__("PIL.features").features.check("avif"):
        pytest.skip("this Pillow has no AVIF support")
    buf = io.BytesIO()
    if fmt == "TIFF":
        make_photo(16, 16).save(buf, "TIFF", tiffinfo={315: "Ann", 271: "NotrainCam", 700: out.xmp})
    else:
        make_photo(16, 16).save(buf, fmt, exif=out.exif, xmp=out.xmp)
    metadata = read_metadata(buf.getvalue())
    assert metadata.get("Exif.Image.Artist").value == "Ann"
    assert metadata.get("Xmp.plus.DataMining").value.endswith("DMI-PROHIBITED-AIMLTRAINING")
    if fmt != "TIFF":
        assert metadata.location == pytest.approx(
            (SAMPLE_CAMERA.latitude, SAMPLE_CAMERA.longitude), abs=1e-6
        )


def test_reads_from_a_path(tmp_path, sample):
    path = tmp_path / "photo.jpg"
    path.write_bytes(sample)
    assert read_metadata(path) == read_metadata(sample)
    assert isinstance(read_metadata(str(path)), Metadata)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(InputError) as missing:
        read_metadata(tmp_path / "nope.jpg")
    assert missing.value.path == tmp_path / "nope.jpg" and missing.value.hint
    with pytest.raises(InputError):
        read_metadata(tmp_path)


def test_not_an_image(tmp_path):
    with pytest.raises(CorruptFileError):
        read_metadata(b"")
    with pytest.raises(UnsupportedFormatError):
        read_metadata(b"just some text, not a picture")
    fake = tmp_path / "holiday.jpg"
    fake.write_text("not a jpeg")
    with pytest.raises(CorruptFileError) as error:
        read_metadata(fake)
    assert error.value.path == fake
    gif = io.BytesIO()
    Image.new("P", (4, 4)).save(gif, "GIF")
    with pytest.raises(UnsupportedFormatError, match="GIF"):
        read_metadata(gif.getvalue())


def test_truncated_image_is_corrupt(sample):
    with pytest.raises(CorruptFileError):
        read_metadata(sample[:100])
    with pytest.raises(CorruptFileError):
        read_metadata(b"\x89PNG\r\n\x1a\n\x00\x00")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>&lol4;</dc:title></rdf:Description></rdf:RDF></x:xmpmeta>"""


@pytest.mark.parametrize(
    "packet",
    [
        BILLION_LAUGHS,
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF',
        b"<!DOCTYPE x SYSTEM 'file:///etc/passwd'><x/>",
        b"\xff\xfe\x00garbage",
    ],
)
def test_hostile_or_broken_xmp_does_not_stop_the_rest(packet):
    exif = build_exif({"Image": [ascii_entry(0x010F, "Cam")]})
    metadata = read_metadata(_jpeg(exif=exif, xmp=packet))
    assert metadata.get("Exif.Image.Make").value == "Cam"
    assert metadata.get("Xmp.Packet").label == "Unreadable XMP packet"
    assert not [f for f in metadata.fields if f.key.startswith("Xmp.dc")]


def test_damaged_exif_and_iptc_are_read_as_far_as_they_go(sample):
    exif = build_exif({"Image": [ascii_entry(0x010F, "Cam"), ascii_entry(0x0110, "Model X")]})
    broken = exif[:-3] + b"\xff\xff\xff"
    iim = encode_iim([(2, 90, b"Berlin"), (2, 120, b"A caption")])[:-4]
    data = insert_jpeg_app13(_jpeg(exif=broken), iim)
    metadata = read_metadata(data)
    assert metadata.get("Exif.Image.Make").value == "Cam"
    assert metadata.get("Iptc.Application2.City").value == "Berlin"
    assert metadata.get("Iptc.Application2.Caption") is None
    garbage = read_metadata(_jpeg(exif=b"Exif\x00\x00not a tiff header"))
    assert garbage.get("Exif.Block").label == "Unreadable EXIF block"


def test_png_compression_bomb_is_skipped():
    body = b"Comment\x00\x00" + zlib.compress(bytes(64 * 1024 * 1024), 9)
    buf = io.BytesIO()
    make_photo(8, 8).save(buf, "PNG")
    data = buf.getvalue()
    chunk = (
        struct.pack(">I", len(body))
        + b"zTXt"
        + body
        + struct.pack(">I", zlib.crc32(b"zTXt" + body))
    )
    metadata = read_metadata(data[:33] + chunk + data[33:])
    assert metadata.get("Png.Text.Comment") is None
