"""Content Credentials in ``notrain protect``: signed into every copy once a signing identity
exists, read back with the c2pa library itself, gone from the platform's copy, and reported by
``notrain verify``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from notrain.errors import NotrainError, OptionError
from notrain.protect import ProtectOptions, protect_batch, verify_image
from notrain.store import Database

c2pa = pytest.importorskip(
    "c2pa", reason='Content Credentials need: pip install "notrain[credentials]"'
)


def photo(path: Path, size: tuple[int, int] = (1600, 1200)) -> Path:
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0 : size[1], 0 : size[0]]
    base = np.stack([(x * 255 // size[0]), (y * 255 // size[1]), ((x + y) % 256)], axis=-1)
    noise = rng.integers(0, 30, size=(size[1], size[0], 3))
    Image.fromarray(np.clip(base + noise, 0, 255).astype("uint8")).save(path, quality=95)
    return path


@pytest.fixture
def signer(identity, notrain_home: Path):
    from notrain.credentials.identity import create_signing_identity

    return create_signing_identity(notrain_home, "Ann Example", "ann@example.org")


def protect(tmp_path: Path, notrain_home: Path, **options):
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = photo(tmp_path / "in.jpg")
    with Database.open(notrain_home) as db:
        batch = protect_batch(
            [source], tmp_path / "out", ProtectOptions(platform="instagram", **options), db=db
        )
    (result,) = batch.results
    assert result.status == "done", result.error
    return result


def manifest_of(path: Path) -> dict:
    with c2pa.Reader("image/jpeg", io.BytesIO(path.read_bytes())) as reader:
        return json.loads(reader.json())


def training_mining(manifest: dict) -> dict:
    active = manifest["manifests"][manifest["active_manifest"]]
    (assertion,) = [a for a in active["assertions"] if a["label"] == "cawg.training-mining"]
    return {entry: value["use"] for entry, value in assertion["data"]["entries"].items()}


def test_a_signing_identity_turns_credentials_on(tmp_path, notrain_home, signer) -> None:
    result = protect(tmp_path, notrain_home)

    uses = training_mining(manifest_of(Path(result.output)))
    assert uses == {
        "cawg.ai_training": "notAllowed",
        "cawg.ai_generative_training": "notAllowed",
        "cawg.data_mining": "notAllowed",
        "cawg.ai_inference": "notAllowed",
    }
    step = next(s for s in result.steps if s.name == "credentials")
    assert "signed by Ann Example" in step.summary
    (survival,) = [s for s in result.survival if s.protection == "Content Credentials"]
    assert not survival.survives and "drops the Content Credential" in survival.detail


def test_verify_recognises_the_persons_own_signature(tmp_path, notrain_home, signer) -> None:
    result = protect(tmp_path, notrain_home)

    with Database.open(notrain_home) as db:
        verdict = verify_image(Path(result.output), db)

    assert verdict.reading.credentials is not None
    assert verdict.reading.credentials.state == "valid-trusted"
    assert any("signed by your own notrain identity" in line for line in verdict.evidence)
    data = verdict.as_dict()["credentials"]
    assert data["training_mining"]["cawg.ai_training"] == "notAllowed"


def test_a_changed_byte_reads_as_tampered(tmp_path, notrain_home, signer) -> None:
    result = protect(tmp_path, notrain_home)
    data = bytearray(Path(result.output).read_bytes())
    data[len(data) // 2] ^= 0x01
    changed = tmp_path / "changed.jpg"
    changed.write_bytes(bytes(data))

    with Database.open(notrain_home) as db:
        verdict = verify_image(changed, db)

    assert verdict.reading.credentials is not None
    assert verdict.reading.credentials.state == "invalid"
    assert any("changed after signing" in line for line in verdict.evidence)


def test_allowed_uses_and_no_credentials(tmp_path, notrain_home, signer) -> None:
    allowed = protect(tmp_path, notrain_home, credentials_allow="ai_inference")
    assert training_mining(manifest_of(Path(allowed.output)))["cawg.ai_inference"] == "allowed"

    plain = protect(tmp_path / "plain", notrain_home, credentials=False, overwrite=True)

    with pytest.raises(c2pa.C2paError):
        manifest_of(Path(plain.output))
    assert not any(s.name == "credentials" for s in plain.steps)


def test_no_signing_identity_means_no_credentials_unless_asked(
    tmp_path, notrain_home, identity
) -> None:
    result = protect(tmp_path, notrain_home)
    assert not any(s.name == "credentials" for s in result.steps)

    with pytest.raises(NotrainError, match="signing identity"):
        protect(tmp_path / "asked", notrain_home, credentials=True)


def test_an_unknown_use_is_refused() -> None:
    with pytest.raises(OptionError, match="ai_training"):
        ProtectOptions(credentials_allow="ai_everything")


def test_a_passphrase_protected_key_needs_its_passphrase(tmp_path, notrain_home, identity) -> None:
    from notrain.credentials.identity import create_signing_identity

    create_signing_identity(notrain_home, "Ann Example", "ann@example.org", "correct horse")
    source = photo(tmp_path / "in.jpg")
    with Database.open(notrain_home) as db:
        with pytest.raises(NotrainError, match="passphrase"):
            protect_batch([source], tmp_path / "out", ProtectOptions(), db=db)
        batch = protect_batch(
            [source], tmp_path / "out", ProtectOptions(), db=db, passphrase="correct horse"
        )
    assert batch.results[0].status == "done"
    assert training_mining(manifest_of(Path(batch.results[0].output)))


def test_an_interrupted_signed_output_is_taken_up_again(tmp_path, notrain_home, signer) -> None:
    """Written but not recorded (the run stopped in between): a rerun signs the same image
    again, with another signature, and keeps the file already there instead of failing."""
    first = protect(tmp_path, notrain_home)
    before = Path(first.output).read_bytes()
    with Database.open(notrain_home) as db:
        db.forget(str(Path(first.output).resolve()))

    again = protect(tmp_path, notrain_home)

    assert again.status == "done"
    assert Path(again.output).read_bytes() == before
    assert again.output_sha256 == first.output_sha256


def test_making_a_signing_identity_later_does_not_break_a_rerun(
    tmp_path, notrain_home, identity
) -> None:
    from notrain.credentials.identity import create_signing_identity

    first = protect(tmp_path, notrain_home)
    assert not any(s.name == "credentials" for s in first.steps)
    create_signing_identity(notrain_home, "Ann Example", "ann@example.org")
    source = tmp_path / "in.jpg"
    with Database.open(notrain_home) as db:
        batch = protect_batch(
            [source], tmp_path / "out", ProtectOptions(platform="instagram"), db=db
        )

    assert batch.results[0].status == "skipped"
