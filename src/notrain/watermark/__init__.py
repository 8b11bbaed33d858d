"""Watermarks: marks that say whose photo it is and that it is not for AI training."""

from notrain.watermark.visible import (
    POSITIONS,
    MarkResult,
    Position,
    VisibleMark,
    apply_visible_mark,
    mark_contrast,
)

__all__ = [
    "POSITIONS",
    "MarkResult",
    "Position",
    "VisibleMark",
    "apply_visible_mark",
    "mark_contrast",
]
