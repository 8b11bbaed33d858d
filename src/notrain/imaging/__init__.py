"""Pixels in and out: decode any photo to upright 8-bit sRGB, prepare it for a platform, encode it, and
simulate what the platform does to it.

Importing this package is cheap: the HEIF decoder is loaded only when a HEIF file is met.
"""

from notrain.imaging.color import SRGB_PROFILE, to_srgb
from notrain.imaging.decode import (
    DEFAULT_MAX_PIXELS,
    SUPPORTED_FORMATS,
    Decoded,
    ImageInfo,
    open_image,
    probe_image,
)
from notrain.imaging.encode import EXTENSIONS, OUTPUT_FORMATS, SUBSAMPLINGS, encode_image
from notrain.imaging.platforms import Fact, Platform, get_platform, load_platforms
from notrain.imaging.prepare import ANCHORS, Geometry, parse_anchor, plan_geometry, prepare
from notrain.imaging.simulate import simulate

__all__ = [
    "ANCHORS",
    "DEFAULT_MAX_PIXELS",
    "EXTENSIONS",
    "OUTPUT_FORMATS",
    "SRGB_PROFILE",
    "SUBSAMPLINGS",
    "SUPPORTED_FORMATS",
    "Decoded",
    "Fact",
    "Geometry",
    "ImageInfo",
    "Platform",
    "encode_image",
    "get_platform",
    "load_platforms",
    "open_image",
    "parse_anchor",
    "plan_geometry",
    "prepare",
    "probe_image",
    "simulate",
    "to_srgb",
]
