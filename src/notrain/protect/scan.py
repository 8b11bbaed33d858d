"""``notrain scan``: find your photos in a folder of any size, by watermark and by perceptual hash.

Files are read (decoded, searched for a mark, hashed) in worker processes that never touch the
database; each reading is then matched against the registry here, in the calling process.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from notrain.engine import run_each
from notrain.errors import NotrainError
from notrain.protect.files import collect_inputs, write_atomic
from notrain.protect.verify import (
    STATUSES,
    Reading,
    Verdict,
    read_image,
    registered_count,
    verify_reading,
)
from notrain.store import Database, owner_ids

__all__ = ["CSV_COLUMNS", "ScanResult", "Skipped", "scan_folder"]

CSV_COLUMNS = (
    "file",
    "status",
    "how",
    "confidence",
    "message",
    "owner_id",
    "image_id",
    "no_ai_training",
    "pdq_distance",
    "registry_id",
    "original",
    "protected_on",
    "platform",
    "summary",
)
"""The columns of ``ScanResult.write_csv``, in order (docs/watermark.md describes each)."""


@dataclass(frozen=True)
class Skipped:
    """A file a scan could not check, and why."""

    path: Path
    reason: str
    hint: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "status": "skipped",
            "error": self.reason,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class ScanResult:
    """Every file a scan checked or skipped, and whether it was cut short."""

    folder: Path
    verdicts: tuple[Verdict, ...]
    skipped: tuple[Skipped, ...]
    interrupted: bool = False

    @property
    def matches(self) -> tuple[Verdict, ...]:
        """Every verdict but "not-found": your photos, and those marked by someone."""
        return tuple(v for v in self.verdicts if v.status != "not-found")

    @property
    def counts(self) -> dict[str, int]:
        counts = {"scanned": len(self.verdicts)} | {status: 0 for status in STATUSES}
        for verdict in self.verdicts:
            counts[verdict.status] += 1
        return counts | {"skipped": len(self.skipped)}

    def rows(self) -> list[dict[str, Any]]:
        """One ``CSV_COLUMNS`` record per file, skipped ones included (status "skipped")."""
        skipped = [
            {column: None for column in CSV_COLUMNS}
            | {"file": str(s.path), "status": "skipped", "summary": s.reason}
            for s in self.skipped
        ]
        return [v.row() for v in self.verdicts] + skipped

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in self.rows():
            writer.writerow({key: _cell(value) for key, value in row.items()})
        return buffer.getvalue()

    def as_dict(self) -> dict[str, Any]:
        return {
            "folder": str(self.folder),
            "counts": self.counts,
            "interrupted": self.interrupted,
            "files": [v.as_dict() for v in self.verdicts] + [s.as_dict() for s in self.skipped],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n"

    def write_csv(self, path: Path) -> None:
        """Write ``to_csv()`` to ``path`` atomically, replacing an earlier report."""
        write_atomic(path, self.to_csv().encode("utf-8"), overwrite=True)

    def write_json(self, path: Path) -> None:
        """Write ``to_json()`` to ``path`` atomically, replacing an earlier report."""
        write_atomic(path, self.to_json().encode("utf-8"), overwrite=True)


def _cell(value: Any) -> Any:
    """A CSV cell: empty for None, ``true``/``false`` for booleans."""
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else value


def scan_folder(
    folder: Path,
    db: Database,
    *,
    jobs: int = 1,
    recursive: bool = True,
    on_start: Callable[[int], None] | None = None,
    on_result: Callable[[Verdict | Skipped], None] | None = None,
) -> ScanResult:
    """Verify every image in ``folder``; files that cannot be checked are skipped with their reason.

    Files are read in ``jobs`` worker processes, which never touch the database;
    the registry is searched here. ``on_start`` receives the number of files
    found, ``on_result`` each verdict or skip as it comes. A Ctrl-C stops the
    scan and returns what was checked so far, with ``interrupted`` set.
    """
    files, problems = collect_inputs([folder], recursive=recursive)
    owners, registered = owner_ids(db), registered_count(db)
    verdicts: list[Verdict] = []
    skipped: list[Skipped] = []
    notify = on_result or (lambda _: None)
    if on_start:
        on_start(len(files) + len(problems))

    def finish(outcome: Reading | Skipped) -> None:
        if isinstance(outcome, Skipped):
            skipped.append(outcome)
            notify(outcome)
            return
        verdict = verify_reading(outcome, db, owners=owners, registered=registered)
        verdicts.append(verdict)
        notify(verdict)

    paths = [file.path for file in files]
    interrupted = False
    try:
        for problem in problems:
            finish(Skipped(problem.path or folder, problem.message, problem.hint))
        run_each(paths, _read_or_skip, finish, jobs=jobs, crashed=_reader_crashed)
    except KeyboardInterrupt:
        interrupted = True
    order = {path: index for index, path in enumerate(paths)}  # workers finish in any order
    return ScanResult(
        folder=folder,
        verdicts=tuple(sorted(verdicts, key=lambda v: order[v.path])),
        skipped=tuple(sorted(skipped, key=lambda s: order.get(s.path, -1))),
        interrupted=interrupted,
    )


def _read_or_skip(path: Path) -> Reading | Skipped:
    """``read_image``, with every failure turned into a :class:`Skipped` (runs in worker processes)."""
    try:
        return read_image(path)
    except NotrainError as exc:
        return Skipped(path, exc.message, exc.hint)
    except MemoryError:
        return Skipped(path, f"{path}: not enough memory to read this image.", "Lower --jobs.")


def _reader_crashed(path: Path, error: BaseException) -> Skipped:
    return Skipped(
        path, f"The worker reading this file stopped: {error!r}.", "Try again with --jobs 1."
    )
