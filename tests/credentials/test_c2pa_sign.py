"""Signing: the manifest notrain writes, read back with the c2pa library's own Reader."""

from __future__ import annotations

import io
import json
import sys
import time

import numpy as np
import pytest
from certificate_factory import image_bytes
from PIL import Image

from notrain import errors
from notrain.credentials.errors import (
    INSTALL_HINT,
    CredentialsUnavailableError,
    SigningError,
    UnsupportedFormatError,
)
from notrain.credentials.identity import create_signing_identity
from notrain.credentials.manifest import ACTIONS, TrainingChoices, manifest_definition
from notrain.credentials.sdk import c2pa_available
from notrain.credentials.sign import sign
from notrain.errors import CorruptFileError, OptionError

needs_c2pa = pytest.mark.skipif(
    not c2pa_available(),
    reason=f"needs the optional c2pa library ({INSTALL_HINT})",
)
FORMATS = [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")]
STEPS = ["prepare", "strip", "invisible-mark", "visible-mark", "rights", "cloak"]


@pytest.fixture
def signer(notrain_home):
    return create_signing_identity(notrain_home, "Ann Example", "ann@example.org")


def definition(mime="image/jpeg", **options):
    return manifest_definition(
        "photo",
        "Ann Example",
        "ann@example.org",
        STEPS,
        options.pop("choices", None),
        mime,
        **options,
    )


def c2pa_read(data, mime, anchor=None):
    """The active manifest and validation, straight from c2pa (not notrain's reader)."""
    import c2pa

    settings = {"verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}}
    if anchor:
        settings["trust"] = {"trust_anchors": anchor.decode()}
    with c2pa.Reader(mime, io.BytesIO(data), context=c2pa.Context.from_dict(settings)) as reader:
        manifest = reader.get_active_manifest()
        return manifest, reader.get_validation_state(), reader.get_validation_results()


def assertion(manifest, label):
    return next(a["data"] for a in manifest["assertions"] if a["label"] == label)


@needs_c2pa
@pytest.mark.parametrize(("fmt", "mime"), FORMATS)
def test_signed_images_carry_the_manifest(signer, fmt, mime):
    original = image_bytes(fmt)
    signed = sign(original, mime, signer, definition(mime))
    manifest = c2pa_read(signed, mime)[0]
    entries = assertion(manifest, "cawg.training-mining")["entries"]
    assert {k: v["use"] for k, v in entries.items()} == {
        "cawg.ai_training": "notAllowed",
        "cawg.ai_generative_training": "notAllowed",
        "cawg.data_mining": "notAllowed",
        "cawg.ai_inference": "notAllowed",
    }
    actions = assertion(manifest, "c2pa.actions.v2")["actions"]
    assert [a["action"] for a in actions] == [
        "c2pa.created",
        "c2pa.resized",
        "c2pa.edited.metadata",
        "c2pa.watermarked.unbound",
        "c2pa.edited",
        "c2pa.edited.metadata",
        "c2pa.filtered",
    ]
    assert actions[0]["digitalSourceType"].endswith("/digitalCapture")
    assert all(a["softwareAgent"]["name"] == "notrain" for a in actions[1:])
    creator = assertion(manifest, "cawg.metadata")
    assert creator["dc:creator"] == ["Ann Example"]
    assert creator["Iptc4xmpCore:CreatorContactInfo"] == {
        "Iptc4xmpCore:CiEmailWork": "ann@example.org"
    }
    assert manifest["claim_generator_info"][0]["name"] == "notrain"
    assert manifest["signature_info"]["common_name"] == "Ann Example"
    assert "thumbnail" not in manifest
    # The pixels are untouched: the manifest goes beside the image data.
    before, after = (
        np.asarray(Image.open(io.BytesIO(d)).convert("RGB")) for d in (original, signed)
    )
    assert np.array_equal(before, after)


@needs_c2pa
@pytest.mark.parametrize(("fmt", "mime"), FORMATS)
def test_untrusted_without_the_root_and_trusted_with_it(signer, fmt, mime):
    signed = sign(image_bytes(fmt), mime, signer, definition(mime))
    _, state, results = c2pa_read(signed, mime)
    assert state == "Valid"
    assert [f["code"] for f in results["activeManifest"]["failure"]] == [
        "signingCredential.untrusted"
    ]
    _, state, results = c2pa_read(signed, mime, anchor=signer.root_pem)
    assert state == "Trusted" and results["activeManifest"]["failure"] == []


@needs_c2pa
def test_the_choices_are_configurable(signer):
    choices = TrainingChoices(
        ai_inference="allowed", data_mining="constrained", constraints="search indexing only"
    )
    signed = sign(image_bytes("JPEG"), "image/jpeg", signer, definition(choices=choices))
    entries = assertion(c2pa_read(signed, "image/jpeg")[0], "cawg.training-mining")["entries"]
    assert entries["cawg.ai_inference"] == {"use": "allowed"}
    assert entries["cawg.data_mining"] == {
        "use": "constrained",
        "constraints_info": "search indexing only",
    }
    assert entries["cawg.ai_training"] == {"use": "notAllowed"}


@needs_c2pa
def test_a_thumbnail_only_when_asked(signer):
    photo = image_bytes("JPEG", (1080, 1350))
    plain = sign(photo, "image/jpeg", signer, definition())
    with_thumbnail = sign(photo, "image/jpeg", signer, definition(), thumbnail=True)
    thumbnail = c2pa_read(with_thumbnail, "image/jpeg")[0]["thumbnail"]
    assert thumbnail["identifier"].endswith("c2pa.thumbnail.claim")
    assert "thumbnail" not in c2pa_read(plain, "image/jpeg")[0]
    assert len(with_thumbnail) - len(plain) > 20_000


@needs_c2pa
def test_signing_a_1080x1350_jpeg_adds_a_few_kilobytes(signer, record_property):
    photo = image_bytes("JPEG", (1080, 1350))
    sign(photo, "image/jpeg", signer, definition())  # warm the library up
    started = time.perf_counter()
    signed = sign(photo, "image/jpeg", signer, definition())
    seconds = time.perf_counter() - started
    added = len(signed) - len(photo)
    record_property("c2pa_bytes_added", added)
    record_property("c2pa_sign_seconds", round(seconds, 4))
    assert 1_000 < added < 16_000
    assert seconds < 2


@needs_c2pa
def test_the_timestamp_server_is_only_passed_through(signer, monkeypatch):
    import c2pa

    seen = []
    real = c2pa.C2paSignerInfo

    def recording(alg, cert, key, tsa_url):
        seen.append(tsa_url)
        return real(alg, cert, key, None)  # never contact a server in tests

    monkeypatch.setattr(c2pa, "C2paSignerInfo", recording)
    sign(
        image_bytes("PNG"),
        "image/png",
        signer,
        definition("image/png"),
        tsa_url="http://tsa.example",
    )
    assert seen == ["http://tsa.example"]
    with pytest.raises(OptionError, match="not an http"):
        sign(image_bytes("PNG"), "image/png", signer, definition("image/png"), tsa_url="ftp://x")


@needs_c2pa
def test_a_manifest_c2pa_refuses_is_a_signing_error(signer):
    broken = definition()
    broken["assertions"][-1]["data"]["actions"].pop(0)  # a v2 claim must start with created
    with pytest.raises(SigningError, match="could not sign") as caught:
        sign(image_bytes("JPEG"), "image/jpeg", signer, broken)
    assert caught.value.hint


@pytest.mark.parametrize(("fmt", "mime"), [("TIFF", "image/tiff"), ("GIF", "image/gif")])
def test_other_formats_are_refused_clearly(signer, fmt, mime):
    with pytest.raises(UnsupportedFormatError, match="JPEG, PNG and WebP") as caught:
        sign(image_bytes(fmt), mime, signer, definition())
    assert isinstance(caught.value, errors.UnsupportedFormatError)


def test_bytes_that_are_not_the_format_named_are_refused(signer):
    with pytest.raises(CorruptFileError, match="not a JPEG"):
        sign(image_bytes("PNG"), "image/jpeg", signer, definition())


def test_without_c2pa_the_error_names_the_install_command(signer, monkeypatch):
    monkeypatch.setitem(sys.modules, "c2pa", None)
    assert not c2pa_available()
    with pytest.raises(CredentialsUnavailableError) as caught:
        sign(image_bytes("JPEG"), "image/jpeg", signer, definition())
    assert caught.value.hint == 'pip install "notrain[credentials]"'


# The manifest definition itself (no c2pa needed).


def test_the_definition_maps_steps_to_standard_actions():
    made = manifest_definition(
        "p.jpg",
        "Ann",
        "https://ann.example",
        ["crop", "prepare", "c2pa.color_adjustments"],
        descriptions={"prepare": "resized from 4000x3000 to 1080x1350"},
        source_type="digitalCreation",
    )
    actions = made["assertions"][-1]["data"]["actions"]
    assert [a["action"] for a in actions] == [
        "c2pa.created",
        ACTIONS["crop"],
        "c2pa.resized",
        "c2pa.color_adjustments",
    ]
    assert actions[0]["digitalSourceType"].endswith("/digitalCreation")
    assert actions[2]["description"] == "resized from 4000x3000 to 1080x1350"
    assert "description" not in actions[3]
    creator = made["assertions"][1]["data"]
    assert creator["Iptc4xmpCore:CreatorContactInfo"] == {
        "Iptc4xmpCore:CiUrlWork": "https://ann.example"
    }
    assert json.loads(json.dumps(made)) == made


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: manifest_definition("p", "Ann", None, ["sharpen"]), "neither a notrain step"),
        (
            lambda: manifest_definition(
                "p", "Ann", None, [], source_type="trainedAlgorithmicMedia"
            ),
            "digital source type",
        ),
        (lambda: TrainingChoices(ai_training="maybe"), "cannot be 'maybe'"),
    ],
)
def test_bad_definitions_are_option_errors(call, words):
    with pytest.raises(OptionError, match=words):
        call()
