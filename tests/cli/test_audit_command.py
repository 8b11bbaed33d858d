"""``notrain audit`` end to end, on generated Facebook and Instagram exports."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner

from notrain.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "audit"))
from facebook_exports import facebook_export
from instagram_exports import Spec, write_export


def test_audit_reads_both_platforms_from_zip_parts_and_writes_the_report(tmp_path):
    fb_paths, _ = facebook_export(tmp_path / "fb", "facebook-2024", parts=3, wrapper="facebook-ann")
    ig = write_export(tmp_path / "ig", Spec(as_zip=True, parts=2))
    out = tmp_path / "report"
    result = CliRunner().invoke(
        main, ["audit", *map(str, fb_paths), *map(str, ig.paths), "-o", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert set(summary["totals"]["by_platform"]) == {"facebook", "instagram"}
    instagram = summary["totals"]["by_platform"]["instagram"]
    distinct = len({e.uri for e in ig.items if e.uri}) + sum(1 for e in ig.items if not e.uri)
    assert instagram["photos"] + instagram["videos"] == distinct  # the same file counts once
    written = json.loads((out / "inventory.json").read_text(encoding="utf-8"))
    assert len(written["items"]) == summary["totals"]["items"]
    assert (out / "report.html").read_text(encoding="utf-8").count("data:image/jpeg;base64,") > 0
    again = CliRunner().invoke(main, ["audit", *map(str, ig.paths), "-o", str(out)])
    assert again.exit_code == 1 and "nothing was written" in again.output
    text = CliRunner().invoke(main, ["audit", *map(str, ig.paths), "-o", str(out), "--overwrite"])
    assert text.exit_code == 0 and "Report:" in text.output


def test_a_folder_that_is_no_export_says_what_to_give(tmp_path):
    (tmp_path / "holiday.txt").write_text("not an export")
    result = CliRunner().invoke(main, ["audit", str(tmp_path)])
    assert result.exit_code == 1
    assert "No Facebook or Instagram export" in result.output and "JSON" in result.output


def test_originals_are_matched_and_protected(tmp_path, identity):
    from PIL import Image

    from notrain.audit.model import MediaKind
    from notrain.samples import make_photo

    ig = write_export(
        tmp_path / "ig", Spec(posts=4, stories=0, reels=0, other=0, archived=0, deleted=0)
    )
    root = ig.paths[0]
    photos = [e for e in ig.items if e.present and not e.is_video and e.kind == MediaKind.POST]
    pictures = tmp_path / "Pictures"
    pictures.mkdir()
    for seed, expected in enumerate(photos):
        picture = make_photo(1200, 900, seed=seed)
        picture.resize((320, 240), Image.Resampling.LANCZOS).save(
            root / expected.uri, "JPEG", quality=70
        )
        if seed:  # the first exported photo has no original
            picture.save(pictures / f"IMG_{seed}.jpg", quality=92)
    out = tmp_path / "audit"
    result = CliRunner().invoke(
        main,
        [
            "audit",
            str(root),
            "--originals",
            str(pictures),
            "--protect",
            "-o",
            str(out),
            "--for",
            "instagram",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    facts = json.loads(result.stdout)
    assert facts["originals"]["matched"] == len(photos) - 1
    assert facts["originals"]["unmatched"] >= 1
    assert facts["protected"]["done"] == len(photos) - 1 and facts["protected"]["failed"] == 0
    protected = sorted(p.name for p in (out / "protected").iterdir() if p.suffix == ".jpg")
    assert len(protected) == len(photos) - 1
    rows = (out / "originals.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "exported,posted_at,original,distance,reason"
    assert sum(1 for row in rows[1:] if "IMG_" in row) == len(photos) - 1


def test_protect_needs_originals(tmp_path):
    ig = write_export(tmp_path / "ig", Spec())
    result = CliRunner().invoke(main, ["audit", str(ig.paths[0]), "--protect"])
    assert result.exit_code == 2 and "--originals" in result.output


def test_the_output_folder_may_not_be_inside_an_input(tmp_path):
    ig = write_export(tmp_path / "ig", Spec())
    inside = ig.paths[0] / "notrain-audit"
    result = CliRunner().invoke(main, ["audit", str(ig.paths[0]), "-o", str(inside)])
    assert result.exit_code == 2 and "inside the input folder" in result.output
    assert not inside.exists()


def test_same_named_originals_in_different_folders_are_all_protected(tmp_path, identity):
    from PIL import Image

    from notrain.audit.model import MediaKind
    from notrain.samples import make_photo

    ig = write_export(
        tmp_path / "ig", Spec(posts=4, stories=0, reels=0, other=0, archived=0, deleted=0)
    )
    root = ig.paths[0]
    photos = [e for e in ig.items if e.present and not e.is_video and e.kind == MediaKind.POST][:3]
    for seed, expected in enumerate(photos):
        picture = make_photo(1000, 750, seed=seed)
        picture.resize((320, 240), Image.Resampling.LANCZOS).save(
            root / expected.uri, "JPEG", quality=70
        )
        folder = tmp_path / "Pictures" / f"2019-0{seed + 1}"
        folder.mkdir(parents=True)
        picture.save(folder / "IMG_0001.jpg", quality=92)  # the camera restarted its numbering
    out = tmp_path / "audit"
    result = CliRunner().invoke(
        main,
        [
            "audit",
            str(root),
            "--originals",
            str(tmp_path / "Pictures"),
            "--protect",
            "-o",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    facts = json.loads(result.stdout)
    assert facts["protected"]["done"] == 3 and facts["protected"]["failures"] == []
    assert len(list((out / "protected").iterdir())) == 3
    # A second run does not take the protected copies for originals.
    again = CliRunner().invoke(
        main,
        ["audit", str(root), "--originals", str(tmp_path / "Pictures"), "--originals", str(out),
         "-o", str(out), "--overwrite", "--json"],
    )  # fmt: skip
    assert again.exit_code == 2 and "input folder" in again.output
