import io
import struct
from fractions import Fraction

import pytest
from PIL import Image

from notrain.metadata import EXIF_ALLOWLIST, PrivacyOptions, compose_metadata
from notrain.metadata.exif import ExifEntry, ascii_entry, build_exif
from notrain.metadata.iptc import encode_iim, insert_jpeg_app13
from notrain.metadata.xmp import XmpArray, XmpProperty, XmpStruct, build_packet
from notrain.samples import SAMPLE_CAMERA, make_photo

PRIVATE_EXIF = (
    "Exif.Image.Artist",
    "Exif.Image.HostComputer",
    "Exif.Image.Software",
    "Exif.Image.DateTime",
    "Exif.Image.Orientation",
    "Exif.Photo.UserComment",
    "Exif.Photo.CameraOwnerName",
)
SERIALS = (
    "Exif.Photo.BodySerialNumber",
    "Exif.Photo.LensSerialNumber",
    "Exif.Photo.MakerNote",
    "Exif.Photo.ImageUniqueID",
)
KEPT = {
    "Exif.Image.Make": SAMPLE_CAMERA.make,
    "Exif.Image.Model": SAMPLE_CAMERA.model,
    "Exif.Photo.LensModel": SAMPLE_CAMERA.lens,
    "Exif.Photo.DateTimeOriginal": "2025:06:14 18:42:07",
    "Exif.Photo.OffsetTimeOriginal": "+02:00",
    "Exif.Photo.ISOSpeedRatings": "200",
    "Exif.Photo.FNumber": "4",
    "Exif.Photo.FocalLength": "35",
}
IPTC_LOCATION = (
    "Iptc.Application2.City",
    "Iptc.Application2.SubLocation",
    "Iptc.Application2.ProvinceState",
    "Iptc.Application2.CountryName",
)
XMP_LOCATION = {
    "Xmp.photoshop.City": "Berlin",
    "Xmp.photoshop.Country": "Germany",
    "Xmp.iptc.Location": "Pariser Platz 1",
}


def _degrees(rationals: str) -> float:
    d, m, s = (float(Fraction(part)) for part in rationals.split())
    return d + m / 60 + s / 3600


@pytest.fixture(params=["jpeg", "png", "webp"])
def fmt(request):
    return request.param


def test_default_strips_everything_private(sample, encode, exiv2, fmt):
    out = compose_metadata(sample, privacy=PrivacyOptions(), rights=None)
    assert out.xmp is None and out.iptc is None
    found = exiv2(encode(fmt, out))
    assert not [
        k
        for k in found
        if k.startswith(("Exif.GPSInfo", "Exif.Thumbnail", "Exif.Image.GPSTag", "Xmp.", "Iptc."))
    ]
    for key in PRIVATE_EXIF + SERIALS:
        assert key not in found, key
    for key, value in KEPT.items():
        assert found[key] == value, key
    assert float(Fraction(found["Exif.Photo.ExposureTime"])) == pytest.approx(1 / 250)


def test_keep_location_keeps_the_same_position_and_names(sample, encode, exiv2, fmt):
    out = compose_metadata(sample, privacy=PrivacyOptions(keep_location=True), rights=None)
    found = exiv2(encode(fmt, out))
    assert _degrees(found["Exif.GPSInfo.GPSLatitude"]) == pytest.approx(
        SAMPLE_CAMERA.latitude, abs=1e-6
    )
    assert _degrees(found["Exif.GPSInfo.GPSLongitude"]) == pytest.approx(
        SAMPLE_CAMERA.longitude, abs=1e-6
    )
    assert (found["Exif.GPSInfo.GPSLatitudeRef"], found["Exif.GPSInfo.GPSLongitudeRef"]) == (
        "N",
        "E",
    )
    assert float(Fraction(found["Exif.GPSInfo.GPSAltitude"])) == pytest.approx(
        SAMPLE_CAMERA.altitude
    )
    for key, value in XMP_LOCATION.items():
        assert found[key] == value
    if fmt != "webp":
        assert [found[k] for k in IPTC_LOCATION] == ["Berlin", "Pariser Platz", "Berlin", "Germany"]
    for key in SERIALS + (
        "Xmp.xmpMM.History",
        "Xmp.dc.creator",
        "Iptc.Application2.Byline",
        "Iptc.Application2.Caption",
    ):
        assert key not in found, key


def test_keep_camera_keeps_serials_but_not_location(sample, encode, exiv2):
    out = compose_metadata(sample, privacy=PrivacyOptions(keep_camera=True), rights=None)
    found = exiv2(encode("jpeg", out))
    assert found["Exif.Photo.BodySerialNumber"] == SAMPLE_CAMERA.body_serial
    assert found["Exif.Photo.LensSerialNumber"] == SAMPLE_CAMERA.lens_serial
    assert found["Exif.Photo.ImageUniqueID"] == "0f3c9a1d5e7b4c2a8d6e1f0a9b8c7d6e"
    maker = bytes(int(b) for b in found["Exif.Photo.MakerNote"].split())
    assert maker.startswith(b"NOTRAINCAM\x00\x01" + SAMPLE_CAMERA.body_serial.encode())
    assert not [k for k in found if k.startswith(("Exif.GPSInfo", "Iptc.", "Xmp."))]


def test_unknown_and_vendor_tags_cannot_leak(encode, exiv2):
    source = build_exif(
        {
            "Image": [
                ascii_entry(0x010F, "Cam"),
                ExifEntry(0xC4A5, 7, 4, b"PIM\x00"),
                ascii_entry(0xFDE8, "secret owner"),
            ],
            "Photo": [ascii_entry(0xEA1C, "padding"), ascii_entry(0x9003, "2024:01:02 03:04:05")],
        }
    )
    buf = io.BytesIO()
    make_photo(32, 24).save(buf, "JPEG", exif=source)
    out = compose_metadata(
        buf.getvalue(), privacy=PrivacyOptions(keep_location=True, keep_camera=True), rights=None
    )
    found = exiv2(encode("jpeg", out))
    assert found["Exif.Image.Make"] == "Cam"
    assert found["Exif.Photo.DateTimeOriginal"] == "2024:01:02 03:04:05"
    assert not [k for k, v in found.items() if "secret" in str(v) or "0x" in k or "PrintImage" in k]


def test_big_endian_source_is_copied_exactly(encode, exiv2):
    entries = {
        "Image": [ascii_entry(0x010F, "BigEndianCam")],
        "Photo": [
            ExifEntry(0x8827, 3, 1, struct.pack(">H", 3200) + b"\x00\x00"),
            ExifEntry(0x9204, 10, 1, struct.pack(">ii", -2, 3)),
        ],
    }
    buf = io.BytesIO()
    make_photo(32, 24).save(buf, "JPEG", exif=build_exif(entries, ">"))
    out = compose_metadata(buf.getvalue(), privacy=PrivacyOptions(), rights=None)
    found = exiv2(encode("jpeg", out))
    assert found["Exif.Photo.ISOSpeedRatings"] == "3200"
    assert found["Exif.Photo.ExposureBiasValue"] == "-2/3"


def test_latin1_location_is_carried_as_utf8(encode, exiv2):
    iim = encode_iim([(1, 90, b""), (2, 90, "Zürich".encode("latin-1"))])
    buf = io.BytesIO()
    make_photo(32, 24).save(buf, "JPEG")
    source = insert_jpeg_app13(buf.getvalue(), iim)
    out = compose_metadata(source, privacy=PrivacyOptions(keep_location=True), rights=None)
    assert exiv2(encode("jpeg", out))["Iptc.Application2.City"] == "Zürich"


def test_structured_xmp_location_is_kept(encode, exiv2):
    ext = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    place = XmpStruct((XmpProperty(ext, "City", "Lyon"), XmpProperty(ext, "CountryName", "France")))
    packet = build_packet(
        [
            XmpProperty(ext, "LocationCreated", XmpArray("Bag", (place,))),
            XmpProperty(ext, "PersonInImage", XmpArray("Bag", ("Kid",))),
        ]
    )
    buf = io.BytesIO()
    make_photo(32, 24).save(buf, "JPEG", xmp=packet)
    found = exiv2(
        encode(
            "jpeg",
            compose_metadata(
                buf.getvalue(), privacy=PrivacyOptions(keep_location=True), rights=None
            ),
        )
    )
    assert found["Xmp.iptcExt.LocationCreated[1]/Iptc4xmpExt:City"] == "Lyon"
    assert "Xmp.iptcExt.PersonInImage" not in found


def test_orientation_is_not_copied(exiv2):
    from notrain.samples import sample_jpeg

    out = compose_metadata(
        sample_jpeg(64, 48, orientation=6),
        privacy=PrivacyOptions(keep_camera=True, keep_location=True),
        rights=None,
    )
    exif = Image.Exif()
    exif.load(out.exif)
    assert 0x0112 not in exif


def test_allowlist_is_documented_data():
    assert len({(rule.group, rule.tag) for rule in EXIF_ALLOWLIST}) == len(EXIF_ALLOWLIST)
    for rule in EXIF_ALLOWLIST:
        assert rule.reason and rule.condition in ("always", "keep_location", "keep_camera")
    conditions = {rule.name: rule.condition for rule in EXIF_ALLOWLIST}
    assert conditions["BodySerialNumber"] == conditions["MakerNote"] == "keep_camera"
    assert conditions["GPS (every tag)"] == "keep_location"
    assert "Artist" not in conditions and "Orientation" not in conditions
