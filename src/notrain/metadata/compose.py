"""A protected copy's metadata: what privacy allows from the source, plus the rights statement.

The pipeline calls :func:`compose_metadata` once per photo, hands ``exif`` and
``xmp`` to the encoder, then calls :func:`embed_iptc` on the encoded bytes,
because Pillow cannot write IPTC-IIM.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

from notrain.metadata.container import extract_blocks, insert_png_chunk, raw_profile, read_source
from notrain.metadata.exif import ExifBlock, ExifEntry, build_exif, parse_exif
from notrain.metadata.iptc import (
    decode_iim,
    encode_iim,
    iim_is_utf8,
    insert_jpeg_app13,
    photoshop_resource,
)
from notrain.metadata.privacy import PrivacyOptions, allowed_exif, allowed_iim, allowed_xmp
from notrain.metadata.rights import Rights, rights_exif, rights_iim, rights_xmp
from notrain.metadata.xmp import XmpError, XmpProperty, build_packet, parse_xmp

__all__ = ["OutputMetadata", "compose_metadata", "embed_iptc"]

_EXIF_VERSION = ExifEntry(0x9000, 7, 4, b"0232")


@dataclass(frozen=True)
class OutputMetadata:
    """The metadata blocks of a protected copy; ``None`` where there is nothing to write.

    ``exif`` is ``Exif\\0\\0``-prefixed (as Pillow's ``Exif.tobytes()`` gives),
    ``xmp`` a complete packet, ``iptc`` an IIM stream for :func:`embed_iptc`.
    """

    exif: bytes | None
    xmp: bytes | None
    iptc: bytes | None


def compose_metadata(
    source: Path | str | bytes | None, *, privacy: PrivacyOptions, rights: Rights | None
) -> OutputMetadata:
    """The metadata for a protected copy of ``source`` (a path, its bytes, or ``None`` for none).

    Only allowlisted source fields are carried over (see
    :mod:`notrain.metadata.privacy`); source blocks that cannot be parsed are
    dropped whole. Raises :class:`~notrain.errors.InputError` when the source
    cannot be read as an image.
    """
    block: ExifBlock | None = None
    datasets: list[tuple[int, int, bytes]] = []
    properties: tuple[XmpProperty, ...] = ()
    if source is not None:
        data, path = read_source(source)
        blocks = extract_blocks(data, path)
        if blocks.exif:
            try:
                block = parse_exif(blocks.exif, thumbnail_ifd=blocks.thumbnail_ifd)
            except ValueError:
                block = None
        if blocks.iptc:
            datasets = decode_iim(blocks.iptc)
        if blocks.xmp:
            try:
                properties = parse_xmp(blocks.xmp).properties
            except XmpError:
                properties = ()

    groups = allowed_exif(block, privacy)
    iim = allowed_iim(datasets, iim_is_utf8(datasets), privacy)
    xmp = allowed_xmp(properties, privacy)
    if rights is not None:
        groups.setdefault("Image", []).extend(rights_exif(rights))
        iim.extend(rights_iim(rights))
        xmp.extend(rights_xmp(rights))
    if groups.get("Photo") and not any(e.tag == 0x9000 for e in groups["Photo"]):
        groups["Photo"].append(_EXIF_VERSION)
    return OutputMetadata(
        exif=build_exif(groups, block.byte_order if block else "<"),
        xmp=build_packet(xmp),
        iptc=encode_iim(iim) if iim else None,
    )


def embed_iptc(data: bytes, fmt: str, iptc: bytes | None) -> bytes:
    """``data`` (an encoded JPEG, PNG or WebP) with the IIM stream ``iptc`` embedded.

    JPEG gets an APP13 segment; PNG a zTXt chunk "Raw profile type iptc" (the
    ImageMagick/exiv2 convention) before the image data; WebP is returned as it
    is, since IPTC recommends XMP alone there and no common reader looks for IIM
    in WebP.
    """
    kind = fmt.lower()
    if kind == "jpg":
        kind = "jpeg"
    if kind not in ("jpeg", "png", "webp"):
        raise ValueError(f"cannot embed IPTC in {fmt!r}; expected 'jpeg', 'png' or 'webp'")
    if not iptc or kind == "webp":
        return data
    if kind == "jpeg":
        return insert_jpeg_app13(data, iptc)
    text = raw_profile("iptc", photoshop_resource(iptc))
    body = b"Raw profile type iptc\x00\x00" + zlib.compress(text, 9)
    return insert_png_chunk(data, b"zTXt", body)
