"""The exposure audit at scale: 50,000 media items in a Facebook and an Instagram export.

For each image size, a synthetic 2024-layout Facebook export and a 2025-layout Instagram
export are written as 3 ZIP parts each (realistic JSON, with Meta's mojibake, from the
test suite's generators), then ``notrain audit`` runs on all six parts in a fresh process:
reading every part in place, building the inventory and writing the report (HTML with
thumbnails, CSV, JSON). The time and the process's peak memory (its maximum resident set)
are measured. Running the same exports with images twice as large shows whether memory
depends on the media bytes (it should not: media are streamed, never held).

    python benchmarks/audit_scale.py [--items 50000] [--sizes 64,128]

Targets (issue 5): under 60 s and under 500 MB on 2 cores, and memory independent of the
media bytes. Prints a Markdown table (paste it into docs/benchmarks.md). Linux or macOS
(peak memory comes from ``resource``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "audit"))

from facebook_exports import facebook_export
from instagram_exports import Spec, write_export

_CHILD = """
import json, resource, sys, time
from notrain.cli import main
start = time.perf_counter()
code = 0
try:
    main(sys.argv[1:], standalone_mode=False)
except SystemExit as exc:
    code = exc.code or 0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
peak_mb = peak / 1024 / 1024 if sys.platform == "darwin" else peak / 1024
print(json.dumps({"seconds": time.perf_counter() - start, "peak_mb": peak_mb, "code": code}),
      file=sys.stderr)
"""


def write_exports(folder: Path, items: int, size: int) -> tuple[list[Path], int]:
    """A Facebook and an Instagram export, about ``items`` media in all, 3 ZIP parts each."""
    half = items // 2
    album_photos = 200
    albums = max(1, half // 2 // album_photos)
    fb_paths, _ = facebook_export(
        folder / "facebook",
        "facebook-2024",
        parts=3,
        wrapper="facebook-ann-2026",
        posts=max(0, half - albums * album_photos - 300),
        posts_per_file=5_000,
        albums=albums,
        album_photos=album_photos,
        uncategorized=200,
        videos=100,
        image_size=size,
    )
    rest = items - half
    extras = {"stories": rest // 12, "reels": rest // 25, "archived": rest // 50,
              "deleted": rest // 60, "other": rest // 250, "profile_photos": 3}  # fmt: skip
    ig = write_export(
        folder / "instagram",
        Spec(
            posts=rest - sum(extras.values()),
            **extras,
            image_size=size,
            as_zip=True,
            parts=3,
        ),
    )
    paths = [*fb_paths, *ig.paths]
    return paths, sum(p.stat().st_size for p in paths)


def run_audit(paths: list[Path], out: Path) -> dict[str, float]:
    env = {**os.environ, "NOTRAIN_HOME": str(out / "home")}
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, "audit", *map(str, paths), "-o", str(out), "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    measured = json.loads(result.stderr.strip().splitlines()[-1])
    if measured["code"] or result.returncode:
        raise SystemExit(f"notrain audit failed:\n{result.stderr}")
    summary = json.loads(result.stdout)
    measured["items"] = summary["totals"]["items"]
    measured["problems"] = summary["problems"]
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--sizes", default="64,128", help="image sizes in pixels, comma-separated")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="notrain-audit-bench-") as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            folder = Path(tmp) / f"size-{size}"
            start = time.perf_counter()
            paths, total = write_exports(folder, args.items, size)
            made = time.perf_counter() - start
            measured = run_audit(paths, folder / "report")
            rows.append((size, total, made, measured))
            print(
                f"{size} px: {total / 1e6:.0f} MB of ZIPs written in {made:.1f} s; audit "
                f"{measured['seconds']:.1f} s, peak {measured['peak_mb']:.0f} MB",
                file=sys.stderr,
            )
    print(
        f"`python benchmarks/audit_scale.py --items {args.items} --sizes {args.sizes}` "
        f"({time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores)\n"
    )
    print("| images | exports (6 ZIP parts) | items found | audit time | peak memory | target |")
    print("|---|---|---|---|---|---|")
    for size, total, _made, m in rows:
        ok = m["seconds"] < 60 and m["peak_mb"] < 500
        print(
            f"| {size} px | {total / 1e6:,.0f} MB | {m['items']:,} | {m['seconds']:.1f} s | "
            f"{m['peak_mb']:.0f} MB | {'pass' if ok else 'FAIL'} (< 60 s, < 500 MB) |"
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(
            f"\nMedia bytes x{last[1] / first[1]:.1f}, peak memory x"
            f"{last[3]['peak_mb'] / first[3]['peak_mb']:.2f}, time x"
            f"{last[3]['seconds'] / first[3]['seconds']:.2f}."
        )


if __name__ == "__main__":
    main()
