"""The public surface of ``notrain.imaging``: pinned names, and a cheap import."""

from __future__ import annotations

import subprocess
import sys

import notrain.imaging


def test_public_names_are_pinned() -> None:
    assert sorted(notrain.imaging.__all__) == sorted(
        [
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
    )
    assert all(hasattr(notrain.imaging, name) for name in notrain.imaging.__all__)


def test_importing_does_not_load_the_heif_decoder() -> None:
    code = "import sys, notrain.imaging; print('pillow_heif' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_the_heif_decoder_loads_only_for_heif_files() -> None:
    code = (
        "import sys; from notrain.imaging import open_image; from notrain.samples import sample_jpeg; "
        "open_image(sample_jpeg(32, 32)); print('pillow_heif' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
