"""The command line, through Click's runner: exit codes, JSON, help, and that every option is documented."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path

import pytest
from click.testing import CliRunner

from notrain.cli import main
from notrain.cli.protect import OPTION_FLAGS
from notrain.protect import ProtectOptions
from notrain.samples import sample_jpeg

ROOT = Path(__file__).resolve().parents[2]



@pytest.fixture(autouse=True)
def _identity(identity):
    """protect embeds the invisible watermark, which needs an identity."""

@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(sample_jpeg(1400, 1050, seed=1))
    (folder / "b.jpg").write_bytes(sample_jpeg(1050, 1400, seed=2))
    return folder


def test_every_command_has_help_with_examples(runner):
    for command in main.commands:
        result = runner.invoke(main, [command, "--help"])
        assert result.exit_code == 0, result.output
        assert "Example" in result.output, f"notrain {command} --help has no examples"


def test_every_protect_setting_has_a_flag_and_is_documented():
    documented = (ROOT / "docs" / "protect.md").read_text()
    for field in fields(ProtectOptions):
        assert field.name in OPTION_FLAGS, f"ProtectOptions.{field.name} has no CLI flag"
        assert OPTION_FLAGS[field.name] in documented, f"{OPTION_FLAGS[field.name]} is not in docs/protect.md"


def test_protect_prints_a_report_and_exits_0(runner, photos, tmp_path):
    result = runner.invoke(
        main, ["protect", str(photos), "--for", "instagram", "--owner", "Ann", "--mark", "© Ann", "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 0, result.output
    assert "Visible mark" in result.output and "2 protected" in result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.jpg", "b.jpg"]


def test_protect_json_and_exit_1_when_a_file_fails(runner, photos, tmp_path):
    (photos / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0garbage")
    result = runner.invoke(main, ["protect", str(photos), "-o", str(tmp_path / "out"), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["summary"]["done"] == 2 and data["summary"]["failed"] == 1
    (broken,) = [r for r in data["results"] if r["status"] == "failed"]
    assert broken["input"].endswith("broken.jpg") and broken["error"]


def test_usage_errors_exit_2(runner, photos, tmp_path):
    assert runner.invoke(main, ["protect", str(photos), "--for", "myspace"]).exit_code == 2
    inside = runner.invoke(main, ["protect", str(photos), "-o", str(photos / "out")])
    assert inside.exit_code == 2 and "--allow-inside" in inside.output
    assert runner.invoke(main, ["protect", str(photos), "--crop", "sideways", "-o", str(tmp_path / "o")]).exit_code == 2


def test_inspect_shows_before_and_after_from_the_registry(runner, photos, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(main, ["protect", str(photos / "a.jpg"), "-o", str(out), "--owner", "Ann"]).exit_code == 0
    before = json.loads(runner.invoke(main, ["inspect", str(photos / "a.jpg"), "--json"]).stdout)[0]
    assert before["location"] is not None
    after = json.loads(runner.invoke(main, ["inspect", str(out / "a.jpg"), "--json"]).stdout)[0]
    assert after["location"] is None
    assert after["original"] == str((photos / "a.jpg").resolve())
    removed = {f["category"] for f in after["removed"]}
    assert {"location", "serial", "owner", "thumbnail"} <= removed
    text = runner.invoke(main, ["inspect", str(out / "a.jpg")]).output
    assert "Compared with the original" in text


def test_inspect_bad_file_exits_1(runner, tmp_path):
    bad = tmp_path / "x.jpg"
    bad.write_text("hello")
    result = runner.invoke(main, ["inspect", str(bad)])
    assert result.exit_code == 1 and "x.jpg" in result.output


def test_platforms_lists_sources_and_dates(runner):
    result = runner.invoke(main, ["platforms", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {"instagram", "instagram-story", "facebook", "x", "web", "original"} <= {p["name"] for p in data}
    for platform in data:
        for fact in platform["facts"]:
            assert fact["source"].startswith("http") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", fact["checked"])


def test_python_dash_m_works():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "notrain", "--help"], capture_output=True, text=True, check=True)
    assert "protect" in result.stdout


def test_an_empty_folder_says_no_photos_were_found(runner, tmp_path):
    (tmp_path / "empty").mkdir()
    result = runner.invoke(main, ["protect", str(tmp_path / "empty"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "No photos found" in result.output
