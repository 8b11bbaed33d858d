"""Test inputs built in code: ICC profiles from published primaries, 16-bit files, patterns, JPEG readers.

Nothing here uses notrain: these are the independent readings the imaging
tests compare against.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image

D50 = np.array([0.9642, 1.0, 0.8249])
D65_XY = (0.3127, 0.3290)
SRGB_PRIMARIES = ((0.640, 0.330), (0.300, 0.600), (0.150, 0.060))
P3_PRIMARIES = ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060))
ADOBE_PRIMARIES = ((0.640, 0.330), (0.210, 0.710), (0.150, 0.060))
ADOBE_GAMMA = 563 / 256

_BRADFORD = np.array(
    [[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]]
)


def xy_to_xyz(x: float, y: float) -> np.ndarray:
    return np.array([x / y, 1.0, (1 - x - y) / y])


def rgb_to_xyz_matrix(primaries: tuple, white_xy: tuple[float, float] = D65_XY) -> np.ndarray:
    """The RGB -> XYZ matrix of a colour space from its primaries and white point (linear light)."""
    columns = np.stack([xy_to_xyz(*p) for p in primaries], axis=1)
    scale = np.linalg.solve(columns, xy_to_xyz(*white_xy))
    return columns * scale


def bradford(source_white: np.ndarray, target_white: np.ndarray) -> np.ndarray:
    cone_source, cone_target = _BRADFORD @ source_white, _BRADFORD @ target_white
    return np.linalg.inv(_BRADFORD) @ np.diag(cone_target / cone_source) @ _BRADFORD


def srgb_decode(v: np.ndarray) -> np.ndarray:
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def srgb_encode(v: np.ndarray) -> np.ndarray:
    v = np.clip(v, 0.0, 1.0)
    return np.where(v <= 0.0031308, 12.92 * v, 1.055 * v ** (1 / 2.4) - 0.055)


def expected_srgb(rgb8: np.ndarray, primaries: tuple, decode) -> np.ndarray:
    """8-bit sRGB values of 8-bit colours in another D65 RGB space, by plain matrix maths."""
    linear = decode(rgb8.astype(np.float64) / 255.0)
    to_srgb = np.linalg.inv(rgb_to_xyz_matrix(SRGB_PRIMARIES)) @ rgb_to_xyz_matrix(primaries)
    out = srgb_encode(linear @ to_srgb.T)
    return np.round(out * 255.0)


# --- ICC profiles (version 4, matrix/TRC, grey and a tiny CMYK LUT) -------------------------------


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz_tag(xyz) -> bytes:
    return b"XYZ \0\0\0\0" + b"".join(_s15(v) for v in xyz)


def _mluc(text: str) -> bytes:
    encoded = text.encode("utf-16-be")
    return (
        b"mluc\0\0\0\0"
        + struct.pack(">II", 1, 12)
        + b"enUS"
        + struct.pack(">II", len(encoded), 28)
        + encoded
    )


def _gamma_curve(gamma: float) -> bytes:
    return b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"


def _srgb_curve() -> bytes:
    params = (2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045)
    return b"para\0\0\0\0" + struct.pack(">HH", 3, 0) + b"".join(_s15(p) for p in params)


def _icc(device_class: bytes, space: bytes, tags: list[tuple[bytes, bytes]]) -> bytes:
    table_size = 4 + 12 * len(tags)
    offset = 128 + table_size
    table, body = struct.pack(">I", len(tags)), b""
    for signature, data in tags:
        padded = data + b"\0" * (-len(data) % 4)
        table += signature + struct.pack(">II", offset + len(body), len(data))
        body += padded
    size = 128 + table_size + len(body)
    header = (
        struct.pack(">I", size)
        + b"\0\0\0\0"
        + struct.pack(">I", 0x04300000)
        + device_class
        + space
        + b"XYZ "
        + struct.pack(">6H", 2026, 11, 26, 0, 0, 0)
        + b"acsp"
        + b"\0" * 24
        + struct.pack(">I", 0)
        + _s15(0.9642)
        + _s15(1.0)
        + _s15(0.8249)
        + b"\0" * 48
    )
    assert len(header) == 128
    return header + table + body


def rgb_profile(name: str, primaries: tuple, curve: str) -> bytes:
    """A matrix/TRC display profile; ``curve`` is "srgb" or "adobe" (gamma 563/256)."""
    adapted = bradford(xy_to_xyz(*D65_XY), D50) @ rgb_to_xyz_matrix(primaries)
    trc = _srgb_curve() if curve == "srgb" else _gamma_curve(ADOBE_GAMMA)
    return _icc(
        b"mntr",
        b"RGB ",
        [
            (b"desc", _mluc(name)),
            (b"wtpt", _xyz_tag(D50)),
            (b"rXYZ", _xyz_tag(adapted[:, 0])),
            (b"gXYZ", _xyz_tag(adapted[:, 1])),
            (b"bXYZ", _xyz_tag(adapted[:, 2])),
            (b"rTRC", trc),
            (b"gTRC", trc),
            (b"bTRC", trc),
        ],
    )


def display_p3() -> bytes:
    return rgb_profile("Display P3", P3_PRIMARIES, "srgb")


def adobe_rgb() -> bytes:
    return rgb_profile("Adobe RGB (1998)", ADOBE_PRIMARIES, "adobe")


def grey_profile() -> bytes:
    """A grey profile with gamma 563/256 and a D50 white."""
    return _icc(
        b"mntr",
        b"GRAY",
        [
            (b"desc", _mluc("Grey gamma 2.2")),
            (b"wtpt", _xyz_tag(D50)),
            (b"kTRC", _gamma_curve(ADOBE_GAMMA)),
        ],
    )


CMYK_INKS = {
    "C": np.array([0.0, 160 / 255, 230 / 255]),
    "M": np.array([220 / 255, 0.0, 130 / 255]),
    "Y": np.array([250 / 255, 220 / 255, 0.0]),
    "K": np.array([0.0, 0.0, 0.0]),
}
"""The sRGB colour each ink prints alone on white, for a made-up press whose inks multiply."""


def cmyk_expected(c: int, m: int, y: int, k: int) -> np.ndarray:
    """8-bit sRGB of a CMYK corner colour (each ink 0 or 255) on the made-up press."""
    linear = np.ones(3)
    for ink, amount in zip("CMYK", (c, m, y, k), strict=True):
        if amount:
            linear = linear * srgb_decode(CMYK_INKS[ink])
    return np.round(srgb_encode(linear) * 255.0)


def cmyk_profile() -> bytes:
    """A print profile with a 2-point-per-ink lut16 A2B0 table describing the made-up press."""
    to_xyz = bradford(xy_to_xyz(*D65_XY), D50) @ rgb_to_xyz_matrix(SRGB_PRIMARIES)
    clut = b""
    for c in (0, 255):
        for m in (0, 255):
            for y in (0, 255):
                for k in (0, 255):
                    linear = srgb_decode(cmyk_expected(c, m, y, k) / 255.0)
                    xyz = to_xyz @ linear
                    clut += struct.pack(">3H", *(min(65535, round(v * 32768)) for v in xyz))
    identity = b"".join(_s15(v) for v in (1, 0, 0, 0, 1, 0, 0, 0, 1))
    ramp = struct.pack(">2H", 0, 65535)
    lut = (
        b"mft2\0\0\0\0"
        + bytes([4, 3, 2, 0])
        + identity
        + struct.pack(">HH", 2, 2)
        + ramp * 4
        + clut
        + ramp * 3
    )
    return _icc(
        b"prtr",
        b"CMYK",
        [(b"desc", _mluc("Made-up press")), (b"wtpt", _xyz_tag(D50)), (b"A2B0", lut)],
    )


# --- Files Pillow cannot write ---------------------------------------------------------------------


def png16(array: np.ndarray) -> bytes:
    """A 16-bit PNG (grey for HxW, RGB for HxWx3) written chunk by chunk."""
    if array.ndim == 2:
        array = array[:, :, None]
    height, width, channels = array.shape
    colour_type = {1: 0, 3: 2}[channels]
    raw = b"".join(b"\x00" + array[row].astype(">u2").tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def tiff16_rgb(array: np.ndarray) -> bytes:
    """An uncompressed little-endian 16-bit RGB TIFF."""
    height, width, _ = array.shape
    pixels = array.astype("<u2").tobytes()
    entries = [
        (256, 4, 1, width),
        (257, 4, 1, height),
        (258, 3, 3, None),
        (259, 3, 1, 1),
        (262, 3, 1, 2),
        (273, 4, 1, None),
        (277, 3, 1, 3),
        (278, 4, 1, height),
        (279, 4, 1, len(pixels)),
        (284, 3, 1, 1),
    ]
    ifd_size = 2 + 12 * len(entries) + 4
    bits_at = 8 + ifd_size
    data_at = bits_at + 6
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        value = {258: bits_at, 273: data_at}.get(tag, value)
        packed = (
            struct.pack("<HH", value, 0) if kind == 3 and count == 1 else struct.pack("<I", value)
        )
        ifd += struct.pack("<HHI", tag, kind, count) + packed
    ifd += struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<3H", 16, 16, 16) + pixels


# --- Patterns and readers --------------------------------------------------------------------------


def corner_pattern(width: int = 48, height: int = 32) -> np.ndarray:
    """An upright test card: red top-left block, green top-right, blue bottom-left, grey elsewhere."""
    card = np.full((height, width, 3), 128, np.uint8)
    bw, bh = width // 4, height // 4
    card[:bh, :bw] = (255, 0, 0)
    card[:bh, -bw:] = (0, 255, 0)
    card[-bh:, :bw] = (0, 0, 255)
    return card


def stored_for_orientation(upright: np.ndarray, orientation: int) -> np.ndarray:
    """The pixels a camera stores so that EXIF ``orientation`` turns them into ``upright``.

    Straight from the EXIF definition of where row 0 and column 0 of the stored
    image lie in the upright picture.
    """
    return {
        1: upright,
        2: upright[:, ::-1],
        3: upright[::-1, ::-1],
        4: upright[::-1, :],
        5: upright.transpose(1, 0, 2),
        6: np.rot90(upright, 1),
        7: np.rot90(upright, 1)[:, ::-1],
        8: np.rot90(upright, -1),
    }[orientation].copy()


def exif_with_orientation(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


STANDARD_LUMINANCE = np.array(
    [
        [16, 11, 10, 16, 24, 40, 51, 61],
        [12, 12, 14, 19, 26, 58, 60, 55],
        [14, 13, 16, 24, 40, 57, 69, 56],
        [14, 17, 22, 29, 51, 87, 80, 62],
        [18, 22, 37, 56, 68, 109, 103, 77],
        [24, 35, 55, 64, 81, 104, 113, 92],
        [49, 64, 78, 87, 103, 121, 120, 101],
        [72, 92, 95, 98, 112, 100, 103, 99],
    ]
).ravel()
"""JPEG Annex K table K.1, the luminance table that libjpeg scales by quality."""


def estimate_quality(jpeg: bytes) -> int:
    """The libjpeg quality whose scaled Annex K table is closest to the file's luminance table."""
    with Image.open(io.BytesIO(jpeg)) as im:
        table = np.array(im.quantization[0])

    def scaled(quality: int) -> np.ndarray:
        factor = 5000 / quality if quality < 50 else 200 - 2 * quality
        return np.clip((STANDARD_LUMINANCE * factor + 50) // 100, 1, 255)

    return min(range(1, 101), key=lambda q: np.abs(scaled(q) - table).sum())


def jpeg_sampling(jpeg: bytes) -> tuple[tuple[int, int], ...]:
    """(horizontal, vertical) sampling factors of each component, read from the SOF segment."""
    pos = 2
    while pos < len(jpeg):
        marker, length = jpeg[pos + 1], struct.unpack(">H", jpeg[pos + 2 : pos + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            count = jpeg[pos + 9]
            factors = jpeg[pos + 10 : pos + 10 + 3 * count]
            return tuple((factors[i + 1] >> 4, factors[i + 1] & 15) for i in range(0, 3 * count, 3))
        pos += 2 + length
    raise ValueError("no SOF segment")


def as_png(array: np.ndarray, **params) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, "PNG", **params)
    return buffer.getvalue()


# --- A minimal XMP packet with the IPTC data-mining statement --------------------------------------

DATA_MINING_XMP = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:plus="http://ns.useplus.org/ldf/xmp/1.0/" '
    b'plus:DataMining="http://ns.useplus.org/ldf/vocab/DMI-PROHIBITED-AIMLTRAINING"/>'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)
