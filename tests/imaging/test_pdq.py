"""PDQ: the same hashes and qualities as Meta's reference, robust to re-encoding, and apart for different photos.

The expected hashes were computed once with ``pdqhash`` 0.2.8 (a binding of the
ThreatExchange C++ reference) as ``pdqhash.compute(np.asarray(image.convert("RGB")))``,
its bit vector packed most significant bit first into the reference's hex text.
"""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from PIL import Image, ImageEnhance
from support import SHARED, requires_shared

from notrain.imaging.pdq import (
    DIHEDRAL_NAMES,
    PDQ_BITS,
    PDQ_MATCH_DISTANCE,
    PDQ_MIN_QUALITY,
    PdqHash,
    hamming,
    pdq_dihedral,
    pdq_hash,
)
from notrain.samples import make_photo

KODAK = SHARED / "data" / "images" / "kodak"

REFERENCE_DISTANCE = 4
"""Float rounding may flip a coefficient that sits on the median; none did when these were made."""
REFERENCE_QUALITY = 2


def _rgb(luma: np.ndarray, tint: tuple[float, float, float] = (1.0, 0.9, 1.1)) -> Image.Image:
    channels = [np.clip(luma * t, 0, 255) for t in tint]
    return Image.fromarray(np.stack(channels, axis=-1).astype(np.uint8), "RGB")


def _grid(width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates in picture widths and heights, so a pattern looks the same at any size."""
    return np.meshgrid(np.linspace(0.0, 1.0, width), np.linspace(0.0, 1.0, height))


def waves(width: int, height: int) -> Image.Image:
    u, v = _grid(width, height)
    luma = 120 + 60 * np.sin(2 * np.pi * 3.3 * u) * np.cos(2 * np.pi * 2.2 * v)
    return _rgb(luma + 40 * np.sin(2 * np.pi * (1.7 * u + 2.9 * v)))


def rings(width: int, height: int) -> Image.Image:
    u, v = _grid(width, height)
    r = np.hypot(u - 0.37, (v - 0.61) * height / width)
    return _rgb(128 + 90 * np.sin(2 * np.pi * 4.5 * r) * np.exp(-r) + 20 * u)


def faint_photo(width: int, height: int, seed: int, contrast: float) -> Image.Image:
    """A photo pressed towards mid grey: fewer strong gradients, so a quality below 100."""
    pixels = np.asarray(make_photo(width, height, seed=seed), dtype=np.float64)
    return Image.fromarray((128 + contrast * (pixels - 128)).round().astype(np.uint8), "RGB")


def blocks(width: int, height: int) -> Image.Image:
    u, v = _grid(width, height)
    luma = 60 + 50 * ((np.floor(u * 7.3) + np.floor(v * 5.1)) % 3) + 40 * (u * u + 0.7 * v > 0.6)
    return _rgb(luma, (1.0, 1.0, 1.0))


BUILDERS = {
    "photo-64x64": lambda: make_photo(64, 64, seed=1),
    "photo-100x80": lambda: make_photo(100, 80, seed=2),
    "photo-640x480": lambda: make_photo(640, 480, seed=5),
    "photo-768x512": lambda: make_photo(768, 512, seed=6),
    "photo-1080x1350": lambda: make_photo(1080, 1350, seed=8),
    "photo-2048x1536": lambda: make_photo(2048, 1536, seed=10),
    "waves-400x300": lambda: waves(400, 300),
    "waves-1500x1100": lambda: waves(1500, 1100),
    "rings-333x250": lambda: rings(333, 250),
    "rings-2600x1300": lambda: rings(2600, 1300),
    "blocks-300x500": lambda: blocks(300, 500),
    "blocks-1200x1600": lambda: blocks(1200, 1600),
    "faint-640x480": lambda: faint_photo(640, 480, seed=21, contrast=0.12),
    "faint-900x600": lambda: faint_photo(900, 600, seed=22, contrast=0.3),
    "faint-500x700": lambda: faint_photo(500, 700, seed=23, contrast=0.06),
}

REFERENCE: dict[str, tuple[str, int]] = {
    "blocks-1200x1600": ("7eb0c34f541a3eb0cf009e2531d8670f4d5aeb4f9a24d36b545f56b0aaa156b2", 100),
    "blocks-300x500": ("7eb0c34f541a3ea0c7019e2531da670f4d5acb4f9a24db6b545f56b0aaa156b2", 100),
    "faint-500x700": ("3f01e3dc1ea15d3ae4d63dc1d318e07c1de1c41e434231f5ce3e39e28789cc3e", 3),
    "faint-640x480": ("940a0bae67f5fae35c0b050ea34ade716cb4710ebadb8ff16534002c9e4bbbc1", 4),
    "faint-900x600": ("2d0dd422a8f543ae9d053ce2671d93d52b2ad4d53d2aabd5c39eac6554a2ab15", 30),
    "photo-100x80": ("19926625985f635a15a7a9d1be67610da952dea13364ee1a5499b3667999c663", 100),
    "photo-1080x1350": ("c83ab7273fc448dcc8391523b54e62dc4ed11923313ebed40ed34d28f13ebe62", 100),
    "photo-2048x1536": ("6c6b8adab1a4584986b7afd254492b6594b44d4bb6b669695892a7a956d66969", 79),
    "photo-640x480": ("2a4ed5e597baf2714f8928868847ddbc063ae34375ac80f11c528f87d0ad3e3d", 100),
    "photo-64x64": ("ed1c13d931e3c232cfd02cde136ba120523fbfc09cc1233fff2090f126d6ff08", 100),
    "photo-768x512": ("106ded23e79a9ac51433626be5c8ac9512359d6aebdd47860e99997873666a85", 100),
    "rings-2600x1300": ("71bec42ed5bf312eceb9c42e31ae002ece31312e31aec63e71b131b1cec0ced1", 100),
    "rings-333x250": ("71f2ce51717239c1ce30ce5131ceff51ce3179c171c9ce4e112f113ec68a45ae", 100),
    "waves-1500x1100": ("3fc60032bfc60032ffc61032ffc65532ffc6553205c7002d003fffc5003bffcd", 100),
    "waves-400x300": ("2fc60032afc60032ffc65432ffc65532ffc6553205c7002d003fffc5003bffcd", 100),
}

KODAK_REFERENCE: dict[str, tuple[str, int]] = {
    "kodim01.png": ("0c301eb1b9606a686987ff696b870c719964af60f769e04efe6df387483a0cb1", 100),
    "kodim02.png": ("9e769c723e31f26163cc738e1c760c71ce61a38e958e1e738c70e18e73865c5a", 100),
    "kodim03.png": ("711c541c9e158f0e8f06ab91a54bbb43bbe19ef02af8d2bccb5c273ed90a0d43", 100),
    "kodim04.png": ("15b56e30e9e9b076ec18e92d74f6fed9b3a56df45bf001c425f1016b45062153", 100),
    "kodim05.png": ("3ec37efb7f316350c7e34b8b8b18cb1cc3d8968b369e3b9c2406c42f70640875", 100),
    "kodim06.png": ("fe4ee412fe3efee766e300711f8c00d00238fc08f11fe363e36bf31f45610561", 100),
    "kodim07.png": ("a916a9a95a2266d706cd598c49f9fa67326d70d0349799da919023abc9b18edf", 100),
    "kodim08.png": ("9a18b3444cc0ea24c0f41f05d149e3749c85b1d3b6cdf4db2ee16da7193748ff", 100),
    "kodim09.png": ("40e1b88f777408cbdca945543b9e3873956ac29f62d48c48ddabb3b40a747c8f", 100),
    "kodim10.png": ("bd133a64f4dbbd206a6e740b681c50525438d0dfd5a8b56beb4025a3ab47ebc6", 100),
    "kodim11.png": ("4394d363f4677cc53848ac3acd95c390135a3aacfe67fe6b89a405b64552ba49", 100),
    "kodim12.png": ("a94ccd4c9c6b9e63c633c6339693719375b67984398c738cc69472313a31caf5", 100),
}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_hash_and_quality_match_the_reference(name: str) -> None:
    expected_hex, expected_quality = REFERENCE[name]
    result = pdq_hash(BUILDERS[name]())
    assert hamming(result.bits, bytes.fromhex(expected_hex)) <= REFERENCE_DISTANCE, result.hex
    assert abs(result.quality - expected_quality) <= REFERENCE_QUALITY
    assert hamming(result.bits, bytes(32)) == PDQ_BITS // 2, "the median splits the 256 bits in two"


@pytest.mark.parametrize(("step", "quality"), [(5, 44), (6, 89)])
def test_quality_counts_truncated_gradient_percentages(step: int, quality: int) -> None:
    """A 64 x 64 picture is not filtered. Columns rising then falling by ``step`` levels give
    64 * 63 horizontal steps of trunc(step * 100 / 255) percent each and no vertical ones:
    4032 // 90 = 44 for step 5 (1.96 truncates to 1), 8064 // 90 = 89 for step 6."""
    columns = step * (32 - np.abs(np.arange(64) - 32))
    picture = Image.fromarray(np.tile(columns, (64, 1)).astype(np.uint8), "L")
    assert pdq_hash(picture).quality == quality


@pytest.mark.shared
@requires_shared("data", "images", "kodak")
@pytest.mark.parametrize("name", sorted(KODAK_REFERENCE))
def test_kodak_photos_match_the_reference(name: str) -> None:
    expected_hex, expected_quality = KODAK_REFERENCE[name]
    with Image.open(KODAK / name) as image:
        result = pdq_hash(image)
    assert hamming(result.bits, bytes.fromhex(expected_hex)) <= REFERENCE_DISTANCE, result.hex
    assert abs(result.quality - expected_quality) <= REFERENCE_QUALITY


def reencoded(image: Image.Image) -> Image.Image:
    """What a platform might do: half the size, 20% brighter, JPEG at quality 50."""
    smaller = image.resize((image.width // 2, image.height // 2), Image.Resampling.BILINEAR)
    brighter = ImageEnhance.Brightness(smaller).enhance(1.2)
    buffer = io.BytesIO()
    brighter.save(buffer, "JPEG", quality=50)
    return Image.open(io.BytesIO(buffer.getvalue()))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_reencoded_copy_still_matches(seed: int) -> None:
    photo = make_photo(1200, 900, seed=seed)
    original, copy = pdq_hash(photo), pdq_hash(reencoded(photo))
    assert original.distance(copy) <= PDQ_MATCH_DISTANCE
    assert copy.usable


def test_different_photos_are_far_apart() -> None:
    hashes = [pdq_hash(make_photo(640, 480, seed=seed)) for seed in range(8)]
    distances = [a.distance(b) for a, b in itertools.combinations(hashes, 2)]
    assert min(distances) > PDQ_MATCH_DISTANCE


PILLOW_TRANSPOSES = (
    "ROTATE_90",
    "ROTATE_180",
    "ROTATE_270",
    "FLIP_TOP_BOTTOM",
    "FLIP_LEFT_RIGHT",
    "TRANSPOSE",
    "TRANSVERSE",
)
"""Variants 1 to 7 of ``pdq_dihedral`` are the hashes of the image turned by these Pillow transposes."""


@pytest.mark.parametrize("size", [(576, 320), (320, 320)])
def test_dihedral_variants_are_the_hashes_of_the_turned_image(size: tuple[int, int]) -> None:
    """Sides of 64 x an odd number with an odd filter window sample symmetrically: exact equality."""
    photo = make_photo(*size, seed=3)
    transposes = [None, *(getattr(Image.Transpose, name) for name in PILLOW_TRANSPOSES)]
    variants = pdq_dihedral(photo)
    assert len(variants) == len(DIHEDRAL_NAMES) == 8
    assert variants[0] == pdq_hash(photo)
    for name, variant, transpose in zip(DIHEDRAL_NAMES, variants, transposes, strict=True):
        turned = photo if transpose is None else photo.transpose(transpose)
        assert variant.distance(pdq_hash(turned)) == 0, name


def test_dihedral_variants_are_close_at_any_size() -> None:
    photo = make_photo(640, 480, seed=5)
    variants = pdq_dihedral(photo)
    for variant, name in zip(variants[1:], PILLOW_TRANSPOSES, strict=True):
        turned = pdq_hash(photo.transpose(getattr(Image.Transpose, name)))
        assert variant.distance(turned) <= 16, name
        assert min(variant.distance(other) for other in variants if other is not variant) > 31


def test_a_flat_picture_has_no_quality() -> None:
    flat = pdq_hash(Image.new("RGB", (300, 200), (128, 128, 128)))
    assert flat.quality < PDQ_MIN_QUALITY and not flat.usable
    assert pdq_hash(waves(300, 200)).usable


def test_a_picture_too_small_to_hash_gets_the_empty_hash() -> None:
    tiny = pdq_hash(make_photo(4, 40, seed=1))
    assert tiny == PdqHash(bytes(32), 0)
    assert set(pdq_dihedral(make_photo(40, 4, seed=1))) == {tiny}


def test_any_mode_is_hashed_as_its_rgb_with_alpha_dropped() -> None:
    photo = make_photo(320, 240, seed=9)
    expected = pdq_hash(photo)
    transparent = photo.convert("RGBA")
    transparent.putalpha(Image.linear_gradient("L").resize(photo.size))
    assert pdq_hash(transparent) == expected
    assert pdq_hash(photo.convert("P")).distance(expected) <= 16
    grey = photo.convert("L")
    assert pdq_hash(grey) == pdq_hash(grey.convert("RGB"))
    assert pdq_hash(grey.convert("LA")) == pdq_hash(grey)


def test_large_pictures_are_reduced_without_moving_the_hash() -> None:
    photo = make_photo(1000, 750, seed=12)
    large = photo.resize((4000, 3000), Image.Resampling.BICUBIC)
    assert pdq_hash(large).distance(pdq_hash(photo)) <= 8


def test_hex_round_trip_and_reference_bit_order() -> None:
    result = pdq_hash(make_photo(640, 480, seed=5))
    assert len(result.hex) == 64 and result.hex == result.bits.hex()
    assert PdqHash.from_hex(result.hex.upper(), quality=result.quality) == result
    assert repr(result) == f"PdqHash({result.hex!r}, quality={result.quality})"
    assert PdqHash.from_hex("8" + "0" * 63).bits == bytes([0x80]) + bytes(31)
    assert PdqHash.from_hex(" " + "f" * 64 + "\n").bits == b"\xff" * 32


@pytest.mark.parametrize("text", ["", "0" * 63, "0" * 65, "g" * 64, "00 " * 21 + "0", None, 12])
def test_from_hex_refuses_anything_but_64_hex_digits(text: object) -> None:
    with pytest.raises(ValueError, match="64 hex digits"):
        PdqHash.from_hex(text)  # type: ignore[arg-type]


def test_bits_must_be_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes; got 31 bytes"):
        PdqHash(bytes(31), 100)
    with pytest.raises(ValueError, match="32 bytes"):
        PdqHash("00" * 32, 100)  # type: ignore[arg-type]


def test_hamming_counts_differing_bits() -> None:
    zero = bytes(32)
    assert hamming(zero, zero) == 0
    assert hamming(zero, b"\xff" * 32) == PDQ_BITS
    assert hamming(zero, bytes([0b1011]) + bytes(30) + bytes([0x80])) == 4
    assert PdqHash(zero, 50).distance(PdqHash(b"\x01" + bytes(31), 10)) == 1
    with pytest.raises(ValueError, match="32 and 31 bytes"):
        hamming(zero, bytes(31))


def test_usable_from_the_published_quality_threshold() -> None:
    assert PdqHash(bytes(32), PDQ_MIN_QUALITY).usable
    assert not PdqHash(bytes(32), PDQ_MIN_QUALITY - 1).usable
    assert (PDQ_MATCH_DISTANCE, PDQ_MIN_QUALITY, PDQ_BITS) == (31, 50, 256)
