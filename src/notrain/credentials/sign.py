"""Sign an image's bytes with a C2PA manifest, in memory.

The image goes in as bytes and comes back as bytes with the manifest embedded; nothing is
written, so a failure leaves no half-signed file (the caller writes the result atomically).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from notrain.credentials.embedded import image_mime
from notrain.credentials.errors import SigningError, UnsupportedFormatError
from notrain.credentials.sdk import c2pa_available, load_c2pa, sign_context
from notrain.errors import CorruptFileError, OptionError

if TYPE_CHECKING:
    from notrain.credentials.identity import SigningIdentity

__all__ = [
    "FORMATS",
    "SigningError",
    "UnsupportedFormatError",
    "c2pa_available",
    "normalise_mime",
    "sign",
]

FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP"}
"""The formats notrain adds Content Credentials to: the ones it writes."""

_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/x-webp": "image/webp"}


def normalise_mime(mime: str) -> str:
    """The MIME type as notrain names it; UnsupportedFormatError for one it cannot sign."""
    key = _ALIASES.get(mime.strip().lower(), mime.strip().lower())
    if key not in FORMATS:
        raise UnsupportedFormatError(
            f"Content Credentials are added to JPEG, PNG and WebP images only, not to {mime}.",
            hint="Save the output as JPEG, PNG or WebP (notrain protect --format), or sign "
            "without Content Credentials (--no-credentials).",
        )
    return key


def sign(
    data: bytes,
    mime: str,
    identity: SigningIdentity,
    definition: dict[str, Any],
    *,
    thumbnail: bool = False,
    tsa_url: str | None = None,
) -> bytes:
    """``data`` with a C2PA manifest from ``definition`` embedded and signed by ``identity``.

    No claim thumbnail unless asked (it adds 87-549 KB). ``tsa_url``, an RFC 3161 timestamp
    server, is contacted by the c2pa library while signing; nothing else is.
    """
    mime = normalise_mime(mime)
    if image_mime(data) != mime:
        raise CorruptFileError(
            f"The data to sign is not a {FORMATS[mime]} image.",
            hint="This is a bug in the caller: pass the encoded output and its MIME type.",
        )
    if tsa_url is not None and not tsa_url.lower().startswith(("http://", "https://")):
        raise OptionError(
            f"The timestamp server {tsa_url!r} is not an http(s) URL.",
            hint="e.g. --tsa-url http://timestamp.digicert.com",
        )
    c2pa = load_c2pa()
    try:
        signer = c2pa.Signer.from_info(
            c2pa.C2paSignerInfo(
                identity.algorithm, identity.chain_pem, identity.private_key_pem(), tsa_url
            )
        )
        with signer, c2pa.Builder(definition, context=sign_context(thumbnail=thumbnail)) as builder:
            signed = io.BytesIO()
            builder.sign(signer, mime, io.BytesIO(data), signed)
    except c2pa.C2paError as exc:
        raise SigningError(
            f"The c2pa library could not sign this {FORMATS[mime]} image: {_first_line(exc)}",
            hint=_hint(str(exc), tsa_url),
        ) from exc
    return signed.getvalue()


def _first_line(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if text.endswith(".") else text + "."


def _hint(message: str, tsa_url: str | None) -> str:
    lowered = message.lower()
    if tsa_url and ("time" in lowered or "http" in lowered or "network" in lowered):
        return "Check the timestamp server URL and the network, or sign without --tsa-url."
    if "certificate" in lowered:
        return "Check your signing identity: notrain identity show."
    return "Report this with the image format and notrain --version."
