"""``notrain identity`` and the signing identity ``notrain init`` makes, through Click's runner."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from notrain.cli import main
from notrain.credentials.certificates import issue_signer, make_root, pem
from notrain.credentials.identity import (
    credentials_folder,
    load_signing_identity,
    signing_identity_exists,
)
from notrain.store import Database, create_identity

ANN = ["init", "--name", "Ann Example", "--contact", "ann@example.com"]


@pytest.fixture
def runner():
    return CliRunner()


def bought_certificate(tmp_path, *, passphrase=None, expired=False):
    """A chain and key as a commercial CA would hand them out (here: made with notrain's code)."""
    root, root_key = make_root("Shop CA")
    now = datetime.now(UTC) - (timedelta(days=800) if expired else timedelta(0))
    leaf, key = issue_signer(root, root_key, "Bea Buyer", "bea@example.org", now=now)
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    chain_file, key_file = tmp_path / "chain.pem", tmp_path / "key.pem"
    chain_file.write_bytes(pem([leaf, root]))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    )
    return str(chain_file), str(key_file)


def test_help_has_examples(runner):
    result = runner.invoke(main, ["identity", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "import" in result.output and "renew" in result.output


def test_show_without_an_identity_says_to_run_init(runner):
    result = runner.invoke(main, ["identity", "show"])
    assert result.exit_code == 1
    assert "no signing identity" in result.stderr and "notrain init" in result.stderr


def test_init_makes_one_and_show_describes_it(runner, notrain_home):
    made = runner.invoke(main, ANN)
    assert made.exit_code == 0, made.output
    assert "Made your signing identity" in made.output and "unknown signer" in made.output
    assert "no passphrase" in made.output
    shown = runner.invoke(main, ["identity", "show"])
    assert shown.exit_code == 0, shown.output
    text = " ".join(shown.output.split())
    assert "Signer: Ann Example, notrain" in text and "Ann Example (notrain root)" in text
    assert "Self-made root" in text and "unknown signer" in text
    data = json.loads(runner.invoke(main, ["identity", "show", "--json"]).stdout)
    identity = load_signing_identity(notrain_home)
    assert data["fingerprint"] == identity.fingerprint and data["imported"] is False
    assert data["contact"] == "ann@example.com" and data["usages"] == [
        "documentSigning",
        "emailProtection",
    ]
    assert "PRIVATE" not in json.dumps(data)


def test_init_json_includes_the_signing_identity(runner):
    data = json.loads(runner.invoke(main, [*ANN, "--json"]).stdout)
    assert data["signing_identity_created"] is True
    assert data["signing_identity"]["subject"] == "Ann Example"
    again = json.loads(runner.invoke(main, ["init", "--json"]).stdout)
    assert again["signing_identity_created"] is False
    assert again["signing_identity"]["fingerprint"] == data["signing_identity"]["fingerprint"]


def test_init_with_a_passphrase_from_the_environment(runner, notrain_home, monkeypatch):
    monkeypatch.setenv("NOTRAIN_TEST_PASS", "correct horse")
    result = runner.invoke(main, [*ANN, "--passphrase-env", "NOTRAIN_TEST_PASS"])
    assert result.exit_code == 0, result.output
    assert "no passphrase" not in result.output
    key = (credentials_folder(notrain_home) / "signer.key").read_bytes()
    assert key.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert load_signing_identity(notrain_home, "correct horse").key is not None


def test_an_unset_passphrase_variable_changes_nothing(runner, notrain_home):
    result = runner.invoke(main, [*ANN, "--passphrase-env", "NOTRAIN_TEST_UNSET"])
    assert result.exit_code == 2 and "NOTRAIN_TEST_UNSET" in result.output
    assert not signing_identity_exists(notrain_home)
    with Database.open(notrain_home) as db:
        assert db.conn.execute("SELECT COUNT(*) FROM identity").fetchone()[0] == 0


def test_asking_for_a_passphrase_needs_a_terminal(runner, notrain_home):
    result = runner.invoke(main, [*ANN, "--passphrase"])
    assert result.exit_code == 2 and "--passphrase-env" in result.output


def test_init_adds_a_signing_identity_to_an_older_identity(runner, notrain_home):
    with Database.open(notrain_home) as db:
        create_identity(db, "Ann Example", "ann@example.com")
    result = runner.invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert "Made your signing identity" in result.output
    assert load_signing_identity(notrain_home).subject == "Ann Example"


def test_init_new_makes_a_new_root_and_keeps_the_old(runner, notrain_home):
    runner.invoke(main, ANN)
    first = load_signing_identity(notrain_home)
    result = runner.invoke(main, [*ANN, "--new"])
    assert result.exit_code == 0, result.output
    second = load_signing_identity(notrain_home)
    assert second.root_fingerprint != first.root_fingerprint
    assert list((credentials_folder(notrain_home) / "retired").glob("*/root.crt"))


def test_import_a_bought_certificate(runner, notrain_home, tmp_path):
    runner.invoke(main, ANN)
    chain, key = bought_certificate(tmp_path, passphrase="s3cret")
    result = runner.invoke(
        main,
        ["identity", "import", chain, key, "--passphrase-env", "BUYER_PASS"],
        env={"BUYER_PASS": "s3cret"},
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Imported the certificate of Bea Buyer" in text and "retired and kept" in text
    assert load_signing_identity(notrain_home, "s3cret").imported
    again = runner.invoke(main, [*ANN, "--new"])
    assert again.exit_code == 0, again.output
    assert "imported certificate of Bea Buyer" in " ".join(again.output.split())
    assert load_signing_identity(notrain_home, "s3cret").subject == "Bea Buyer"


def test_import_refuses_an_expired_certificate_and_keeps_the_current_one(
    runner, notrain_home, tmp_path
):
    runner.invoke(main, ANN)
    before = load_signing_identity(notrain_home).fingerprint
    chain, key = bought_certificate(tmp_path, expired=True)
    result = runner.invoke(main, ["identity", "import", chain, key])
    assert result.exit_code == 1
    assert "Bea Buyer expired on" in result.stderr
    assert load_signing_identity(notrain_home).fingerprint == before


def test_import_refuses_a_certificate_without_signing_usage(runner, notrain_home, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "Web Server")])
    now = datetime.now(UTC)
    server = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "c.pem").write_bytes(pem([server]))
    (tmp_path / "k.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    result = runner.invoke(
        main, ["identity", "import", str(tmp_path / "c.pem"), str(tmp_path / "k.pem")]
    )
    assert result.exit_code == 1
    assert "self-signed" in result.stderr
    assert not signing_identity_exists(notrain_home)


def test_renew_issues_a_new_certificate_under_the_same_root(runner, notrain_home):
    runner.invoke(main, ANN)
    first = load_signing_identity(notrain_home)
    result = runner.invoke(main, ["identity", "renew"])
    assert result.exit_code == 0, result.output
    assert "new signing certificate for Ann Example" in result.output
    second = load_signing_identity(notrain_home)
    assert second.fingerprint != first.fingerprint
    assert second.root_fingerprint == first.root_fingerprint


def test_renew_with_a_wrong_passphrase_is_a_clear_error(runner, notrain_home, monkeypatch):
    monkeypatch.setenv("P", "right")
    runner.invoke(main, [*ANN, "--passphrase-env", "P"])
    monkeypatch.setenv("P", "wrong")
    result = runner.invoke(main, ["identity", "renew", "--passphrase-env", "P"])
    assert result.exit_code == 1 and "Wrong passphrase" in result.stderr
