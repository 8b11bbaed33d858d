"""Privacy: which of a photo's metadata may go out with it.

An allowlist, not a blocklist. The output's EXIF is built fresh and only tags
listed in :data:`EXIF_ALLOWLIST` are copied from the source, so a tag nobody
thought of (a new phone's owner field, a vendor's private tag) cannot leak. By
default that is when the photo was taken, how it was exposed, and which camera
and lens model took it. GPS and location names go only with ``keep_location``;
serial numbers, maker notes and the unique image id only with ``keep_camera``.
Everything else is dropped: owner and computer names, software, comments, the
embedded thumbnail, XMP edit history, PNG text chunks, and the orientation tag
(the pipeline turns the pixels upright instead).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from notrain.metadata.exif import ExifBlock, ExifEntry
from notrain.metadata.iptc import IIM_LOCATION, iim_text
from notrain.metadata.xmp import XmpProperty

__all__ = [
    "EXIF_ALLOWLIST",
    "XMP_LOCATION",
    "AllowedTag",
    "PrivacyOptions",
    "allowed_exif",
    "allowed_iim",
    "allowed_xmp",
]


@dataclass(frozen=True, kw_only=True)
class PrivacyOptions:
    """What private metadata the user chose to keep (all of it is removed by default)."""

    keep_location: bool = False
    """Keep the GPS position and the IPTC/XMP location names (``--keep-location``)."""
    keep_camera: bool = False
    """Keep serial numbers, maker notes and the unique image id (``--keep-camera``)."""


Condition = Literal["always", "keep_location", "keep_camera"]


@dataclass(frozen=True, kw_only=True)
class AllowedTag:
    """One EXIF tag that may be copied to the output, when, and why it is safe to."""

    group: str
    tag: int | None
    name: str
    condition: Condition
    reason: str


def _always(group: str, tag: int, name: str, reason: str) -> AllowedTag:
    return AllowedTag(group=group, tag=tag, name=name, condition="always", reason=reason)


_WHEN = "when the photo was taken; says nothing about who or where"
_EXPOSURE = "how the photo was exposed; the same for any photographer"
_MODEL = "the kind of camera or lens, shared by every owner of that model"
_SERIAL = "identifies one physical camera or lens, and so its owner"

EXIF_ALLOWLIST: tuple[AllowedTag, ...] = (
    _always("Image", 0x010F, "Make", _MODEL),
    _always("Image", 0x0110, "Model", _MODEL),
    _always("Photo", 0x9000, "ExifVersion", "required by the EXIF standard"),
    _always("Photo", 0x9003, "DateTimeOriginal", _WHEN),
    _always("Photo", 0x9004, "DateTimeDigitized", _WHEN),
    _always("Photo", 0x9011, "OffsetTimeOriginal", _WHEN),
    _always("Photo", 0x9012, "OffsetTimeDigitized", _WHEN),
    _always("Photo", 0x9291, "SubSecTimeOriginal", _WHEN),
    _always("Photo", 0x9292, "SubSecTimeDigitized", _WHEN),
    _always("Photo", 0x829A, "ExposureTime", _EXPOSURE),
    _always("Photo", 0x829D, "FNumber", _EXPOSURE),
    _always("Photo", 0x8822, "ExposureProgram", _EXPOSURE),
    _always("Photo", 0x8827, "ISOSpeedRatings", _EXPOSURE),
    _always("Photo", 0x8830, "SensitivityType", _EXPOSURE),
    _always("Photo", 0x8832, "RecommendedExposureIndex", _EXPOSURE),
    _always("Photo", 0x9201, "ShutterSpeedValue", _EXPOSURE),
    _always("Photo", 0x9202, "ApertureValue", _EXPOSURE),
    _always("Photo", 0x9204, "ExposureBiasValue", _EXPOSURE),
    _always("Photo", 0x9205, "MaxApertureValue", _EXPOSURE),
    _always("Photo", 0x9207, "MeteringMode", _EXPOSURE),
    _always("Photo", 0x9208, "LightSource", _EXPOSURE),
    _always("Photo", 0x9209, "Flash", _EXPOSURE),
    _always("Photo", 0x920A, "FocalLength", _EXPOSURE),
    _always("Photo", 0xA402, "ExposureMode", _EXPOSURE),
    _always("Photo", 0xA403, "WhiteBalance", _EXPOSURE),
    _always("Photo", 0xA405, "FocalLengthIn35mmFilm", _EXPOSURE),
    _always("Photo", 0xA406, "SceneCaptureType", _EXPOSURE),
    _always("Photo", 0xA432, "LensSpecification", _MODEL),
    _always("Photo", 0xA433, "LensMake", _MODEL),
    _always("Photo", 0xA434, "LensModel", _MODEL),
    AllowedTag(
        group="GPSInfo",
        tag=None,
        name="GPS (every tag)",
        condition="keep_location",
        reason="where the photo was taken, kept only on request",
    ),
    AllowedTag(
        group="Photo", tag=0xA431, name="BodySerialNumber", condition="keep_camera", reason=_SERIAL
    ),
    AllowedTag(
        group="Photo", tag=0xA435, name="LensSerialNumber", condition="keep_camera", reason=_SERIAL
    ),
    AllowedTag(
        group="Image",
        tag=0xC62F,
        name="CameraSerialNumber",
        condition="keep_camera",
        reason=_SERIAL,
    ),
    AllowedTag(
        group="Photo",
        tag=0x927C,
        name="MakerNote",
        condition="keep_camera",
        reason="the maker's private data, which usually holds the serial number; "
        "offsets inside some makers' notes may no longer match once moved",
    ),
    AllowedTag(
        group="Photo",
        tag=0xA420,
        name="ImageUniqueID",
        condition="keep_camera",
        reason="an id that links copies of the photo to the original file",
    ),
)
"""Every EXIF tag notrain may copy from a source photo; anything not listed is dropped."""

XMP_LOCATION: tuple[tuple[str, str | None], ...] = (
    ("http://ns.adobe.com/photoshop/1.0/", "City"),
    ("http://ns.adobe.com/photoshop/1.0/", "State"),
    ("http://ns.adobe.com/photoshop/1.0/", "Country"),
    ("http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/", "Location"),
    ("http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/", "CountryCode"),
    ("http://iptc.org/std/Iptc4xmpExt/2008-02-29/", "LocationCreated"),
    ("http://iptc.org/std/Iptc4xmpExt/2008-02-29/", "LocationShown"),
    ("http://ns.adobe.com/exif/1.0/", None),
)
"""XMP properties kept with ``keep_location``; ``None`` means all ``GPS*`` properties."""


def _granted(condition: Condition, options: PrivacyOptions) -> bool:
    return (
        condition == "always"
        or (condition == "keep_location" and options.keep_location)
        or (condition == "keep_camera" and options.keep_camera)
    )


def allowed_exif(block: ExifBlock | None, options: PrivacyOptions) -> dict[str, list[ExifEntry]]:
    """The source's EXIF entries that may be copied, by group (``Image``, ``Photo``...)."""
    kept: dict[str, list[ExifEntry]] = {}
    if block is None:
        return kept
    for rule in EXIF_ALLOWLIST:
        if not _granted(rule.condition, options):
            continue
        entries = block.entries(rule.group)
        chosen = entries if rule.tag is None else [e for e in entries if e.tag == rule.tag][:1]
        kept.setdefault(rule.group, []).extend(chosen)
    return kept


def allowed_iim(
    datasets: Sequence[tuple[int, int, bytes]], utf8: bool, options: PrivacyOptions
) -> list[tuple[int, int, bytes]]:
    """The source's IIM location datasets, re-encoded as UTF-8, when ``keep_location`` is set."""
    if not options.keep_location:
        return []
    return [
        (record, number, iim_text(value, utf8).encode("utf-8"))
        for record, number, value in datasets
        if (record, number) in IIM_LOCATION
    ]


def allowed_xmp(properties: Iterable[XmpProperty], options: PrivacyOptions) -> list[XmpProperty]:
    """The source's XMP location properties, when ``keep_location`` is set."""
    if not options.keep_location:
        return []
    wanted = set(XMP_LOCATION)
    return [
        prop
        for prop in properties
        if (prop.namespace, prop.name) in wanted
        or ((prop.namespace, None) in wanted and prop.name.startswith("GPS"))
    ]
