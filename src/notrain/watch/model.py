"""The value objects of policy watching: documents, their captured versions, and changes.

A :class:`Version` is one capture of a document's text (clean Markdown), stored once per
distinct content. A :class:`Change` is what differs between two good versions, with
whether it concerns AI training and the words that say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

__all__ = ["Change", "Document", "Version"]


@dataclass(frozen=True, kw_only=True)
class Document:
    """A watched document: one service's document of one type, for one place and language."""

    key: str
    """Stable id, e.g. ``facebook/privacy-policy/eu-en``."""
    service: str
    doc_type: str
    jurisdiction: str = ""
    language: str = "en"
    url: str = ""
    select: tuple[str, ...] = ()
    """CSS selectors for the content."""
    remove: tuple[str, ...] = ()
    """CSS selectors for parts to drop (navigation, cookie banners)."""
    source: str = ""
    checked: date | None = None


@dataclass(frozen=True, kw_only=True)
class Version:
    """One capture of a document's text."""

    document: str
    """The :attr:`Document.key`."""
    sha256: str
    """Of the normalised text: the same policy captured twice has the same hash."""
    text: str
    captured: datetime
    effective: date | None = None
    """The date the text itself states ("Effective ..."), when it states one."""
    broken: bool = False
    """A capture that is not the policy (an error page, a login wall, a fraction of its size):
    kept aside, never compared with good versions."""
    broken_reason: str = ""
    origin: str = ""
    """Where it came from: a URL fetch, or an Open Terms Archive commit."""


@dataclass(frozen=True, kw_only=True)
class Change:
    """What changed in a document between two good versions."""

    document: str
    captured: datetime
    """When the newer version was captured."""
    kind: str
    """``added``, ``removed`` or ``reworded``."""
    section: str = ""
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    ai_related: bool = False
    ai_terms: tuple[str, ...] = field(default=())
    """The words that made it AI-related."""
    summary: str = ""
    effective: date | None = None
