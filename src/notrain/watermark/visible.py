"""The visible watermark: a text or logo stamped in a corner or tiled across the photo.

A corner mark is cheap to remove by cropping but does not spoil the picture; a
tiled mark repeats on a rotated grid so that no crop gets rid of it. Either way
the result carries the exact per-pixel coverage of the mark, so that the survival
report can later measure, with :func:`mark_contrast`, how much of the mark is
left in the copy a platform serves.

Text is drawn with FreeType through Pillow. Without ``font`` it uses Open Sans
SemiBold, which ships with the ``ttf-opensans`` dependency and covers Latin
(with its extensions), Greek and Cyrillic. Characters the font cannot show
(CJK, Arabic, ...) raise :class:`OptionError` asking for a font that has them.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, get_args

import numpy as np
from PIL import (
    Image,
    ImageChops,
    ImageDraw,
    ImageFilter,
    ImageFont,
    ImageOps,
    UnidentifiedImageError,
)

from notrain.errors import InputError, OptionError

__all__ = [
    "POSITIONS",
    "MarkResult",
    "Position",
    "VisibleMark",
    "apply_visible_mark",
    "mark_contrast",
]

Position = Literal["bottom-right", "bottom-left", "top-right", "top-left", "tiled"]
POSITIONS: tuple[str, ...] = get_args(Position)

_LIGHT = (255, 255, 255)
_DARK = (24, 24, 24)
_BLACK = (0, 0, 0)
_DARK_TEXT_ABOVE = 150
_MIN_FONT_PX = 17
_MAX_FONT_FRACTION = 0.1
_HALO_STRENGTH = 0.55
_MISSING = "\U0010ffff"  # a noncharacter: every font draws it as its missing-glyph box
_CHECK_SIZE = 32


_NUMBERS: tuple[tuple[str, Callable[[float], bool], str, str], ...] = (
    ("opacity", lambda v: 0 < v <= 1, "above 0 and at most 1", "0.6 is visible but unobtrusive."),
    (
        "scale",
        lambda v: 0 < v <= 1,
        "above 0 and at most 1",
        "It is the mark's width as a fraction of the image width, e.g. 0.25.",
    ),
    (
        "margin",
        lambda v: 0 <= v <= 0.25,
        "from 0 to 0.25",
        "It is the distance from the edges as a fraction of the short edge, e.g. 0.03.",
    ),
    ("angle", lambda v: True, "a number of degrees", "Use e.g. 30."),
)


@dataclass(frozen=True, kw_only=True)
class VisibleMark:
    """What to stamp on a photo, and where.

    Give exactly one of ``text`` or ``logo``. ``scale`` is the width of the mark
    as a fraction of the image width (for ``"tiled"``, of one repetition); text
    is never set smaller than 17 px (capitals about 12 px tall) unless the image
    is too small to hold it, nor larger than a tenth of the short edge.
    ``color="auto"`` measures the luma (ITU-R 601) under the mark, or of the
    whole image when tiled, and uses near-black text when it is above 150 of 255
    and white text otherwise; text always gets a soft halo in the opposite
    colour so that it stays legible on busy backgrounds. ``color`` and ``font``
    apply to text only. A logo keeps its own colours and alpha, times
    ``opacity``; a logo without alpha is stamped as an opaque rectangle.
    """

    text: str | None = None
    logo: Path | None = None
    position: Position = "bottom-right"
    opacity: float = 0.6
    scale: float = 0.25
    color: str = "auto"
    font: Path | None = None
    margin: float = 0.03
    angle: float = 30.0

    def __post_init__(self) -> None:
        if self.logo is not None:
            object.__setattr__(self, "logo", Path(self.logo))
        if self.font is not None:
            object.__setattr__(self, "font", Path(self.font))
        has_text = self.text is not None and self.text.strip() != ""
        if has_text == (self.logo is not None):
            raise OptionError(
                "A visible mark needs exactly one of a text or a logo.",
                hint="Give the text to stamp (for example '© Ann Example') or a logo image, not both.",
            )
        if self.position not in POSITIONS:
            raise OptionError(
                f"Unknown mark position {self.position!r}.",
                hint=f"Use one of: {', '.join(POSITIONS)}.",
            )
        for name, in_range, expected, hint in _NUMBERS:
            _check_number(name, getattr(self, name), in_range, expected, hint)
        if self.color != "auto":
            _parse_color(self.color)
        if self.logo is not None:
            _load_logo(self.logo)
        else:
            assert self.text is not None
            if any(unicodedata.category(c) == "Cc" for c in self.text):
                raise OptionError(
                    "The mark text contains a line break or another control character.",
                    hint="Put the mark text on one line.",
                )
            _check_glyphs(unicodedata.normalize("NFC", self.text.strip()), self.font)


@dataclass(frozen=True)
class MarkResult:
    """A marked image, where the mark covers it (0 to 1 per pixel), and the colour used.

    For a logo, ``color`` is the logo's mean colour weighted by its alpha.
    """

    image: Image.Image
    mask: np.ndarray
    color: tuple[int, int, int]


def apply_visible_mark(image: Image.Image, mark: VisibleMark) -> MarkResult:
    """Stamp ``mark`` on a copy of ``image`` (RGB or RGBA; an alpha channel is kept as it was)."""
    if image.mode not in ("RGB", "RGBA"):
        raise InputError(
            f"A visible mark needs an RGB or RGBA image, got mode {image.mode!r}.",
            hint="Decode the photo with notrain.imaging first, or convert it with image.convert('RGB').",
        )
    width, height = image.size
    short = min(width, height)
    tiled = mark.position == "tiled"
    margin = 0 if tiled else round(mark.margin * short)
    room = (max(1, width - 2 * margin), max(1, height - 2 * margin))
    if mark.logo is not None:
        logo = _fit_logo(_load_logo(mark.logo), round(mark.scale * width), room)
        colour, pad, pieces, step = _mean_colour(logo), 0, [logo], (1.5, 1.6)
    else:
        assert mark.text is not None
        pieces, pad = _text_stamp(mark.text, mark.font, mark.scale * width, room[0], short)
        step = (1.4, max(3.0, 0.3 * pieces[0].width / pieces[0].height))
    if tiled:
        box = (0, 0, width, height)
        pieces = _tile(pieces, image.size, mark.angle, step)
        under = image.reduce(max(1, short // 256))
    else:
        box = _corner_box(mark.position, pieces[0].size, image.size, margin, pad)
        window = _stamp_window(box, pieces[0].size, mark.position)
        pieces = [piece.crop(window) for piece in pieces]
        under = image.crop(box)
    layers: list[tuple[tuple[int, int, int] | Image.Image, Image.Image]]
    if mark.logo is not None:
        layers = [(pieces[0].convert("RGB"), _times(pieces[0].getchannel("A"), mark.opacity))]
    else:
        luma = float(np.asarray(under.convert("RGB").convert("L"), np.float32).mean())
        colour, halo_colour = _text_colours(mark.color, luma)
        layers = [
            (halo_colour, _times(pieces[0], mark.opacity * _HALO_STRENGTH)),
            (colour, _times(pieces[1], mark.opacity)),
        ]
    marked, mask = _composite(image, box, layers)
    return MarkResult(image=marked, mask=mask, color=colour)


def mark_contrast(image: Image.Image, unmarked: Image.Image, mask: np.ndarray) -> float:
    """How strongly a mark shows in ``image``: the mean absolute RGB difference (0-255) from
    ``unmarked``, weighted by the mark's coverage ``mask``.

    When ``image`` has another size (a platform resized it), ``unmarked`` and ``mask`` are
    resized to match it first. Comparing a platform's copy with the freshly marked image
    this way tells whether the mark survived; an image without any coverage scores 0.
    """
    if mask.shape != (unmarked.height, unmarked.width):
        raise OptionError(
            f"The mark mask is {mask.shape[1]}x{mask.shape[0]} but the unmarked image is "
            f"{unmarked.width}x{unmarked.height}.",
            hint="Pass the mask returned by apply_visible_mark for this unmarked image.",
        )
    if image.size != unmarked.size:
        unmarked = unmarked.convert("RGB").resize(image.size, Image.Resampling.LANCZOS)
        resized = Image.fromarray(np.asarray(mask, np.float32), "F")
        mask = np.clip(np.asarray(resized.resize(image.size, Image.Resampling.BILINEAR)), 0, 1)
    weight = np.asarray(mask, np.float32)
    rows, cols = np.flatnonzero(weight.any(axis=1)), np.flatnonzero(weight.any(axis=0))
    if rows.size == 0:
        return 0.0
    box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
    weight = weight[box[1] : box[3], box[0] : box[2]]
    a = np.asarray(image.crop(box).convert("RGB"), np.int16)
    b = np.asarray(unmarked.crop(box).convert("RGB"), np.int16)
    diff = np.abs(a - b).mean(axis=2, dtype=np.float32)
    return float((diff * weight).sum() / weight.sum())


def _check_number(
    name: str, value: object, in_range: Callable[[float], bool], expected: str, hint: str
) -> None:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not (number and math.isfinite(value) and in_range(value)):  # type: ignore[arg-type]
        raise OptionError(f"The mark {name} must be {expected}, got {value!r}.", hint=hint)


def _parse_color(value: str) -> tuple[int, int, int]:
    digits = value[1:] if value.startswith("#") else ""
    if len(digits) != 6 or any(c not in "0123456789abcdefABCDEF" for c in digits):
        raise OptionError(
            f"The mark colour {value!r} is not 'auto' or a colour like '#ffffff'.",
            hint="Write the colour as # and six hex digits, or use 'auto'.",
        )
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def _text_colours(color: str, luma: float) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """The text colour and its halo's colour, by the rule in :class:`VisibleMark`."""
    if color == "auto":
        return (_DARK, _LIGHT) if luma > _DARK_TEXT_ABOVE else (_LIGHT, _BLACK)
    rgb = _parse_color(color)
    bright = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] >= 128
    return rgb, (_BLACK if bright else _LIGHT)


@lru_cache(maxsize=1)
def _default_font_path() -> Path:
    from ttf_opensans import opensans

    return Path(opensans(font_weight=600).path)


@lru_cache(maxsize=32)
def _font(path: Path | None, size: int) -> ImageFont.FreeTypeFont:
    if path is None:
        return ImageFont.truetype(str(_default_font_path()), size)
    try:
        return ImageFont.truetype(str(path), size)
    except FileNotFoundError:
        raise OptionError(
            f"The font file {path} does not exist.", hint="Check the path given with --mark-font."
        ) from None
    except OSError as exc:
        raise OptionError(
            f"The font file {path} is not a TrueType or OpenType font ({exc}).",
            hint="Give a .ttf, .otf or .ttc file with --mark-font.",
        ) from None


@lru_cache(maxsize=4096)
def _has_glyph(path: Path | None, char: str) -> bool:
    """Whether the font draws ``char`` as something other than its missing-glyph box."""
    if char.isspace():
        return True
    font = _font(path, _CHECK_SIZE)
    missing, drawn = font.getmask(_MISSING), font.getmask(char)
    return drawn.size != missing.size or bytes(drawn) != bytes(missing)


def _check_glyphs(text: str, path: Path | None) -> None:
    """Raise OptionError naming the characters the font cannot draw."""
    lacking = [c for c in text if not _has_glyph(path, c)]
    if lacking:
        shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in dict.fromkeys(lacking))
        name = "The default font (Open Sans)" if path is None else f"The font {path}"
        raise OptionError(
            f"{name} has no glyph for {shown}.",
            hint="Give a font that covers this text with --mark-font, e.g. a Noto Sans file for "
            "the script (Noto Sans CJK for Chinese, Japanese or Korean).",
        )


def _ink(
    font: ImageFont.FreeTypeFont, text: str, x: float, y: float
) -> tuple[Image.Image, int, int]:
    """``text`` drawn with its baseline origin at (x, y), cropped to its ink; with the crop's
    top-left corner in the same coordinates."""
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    ox, oy = math.floor(x + left) - 2, math.floor(y + top) - 2
    canvas = Image.new("L", (right - left + 5, bottom - top + 5))
    ImageDraw.Draw(canvas).text((x - ox, y - oy), text, font=font, fill=255, anchor="ls")
    ink = canvas.getbbox() or (0, 0, 1, 1)
    return canvas.crop(ink), ox + ink[0], oy + ink[1]


def _render_text(text: str, path: Path | None, size: int) -> Image.Image:
    """The text's coverage as an "L" image cropped to its ink."""
    _check_glyphs(text, path)
    return _ink(_font(path, size), text, 0.0, 0.0)[0]


def _font_size(text: str, path: Path | None, target: float, room: int, short: int) -> int:
    """The font size that makes the text ``target`` px wide, within the legibility bounds and
    never wider than ``room``."""
    reference = 100
    _check_glyphs(text, path)
    left, _, right, _ = _font(path, reference).getbbox(text, anchor="ls")
    per_px = max(1, right - left) / reference
    size = min(max(target / per_px, _MIN_FONT_PX), max(_MIN_FONT_PX, _MAX_FONT_FRACTION * short))
    return max(1, math.floor(min(size, room / per_px)))


def _text_stamp(
    text: str, font: Path | None, target: float, room: int, short: int
) -> tuple[list[Image.Image], int]:
    """The coverage ("L", same size) of the halo, which surrounds the glyphs but stays out of
    them so that ``opacity`` is the most the mark covers, and of the text; and the padding
    around the ink that leaves room for the halo."""
    text = unicodedata.normalize("NFC", text.strip())
    size = _font_size(text, font, target, room, short)
    radius = max(0.8, size * 0.05)
    pad = math.ceil(3 * radius)
    fill = ImageOps.expand(_render_text(text, font, size), pad)
    spread = fill.filter(ImageFilter.MaxFilter(3)) if radius >= 1.5 else fill
    halo = spread.filter(ImageFilter.GaussianBlur(radius)).point(lambda v: min(255, v * 2))
    return [ImageChops.multiply(halo, ImageChops.invert(fill)), fill], pad


def _times(alpha: Image.Image, factor: float) -> Image.Image:
    return alpha.point([round(v * factor) for v in range(256)])


def _corner_box(
    position: str, size: tuple[int, int], image: tuple[int, int], margin: int, pad: int
) -> tuple[int, int, int, int]:
    """Where the stamp (with ``pad`` around its ink) goes, clipped to the image."""
    w, h = size
    x = image[0] - margin - w + pad if position.endswith("right") else margin - pad
    y = image[1] - margin - h + pad if position.startswith("bottom") else margin - pad
    return (max(0, x), max(0, y), min(image[0], x + w), min(image[1], y + h))


def _stamp_window(
    box: tuple[int, int, int, int], size: tuple[int, int], position: str
) -> tuple[int, int, int, int]:
    """The part of the stamp that lands inside ``box`` after clipping."""
    w, h = box[2] - box[0], box[3] - box[1]
    x = size[0] - w if position.endswith("left") else 0
    y = size[1] - h if position.startswith("top") else 0
    return (x, y, x + w, y + h)


@lru_cache(maxsize=4)
def _read_logo(path: Path, version: tuple[int, int]) -> Image.Image:
    try:
        with Image.open(path) as opened:
            im = ImageOps.exif_transpose(opened)
            rgba = (
                im.convert("RGBA")
                if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
                else im.convert("RGB").convert("RGBA")
            )
    except FileNotFoundError:
        raise OptionError(
            f"The logo file {path} does not exist.", hint="Check the path given with --logo."
        ) from None
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise OptionError(
            f"The logo file {path} is not an image notrain can read ({exc}).",
            hint="Give the logo as a PNG, ideally with a transparent background.",
        ) from None
    return rgba


def _load_logo(path: Path) -> Image.Image:
    try:
        st = path.stat()
    except OSError:
        raise OptionError(
            f"The logo file {path} does not exist.", hint="Check the path given with --logo."
        ) from None
    return _read_logo(path, (st.st_mtime_ns, st.st_size))


def _fit_logo(logo: Image.Image, width: int, room: tuple[int, int]) -> Image.Image:
    """The logo resized with LANCZOS to ``width``, shrunk to fit ``room``.

    Pillow resamples RGBA on premultiplied alpha, so transparent edges gain no dark fringe.
    """
    factor = min(width / logo.width, room[0] / logo.width, room[1] / logo.height)
    size = (max(1, round(logo.width * factor)), max(1, round(logo.height * factor)))
    return logo.resize(size, Image.Resampling.LANCZOS)


def _mean_colour(logo: Image.Image) -> tuple[int, int, int]:
    pixels = np.asarray(logo, np.float64)
    weight = pixels[..., 3:] / 255
    total = weight.sum() or 1.0
    r, g, b = ((pixels[..., :3] * weight).sum(axis=(0, 1)) / total).round().astype(int)
    return (int(r), int(g), int(b))


def _tile(
    pieces: list[Image.Image], size: tuple[int, int], angle: float, step: tuple[float, float]
) -> list[Image.Image]:
    """Each piece (all of one size: "L" coverage or an "RGBA" logo) repeated on a staggered
    grid turned by ``angle`` degrees about the image centre, on a canvas of ``size``.

    ``step`` is the grid's spacing in piece widths and heights. Only the stamp is rotated,
    once; it is then placed at the rotated grid points that reach into the image.
    """
    w, h = pieces[0].size
    step_x, step_y = max(w + 1, w * step[0]), max(h + 1, h * step[1])
    turned = [piece.rotate(angle, Image.Resampling.BICUBIC, expand=True) for piece in pieces]
    canvases = [Image.new(piece.mode, size) for piece in pieces]
    tw, th = turned[0].size
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    reach = math.hypot(*size) / 2 + math.hypot(tw, th)
    rows, cols = math.ceil(reach / step_y), math.ceil(reach / step_x) + 1
    for j in range(-rows, rows + 1):
        for i in range(-cols, cols + 1):
            u, v = (i + (j % 2) / 2) * step_x, j * step_y
            x = round(size[0] / 2 + u * cos + v * sin - tw / 2)
            y = round(size[1] / 2 - u * sin + v * cos - th / 2)
            if x >= size[0] or y >= size[1] or x + tw <= 0 or y + th <= 0:
                continue
            for canvas, piece in zip(canvases, turned):
                if piece.mode == "RGBA":
                    canvas.alpha_composite(piece, (x, y))
                else:
                    canvas.paste(255, (x, y, x + tw, y + th), piece)
    return canvases


def _composite(
    image: Image.Image,
    box: tuple[int, int, int, int],
    layers: list[tuple[tuple[int, int, int] | Image.Image, Image.Image]],
) -> tuple[Image.Image, np.ndarray]:
    """Blend each (paint, alpha) layer in turn over ``box``; return the new image and the
    full-size coverage of all layers together."""
    region = image.crop(box)
    rgb = region.convert("RGB")
    clear = np.ones((box[3] - box[1], box[2] - box[0]), np.float32)
    for paint, alpha in layers:
        rgb.paste(paint, None, alpha)
        clear *= 1 - np.asarray(alpha, np.float32) / 255
    if image.mode == "RGBA":
        rgb = Image.merge("RGBA", (*rgb.split(), region.getchannel("A")))
    marked = image.copy()
    marked.paste(rgb, box[:2])
    mask = np.zeros((image.height, image.width), np.float32)
    mask[box[1] : box[3], box[0] : box[2]] = 1 - clear
    return marked, mask
