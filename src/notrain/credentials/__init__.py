"""Content Credentials: C2PA manifests that say "not for AI training", signed with the person's
own signing identity, and read back to tell whether they still hold.

The identity part needs only ``cryptography``; signing and reading need the optional c2pa
library (``pip install "notrain[credentials]"``), loaded on first use so that importing this
package stays cheap. The names below load their module on first use too.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES: dict[str, str] = {
    "ACTIONS": "notrain.credentials.manifest",
    "CertificateError": "notrain.credentials.errors",
    "Credentials": "notrain.credentials.read",
    "CredentialsUnavailableError": "notrain.credentials.errors",
    "NoSigningIdentityError": "notrain.credentials.errors",
    "PassphraseError": "notrain.credentials.errors",
    "SigningError": "notrain.credentials.errors",
    "SigningIdentity": "notrain.credentials.identity",
    "SigningIdentityError": "notrain.credentials.errors",
    "TrainingChoices": "notrain.credentials.manifest",
    "UnsupportedFormatError": "notrain.credentials.errors",
    "c2pa_available": "notrain.credentials.sdk",
    "create_signing_identity": "notrain.credentials.identity",
    "describe": "notrain.credentials.identity",
    "explain": "notrain.credentials.read",
    "fingerprint": "notrain.credentials.certificates",
    "import_signing_identity": "notrain.credentials.identity",
    "load_signing_identity": "notrain.credentials.identity",
    "manifest_definition": "notrain.credentials.manifest",
    "own_signers": "notrain.credentials.identity",
    "read_credentials": "notrain.credentials.read",
    "renew_signing_identity": "notrain.credentials.identity",
    "sign": "notrain.credentials.sign",
    "signing_identity_exists": "notrain.credentials.identity",
    "trust_anchors": "notrain.credentials.identity",
}

__all__ = [
    "ACTIONS",
    "CertificateError",
    "Credentials",
    "CredentialsUnavailableError",
    "NoSigningIdentityError",
    "PassphraseError",
    "SigningError",
    "SigningIdentity",
    "SigningIdentityError",
    "TrainingChoices",
    "UnsupportedFormatError",
    "c2pa_available",
    "create_signing_identity",
    "describe",
    "explain",
    "fingerprint",
    "import_signing_identity",
    "load_signing_identity",
    "manifest_definition",
    "own_signers",
    "read_credentials",
    "renew_signing_identity",
    "sign",
    "signing_identity_exists",
    "trust_anchors",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'notrain.credentials' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
