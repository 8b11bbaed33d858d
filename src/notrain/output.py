"""Writing outputs safely: through a temporary file in the target folder, renamed into place.

A crash or Ctrl-C never leaves a half-written file under the final name, and an existing file
is never replaced unless the caller says so, not even one that appears while we write.
"""

from __future__ import annotations

import errno
import os
import uuid
from pathlib import Path

from notrain.errors import OutputError, OutputExistsError

__all__ = ["TEMP_MARK", "write_atomic"]

TEMP_MARK = ".notrain-tmp"
"""Part of every temporary file's name, so leftovers of a killed run are easy to recognise."""


def write_atomic(path: Path, data: bytes, *, overwrite: bool) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename it into place.

    Without ``overwrite`` an existing file is never replaced, even if it appears
    while we write (the final step is a hard link, which fails if the name is taken).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _output_error(path.parent, exc) from exc
    if not overwrite and path.exists():
        raise _exists(path)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}{TEMP_MARK}")
    try:
        with open(temp, "xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(temp, path)
        else:
            _link_into_place(temp, path)
    except OutputExistsError:
        raise
    except OSError as exc:
        raise _output_error(path, exc) from exc
    finally:
        temp.unlink(missing_ok=True)


def _link_into_place(temp: Path, path: Path) -> None:
    try:
        os.link(temp, path)
    except FileExistsError:
        raise _exists(path) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOTSUP):
            raise
        if path.exists():
            raise _exists(path) from None
        os.replace(temp, path)


def _exists(path: Path) -> OutputExistsError:
    return OutputExistsError(
        f"{path} already exists.", path=path, hint="Pass --overwrite to replace it, or choose another -o folder."
    )


def _output_error(path: Path, exc: OSError) -> OutputError:
    if exc.errno == errno.ENOSPC:
        return OutputError(f"The disk is full: cannot write {path}.", path=path, hint="Free some space or choose another -o folder.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(
            f"Permission denied: cannot write {path}.", path=path, hint="Choose an output folder you can write to."
        )
    return OutputError(f"Cannot write {path}: {exc.strerror or exc}.", path=path)
