"""Protect throughput against a bare Pillow baseline, measured in the same run.

Twenty generated 12-megapixel JPEGs (4000x3000, camera-like EXIF with GPS) are
protected for Instagram with the privacy strip, the rights statement and a
visible mark, through the real command line. The anchor is what any script
would do at the least: decode, resize to 1080 px wide, encode. The targets are
ratios to that anchor: at most 1.5x its time per image, throughput that scales
with --jobs on 2 cores, and a peak memory per worker under 400 MB.

    python benchmarks/protect_throughput.py [--images 20] [--repeat 2]

Prints a Markdown table (paste it into docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from notrain.samples import sample_jpeg

HERE = Path(__file__).resolve().parent
NOTRAIN = [sys.executable, "-m", "notrain"]


def make_inputs(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"camera-{i:02d}.jpg"
        if not path.exists():
            path.write_bytes(sample_jpeg(4000, 3000, seed=100 + i))
        paths.append(path)
    return paths


def baseline(paths: list[Path], *, draft: bool = False) -> float:
    """Seconds per image: decode -> resize to 1080 wide (Lanczos) -> encode JPEG q92.

    With ``draft``, the JPEG is decoded at a reduced scale first (what Pillow's
    ``thumbnail`` does, and what notrain does), which is the fairer anchor.
    """
    start = time.perf_counter()
    for path in paths:
        with Image.open(path) as im:
            if draft:
                im.draft("RGB", (1350, 1013))
            im = im.convert("RGB")
            out = im.resize((1080, round(im.height * 1080 / im.width)), Image.Resampling.LANCZOS)
            out.save(io.BytesIO(), "JPEG", quality=92)
    return (time.perf_counter() - start) / len(paths)


def notrain(folder: Path, count: int, jobs: int, work: Path) -> tuple[float, float]:
    """Seconds per image and the peak RSS (MB) of the largest process, for one fresh CLI run."""
    home, out = work / f"home-{jobs}", work / f"out-{jobs}"
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    cmd = NOTRAIN + [
        "--home", str(home), "protect", str(folder), "--for", "instagram", "--owner", "Bench Mark",
        "--contact", "bench@example.org", "--mark", "© Bench Mark", "-o", str(out), "--jobs", str(jobs), "--json",
    ]
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _MEASURE, *cmd], check=True, stdout=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    peak_kb = int(done.stdout.strip().splitlines()[-1])
    return elapsed / count, peak_kb / 1024


_MEASURE = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each configuration; the fastest counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        inputs = make_inputs(work / "inputs", args.images)
        base = min(baseline(inputs) for _ in range(args.repeat))
        base_draft = min(baseline(inputs, draft=True) for _ in range(args.repeat))
        runs = {}
        for jobs in (1, 2):
            best = min((notrain(work / "inputs", args.images, jobs, work) for _ in range(args.repeat)), key=lambda r: r[0])
            runs[jobs] = best
    cpus = os.cpu_count()
    print(f"Machine: {platform.machine()}, {cpus} cores, Python {platform.python_version()}, Pillow {Image.__version__}")
    print(f"{args.images} images of 4000x3000, best of {args.repeat} runs each.\n")
    print("| configuration | s / image | ratio to anchor | images / s | peak RSS of largest process (MB) |")
    print("|---|---|---|---|---|")
    print(f"| anchor: Pillow decode -> resize 1080 -> encode (1 process) | {base:.3f} | 1.00 | {1 / base:.2f} | - |")
    print(
        f"| anchor with reduced JPEG decode (draft, as notrain does) | {base_draft:.3f} | {base_draft / base:.2f} | "
        f"{1 / base_draft:.2f} | - |"
    )
    for jobs, (per_image, peak) in runs.items():
        print(
            f"| notrain protect --for instagram, strip + rights + visible mark, --jobs {jobs} | {per_image:.3f} | "
            f"{per_image / base:.2f} | {1 / per_image:.2f} | {peak:.0f} |"
        )
    print(f"\nScaling --jobs 1 -> 2: {runs[1][0] / runs[2][0]:.2f}x throughput.")
    print(f"notrain --jobs 1 against the draft anchor: {runs[1][0] / base_draft:.2f}x its time per image.")


if __name__ == "__main__":
    main()
