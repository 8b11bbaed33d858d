"""Is this photo mine? Read a file's invisible watermark, perceptual hash and rights metadata, and
compare them with the registry of photos notrain protected.

Two kinds of evidence, of different strength:

* the **watermark** names an owner and a photo; only messages whose checksum matches are read,
  so a mark that names one of your identities is yours, whatever was done to the copy since;
* the **perceptual hash** (PDQ, in all eight rotations and mirrorings) finds a registered output
  that *looks* the same. That also catches copies whose mark was destroyed, but it can equally
  be a near-duplicate: another shot from the same burst, or the same scene.

Reading a file (decoding, detecting, hashing) needs no database, so ``notrain.protect.scan`` does
it in worker processes; the registry is consulted in the calling process only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from PIL import ImageStat

from notrain.errors import InputError, NotrainError
from notrain.imaging import get_platform, open_image
from notrain.imaging.pdq import (
    DIHEDRAL_NAMES,
    PDQ_MATCH_DISTANCE,
    PDQ_MIN_QUALITY,
    PdqHash,
    pdq_dihedral,
)
from notrain.metadata import DATA_MINING_VOCABULARY, Field, read_metadata
from notrain.metadata.container import read_source
from notrain.store import Database, ProtectedImage, owner_ids
from notrain.watermark import Detection, Payload, PayloadError, detect_watermark
from notrain.watermark.invisible import MIN_DETECT_SIZE

if TYPE_CHECKING:
    from notrain.credentials.read import Credentials

__all__ = [
    "CredentialsStatus",
    "How",
    "Reading",
    "RegistryMatch",
    "RightsStatement",
    "Status",
    "UnverifiableImageError",
    "Verdict",
    "read_image",
    "rights_statement",
    "verify_image",
    "verify_reading",
]

Status = Literal["yours", "someone-else", "marked-unknown", "not-found"]
How = Literal["watermark", "perceptual", "both", ""]
CredentialsStatus = Literal["yours", "someone-else", "invalid"]
STATUSES: tuple[Status, ...] = ("yours", "someone-else", "marked-unknown", "not-found")

_CREATOR_KEYS = frozenset({"Exif.Image.Artist", "Iptc.Application2.Byline", "Xmp.dc.creator"})
_COPYRIGHT_KEYS = ("Exif.Image.Copyright", "Iptc.Application2.Copyright", "Xmp.dc.rights")
_DATA_MINING_KEY = "Xmp.plus.DataMining"
_DATA_MINING_WORDS = {
    "DMI-UNSPECIFIED": "says nothing about data mining",
    "DMI-ALLOWED": "allows data mining",
    "DMI-PROHIBITED-AIMLTRAINING": "forbids AI and machine-learning training",
    "DMI-PROHIBITED-GENAIMLTRAINING": "forbids generative AI training",
    "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING": "forbids data mining except by search engines",
    "DMI-PROHIBITED": "forbids all data mining",
    "DMI-PROHIBITED-SEECONSTRAINT": "forbids data mining, with conditions stated in the file",
    "DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR": "forbids data mining, with conditions stated in the file",
    "DMI-PROHIBITED-SEELINKEDRIGHTSEXPR": "forbids data mining, with conditions on a linked page",
}
"""What each IPTC ``plus:DataMining`` value says, in words."""

_ORIENTATION = {
    "original": "",
    "rotate90": "rotated 90° clockwise",
    "rotate180": "rotated 180°",
    "rotate270": "rotated 90° counter-clockwise",
    "flip_x": "flipped upside down",
    "flip_y": "mirrored left to right",
    "transpose": "mirrored across its diagonal",
    "transverse": "mirrored across its other diagonal",
}
"""How the file differs from the registered output when ``pdq_dihedral``'s variant of that name matched
(the variant is what undoes the change, so a copy turned clockwise matches ``rotate90``)."""


class UnverifiableImageError(InputError):
    """The file is an image, but too small or too flat to carry a watermark or a usable perceptual hash."""


@dataclass(frozen=True)
class Reading:
    """What a file itself says, before any registry lookup: its mark, its hashes, its rights metadata."""

    path: Path
    size: tuple[int, int]
    detection: Detection
    hashes: tuple[PdqHash, ...]
    """The PDQ hashes in the orientations of ``DIHEDRAL_NAMES``."""
    rights: tuple[Field, ...]
    """Rights statements and creator fields found in the file's metadata."""
    credentials: Credentials | None = None
    """The file's Content Credential (C2PA manifest), when it has one and it was looked for."""
    credentials_note: str = ""
    """Why the Content Credential was not looked at, or that the file has none."""
    sha256: str = ""
    """The file's SHA-256, to tell a registered output's very bytes from a copy of it."""

    @property
    def pdq_quality(self) -> int:
        return self.hashes[0].quality if self.hashes else 0


@dataclass(frozen=True)
class RegistryMatch:
    """A registered output this file was traced to, and by what."""

    record: ProtectedImage
    by_watermark: bool
    distance: int | None = None
    """Bits of 256 the perceptual hashes differ by; None when the perceptual hash did not match."""
    orientation: str = ""
    """How the file is turned or mirrored compared with the output, in words ("" when it is not)."""
    identical: bool = False
    """The file is byte for byte the protected copy notrain wrote."""

    @property
    def how(self) -> str:
        perceptual = ""
        if self.distance is not None:
            perceptual = f"perceptual hash (distance {self.distance}" + (
                f", {self.orientation})" if self.orientation else ")"
            )
        if self.by_watermark and perceptual:
            return f"watermark and {perceptual}"
        return "watermark" if self.by_watermark else perceptual

    @property
    def platform_label(self) -> str:
        """The platform the registered copy was made for, as people call it."""
        return _platform_label(self.record.platform)

    def as_dict(self) -> dict[str, Any]:
        record = self.record
        return {
            "registry_id": record.id,
            "how": self.how,
            "pdq_distance": self.distance,
            "orientation": self.orientation or None,
            "original": record.input_path,
            "output": record.output_path,
            "platform": record.platform,
            "protected_on": record.created_at[:10],
            "payload": record.payload,
            "identical": self.identical,
        }


@dataclass(frozen=True)
class RightsStatement:
    """The rights metadata a file carries, read as a person would: who made it, the copyright
    notice, and what it says about data mining (the IPTC code and its meaning)."""

    creator: str | None = None
    copyright: str | None = None
    data_mining: str | None = None
    data_mining_words: str | None = None

    @property
    def found(self) -> bool:
        return any((self.creator, self.copyright, self.data_mining))


@dataclass(frozen=True)
class Verdict:
    """Whose photo a file is, how sure notrain is, and the evidence."""

    reading: Reading
    status: Status
    how: How
    """What identified the file: "" when nothing did."""
    summary: str
    payload: Payload | None
    matches: tuple[RegistryMatch, ...]
    """Registry records, the watermark's first, then the perceptual matches nearest first."""
    evidence: tuple[str, ...]
    """One sentence per piece of evidence, for people."""
    payload_error: str | None = None
    """Why a mark that was read is not a notrain payload (for "marked-unknown")."""
    credentials_status: CredentialsStatus | None = None
    """Whose the Content Credential is: signed by one of your signing certificates and unchanged
    ("yours"), valid but signed by another ("someone-else"), or broken; None without one."""
    credentials_explained: tuple[str, ...] = ()
    """The Content Credential (or why there is none to show) in plain lines."""

    @property
    def path(self) -> Path:
        return self.reading.path

    @property
    def record(self) -> ProtectedImage | None:
        """The registered output this file most likely is."""
        return self.matches[0].record if self.matches else None

    @property
    def marked_by_you(self) -> bool:
        """The watermark names one of your identities (retired ones included)."""
        return self.payload is not None and self.status == "yours" and self.how != "perceptual"

    @property
    def pdq_distance(self) -> int | None:
        return min((m.distance for m in self.matches if m.distance is not None), default=None)

    def row(self) -> dict[str, Any]:
        """The flat record of ``notrain.protect.scan.CSV_COLUMNS``."""
        detection, payload, record = self.reading.detection, self.payload, self.record
        return {
            "file": str(self.path),
            "status": self.status,
            "how": self.how,
            "confidence": float(detection.confidence) if detection.found else None,
            "message": detection.message_hex,
            "owner_id": f"{payload.owner_id:07x}" if payload else None,
            "image_id": payload.image_id if payload else None,
            "no_ai_training": payload.no_ai_training if payload else None,
            "pdq_distance": self.pdq_distance,
            "registry_id": record.id if record else None,
            "original": record.input_path if record else None,
            "protected_on": record.created_at[:10] if record else None,
            "platform": _platform_label(record.platform) if record else None,
            "summary": self.summary,
        }

    def as_dict(self) -> dict[str, Any]:
        detection, payload = self.reading.detection, self.payload
        return {
            "file": str(self.path),
            "status": self.status,
            "how": self.how or None,
            "summary": self.summary,
            "watermark": {
                "found": detection.found,
                "message": detection.message_hex,
                "confidence": float(detection.confidence),
                "transform": detection.transform,
                "reason": detection.reason or None,
            },
            "payload": None
            if payload is None
            else {
                "owner_id": f"{payload.owner_id:07x}",
                "image_id": payload.image_id,
                "no_ai_training": payload.no_ai_training,
                "version": payload.version,
            },
            "payload_error": self.payload_error,
            "registry": [match.as_dict() for match in self.matches],
            "pdq": {"hash": self.reading.hashes[0].hex, "quality": self.reading.pdq_quality},
            "rights": [
                {"key": f.key, "label": f.label, "value": f.value} for f in self.reading.rights
            ],
            "credentials": _credentials_json(self.reading),
            "credentials_status": self.credentials_status,
            "evidence": list(self.evidence),
        }


def _credentials_json(reading: Reading) -> dict[str, Any] | None:
    found = reading.credentials
    if found is None:
        return None
    return {
        "state": found.state,
        "signer": found.signer,
        "issuer": found.issuer,
        "anchor_fingerprint": found.anchor_fingerprint,
        "training_mining": dict(found.training),
        "creator": found.creator,
        "creator_contact": found.creator_contact,
        "actions": list(found.actions),
        "signing_time": found.signing_time.isoformat() if found.signing_time else None,
        "codes": list(found.codes),
    }


def read_image(path: Path, *, credentials_home: Path | None = None) -> Reading:
    """Read ``path`` once and take from it everything verification needs, without the registry.

    With ``credentials_home`` (a notrain home), its Content Credential is read and validated
    too, with that home's roots as trust anchors.

    Raises :class:`InputError` for files that cannot be read or are not images, and
    :class:`UnverifiableImageError` for images too small or too flat to check.
    """
    data, _ = read_source(path)
    try:
        image = open_image(data).image
    except InputError as exc:  # open_image calls bytes "The image"; name the file instead
        raise type(exc)(
            exc.message.replace("The image", str(path), 1), path=path, hint=exc.hint
        ) from None
    width, height = image.size
    if min(width, height) < MIN_DETECT_SIZE:
        raise UnverifiableImageError(
            f"{path} is too small to check ({width}x{height} pixels): reading a watermark needs at least "
            f"{MIN_DETECT_SIZE} pixels on the short side.",
            path=path,
            hint="Find a larger copy: platforms often serve bigger versions than their thumbnails.",
        )
    if ImageStat.Stat(image.convert("L")).stddev[0] < 1.0:
        raise UnverifiableImageError(
            f"{path} is a single flat colour: it can carry neither a watermark nor a perceptual hash.",
            path=path,
            hint="If it should show a photo, the file is blank or damaged; find another copy.",
        )
    fields = read_metadata(data).fields
    credentials, note = (
        _read_credentials(data, credentials_home) if credentials_home is not None else (None, "")
    )
    return Reading(
        path=path,
        size=(width, height),
        detection=detect_watermark(image),
        hashes=pdq_dihedral(image),
        rights=tuple(f for f in fields if f.category == "rights" or f.key in _CREATOR_KEYS),
        credentials=credentials,
        credentials_note=note,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _read_credentials(data: bytes, home: Path) -> tuple[Credentials | None, str]:
    """The file's Content Credential, or None and a line saying why there is none to show."""
    from notrain.credentials.embedded import image_mime
    from notrain.credentials.identity import trust_anchors
    from notrain.credentials.read import read_credentials
    from notrain.credentials.sdk import c2pa_available

    if not c2pa_available():
        return None, (
            'Content Credentials: not checked (they need: pip install "notrain[credentials]").'
        )
    mime = image_mime(data)
    if mime is None:
        return None, "Content Credentials: not checked for this file type."
    try:
        found = read_credentials(data, mime, trust_anchors=trust_anchors(home))
    except NotrainError as exc:
        return None, f"Content Credentials: could not be read ({exc.message})."
    except Exception as exc:  # noqa: BLE001 (a damaged manifest must not stop the other evidence)
        return None, f"Content Credentials: could not be read ({type(exc).__name__}: {exc})."
    if found is None:
        return None, (
            "Content Credentials: none in this file (platforms remove them when they re-encode "
            "a photo)."
        )
    return found, ""


def verify_image(path: Path, db: Database) -> Verdict:
    """Whose photo ``path`` is, according to its watermark, its perceptual hash, its Content
    Credential and the registry in ``db``."""
    return verify_reading(read_image(path, credentials_home=Path(db.path).parent), db)


def verify_reading(
    reading: Reading, db: Database, *, owners: set[int] | None = None, registered: int | None = None
) -> Verdict:
    """Judge a :class:`Reading` against the registry.

    ``owners`` (your owner ids) and ``registered`` (how many photos the registry
    holds) are looked up when not given; a scan passes them once for all files.
    """
    owners = owner_ids(db) if owners is None else owners
    registered = registered_count(db) if registered is None else registered
    detection = reading.detection
    evidence = [_watermark_line(detection)]

    payload, payload_error = None, None
    if detection.found and detection.message is not None:
        try:
            payload = Payload.from_bytes(detection.message)
        except PayloadError as exc:
            payload_error = exc.message
    mine = payload is not None and payload.owner_id in owners
    if payload is not None:
        whose = "one of your identities" if mine else "not one of your identities"
        evidence.append(
            f"Payload: owner {payload.owner_id:07x} ({whose}), photo #{payload.image_id}, {_flag(payload)}."
        )
    elif payload_error:
        evidence.append(f"Payload: none that this notrain reads. {payload_error}")

    marked = db.by_payload(payload.hex) if payload is not None and mine else []
    if payload is not None and mine and not marked:
        evidence.append(
            f"Registry: no record of photo #{payload.image_id} (the registry may have been restored or "
            "replaced since it was protected); the watermark alone shows it is yours."
        )

    similar: list[tuple[ProtectedImage, int, int]] = []
    if reading.pdq_quality < PDQ_MIN_QUALITY:
        evidence.append(
            f"Perceptual hash: not compared (quality {reading.pdq_quality} of 100; matching needs "
            f"{PDQ_MIN_QUALITY}): the picture has too little detail."
        )
    else:
        similar = [
            (r, m.distance, m.variant)
            for r, m in db.similar([h.bits for h in reading.hashes], PDQ_MATCH_DISTANCE)
        ]
        if not similar:
            evidence.append(f"Perceptual hash: no match among {registered} registered photos.")

    matches = _matches(marked, similar, reading.sha256)
    for match in matches:
        evidence.append(_record_line(match, reading.path))
    if any(not m.by_watermark for m in matches):
        evidence.append(
            "Note: a perceptual match can also be a near-duplicate (another shot of the same scene); "
            "a watermark, when found, is the stronger evidence."
        )
    evidence.append(_rights_line(reading.rights))
    own = _own_signers(reading, Path(db.path).parent)
    credential_lines = _credential_lines(reading, own)
    evidence.extend(credential_lines)

    status, how = _decide(mine, payload, payload_error, bool(similar))
    summary = _summary(status, how, payload, payload_error, matches, registered, reading)
    return Verdict(
        reading=reading,
        status=status,
        how=how,
        summary=summary,
        payload=payload,
        matches=tuple(matches),
        evidence=tuple(evidence),
        payload_error=payload_error,
        credentials_status=_credentials_status(reading, own),
        credentials_explained=tuple(credential_lines),
    )


def _own_signers(reading: Reading, home: Path) -> list[str]:
    """The person's signing certificates, looked up only when the file has a credential."""
    if reading.credentials is None:
        return []
    from notrain.credentials.identity import own_signers

    return own_signers(home)


def _credential_lines(reading: Reading, own: list[str]) -> list[str]:
    if reading.credentials is None:
        return [reading.credentials_note] if reading.credentials_note else []
    from notrain.credentials.read import explain

    lines = explain(reading.credentials, own)
    return [f"Content Credentials: {lines[0]}", *lines[1:]]


def _credentials_status(reading: Reading, own: list[str]) -> CredentialsStatus | None:
    found = reading.credentials
    if found is None:
        return None
    if not found.valid:
        return "invalid"
    return "yours" if found.signer_key in own else "someone-else"


def registered_count(db: Database) -> int:
    """How many protected photos the registry holds."""
    return int(db.conn.execute("SELECT count(*) FROM protected_image").fetchone()[0])


def _matches(
    marked: list[ProtectedImage], similar: list[tuple[ProtectedImage, int, int]], sha256: str
) -> list[RegistryMatch]:
    by_id = {record.id: (distance, variant) for record, distance, variant in similar}
    matches = []
    for record in marked:
        distance, variant = by_id.pop(record.id, (None, None))
        matches.append(
            RegistryMatch(
                record,
                by_watermark=True,
                distance=distance,
                orientation=_orientation(variant),
                identical=bool(sha256) and sha256 == record.output_sha256,
            )
        )
    for record, distance, variant in similar:
        if record.id in by_id:
            matches.append(
                RegistryMatch(
                    record,
                    by_watermark=False,
                    distance=distance,
                    orientation=_orientation(variant),
                    identical=bool(sha256) and sha256 == record.output_sha256,
                )
            )
    return matches


def _orientation(variant: int | None) -> str:
    if variant is None or not 0 <= variant < len(DIHEDRAL_NAMES):
        return ""
    return _ORIENTATION.get(DIHEDRAL_NAMES[variant], DIHEDRAL_NAMES[variant])


def _decide(
    mine: bool, payload: Payload | None, payload_error: str | None, similar: bool
) -> tuple[Status, How]:
    if mine:
        return "yours", "both" if similar else "watermark"
    if similar:
        return "yours", "perceptual"
    if payload is not None:
        return "someone-else", "watermark"
    if payload_error is not None:
        return "marked-unknown", "watermark"
    return "not-found", ""


def _summary(
    status: Status,
    how: str,
    payload: Payload | None,
    payload_error: str | None,
    matches: list[RegistryMatch],
    registered: int,
    reading: Reading,
) -> str:
    flag = f", {_flag(payload)}" if payload else ""
    if status == "yours" and how != "perceptual" and payload is not None:
        if matches and matches[0].by_watermark:
            return f"yours: {_origin(matches[0].record)}{flag}"
        return f"yours: your watermark (photo #{payload.image_id}), but this registry has no record of it{flag}"
    if status == "yours":
        text = f"looks like your photo (perceptual match, distance {matches[0].distance}): {_origin(matches[0].record)}"
        if payload is not None:
            text += (
                f"; but it carries someone else's notrain watermark (owner {payload.owner_id:07x})"
            )
        elif payload_error is not None:
            text += "; it also carries a mark that is not a notrain payload"
        return text
    if status == "someone-else" and payload is not None:
        return f"marked by someone else's notrain identity (owner {payload.owner_id:07x}){flag}"
    if status == "marked-unknown":
        message = reading.detection.message_hex
        return f"marked, but not with a notrain v1 payload (message {message}): another tool or a newer notrain"
    if reading.pdq_quality < PDQ_MIN_QUALITY:
        return f"not found: no watermark, and too little detail to compare with the {registered} registered photos"
    return f"not found: no watermark, no match among {registered} registered photos"


def _origin(record: ProtectedImage) -> str:
    return (
        f"protected on {record.created_at[:10]} from {Path(record.input_path).name} "
        f"for {_platform_label(record.platform)}"
    )


def _platform_label(name: str) -> str:
    try:
        return get_platform(name).label
    except NotrainError:
        return name


def _flag(payload: Payload) -> str:
    return (
        "not-for-AI-training flag set"
        if payload.no_ai_training
        else "not-for-AI-training flag not set"
    )


def _watermark_line(detection: Detection) -> str:
    if not detection.found:
        return f"Watermark: none ({detection.reason or 'no watermark found'})."
    turned = (
        f"; read from a turned or mirrored copy: {detection.transform}"
        if detection.transform != "none"
        else ""
    )
    return f"Watermark: found, message {detection.message_hex} (confidence {float(detection.confidence):.2f}{turned})."


def _record_line(match: RegistryMatch, path: Path) -> str:
    record = match.record
    line = (
        f"Registry record #{record.id} by {match.how}: {_origin(record)}; "
        f"original {record.input_path}, protected copy {record.output_path}."
    )
    here = str(path.resolve())
    if here == record.output_path:
        line += " This file is that protected copy."
    elif here == record.input_path:
        line += " This file is the original it was made from, not a protected copy."
    return line


def rights_statement(rights: tuple[Field, ...]) -> RightsStatement:
    """The creator, copyright notice and data-mining statement among a file's rights fields."""
    by_key = {f.key: f.value for f in rights}
    mining = by_key.get(_DATA_MINING_KEY)
    code = mining.removeprefix(DATA_MINING_VOCABULARY) if mining else None
    return RightsStatement(
        creator=next((f.value for f in rights if f.key in _CREATOR_KEYS), None),
        copyright=next((by_key[k] for k in _COPYRIGHT_KEYS if k in by_key), None),
        data_mining=code,
        data_mining_words=_DATA_MINING_WORDS.get(code.upper()) if code else None,
    )


def _rights_line(rights: tuple[Field, ...]) -> str:
    if not rights:
        return "Rights metadata: none."
    statement = rights_statement(rights)
    parts = []
    if statement.data_mining:
        parts.append(f"data mining {statement.data_mining}")
    if statement.copyright:
        parts.append(f"copyright {statement.copyright}")
    if statement.creator:
        parts.append(f"creator {statement.creator}")
    return f"Rights metadata: {'; '.join(parts) or 'present'} ({len(rights)} fields)."
