"""Watermarks: marks that say whose photo it is and that it is not for AI training.

Visible marks (a text or logo drawn on the photo) and the invisible mark: 64 bits carried in the
pixels that read back from the image alone after a platform's resize and recompression.
"""

from notrain.watermark.invisible import (
    DEFAULT_PSNR,
    MIN_EMBED_SIZE,
    Detection,
    detect_watermark,
    embed_watermark,
    message_from_hex,
)
from notrain.watermark.payload import (
    IMAGE_BITS,
    OWNER_BITS,
    PAYLOAD_VERSION,
    Payload,
    PayloadError,
    UnknownPayloadError,
)
from notrain.watermark.visible import (
    POSITIONS,
    MarkResult,
    Position,
    VisibleMark,
    apply_visible_mark,
    mark_contrast,
)

__all__ = [
    "DEFAULT_PSNR",
    "IMAGE_BITS",
    "MIN_EMBED_SIZE",
    "OWNER_BITS",
    "PAYLOAD_VERSION",
    "POSITIONS",
    "Detection",
    "MarkResult",
    "Payload",
    "PayloadError",
    "Position",
    "UnknownPayloadError",
    "VisibleMark",
    "apply_visible_mark",
    "detect_watermark",
    "embed_watermark",
    "mark_contrast",
    "message_from_hex",
]
