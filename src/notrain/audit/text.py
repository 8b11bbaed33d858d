"""Undo Meta's mojibake: its exports write every byte of UTF-8 text as a character of its own.

"Zoë" reaches the JSON as ``"Zo\\u00c3\\u00ab"``, so after parsing it reads "ZoÃ«". Captions, album
names and the ``uri`` of every media file are affected, while the file names inside the ZIP are real
UTF-8; so everything read from an export goes through :func:`repair` before it is shown or looked up.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["repair", "repair_text"]

_HIGH_RUN = re.compile("[\u0080-\u00ff]+")


def _repair_run(match: re.Match[str]) -> str:
    run = match.group()
    try:
        return run.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return run


def repair_text(s: str) -> str:
    """``s`` with Meta's mojibake undone, or ``s`` itself when it holds none.

    Each maximal run of characters U+0080..U+00FF is read back as the UTF-8 bytes it spells, and
    kept as it is when those bytes are not valid UTF-8. ASCII between runs is the same in both
    readings, so working run by run repairs a whole mojibake string exactly, and also a string that
    mixes repaired and unrepaired text. Text that is already right stays as it is: characters from
    U+0100 up are never touched, and genuine Latin-1 such as "café" is not valid UTF-8 ("é" alone
    is a lead byte with nothing following it).
    """
    if s.isascii():
        return s
    return _HIGH_RUN.sub(_repair_run, s)


def repair(obj: Any) -> Any:
    """Parsed JSON with :func:`repair_text` applied to every string in it, dictionary keys too."""
    if isinstance(obj, str):
        return repair_text(obj)
    if isinstance(obj, list):
        return [repair(item) for item in obj]
    if isinstance(obj, dict):
        return {
            repair_text(key) if isinstance(key, str) else key: repair(value)
            for key, value in obj.items()
        }
    return obj
