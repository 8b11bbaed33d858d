"""``notrain export``: the ZIP of everything notrain stores, written safely."""

from __future__ import annotations

import json
from zipfile import ZipFile

from click.testing import CliRunner

from notrain.cli.export import export_command
from notrain.store import Database, create_identity


def test_export_writes_the_zip_and_refuses_to_overwrite(tmp_path, notrain_home) -> None:
    with Database.open(notrain_home) as db:
        create_identity(db, "Ann Example", "ann@example.org")
    target = tmp_path / "mine.zip"
    runner = CliRunner()
    result = runner.invoke(export_command, [str(target)])
    assert result.exit_code == 0, result.output
    assert "README.txt" in result.output
    with ZipFile(target) as archive:
        assert json.loads(archive.read("identities.json"))[0]["name"] == "Ann Example"

    again = runner.invoke(export_command, [str(target)])
    assert again.exit_code == 1 and "exists" in again.output

    result = runner.invoke(
        export_command, [str(target), "--overwrite", "--include-secret", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["secret_included"] is True


def test_help_has_examples() -> None:
    result = CliRunner().invoke(export_command, ["--help"])
    assert result.exit_code == 0 and "Examples:" in result.output
