"""The invisible watermark: 64 bits in the pixels that survive a platform's resize and recompression.

How it works (docs/watermark.md has the long version):

* The mark is a tile of 32x32 cells repeated over the whole image. Each cell adds a smooth bump of
  +-1 to the luminance, with the finer patterns of the grid emphasised. A tile's cells carry two superimposed signals: a fixed pseudo-random
  synchronisation pattern and the 282 bits of the error-corrected message (64 data bits, a CRC-24 and
  a rate-1/3 convolutional code), each spread over three or four cells of every tile.
* The tile's size follows the image (four tiles across the short side), so the mark keeps its shape
  relative to the picture whatever size the platform makes of it.
* Detection needs nothing but the image. The picture's content is suppressed (its spectrum whitened,
  then every neighbourhood evened out), which leaves the tiling as a lattice of peaks in the spectrum.
  A log-polar correlation with the lattice's own shape finds the tile's size and rotation in one
  pass, and a fit over every peak adds any change of aspect. Every tile is then folded onto one, which sums the mark's energy across the image; the synchronisation pattern
  finds where the tile starts (and whether the picture was mirrored or turned by 90 degrees); the
  cells are read and decoded (down a short list of the likeliest messages when the mark is clearly
  there). Only a message whose CRC matches counts as found, so a wrong read says "no watermark" rather
  than naming a wrong owner.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import fft, ndimage, optimize

from notrain.errors import InputError
from notrain.watermark.coding import (
    MESSAGE_BITS,
    coded_length,
    decode_paths,
    encode_bits,
    hash_bits,
    hash_permutation,
)

__all__ = [
    "DEFAULT_PSNR",
    "MIN_EMBED_SIZE",
    "Detection",
    "detect_watermark",
    "embed_watermark",
    "message_from_hex",
]

CELLS = 32
"""Cells along each side of the tile."""

TILES_ACROSS = 4
"""Tiles across the image's short side at embedding time."""

MIN_CELL = 4.0
"""Smallest cell, in pixels, the embedder uses (small images get fewer tiles)."""

MIN_EMBED_SIZE = 2 * int(CELLS * MIN_CELL)
"""Shortest side, in pixels, that can carry a mark: two tiles."""

MIN_DETECT_SIZE = 64

DEFAULT_PSNR = 40.5
"""How loud the mark is, as the PSNR (dB) of the marked image against the original."""

MIN_SSIM = 0.98
"""The embedder turns the mark down on smooth photos where it would cost more structural similarity
(SSIM of the luminance) than this."""

SYNC_WEIGHT = 0.45
"""Share of the mark's amplitude spent on the synchronisation pattern (the rest carries data)."""

MIN_AGREEMENT = 0.55
"""A decoded message counts only if its codeword agrees at least this much with what was read."""

MIN_SYNC_SCORE = 4.0
"""Synchronisation peaks below this many standard deviations are not worth decoding."""

LIST_PATHS = 32
"""Paths of the convolutional code checked against the CRC, likeliest first, when the mark is clearly
there: a few bits turned by noise often make the likeliest path fail its CRC while the sent message
is close behind."""

LIST_SYNC_SCORE = 5.5
"""Only a synchronisation peak at least this high (rare on unmarked images) earns the list: each
further path is one more chance for noise to pass the CRC."""

OVERSAMPLE = 2
"""Fold resolution: samples per cell along each axis."""

WORK_SIDE = 1200
"""Detection works on a copy whose long side is at most this (the mark scales with the image)."""

MAX_TRIES = 4
"""Lattice candidates decoded at most (each try is a chance for a false positive)."""

_RENDER = 8  # samples per cell in the canonical rendered tile
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


@dataclass(frozen=True)
class Detection:
    """What ``detect_watermark`` found."""

    found: bool
    message: bytes | None
    confidence: float
    """0..1: how strongly the read codeword agrees with the decoded one (found needs >= 0.55)."""
    sync_score: float = 0.0
    """Height of the synchronisation peak in standard deviations (above ~5 means a mark is there)."""
    tile_pixels: float = 0.0
    """The tile's size in the image as given (a hint of how much it was scaled)."""
    rotation: float = 0.0
    """Degrees the image appears turned since it was marked."""
    transform: str = "none"
    """Mirror or quarter-turn found by synchronisation ("none", "rot90", "flip-x", ...)."""
    reason: str = ""
    """Why nothing was found, in words."""

    @property
    def message_hex(self) -> str | None:
        return self.message.hex() if self.message is not None else None


def message_from_hex(text: str) -> bytes:
    """Parse the 16 hex digits of a 64-bit message."""
    digits = text.strip().lower().removeprefix("0x")
    if len(digits) != MESSAGE_BITS // 4 or any(c not in "0123456789abcdef" for c in digits):
        raise ValueError(f"a message is {MESSAGE_BITS // 4} hex digits (64 bits), got {text!r}")
    return bytes.fromhex(digits)


# --- the tile ---------------------------------------------------------------------------------


def _layout() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The synchronisation pattern, each cell's coded bit and each cell's chip sign (all CELLS x CELLS)."""
    cells = CELLS * CELLS
    sync = hash_bits("sync", cells).astype(np.float32) * 2 - 1
    order = hash_permutation("cells", cells)
    bit_of_cell = np.empty(cells, dtype=np.int64)
    bit_of_cell[order] = np.arange(cells) % coded_length()
    chips = hash_bits("chips", cells).astype(np.float32) * 2 - 1
    return (
        sync.reshape(CELLS, CELLS),
        bit_of_cell.reshape(CELLS, CELLS),
        chips.reshape(CELLS, CELLS),
    )


_SYNC, _BIT_OF_CELL, _CHIPS = _layout()


def _upsample(cells: np.ndarray, factor: int) -> np.ndarray:
    """Band-limited periodic interpolation of a cell grid (zero-padding its spectrum)."""
    n = cells.shape[0]
    spectrum = fft.fftshift(fft.fft2(cells))
    pad = (n * factor - n) // 2
    padded = np.pad(spectrum, pad)
    return np.real(fft.ifft2(fft.ifftshift(padded))) * factor * factor


def _emphasis() -> np.ndarray:
    """Spectral weights of the cell grid: finer patterns get more of the mark's energy.

    Photos have most of their energy at coarse scales, so once the detector whitens the image, each
    unit of mark energy counts for more the finer it is. The weights grow as the square root of the
    frequency (steeper emphasis loses the mark to JPEG and to downscaling)."""
    k = fft.fftfreq(CELLS) * CELLS
    radius = np.maximum(np.hypot(k[:, None], k[None, :]), 1.0)
    weights = np.sqrt(radius / (CELLS / 2))
    return weights / np.sqrt(np.mean(weights**2))


_EMPHASIS = _emphasis()


def _emphasised(cells: np.ndarray) -> np.ndarray:
    return np.real(fft.ifft2(fft.fft2(cells) * _EMPHASIS))


def _tile_cells(message: bytes) -> np.ndarray:
    data = (encode_bits(message).astype(np.float32) * 2 - 1)[_BIT_OF_CELL] * _CHIPS
    data_weight = math.sqrt(1 - SYNC_WEIGHT**2)
    return SYNC_WEIGHT * _SYNC + data_weight * data


def _render_tile(cells: np.ndarray) -> np.ndarray:
    tile = _upsample(_emphasised(cells), _RENDER)
    return (tile / np.sqrt(np.mean(tile**2))).astype(np.float32)


def cell_size(width: int, height: int) -> float:
    """The cell size, in pixels, the embedder uses for an image of this size."""
    return max(MIN_CELL, min(width, height) / (TILES_ACROSS * CELLS))


def _sample_tile(tile: np.ndarray, width: int, height: int, period: float) -> np.ndarray:
    """The tile repeated over a width x height image with ``period`` pixels per tile (bilinear)."""
    size = tile.shape[0]

    def axis(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        position = (np.arange(n) + 0.5) * (size / period) - 0.5
        low = np.floor(position)
        frac = (position - low).astype(np.float32)
        low = low.astype(np.int64) % size
        return low, (low + 1) % size, frac

    x0, x1, fx = axis(width)
    y0, y1, fy = axis(height)
    rows = tile[:, x0] * (1 - fx) + tile[:, x1] * fx
    return rows[y0] * (1 - fy)[:, None] + rows[y1] * fy[:, None]


def _luminance(pixels: np.ndarray) -> np.ndarray:
    return pixels[..., :3].astype(np.float32) @ _LUMA


def _masking(luma: np.ndarray, cell: float) -> np.ndarray:
    """Where the eye forgives a change: more in texture, less in flat sky and skin."""
    sigma = max(1.0, cell / 2)
    # The local mean and variance are smooth at the scale of a cell, so they are computed on a grid
    # up to cell/4 times coarser: block means of the values and of their squares keep the variance
    # of fine texture that a plain downscale would average away.
    step = max(1, int(cell / 4))
    height, width = luma.shape
    rows, cols = -(-height // step) * step, -(-width // step) * step
    padded = np.pad(luma, ((0, rows - height), (0, cols - width)), mode="edge")

    def coarse(values: np.ndarray) -> np.ndarray:
        blocks = values.reshape(rows // step, step, cols // step, step).mean(axis=(1, 3))
        return ndimage.gaussian_filter(blocks, sigma / step)

    mean = coarse(padded)
    activity = np.sqrt(np.maximum(coarse(padded * padded) - mean * mean, 0))
    mask = np.clip((activity + 2.0) / (np.median(activity) + 2.0), 0.35, 2.5) ** 0.6
    # Very dark and very bright areas clip the change away; spend less there.
    mask *= np.clip(np.minimum(mean, 255 - mean) / 24.0, 0.25, 1.0)
    if step > 1:
        full = Image.fromarray(mask.astype(np.float32), "F").resize(
            (cols, rows), Image.Resampling.BILINEAR
        )
        mask = np.asarray(full)[:height, :width]
    return mask.astype(np.float32)


def _ssim(luma: np.ndarray, delta: np.ndarray) -> float:
    """SSIM of the luminance with and without ``delta`` (Gaussian window, sigma 1.5, as Wang et al.
    2004 and scikit-image compute it), estimated on every third band of 48 rows."""
    margin, rows = 5, 48
    starts = range(margin, max(luma.shape[0] - rows - margin, margin) + 1, 3 * rows)
    scores = [
        _ssim_band(
            luma[a - margin : a + rows + margin], delta[a - margin : a + rows + margin], margin
        )
        for a in starts
    ]
    return float(np.mean(scores))


def _ssim_band(luma: np.ndarray, delta: np.ndarray, margin: int) -> float:
    """Mean SSIM of one band of rows, leaving out ``margin`` rows and columns at its edges."""

    def blur(values: np.ndarray) -> np.ndarray:
        return ndimage.gaussian_filter(values, 1.5, truncate=3.5)

    marked = luma + delta
    mean_x, mean_y = blur(luma), blur(marked)
    var_x = blur(luma * luma) - mean_x * mean_x
    var_y = blur(marked * marked) - mean_y * mean_y
    cov = blur(luma * marked) - mean_x * mean_y
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    index = ((2 * mean_x * mean_y + c1) * (2 * cov + c2)) / (
        (mean_x * mean_x + mean_y * mean_y + c1) * (var_x + var_y + c2)
    )
    return float(index[margin:-margin, margin:-margin].mean())


def embed_watermark(
    image: Image.Image, message: bytes, *, psnr: float = DEFAULT_PSNR
) -> Image.Image:
    """Return a copy of ``image`` carrying the 8-byte ``message`` (alpha is kept untouched)."""
    if len(message) * 8 != MESSAGE_BITS:
        raise ValueError(f"a watermark message is {MESSAGE_BITS // 8} bytes, got {len(message)}")
    width, height = image.size
    if min(width, height) < MIN_EMBED_SIZE:
        raise InputError(
            f"The image is {width}x{height} pixels; an invisible watermark needs at least "
            f"{MIN_EMBED_SIZE} pixels on the short side to survive the platforms.",
            hint="Use a larger version of the photo, or skip the invisible mark with --no-watermark.",
        )
    alpha = image.getchannel("A") if image.mode in ("RGBA", "LA") else None
    pixels = np.asarray(image.convert("RGB"), dtype=np.float32)
    luma = _luminance(pixels)
    cell = cell_size(width, height)
    period = CELLS * cell
    delta = _sample_tile(_render_tile(_tile_cells(message)), width, height, period) * _masking(
        luma, cell
    )
    target_rms = 255.0 * 10 ** (-psnr / 20)
    delta *= target_rms / max(float(np.sqrt(np.mean(delta * delta))), 1e-6)
    # Smooth photos show the mark's grain more than PSNR says: stay above MIN_SSIM as well.
    # Rounding the result to whole levels costs a little more, so aim a little high; 1 - SSIM grows
    # with the square of the amplitude.
    aim = MIN_SSIM + 0.002
    similarity = _ssim(luma, delta)
    if similarity < aim:
        delta *= math.sqrt((1 - aim) / (1 - similarity))
    marked = np.clip(pixels + delta[..., None] + 0.5, 0, 255).astype(np.uint8)
    out = Image.fromarray(marked, "RGB")
    if alpha is not None:
        out.putalpha(alpha)
    return out


# --- detection --------------------------------------------------------------------------------


def _shrink(values: np.ndarray) -> tuple[np.ndarray, float]:
    """A float image brought down so its long side is at most WORK_SIDE, and the scale used."""
    height, width = values.shape
    longest = max(height, width)
    if longest <= WORK_SIDE:
        return values, 1.0
    scale = WORK_SIDE / longest
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = Image.fromarray(np.ascontiguousarray(values, dtype=np.float32), "F").resize(
        size, Image.Resampling.BOX if scale < 0.5 else Image.Resampling.BILINEAR
    )
    return np.asarray(small, dtype=np.float32), size[1] / height


def _working_luma(image: Image.Image) -> tuple[np.ndarray, float]:
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    pixels = np.asarray(image, dtype=np.float32)
    return _shrink(pixels if pixels.ndim == 2 else _luminance(pixels))


def _periodic_spectrum(luma: np.ndarray) -> np.ndarray:
    """rfft2 of the image's periodic component (Moisan's decomposition): no cross from the borders."""
    height, width = luma.shape
    boundary = np.zeros_like(luma)
    boundary[0, :] += luma[-1, :] - luma[0, :]
    boundary[-1, :] += luma[0, :] - luma[-1, :]
    boundary[:, 0] += luma[:, -1] - luma[:, 0]
    boundary[:, -1] += luma[:, 0] - luma[:, -1]
    qy = np.cos(2 * np.pi * np.arange(height) / height)[:, None]
    qx = np.cos(2 * np.pi * np.arange(width // 2 + 1) / width)[None, :]
    denominator = 2 * qy + 2 * qx - 4
    denominator[0, 0] = 1.0
    smooth = fft.rfft2(boundary, workers=1) / denominator
    smooth[0, 0] = 0.0
    spectrum = fft.rfft2(luma - luma.mean(), workers=1) - smooth
    spectrum[0, 0] = 0.0
    return spectrum


def _whitened_spectrum(values: np.ndarray) -> np.ndarray:
    """The spectrum divided by its smoothed magnitude: every frequency equally loud."""
    spectrum = _periodic_spectrum(values)
    power = spectrum.real**2 + spectrum.imag**2
    return spectrum / np.sqrt(ndimage.uniform_filter(power, size=7, mode="wrap") + 1e-6)


LOCAL_SIGMA = 2.0
"""Reach, in working pixels, of the local loudness the residual is divided by."""

LOCAL_POWER = 1.5
"""The residual is divided by its local RMS to this power: busy areas, where the picture drowns the
mark, count for less than quiet ones."""


def _residual(luma: np.ndarray) -> np.ndarray:
    """What is left of the picture once its content is suppressed: whitened, then locally evened."""
    white = fft.irfft2(_whitened_spectrum(luma), s=luma.shape, workers=1)
    loudness = ndimage.gaussian_filter(white * white, LOCAL_SIGMA)
    return (white / (loudness + 1e-3 * float(loudness.mean())) ** (LOCAL_POWER / 2)).astype(
        np.float32
    )


# The mark's spectrum is a lattice of peaks: a tile of period P turned by theta puts energy at the
# frequencies R(theta) k / P for integer vectors k up to the cell band (|k| <= CELLS / 2 per axis).
# The detector looks for that lattice in a log-polar view of the whitened power spectrum, where
# scaling and turning the image only shift it: one correlation with the lattice's own log-polar
# picture scores every period and angle at once.

_HARMONIC = CELLS // 2


def _harmonics() -> tuple[np.ndarray, np.ndarray]:
    """Lattice vectors k of the half plane, and how much each is expected to stand out."""
    ks = np.array(
        [
            (kx, ky)
            for ky in range(_HARMONIC + 1)
            for kx in range(-_HARMONIC, _HARMONIC + 1)
            if ky > 0 or kx > 0
        ],
        dtype=np.float64,
    )
    # Whitening favours fine frequencies, where photos are quiet: weight them up.
    return ks, np.hypot(ks[:, 0], ks[:, 1]) ** 2


_HARMONICS, _HARMONIC_WEIGHTS = _harmonics()

_LOG_RADII = 512
_ANGLES = 256
"""Log-polar grid of the lattice search: radii (log frequency) by angles over half a turn."""

PEAK_CAP = 8.0
"""Whitened power is capped here so that a few strong features of the picture cannot pose as a lattice."""

PEAK_BLUR = 0.75
"""Blur, in frequency bins, of the lattice power: a tile that does not fit the image a whole number of
times splits its peaks between bins, and the search samples between bins."""

MIN_PERIOD = 24.0
"""Shortest tile, in working pixels, the search considers (cells smaller than a pixel are gone)."""


def _lattice_power(spectrum: np.ndarray) -> np.ndarray:
    power = np.minimum(spectrum.real**2 + spectrum.imag**2, PEAK_CAP)
    # Rows and columns of the picture (scan lines, borders, sensor patterns) put ridges on the
    # spectrum's axes that would outshine the lattice; the mark loses little without them.
    power[:2, :] = 0
    power[-1:, :] = 0
    power[:, :2] = 0
    return power


def _sample_spectrum(values: np.ndarray, fx: np.ndarray, fy: np.ndarray) -> np.ndarray:
    """Bilinear samples of an rfft2-laid-out array at frequencies given in bins (fx across, fy
    down, either sign): the rfft2 keeps fx >= 0, the other half is its mirror image."""
    mirror = np.where(fx < 0, -1.0, 1.0)
    rows = ((fy * mirror) % values.shape[0]).ravel()
    cols = (fx * mirror).ravel()
    samples = ndimage.map_coordinates(values, [rows, cols], order=1, mode="grid-wrap")
    return samples.reshape(np.shape(fx))


@dataclass(frozen=True)
class _Candidate:
    score: float
    """Height of the lattice peak in robust standard deviations of its row."""
    period: float
    angle: float


@functools.lru_cache(maxsize=16)
def _template_spectrum(step: float) -> np.ndarray:
    """Conjugate spectrum of the lattice of period 1 drawn on the log-polar grid (bilinear splats,
    zero-padded in radius), ready to correlate with; ``step`` is the grid's log-radius step, which
    follows the image's size, so a scan of same-sized photos computes it once."""
    rows = np.log(np.hypot(_HARMONICS[:, 0], _HARMONICS[:, 1])) / step
    cols = (np.arctan2(_HARMONICS[:, 1], _HARMONICS[:, 0]) % np.pi) / (np.pi / _ANGLES)
    template = np.zeros((2 * _LOG_RADII, _ANGLES))
    r0, c0 = np.floor(rows).astype(np.int64), np.floor(cols).astype(np.int64)
    fr, fc = rows - r0, cols - c0
    for dr, wr in ((0, 1 - fr), (1, fr)):
        for dc, wc in ((0, 1 - fc), (1, fc)):
            np.add.at(
                template,
                ((r0 + dr) % (2 * _LOG_RADII), (c0 + dc) % _ANGLES),
                _HARMONIC_WEIGHTS * wr * wc,
            )
    return np.conj(fft.fft2(template))


def _lattice_candidates(
    smoothed: np.ndarray, shape: tuple[int, int], count: int
) -> list[_Candidate]:
    """The likeliest (period, angle) of a square tile lattice, best first (``smoothed``: the lattice
    power, blurred by a fraction of a bin so that peaks between the samples still count)."""
    height, width = shape
    short = min(height, width)
    shortest, longest = max(MIN_PERIOD, short / 10), short / 1.3
    if shortest >= longest:
        return []
    # Log-polar resampling of the spectrum: row i is frequency exp(rho0 + i * step) cycles/pixel.
    rho0 = math.log(1 / longest)
    step = (math.log(0.5) - rho0) / _LOG_RADII
    radius = np.exp(rho0 + step * np.arange(_LOG_RADII))[:, None]
    angle = (np.pi / _ANGLES) * np.arange(_ANGLES)[None, :]
    polar = _sample_spectrum(
        smoothed, radius * np.cos(angle) * width, radius * np.sin(angle) * height
    )
    padded = np.zeros((2 * _LOG_RADII, _ANGLES))
    padded[:_LOG_RADII] = polar
    # correlation[s, t] = sum over k of polar[row_k + s, col_k + t]: period exp(-(rho0 + s * step)).
    correlation = np.real(fft.ifft2(fft.fft2(padded) * _template_spectrum(step)))
    first = int((-math.log(longest) - rho0) / step)
    last = int((-math.log(shortest) - rho0) / step)
    scores = correlation[first:last]
    centre = np.median(scores, axis=1, keepdims=True)
    spread = 1.4826 * np.median(np.abs(scores - centre), axis=1, keepdims=True) + 1e-9
    scores = (scores - centre) / spread
    # A square lattice looks the same a quarter turn on.
    quarter = _ANGLES // 2
    scores = np.maximum(scores[:, :quarter], scores[:, quarter:])
    local = ndimage.maximum_filter(scores, size=9, mode=("nearest", "wrap")) == scores
    rows, cols = np.nonzero(local)
    values = scores[rows, cols]
    found = []
    for i in np.argsort(values)[::-1][:count]:
        row, col = rows[i], cols[i]
        up = 0.0
        if 0 < row < scores.shape[0] - 1:
            up = _vertex(scores[row - 1, col], scores[row, col], scores[row + 1, col])
        across = _vertex(
            scores[row, (col - 1) % quarter], scores[row, col], scores[row, (col + 1) % quarter]
        )
        period = math.exp(-(rho0 + (row + first + up) * step))
        theta = (col + across) * np.pi / _ANGLES
        found.append(
            _Candidate(float(values[i]), period, theta - np.pi / 2 if theta > np.pi / 4 else theta)
        )
    return found


ASPECT_REACH = 0.12
"""Changes of aspect (a picture stretched along one axis) the lattice fit looks across: +-12%."""


def _lattice_sums(
    smoothed: np.ndarray, shape: tuple[int, int], harmonics: np.ndarray, matrices: np.ndarray
) -> np.ndarray:
    """For each 2x2 matrix of basis frequencies, the spectrum summed over its lattice points."""
    height, width = shape
    points = np.einsum("mij,kj->mki", matrices, harmonics)
    return _sample_spectrum(smoothed, points[..., 0] * width, points[..., 1] * height).sum(axis=1)


def _refine(
    smoothed: np.ndarray, shape: tuple[int, int], period: float, angle: float
) -> np.ndarray:
    """Fit all four numbers of the lattice (period, angle, and any change of aspect or shear) to the
    spectrum, starting from the square lattice the search found. Returns the 2x2 matrix whose
    columns are the lattice's basis frequencies (cycles/pixel)."""
    height, width = shape
    turn = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    first = _HARMONICS / period
    inside = (np.abs(first[:, 0]) < 0.5 - 2 / width) & (np.abs(first[:, 1]) < 0.5 - 2 / height)
    harmonics = _HARMONICS[inside]
    # A stretched picture has a rectangular lattice: scan each side's period in turn (the harmonics
    # off that side's axis still line up well enough to show the right one), twice over.
    periods = np.array([period, period])
    factors = np.exp(np.linspace(-ASPECT_REACH, ASPECT_REACH, 97))
    for _ in range(2):
        for side in (0, 1):
            trial = np.repeat(periods[None, :], len(factors), axis=0)
            trial[:, side] *= factors
            matrices = turn[None, :, :] / trial[:, None, :]
            periods = trial[int(np.argmax(_lattice_sums(smoothed, shape, harmonics, matrices)))]
    start = turn / periods[None, :]
    reach = float(np.abs(start).max())

    def loss(params: np.ndarray) -> float:
        return -float(
            _lattice_sums(smoothed, shape, harmonics, (params.reshape(1, 2, 2) * reach))[0]
        )

    result = optimize.minimize(
        loss, start.ravel() / reach, method="Nelder-Mead", options={"xatol": 1e-5, "fatol": 1e-3}
    )
    return result.x.reshape(2, 2) * reach


def _crop_spectrum(
    spectrum: np.ndarray, height: int, width: int, cutoff: float
) -> tuple[np.ndarray, tuple[int, int]]:
    """The rfft2 coefficients below ``cutoff``, laid out as the rfft2 of a smaller image."""
    ny = max(2, round(cutoff * height))
    nx = max(2, round(cutoff * width))
    if 2 * ny >= height and 2 * nx >= width:
        return spectrum, (height, width)
    ny, nx = min(ny, height // 2), min(nx, width // 2)
    rows = np.concatenate([spectrum[:ny], spectrum[height - ny :]])
    return rows[:, : nx + 1], (2 * ny, 2 * nx)


def _fold(values: np.ndarray, b1: np.ndarray, b2: np.ndarray) -> np.ndarray:
    """Average every tile of the image onto one tile sampled OVERSAMPLE times per cell."""
    height, width = values.shape
    bins = CELLS * OVERSAMPLE
    inverse = np.linalg.inv(np.column_stack([b1, b2]))
    xs = np.arange(width, dtype=np.float32) + 0.5
    ys = np.arange(height, dtype=np.float32) + 0.5
    u = (inverse[0, 0] * xs)[None, :] + (inverse[0, 1] * ys)[:, None]
    v = (inverse[1, 0] * xs)[None, :] + (inverse[1, 1] * ys)[:, None]
    iu = (np.floor((u - np.floor(u)) * bins).astype(np.int64)) % bins
    iv = (np.floor((v - np.floor(v)) * bins).astype(np.int64)) % bins
    index = (iv * bins + iu).ravel()
    spread = float(np.std(values)) or 1.0
    clipped = np.clip(values.ravel() / spread, -3, 3)
    sums = np.bincount(index, weights=clipped, minlength=bins * bins)
    counts = np.bincount(index, minlength=bins * bins)
    folded = sums / np.maximum(counts, 1)
    return (folded - folded.mean()).reshape(bins, bins)


def _folded_tile(spectrum: np.ndarray, shape: tuple[int, int], basis: np.ndarray) -> np.ndarray:
    """The residual cut to the mark's band and folded onto one tile (``basis``: tile vectors as
    columns, in working pixels)."""
    height, width = shape
    period = math.sqrt(abs(np.linalg.det(basis)))
    # The band is kept up to the fold's own Nyquist frequency (OVERSAMPLE * CELLS / 2 cycles per
    # tile), so the band image has as many samples per tile as the fold has bins and every bin gets
    # about one sample from each tile. (Fewer samples than bins would leave the same bins empty in
    # every tile whenever the tiles fit the image a whole number of times, as on an untouched photo.)
    cropped, small = _crop_spectrum(
        spectrum, height, width, min(0.5, OVERSAMPLE * _HARMONIC / period)
    )
    band = fft.irfft2(cropped, s=small, workers=1).astype(np.float32)
    steps = np.array([[width / small[1]], [height / small[0]]])
    grid = basis / steps
    return _fold(band, grid[:, 0], grid[:, 1])


_TRANSFORMS = {
    "none": lambda a: a,
    "rot90": lambda a: np.rot90(a, 1),
    "rot180": lambda a: np.rot90(a, 2),
    "rot270": lambda a: np.rot90(a, 3),
    "flip-x": lambda a: a[:, ::-1],
    "flip-y": lambda a: a[::-1, :],
    "transpose": lambda a: a.T,
    "transverse": lambda a: np.rot90(a, 2).T,
}

_SYNC_SPECTRUM = np.conj(fft.fft2(_upsample(_emphasised(_SYNC), OVERSAMPLE)))
_SYNC_READ = _emphasised(_emphasised(_SYNC))
"""The sync pattern as ``_read_cells`` sees it (emphasised once by the embedder, once by the reader)."""


def _vertex(minus: float, centre: float, plus: float) -> float:
    """Offset (-0.5..0.5) of the top of the parabola through three neighbouring samples."""
    denominator = minus - 2 * centre + plus
    return 0.0 if denominator >= 0 else 0.5 * (minus - plus) / denominator


def _synchronise(folded: np.ndarray) -> tuple[str, np.ndarray, float, tuple[float, float]]:
    """Find the folded tile's orientation and offset against the synchronisation pattern."""
    best: tuple[str, np.ndarray, float, tuple[float, float]] | None = None
    for name, transform in _TRANSFORMS.items():
        tile = np.ascontiguousarray(transform(folded))
        spectrum = fft.fft2(tile)
        correlation = np.real(fft.ifft2(spectrum * _SYNC_SPECTRUM))
        peak = int(np.argmax(correlation))
        py, px = divmod(peak, correlation.shape[1])
        score = (correlation.flat[peak] - correlation.mean()) / (correlation.std() + 1e-12)
        if best is None or score > best[2]:
            n, c = correlation.shape[0], correlation
            dy = _vertex(c[(py - 1) % n, px], c[py, px], c[(py + 1) % n, px])
            dx = _vertex(c[py, (px - 1) % n], c[py, px], c[py, (px + 1) % n])
            best = (name, spectrum, float(score), (py + dy, px + dx))
    assert best is not None
    return best


def _read_cells(spectrum: np.ndarray, shift: tuple[float, float]) -> np.ndarray:
    """Matched-filter values of the CELLS x CELLS cells of a folded tile whose sync pattern starts
    at ``shift``."""
    n = spectrum.shape[0]
    freqs = fft.fftfreq(n) * n
    ramp = np.exp(2j * np.pi * (freqs[:, None] * shift[0] + freqs[None, :] * shift[1]) / n)
    shifted = fft.fftshift(spectrum * ramp)
    start = (n - CELLS) // 2
    band = fft.ifftshift(shifted[start : start + CELLS, start : start + CELLS])
    return np.real(fft.ifft2(band * _EMPHASIS))


def _soft_bits(cells: np.ndarray) -> np.ndarray:
    gain = float(np.sum(cells * _SYNC_READ) / np.sum(_SYNC_READ * _SYNC_READ))
    data = (cells - gain * _SYNC_READ) * _CHIPS
    soft = np.bincount(_BIT_OF_CELL.ravel(), weights=data.ravel(), minlength=coded_length())
    return soft / (np.std(soft) + 1e-12)


def detect_watermark(image: Image.Image) -> Detection:
    """Look for a notrain mark in ``image`` alone: no original, no registry."""
    width, height = image.size
    if min(width, height) < MIN_DETECT_SIZE:
        return Detection(False, None, 0.0, reason=f"too small to read ({width}x{height} pixels)")
    luma, scale = _working_luma(image)
    if float(np.std(luma)) < 0.5:
        return Detection(False, None, 0.0, reason="the image is flat: no texture can carry a mark")
    spectrum = _whitened_spectrum(_residual(luma))
    smoothed = ndimage.gaussian_filter(_lattice_power(spectrum), PEAK_BLUR, mode="wrap")
    candidates = _lattice_candidates(smoothed, luma.shape, MAX_TRIES)
    if not candidates:
        return Detection(False, None, 0.0, reason="too small to hold two watermark tiles")
    best_score = 0.0
    for candidate in candidates:
        frequencies = _refine(smoothed, luma.shape, candidate.period, candidate.angle)
        basis = np.linalg.inv(frequencies).T
        name, tile_spectrum, sync_score, shift = _synchronise(
            _folded_tile(spectrum, luma.shape, basis)
        )
        best_score = max(best_score, sync_score)
        if sync_score < MIN_SYNC_SCORE:
            continue
        paths = LIST_PATHS if sync_score >= LIST_SYNC_SCORE else 1
        result = next(
            (
                path
                for path in decode_paths(_soft_bits(_read_cells(tile_spectrum, shift)), paths)
                if path.crc_ok and path.agreement >= MIN_AGREEMENT
            ),
            None,
        )
        if result is not None:
            return Detection(
                True,
                result.message,
                confidence=round(result.agreement, 3),
                sync_score=round(sync_score, 2),
                tile_pixels=round(math.sqrt(abs(np.linalg.det(basis))) / scale, 2),
                rotation=round(math.degrees(math.atan2(basis[1, 0], basis[0, 0])), 2),
                transform=name,
            )
    return Detection(
        False,
        None,
        0.0,
        sync_score=round(best_score, 2),
        reason="no notrain watermark could be read"
        if best_score >= MIN_SYNC_SCORE
        else "no watermark found",
    )
