"""Reading forms and uploads: one parse per request with notrain's limits, uploaded files copied
into a private folder under safe names."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

__all__ = [
    "MAX_FILE",
    "MAX_FILES",
    "form_bool",
    "form_text",
    "read_form",
    "safe_name",
    "save_uploads",
    "typed_paths",
    "uploads",
]

MAX_FILES = 10_000
"""Files one form may carry (Starlette's default is 1,000; the page sends batches anyway)."""
MAX_FILE = 512 * 1024 * 1024
"""The largest single uploaded file (512 MB)."""
MAX_FIELDS = 2_000
MAX_FIELD = 1024 * 1024
"""The largest text field (1 MB: a pasted reply or letter fits many times)."""


async def read_form(request: Request) -> FormData:
    """The request's form, parsed once (the CSRF check and the route share it)."""
    cached = request.scope.get("notrain_form")
    if cached is None:
        try:
            cached = await request.form(
                max_files=MAX_FILES, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD
            )
        except HTTPException:
            raise
        except Exception as exc:  # Starlette's MultiPartException and parser errors
            raise HTTPException(400, f"The form could not be read: {exc}") from exc
        request.scope["notrain_form"] = cached
    return cached


def form_text(form: FormData, name: str, default: str = "") -> str:
    """A text field, stripped; ``default`` when absent (a file where text was expected is an error)."""
    value = form.get(name)
    if value is None:
        return default
    if not isinstance(value, str):
        raise HTTPException(400, f"The field {name!r} should be text, not a file.")
    return value.strip()


def form_bool(form: FormData, name: str) -> bool:
    """A checkbox: present and not "off"/"0"/"false"."""
    value = form.get(name)
    return isinstance(value, str) and value.strip().lower() not in ("", "0", "off", "false", "no")


def typed_paths(text: str) -> tuple[list[Path], list[str]]:
    """The files or folders typed one per line (the quotes of "Copy as path" removed, ``~``
    expanded): those that exist on this computer, and the lines that name nothing usable (a
    missing path, an unknown ``~user``, a name too long for the file system)."""
    found: list[Path] = []
    missing: list[str] = []
    for line in text.splitlines():
        given = line.strip().strip("\"'").strip()
        if not given:
            continue
        try:
            path = Path(given).expanduser()
            exists = path.exists()
        except (OSError, RuntimeError, ValueError):
            exists = False
        if exists:
            found.append(path)
        else:
            missing.append(given)
    return found, missing


def uploads(form: FormData, name: str) -> list[UploadFile]:
    """The files sent under ``name`` (an empty file input sends one nameless empty part: skipped)."""
    return [f for f in form.getlist(name) if isinstance(f, UploadFile) and f.filename]


_UNSAFE = re.compile(r"[^\w .()+,@-]+")
_WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def safe_name(filename: str, fallback: str = "file") -> str:
    """A file name safe to create anywhere: the last part of what the browser sent (folders and
    drive letters dropped), without control or separator characters, leading dots, or Windows'
    reserved names, at most 120 characters (the extension kept)."""
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    if stem.lower() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    suffix = suffix[:16]
    stem = stem[: 120 - len(suffix) - 1]
    name = f"{stem}.{suffix}" if suffix and stem else (stem or fallback)
    return name or fallback


async def save_uploads(files: list[UploadFile], folder: Path) -> list[Path]:
    """Copy uploaded files into ``folder`` under safe, unique names; a file over :data:`MAX_FILE`
    is refused with a message naming it."""
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for upload in files:
        if upload.size is not None and upload.size > MAX_FILE:
            raise HTTPException(
                413,
                f"{safe_name(upload.filename or '')} is larger than {MAX_FILE // 1024 // 1024} MB; "
                "notrain does not accept files that large through the browser.",
            )
        target = _unique(folder, safe_name(upload.filename or "", "upload"))
        await upload.seek(0)
        # Off the event loop: copying a large upload must not hold up the other pages.
        await run_in_threadpool(_copy, upload, target)
        saved.append(target)
    return saved


def _copy(upload: UploadFile, target: Path) -> None:
    with target.open("xb") as out:
        shutil.copyfileobj(upload.file, out, 1024 * 1024)


def _unique(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = target.stem, target.suffix
    number = 2
    while target.exists():
        target = folder / f"{stem} ({number}){suffix}"
        number += 1
    return target
