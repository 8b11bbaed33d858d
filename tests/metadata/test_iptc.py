import io
import struct

from PIL import Image, IptcImagePlugin

from notrain.metadata.iptc import (
    UTF8_MARKER,
    decode_iim,
    encode_iim,
    iim_from_photoshop,
    iim_is_utf8,
    iim_text,
    insert_jpeg_app13,
    photoshop_resource,
)
from notrain.samples import make_photo


def test_decode_reverses_encode_and_agrees_with_pillow():
    datasets = [(2, 80, "Zoë".encode()), (2, 25, b"one"), (2, 25, b"two"), (2, 116, b"(c) Z")]
    stream = encode_iim(datasets)
    decoded = decode_iim(stream)
    assert decoded[:2] == [(1, 90, UTF8_MARKER), (2, 0, b"\x00\x04")]
    assert decoded[2:] == datasets
    buf = io.BytesIO()
    make_photo(16, 16).save(buf, "JPEG")
    pillow = IptcImagePlugin.getiptcinfo(
        Image.open(io.BytesIO(insert_jpeg_app13(buf.getvalue(), stream)))
    )
    assert pillow[(2, 80)] == "Zoë".encode() and pillow[(2, 25)] == [b"one", b"two"]


def test_extended_length_and_truncation():
    long_value = b"x" * 40000
    extended = (
        b"\x1c\x02\x78"
        + struct.pack(">H", 0x8004)
        + struct.pack(">I", len(long_value))
        + long_value
    )
    assert decode_iim(extended) == [(2, 120, long_value)]
    assert decode_iim(extended[:-1]) == []
    assert decode_iim(encode_iim([(2, 5, b"title")]) + b"\x00junk")[-1] == (2, 5, b"title")


def test_photoshop_resources_are_searched():
    other = b"8BIM" + struct.pack(">H", 0x0425) + b"\x05named" + struct.pack(">I", 3) + b"abc\x00"
    iim = encode_iim([(2, 80, b"Ann")])
    assert iim_from_photoshop(b"Photoshop 3.0\x00" + other + photoshop_resource(iim)) == iim
    assert iim_from_photoshop(other) is None
    assert iim_from_photoshop(b"8BIM\x04") is None


def test_text_decoding():
    assert iim_is_utf8(decode_iim(encode_iim([])))
    assert iim_text("Zürich".encode("latin-1"), utf8=False) == "Zürich"
    assert iim_text("Zürich".encode(), utf8=False) == "Zürich"
