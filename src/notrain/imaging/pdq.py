"""PDQ, Meta's 256-bit perceptual hash: recognise a photo after it was re-encoded, resized or lightly edited.

This follows the ThreatExchange reference (hashing/hashing.pdf and pdq/cpp):
luminance with the Rec. 601 weights, a Jarosz tent filter (two box passes
per axis, each window 1/128 of the side, rounded up) read at 64 x 64 points,
the 16 x 16 lowest non-constant DCT coefficients of that, and one bit per
coefficient above their median. Bits and hex text are in the reference's
order (bit ``16 * row + column`` of the DCT output; the hex is that 256-bit
number, most significant digit first), so hashes compare with other PDQ
tools; on the same pixels they equal the reference's to the bit, unless a
coefficient sits on the median to within float rounding.

For speed, a side of 2048 pixels or more is first box-averaged by the whole
factor that keeps it at least 1024 pixels long, and the tent weights are
summed to match (the reference tool squeezes anything over 512 pixels to
512 x 512 first, for the same reason); that moves coefficients by about a
thousandth of their typical size.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
from PIL import Image

__all__ = [
    "DIHEDRAL_NAMES",
    "PDQ_BITS",
    "PDQ_MATCH_DISTANCE",
    "PDQ_MIN_QUALITY",
    "PdqHash",
    "hamming",
    "pdq_dihedral",
    "pdq_hash",
]

# Thresholds recommended in the ThreatExchange PDQ README (github.com/facebook/ThreatExchange,
# pdq/README.md, "Matching"): distance <= 31 is a match; discard hashes of quality <= 49.
# Checked 2026-11-26.
PDQ_BITS = 256
PDQ_MATCH_DISTANCE = 31
PDQ_MIN_QUALITY = 50

_MIN_SIDE = 5
"""The reference gives thinner images an all-zero hash of quality 0."""
_REDUCE_ABOVE = 2047
_REDUCE_TARGET = 1024
_HEX = re.compile(r"[0-9a-fA-F]{64}")

DIHEDRAL_NAMES = (
    "original",
    "rotate90",
    "rotate180",
    "rotate270",
    "flip_x",
    "flip_y",
    "transpose",
    "transverse",
)
"""The orientations ``pdq_dihedral`` returns, in its order: the image itself, then as Pillow's
``ROTATE_90``, ``ROTATE_180``, ``ROTATE_270`` (counter-clockwise), ``FLIP_TOP_BOTTOM``,
``FLIP_LEFT_RIGHT``, ``TRANSPOSE`` and ``TRANSVERSE`` leave it (the reference's order and names)."""


@dataclass(frozen=True)
class PdqHash:
    """A PDQ hash: 32 bytes (the 256-bit number, most significant byte first) and its quality.

    ``quality`` (0..100) counts strong gradients in the 64 x 64 downsample: a
    flat or nearly flat picture scores low, and its hash says little about it.
    """

    bits: bytes
    quality: int

    def __post_init__(self) -> None:
        if not isinstance(self.bits, bytes) or len(self.bits) != PDQ_BITS // 8:
            got = f"{len(self.bits)} bytes" if isinstance(self.bits, bytes) else repr(self.bits)
            raise ValueError(f"Expected a PDQ hash of {PDQ_BITS // 8} bytes; got {got}.")

    def __repr__(self) -> str:
        return f"PdqHash({self.hex!r}, quality={self.quality})"

    @property
    def hex(self) -> str:
        """The 64 lower-case hex digits other PDQ tools print and read."""
        return self.bits.hex()

    @classmethod
    def from_hex(cls, text: str, *, quality: int = 100) -> PdqHash:
        """Read 64 hex digits; the text carries no quality, so give the one stored beside it."""
        cleaned = text.strip() if isinstance(text, str) else text
        if not isinstance(cleaned, str) or not _HEX.fullmatch(cleaned):
            raise ValueError(f"Expected a PDQ hash as 64 hex digits; got {text!r}.")
        return cls(bytes.fromhex(cleaned), quality)

    def distance(self, other: PdqHash) -> int:
        """How many of the 256 bits differ (0..256); at most ``PDQ_MATCH_DISTANCE`` is a match."""
        return hamming(self.bits, other.bits)

    @property
    def usable(self) -> bool:
        """Whether the picture has enough detail for the hash to be matched on."""
        return self.quality >= PDQ_MIN_QUALITY


def hamming(a: bytes, b: bytes) -> int:
    """The number of differing bits between two equally long byte strings."""
    if len(a) != len(b):
        raise ValueError(f"Cannot compare hashes of {len(a)} and {len(b)} bytes.")
    return (int.from_bytes(a) ^ int.from_bytes(b)).bit_count()


def pdq_hash(image: Image.Image) -> PdqHash:
    """The PDQ hash of ``image``, taken as it is (apply EXIF orientation first).

    Any Pillow mode is accepted: it is converted to RGB the way Pillow does,
    so an alpha channel is dropped (not composited), as the reference tools do.
    A picture under 5 pixels on a side gets the all-zero hash, of quality 0.
    """
    coefficients, quality = _dct16(image)
    if coefficients is None:
        return PdqHash(bytes(PDQ_BITS // 8), 0)
    return PdqHash(_bits(coefficients), quality)


def pdq_dihedral(image: Image.Image) -> tuple[PdqHash, ...]:
    """The hashes of ``image`` in its 8 orientations (``DIHEDRAL_NAMES``), from one DCT.

    The first is ``pdq_hash(image)``. Matching all 8 against stored hashes
    finds a stored photo that was rotated or mirrored before it was posted.
    """
    coefficients, quality = _dct16(image)
    if coefficients is None:
        return tuple(PdqHash(bytes(PDQ_BITS // 8), 0) for _ in DIHEDRAL_NAMES)
    return tuple(PdqHash(_bits(variant), quality) for variant in _dihedral(coefficients))


def _dct16(image: Image.Image) -> tuple[np.ndarray | None, int]:
    """The 16 x 16 DCT of the tent-filtered 64 x 64 luminance, and the quality; None if too small."""
    if image.width < _MIN_SIDE or image.height < _MIN_SIDE:
        return None, 0
    width, height = image.size
    x_factor, y_factor = _reduction(width), _reduction(height)
    luma = _luma(image, (x_factor, y_factor))
    y_index, y_weights = _tent(height, y_factor)
    x_index, x_weights = _tent(width, x_factor)
    rows = np.einsum("rk,rkx->rx", y_weights, luma[y_index])
    small = np.einsum("ck,rck->rc", x_weights, rows[:, x_index])
    dct = _dct_matrix()
    return dct @ small @ dct.T, _quality(small)


def _reduction(side: int) -> int:
    return side // _REDUCE_TARGET if side > _REDUCE_ABOVE else 1


def _luma(image: Image.Image, factors: tuple[int, int]) -> np.ndarray:
    """Float luminance, box-averaged by ``factors``; Pillow's "F" conversion uses PDQ's Rec. 601 weights."""
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    luma = image.convert("F")
    if factors != (1, 1):
        luma = luma.reduce(factors)
    return np.asarray(luma, dtype=np.float32)


@functools.lru_cache(maxsize=32)
def _tent(length: int, factor: int) -> tuple[np.ndarray, np.ndarray]:
    """The reference's Jarosz blur of a ``length``-sample axis, read at the 64 cell centres.

    Each box pass averages ``w = ceil(length / 128)`` samples placed as in the
    reference, from ``i - (w - h)`` to ``i + h - 1`` with ``h = (w + 2) // 2``,
    fewer at the ends; two passes make a tent. The weights are those of the
    full-resolution axis; with ``factor`` > 1 they are summed over each run of
    ``factor`` samples, to apply to an axis that Pillow's ``reduce`` averaged by
    that factor. Returned as (64, k) sample indices and weights: each centre's
    tent is short, and a banded product needs no BLAS threads.
    """
    window = (length + 127) // 128
    half = (window + 2) // 2

    def span(index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.maximum(index - (window - half), 0), np.minimum(index + half - 1, length - 1)

    # The second pass averages first-pass outputs over span(centre); each of those
    # averages the signal over its own span: add each one's share as a step up and
    # a step down, then integrate.
    centres = ((np.arange(64) + 0.5) * length / 64).astype(np.intp)
    outer_low, outer_high = span(centres)
    rows = np.repeat(np.arange(64), window)
    inner = (outer_low[:, None] + np.arange(window)[None, :]).ravel()
    keep = inner <= np.repeat(outer_high, window)
    rows, inner = rows[keep], inner[keep]
    low, high = span(inner)
    share = 1.0 / ((outer_high - outer_low + 1)[rows] * (high - low + 1))
    steps = np.zeros((64, length + 1))
    np.add.at(steps, (rows, low), share)
    np.add.at(steps, (rows, high + 1), -share)
    tent = np.cumsum(steps[:, :length], axis=1)
    tent = np.add.reduceat(tent, np.arange(0, length, factor), axis=1)

    first, last = span(outer_low)[0] // factor, span(outer_high)[1] // factor
    offsets = first[:, None] + np.arange(int((last - first).max()) + 1)[None, :]
    index = np.minimum(offsets, tent.shape[1] - 1)
    weights = np.where(offsets <= last[:, None], np.take_along_axis(tent, index, axis=1), 0.0)
    index.flags.writeable = weights.flags.writeable = False
    return index, weights


@functools.cache
def _dct_matrix() -> np.ndarray:
    """DCT-II rows 1..16 of 64 (the constant row 0 is left out), scaled by sqrt(2 / 64)."""
    k = np.arange(1, 17)[:, None]
    j = np.arange(64)[None, :]
    matrix = np.sqrt(2.0 / 64.0) * np.cos(np.pi / 128.0 * k * (2 * j + 1))
    matrix.flags.writeable = False
    return matrix


def _quality(small: np.ndarray) -> int:
    """Sum of neighbour differences in whole percent of full scale (each truncated), / 90, at most 100."""
    values = small.astype(np.float32)
    hundred, full = np.float32(100), np.float32(255)
    down = np.trunc((values[:-1, :] - values[1:, :]) * hundred / full)
    across = np.trunc((values[:, :-1] - values[:, 1:]) * hundred / full)
    total = int(np.abs(down).sum() + np.abs(across).sum())
    return min(total // 90, 100)


def _bits(coefficients: np.ndarray) -> bytes:
    """One bit per coefficient above the median (the lower of the middle two, as the reference's)."""
    flat = coefficients.ravel()
    median = np.partition(flat, 127)[127]
    return np.packbits(flat[::-1] > median).tobytes()


def _dihedral(a: np.ndarray) -> tuple[np.ndarray, ...]:
    """The DCT of the image in its 8 orientations, in ``DIHEDRAL_NAMES`` order.

    Reversing an axis negates the coefficients of odd frequency along it (rows
    and columns 0, 2, 4, ... here, since row ``k`` holds frequency ``k + 1``),
    and transposing the image transposes its DCT.
    """
    sign = np.where(np.arange(16) % 2 == 1, 1.0, -1.0)
    by_row, by_col = sign[:, None], sign[None, :]
    return (
        a,
        (a * by_col).T,
        a * by_row * by_col,
        (a * by_row).T,
        a * by_row,
        a * by_col,
        a.T,
        (a * by_row * by_col).T,
    )
