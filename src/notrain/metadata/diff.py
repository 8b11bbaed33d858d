"""Comparing a photo's metadata before and after protection; saying in plain words what went."""

from __future__ import annotations

from dataclasses import dataclass

from notrain.metadata.field import Field, Metadata

__all__ = ["MetadataDiff", "diff_metadata"]

_TOPICS = (
    "GPS position",
    "IPTC location",
    "XMP location",
    "camera serial numbers",
    "maker notes",
    "unique image id",
    "owner name",
    "embedded thumbnail",
    "edit history",
    "software names",
    "captions and comments",
    "dates",
    "camera and lens model",
)
_NOT_PRIVATE = ("technical", "rights")


def _topic(field: Field) -> str:
    if field.category == "location":
        if field.key.startswith(("Exif.GPSInfo.", "Xmp.exif.GPS")):
            return "GPS position"
        return "IPTC location" if field.key.startswith("Iptc.") else "XMP location"
    if field.category == "serial":
        if field.key.endswith("MakerNote"):
            return "maker notes"
        return "unique image id" if field.key.endswith("ImageUniqueID") else "camera serial numbers"
    return {
        "owner": "owner name",
        "thumbnail": "embedded thumbnail",
        "history": "edit history",
        "software": "software names",
        "description": "captions and comments",
        "date": "dates",
        "device": "camera and lens model",
    }[field.category]


@dataclass(frozen=True)
class MetadataDiff:
    """How two readings differ.

    ``removed``: only before; ``kept``: in both, equal; ``added``: only after;
    ``changed``: in both, with different values, as ``(before, after)`` pairs.
    """

    removed: tuple[Field, ...]
    kept: tuple[Field, ...]
    added: tuple[Field, ...]
    changed: tuple[tuple[Field, Field], ...]

    @property
    def private_removed(self) -> tuple[Field, ...]:
        """Removed fields that told something about the person.

        Container bookkeeping, technical and rights fields are left out.
        """
        return tuple(f for f in self.removed if not f.structural and f.category not in _NOT_PRIVATE)

    def removed_summary(self) -> str:
        """One sentence, such as ``"9 private fields removed: GPS position, owner name"``."""
        private = self.private_removed
        if not private:
            return "No private fields removed."
        found = {_topic(f) for f in private}
        topics = ", ".join(t for t in _TOPICS if t in found)
        count = len(private)
        return f"{count} private field{'s' if count != 1 else ''} removed: {topics}"


def diff_metadata(before: Metadata, after: Metadata) -> MetadataDiff:
    """Compare two readings of metadata, field by field, by key.

    Structural fields (such as the offset in a pointer to the GPS data) count as
    kept when present in both, whatever their value.
    """
    after_by_key = {f.key: f for f in after.fields}
    before_keys = {f.key for f in before.fields}
    removed, kept, changed = [], [], []
    for old in before.fields:
        new = after_by_key.get(old.key)
        if new is None:
            removed.append(old)
        elif new.value == old.value or (old.structural and new.structural):
            kept.append(old)
        else:
            changed.append((old, new))
    added = [f for f in after.fields if f.key not in before_keys]
    return MetadataDiff(tuple(removed), tuple(kept), tuple(added), tuple(changed))
