"""Setting up who you are, as ``notrain init`` and the web app's settings page both do: the
identity the invisible watermark names as the owner, and the signing identity that signs the
photos' Content Credentials, made or replaced together.

Replacing retires instead of deleting: photos marked or signed with an old identity still
verify as yours. An imported signing certificate is kept when the identity is replaced (notrain
cannot issue another one of those).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from notrain.credentials.errors import CertificateError
from notrain.credentials.identity import (
    SigningIdentity,
    create_signing_identity,
    load_signing_identity,
    signing_identity_exists,
)
from notrain.errors import OptionError
from notrain.store.database import Database
from notrain.store.identity import Identity, active_identity, create_identity, identities

__all__ = [
    "IdentitySetup",
    "existing_signing_identity",
    "makes_signing_identity",
    "set_up_identity",
]


@dataclass(frozen=True, kw_only=True)
class IdentitySetup:
    """What :func:`set_up_identity` did."""

    identity: Identity
    """The identity in use now."""
    created: bool
    """A new identity was made (False: the one in use was kept)."""
    replaced: Identity | None
    """The identity it replaced, now retired (None when there was none, or none was made)."""
    signing: SigningIdentity
    signing_made: bool
    """A new signing identity was made (False: the one there was kept)."""


def existing_signing_identity(home: Path, *, replace: bool = False) -> SigningIdentity | None:
    """The signing identity already there (without its key); one too broken to read counts as
    none when it is being replaced, and is an error otherwise."""
    if not signing_identity_exists(home):
        return None
    try:
        return load_signing_identity(home, with_key=False)
    except CertificateError:
        if replace:
            return None
        raise


def makes_signing_identity(home: Path, *, replace: bool = False) -> bool:
    """Whether :func:`set_up_identity` will make a signing identity (and so use a passphrase)."""
    signing = existing_signing_identity(home, replace=replace)
    return signing is None or (replace and not signing.imported)


def set_up_identity(
    db: Database,
    home: Path,
    name: str | None = None,
    contact: str | None = None,
    *,
    replace: bool = False,
    passphrase: str | None = None,
) -> IdentitySetup:
    """Make the identity (from ``name`` and ``contact``) when there is none or ``replace`` is
    given, and the signing identity when there is none or it is replaced with it; keys are
    protected by ``passphrase`` when one is given. An identity in use is otherwise kept, and
    ``name`` and ``contact`` are not used."""
    current = active_identity(db)
    make_signing = makes_signing_identity(home, replace=replace)
    signing = None if make_signing else existing_signing_identity(home, replace=replace)
    if current is not None and not replace:
        if make_signing:
            signing = create_signing_identity(home, current.name, current.contact, passphrase)
        assert signing is not None
        return IdentitySetup(
            identity=current,
            created=False,
            replaced=None,
            signing=signing,
            signing_made=make_signing,
        )
    if name is None or contact is None:
        raise OptionError(
            "A new identity needs a name and a contact.",
            hint="Give the name photos should credit and an email address or web page.",
        )
    identity = create_identity(db, name, contact)
    replaced = None
    if current is not None:
        replaced = next(i for i in identities(db) if i.id == current.id)
    if make_signing:
        signing = create_signing_identity(home, name, contact, passphrase, new_root=True)
    assert signing is not None
    return IdentitySetup(
        identity=identity,
        created=True,
        replaced=replaced,
        signing=signing,
        signing_made=make_signing,
    )
