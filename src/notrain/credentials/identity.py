"""The signing identity: the certificate and key that sign a person's Content Credentials.

``notrain init`` makes a personal root (a small certificate authority that lives only on this
computer) and a signing certificate it issues, because C2PA validators reject a self-signed
signer. People with a commercial C2PA certificate import it instead. The files live in
``<notrain home>/credentials/``: ``root.crt`` and ``root.key`` (the root), ``signer.crt`` (the
signing certificate, then any intermediates) and ``signer.key``; keys are PKCS#8, owner-only,
and encrypted when a passphrase is given. A replaced identity moves to ``retired/``, so photos
signed with it still verify as the person's own.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.x509.oid import NameOID

from notrain.credentials.certificates import (
    accepted_usages,
    certificate_chain,
    check_chain,
    check_signing_certificate,
    contact_of,
    fingerprint,
    is_self_signed,
    issue_signer,
    make_root,
    name_of,
    pem,
    signing_algorithm,
)
from notrain.credentials.errors import (
    CertificateError,
    NoSigningIdentityError,
    PassphraseError,
    SigningIdentityError,
)
from notrain.errors import OptionError, OutputError
from notrain.store.home import resolve_home
from notrain.store.identity import MAX_FIELD_LENGTH

__all__ = [
    "FOLDER",
    "SigningIdentity",
    "create_signing_identity",
    "credentials_folder",
    "describe",
    "import_signing_identity",
    "load_signing_identity",
    "renew_signing_identity",
    "signing_identity_exists",
    "trust_anchors",
]

FOLDER = "credentials"
_ROOT_CRT, _ROOT_KEY, _SIGNER_CRT, _SIGNER_KEY = "root.crt", "root.key", "signer.crt", "signer.key"
_RETIRED = "retired"


@dataclass(frozen=True, kw_only=True)
class SigningIdentity:
    """A signing certificate with its chain and key, as loaded from the credentials folder.

    ``key`` is None when loaded without it (to show the identity without its passphrase).
    """

    certificates: tuple[x509.Certificate, ...] = field(repr=False)
    key: PrivateKeyTypes | None = field(repr=False)
    root: x509.Certificate | None = field(repr=False)
    subject: str
    organisation: str | None
    issuer: str
    fingerprint: str
    root_fingerprint: str | None
    not_before: datetime
    not_after: datetime
    usages: tuple[str, ...]
    imported: bool
    folder: Path

    @property
    def leaf(self) -> x509.Certificate:
        return self.certificates[0]

    @property
    def chain_pem(self) -> bytes:
        """What a manifest carries: the signing certificate and any intermediates, not the root."""
        return pem([c for c in self.certificates if not is_self_signed(c)])

    @property
    def root_pem(self) -> bytes | None:
        """The trust anchor a validator must add to verify this identity, when it is known."""
        return pem([self.root]) if self.root is not None else None

    @property
    def algorithm(self) -> str | None:
        """The C2PA signing algorithm for the key (es256 for notrain's own); None without the key."""
        return signing_algorithm(self.key) if self.key is not None else None

    @property
    def expired(self) -> bool:
        return datetime.now(UTC) > self.not_after

    def private_key_pem(self) -> bytes:
        """The key as unencrypted PKCS#8 PEM, in memory only, for the c2pa signer."""
        if self.key is None:
            raise SigningIdentityError(
                "The signing identity was loaded without its private key (with_key=False).",
                hint="Load it with load_signing_identity(home, passphrase) to sign.",
            )
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def credentials_folder(home: Path | str | None = None) -> Path:
    """Where the signing identity lives: ``credentials/`` in the notrain home."""
    return resolve_home(home) / FOLDER


def signing_identity_exists(home: Path | str | None = None) -> bool:
    """Whether a signing identity was made or imported in this notrain home."""
    folder = credentials_folder(home)
    return (folder / _SIGNER_CRT).is_file() and (folder / _SIGNER_KEY).is_file()


def create_signing_identity(
    home: Path | str | None,
    name: str,
    contact: str,
    passphrase: str | None = None,
    *,
    new_root: bool = False,
) -> SigningIdentity:
    """Make a personal root and a signing certificate for ``name``; keys encrypted with ``passphrase``.

    An existing notrain root is kept and issues the new signing certificate (a renewal), unless
    ``new_root`` is given or it has expired: then the whole identity is retired and replaced.
    """
    name = _check_text("name", name)
    contact = _check_text("contact", contact)
    folder = _prepare(credentials_folder(home))
    root = root_key = None
    if not new_root and (folder / _ROOT_KEY).is_file() and (folder / _ROOT_CRT).is_file():
        root = certificate_chain(_read(folder / _ROOT_CRT), what="root certificate")[0]
        root_key = _load_key(_read(folder / _ROOT_KEY), passphrase, what="root key")
        if datetime.now(UTC) >= root.not_valid_after_utc:
            root = root_key = None
        else:  # both keys under the same passphrase: renewing with one protects the root too
            _write(folder / _ROOT_KEY, _key_bytes(root_key, passphrase), private=True)
    if root is None or root_key is None:
        _retire(folder)
        root, root_key = make_root(name)
        _write(folder / _ROOT_KEY, _key_bytes(root_key, passphrase), private=True)
        _write(folder / _ROOT_CRT, pem([root]))
    signer, signer_key = issue_signer(root, root_key, name, contact)  # type: ignore[arg-type]
    _write(folder / _SIGNER_KEY, _key_bytes(signer_key, passphrase), private=True)
    _write(folder / _SIGNER_CRT, pem([signer]))
    return load_signing_identity(home, passphrase)


def renew_signing_identity(
    home: Path | str | None, passphrase: str | None = None
) -> SigningIdentity:
    """Issue a new signing certificate under the existing root, for the same name and contact."""
    current = load_signing_identity(home, with_key=False)
    if current.imported:
        raise CertificateError(
            "This signing identity was imported; notrain cannot renew a certificate it did not issue.",
            reason="imported",
            hint="Ask your certificate's issuer for a new one, then: notrain identity import CHAIN KEY",
        )
    contact = contact_of(current.leaf)
    return create_signing_identity(home, current.subject, contact or "-", passphrase)


def import_signing_identity(
    home: Path | str | None,
    chain_pem: bytes,
    key_pem: bytes,
    passphrase: str | None = None,
) -> SigningIdentity:
    """Use an existing certificate chain (signing certificate first) and its key from now on.

    The chain and key are checked as C2PA validators would check them; the key is stored
    encrypted with ``passphrase`` (which also opens ``key_pem`` when it is encrypted). The
    chain's last certificate, when it signs itself, becomes the trust anchor.
    """
    chain = certificate_chain(chain_pem, what="certificate chain")
    key = _load_key(key_pem, passphrase, what="key file")
    check_signing_certificate(chain[0], key)
    check_chain(chain)
    anchor = chain[-1] if len(chain) > 1 and is_self_signed(chain[-1]) else None
    folder = _prepare(credentials_folder(home))
    _retire(folder)
    if anchor is not None:
        _write(folder / _ROOT_CRT, pem([anchor]))
    _write(folder / _SIGNER_KEY, _key_bytes(key, passphrase), private=True)
    _write(folder / _SIGNER_CRT, pem(chain))
    return load_signing_identity(home, passphrase)


def load_signing_identity(
    home: Path | str | None = None, passphrase: str | None = None, *, with_key: bool = True
) -> SigningIdentity:
    """The signing identity in this notrain home, checked as validators would check it.

    ``with_key=False`` reads only the certificates (no passphrase needed; an expired one loads,
    so that it can be shown).
    """
    folder = credentials_folder(home)
    if not signing_identity_exists(home):
        raise NoSigningIdentityError(str(folder))
    chain = certificate_chain(_read(folder / _SIGNER_CRT), what=f"certificate file {_SIGNER_CRT}")
    leaf = chain[0]
    key: PrivateKeyTypes | None = None
    if with_key:
        key = _load_key(_read(folder / _SIGNER_KEY), passphrase, what=f"key file {_SIGNER_KEY}")
        usages = check_signing_certificate(leaf, key)
    else:
        usages = accepted_usages(leaf)
    root = None
    if (folder / _ROOT_CRT).is_file():
        root = certificate_chain(_read(folder / _ROOT_CRT), what=f"root certificate {_ROOT_CRT}")[0]
    issuer = leaf.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
    return SigningIdentity(
        certificates=tuple(chain),
        key=key,
        root=root,
        subject=name_of(leaf) or leaf.subject.rfc4514_string(),
        organisation=name_of(leaf, NameOID.ORGANIZATION_NAME),
        issuer=str(issuer[0].value) if issuer else leaf.issuer.rfc4514_string(),
        fingerprint=fingerprint(leaf),
        root_fingerprint=fingerprint(root) if root is not None else None,
        not_before=leaf.not_valid_before_utc,
        not_after=leaf.not_valid_after_utc,
        usages=usages,
        imported=not (folder / _ROOT_KEY).is_file(),
        folder=folder,
    )


def trust_anchors(home: Path | str | None = None) -> list[bytes]:
    """The PEM roots of this identity and of every retired one: what a photo the person signed
    chains to, so notrain can tell it was signed by them."""
    folder = credentials_folder(home)
    paths = [folder / _ROOT_CRT, *sorted((folder / _RETIRED).glob(f"*/{_ROOT_CRT}"))]
    anchors: list[bytes] = []
    for path in paths:
        if path.is_file():
            data = _read(path)
            if data not in anchors:
                anchors.append(data)
    return anchors


def own_signers(home: Path | str | None = None) -> list[str]:
    """The signing certificates of this identity and of every retired one, as
    :func:`signer_key` strings: a photo signed with one of them is the person's own, whatever
    root it chains to (an imported certificate shares its root with the CA's other customers)."""
    folder = credentials_folder(home)
    paths = [folder / _SIGNER_CRT, *sorted((folder / _RETIRED).glob(f"*/{_SIGNER_CRT}"))]
    keys: list[str] = []
    for path in paths:
        if path.is_file():
            leaf = certificate_chain(_read(path), what=f"certificate file {path.name}")[0]
            keys.append(signer_key(leaf))
    return keys


def signer_key(certificate: x509.Certificate) -> str:
    """A signing certificate's identity as C2PA manifests record it: issuer name and serial."""
    issuer = certificate.issuer.get_attributes_for_oid(NameOID.COMMON_NAME) or (
        certificate.issuer.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    )
    return f"{issuer[0].value if issuer else ''}#{certificate.serial_number}"


def describe(identity: SigningIdentity) -> list[str]:
    """What others see when they inspect a signed photo, in plain lines."""
    lines = [
        f"Signer: {identity.subject}"
        + (f", {identity.organisation}" if identity.organisation else "")
    ]
    contact = contact_of(identity.leaf)
    if contact:
        lines.append(f"Contact in the certificate: {contact}")
    made_here = not identity.imported
    lines.append(
        f"Issued by: {identity.issuer}"
        + (" (your root, made on this computer)" if made_here else "")
    )
    status = " (expired: renew it)" if identity.expired else ""
    lines.append(f"Valid: {identity.not_before:%Y-%m-%d} to {identity.not_after:%Y-%m-%d}{status}")
    lines.append(f"Fingerprint (SHA-256): {_colons(identity.fingerprint)}")
    if identity.usages:
        lines.append(f"Accepted by C2PA validators for: {', '.join(identity.usages)}")
    if made_here:
        lines.append(
            "Self-made root: validators show 'unknown signer' unless they add your root "
            f"({identity.folder / _ROOT_CRT}) to their trust list; notrain verify trusts it."
        )
    elif identity.root is not None:
        lines.append(f"Trust anchor: {name_of(identity.root)} (the last certificate of your chain)")
    else:
        lines.append("Validators trust it when they trust the authority that issued it.")
    return lines


def _colons(hex_digest: str) -> str:
    return ":".join(hex_digest[i : i + 2] for i in range(0, len(hex_digest), 2)).upper()


def _check_text(label: str, value: str) -> str:
    text = (value or "").strip()
    if (
        not text
        or len(text) > MAX_FIELD_LENGTH
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in text)
    ):
        raise OptionError(
            f"The {label} for the signing certificate must be one line of 1 to "
            f"{MAX_FIELD_LENGTH} characters.",
            hint='e.g. notrain init --name "Ann Example" --contact ann@example.com',
        )
    return text


def _load_key(data: bytes, passphrase: str | None, *, what: str) -> PrivateKeyTypes:
    secret = passphrase.encode() if passphrase else None
    try:
        return serialization.load_pem_private_key(data, password=secret)
    except TypeError as exc:
        if secret is not None and "not encrypted" in str(exc):
            return _load_key(data, None, what=what)
        raise PassphraseError(
            f"The {what} is protected by a passphrase, and none was given.",
            hint="Give it with --passphrase (asks for it) or --passphrase-env NAME.",
        ) from None
    except ValueError as exc:
        # A wrong passphrase sometimes decrypts to garbage with valid padding, so the message
        # is no guide: any failure to open an encrypted key with a passphrase is the passphrase.
        encrypted = b"ENCRYPTED PRIVATE KEY" in data or b"Proc-Type: 4,ENCRYPTED" in data
        if secret is not None and (encrypted or "password" in str(exc).lower()):
            raise PassphraseError(
                f"Wrong passphrase for the {what}.",
                hint="Try again; the passphrase is the one given to notrain init or identity import.",
            ) from None
        raise CertificateError(
            f"The {what} holds no readable PEM private key.",
            reason="corrupt",
            hint="Give the key as PEM text (-----BEGIN PRIVATE KEY----- or an encrypted one).",
        ) from None


def _key_bytes(key: PrivateKeyTypes, passphrase: str | None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def _prepare(folder: Path) -> Path:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.name != "nt":
            folder.chmod(0o700)
    except OSError as exc:
        raise OutputError(f"Cannot create {folder}: {exc.strerror or exc}.", path=folder) from exc
    return folder


def _retire(folder: Path) -> None:
    """Move the current identity's files to retired/<when>/, so its root still counts as yours."""
    present = [
        folder / n
        for n in (_ROOT_CRT, _ROOT_KEY, _SIGNER_CRT, _SIGNER_KEY)
        if (folder / n).exists()
    ]
    if not present:
        return
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / _RETIRED / f"{stamp}-{uuid.uuid4().hex[:6]}"
    target.mkdir(parents=True)
    for path in present:
        shutil.move(str(path), target / path.name)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CertificateError(
            f"Cannot read {path}: {exc.strerror or exc}.", reason="unreadable"
        ) from exc


def _write(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write through a temporary file created with its final permissions, then rename into place."""
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.notrain-tmp")
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        descriptor = os.open(temp, flags, 0o600 if private else 0o644)
        with os.fdopen(descriptor, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise OutputError(f"Cannot write {path}: {exc.strerror or exc}.", path=path) from exc
    finally:
        temp.unlink(missing_ok=True)
