"""A real Ctrl-C in the middle of a batch, then the same command again: it continues where it stopped."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from notrain.protect.files import TEMP_MARK
from notrain.samples import sample_jpeg

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGINT to a process group is POSIX")



@pytest.fixture(autouse=True)
def _identity(tmp_path):
    """protect embeds the invisible watermark, which needs an identity in the home the test uses."""
    from notrain.store import Database, create_identity

    with Database.open(tmp_path / "home") as db:
        create_identity(db, "Ann Example", "ann@example.org")

@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_then_rerun_finishes_the_batch(tmp_path, jobs):
    photos = tmp_path / "in"
    photos.mkdir()
    for i in range(8):
        (photos / f"p{i}.jpg").write_bytes(sample_jpeg(2400, 1800, seed=i))
    out = tmp_path / "out"
    command = [
        sys.executable, "-m", "notrain", "--home", str(tmp_path / "home"), "protect", str(photos),
        "-o", str(out), "--mark", "© Test", "--jobs", str(jobs), "--json",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (out.is_dir() and any(p.suffix == ".jpg" for p in out.iterdir())):
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    first_outputs = {p.name for p in out.iterdir() if p.suffix == ".jpg"}
    assert process.returncode in (130, 0), (process.returncode, stderr.decode()[-2000:], stdout.decode()[-1500:])
    assert not [p for p in out.iterdir() if TEMP_MARK in p.name], "no half-written files are left behind"

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, [(r["error"], r["hint"]) for r in json.loads(rerun.stdout)["results"] if r["status"] == "failed"]
    summary = json.loads(rerun.stdout)["summary"]
    assert summary["done"] + summary["skipped"] == 8
    assert summary["skipped"] >= len(first_outputs) - 1, "finished photos are not redone"
    assert len([p for p in out.iterdir() if p.suffix == ".jpg"]) == 8
