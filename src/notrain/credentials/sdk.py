"""The c2pa library, loaded only when Content Credentials are used, and the settings notrain
gives it.

c2pa-python is an optional extra (``notrain[credentials]``): a 20 MB native library that
``notrain --help`` must not load. Settings go through a per-call ``Context`` (the library's
global settings are deprecated and ignored by its Reader and Builder). notrain never lets it
reach the network: no remote manifests, no OCSP; only a timestamp server the person names.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from notrain.credentials.errors import CredentialsUnavailableError

__all__ = ["c2pa_available", "load_c2pa", "read_context", "sign_context"]

_OFFLINE = {"remote_manifest_fetch": False, "ocsp_fetch": False}


def load_c2pa() -> ModuleType:
    """The ``c2pa`` module; CredentialsUnavailableError (naming the install command) without it."""
    try:
        import c2pa  # type: ignore[import-untyped]
    except ImportError as exc:
        raise CredentialsUnavailableError() from exc
    except OSError as exc:  # the package is there but its native library cannot load
        raise CredentialsUnavailableError(f"its native library did not load: {exc}") from exc
    return c2pa


def c2pa_available() -> bool:
    """Whether Content Credentials can be signed and read here (the c2pa library loads)."""
    try:
        load_c2pa()
    except CredentialsUnavailableError:
        return False
    return True


def _trust_config() -> str:
    """The extended key usages a signing certificate may carry, as c2pa's ``trust_config``:
    without it the library accepts emailProtection alone and refuses the documentSigning or
    C2PA claim-signing certificates that certificate authorities sell."""
    from notrain.credentials.certificates import C2PA_USAGES

    return "".join(f"{oid}\n" for oid in C2PA_USAGES)


def sign_context(*, thumbnail: bool) -> Any:
    """A c2pa Context for signing: the claim thumbnail only when asked (it adds 87-549 KB)."""
    c2pa = load_c2pa()
    settings = {
        "builder": {"thumbnail": {"enabled": thumbnail}},
        "verify": _OFFLINE,
        "trust": {"trust_config": _trust_config()},
    }
    return c2pa.Context.from_json(json.dumps(settings))


def read_context(trust_anchors: Sequence[bytes] = ()) -> Any:
    """A c2pa Context for reading that trusts exactly ``trust_anchors`` (PEM roots), if any."""
    c2pa = load_c2pa()
    settings: dict[str, Any] = {
        "verify": dict(_OFFLINE),
        "trust": {"trust_config": _trust_config()},
    }
    anchors = b"\n".join(a.strip() for a in trust_anchors if a.strip())
    if anchors:
        settings["trust"]["trust_anchors"] = anchors.decode("ascii", errors="replace") + "\n"
    return c2pa.Context.from_json(json.dumps(settings))
