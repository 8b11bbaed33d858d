"""The inventory: every photo and video once, with how likely it was public and why.

The layout readers report each record where they find it; the same photo often appears
several times (an album photo that was also a post, a profile picture kept in an album).
:func:`build` merges those into one item, keeping the most complete record and noting the
other places, then rates each item's exposure from what the export says about the account:

- Facebook profile and cover photos are always public.
- Instagram: a post was public when the account was public at the time it was posted, from
  the history of privacy changes. Without a history, today's setting is only a hint: public
  today is "likely public", private today is "unknown".
- Other Facebook posts: no export records a post's audience, so they are "unknown", with the
  account's default audience for new posts named as a hint.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import fields, replace
from datetime import datetime

from notrain.audit.model import (
    AccountFacts,
    Exposure,
    Inventory,
    MediaItem,
    MediaKind,
    Problem,
)

__all__ = ["build", "rate"]

_ALWAYS_PUBLIC = {MediaKind.PROFILE, MediaKind.COVER}
_KIND_ORDER = list(MediaKind)


def build(
    items: Iterable[MediaItem],
    accounts: Iterable[AccountFacts],
    problems: Iterable[Problem] = (),
    sources: Iterable[str] = (),
) -> Inventory:
    """Deduplicate ``items`` and rate each one's exposure."""
    accounts = tuple(accounts)
    merged: dict[tuple[str, str], MediaItem] = {}
    for item in items:
        key = (item.platform, _identity(item))
        merged[key] = _merge(merged[key], item) if key in merged else item
    rated = tuple(
        sorted(
            (rate(item, accounts) for item in merged.values()),
            key=lambda i: (i.posted_at is None, i.posted_at or datetime.min, i.platform, i.uri),
        )
    )
    return Inventory(
        items=rated, accounts=accounts, problems=tuple(problems), sources=tuple(sources)
    )


def _identity(item: MediaItem) -> str:
    """What makes two records the same media: its file (or CDN URL), else its upload moment."""
    if item.uri:
        return item.uri
    return f"{item.kind}@{item.posted_at.isoformat() if item.posted_at else ''}:{item.caption}"


def _merge(first: MediaItem, second: MediaItem) -> MediaItem:
    """One record from two of the same media: every field the first lacks comes from the
    second; the kind is the one that says most about exposure (a profile photo stays one)."""
    keep, other = (first, second) if _rank(first) <= _rank(second) else (second, first)
    changes = {}
    for spec in fields(MediaItem):
        name = spec.name
        if name in ("kind", "also_in", "exposure", "exposure_reason", "source"):
            continue
        if not getattr(keep, name) and getattr(other, name):
            changes[name] = getattr(other, name)
    places = [f"{other.kind.value} ({other.source})" if other.source else other.kind.value]
    also = tuple(dict.fromkeys((*keep.also_in, *other.also_in, *places)))
    return replace(keep, **changes, also_in=also)


def _rank(item: MediaItem) -> int:
    return 0 if item.kind in _ALWAYS_PUBLIC else 1 + _KIND_ORDER.index(item.kind)


def rate(item: MediaItem, accounts: Iterable[AccountFacts]) -> MediaItem:
    """``item`` with its exposure and the reason for it."""
    account = next((a for a in accounts if a.platform == item.platform), None)
    if item.platform == "facebook" and item.kind in _ALWAYS_PUBLIC:
        return replace(
            item,
            exposure=Exposure.PUBLIC,
            exposure_reason=f"Facebook {item.kind.value}s are always public.",
        )
    if item.platform == "instagram":
        return _rate_instagram(item, account)
    default = account.default_audience if account else ""
    hint = f" Your default audience for new posts is {default}." if default else ""
    if default.lower() in ("public", "everyone"):
        hint += " So it was probably public, unless you chose otherwise for this post."
    return replace(
        item,
        exposure=Exposure.UNKNOWN,
        exposure_reason="The export does not record who could see this post." + hint,
    )


def _rate_instagram(item: MediaItem, account: AccountFacts | None) -> MediaItem:
    if item.kind == MediaKind.PROFILE:
        return replace(
            item,
            exposure=Exposure.PUBLIC,
            exposure_reason="Instagram profile photos are always public.",
        )
    if account is not None and not account.privacy_changes and account.private_now is not None:
        if account.private_now:
            return replace(
                item,
                exposure=Exposure.UNKNOWN,
                exposure_reason="The account is private today, but the export has no history of "
                "its privacy: it may have been public when this was posted.",
            )
        return replace(
            item,
            exposure=Exposure.LIKELY,
            exposure_reason="The account is public today and the export has no history of its "
            "privacy.",
        )
    private = _private_at(account, item.posted_at) if account else None
    if private is None:
        return replace(
            item,
            exposure=Exposure.UNKNOWN,
            exposure_reason="The export does not say whether the account was private.",
        )
    when = item.posted_at.date().isoformat() if item.posted_at else "then"
    if private:
        return replace(
            item,
            exposure=Exposure.NOT_PUBLIC,
            exposure_reason=f"The account was private when this was posted ({when}).",
        )
    return replace(
        item,
        exposure=Exposure.PUBLIC,
        exposure_reason=f"The account was public when this was posted ({when}).",
    )


def _private_at(account: AccountFacts, moment: datetime | None) -> bool | None:
    """Whether the account was private at ``moment``, from its history of privacy changes."""
    changes = sorted(account.privacy_changes)
    if not changes:
        return account.private_now
    if moment is None:
        return account.private_now
    index = bisect.bisect_right([when for when, _ in changes], moment)
    if index == 0:
        # Before the first recorded change the account had the opposite setting.
        return not changes[0][1]
    return changes[index - 1][1]
