"""What a protect run reports: per step, per protection, per file, per batch."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["BatchResult", "FileResult", "Status", "StepReport", "Survival"]

Status = Literal["done", "skipped", "failed"]


@dataclass(frozen=True, kw_only=True)
class StepReport:
    """One step of the plan and what it did to this image."""

    name: str
    summary: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Survival:
    """Whether one protection is still there after the platform's processing, measured on the simulated copy."""

    protection: str
    survives: bool
    detail: str


@dataclass(frozen=True, kw_only=True)
class FileResult:
    """The outcome for one input file."""

    input: str
    status: Status
    output: str | None = None
    platform: str | None = None
    error: str | None = None
    hint: str | None = None
    input_size: tuple[int, int] | None = None
    output_size: tuple[int, int] | None = None
    output_bytes: int | None = None
    steps: tuple[StepReport, ...] = ()
    removed: tuple[dict[str, str], ...] = ()
    survival: tuple[Survival, ...] = ()
    platform_quality: int | None = None
    input_sha256: str | None = None
    output_sha256: str | None = None
    image_id: int | None = None
    payload: str | None = None
    """The invisible watermark's 64 bits (16 hex digits), when one was embedded."""
    pdq: str | None = None
    """The output's PDQ perceptual hash (64 hex digits) and its quality (0-100)."""
    pdq_quality: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileResult:
        values = dict(data)
        values["steps"] = tuple(StepReport(**s) for s in values.get("steps", ()))
        values["survival"] = tuple(Survival(**s) for s in values.get("survival", ()))
        values["removed"] = tuple(values.get("removed", ()))
        for key in ("input_size", "output_size"):
            if values.get(key) is not None:
                values[key] = tuple(values[key])
        return cls(**values)


@dataclass(frozen=True, kw_only=True)
class BatchResult:
    """Every file's outcome, and whether the run was cut short."""

    results: tuple[FileResult, ...]
    interrupted: bool = False

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def ok(self) -> bool:
        return not self.interrupted and self.count("failed") == 0

    def as_dict(self) -> dict[str, Any]:
        """Every result and a summary (counts and what survives), as ``--json`` prints it and
        the web app keeps it."""
        return {
            "results": [r.as_dict() for r in self.results],
            "summary": {
                "done": self.count("done"),
                "skipped": self.count("skipped"),
                "failed": self.count("failed"),
                "interrupted": self.interrupted,
                "survival": [
                    {"protection": n, "survives": k, "of": t} for n, k, t in self.survival_summary()
                ],
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BatchResult:
        """The batch :meth:`as_dict` wrote."""
        return cls(
            results=tuple(FileResult.from_dict(r) for r in data.get("results", ())),
            interrupted=bool(data.get("summary", {}).get("interrupted", False)),
        )

    def survival_summary(self) -> list[tuple[str, int, int]]:
        """For each protection: (name, images where it survives, images that have it)."""
        totals: dict[str, list[int]] = {}
        for result in self.results:
            for item in result.survival:
                counts = totals.setdefault(item.protection, [0, 0])
                counts[0] += item.survives
                counts[1] += 1
        return [(name, kept, total) for name, (kept, total) in totals.items()]
