"""``notrain verify`` and ``notrain scan`` end to end: init, protect, then find the copies again."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from notrain.cli import main
from notrain.protect import scan as scan_module
from notrain.samples import make_photo
from notrain.watermark import Payload, embed_watermark

OTHER_OWNER = 0x0A1B2C3


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _save(path: Path, image: Image.Image) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A home with Ann's identity and one photo protected for Instagram, and a folder of found files."""
    root = tmp_path_factory.mktemp("cli-verify")
    home = root / "home"
    originals = root / "originals"
    originals.mkdir()
    (originals / "IMG_1234.jpg").write_bytes(_jpeg(make_photo(1200, 900, seed=41), 92))
    runner = CliRunner()
    for args in (
        ["init", "--name", "Ann", "--contact", "ann@example.com"],
        ["protect", str(originals), "--for", "instagram", "--owner", "Ann", "-o", str(root / "out"), "--json"],
    ):
        result = runner.invoke(main, ["--home", str(home), *args])
        assert result.exit_code == 0, result.output
    output = root / "out" / "IMG_1234.jpg"

    found = root / "found"
    found.mkdir()
    smaller = Image.open(output).convert("RGB").resize((864, 648), Image.Resampling.LANCZOS)
    (found / "copy.jpg").write_bytes(_jpeg(smaller, 70))
    theirs = Payload(owner_id=OTHER_OWNER, image_id=5).to_bytes()
    _save(found / "sub" / "theirs.png", embed_watermark(make_photo(960, 720, seed=42), theirs))
    _save(found / "raw.png", embed_watermark(make_photo(960, 720, seed=43), bytes.fromhex("f123456789abcdef")))
    _save(found / "unrelated.jpg", make_photo(900, 700, seed=44))
    _save(found / "sub" / "tiny.png", make_photo(50, 40, seed=45))
    _save(found / "black.jpg", Image.new("RGB", (800, 600)))
    (found / "notes.jpg").write_text("not a photo\n")
    return {"home": home, "output": output, "found": found}


@pytest.fixture
def run(setup):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--home", str(setup["home"]), *args])

    return invoke


def test_verify_a_protected_copy(run, setup):
    result = run("verify", str(setup["output"]))
    assert result.exit_code == 0, result.output
    assert "yours: protected on" in result.output
    assert "IMG_1234.jpg for Instagram (feed post)" in result.output
    assert "not-for-AI-training flag set" in result.output
    assert "Watermark: found, message" in result.output


def test_verify_json_lines_and_exit_1_for_unreadable_files(run, setup):
    found = setup["found"]
    files = ["copy.jpg", "sub/theirs.png", "raw.png", "unrelated.jpg", "notes.jpg", "sub/tiny.png", "black.jpg"]
    result = run("verify", "--json", *(str(found / name) for name in files))
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["status"] for row in rows] == [
        "yours", "someone-else", "marked-unknown", "not-found", "error", "error", "error",
    ]
    assert rows[0]["payload"]["no_ai_training"] is True and rows[0]["registry"][0]["registry_id"] == 1
    assert rows[1]["payload"]["owner_id"] == "0a1b2c3"
    assert "not an image format" in rows[4]["error"] and rows[4]["hint"]
    assert "too small to check" in rows[5]["error"]
    assert "single flat colour" in rows[6]["error"]


def test_verify_explains_an_unreadable_file(run, setup):
    result = run("verify", str(setup["found"] / "notes.jpg"))
    assert result.exit_code == 1
    assert "notes.jpg is not an image format notrain can read" in " ".join(result.output.split())


def test_scan_prints_the_matches_and_writes_csv_and_json(run, setup, tmp_path):
    result = run("scan", str(setup["found"]), "--csv", str(tmp_path / "scan.csv"), "--json", str(tmp_path / "scan.json"))
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Checked 4 files: 1 yours, 1 someone else's, 1 marked-unknown, 1 not found; 3 skipped." in text
    assert "copy.jpg" in text and "unrelated.jpg" not in text, "the table shows matches only"
    assert "3 skipped:" in text and "too small to check" in text

    with open(tmp_path / "scan.csv", newline="", encoding="utf-8") as fh:
        rows = {Path(row["file"]).name: row for row in csv.DictReader(fh)}
    assert len(rows) == 7
    assert rows["copy.jpg"]["status"] == "yours" and rows["copy.jpg"]["original"].endswith("IMG_1234.jpg")
    assert rows["theirs.png"]["status"] == "someone-else" and rows["unrelated.jpg"]["status"] == "not-found"
    assert rows["black.jpg"]["status"] == "skipped"

    report = json.loads((tmp_path / "scan.json").read_text("utf-8"))
    assert report["counts"] == {
        "scanned": 4, "yours": 1, "someone-else": 1, "marked-unknown": 1, "not-found": 1, "skipped": 3,
    }


def test_scan_json_to_stdout_with_two_jobs(run, setup):
    result = run("scan", str(setup["found"]), "--json", "-", "--jobs", "2")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["counts"]["yours"] == 1 and report["counts"]["skipped"] == 3
    assert len(report["files"]) == 7


def test_scan_all_lists_every_file(run, setup):
    result = run("scan", str(setup["found"]), "--all", "--no-recursive")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "unrelated.jpg" in text and "notes.jpg" in text and "theirs.png" not in text
    assert "Checked 3 files" in text and "2 skipped" in text


@pytest.mark.parametrize(
    "args",
    [
        ["scan", "/no/such/folder"],
        ["scan", ".", "--csv", "-", "--json", "-"],
        ["scan", ".", "--jobs", "0"],
    ],
)
def test_scan_bad_options_exit_2(run, args):
    assert run(*args).exit_code == 2


def test_scan_ctrl_c_exits_130_and_keeps_the_partial_report(run, setup, tmp_path, monkeypatch):
    calls = []
    real = scan_module.read_image

    def interrupted_after_two(path):
        calls.append(path)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(path)

    monkeypatch.setattr(scan_module, "read_image", interrupted_after_two)
    result = run("scan", str(setup["found"]), "--csv", str(tmp_path / "partial.csv"))
    assert result.exit_code == 130
    with open(tmp_path / "partial.csv", newline="", encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 2
