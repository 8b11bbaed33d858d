"""Safe file handling: finding inputs, naming outputs, writing atomically.

The rules: never write into an input file; never write into an input folder
unless asked; never replace an existing output unless asked; a crash never
leaves a half-written file under an output's name.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from notrain.errors import InputError, OptionError
from notrain.output import TEMP_MARK, write_atomic

__all__ = [
    "IMAGE_SUFFIXES",
    "TEMP_MARK",
    "InputFile",
    "check_output_folder",
    "collect_inputs",
    "sha256_file",
    "write_atomic",
]

IMAGE_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".jpe", ".png", ".webp", ".heic", ".heif", ".hif", ".avif", ".tif", ".tiff"}
)


@dataclass(frozen=True)
class InputFile:
    """A file to protect, and the folder it was found in (for keeping subfolders in the output)."""

    path: Path
    root: Path | None = None

    @property
    def relative(self) -> Path:
        return self.path.relative_to(self.root) if self.root else Path(self.path.name)


def collect_inputs(
    paths: list[Path], *, recursive: bool = True, skip: Path | None = None
) -> tuple[list[InputFile], list[InputError]]:
    """Expand files and folders into the image files to protect.

    Files named explicitly are always returned, whatever their suffix, so a bad
    one fails with a reason instead of vanishing. Folders contribute the image
    files inside them (hidden files skipped), without following a symlink into a
    folder already visited, so loops cannot hang the walk. ``skip`` is a folder
    to leave out (the output folder, when it sits inside an input folder).
    """
    found: list[InputFile] = []
    problems: list[InputError] = []
    seen: set[Path] = set()
    for path in paths:
        path = Path(path).expanduser()
        if path.is_dir():
            for file in _walk(path, recursive=recursive, skip=skip, problems=problems):
                if file.resolve() not in seen:
                    seen.add(file.resolve())
                    found.append(InputFile(file, path))
        elif path.exists() or path.is_symlink():
            if path.resolve() not in seen:
                seen.add(path.resolve())
                found.append(InputFile(path))
        else:
            problems.append(
                InputError(
                    f"{path}: no such file or folder.",
                    path=path,
                    hint="Check the spelling of the path.",
                )
            )
    return found, problems


def _walk(
    root: Path, *, recursive: bool, skip: Path | None, problems: list[InputError]
) -> Iterator[Path]:
    visited: set[tuple[int, int]] = set()
    skip_resolved = skip.resolve() if skip else None
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            stat = folder.stat()
            if (stat.st_dev, stat.st_ino) in visited:
                continue
            visited.add((stat.st_dev, stat.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            problems.append(
                InputError(
                    f"{folder}: cannot read this folder ({exc.strerror or exc}).",
                    path=folder,
                    hint="Check its permissions.",
                )
            )
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if recursive and (skip_resolved is None or path.resolve() != skip_resolved):
                    subfolders.append(path)
            elif path.suffix.lower() in IMAGE_SUFFIXES:
                yield path
        stack.extend(reversed(subfolders))


def check_output_folder(out_dir: Path, inputs: list[Path], *, allow_inside: bool) -> None:
    """Refuse an output folder that is, or lies inside, an input folder, unless ``allow_inside``."""
    out = out_dir.expanduser().resolve()
    for path in inputs:
        path = Path(path).expanduser()
        if not path.is_dir():
            continue
        folder = path.resolve()
        if out == folder or folder in out.parents:
            if out == folder:
                raise OptionError(
                    f"The output folder {out_dir} is the input folder.",
                    hint="Choose another folder with -o; notrain never writes into the folder of originals.",
                )
            if not allow_inside:
                raise OptionError(
                    f"The output folder {out_dir} is inside the input folder {path}.",
                    hint="Choose a folder outside it with -o, or pass --allow-inside if you really want that.",
                )


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
