import io
import struct

import pytest
from PIL import ExifTags, Image

from notrain.metadata.container import extract_blocks
from notrain.metadata.exif import ExifEntry, ascii_entry, build_exif, decode_value, parse_exif
from notrain.samples import SAMPLE_CAMERA


def _sample_block(sample):
    return parse_exif(extract_blocks(sample).exif)


def test_parse_finds_every_ifd_and_the_thumbnail(sample):
    block = _sample_block(sample)
    assert {"Image", "Photo", "GPSInfo", "Thumbnail"} <= set(block.groups)
    serial = block.find("Photo", ExifTags.Base.BodySerialNumber)
    assert decode_value(serial, block.byte_order) == SAMPLE_CAMERA.body_serial
    thumb = Image.open(io.BytesIO(block.thumbnail))
    assert thumb.format == "JPEG" and max(thumb.size) <= 160


def test_parse_agrees_with_pillow(sample):
    block = _sample_block(sample)
    pillow = Image.open(io.BytesIO(sample)).getexif()
    gps = pillow.get_ifd(ExifTags.IFD.GPSInfo)
    ours = decode_value(block.find("GPSInfo", ExifTags.GPS.GPSLatitude), block.byte_order)
    assert [float(v) for v in ours] == pytest.approx(
        [float(v) for v in gps[ExifTags.GPS.GPSLatitude]]
    )
    assert (
        decode_value(block.find("Image", ExifTags.Base.Make), block.byte_order)
        == pillow[ExifTags.Base.Make]
    )


@pytest.mark.parametrize("order", ["<", ">"])
def test_build_round_trips_through_pillow(order):
    entries = {
        "Image": [ascii_entry(0x010F, "Cam"), ascii_entry(0x013B, "Zoë")],
        "Photo": [
            ExifEntry(0x8827, 3, 1, struct.pack(order + "H", 400)),
            ExifEntry(0x829A, 5, 1, struct.pack(order + "II", 1, 125)),
        ],
        "GPSInfo": [
            ExifEntry(0x0001, 2, 2, b"S\x00"),
            ExifEntry(0x0002, 5, 3, struct.pack(order + "6I", 33, 1, 51, 1, 3, 1)),
        ],
    }
    data = build_exif(entries, order)
    assert data.startswith(b"Exif\x00\x00")
    exif = Image.Exif()
    exif.load(data)
    assert exif[0x010F] == "Cam"
    assert exif.get_ifd(ExifTags.IFD.Exif)[0x8827] == 400
    assert float(exif.get_ifd(ExifTags.IFD.Exif)[0x829A]) == pytest.approx(1 / 125)
    assert [float(v) for v in exif.get_ifd(ExifTags.IFD.GPSInfo)[2]] == [33, 51, 3]
    again = parse_exif(data)
    assert again.byte_order == order and again.thumbnail is None
    assert decode_value(again.find("Image", 0x013B), order) == "Zoë"


def test_build_writes_nothing_for_nothing():
    assert build_exif({}) is None
    assert build_exif({"Iop": [ExifEntry(1, 2, 4, b"R98\x00")]}) is None


def test_damaged_blocks_yield_what_is_intact(sample):
    block = extract_blocks(sample).exif
    truncated = parse_exif(block[:200])
    assert truncated.entries("Image")
    with pytest.raises(ValueError):
        parse_exif(b"Exif\x00\x00garbage")
    loop = bytearray(b"II*\x00\x08\x00\x00\x00\x01\x00")
    loop += struct.pack("<HHII", 0x8769, 4, 1, 8) + struct.pack("<I", 8)
    looped = parse_exif(bytes(loop))
    assert [e.tag for e in looped.entries("Image")] == [0x8769]
