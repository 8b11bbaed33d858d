"""What the data folder holds, in words: the database, the signing identity, saved replies, the
web app's working files, and anything else found there."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from notrain.store.database import DB_NAME

__all__ = ["HomeEntry", "home_contents"]

_KNOWN = {
    DB_NAME: "The database: your identities, the photos you protected, your requests, "
    "watched policies and settings",
    "credentials": "Your signing identity for Content Credentials (certificates and keys)",
    "replies": "Replies you saved to your requests",
    "web": "The app's private working files: uploads and the results of its background work",
    "watch.atom": "The news feed of policy changes, for a feed reader",
}
_HIDDEN_SUFFIXES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class HomeEntry:
    """One file or folder at the top of the data folder."""

    name: str
    about: str
    """What it is for ("" for something notrain did not put there)."""
    folder: bool
    size: int
    """Bytes, folders counted with everything in them."""


def home_contents(home: Path) -> list[HomeEntry]:
    """The top of the data folder, notrain's own entries first, then the rest by name; SQLite's
    journal files count with the database."""
    if not home.is_dir():
        return []
    entries = []
    for path in home.iterdir():
        if path.name.startswith(DB_NAME) and path.name.endswith(_HIDDEN_SUFFIXES):
            continue
        size = _size(path)
        if path.name == DB_NAME:
            size += sum(_size(home / f"{DB_NAME}{s}") for s in _HIDDEN_SUFFIXES)
        entries.append(
            HomeEntry(
                name=path.name,
                about=_KNOWN.get(path.name, ""),
                folder=path.is_dir() and not path.is_symlink(),
                size=size,
            )
        )
    order = list(_KNOWN)
    entries.sort(key=lambda e: (order.index(e.name) if e.name in order else len(order), e.name))
    return entries


def _size(path: Path) -> int:
    try:
        if path.is_symlink() or not path.is_dir():
            return path.lstat().st_size if path.exists() or path.is_symlink() else 0
    except OSError:
        return 0
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += (Path(folder) / name).lstat().st_size
            except OSError:
                continue
    return total
