"""Every choice a protect run can make, declared once.

The CLI builds its options from these fields (the help text lives here), the web
app will build its form from them, and ``options_key`` derives the identity of a
job from them, so a resumed batch knows which outputs are already right.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from notrain.errors import OptionError
from notrain.imaging import get_platform, parse_anchor
from notrain.watermark.visible import POSITIONS

if TYPE_CHECKING:
    from notrain.store import Database

__all__ = ["FORMAT_CHOICES", "SUBSAMPLING_CHOICES", "TRAINING_USES", "ProtectOptions"]

DEFAULTS_SETTING = "protect.defaults"
"""The setting holding the person's defaults for new batches (ProtectOptions field names ->
values): written by the web app's Settings page, read by its Protect page."""


def saved_defaults(db: Database) -> dict[str, Any]:
    """The person's saved defaults (see :data:`DEFAULTS_SETTING`), only the fields this
    ProtectOptions knows: a field saved by another notrain version is left out."""
    from notrain.store.settings import get_setting

    saved = get_setting(db, DEFAULTS_SETTING, {})
    known = {f.name for f in fields(ProtectOptions)}
    return {k: v for k, v in saved.items() if k in known} if isinstance(saved, dict) else {}


FORMAT_CHOICES = ("auto", "jpeg", "png", "webp")
SUBSAMPLING_CHOICES = ("4:2:0", "4:2:2", "4:4:4")
TRAINING_USES = ("ai_training", "ai_generative_training", "data_mining", "ai_inference")
"""The ``cawg.training-mining`` entries (without their ``cawg.`` prefix) a Content Credential sets."""


def _opt(default: Any, help: str, *, key: bool = True) -> Any:
    """A field with its help text; ``key=False`` marks settings that do not change the output."""
    return field(default=default, metadata={"help": help, "key": key})


@dataclass(frozen=True, kw_only=True)
class ProtectOptions:
    """What to do to each photo. Defaults protect as much as survives a platform."""

    platform: str = _opt(
        "instagram", "Platform to prepare for: sizes, crop and the survival report follow it."
    )
    crop: str = _opt(
        "center",
        "Where to crop when the platform needs another shape: center, top, bottom, left, right, or X,Y in 0..1.",
    )
    output_format: str = _opt(
        "auto",
        "Output format: auto (JPEG, or PNG for transparent images on platforms that keep PNG), jpeg, png or webp.",
    )
    quality: int = _opt(
        92,
        "Encoder quality for JPEG and WebP (1-100); the platform re-encodes anyway, so keep it high.",
    )
    subsampling: str = _opt(
        "4:2:0", "JPEG chroma subsampling: 4:2:0 (what platforms use), 4:2:2 or 4:4:4."
    )
    keep_location: bool = _opt(False, "Keep the GPS position and location fields.")
    keep_camera: bool = _opt(
        False, "Keep camera and lens serial numbers, maker notes and the unique image id."
    )
    rights: bool = _opt(
        True,
        "Write the rights statement: copyright, creator and 'not for AI training' (IPTC, XMP, EXIF).",
    )
    owner: str | None = _opt(None, "Your name, as creator and copyright holder.")
    contact: str | None = _opt(
        None, "How to reach you for licensing: an email address or a web page."
    )
    copyright: str | None = _opt(None, "Copyright notice; default: '© YEAR OWNER'.")
    web_statement: str | None = _opt(
        None, "URL of a page with your licensing terms (xmpRights:WebStatement)."
    )
    usage_terms: str | None = _opt(None, "Usage terms in plain words (xmpRights:UsageTerms).")
    data_mining: str = _opt(
        "DMI-PROHIBITED-AIMLTRAINING", "IPTC data-mining statement (plus:DataMining)."
    )
    other_constraints: str | None = _opt(
        None,
        "The plain-language 'not for AI training' sentence (plus:OtherConstraints); default: notrain's wording.",
    )
    tdm_policy: str | None = _opt(None, "URL of a TDMRep policy; also writes tdm:reservation=1.")
    watermark: bool = _opt(
        True,
        "Embed the invisible watermark (your owner id, the photo's id, the 'not for AI training' flag); it survives the platform's resize and recompression. Needs 'notrain init' once.",
    )
    mark: str | None = _opt(None, "Text of a visible watermark, for example '© Your Name'.")
    mark_logo: Path | None = _opt(
        None, "A logo image (PNG with transparency) to use as the visible watermark."
    )
    mark_position: str = _opt(
        "bottom-right",
        "Where the visible mark goes: a corner (bottom-right, bottom-left, top-right, top-left) or tiled across the image.",
    )
    mark_opacity: float = _opt(0.6, "Opacity of the visible mark, 0-1.")
    mark_size: float = _opt(0.25, "Width of the visible mark as a fraction of the image width.")
    mark_color: str = _opt(
        "auto", "Colour of the visible mark: auto (contrasts with the photo) or #rrggbb."
    )
    mark_font: Path | None = _opt(
        None, "A TrueType/OpenType font for the mark text (default: the font bundled with Pillow)."
    )
    credentials: bool | None = _opt(
        None,
        "Sign a Content Credential (C2PA) into each copy: who made it, what notrain did to it, and 'not for AI training' (cawg.training-mining), tamper-evident. Default: on once you have a signing identity (notrain init) and the credentials extra (pip install \"notrain[credentials]\").",
    )
    credentials_allow: str | None = _opt(
        None,
        "Training-mining uses to allow in the Content Credential instead of 'notAllowed', comma-separated: ai_training, ai_generative_training, data_mining, ai_inference.",
    )
    credentials_thumbnail: bool = _opt(
        False, "Put a thumbnail in the Content Credential (it adds 87-549 KB)."
    )
    timestamp_url: str | None = _opt(
        None,
        "An RFC 3161 timestamp server for the Content Credential, contacted while signing (e.g. http://timestamp.digicert.com).",
    )
    max_pixels: int = _opt(
        200_000_000,
        "Refuse images with more pixels than this (protects against decompression bombs).",
        key=False,
    )
    overwrite: bool = _opt(False, "Replace outputs that already exist.", key=False)

    @property
    def no_ai_training(self) -> bool:
        """Whether the invisible watermark's 'not for AI training' flag is set (it follows --data-mining)."""
        return self.data_mining not in ("DMI-ALLOWED", "DMI-UNSPECIFIED")

    def __post_init__(self) -> None:
        if self.output_format not in FORMAT_CHOICES:
            raise OptionError(
                f"Unknown output format {self.output_format!r}.",
                hint=f"Use one of: {', '.join(FORMAT_CHOICES)}.",
            )
        if self.subsampling not in SUBSAMPLING_CHOICES:
            raise OptionError(
                f"Unknown chroma subsampling {self.subsampling!r}.",
                hint=f"Use one of: {', '.join(SUBSAMPLING_CHOICES)}.",
            )
        if not 1 <= self.quality <= 100:
            raise OptionError(f"Quality must be between 1 and 100, not {self.quality}.")
        if self.mark and self.mark_logo:
            raise OptionError("Give either a text mark or a logo, not both.")
        if self.mark_position not in POSITIONS:
            raise OptionError(
                f"Unknown mark position {self.mark_position!r}.",
                hint=f"Use one of: {', '.join(POSITIONS)}.",
            )
        if self.max_pixels < 1:
            raise OptionError(f"--max-pixels must be positive, not {self.max_pixels}.")
        get_platform(self.platform)
        parse_anchor(self.crop)
        self.training_choices()

    def training_choices(self) -> dict[str, str]:
        """The ``cawg.training-mining`` uses for the Content Credential: every entry notAllowed
        except those named in ``credentials_allow``."""
        allowed = {a.strip() for a in (self.credentials_allow or "").split(",") if a.strip()}
        unknown = allowed - set(TRAINING_USES)
        if unknown:
            raise OptionError(
                f"Unknown training-mining use {', '.join(sorted(unknown))!r}.",
                hint=f"Use any of: {', '.join(TRAINING_USES)} (comma-separated).",
            )
        return {use: "allowed" if use in allowed else "notAllowed" for use in TRAINING_USES}

    def key(self) -> str:
        """A stable hash of every setting that shapes the output (not where it goes, nor how fast)."""
        values = {
            f.name: getattr(self, f.name) for f in fields(self) if f.metadata.get("key", True)
        }
        for name in ("mark_logo", "mark_font"):
            if values[name] is not None:
                values[name] = _file_identity(Path(values[name]))
        canonical = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def as_dict(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self).items()}


def _file_identity(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return str(path)
