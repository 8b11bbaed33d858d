"""Certificates for the credentials tests, good and bad, made with ``cryptography``."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from PIL import Image

DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
GOOD_USAGES = (ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING)


@dataclass
class Chain:
    chain_pem: bytes
    key_pem: bytes
    root_pem: bytes
    leaf: x509.Certificate


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test CA Inc"),
        ]
    )


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key, passphrase: str | None = None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def ca(name: str, issuer=None, issuer_key=None, *, now: datetime | None = None):
    """A CA certificate; self-signed unless ``issuer`` and ``issuer_key`` are given."""
    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(issuer.subject if issuer else _name(name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key()), critical=False
        )
    return builder.sign(issuer_key or key, hashes.SHA256()), key


def _usage(*, signature: bool = False, cert_sign: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signature,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def chain(
    *,
    usages=GOOD_USAGES,
    leaf_is_ca: bool = False,
    digital_signature: bool = True,
    self_signed: bool = False,
    authority_key_id: bool = True,
    valid_from: timedelta = timedelta(days=-1),
    valid_for: timedelta = timedelta(days=365),
    key=None,
    intermediate: bool = False,
    passphrase: str | None = None,
) -> Chain:
    """A signing certificate under a fresh root (optionally through an intermediate), with
    each property C2PA cares about switchable."""
    now = datetime.now(UTC)
    root, root_key = ca("Test Root")
    issuer, issuer_key = (
        ca("Test Intermediate", root, root_key) if intermediate else (root, root_key)
    )
    key = key or ec.generate_private_key(ec.SECP256R1())
    subject = _name("Bea Signer")
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject if self_signed else issuer.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + valid_from)
        .not_valid_after(now + valid_from + valid_for)
        .add_extension(x509.BasicConstraints(ca=leaf_is_ca, path_length=None), critical=True)
        .add_extension(_usage(signature=digital_signature, cert_sign=leaf_is_ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if usages:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(usages)), critical=False)
    if authority_key_id and not self_signed:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key()), critical=False
        )
    signer_key = key if self_signed else issuer_key
    algorithm = None if isinstance(signer_key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    leaf = builder.sign(signer_key, algorithm)
    certs = [leaf] if self_signed else [leaf, *([issuer] if intermediate else []), root]
    return Chain(
        chain_pem=b"".join(_pem(c) for c in certs),
        key_pem=key_pem(key, passphrase),
        root_pem=_pem(root),
        leaf=leaf,
    )


def dsa_key():
    return dsa.generate_private_key(key_size=2048)


def image_bytes(fmt: str, size: tuple[int, int] = (320, 240), *, seed: int = 1) -> bytes:
    """A noisy photo-like image encoded as ``fmt`` (JPEG, PNG, WEBP, GIF, TIFF)."""
    image = Image.effect_noise(size, 50 + seed).convert("RGB")
    image = Image.merge(
        "RGB",
        (image.getchannel(0), image.getchannel(0).rotate(90, expand=False), image.getchannel(0)),
    )
    buffer = io.BytesIO()
    image.save(buffer, fmt, **({"quality": 90} if fmt in ("JPEG", "WEBP") else {}))
    return buffer.getvalue()
