"""Which files of a Facebook export list photos and videos, and what kind each lists.

Every layout keeps its media lists under a few top-level folders (:data:`ROOTS`) and names them
by what they hold, in JSON and in HTML alike: ``album/N.json`` (an album), ``*uncategorized_
photos*``, ``your_videos*``, ``*stories*``, ``*reels*``, ``*archive*``, ``*recently_deleted*`` or
``*trash*``, ``profile_update_history``, ``profile_information`` and every ``*posts*`` file (the
user's posts, group posts, posts on the timeline). Messages, comments, reactions and stickers are
never read: nothing there was posted by the account.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from notrain.audit.model import MediaKind

__all__ = ["ROOTS", "SKIPPED", "file_kind", "media_files"]

ROOTS = frozenset(
    {
        "this_profile's_activity_across_facebook",
        "your_facebook_activity",
        "your_activity_across_facebook",
        "photos_and_videos",
        "posts",
        "stories",
        "profile_information",
        "personal_information",
        "photos",
        "videos",
        "html",
    }
)
"""Top-level folders that can hold Facebook's media files (JSON or HTML)."""

SKIPPED = frozenset(
    {
        "messages",
        "inbox",
        "archived_threads",
        "message_requests",
        "filtered_threads",
        "e2ee_cutover",
        "comments",
        "comments_and_reactions",
        "likes_and_reactions",
        "reactions",
        "saved_items_and_collections",
        "search",
        "stickers_used",
    }
)
"""Folders whose media were never posted by the account (messages, stickers) or hold no media."""

_NAMES = (
    (re.compile(r"uncategori[sz]ed_photos"), MediaKind.UNCATEGORIZED),
    (re.compile(r"^(?:your_)?videos(?:_\d+)?$"), MediaKind.VIDEO),
    (re.compile(r"reels"), MediaKind.REEL),
    (re.compile(r"stor(?:y|ies)"), MediaKind.STORY),
    (re.compile(r"recently_deleted|trash"), MediaKind.DELETED),
    (re.compile(r"archive"), MediaKind.ARCHIVED),
    (re.compile(r"profile_update_history"), MediaKind.OTHER),
    (re.compile(r"^profile_information$"), MediaKind.PROFILE),
    (re.compile(r"hidden|edits_you_made"), None),
    (re.compile(r"posts|^your_photos(?:_\d+)?$"), MediaKind.POST),
)
"""What a file holds by its name (without extension), first match wins; None: nothing to read."""


def media_files(paths: Iterable[str], *, suffixes: tuple[str, ...]) -> list[tuple[str, MediaKind]]:
    """The files among ``paths`` that list media, with the kind of media each holds, in a stable
    order; ``suffixes`` selects JSON (``(".json",)``) or HTML files."""
    found = []
    for path in paths:
        if path.lower().endswith(suffixes) and (kind := file_kind(path)) is not None:
            found.append((path, kind))
    found.sort(key=lambda entry: _natural(entry[0]))
    return found


def file_kind(path: str) -> MediaKind | None:
    """What kind of media a JSON or HTML file of a Facebook export lists, by its path, or None."""
    parts = path.split("/")
    if parts[0] not in ROOTS or SKIPPED.intersection(parts[:-1]):
        return None
    stem = parts[-1].rsplit(".", 1)[0].lower()
    if len(parts) > 1 and parts[-2] == "album":
        return MediaKind.ALBUM
    for pattern, kind in _NAMES:
        if pattern.search(stem):
            return kind
    return None


def _natural(path: str) -> list[Any]:
    """A sort key that puts ``album/2.json`` before ``album/10.json``."""
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", path)
    ]
