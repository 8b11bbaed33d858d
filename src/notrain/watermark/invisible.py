"""The invisible watermark: 64 bits in the pixels that survive a platform's resize and recompression.

How it works (docs/watermark.md has the long version):

* The mark is a tile of 32x32 cells repeated over the whole image. Each cell adds a smooth bump of
  +-1 to the luminance. A tile's cells carry two superimposed signals: a fixed pseudo-random
  synchronisation pattern and the 282 bits of the error-corrected message (64 data bits, a CRC-24 and
  a rate-1/3 convolutional code), each spread over three or four cells of every tile.
* The tile's size follows the image (four tiles across the short side), so the mark keeps its shape
  relative to the picture whatever size the platform makes of it.
* Detection needs nothing but the image. The tiling makes the image's whitened autocorrelation peak
  on a lattice; the lattice gives the tile's size, rotation and aspect as the image is now. Every tile
  is then folded onto one, which sums the mark's energy across the image; the synchronisation pattern
  finds where the tile starts (and whether the picture was mirrored or turned by 90 degrees); the
  cells are read and decoded. Only a message whose CRC matches and whose codeword agrees strongly with
  what was read counts as found, so a wrong read says "no watermark" rather than naming a wrong owner.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy import fft, ndimage

from notrain.errors import InputError
from notrain.watermark.coding import (
    MESSAGE_BITS,
    coded_length,
    decode_bits,
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

SYNC_WEIGHT = 0.5
"""Share of the mark's amplitude spent on the synchronisation pattern (the rest carries data)."""

MIN_AGREEMENT = 0.55
"""A decoded message counts only if its codeword agrees at least this much with what was read."""

MIN_SYNC_SCORE = 4.0
"""Synchronisation peaks below this many standard deviations are not worth decoding."""

OVERSAMPLE = 2
"""Fold resolution: samples per cell along each axis."""

WORK_SIDE = 1200
"""Detection works on a copy whose long side is at most this (the mark scales with the image)."""

LAG_RANGE = (30.0, 42.0)
"""Tile periods searched in each band's grid: 32 cells at 0.85-1.9 grid pixels each."""

SPECTRAL_FLOOR = 2.5

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
    return sync.reshape(CELLS, CELLS), bit_of_cell.reshape(CELLS, CELLS), chips.reshape(CELLS, CELLS)


_SYNC, _BIT_OF_CELL, _CHIPS = _layout()


def _upsample(cells: np.ndarray, factor: int) -> np.ndarray:
    """Band-limited periodic interpolation of a cell grid (zero-padding its spectrum)."""
    n = cells.shape[0]
    spectrum = fft.fftshift(fft.fft2(cells))
    pad = (n * factor - n) // 2
    padded = np.pad(spectrum, pad)
    return np.real(fft.ifft2(fft.ifftshift(padded))) * factor * factor


def _tile_cells(message: bytes) -> np.ndarray:
    data = (encode_bits(message).astype(np.float32) * 2 - 1)[_BIT_OF_CELL] * _CHIPS
    data_weight = math.sqrt(1 - SYNC_WEIGHT**2)
    return SYNC_WEIGHT * _SYNC + data_weight * data


def _render_tile(cells: np.ndarray) -> np.ndarray:
    tile = _upsample(cells, _RENDER)
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
    mean = ndimage.gaussian_filter(luma, sigma)
    activity = np.sqrt(np.maximum(ndimage.gaussian_filter(luma * luma, sigma) - mean * mean, 0))
    mask = np.clip((activity + 2.0) / (np.median(activity) + 2.0), 0.35, 2.5) ** 0.6
    # Very dark and very bright areas clip the change away; spend less there.
    mask *= np.clip(np.minimum(mean, 255 - mean) / 24.0, 0.25, 1.0)
    return mask.astype(np.float32)


def embed_watermark(image: Image.Image, message: bytes, *, psnr: float = DEFAULT_PSNR) -> Image.Image:
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
    delta = _sample_tile(_render_tile(_tile_cells(message)), width, height, period) * _masking(luma, cell)
    target_rms = 255.0 * 10 ** (-psnr / 20)
    delta *= target_rms / max(float(np.sqrt(np.mean(delta * delta))), 1e-6)
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


@dataclass
class _Band:
    """The image's whitened spectrum cut to frequencies below ``cutoff`` (cycles per pixel), seen on
    a grid ``step`` times coarser than the image's."""

    cutoff: float
    step: float
    acf: np.ndarray
    shape: tuple[int, int]


def _crop_spectrum(spectrum: np.ndarray, height: int, width: int, cutoff: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The rfft2 coefficients below ``cutoff``, laid out as the rfft2 of a smaller image."""
    ny = max(2, int(round(cutoff * height)))
    nx = max(2, int(round(cutoff * width)))
    if 2 * ny >= height and 2 * nx >= width:
        return spectrum, (height, width)
    ny, nx = min(ny, height // 2), min(nx, width // 2)
    rows = np.concatenate([spectrum[:ny], spectrum[height - ny :]])
    return rows[:, : nx + 1], (2 * ny, 2 * nx)


BAND_CUTOFFS = tuple(0.5 * 0.8**k for k in range(12))
"""Frequency bands searched for the mark's lattice, each 1.6 times below the last."""


def _whitening(luma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The image's spectrum and its smoothed power, by which the detector whitens it."""
    spectrum = _periodic_spectrum(luma)
    power = spectrum.real**2 + spectrum.imag**2
    return spectrum, ndimage.uniform_filter(power, size=7, mode="wrap") + 1e-6


def _bands(luma: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[_Band]]:
    height, width = luma.shape
    spectrum, smooth = _whitening(luma)
    power = spectrum.real**2 + spectrum.imag**2
    flat = np.minimum(power / smooth, 8.0)
    flat[flat < SPECTRAL_FLOOR] = 0
    # Rows and columns of the picture (scan lines, borders, sensor patterns) put ridges on the
    # autocorrelation's axes that would outshine the lattice; the mark loses little without them.
    flat[:2, :] = 0
    flat[-1:, :] = 0
    flat[:, :2] = 0
    bands = []
    for cutoff in BAND_CUTOFFS:
        cropped, shape = _crop_spectrum(flat, height, width, cutoff)
        if min(shape) < 2 * CELLS:
            break
        acf = fft.irfft2(cropped, s=shape, workers=1)
        # In units of the noise among the lags searched, so that bands compare.
        ring = fft.fftshift(acf)
        cy, cx = shape[0] // 2, shape[1] // 2
        reach = int(2 * LAG_RANGE[1])
        ring = ring[max(0, cy - reach) : cy + reach, max(0, cx - reach) : cx + reach]
        acf /= max(float(np.std(ring[np.abs(ring) < np.percentile(np.abs(ring), 99)])), 1e-9)
        step = height / shape[0]
        bands.append(_Band(cutoff, step, acf.astype(np.float32), shape))
    return spectrum, smooth, bands


def _whitened(spectrum: np.ndarray, smooth: np.ndarray, luma_shape: tuple[int, int], band: _Band) -> np.ndarray:
    height, width = luma_shape
    cropped, shape = _crop_spectrum(spectrum / np.sqrt(smooth), height, width, band.cutoff)
    return fft.irfft2(cropped, s=shape, workers=1).astype(np.float32)


def _peaks(acf: np.ndarray, min_lag: float, max_lag: float, count: int) -> list[tuple[float, float, float]]:
    """The strongest local maxima of the autocorrelation as (dx, dy, height), half plane only."""
    shifted = fft.fftshift(acf)
    cy, cx = shifted.shape[0] // 2, shifted.shape[1] // 2
    local = ndimage.maximum_filter(shifted, size=5, mode="wrap") == shifted
    ys, xs = np.nonzero(local)
    dx, dy = xs - cx, ys - cy
    radius = np.hypot(dx, dy)
    keep = (radius >= min_lag) & (radius <= max_lag) & ((dy > 0) | ((dy == 0) & (dx > 0)))
    values = shifted[ys[keep], xs[keep]]
    order = np.argsort(values)[::-1][:count]
    return [(float(dx[keep][i]), float(dy[keep][i]), float(values[i])) for i in order]


def _acf_near(acf: np.ndarray, x: float, y: float) -> float:
    """The autocorrelation's highest value within a pixel of (x, y)."""
    height, width = acf.shape
    xi, yi = int(round(x)), int(round(y))
    return float(acf[np.ix_(np.arange(yi - 1, yi + 2) % height, np.arange(xi - 1, xi + 2) % width)].max())


def _lattice_score(acf: np.ndarray, b1: np.ndarray, b2: np.ndarray, reach: float) -> float:
    total, count = 0.0, 0
    for i in range(-2, 3):
        for j in range(3):
            if j == 0 and i <= 0:
                continue
            point = i * b1 + j * b2
            if np.hypot(*point) <= reach:
                total += _acf_near(acf, *point)
                count += 1
    # A true basis vector's half is not on the lattice: penalise harmonics.
    for half in (b1 / 2, b2 / 2, (b1 + b2) / 2):
        total -= _acf_near(acf, *half)
        count += 1
    return total / max(count, 1)


def _toward_x(vector: np.ndarray) -> np.ndarray:
    """The lattice vector turned by quarter turns to point within 45 degrees of +x."""
    x, y = vector
    for _ in range(4):
        if x > 0 and abs(y) <= x:
            break
        x, y = -y, x
    return np.array([x, y], dtype=np.float64)


def _candidate_lattices(
    acf: np.ndarray, min_lag: float, max_lag: float
) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """Likely (b1, b2) tile bases: square ones grown from single peaks, and pairs of peaks (for
    images whose aspect was changed)."""
    peaks = _peaks(acf, min_lag, max_lag, 24)
    pairs = []
    for peak in peaks[:10]:
        b1 = _toward_x(np.array(peak[:2]))
        pairs.append((b1, np.array([-b1[1], b1[0]])))
    near_x = [_toward_x(np.array(p[:2])) for p in peaks if abs(p[1]) <= 0.45 * abs(p[0])]
    near_y = [np.array(p[:2]) * np.sign(p[1]) for p in peaks if abs(p[0]) <= 0.45 * abs(p[1])]
    for b1 in near_x[:5]:
        for b2 in near_y[:5]:
            if 0.5 <= np.hypot(*b1) / np.hypot(*b2) <= 2.0:
                pairs.append((b1, b2))
    scored = [(_lattice_score(acf, b1, b2, max_lag * 1.5), b1, b2) for b1, b2 in pairs]
    scored.sort(key=lambda item: -item[0])
    return [(b1, b2, score) for score, b1, b2 in scored[:3]]


def _subpixel_peak(acf: np.ndarray, x: float, y: float, search: int = 2) -> tuple[float, float, float] | None:
    height, width = acf.shape
    xi, yi = int(round(x)), int(round(y))
    ys = np.arange(yi - search, yi + search + 1) % height
    xs = np.arange(xi - search, xi + search + 1) % width
    window = acf[np.ix_(ys, xs)]
    wy, wx = np.unravel_index(int(np.argmax(window)), window.shape)
    if wy in (0, 2 * search) or wx in (0, 2 * search):
        return None
    centre = window[wy, wx]
    dx = _vertex(window[wy, wx - 1], centre, window[wy, wx + 1])
    dy = _vertex(window[wy - 1, wx], centre, window[wy + 1, wx])
    return xi - search + wx + dx, yi - search + wy + dy, float(centre)


def _vertex(minus: float, centre: float, plus: float) -> float:
    """Offset (-0.5..0.5) of the top of the parabola through three neighbouring samples."""
    denominator = minus - 2 * centre + plus
    return 0.0 if denominator >= 0 else 0.5 * (minus - plus) / denominator


def _refine(acf: np.ndarray, b1: np.ndarray, b2: np.ndarray, reach: float) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares fit of the basis to sub-pixel peaks at many lattice points."""
    rows, targets, weights = [], [], []
    for i in range(-4, 5):
        for j in range(5):
            if (j == 0 and i <= 0) or max(abs(i), abs(j)) > 4:
                continue
            point = i * b1 + j * b2
            if np.hypot(*point) > reach:
                continue
            peak = _subpixel_peak(acf, *point)
            if peak is None or peak[2] <= 0:
                continue
            rows.append((i, j))
            targets.append(peak[:2])
            weights.append(peak[2])
    if len(rows) < 3:
        return b1, b2
    a = np.array(rows, dtype=np.float64)
    w = np.sqrt(np.array(weights))[:, None]
    solution, *_ = np.linalg.lstsq(a * w, np.array(targets) * w, rcond=None)
    return solution[0], solution[1]


def _fold(whitened: np.ndarray, b1: np.ndarray, b2: np.ndarray) -> np.ndarray:
    """Average every tile of the image onto one tile sampled OVERSAMPLE times per cell."""
    height, width = whitened.shape
    bins = CELLS * OVERSAMPLE
    inverse = np.linalg.inv(np.column_stack([b1, b2]))
    xs = np.arange(width, dtype=np.float32) + 0.5
    ys = np.arange(height, dtype=np.float32) + 0.5
    u = (inverse[0, 0] * xs)[None, :] + (inverse[0, 1] * ys)[:, None]
    v = (inverse[1, 0] * xs)[None, :] + (inverse[1, 1] * ys)[:, None]
    iu = (np.floor((u - np.floor(u)) * bins).astype(np.int64)) % bins
    iv = (np.floor((v - np.floor(v)) * bins).astype(np.int64)) % bins
    index = (iv * bins + iu).ravel()
    spread = float(np.std(whitened)) or 1.0
    values = np.clip(whitened.ravel() / spread, -3, 3)
    sums = np.bincount(index, weights=values, minlength=bins * bins)
    counts = np.bincount(index, minlength=bins * bins)
    folded = sums / np.maximum(counts, 1)
    return (folded - folded.mean()).reshape(bins, bins)


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

_SYNC_SPECTRUM = np.conj(fft.fft2(_upsample(_SYNC, OVERSAMPLE)))


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
    """The CELLS x CELLS cell values of a folded tile whose sync pattern starts at ``shift``."""
    n = spectrum.shape[0]
    freqs = fft.fftfreq(n) * n
    ramp = np.exp(2j * np.pi * (freqs[:, None] * shift[0] + freqs[None, :] * shift[1]) / n)
    aligned = spectrum * ramp
    shifted = fft.fftshift(aligned)
    start = (n - CELLS) // 2
    band = shifted[start : start + CELLS, start : start + CELLS]
    return np.real(fft.ifft2(fft.ifftshift(band)))


def _soft_bits(cells: np.ndarray) -> np.ndarray:
    gain = float(np.sum(cells * _SYNC) / np.sum(_SYNC * _SYNC))
    data = (cells - gain * _SYNC) * _CHIPS
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
    spectrum, smooth, bands = _bands(luma)
    candidates = []
    for band in bands:
        for b1, b2, score in _candidate_lattices(band.acf, LAG_RANGE[0], LAG_RANGE[1]):
            candidates.append((score, band, b1, b2))
    if not candidates:
        return Detection(False, None, 0.0, reason="no repeating watermark pattern")
    candidates.sort(key=lambda item: -item[0])
    best_score = 0.0
    for _, band, b1, b2 in candidates[:MAX_TRIES]:
        b1, b2 = _refine(band.acf, b1, b2, 0.9 * min(band.shape))
        folded = _fold(_whitened(spectrum, smooth, luma.shape, band), b1, b2)
        name, tile_spectrum, sync_score, shift = _synchronise(folded)
        best_score = max(best_score, sync_score)
        if sync_score < MIN_SYNC_SCORE:
            continue
        result = decode_bits(_soft_bits(_read_cells(tile_spectrum, shift)))
        if result.crc_ok and result.agreement >= MIN_AGREEMENT:
            tile = float(np.sqrt(abs(np.linalg.det(np.column_stack([b1, b2]))))) * band.step / scale
            return Detection(
                True,
                result.message,
                confidence=round(result.agreement, 3),
                sync_score=round(sync_score, 2),
                tile_pixels=round(tile, 2),
                rotation=round(math.degrees(math.atan2(b1[1], b1[0])), 2),
                transform=name,
            )
    return Detection(
        False,
        None,
        0.0,
        sync_score=round(best_score, 2),
        reason="no notrain watermark could be read" if best_score >= MIN_SYNC_SCORE else "no watermark found",
    )
