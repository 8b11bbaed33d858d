"""What notrain asserts in a photo's Content Credentials: the manifest definition.

Three assertions, each one a current standard that c2pa 0.38 writes and validators read:

- ``cawg.training-mining`` (CAWG 1.1): the four AI-training and data-mining choices.
- ``cawg.metadata`` (CAWG metadata 1.0/1.1): who made the photo, as XMP-in-JSON-LD
  (``dc:creator`` and IPTC ``CreatorContactInfo``). ``stds.schema-org.CreativeWork`` was the
  place for an author before C2PA 2.0 deprecated it; ``cawg.identity`` would need a second
  credential that no validator here could check. The claim's signer names the person too.
- ``c2pa.actions`` (written as v2): ``c2pa.created`` (the person's own photo, with its IPTC
  digital source type; a v2 claim must start with created or opened, and opened needs the
  original as an ingredient, which would carry its metadata back in), then each notrain step
  as a standard action with ``softwareAgent`` notrain.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Literal, get_args

from notrain.errors import OptionError

__all__ = [
    "ACTIONS",
    "ACTION_WORDS",
    "ENTRY_WORDS",
    "SOURCE_TYPES",
    "TRAINING_ENTRIES",
    "USES",
    "TrainingChoices",
    "Use",
    "manifest_definition",
]

Use = Literal["allowed", "notAllowed", "constrained"]
USES: tuple[str, ...] = get_args(Use)

TRAINING_ENTRIES = (
    "cawg.ai_training",
    "cawg.ai_generative_training",
    "cawg.data_mining",
    "cawg.ai_inference",
)

ENTRY_WORDS = {
    "cawg.ai_training": "AI training",
    "cawg.ai_generative_training": "generative AI training",
    "cawg.data_mining": "data mining",
    "cawg.ai_inference": "use as input to AI (inference)",
}

ACTIONS: dict[str, str] = {
    "prepare": "c2pa.resized",
    "crop": "c2pa.cropped",
    "strip": "c2pa.edited.metadata",
    "rights": "c2pa.edited.metadata",
    "invisible-mark": "c2pa.watermarked.unbound",
    "visible-mark": "c2pa.edited",
    "cloak": "c2pa.filtered",
}
"""notrain's step names and the C2PA action each one records. The invisible watermark is
``unbound``: it is notrain's own mark, not a C2PA soft binding that points to this manifest."""

ACTION_WORDS: dict[str, str] = {
    "c2pa.created": "created",
    "c2pa.opened": "opened",
    "c2pa.resized": "resized",
    "c2pa.cropped": "cropped",
    "c2pa.edited": "edited",
    "c2pa.edited.metadata": "metadata changed",
    "c2pa.watermarked": "invisible watermark added",
    "c2pa.watermarked.bound": "invisible watermark added",
    "c2pa.watermarked.unbound": "invisible watermark added",
    "c2pa.filtered": "filtered",
    "c2pa.addedText": "text added",
    "c2pa.converted": "converted",
    "c2pa.transcoded": "re-encoded",
    "c2pa.color_adjustments": "colours adjusted",
    "c2pa.adjustedColor": "colours adjusted",
    "c2pa.placed": "something placed in it",
    "c2pa.published": "published",
}
"""C2PA actions in the words ``notrain verify`` uses."""

_DESCRIPTIONS = {
    "prepare": "resized for the platform, so it does not resample the photo again",
    "crop": "cropped to the platform's aspect ratio",
    "strip": "private metadata removed (location, camera serial numbers)",
    "rights": "rights and 'not for AI training' metadata written",
    "invisible-mark": "invisible watermark naming the owner",
    "visible-mark": "visible watermark",
    "cloak": "adversarial cloak against AI training",
}

SOURCE_TYPES = (
    "digitalCapture",
    "computationalCapture",
    "negativeFilm",
    "positiveFilm",
    "print",
    "humanEdits",
    "digitalCreation",
    "screenCapture",
    "composite",
    "compositeCapture",
)
"""IPTC digital source types a person's own photo can have (the AI-made ones are left out)."""

_IPTC_SOURCE = "http://cv.iptc.org/newscodes/digitalsourcetype/"
_CONTEXT = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, kw_only=True)
class TrainingChoices:
    """The four ``cawg.training-mining`` entries; each "allowed", "notAllowed" or "constrained".

    Everything is notAllowed unless said otherwise. ``constraints`` is the text that goes with
    the constrained entries (the spec's ``constraints_info``); validators count constrained as
    notAllowed.
    """

    ai_training: Use = "notAllowed"
    ai_generative_training: Use = "notAllowed"
    data_mining: Use = "notAllowed"
    ai_inference: Use = "notAllowed"
    constraints: str | None = None

    def __post_init__(self) -> None:
        for entry, use in self.uses().items():
            if use not in USES:
                raise OptionError(
                    f"{entry} cannot be {use!r}; expected one of {', '.join(USES)}.",
                    hint="e.g. TrainingChoices(ai_inference='allowed')",
                )

    def uses(self) -> dict[str, str]:
        """Entry label -> use, in the spec's order."""
        values = (
            self.ai_training,
            self.ai_generative_training,
            self.data_mining,
            self.ai_inference,
        )
        return dict(zip(TRAINING_ENTRIES, values, strict=True))

    def assertion(self) -> dict[str, Any]:
        """The ``cawg.training-mining`` assertion data."""
        entries: dict[str, Any] = {}
        for entry, use in self.uses().items():
            entries[entry] = {"use": use}
            if use == "constrained" and self.constraints:
                entries[entry]["constraints_info"] = self.constraints
        return {"entries": entries}


def manifest_definition(
    title: str,
    creator_name: str,
    creator_contact: str | None,
    actions: Sequence[str],
    choices: TrainingChoices | None = None,
    format: str = "image/jpeg",
    *,
    descriptions: Mapping[str, str] | None = None,
    source_type: str = "digitalCapture",
    when: datetime | None = None,
) -> dict[str, Any]:
    """The manifest definition ``c2pa.Builder`` takes, for one output photo.

    ``actions`` are notrain step names (keys of :data:`ACTIONS`; ``prepare`` only when the
    photo was resized) or C2PA action names; ``descriptions`` overrides the words recorded
    with a step. ``source_type`` is the IPTC digital source type of the person's original.
    """
    if source_type not in SOURCE_TYPES:
        raise OptionError(
            f"{source_type!r} is not a digital source type for a person's own photo.",
            hint=f"Use one of: {', '.join(SOURCE_TYPES)}.",
        )
    moment = (when or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    agent = {"name": "notrain", "version": _version()}
    steps: list[dict[str, Any]] = [
        {"action": "c2pa.created", "digitalSourceType": _IPTC_SOURCE + source_type}
    ]
    for step in actions:
        action = ACTIONS.get(step, step)
        if not action.startswith("c2pa."):
            raise OptionError(
                f"{step!r} is neither a notrain step nor a C2PA action.",
                hint=f"Use one of: {', '.join(ACTIONS)}, or a name starting with c2pa.",
            )
        entry: dict[str, Any] = {"action": action, "softwareAgent": agent, "when": moment}
        words = (descriptions or {}).get(step) or _DESCRIPTIONS.get(step)
        if words:
            entry["description"] = words
        steps.append(entry)
    return {
        "claim_generator_info": [agent],
        "title": title,
        "format": format,
        "assertions": [
            {"label": "cawg.training-mining", "data": (choices or TrainingChoices()).assertion()},
            {
                "label": "cawg.metadata",
                "data": _creator(creator_name, creator_contact),
                "kind": "Json",
            },
            {"label": "c2pa.actions", "data": {"actions": steps}},
        ],
    }


def _creator(name: str, contact: str | None) -> dict[str, Any]:
    data: dict[str, Any] = {"@context": dict(_CONTEXT), "dc:creator": [name]}
    contact = (contact or "").strip()
    if contact:
        if _EMAIL.match(contact):
            field = "Iptc4xmpCore:CiEmailWork"
        elif re.match(r"^https?://", contact, re.IGNORECASE):
            field = "Iptc4xmpCore:CiUrlWork"
        else:
            field = "Iptc4xmpCore:CiAdrExtadr"
        data["Iptc4xmpCore:CreatorContactInfo"] = {field: contact}
    return data


def _version() -> str:
    try:
        return version("notrain")
    except PackageNotFoundError:  # a source tree that was not installed
        return "0+unknown"
