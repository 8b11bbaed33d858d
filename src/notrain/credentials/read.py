"""Read a photo's Content Credentials and judge them: trusted, from an unknown signer, or broken.

The c2pa library validates everything (hashes, signature, certificate chain) against the trust
anchors given, and nothing else: notrain passes the person's own roots, so "trusted" means
"signed by you". What it says goes into :class:`Credentials`; :func:`explain` says it in words.
"""

from __future__ import annotations

import io
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from notrain.credentials.certificates import fingerprint
from notrain.credentials.errors import UnsupportedFormatError
from notrain.credentials.manifest import ACTION_WORDS, ENTRY_WORDS, TRAINING_ENTRIES
from notrain.credentials.sdk import load_c2pa, read_context

__all__ = [
    "REENCODING_NOTE",
    "Credentials",
    "State",
    "ValidationMessage",
    "explain",
    "read_credentials",
]

State = Literal["valid-trusted", "valid-untrusted", "invalid"]

REENCODING_NOTE = (
    "Platforms such as Instagram and Facebook remove Content Credentials when they re-encode an "
    "upload: the credential proves what the original file says, not the copy on Instagram."
)

_STATES: dict[str, State] = {"Trusted": "valid-trusted", "Valid": "valid-untrusted"}
_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/x-webp": "image/webp"}
_TAMPERED = (
    "assertion.missing",
    "claim.missing",
    "assertion.dataHash.malformed",
    "manifest.unreadable",
)
_EXPIRED = ("signingCredential.expired",)
_USE_WORDS = {
    "allowed": "allowed",
    "notAllowed": "not allowed",
    "constrained": "allowed only under stated conditions (validators count it as not allowed)",
}


@dataclass(frozen=True)
class ValidationMessage:
    """One validation status from the c2pa library: its code (``assertion.dataHash.mismatch``)
    and explanation; ``kind`` is "failure" or "informational"."""

    code: str
    explanation: str
    kind: str = "failure"


@dataclass(frozen=True, kw_only=True)
class Credentials:
    """What a photo's active C2PA manifest says, and whether it holds up."""

    state: State
    messages: tuple[ValidationMessage, ...] = ()
    signer: str | None = None
    signer_organisation: str | None = None
    issuer: str | None = None
    claim_generator: str | None = None
    title: str | None = None
    training: Mapping[str, str] = field(default_factory=dict)
    creator: str | None = None
    creator_contact: str | None = None
    actions: tuple[str, ...] = ()
    signing_time: datetime | None = None
    time_stamped: bool = False
    anchor_fingerprint: str | None = None
    signer_key: str | None = None
    """The signing certificate's issuer name and serial number (``issuer#serial``), to tell
    the person's own certificate from others chaining to the same root."""

    @property
    def codes(self) -> tuple[str, ...]:
        """The failure codes, in the library's order."""
        return tuple(m.code for m in self.messages if m.kind == "failure")

    @property
    def tampered(self) -> bool:
        """The image or the manifest changed after signing (a hash or the signature fails)."""
        return any(c.endswith(".mismatch") or c in _TAMPERED for c in self.codes)

    @property
    def expired(self) -> bool:
        """The signing certificate was outside its validity when checked (and no timestamp saved it)."""
        return any(c in _EXPIRED for c in self.codes)

    @property
    def valid(self) -> bool:
        return self.state != "invalid"


def read_credentials(
    data: bytes, mime: str, *, trust_anchors: Sequence[bytes] = ()
) -> Credentials | None:
    """The Content Credentials in ``data`` (an image of type ``mime``), or None when it has none.

    ``trust_anchors`` are PEM roots; a manifest whose signer chains to one of them is
    "valid-trusted", and ``anchor_fingerprint`` says which root it was. Nothing is fetched.
    """
    c2pa = load_c2pa()
    mime = _ALIASES.get(mime.strip().lower(), mime.strip().lower())
    if mime not in c2pa.Reader.get_supported_mime_types():
        raise UnsupportedFormatError(
            f"Content Credentials cannot be read from {mime} files.",
            hint="Give a JPEG, PNG, WebP, HEIC, AVIF or TIFF image.",
        )
    try:
        report = _report(c2pa, data, mime, trust_anchors)
        if report is None:
            return None
        credentials = _credentials(*report)
    except (c2pa.C2paError, KeyError, ValueError, TypeError, AttributeError) as exc:
        # a damaged manifest: the library, or what it returns, breaks in any of these ways
        message = ValidationMessage("manifest.unreadable", " ".join(str(exc).split()))
        return Credentials(state="invalid", messages=(message,))
    if credentials.state == "valid-trusted" and trust_anchors:
        anchor = _anchor(c2pa, data, mime, trust_anchors)
        credentials = replace(credentials, anchor_fingerprint=anchor)
    return credentials


def explain(credentials: Credentials, own_signers: Collection[str] = ()) -> list[str]:
    """Plain-words lines about ``credentials``: who signed and whether it holds up, the
    AI-training choices, the creator, notrain's steps, and what platforms do to it.

    ``own_signers`` are the person's signing certificates
    (:func:`notrain.credentials.identity.own_signers`): a photo signed with one of them, and
    unchanged since, is theirs whatever root the certificate chains to.
    """
    own = set(own_signers)
    who = credentials.signer or "an unnamed signer"
    lines = [_verdict(credentials, who, own)]
    if credentials.training:
        for entry in sorted(credentials.training, key=_entry_order):
            use = credentials.training[entry]
            words = ENTRY_WORDS.get(entry, entry)
            lines.append(f"{words[0].upper()}{words[1:]}: {_USE_WORDS.get(use, use)}.")
    elif credentials.valid:
        lines.append("It says nothing about AI training.")
    if credentials.creator:
        contact = f" <{credentials.creator_contact}>" if credentials.creator_contact else ""
        lines.append(f"Creator: {credentials.creator}{contact}.")
    steps = [ACTION_WORDS.get(a, a) for a in credentials.actions if a != "c2pa.created"]
    if steps:
        lines.append(f"Steps recorded: {', '.join(dict.fromkeys(steps))}.")
    if credentials.signing_time is not None:
        how = (
            "timestamped by a timestamp server"
            if credentials.time_stamped
            else "as the signer states"
        )
        lines.append(f"Signed {credentials.signing_time:%Y-%m-%d %H:%M} UTC ({how}).")
    lines.append(REENCODING_NOTE)
    return lines


def _verdict(credentials: Credentials, who: str, own: set[str]) -> str:
    if credentials.valid and credentials.signer_key in own:
        return f"Valid, and signed by your own notrain identity ({who})."
    if credentials.state == "valid-trusted":
        return f"Valid, and signed by {who}, whose certificate chains to a root you trust."
    if credentials.state == "valid-untrusted":
        issued = f", issued by {credentials.issuer}" if credentials.issuer else ""
        return (
            f"Signed by someone else: {who}{issued}; not verifiable, because their certificate "
            "does not chain to a root you trust. The file is unchanged since they signed it."
        )
    if credentials.tampered:
        return "Invalid: the file was changed after signing."
    if credentials.expired:
        return (
            f"Invalid: the certificate of {who} is expired or not yet valid, and the file has "
            "no timestamp proving it was signed while the certificate was valid."
        )
    reasons = "; ".join(m.explanation for m in credentials.messages if m.kind == "failure")
    return f"Invalid: {reasons or 'the manifest does not validate'}."


def _report(
    c2pa: Any, data: bytes, mime: str, trust_anchors: Sequence[bytes]
) -> tuple[str, dict[str, Any], dict[str, Any], str | None] | None:
    reader = c2pa.Reader.try_create(mime, io.BytesIO(data), None, read_context(trust_anchors))
    if reader is None:
        return None
    with reader:
        manifest = reader.get_active_manifest() or {}
        results = reader.get_validation_results() or {}
        state = reader.get_validation_state() or "Invalid"
        issuer = _issuer(c2pa, reader, manifest.get("label"))
    return state, manifest, results, issuer


def _credentials(
    state: str, manifest: dict[str, Any], results: dict[str, Any], issuer: str | None
) -> Credentials:
    assertions = {a.get("label"): a.get("data") or {} for a in manifest.get("assertions", [])}
    signature = manifest.get("signature_info") or {}
    creator, contact = _creator(assertions)
    actions = _actions(assertions)
    stamped = _time(signature.get("time"))
    return Credentials(
        state=_STATES.get(state, "invalid"),
        messages=_messages(results),
        signer=signature.get("common_name"),
        signer_organisation=signature.get("issuer"),
        issuer=issuer,
        claim_generator=_generator(manifest),
        title=manifest.get("title"),
        training=_training(assertions),
        creator=creator,
        creator_contact=contact,
        actions=tuple(a.get("action", "") for a in actions),
        signing_time=stamped or _latest(a.get("when") for a in actions),
        time_stamped=stamped is not None,
        signer_key=(
            f"{issuer or ''}#{signature['cert_serial_number']}"
            if signature.get("cert_serial_number")
            else None
        ),
    )


def _anchor(c2pa: Any, data: bytes, mime: str, trust_anchors: Sequence[bytes]) -> str | None:
    if len(trust_anchors) == 1:
        return fingerprint(trust_anchors[0])
    for anchor in trust_anchors:
        report = _report(c2pa, data, mime, [anchor])
        if report is not None and report[0] == "Trusted":
            return fingerprint(anchor)
    return None


def _issuer(c2pa: Any, reader: Any, label: str | None) -> str | None:
    """The issuer's common name; the plain report has only the signer's organisation."""
    try:
        report = json.loads(reader.crjson())
    except (AttributeError, ValueError, c2pa.C2paError):  # crjson is newer than the rest
        return None
    manifests = report.get("manifests") or []
    chosen = next(
        (m for m in manifests if m.get("label") == label), manifests[-1] if manifests else {}
    )
    issuer = ((chosen.get("signature") or {}).get("certificateInfo") or {}).get("issuer") or {}
    return issuer.get("CN") or issuer.get("O")


def _messages(results: dict[str, Any]) -> tuple[ValidationMessage, ...]:
    active = results.get("activeManifest") or {}
    return tuple(
        ValidationMessage(str(item.get("code", "")), str(item.get("explanation", "")), kind)
        for kind in ("failure", "informational")
        for item in active.get(kind) or []
    )


def _training(assertions: dict[str, Any]) -> dict[str, str]:
    data = assertions.get("cawg.training-mining") or assertions.get("c2pa.training-mining") or {}
    entries = data.get("entries") or {}
    return {
        "cawg." + str(label).split(".", 1)[-1]: str((value or {}).get("use", ""))
        for label, value in entries.items()
    }


def _creator(assertions: dict[str, Any]) -> tuple[str | None, str | None]:
    metadata = assertions.get("cawg.metadata") or {}
    creators = metadata.get("dc:creator")
    if isinstance(creators, list):
        creators = creators[0] if creators else None
    info = metadata.get("Iptc4xmpCore:CreatorContactInfo") or {}
    contact = next((info[k] for k in sorted(info) if isinstance(info[k], str)), None)
    if creators:
        return str(creators), contact
    work = assertions.get("stds.schema-org.CreativeWork") or {}
    authors = work.get("author") or []
    author = authors[0] if isinstance(authors, list) and authors else authors
    if isinstance(author, dict) and author.get("name"):
        return str(author["name"]), author.get("email") or author.get("url")
    return None, None


def _actions(assertions: dict[str, Any]) -> list[dict[str, Any]]:
    data = assertions.get("c2pa.actions.v2") or assertions.get("c2pa.actions") or {}
    return [a for a in data.get("actions") or [] if isinstance(a, dict)]


def _generator(manifest: dict[str, Any]) -> str | None:
    info = manifest.get("claim_generator_info") or []
    if info and isinstance(info[0], dict) and info[0].get("name"):
        first = info[0]
        return f"{first['name']} {first['version']}" if first.get("version") else str(first["name"])
    return manifest.get("claim_generator")


def _time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _latest(values: Any) -> datetime | None:
    times = [t for t in (_time(v) for v in values) if t is not None]
    return max(times) if times else None


def _entry_order(entry: str) -> int:
    return TRAINING_ENTRIES.index(entry) if entry in TRAINING_ENTRIES else len(TRAINING_ENTRIES)
