"""The value objects of the exposure audit: what a Meta export says about each photo and video.

Every reader (one per export layout) turns what it finds into :class:`MediaItem` records and
:class:`AccountFacts`; the inventory deduplicates them and rates how likely each item was
public; the report and the exports read only these types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

__all__ = [
    "AccountFacts",
    "Exposure",
    "Inventory",
    "Location",
    "MediaItem",
    "MediaKind",
    "Problem",
    "Reading",
]


class MediaKind(StrEnum):
    """Where in the account a photo or video was posted."""

    POST = "post"
    ALBUM = "album"
    UNCATEGORIZED = "uncategorized"
    PROFILE = "profile photo"
    COVER = "cover photo"
    STORY = "story"
    REEL = "reel"
    VIDEO = "video"
    ARCHIVED = "archived"
    DELETED = "recently deleted"
    OTHER = "other"


class Exposure(StrEnum):
    """How likely an item was public (and so in Meta's AI training set)."""

    PUBLIC = "public"
    """Certainly public: profile and cover photos, posts of an account that was public then."""
    LIKELY = "likely public"
    NOT_PUBLIC = "not public"
    """Posted while the Instagram account was private."""
    UNKNOWN = "unknown"
    """No export records a single post's audience; the hint says what the account's default was."""


@dataclass(frozen=True, kw_only=True)
class Location:
    """A place attached to an item: GPS stored with the photo, or a check-in."""

    latitude: float
    longitude: float
    source: str
    """``exif`` (the position the photo's metadata recorded) or ``check-in`` (a place tagged)."""
    name: str = ""


@dataclass(frozen=True, kw_only=True)
class MediaItem:
    """One photo or video as the export describes it. Every field but ``platform``, ``kind`` and
    ``uri`` is optional, because every key of Meta's JSON is."""

    platform: str
    """``facebook`` or ``instagram``."""
    kind: MediaKind
    uri: str
    """The media path relative to the export root (mojibake repaired), or a CDN URL."""
    is_video: bool = False
    posted_at: datetime | None = None
    """When it was uploaded (UTC)."""
    taken_at: datetime | None = None
    """When the photo was taken, from the metadata Meta stored (UTC when known)."""
    caption: str = ""
    album: str = ""
    location: Location | None = None
    camera: str = ""
    """Camera or phone, as make and model ("Apple iPhone 12") or Instagram's device id."""
    upload_ip: str = ""
    software: str = ""
    present: bool = False
    """Whether the media file itself is in the export (in any of its parts)."""
    source: str = ""
    """The export file this record came from (``your_facebook_activity/posts/album/0.json``)."""
    exposure: Exposure = Exposure.UNKNOWN
    exposure_reason: str = ""
    also_in: tuple[str, ...] = field(default=())
    """Other places the same media appears (an album photo that was also a post)."""


@dataclass(frozen=True, kw_only=True)
class AccountFacts:
    """What the export says about the account as a whole."""

    platform: str
    layout: str
    """The layout that was detected (``facebook-2024``, ``instagram-2020``...)."""
    username: str = ""
    private_now: bool | None = None
    """Instagram: whether the account is private today."""
    privacy_changes: tuple[tuple[datetime, bool], ...] = ()
    """Instagram: (when, private afterwards) for every change of the account's privacy."""
    default_audience: str = ""
    """Facebook: "Who can see your future posts?" as the export records it ("Public", "Friends")."""
    devices: tuple[str, ...] = ()
    ips: tuple[str, ...] = ()
    """Login and upload IP addresses the export lists."""


@dataclass(frozen=True, kw_only=True)
class Problem:
    """A file of the export notrain could not use, and why; the audit goes on without it."""

    path: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Inventory:
    """Everything the audit found in one or more exports, deduplicated and rated."""

    items: tuple[MediaItem, ...]
    accounts: tuple[AccountFacts, ...]
    problems: tuple[Problem, ...] = ()
    sources: tuple[str, ...] = ()
    """The ZIP parts and folders that were read, as the person gave them."""


@dataclass(frozen=True, kw_only=True)
class Reading:
    """What one platform's reader found in an export: its items, the account, what it skipped."""

    platform: str
    layout: str
    items: tuple[MediaItem, ...]
    account: AccountFacts
    problems: tuple[Problem, ...] = ()
