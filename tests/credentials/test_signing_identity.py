"""The signing identity: certificates as C2PA validators want them, keys kept safe, imports checked."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
from certificate_factory import chain, dsa_key, key_pem
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from notrain.credentials.certificates import fingerprint, issue_signer
from notrain.credentials.errors import (
    CertificateError,
    NoSigningIdentityError,
    PassphraseError,
)
from notrain.credentials.identity import (
    create_signing_identity,
    credentials_folder,
    describe,
    import_signing_identity,
    load_signing_identity,
    renew_signing_identity,
    signing_identity_exists,
    trust_anchors,
)
from notrain.errors import NotrainError, OptionError

DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")


def certs(home, name):
    return x509.load_pem_x509_certificates((credentials_folder(home) / name).read_bytes())


def ext(cert, kind):
    return cert.extensions.get_extension_for_class(kind)


@pytest.fixture
def made(notrain_home):
    return create_signing_identity(notrain_home, "Ann Example", "ann@example.org")


def test_the_root_is_a_p256_ca_that_only_issues(made, notrain_home):
    (root,) = certs(notrain_home, "root.crt")
    assert root.subject == root.issuer
    root.verify_directly_issued_by(root)
    assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "Ann Example (notrain root)"
    )
    assert isinstance(root.public_key(), ec.EllipticCurvePublicKey)
    assert root.public_key().curve.name == "secp256r1"
    constraints = ext(root, x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca and constraints.value.path_length == 0
    usage = ext(root, x509.KeyUsage)
    assert usage.critical and usage.value.key_cert_sign and usage.value.crl_sign
    assert not usage.value.digital_signature
    assert ext(root, x509.SubjectKeyIdentifier)
    years = (root.not_valid_after_utc - root.not_valid_before_utc).days / 365.25
    assert 9.9 < years < 10.1


def test_the_signer_has_what_c2pa_validators_require(made, notrain_home):
    (leaf,) = certs(notrain_home, "signer.crt")
    (root,) = certs(notrain_home, "root.crt")
    leaf.verify_directly_issued_by(root)
    assert leaf.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Ann Example"
    assert leaf.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "notrain"
    assert leaf.public_key().curve.name == "secp256r1"
    constraints = ext(leaf, x509.BasicConstraints)
    assert constraints.critical and not constraints.value.ca
    usage = ext(leaf, x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and not usage.value.key_cert_sign
    assert set(ext(leaf, x509.ExtendedKeyUsage).value) == {
        ExtendedKeyUsageOID.EMAIL_PROTECTION,
        DOCUMENT_SIGNING,
    }
    authority = ext(leaf, x509.AuthorityKeyIdentifier).value.key_identifier
    assert authority == ext(root, x509.SubjectKeyIdentifier).value.digest
    assert ext(leaf, x509.SubjectKeyIdentifier)
    assert ext(leaf, x509.SubjectAlternativeName).value.get_values_for_type(x509.RFC822Name) == [
        "ann@example.org"
    ]
    days = (leaf.not_valid_after_utc - leaf.not_valid_before_utc).days
    assert 729 <= days <= 731
    assert made.usages == ("documentSigning", "emailProtection")
    assert made.algorithm == "es256" and not made.imported
    assert made.fingerprint == fingerprint(leaf) and made.root_fingerprint == fingerprint(root)


@pytest.mark.parametrize(
    ("contact", "kind", "value"),
    [
        (
            "https://ann.example/photos",
            x509.UniformResourceIdentifier,
            "https://ann.example/photos",
        ),
        ("Ann on Instagram: @ann", None, None),
    ],
)
def test_the_contact_becomes_an_alternative_name_when_it_is_one(notrain_home, contact, kind, value):
    identity = create_signing_identity(notrain_home, "Ann", contact)
    names = identity.leaf.extensions.get_extension_for_class
    if kind is None:
        with pytest.raises(x509.ExtensionNotFound):
            names(x509.SubjectAlternativeName)
    else:
        assert names(x509.SubjectAlternativeName).value.get_values_for_type(kind) == [value]


@pytest.mark.parametrize("name", ["A" * 150, "安" * 60])
def test_a_long_name_fits_the_common_name_limit(notrain_home, name):
    identity = create_signing_identity(notrain_home, name, "ann@example.org")
    assert identity.subject.endswith("…") and 60 <= len(identity.subject.encode()) <= 64
    assert identity.issuer.endswith(" (notrain root)") and len(identity.issuer.encode()) <= 64


@pytest.mark.parametrize("name", ["", "   ", "Ann\nExample", "A" * 201])
def test_a_bad_name_is_an_option_error(notrain_home, name):
    with pytest.raises(OptionError):
        create_signing_identity(notrain_home, name, "ann@example.org")
    assert not signing_identity_exists(notrain_home)


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_keys_and_folder_are_owner_only(made, notrain_home):
    folder = credentials_folder(notrain_home)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in ("root.key", "signer.key"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    assert not list(folder.glob("*.notrain-tmp"))


def test_keys_are_pkcs8_and_plain_without_a_passphrase(made, notrain_home):
    text = (credentials_folder(notrain_home) / "signer.key").read_bytes()
    assert text.startswith(b"-----BEGIN PRIVATE KEY-----")


def test_a_passphrase_encrypts_the_keys(notrain_home):
    create_signing_identity(notrain_home, "Ann", "ann@example.org", passphrase="correct horse")
    folder = credentials_folder(notrain_home)
    for name in ("root.key", "signer.key"):
        assert (folder / name).read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(PassphraseError, match="none was given") as missing:
        load_signing_identity(notrain_home)
    assert "--passphrase" in missing.value.hint
    with pytest.raises(PassphraseError, match="Wrong passphrase"):
        load_signing_identity(notrain_home, "wrong")
    assert load_signing_identity(notrain_home, "correct horse").key is not None
    shown = load_signing_identity(notrain_home, with_key=False)
    assert shown.key is None and shown.subject == "Ann"


def test_no_identity_says_to_run_init(notrain_home):
    assert not signing_identity_exists(notrain_home)
    with pytest.raises(NoSigningIdentityError) as caught:
        load_signing_identity(notrain_home)
    assert "notrain init" in caught.value.hint and isinstance(caught.value, NotrainError)


@pytest.mark.parametrize("name", ["signer.crt", "signer.key"])
def test_a_corrupt_file_is_a_readable_error(made, notrain_home, name):
    (credentials_folder(notrain_home) / name).write_bytes(b"-----BEGIN garbage\n")
    with pytest.raises(CertificateError) as caught:
        load_signing_identity(notrain_home)
    assert caught.value.reason == "corrupt" and name in caught.value.message


def test_a_key_that_is_not_the_certificates_is_refused(made, notrain_home):
    folder = credentials_folder(notrain_home)
    (folder / "signer.key").write_bytes((folder / "root.key").read_bytes())
    with pytest.raises(CertificateError, match="does not belong") as caught:
        load_signing_identity(notrain_home)
    assert caught.value.reason == "key-mismatch"


def test_an_expired_signer_is_refused_for_signing_but_shown(made, notrain_home):
    from cryptography.hazmat.primitives import serialization

    folder = credentials_folder(notrain_home)
    root = certs(notrain_home, "root.crt")[0]
    root_key = serialization.load_pem_private_key((folder / "root.key").read_bytes(), None)
    past = datetime.now(UTC) - timedelta(days=800)
    leaf, key = issue_signer(root, root_key, "Ann Example", "ann@example.org", now=past)
    (folder / "signer.crt").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (folder / "signer.key").write_bytes(key_pem(key))
    with pytest.raises(CertificateError, match="expired") as caught:
        load_signing_identity(notrain_home)
    assert caught.value.reason == "expired" and "renew" in caught.value.hint
    shown = load_signing_identity(notrain_home, with_key=False)
    assert shown.expired and any("expired" in line for line in describe(shown))
    renewed = renew_signing_identity(notrain_home)
    assert not renewed.expired and renewed.root_fingerprint == made.root_fingerprint


def test_renewing_keeps_the_root(made, notrain_home):
    renewed = renew_signing_identity(notrain_home)
    assert renewed.fingerprint != made.fingerprint
    assert renewed.root_fingerprint == made.root_fingerprint
    assert renewed.subject == "Ann Example" and renewed.usages == made.usages
    assert trust_anchors(notrain_home) == [made.root_pem]


def test_a_new_root_retires_the_old_one_which_still_counts_as_yours(made, notrain_home):
    replaced = create_signing_identity(notrain_home, "Ann E.", "ann@example.org", new_root=True)
    assert replaced.root_fingerprint != made.root_fingerprint
    anchors = trust_anchors(notrain_home)
    assert {fingerprint(a) for a in anchors} == {made.root_fingerprint, replaced.root_fingerprint}
    retired = list((credentials_folder(notrain_home) / "retired").iterdir())
    assert len(retired) == 1 and (retired[0] / "root.crt").is_file()


def test_describe_says_what_others_see(made):
    text = "\n".join(describe(made))
    assert "Signer: Ann Example, notrain" in text
    assert "Contact in the certificate: ann@example.org" in text
    assert "Ann Example (notrain root)" in text and "your root" in text
    assert "unknown signer" in text and "Self-made root" in text
    assert made.fingerprint[:4].upper() in text.replace(":", "")
    assert f"{made.not_after:%Y-%m-%d}" in text


# Importing a certificate someone bought.


@pytest.mark.parametrize("intermediate", [False, True])
def test_importing_a_good_chain(notrain_home, intermediate):
    given = chain(intermediate=intermediate)
    identity = import_signing_identity(notrain_home, given.chain_pem, given.key_pem)
    assert identity.imported and identity.subject == "Bea Signer"
    assert identity.root_pem == given.root_pem
    assert identity.usages == ("documentSigning", "emailProtection")
    assert given.root_pem not in identity.chain_pem
    assert identity.chain_pem.count(b"BEGIN CERTIFICATE") == (2 if intermediate else 1)
    assert trust_anchors(notrain_home) == [given.root_pem]
    text = "\n".join(describe(identity))
    assert "Trust anchor: Test Root" in text and "Self-made" not in text
    with pytest.raises(CertificateError, match="imported"):
        renew_signing_identity(notrain_home)


def test_importing_retires_the_notrain_identity(made, notrain_home):
    given = chain()
    import_signing_identity(notrain_home, given.chain_pem, given.key_pem)
    anchors = {fingerprint(a) for a in trust_anchors(notrain_home)}
    assert anchors == {made.root_fingerprint, fingerprint(given.root_pem)}


def test_an_encrypted_key_imports_with_its_passphrase(notrain_home):
    given = chain(passphrase="s3cret")
    with pytest.raises(PassphraseError):
        import_signing_identity(notrain_home, given.chain_pem, given.key_pem)
    assert not signing_identity_exists(notrain_home)
    import_signing_identity(notrain_home, given.chain_pem, given.key_pem, "s3cret")
    stored = (credentials_folder(notrain_home) / "signer.key").read_bytes()
    assert stored.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert load_signing_identity(notrain_home, "s3cret").imported


@pytest.mark.parametrize(
    ("options", "reason", "words"),
    [
        ({"usages": ()}, "no-eku", "no extended key usage"),
        ({"usages": (ExtendedKeyUsageOID.SERVER_AUTH,)}, "wrong-eku", "not for signing documents"),
        ({"leaf_is_ca": True}, "ca-leaf", "is a CA certificate"),
        ({"self_signed": True}, "self-signed", "self-signed"),
        ({"digital_signature": False}, "no-digital-signature", "does not allow digital signatures"),
        ({"authority_key_id": False}, "no-authority-key-id", "no authority key identifier"),
        ({"valid_from": timedelta(days=-400)}, "expired", "expired on"),
        ({"valid_from": timedelta(days=3)}, "not-yet-valid", "not valid until"),
        ({"key": dsa_key()}, "unsupported-key", "C2PA signs with"),
    ],
)
def test_a_certificate_validators_reject_is_refused_with_a_reason(
    made, notrain_home, options, reason, words
):
    given = chain(**options)
    with pytest.raises(CertificateError) as caught:
        import_signing_identity(notrain_home, given.chain_pem, given.key_pem)
    assert caught.value.reason == reason
    assert words in caught.value.message and caught.value.hint
    assert load_signing_identity(notrain_home).fingerprint == made.fingerprint  # untouched


def test_a_key_from_elsewhere_is_refused(notrain_home):
    given, other = chain(), chain()
    with pytest.raises(CertificateError, match="does not belong") as caught:
        import_signing_identity(notrain_home, given.chain_pem, other.key_pem)
    assert caught.value.reason == "key-mismatch"


def test_a_chain_out_of_order_is_refused(notrain_home):
    given = chain(intermediate=True)
    leaf, intermediate, root = x509.load_pem_x509_certificates(given.chain_pem)
    from notrain.credentials.certificates import pem

    shuffled = pem([leaf, root, intermediate])
    with pytest.raises(CertificateError, match="was not issued by") as caught:
        import_signing_identity(notrain_home, shuffled, given.key_pem)
    assert caught.value.reason == "chain-order"


def test_text_that_is_no_certificate_is_refused(notrain_home):
    given = chain()
    with pytest.raises(CertificateError, match="no readable PEM certificate"):
        import_signing_identity(notrain_home, b"hello", given.key_pem)
    with pytest.raises(CertificateError, match="no readable PEM private key"):
        import_signing_identity(notrain_home, given.chain_pem, b"hello")


def test_every_wrong_passphrase_is_reported_as_wrong(notrain_home):
    """Some wrong passphrases decrypt to garbage with valid padding; still the passphrase's fault."""
    create_signing_identity(notrain_home, "Ann", "ann@example.org", passphrase="right")
    for attempt in range(300):
        with pytest.raises(PassphraseError, match="Wrong passphrase"):
            load_signing_identity(notrain_home, f"wrong {attempt}")


CREDENTIALS = {
    "ACTIONS", "CertificateError", "Credentials", "CredentialsUnavailableError",
    "NoSigningIdentityError", "PassphraseError", "SigningError", "SigningIdentity",
    "SigningIdentityError", "TrainingChoices", "UnsupportedFormatError", "c2pa_available",
    "create_signing_identity", "describe", "explain", "fingerprint", "import_signing_identity",
    "load_signing_identity", "manifest_definition", "own_signers", "read_credentials",
    "renew_signing_identity",
    "sign", "signing_identity_exists", "trust_anchors",
}  # fmt: skip


def test_the_public_names_are_pinned_and_errors_have_one_root():
    from notrain import credentials

    assert set(credentials.__all__) == CREDENTIALS
    for name in CREDENTIALS:
        obj = getattr(credentials, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, NotrainError), name


def test_importing_the_package_does_not_load_c2pa():
    import subprocess
    import sys

    code = (
        "import sys, notrain.credentials.sign, notrain.credentials.read, notrain.cli; "
        "assert 'c2pa' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
