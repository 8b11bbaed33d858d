"""Read a Facebook data export, in any of its layouts, into the audit's records.

The layout is recognised by the paths present, never by dates (first match wins):

- ``facebook-page``: a Page's export, ``this_profile's_activity_across_facebook/`` (2025+,
  ``posts/profile_posts_N.json``, ``posts/album/N.json``);
- ``facebook-2024``: ``your_facebook_activity/`` (``posts/your_posts__check_ins__photos_and_videos
  _N.json``, ``posts/album/N.json``, ``posts/your_uncategorized_photos.json``,
  ``posts/your_videos.json``, ``posts/media/...``);
- ``facebook-2022``: the same files under ``your_activity_across_facebook/``;
- ``facebook-2018`` (2018-2020): ``photos_and_videos/album/N.json``, ``photos_and_videos/
  your_videos.json`` and ``posts/your_posts.json``, with a flat ``photo_metadata``;
- ``facebook-2021`` (2021-2022): ``posts/album/N.json``, ``posts/your_posts_1.json``...;
- ``facebook-html``: Facebook's default HTML export, read by :mod:`notrain.audit.facebook_html`.

Whatever the layout, every JSON file under those folders is read by what its name says it holds:
``album/N.json`` (an album: ``name``, ``photos``, ``cover_photo``), ``*uncategorized_photos*``
(``other_photos_v2``), ``your_videos*`` (``videos_v2``), ``*stories*``, ``*reels*``,
``*archive*``, ``*recently_deleted*`` or ``*trash*``, and every ``*posts*`` file (the user's posts,
group posts, posts on the timeline), but never messages, comments or reactions. Profile pictures
and cover photos are found by the album that holds them ("Profile pictures", "Cover photos",
"Profilbilder"...), by a post's title ("... updated her profile picture.") or media ``title``, in
``profile_update_history.json``, and under any ``profile_pic``/``cover_photo`` key of
``profile_information.json``. Records are reported where they are found, one per mention: the
inventory deduplicates them and rates their exposure. A file that cannot be parsed becomes a
:class:`Problem`; the rest of the export is still read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from notrain.audit.archive import Export, ExportFileError
from notrain.audit.facebook_account import account_facts
from notrain.audit.facebook_files import file_kind, media_files
from notrain.audit.facebook_html import html_pages, read_html
from notrain.audit.facebook_media import PLATFORM, Context, MediaReader
from notrain.audit.media import records
from notrain.audit.model import MediaItem, MediaKind, Problem, Reading
from notrain.audit.values import dicts

__all__ = ["LAYOUTS", "detect_facebook", "read_facebook"]

LAYOUTS = (
    "facebook-page",
    "facebook-2024",
    "facebook-2022",
    "facebook-2018",
    "facebook-2021",
    "facebook-html",
)
"""Every layout this reader knows, in the order they are recognised."""

_MARKERS = (
    ("facebook-page", "this_profile's_activity_across_facebook/", False),
    ("facebook-2024", "your_facebook_activity/", False),
    ("facebook-2022", "your_activity_across_facebook/", False),
    ("facebook-2018", "photos_and_videos/", True),
    ("facebook-2021", "posts/", True),
)
"""(layout, folder, whether only a media file there marks it): any JSON file in one of the first
three folders marks its layout (an account that never posted has no posts file); ``posts/`` and
``photos_and_videos/`` are common words, so there only a file this reader reads counts."""

_PROFILE_KEY = re.compile(r"profile_(?:pic|picture|photo)s?$")
_COVER_KEY = re.compile(r"cover_(?:pic|picture|photo)s?$")


def detect_facebook(export: Export) -> str | None:
    """The Facebook layout of ``export`` (one of :data:`LAYOUTS`), or None when there is none."""
    found: set[str] = set()
    for path in export.paths():
        if not path.lower().endswith(".json"):
            continue
        for layout, folder, media_only in _MARKERS:
            if path.startswith(folder) and (not media_only or file_kind(path) is not None):
                found.add(layout)
    for layout in LAYOUTS:
        if layout in found:
            return layout
    return "facebook-html" if html_pages(export) is not None else None


def read_facebook(export: Export) -> Reading | None:
    """Every photo and video of the Facebook export and what it says about the account, or None
    when ``export`` holds no Facebook layout."""
    layout = detect_facebook(export)
    if layout is None:
        return None
    problems: list[Problem] = []
    reader = MediaReader(export, problems)
    profile: Any = None
    items: list[MediaItem] = []
    if layout == "facebook-html":
        items.extend(read_html(export, reader, html_pages(export) or []))
    else:
        for path, kind in media_files(export.paths(), suffixes=(".json",)):
            try:
                data = export.read_json(path)
            except ExportFileError as exc:
                problems.append(Problem(path=path, reason=exc.reason))
                continue
            context = Context(kind=kind, source=path, video=kind is MediaKind.VIDEO or None)
            if path.rsplit("/", 1)[-1] == "profile_information.json":
                profile = data
                items.extend(_profile_pictures(data, reader, context))
                continue
            for record in records(data):
                items.extend(reader.post(record, context))
    account = account_facts(export, layout, items=items, profile=profile, problems=problems)
    return Reading(
        platform=PLATFORM,
        layout=layout,
        items=tuple(items),
        account=account,
        problems=tuple(problems),
    )


def _profile_pictures(data: Any, reader: MediaReader, context: Context) -> Iterator[MediaItem]:
    """Media under a ``profile_pic``/``profile_photo`` (PROFILE) or ``cover_photo`` (COVER) key
    anywhere in ``profile_information.json``; a bare string there is taken for the URI."""
    for node in dicts(data):
        for key, value in node.items():
            kind = _key_kind(key)
            if kind is None:
                continue
            for media in value if isinstance(value, list) else [value]:
                media = {"uri": media} if isinstance(media, str) else media
                item = reader.item(media, Context(kind=kind, source=context.source))
                if item is not None:
                    yield item


def _key_kind(key: Any) -> MediaKind | None:
    folded = key.casefold() if isinstance(key, str) else ""
    if _PROFILE_KEY.search(folded):
        return MediaKind.PROFILE
    if _COVER_KEY.search(folded):
        return MediaKind.COVER
    return None
