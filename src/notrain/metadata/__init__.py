"""Photo metadata: read what a photo reveals, strip what is private, add the rights statement.

``read_metadata`` lists every field in plain words; ``compose_metadata`` builds
the EXIF, XMP and IPTC of a protected copy from an allowlist of the source's
fields (see ``EXIF_ALLOWLIST``) plus a ``Rights`` statement; ``embed_iptc`` puts
the IPTC into the encoded file; ``diff_metadata`` says what changed.
"""

from notrain.metadata.compose import OutputMetadata, compose_metadata, embed_iptc
from notrain.metadata.diff import MetadataDiff, diff_metadata
from notrain.metadata.field import CATEGORIES, Category, Field, Metadata
from notrain.metadata.privacy import EXIF_ALLOWLIST, AllowedTag, PrivacyOptions
from notrain.metadata.read import read_metadata
from notrain.metadata.rights import (
    DATA_MINING_VALUES,
    DATA_MINING_VOCABULARY,
    DEFAULT_DATA_MINING,
    DEFAULT_OTHER_CONSTRAINTS,
    Rights,
)

__all__ = [
    "CATEGORIES",
    "DATA_MINING_VALUES",
    "DATA_MINING_VOCABULARY",
    "DEFAULT_DATA_MINING",
    "DEFAULT_OTHER_CONSTRAINTS",
    "EXIF_ALLOWLIST",
    "AllowedTag",
    "Category",
    "Field",
    "Metadata",
    "MetadataDiff",
    "OutputMetadata",
    "PrivacyOptions",
    "Rights",
    "compose_metadata",
    "diff_metadata",
    "embed_iptc",
    "read_metadata",
]
