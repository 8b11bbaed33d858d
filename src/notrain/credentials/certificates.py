"""X.509 certificates that C2PA validators accept: a personal root, the signing certificate it
issues, and the checks an imported certificate must pass.

C2PA validators reject a signing certificate that is a CA, signs itself, lacks the
digitalSignature key usage, an extended key usage they accept or an authority key identifier,
or is outside its validity; c2pa's own error for each is "the certificate is invalid". The
checks here run first and say which rule failed, in words.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import TypeVar

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    PrivateKeyTypes,
)
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from notrain.credentials.errors import CertificateError

__all__ = [
    "C2PA_USAGES",
    "ROOT_DAYS",
    "SIGNER_DAYS",
    "accepted_usages",
    "certificate_chain",
    "check_chain",
    "check_signing_certificate",
    "contact_of",
    "fingerprint",
    "is_self_signed",
    "issue_signer",
    "make_root",
    "name_of",
    "pem",
    "signing_algorithm",
]

ROOT_DAYS = 3652
"""A self-made root lasts ten years: files signed under it verify as yours for that long."""

SIGNER_DAYS = 730
"""A signing certificate lasts two years; a new one is issued under the same root."""

DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")

C2PA_USAGES: dict[str, str] = {
    ExtendedKeyUsageOID.EMAIL_PROTECTION.dotted_string: "emailProtection",
    DOCUMENT_SIGNING.dotted_string: "documentSigning",
    "1.3.6.1.4.1.62558.2.1": "c2paClaimSigning",
    "1.3.6.1.4.1.311.76.59.1.9": "microsoftC2paSigning",
}
"""The extended key usages c2pa 0.38 accepts on a signing certificate (its default trust
configuration), by OID."""

_FORBIDDEN_USAGES: dict[str, str] = {
    ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE.dotted_string: "any extended key usage",
    ExtendedKeyUsageOID.TIME_STAMPING.dotted_string: "time stamping",
    ExtendedKeyUsageOID.OCSP_SIGNING.dotted_string: "OCSP signing",
}
"""Usages the C2PA specification forbids beside the signing ones (c2pa refuses to sign)."""

_E = TypeVar("_E", bound=x509.ExtensionType)
_CN_LIMIT = 64  # RFC 5280 upper bound for a common name
_ROOT_SUFFIX = " (notrain root)"
_SKEW = timedelta(minutes=5)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def make_root(
    name: str, *, now: datetime | None = None
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A self-signed P-256 CA named "<name> (notrain root)" that may only issue signing certificates."""
    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(_fit(name, _CN_LIMIT - len(_ROOT_SUFFIX)) + _ROOT_SUFFIX)
    usage = _key_usage(key_cert_sign=True, crl_sign=True)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _SKEW)
        .not_valid_after(now + timedelta(days=ROOT_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return certificate, key


def issue_signer(
    root: x509.Certificate,
    root_key: CertificateIssuerPrivateKeyTypes,
    name: str,
    contact: str,
    *,
    now: datetime | None = None,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """A P-256 signing certificate for ``name``, issued by ``root``, as C2PA validators want it:
    not a CA, digitalSignature, emailProtection + documentSigning, key identifiers, and the
    contact as an e-mail or URI alternative name when it is one."""
    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(_fit(name, _CN_LIMIT), organisation="notrain"))
        .issuer_name(root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _SKEW)
        .not_valid_after(min(now + timedelta(days=SIGNER_DAYS), root.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(_authority_key_identifier(root), critical=False)
    )
    alternative = _alternative_name(contact)
    if alternative is not None:
        builder = builder.add_extension(x509.SubjectAlternativeName([alternative]), critical=False)
    return builder.sign(root_key, hashes.SHA256()), key


def check_signing_certificate(
    leaf: x509.Certificate, key: PrivateKeyTypes, *, now: datetime | None = None
) -> tuple[str, ...]:
    """Refuse a signing certificate C2PA validators would reject, saying why; return the names of
    its extended key usages that C2PA accepts."""
    now = now or datetime.now(UTC)
    who = name_of(leaf) or "the certificate"
    signing_algorithm(key)
    if _public_der(leaf.public_key()) != _public_der(key.public_key()):
        raise CertificateError(
            f"The private key does not belong to the certificate of {who}.",
            reason="key-mismatch",
            hint="Give the key that was made together with this certificate.",
        )
    constraints = _extension(leaf, x509.BasicConstraints)
    if constraints is not None and constraints.ca:
        raise CertificateError(
            f"The certificate of {who} is a CA certificate; C2PA validators reject a CA as signer.",
            reason="ca-leaf",
            hint="Give the signing (end-entity) certificate first in the chain, not the CA's.",
        )
    if is_self_signed(leaf):
        raise CertificateError(
            f"The certificate of {who} is self-signed; C2PA validators reject a self-signed signer.",
            reason="self-signed",
            hint="Use a certificate issued by a CA (notrain init makes a root and one for you).",
        )
    usage = _extension(leaf, x509.KeyUsage)
    if usage is None or not usage.digital_signature:
        raise CertificateError(
            f"The certificate of {who} does not allow digital signatures (key usage "
            "digitalSignature), which C2PA requires.",
            reason="no-digital-signature",
            hint="Ask the issuer for a document-signing or C2PA certificate.",
        )
    accepted = _c2pa_usages(leaf, who)
    if _extension(leaf, x509.AuthorityKeyIdentifier) is None:
        raise CertificateError(
            f"The certificate of {who} has no authority key identifier, which C2PA validators require.",
            reason="no-authority-key-id",
            hint="Ask the issuer for a certificate with the authorityKeyIdentifier extension.",
        )
    _check_validity(leaf, who, now)
    return accepted


def check_chain(chain: Sequence[x509.Certificate]) -> None:
    """Check that each certificate was issued by the next one (signer first, root last)."""
    for position, (child, parent) in enumerate(pairwise(chain), start=1):
        try:
            child.verify_directly_issued_by(parent)
        except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
            raise CertificateError(
                f"Certificate {position} in the chain ({name_of(child)}) was not issued by "
                f"certificate {position + 1} ({name_of(parent)}).",
                reason="chain-order",
                hint="Put the signing certificate first, then each issuer in turn, the root last.",
            ) from None


def certificate_chain(data: bytes, *, what: str = "certificate file") -> list[x509.Certificate]:
    """The certificates in PEM ``data``, in order; CertificateError if there are none or one is broken."""
    try:
        certificates = x509.load_pem_x509_certificates(data)
    except ValueError:
        certificates = []
    if not certificates:
        raise CertificateError(
            f"The {what} holds no readable PEM certificate.",
            reason="corrupt",
            hint="Give PEM text (-----BEGIN CERTIFICATE-----); convert DER with: "
            "openssl x509 -inform der -in cert.der -out cert.pem",
        )
    return certificates


def signing_algorithm(key: PrivateKeyTypes) -> str:
    """The C2PA signing algorithm for a key: es256/es384/es512, ed25519, or ps256 for RSA."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        algorithm = {"secp256r1": "es256", "secp384r1": "es384", "secp521r1": "es512"}.get(
            key.curve.name
        )
        if algorithm is not None:
            return algorithm
    elif isinstance(key, ed25519.Ed25519PrivateKey):
        return "ed25519"
    elif isinstance(key, rsa.RSAPrivateKey) and key.key_size >= 2048:
        return "ps256"
    raise CertificateError(
        f"The key is {_key_kind(key)}; C2PA signs with P-256, P-384 or P-521 elliptic-curve "
        "keys, Ed25519, or RSA of at least 2048 bits (RSA-PSS).",
        reason="unsupported-key",
        hint="Use a certificate with one of those key types.",
    )


def is_self_signed(certificate: x509.Certificate) -> bool:
    """True when the certificate names itself as issuer and its own key verifies it."""
    if certificate.issuer != certificate.subject:
        return False
    try:
        certificate.verify_directly_issued_by(certificate)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def fingerprint(certificate: x509.Certificate | bytes) -> str:
    """The SHA-256 fingerprint, lowercase hex, of a certificate (or of the first one in PEM bytes)."""
    if isinstance(certificate, bytes):
        certificate = certificate_chain(certificate)[0]
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()


def name_of(
    certificate: x509.Certificate, oid: ObjectIdentifier = NameOID.COMMON_NAME
) -> str | None:
    """One attribute of the certificate's subject (the common name unless told), or None."""
    values = certificate.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else None


def pem(certificates: Sequence[x509.Certificate]) -> bytes:
    """The certificates as concatenated PEM."""
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


def accepted_usages(certificate: x509.Certificate) -> tuple[str, ...]:
    """The names of the certificate's extended key usages that C2PA accepts for signing."""
    extended = _extension(certificate, x509.ExtendedKeyUsage)
    if extended is None:
        return ()
    return tuple(
        sorted(C2PA_USAGES[u.dotted_string] for u in extended if u.dotted_string in C2PA_USAGES)
    )


def contact_of(certificate: x509.Certificate) -> str | None:
    """The e-mail address or URI the certificate names as an alternative name, if any."""
    names = _extension(certificate, x509.SubjectAlternativeName)
    if names is None:
        return None
    for kind in (x509.RFC822Name, x509.UniformResourceIdentifier):
        values = names.get_values_for_type(kind)
        if values:
            return str(values[0])
    return None


def _c2pa_usages(leaf: x509.Certificate, who: str) -> tuple[str, ...]:
    extended = _extension(leaf, x509.ExtendedKeyUsage)
    if extended is None:
        raise CertificateError(
            f"The certificate of {who} has no extended key usage; C2PA validators require one of "
            "documentSigning, emailProtection or C2PA claim signing.",
            reason="no-eku",
            hint="Ask the issuer for a document-signing or C2PA certificate.",
        )
    forbidden = [
        name
        for oid, name in _FORBIDDEN_USAGES.items()
        if any(u.dotted_string == oid for u in extended)
    ]
    if forbidden:
        raise CertificateError(
            f"The certificate of {who} also allows {', '.join(forbidden)}; C2PA forbids those "
            "usages on a signing certificate, and validators reject it.",
            reason="wrong-eku",
            hint="Ask the issuer for a certificate for document signing or C2PA claim signing only.",
        )
    accepted = accepted_usages(leaf)
    if not accepted:
        present = ", ".join(getattr(u, "_name", u.dotted_string) for u in extended)
        raise CertificateError(
            f"The certificate of {who} is for {present}, not for signing documents; C2PA "
            "validators require documentSigning, emailProtection or C2PA claim signing.",
            reason="wrong-eku",
            hint="Ask the issuer for a document-signing or C2PA certificate.",
        )
    return accepted


def _check_validity(certificate: x509.Certificate, who: str, now: datetime) -> None:
    if now < certificate.not_valid_before_utc:
        raise CertificateError(
            f"The certificate of {who} is not valid until "
            f"{certificate.not_valid_before_utc:%Y-%m-%d %H:%M} UTC.",
            reason="not-yet-valid",
            hint="Check this computer's clock, or wait until then.",
        )
    if now > certificate.not_valid_after_utc:
        raise CertificateError(
            f"The certificate of {who} expired on {certificate.not_valid_after_utc:%Y-%m-%d}.",
            reason="expired",
            hint="Run: notrain identity renew (or import a current certificate).",
        )


def _extension(certificate: x509.Certificate, kind: type[_E]) -> _E | None:
    try:
        return certificate.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


def _authority_key_identifier(issuer: x509.Certificate) -> x509.AuthorityKeyIdentifier:
    identifier = _extension(issuer, x509.SubjectKeyIdentifier)
    if identifier is not None:
        return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(identifier)
    return x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key())  # type: ignore[arg-type]


def _public_der(public_key: object) -> bytes:
    return public_key.public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _key_kind(key: PrivateKeyTypes) -> str:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return f"an elliptic-curve key on {key.curve.name}"
    if isinstance(key, rsa.RSAPrivateKey):
        return f"a {key.key_size}-bit RSA key"
    return f"a {type(key).__name__.removeprefix('_')} key"


def _name(common_name: str, *, organisation: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    return x509.Name(attributes)


def _fit(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` UTF-8 bytes (X.509's bound is in bytes), ending in an ellipsis."""
    if len(text.encode()) <= limit:
        return text
    return text.encode()[: limit - 3].decode(errors="ignore") + "…"


def _key_usage(
    *, digital_signature: bool = False, key_cert_sign: bool = False, crl_sign: bool = False
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=crl_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _alternative_name(contact: str) -> x509.GeneralName | None:
    contact = contact.strip()
    try:
        if _EMAIL.match(contact) and contact.isascii():
            return x509.RFC822Name(contact)
        if re.match(r"^https?://\S+$", contact) and contact.isascii():
            return x509.UniformResourceIdentifier(contact)
    except ValueError:
        return None
    return None
