"""Metadata test fixtures: a camera-like sample, encoders, and exiv2 as the independent reader."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image, PngImagePlugin

from notrain.metadata import OutputMetadata, embed_iptc
from notrain.samples import make_photo, sample_jpeg

TDM = "http://www.w3.org/ns/tdmrep/"


@pytest.fixture(scope="session")
def sample() -> bytes:
    """A small camera-like JPEG: GPS, serials, owner, maker notes, thumbnail, history, location."""
    return sample_jpeg(400, 300)


def encode_with(fmt: str, out: OutputMetadata, image: Image.Image | None = None) -> bytes:
    """Encode a small picture with Pillow carrying ``out``'s EXIF and XMP, then embed its IPTC."""
    image = image or make_photo(64, 48, seed=3)
    buf = io.BytesIO()
    if fmt == "png":
        info = PngImagePlugin.PngInfo()
        if out.xmp:
            info.add_itxt("XML:com.adobe.xmp", out.xmp.decode("utf-8"))
        image.save(buf, "PNG", pnginfo=info, **({"exif": out.exif} if out.exif else {}))
    else:
        extra: dict[str, Any] = {k: v for k, v in (("exif", out.exif), ("xmp", out.xmp)) if v}
        image.save(buf, fmt.upper(), quality=90, **extra)
    return embed_iptc(buf.getvalue(), fmt, out.iptc)


@pytest.fixture
def encode() -> Callable[..., bytes]:
    return encode_with


@pytest.fixture(scope="session")
def exiv2() -> Callable[[bytes], dict[str, Any]]:
    """Read every EXIF, IPTC and XMP key of an encoded image with exiv2 (via pyexiv2)."""
    pyexiv2 = pytest.importorskip(
        "pyexiv2", reason="pyexiv2 (the dev extra) is the independent reader"
    )
    pyexiv2.set_log_level(4)
    pyexiv2.registerNs(TDM, "tdm")

    def read(data: bytes) -> dict[str, Any]:
        image = pyexiv2.ImageData(data)
        try:
            return {**image.read_exif(), **image.read_iptc(), **image.read_xmp()}
        finally:
            image.close()

    return read
