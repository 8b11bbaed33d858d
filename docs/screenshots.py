"""Copy the pictures of docs/web.md from the browser tests' screenshots (``make screenshots``).

The browser tests take a full-page screenshot of each page state into build/screenshots; this
keeps the ones the guide shows, reduced to 256 colours so the repository stays small."""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "build" / "screenshots"
TARGET = ROOT / "docs" / "web"

SHOWN = (
    "home",
    "protect-form",
    "protect-progress",
    "protect-result",
    "verify-yours",
    "object-4-guide",
    "requests-1-list",
    "requests-3-triage",
    "requests-5-complaint",
    "audit-form",
    "audit-report",
    "watch-feed",
    "settings-identity",
    "home-375px",
)


def main() -> int:
    missing = [name for name in SHOWN if not (SOURCE / f"{name}.png").exists()]
    if missing:
        print(f"Missing screenshots (run the browser tests first): {', '.join(missing)}")
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    for name in SHOWN:
        with Image.open(SOURCE / f"{name}.png") as image:
            small = image.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT)
            small.save(TARGET / f"{name}.png", optimize=True)
        print(f"docs/web/{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
