"""Reading Content Credentials back: trusted as yours, an unknown signer, tampered, or gone."""

from __future__ import annotations

import io
import random
import time
from datetime import timedelta

import pytest
from certificate_factory import chain, image_bytes
from PIL import Image

from notrain.credentials.errors import INSTALL_HINT, UnsupportedFormatError
from notrain.credentials.identity import (
    create_signing_identity,
    import_signing_identity,
    own_signers,
    trust_anchors,
)
from notrain.credentials.manifest import TrainingChoices, manifest_definition
from notrain.credentials.read import (
    REENCODING_NOTE,
    Credentials,
    ValidationMessage,
    explain,
    read_credentials,
)
from notrain.credentials.sdk import c2pa_available
from notrain.credentials.sign import sign

needs_c2pa = pytest.mark.skipif(
    not c2pa_available(), reason=f"needs the optional c2pa library ({INSTALL_HINT})"
)
FORMATS = [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
STEPS = ["prepare", "strip", "invisible-mark", "rights"]


@pytest.fixture
def ann(notrain_home):
    return create_signing_identity(notrain_home, "Ann Example", "ann@example.org")


def signed_by(identity, fmt="JPEG", mime="image/jpeg", choices=None, size=(320, 240)):
    definition = manifest_definition(
        "photo", identity.subject, "ann@example.org", STEPS, choices, mime
    )
    return sign(image_bytes(fmt, size), mime, identity, definition)


def own(home):
    return own_signers(home)


def flip_image_byte(data: bytes, fmt: str) -> bytes:
    """``data`` with one bit changed inside the compressed image data (not the manifest)."""
    if fmt == "JPEG":
        start = data.rindex(b"\xff\xda") + 200
    elif fmt == "PNG":
        start = data.index(b"IDAT") + 200
    else:
        start = data.index(b"VP8") + 200
    index = next(
        i for i in range(start, len(data)) if data[i] not in (0xFE, 0xFF) and data[i - 1] != 0xFF
    )
    changed = bytearray(data)
    changed[index] ^= 0x01
    return bytes(changed)


@needs_c2pa
@pytest.mark.parametrize(("fmt", "mime"), FORMATS)
def test_your_own_signature_is_trusted_with_your_root(ann, notrain_home, fmt, mime):
    credentials = read_credentials(
        signed_by(ann, fmt, mime), mime, trust_anchors=trust_anchors(notrain_home)
    )
    assert credentials is not None and credentials.state == "valid-trusted"
    assert credentials.anchor_fingerprint == ann.root_fingerprint
    assert (
        credentials.signer == "Ann Example" and credentials.issuer == "Ann Example (notrain root)"
    )
    assert credentials.creator == "Ann Example" and credentials.creator_contact == "ann@example.org"
    assert credentials.training == {
        "cawg.ai_training": "notAllowed",
        "cawg.ai_generative_training": "notAllowed",
        "cawg.data_mining": "notAllowed",
        "cawg.ai_inference": "notAllowed",
    }
    assert credentials.actions == (
        "c2pa.created",
        "c2pa.resized",
        "c2pa.edited.metadata",
        "c2pa.watermarked.unbound",
        "c2pa.edited.metadata",
    )
    assert credentials.claim_generator.startswith("notrain")
    assert credentials.signing_time is not None and not credentials.time_stamped
    lines = explain(credentials, own(notrain_home))
    assert lines[0] == "Valid, and signed by your own notrain identity (Ann Example)."
    assert "AI training: not allowed." in lines
    assert "Generative AI training: not allowed." in lines
    assert "Creator: Ann Example <ann@example.org>." in lines
    assert lines[-1] == REENCODING_NOTE and "not the copy on Instagram" in lines[-1]


@needs_c2pa
def test_without_your_root_the_signer_is_unknown(ann, notrain_home):
    credentials = read_credentials(signed_by(ann), "image/jpeg")
    assert credentials.state == "valid-untrusted" and credentials.valid
    assert credentials.codes == ("signingCredential.untrusted",)
    assert not credentials.tampered and credentials.anchor_fingerprint is None
    assert explain(credentials)[0].startswith("Signed by someone else: Ann Example")


@needs_c2pa
def test_someone_elses_signature_is_not_yours(ann, notrain_home, tmp_path):
    bea = create_signing_identity(tmp_path / "bea", "Bea Other", "bea@example.org")
    credentials = read_credentials(
        signed_by(bea), "image/jpeg", trust_anchors=trust_anchors(notrain_home)
    )
    assert credentials.state == "valid-untrusted"
    first = explain(credentials, own(notrain_home))[0]
    assert "someone else: Bea Other" in first and "not verifiable" in first


@needs_c2pa
def test_a_retired_identity_still_counts_as_yours(ann, notrain_home):
    old_photo = signed_by(ann)
    create_signing_identity(notrain_home, "Ann Example", "ann@example.org", new_root=True)
    anchors = trust_anchors(notrain_home)
    assert len(anchors) == 2
    credentials = read_credentials(old_photo, "image/jpeg", trust_anchors=anchors)
    assert credentials.state == "valid-trusted"
    assert credentials.anchor_fingerprint == ann.root_fingerprint
    assert "your own notrain identity" in explain(credentials, own(notrain_home))[0]


@needs_c2pa
def test_a_trusted_root_that_is_not_yours(notrain_home):
    given = chain()
    identity = import_signing_identity(notrain_home, given.chain_pem, given.key_pem)
    credentials = read_credentials(
        signed_by(identity), "image/jpeg", trust_anchors=[given.root_pem]
    )
    assert credentials.state == "valid-trusted"
    assert "chains to a root you trust" in explain(credentials, own_signers=["Someone Else#1"])[0]


@needs_c2pa
@pytest.mark.parametrize(("fmt", "mime"), FORMATS)
def test_one_flipped_byte_in_the_image_is_tampering(ann, notrain_home, fmt, mime):
    changed = flip_image_byte(signed_by(ann, fmt, mime), fmt)
    credentials = read_credentials(changed, mime, trust_anchors=trust_anchors(notrain_home))
    assert credentials.state == "invalid" and credentials.tampered
    assert "assertion.dataHash.mismatch" in credentials.codes
    assert (
        explain(credentials, own(notrain_home))[0] == "Invalid: the file was changed after signing."
    )


@needs_c2pa
def test_a_damaged_manifest_is_invalid_not_a_crash(ann, notrain_home):
    signed = bytearray(signed_by(ann))
    where = signed.index(b"cawg.training-mining") + 60
    signed[where] ^= 0x01
    credentials = read_credentials(
        bytes(signed), "image/jpeg", trust_anchors=trust_anchors(notrain_home)
    )
    assert credentials is not None and credentials.state == "invalid"
    assert explain(credentials)[0].startswith("Invalid")


@needs_c2pa
@pytest.mark.parametrize(("fmt", "mime"), FORMATS)
def test_re_encoding_removes_the_manifest(ann, fmt, mime):
    buffer = io.BytesIO()
    Image.open(io.BytesIO(signed_by(ann, fmt, mime))).save(buffer, fmt)
    assert read_credentials(buffer.getvalue(), mime) is None


@needs_c2pa
def test_the_platform_simulators_leave_no_credential(ann):
    from notrain.imaging.platforms import load_platforms
    from notrain.imaging.simulate import simulate

    signed = signed_by(ann, size=(1200, 1500))
    platforms = load_platforms()
    for name, platform in platforms.items():
        served = simulate(signed, platform, rng=random.Random(0))
        if platform.quality_range is None:  # served as uploaded: your own site keeps it
            assert read_credentials(served, "image/jpeg").state == "valid-untrusted", name
        else:
            assert read_credentials(served, "image/jpeg") is None, name
    assert {"instagram", "facebook"} <= {n for n, p in platforms.items() if p.quality_range}


@needs_c2pa
def test_an_image_without_credentials_has_none():
    assert read_credentials(image_bytes("PNG"), "image/png") is None


@needs_c2pa
def test_an_unreadable_type_is_refused():
    with pytest.raises(UnsupportedFormatError):
        read_credentials(b"hello", "text/plain")


@needs_c2pa
def test_a_certificate_that_expired_since_signing(notrain_home):
    given = chain(valid_for=timedelta(days=1, seconds=3))
    identity = import_signing_identity(notrain_home, given.chain_pem, given.key_pem)
    signed = signed_by(identity)
    time.sleep(max(0.0, (identity.not_after - _now()).total_seconds()) + 1.5)
    credentials = read_credentials(signed, "image/jpeg", trust_anchors=[given.root_pem])
    assert credentials.state == "invalid" and credentials.expired and not credentials.tampered
    assert "no timestamp" in explain(credentials)[0]


@needs_c2pa
def test_choices_read_back_in_words(ann):
    choices = TrainingChoices(
        ai_inference="allowed", data_mining="constrained", constraints="search only"
    )
    credentials = read_credentials(signed_by(ann, choices=choices), "image/jpeg")
    assert credentials.training["cawg.ai_inference"] == "allowed"
    lines = explain(credentials)
    assert "Use as input to AI (inference): allowed." in lines
    assert any(
        line.startswith("Data mining: allowed only under stated conditions") for line in lines
    )


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


# explain() on its own: what other tools write, and broken manifests.


def test_explain_reads_the_legacy_labels_and_says_when_nothing_is_said():
    silent = Credentials(state="valid-untrusted", signer="Cam Era", issuer="Camera CA")
    lines = explain(silent)
    assert "issued by Camera CA" in lines[0]
    assert "It says nothing about AI training." in lines
    assert lines[-1] == REENCODING_NOTE


def test_explain_an_unspecific_failure_lists_the_reasons():
    broken = Credentials(
        state="invalid",
        messages=(
            ValidationMessage("algorithm.unsupported", "unsupported or missing Cose algorithm"),
        ),
    )
    assert explain(broken)[0] == "Invalid: unsupported or missing Cose algorithm."


def test_another_customer_of_the_same_authority_is_not_you() -> None:
    """An imported commercial certificate shares its root with the authority's other
    customers: being trusted through that root does not make a photo yours."""
    mallory = Credentials(
        state="valid-trusted", signer="Mallory", issuer="Test Root", signer_key="Test Root#2"
    )

    first = explain(mallory, own_signers=["Test Root#1"])[0]

    assert "your own" not in first and "chains to a root you trust" in first


@needs_c2pa
def test_an_imported_chain_without_its_root_still_signs_as_you(notrain_home):
    given = chain(intermediate=True)
    blocks = given.chain_pem.split(b"-----END CERTIFICATE-----")
    without_root = b"-----END CERTIFICATE-----".join(blocks[:2]) + b"-----END CERTIFICATE-----\n"
    identity = import_signing_identity(notrain_home, without_root, given.key_pem)

    credentials = read_credentials(
        signed_by(identity), "image/jpeg", trust_anchors=trust_anchors(notrain_home)
    )

    assert "your own notrain identity" in explain(credentials, own(notrain_home))[0]


@needs_c2pa
def test_a_damaged_manifest_reads_as_invalid_never_as_a_crash(ann):
    signed = signed_by(ann)
    start = signed.index(b"\xff\xeb")  # the APP11 segments that hold the manifest
    for offset in range(4, 1500, 7):
        damaged = bytearray(signed)
        damaged[start + offset] ^= 0xFF
        credentials = read_credentials(bytes(damaged), "image/jpeg")
        assert credentials is None or credentials.state in ("invalid", "valid-untrusted")


@needs_c2pa
@pytest.mark.parametrize(("fmt", "mime"), FORMATS)
def test_the_file_without_its_manifest_is_what_was_signed(ann, fmt, mime):
    from notrain.credentials.embedded import unsigned

    original = image_bytes(fmt, (320, 240))
    definition = manifest_definition("photo", ann.subject, None, STEPS, None, mime)
    signed = sign(original, mime, ann, definition)

    assert signed != original
    assert unsigned(signed) == original
    assert unsigned(original) == original
    assert read_credentials(unsigned(signed), mime) is None
