import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from notrain.errors import InputError
from notrain.metadata import OutputMetadata, PrivacyOptions, Rights, compose_metadata, embed_iptc
from notrain.metadata.iptc import encode_iim
from notrain.samples import make_photo


def _encoded(fmt: str) -> bytes:
    buf = io.BytesIO()
    make_photo(48, 32, seed=5).save(buf, fmt.upper())
    return buf.getvalue()


def _pixels(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes, int]]:
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        chunks.append((kind, body, crc))
        pos += 12 + length
    return chunks


def test_nothing_in_nothing_out():
    assert compose_metadata(None, privacy=PrivacyOptions(), rights=None) == OutputMetadata(
        None, None, None
    )


def test_rights_without_source(sample):
    out = compose_metadata(
        None, privacy=PrivacyOptions(keep_location=True), rights=Rights(owner="Ann")
    )
    assert out.exif.startswith(b"Exif\x00\x00") and out.xmp and out.iptc
    exif = Image.Exif()
    exif.load(out.exif)
    assert exif[0x013B] == "Ann"


def test_source_may_be_a_path(tmp_path, sample):
    path = tmp_path / "in.jpg"
    path.write_bytes(sample)
    rights = Rights(owner="Ann")
    assert compose_metadata(path, privacy=PrivacyOptions(), rights=rights) == compose_metadata(
        sample, privacy=PrivacyOptions(), rights=rights
    )
    with pytest.raises(InputError):
        compose_metadata(tmp_path / "missing.jpg", privacy=PrivacyOptions(), rights=None)


def test_jpeg_gets_an_app13_segment_and_the_same_pixels(exiv2):
    original = _encoded("jpeg")
    iim = encode_iim([(2, 80, b"Ann")])
    embedded = embed_iptc(original, "jpeg", iim)
    assert b"\xff\xedPhotoshop" not in original and b"Photoshop 3.0\x00" in embedded
    assert np.abs(_pixels(embedded) - _pixels(original)).max() <= 1
    assert exiv2(embedded)["Iptc.Application2.Byline"] == ["Ann"]


def test_png_gets_a_valid_ztxt_chunk_before_the_image_data(exiv2):
    original = _encoded("png")
    embedded = embed_iptc(original, "png", encode_iim([(2, 116, "© Zoë".encode())]))
    chunks = _png_chunks(embedded)
    kinds = [kind for kind, _, _ in chunks]
    position = kinds.index(b"zTXt")
    assert position < kinds.index(b"IDAT")
    kind, body, crc = chunks[position]
    assert zlib.crc32(kind + body) == crc
    keyword, _, rest = body.partition(b"\x00")
    assert keyword == b"Raw profile type iptc" and zlib.decompress(rest[1:]).startswith(b"\niptc\n")
    image = Image.open(io.BytesIO(embedded))
    image.verify()
    assert np.abs(_pixels(embedded) - _pixels(original)).max() <= 1
    assert exiv2(embedded)["Iptc.Application2.Copyright"] == "© Zoë"


def test_webp_and_empty_iptc_are_left_alone():
    webp = _encoded("webp")
    assert embed_iptc(webp, "webp", encode_iim([(2, 80, b"Ann")])) == webp
    jpeg = _encoded("jpeg")
    assert embed_iptc(jpeg, "jpeg", None) == jpeg


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="tiff"):
        embed_iptc(b"II*\x00", "tiff", b"x")


def test_damaged_source_blocks_are_dropped_not_fatal():
    buf = io.BytesIO()
    make_photo(32, 24).save(buf, "JPEG", exif=b"Exif\x00\x00broken", xmp=b"<not xml")
    out = compose_metadata(
        buf.getvalue(), privacy=PrivacyOptions(keep_location=True), rights=Rights(owner="Ann")
    )
    exif = Image.Exif()
    exif.load(out.exif)
    assert dict(exif) == {0x013B: "Ann", 0x8298: exif[0x8298]}
