"""The steps of a protect plan.

A ``Plan`` is the ordered list of steps a set of options asks for. Each step
changes the work in progress (``apply``), says afterwards what it did
(``summary``), and checks on the platform's copy whether its protection
survived (``survival``). New protections (the invisible watermark, cloaks,
Content Credentials) plug in as further steps; the pipeline does not change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from notrain.errors import InputError
from notrain.imaging import Geometry, ImageInfo, Platform, prepare
from notrain.metadata import Field, Metadata, MetadataDiff, PrivacyOptions, Rights
from notrain.protect.options import ProtectOptions
from notrain.protect.report import Survival
from notrain.watermark import (
    MarkResult,
    Payload,
    VisibleMark,
    apply_visible_mark,
    detect_watermark,
    embed_watermark,
    mark_contrast,
)

__all__ = [
    "MARK_SURVIVAL_RATIO",
    "CredentialsStep",
    "InvisibleMarkStep",
    "Plan",
    "PlatformCopy",
    "PrepareStep",
    "PrivacyStep",
    "RightsStep",
    "Signing",
    "Step",
    "VisibleMarkStep",
    "Work",
]

MARK_SURVIVAL_RATIO = 0.5
"""A visible mark survives when the platform's copy keeps at least this share of its contrast."""


@dataclass
class Work:
    """One image on its way through the plan."""

    platform: Platform
    info: ImageInfo
    geometry: Geometry
    image: Image.Image
    before: Metadata
    privacy: PrivacyOptions = field(default_factory=PrivacyOptions)
    rights: Rights | None = None
    unmarked: Image.Image | None = None
    mark: MarkResult | None = None
    payload: str | None = None
    unmarkable: str | None = None
    data: bytes = b""
    after: Metadata | None = None
    diff: MetadataDiff | None = None
    signer: str | None = None
    name: str = ""
    """The output's file name, once the format is known."""


@dataclass(frozen=True)
class PlatformCopy:
    """The output as the platform would serve it (from ``imaging.simulate``)."""

    data: bytes
    image: Image.Image
    metadata: Metadata
    quality: int | None


class Step:
    """A step of the plan. Subclasses set ``name`` and override what they need."""

    name = "step"

    def params(self) -> dict[str, Any]:
        return {}

    def apply(self, work: Work) -> None:
        """Change the work in progress (pixels, or metadata decisions taken at encode time)."""

    def seal(self, work: Work, mime: str) -> None:
        """Change the encoded bytes (``work.data``, of type ``mime``) once the pixels and the
        metadata are final: what signs the file itself."""

    def summary(self, work: Work) -> str:
        """What the step did to this image, in plain words (called after encoding)."""
        return ""

    def survival(self, work: Work, copy: PlatformCopy) -> list[Survival]:
        """Which of this step's protections are still there in the platform's copy."""
        return []


@dataclass
class PrepareStep(Step):
    platform: str
    crop: str
    name = "prepare"

    def params(self) -> dict[str, Any]:
        return {"platform": self.platform, "crop": self.crop}

    def apply(self, work: Work) -> None:
        work.image = prepare(work.image, work.geometry)

    def summary(self, work: Work) -> str:
        (w0, h0), (w1, h1) = (work.info.width, work.info.height), work.image.size
        if work.geometry.cropped:
            return f"cropped and resized from {w0}x{h0} to {w1}x{h1} for {work.platform.label}"
        if work.geometry.resized:
            return f"resized from {w0}x{h0} to {w1}x{h1} for {work.platform.label}"
        return f"kept at {w1}x{h1}: {work.platform.label} takes this size as it is"

    def survival(self, work: Work, copy: PlatformCopy) -> list[Survival]:
        if copy.image.size == work.image.size:
            detail = f"{work.platform.label} keeps {copy.image.width}x{copy.image.height}: no second resample"
        else:
            detail = (
                f"{work.platform.label} resamples {work.image.width}x{work.image.height} "
                f"to {copy.image.width}x{copy.image.height}"
            )
        return [
            Survival(protection="Size", survives=copy.image.size == work.image.size, detail=detail)
        ]


@dataclass
class PrivacyStep(Step):
    keep_location: bool = False
    keep_camera: bool = False
    name = "strip"

    def params(self) -> dict[str, Any]:
        return {"keep_location": self.keep_location, "keep_camera": self.keep_camera}

    def apply(self, work: Work) -> None:
        work.privacy = PrivacyOptions(
            keep_location=self.keep_location, keep_camera=self.keep_camera
        )

    def summary(self, work: Work) -> str:
        assert work.diff is not None
        return work.diff.removed_summary()


@dataclass
class InvisibleMarkStep(Step):
    """The invisible watermark, embedded at the final size so the platform's copy still carries it."""

    payload: str
    name = "invisible-mark"

    def params(self) -> dict[str, Any]:
        payload = Payload.from_hex(self.payload)
        return {
            "payload": self.payload,
            "owner_id": f"{payload.owner_id:07x}",
            "image_id": payload.image_id,
            "no_ai_training": payload.no_ai_training,
        }

    def apply(self, work: Work) -> None:
        try:
            work.image = _keep_mode(
                embed_watermark(work.image, bytes.fromhex(self.payload)), work.image
            )
        except InputError as exc:
            work.unmarkable = (
                exc.message
            )  # too small: the photo is still protected in every other way
            return
        work.payload = self.payload

    def summary(self, work: Work) -> str:
        if work.payload is None:
            return f"no invisible watermark: {work.unmarkable}"
        payload = Payload.from_hex(self.payload)
        flag = ", 'not for AI training' flag set" if payload.no_ai_training else ""
        return f"invisible watermark: owner {payload.owner_id:07x}, photo #{payload.image_id}{flag}"

    def survival(self, work: Work, copy: PlatformCopy) -> list[Survival]:
        if work.payload is None:
            return [
                Survival(
                    protection="Invisible watermark",
                    survives=False,
                    detail="not embedded: image too small",
                )
            ]
        found = detect_watermark(copy.image)
        survives = found.found and found.message == bytes.fromhex(self.payload)
        if survives:
            detail = f"reads back from {work.platform.label}'s copy alone (confidence {found.confidence:.2f})"
        else:
            detail = f"could not be read back from {work.platform.label}'s copy ({found.reason or 'wrong message'})"
        return [Survival(protection="Invisible watermark", survives=survives, detail=detail)]


def _keep_mode(marked: Image.Image, original: Image.Image) -> Image.Image:
    return marked if marked.mode == original.mode else marked.convert(original.mode)


@dataclass
class VisibleMarkStep(Step):
    mark: VisibleMark
    name = "visible-mark"

    def params(self) -> dict[str, Any]:
        return {
            "text": self.mark.text,
            "logo": str(self.mark.logo) if self.mark.logo else None,
            "position": self.mark.position,
            "opacity": self.mark.opacity,
            "scale": self.mark.scale,
            "color": self.mark.color,
        }

    def apply(self, work: Work) -> None:
        work.unmarked = work.image
        work.mark = apply_visible_mark(work.image, self.mark)
        work.image = work.mark.image

    def summary(self, work: Work) -> str:
        what = (
            f"'{self.mark.text}'" if self.mark.text else f"logo {Path(self.mark.logo or '').name}"
        )
        return (
            f"visible mark {what}, {self.mark.position}, {round(self.mark.opacity * 100)}% opacity"
        )

    def survival(self, work: Work, copy: PlatformCopy) -> list[Survival]:
        assert work.mark is not None and work.unmarked is not None
        before = mark_contrast(work.mark.image, work.unmarked, work.mark.mask)
        after = mark_contrast(copy.image, work.unmarked, work.mark.mask)
        ratio = after / before if before > 0 else 0.0
        survives = ratio >= MARK_SURVIVAL_RATIO
        verdict = "stays visible" if survives else "is mostly lost"
        return [
            Survival(
                protection="Visible mark",
                survives=survives,
                detail=f"{verdict}: {min(ratio, 1.0):.0%} of its contrast is left",
            )
        ]


_FAMILIES = {
    "Exif": ("EXIF rights", "exif_kept"),
    "Iptc": ("IPTC rights", "iim_kept"),
    "Xmp": ("XMP rights and 'not for AI training' statement", "xmp_kept"),
}


@dataclass
class RightsStep(Step):
    rights: Rights
    name = "rights"

    def params(self) -> dict[str, Any]:
        return {k: v for k, v in self.rights.__dict__.items() if v is not None}

    def apply(self, work: Work) -> None:
        work.rights = self.rights

    def written(self, work: Work) -> list[Field]:
        """The rights fields in the output: after the privacy strip, every rights or owner field is ours."""
        assert work.after is not None
        return [
            f for f in work.after.fields if f.category in ("rights", "owner") and not f.structural
        ]

    def summary(self, work: Work) -> str:
        written = self.written(work)
        data_mining = work.after.get("Xmp.plus.DataMining") if work.after else None
        statement = f"; {data_mining.value.rsplit('/', 1)[-1]}" if data_mining else ""
        return (
            f"rights written: {len(written)} fields in {', '.join(_families(written))}{statement}"
        )

    def survival(self, work: Work, copy: PlatformCopy) -> list[Survival]:
        results = []
        for family, (label, fact_key) in _FAMILIES.items():
            fields = [f for f in self.written(work) if f.key.startswith(family + ".")]
            if not fields:
                continue
            kept = [
                f
                for f in fields
                if (c := copy.metadata.get(f.key)) is not None and c.value == f.value
            ]
            names = ", ".join(f.key.rsplit(".", 1)[-1] for f in fields)
            if len(kept) == len(fields):
                detail = f"{work.platform.label} keeps {names}"
            elif kept:
                lost = ", ".join(f.key.rsplit(".", 1)[-1] for f in fields if f not in kept)
                detail = f"{work.platform.label} keeps {len(kept)} of {len(fields)} fields; removes {lost}"
            else:
                detail = (
                    _fact_text(work.platform, fact_key) or f"{work.platform.label} removes {names}"
                )
            results.append(
                Survival(protection=label, survives=len(kept) == len(fields), detail=detail)
            )
        return results


@dataclass(frozen=True)
class Signing:
    """Where the signing identity is and how to unlock it: given to each worker with its job."""

    home: Path
    passphrase: str | None = field(default=None, repr=False)


@dataclass
class CredentialsStep(Step):
    """A signed C2PA manifest in the encoded file: the creator, notrain's steps, and the
    ``cawg.training-mining`` choices ("not for AI training" unless the person allows a use)."""

    signing: Signing
    choices: dict[str, str]
    steps: tuple[str, ...]
    """The names of the plan's steps before this one: the actions the manifest records."""
    owner: str | None = None
    contact: str | None = None
    thumbnail: bool = False
    timestamp_url: str | None = None
    name = "credentials"

    def params(self) -> dict[str, Any]:
        return {"training_mining": self.choices, "thumbnail": self.thumbnail,
                "timestamp_url": self.timestamp_url}  # fmt: skip

    def seal(self, work: Work, mime: str) -> None:
        from notrain.credentials.certificates import contact_of
        from notrain.credentials.identity import load_signing_identity
        from notrain.credentials.manifest import TrainingChoices, manifest_definition
        from notrain.credentials.sign import sign

        identity = load_signing_identity(self.signing.home, self.signing.passphrase)
        actions = [step for step in self.steps if step != "prepare" or work.geometry.resized]
        if work.geometry.cropped:
            actions.insert(0, "crop")
        if work.payload is None and "invisible-mark" in actions:
            actions.remove("invisible-mark")
        definition = manifest_definition(
            work.name or "photo",
            self.owner or identity.subject,
            self.contact or contact_of(identity.leaf),
            actions,
            TrainingChoices(**self.choices),  # type: ignore[arg-type]
            mime,
        )
        work.data = sign(
            work.data,
            mime,
            identity,
            definition,
            thumbnail=self.thumbnail,
            tsa_url=self.timestamp_url,
        )
        work.signer = identity.subject

    def summary(self, work: Work) -> str:
        from notrain.credentials.manifest import ENTRY_WORDS

        refused = [ENTRY_WORDS[f"cawg.{use}"] for use, v in self.choices.items() if v != "allowed"]
        said = f"{', '.join(refused)} not allowed" if refused else "every AI use allowed"
        return f"Content Credential signed by {work.signer}: {said}"

    def survival(self, work: Work, copy: PlatformCopy) -> list[Survival]:
        from notrain.credentials.embedded import image_mime
        from notrain.credentials.read import read_credentials

        found = read_credentials(copy.data, image_mime(copy.data) or "image/jpeg")
        if found is not None and found.valid:
            detail = f"{work.platform.label} keeps the Content Credential"
        else:
            detail = (
                f"{work.platform.label} re-encodes the photo and drops the Content Credential: "
                "it proves the original file you keep, not the platform's copy"
            )
        return [
            Survival(protection="Content Credentials", survives=found is not None, detail=detail)
        ]


def _families(fields: list[Field]) -> list[str]:
    present = {f.key.partition(".")[0] for f in fields}
    return [family.upper() for family in _FAMILIES if family in present]


def _fact_text(platform: Platform, key: str) -> str | None:
    try:
        return platform.fact(key).text
    except KeyError:
        return None


@dataclass(frozen=True)
class Plan:
    """The ordered steps for a set of options."""

    steps: tuple[Step, ...]

    @classmethod
    def from_options(
        cls, options: ProtectOptions, *, payload: str | None = None, signing: Signing | None = None
    ) -> Plan:
        """The steps for ``options``; ``payload`` is the invisible watermark's (None: no mark),
        ``signing`` where the signing identity is (None: no Content Credential)."""
        steps: list[Step] = [
            PrepareStep(platform=options.platform, crop=options.crop),
            PrivacyStep(keep_location=options.keep_location, keep_camera=options.keep_camera),
        ]
        if options.watermark and payload is not None:
            steps.append(InvisibleMarkStep(payload))
        if options.mark or options.mark_logo:
            steps.append(
                VisibleMarkStep(
                    VisibleMark(
                        text=options.mark,
                        logo=options.mark_logo,
                        position=options.mark_position,  # type: ignore[arg-type]
                        opacity=options.mark_opacity,
                        scale=options.mark_size,
                        color=options.mark_color,
                        font=options.mark_font,
                    )
                )
            )
        if options.rights:
            steps.append(
                RightsStep(
                    Rights(
                        owner=options.owner,
                        contact=options.contact,
                        copyright=options.copyright,
                        web_statement=options.web_statement,
                        usage_terms=options.usage_terms,
                        data_mining=options.data_mining,
                        **(
                            {"other_constraints": options.other_constraints}
                            if options.other_constraints
                            else {}
                        ),
                        tdm_policy=options.tdm_policy,
                    )
                )
            )
        if options.credentials and signing is not None:
            steps.append(
                CredentialsStep(
                    signing=signing,
                    choices=options.training_choices(),
                    steps=tuple(step.name for step in steps),
                    owner=options.owner,
                    contact=options.contact,
                    thumbnail=options.credentials_thumbnail,
                    timestamp_url=options.timestamp_url,
                )
            )
        return cls(tuple(steps))
