"""Reading what a photo reveals: every metadata field of a file, without decoding pixels.

Keys follow exiv2's spelling (``Exif.GPSInfo.GPSLatitude``, ``Iptc.Application2.City``,
``Xmp.plus.DataMining``) so they can be checked against exiv2 and looked up in its
documentation; PNG text chunks, which exiv2 does not key, are ``Png.Text.<keyword>``.
A damaged block inside a good image is reported as unreadable instead of failing
the whole file.
"""

from __future__ import annotations

from pathlib import Path

from notrain.metadata.container import Blocks, extract_blocks, read_source
from notrain.metadata.exif import GROUPS, parse_exif
from notrain.metadata.field import Category, Field, Metadata
from notrain.metadata.icc import icc_description
from notrain.metadata.iptc import (
    IIM_DATASETS,
    UTF8_MARKER,
    decode_iim,
    iim_is_utf8,
    iim_key,
    iim_text,
)
from notrain.metadata.tags import describe_tag, format_exif_value, shorten
from notrain.metadata.xmp import NAMESPACES, XmpError, XmpProperty, parse_xmp, summarise

__all__ = ["metadata_from_blocks", "read_metadata"]


def read_metadata(source: Path | str | bytes) -> Metadata:
    """Read every metadata field of an image file (a path or its bytes) without decoding pixels.

    Raises :class:`~notrain.errors.InputError` (or its subclasses
    ``CorruptFileError`` and ``UnsupportedFormatError``) when the file cannot be
    read or is not an image.
    """
    data, path = read_source(source)
    return metadata_from_blocks(extract_blocks(data, path))


def metadata_from_blocks(blocks: Blocks) -> Metadata:
    """The fields of blocks already extracted from a file."""
    fields = [
        *_exif_fields(blocks),
        *_iptc_fields(blocks.iptc),
        *_xmp_fields(blocks.xmp),
        *_text_fields(blocks),
        *_icc_fields(blocks.icc),
    ]
    unique: dict[str, Field] = {}
    for item in fields:
        unique.setdefault(item.key, item)
    return Metadata(tuple(unique.values()))


def _unreadable(key: str, what: str, data: bytes) -> Field:
    return Field(key, f"Unreadable {what}", f"<{len(data)} bytes>", "technical")


def _exif_fields(blocks: Blocks) -> list[Field]:
    if not blocks.exif:
        return []
    try:
        block = parse_exif(blocks.exif, thumbnail_ifd=blocks.thumbnail_ifd)
    except ValueError:
        return [_unreadable("Exif.Block", "EXIF block", blocks.exif)]
    fields = []
    for group in GROUPS:
        for entry in block.entries(group):
            info = describe_tag(group, entry.tag)
            value = format_exif_value(block, group, entry)
            key = f"Exif.{group}.{info.name}"
            fields.append(Field(key, info.label, value, info.category, info.structural))
    return fields


def _iptc_fields(iptc: bytes | None) -> list[Field]:
    if not iptc:
        return []
    datasets = decode_iim(iptc)
    utf8 = iim_is_utf8(datasets)
    values: dict[str, list[str]] = {}
    described: dict[str, tuple[str, Category, bool]] = {}
    for record, number, raw in datasets:
        key = iim_key(record, number)
        category: Category
        if (record, number) in IIM_DATASETS:
            _, label, category = IIM_DATASETS[(record, number)]
        elif record == 1:
            label, category = f"IPTC envelope dataset 1:{number}", "technical"
        else:
            label, category = f"IPTC dataset {record}:{number}", "description"
        structural = (record, number) in ((1, 0), (1, 90), (2, 0))
        described.setdefault(key, (label, category, structural))
        if (record, number) in ((1, 0), (2, 0)):
            text = str(int.from_bytes(raw, "big"))
        elif (record, number) == (1, 90):
            text = "UTF-8" if raw == UTF8_MARKER else raw.hex()
        elif number >= 200:
            text = f"<{len(raw)} bytes>"
        else:
            text = iim_text(raw, utf8)
        values.setdefault(key, []).append(text)
    fields = []
    for key, texts in values.items():
        label, category, structural = described[key]
        fields.append(Field(key, label, shorten("; ".join(texts)), category, structural))
    return fields


_XMP_CATALOG: dict[tuple[str, str], tuple[str, Category]] = {
    ("photoshop", "City"): ("XMP city", "location"),
    ("photoshop", "State"): ("XMP province or state", "location"),
    ("photoshop", "Country"): ("XMP country", "location"),
    ("Iptc4xmpCore", "Location"): ("XMP sub-location", "location"),
    ("Iptc4xmpCore", "CountryCode"): ("XMP country code", "location"),
    ("Iptc4xmpExt", "LocationCreated"): ("XMP location where the photo was taken", "location"),
    ("Iptc4xmpExt", "LocationShown"): ("XMP location shown", "location"),
    ("tiff", "Make"): ("XMP camera make", "device"),
    ("tiff", "Model"): ("XMP camera model", "device"),
    ("aux", "Lens"): ("XMP lens", "device"),
    ("exifEX", "LensMake"): ("XMP lens make", "device"),
    ("exifEX", "LensModel"): ("XMP lens model", "device"),
    ("aux", "SerialNumber"): ("XMP camera serial number", "serial"),
    ("aux", "LensSerialNumber"): ("XMP lens serial number", "serial"),
    ("exifEX", "BodySerialNumber"): ("XMP camera serial number", "serial"),
    ("exifEX", "LensSerialNumber"): ("XMP lens serial number", "serial"),
    ("exif", "ImageUniqueID"): ("XMP unique image ID", "serial"),
    ("dc", "creator"): ("XMP creator", "owner"),
    ("dc", "contributor"): ("XMP contributor", "owner"),
    ("dc", "publisher"): ("XMP publisher", "owner"),
    ("tiff", "Artist"): ("XMP artist", "owner"),
    ("exifEX", "CameraOwnerName"): ("XMP camera owner name", "owner"),
    ("aux", "OwnerName"): ("XMP camera owner name", "owner"),
    ("photoshop", "AuthorsPosition"): ("XMP creator's job title", "owner"),
    ("photoshop", "CaptionWriter"): ("XMP caption writer", "owner"),
    ("Iptc4xmpCore", "CreatorContactInfo"): ("XMP creator's contact details", "owner"),
    ("xmp", "CreateDate"): ("XMP date created", "date"),
    ("xmp", "ModifyDate"): ("XMP date modified", "date"),
    ("xmp", "MetadataDate"): ("XMP metadata date", "date"),
    ("photoshop", "DateCreated"): ("XMP date taken", "date"),
    ("exif", "DateTimeOriginal"): ("XMP date taken", "date"),
    ("exif", "DateTimeDigitized"): ("XMP date digitised", "date"),
    ("tiff", "DateTime"): ("XMP date modified", "date"),
    ("xmp", "CreatorTool"): ("XMP creator tool (software)", "software"),
    ("tiff", "Software"): ("XMP software", "software"),
    ("pdf", "Producer"): ("XMP producer software", "software"),
    ("xmp", "Thumbnails"): ("XMP embedded thumbnail", "thumbnail"),
    ("dc", "rights"): ("XMP copyright notice", "rights"),
    ("tiff", "Copyright"): ("XMP copyright", "rights"),
    ("photoshop", "Credit"): ("XMP credit line", "rights"),
    ("photoshop", "Source"): ("XMP source", "rights"),
    ("xmpRights", "Marked"): ("Rights-managed flag", "rights"),
    ("xmpRights", "WebStatement"): ("Copyright web statement", "rights"),
    ("xmpRights", "UsageTerms"): ("Usage terms", "rights"),
    ("plus", "DataMining"): ("AI data-mining statement", "rights"),
    ("plus", "OtherConstraints"): ("Other usage constraints", "rights"),
    ("tdm", "reservation"): ("Text and data mining reserved (TDMRep)", "rights"),
    ("tdm", "policy"): ("Text and data mining policy (TDMRep)", "rights"),
    ("xmpMM", "History"): ("Edit history", "history"),
    ("xmpMM", "DerivedFrom"): ("Derived from document", "history"),
    ("xmpMM", "DocumentID"): ("Document ID", "history"),
    ("xmpMM", "InstanceID"): ("Instance ID", "history"),
    ("xmpMM", "OriginalDocumentID"): ("Original document ID", "history"),
    ("photoshop", "History"): ("Photoshop edit history", "history"),
    ("photoshop", "DocumentAncestors"): ("Photoshop document ancestors", "history"),
    ("dc", "description"): ("XMP caption", "description"),
    ("dc", "title"): ("XMP title", "description"),
    ("dc", "subject"): ("XMP keywords", "description"),
    ("photoshop", "Headline"): ("XMP headline", "description"),
    ("photoshop", "Instructions"): ("XMP instructions", "description"),
    ("exif", "UserComment"): ("XMP user comment", "description"),
    ("tiff", "ImageDescription"): ("XMP image description", "description"),
    ("lr", "hierarchicalSubject"): ("Lightroom keywords", "description"),
    ("mwg-rs", "Regions"): ("Face and area tags", "description"),
    ("Iptc4xmpExt", "PersonInImage"): ("People shown", "description"),
}
"""(XML prefix, property) -> (label, category) for the XMP properties that matter."""

_XMP_NAMESPACE_CATEGORY: dict[str, Category] = {
    "xmpMM": "history",
    "crs": "history",
    "xmpRights": "rights",
    "plus": "rights",
    "tdm": "rights",
    "tiff": "technical",
    "exif": "technical",
    "exifEX": "technical",
    "aux": "technical",
    "xmp": "technical",
    "photoshop": "technical",
    "GPano": "technical",
    "xmpNote": "technical",
}
"""Category of the rest of a namespace; properties of namespaces not listed count as description."""


def _xmp_describe(prop: XmpProperty, key: str) -> tuple[str, Category, bool]:
    prefix = NAMESPACES.get(prop.namespace, ("",))[0]
    category: Category
    if (prefix, prop.name) in _XMP_CATALOG:
        label, category = _XMP_CATALOG[(prefix, prop.name)]
    elif prefix == "exif" and prop.name.startswith("GPS"):
        label, category = f"XMP {prop.name.removeprefix('GPS')} (GPS)", "location"
    else:
        label, category = (
            f"XMP {key.removeprefix('Xmp.')}",
            _XMP_NAMESPACE_CATEGORY.get(prefix, "description"),
        )
    return label, category, (prefix, prop.name) == ("xmpNote", "HasExtendedXMP")


def _xmp_fields(xmp: bytes | None) -> list[Field]:
    if not xmp:
        return []
    try:
        document = parse_xmp(xmp)
    except XmpError:
        return [_unreadable("Xmp.Packet", "XMP packet", xmp)]
    fields = []
    for prop in document.properties:
        key = document.key(prop)
        label, category, structural = _xmp_describe(prop, key)
        fields.append(Field(key, label, summarise(prop.value), category, structural))
    return fields


_TEXT_CATEGORIES: dict[str, Category] = {
    "author": "owner",
    "software": "software",
    "copyright": "rights",
    "disclaimer": "rights",
    "creation time": "date",
    "source": "device",
}


def _text_fields(blocks: Blocks) -> list[Field]:
    prefix, kind = ("Png.Text", "PNG text") if blocks.format == "png" else ("Jpeg", "JPEG")
    return [
        Field(
            f"{prefix}.{keyword}",
            f"{kind}: {keyword}" if blocks.format == "png" else "JPEG comment",
            shorten(text),
            _TEXT_CATEGORIES.get(keyword.lower(), "description"),
        )
        for keyword, text in blocks.texts
    ]


def _icc_fields(icc: bytes | None) -> list[Field]:
    if not icc:
        return []
    description = icc_description(icc)
    return [
        Field(
            "Icc.ProfileDescription",
            "Colour profile",
            description or f"<{len(icc)} bytes>",
            "technical",
        )
    ]
