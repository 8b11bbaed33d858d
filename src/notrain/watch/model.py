"""The value objects of policy watching: documents, their captured versions, and changes.

A :class:`Version` is one capture of a document's text (clean Markdown), stored once per
distinct content. A :class:`Change` is what differs between two good versions, with
whether it concerns AI training and the words that say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

__all__ = ["Change", "Document", "Version", "document_name"]


@dataclass(frozen=True, kw_only=True)
class Document:
    """A watched document: one service's document of one type, for one place and language."""

    key: str
    """Stable id, e.g. ``facebook/privacy-policy/eu-en``."""
    service: str
    doc_type: str
    name: str = ""
    """How people call it: "Facebook privacy policy (EU)"; see :func:`document_name`."""
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


def document_name(document: Document) -> str:
    """The document's display name: its own, or one made from service, type and region.

    "facebook", "privacy-policy", "EU" gives "Facebook privacy policy (EU)"; an Open Terms
    Archive import ("Facebook", "Privacy Policy") gives "Facebook privacy policy"."""
    if document.name:
        return document.name
    service = document.service.replace("-", " ").replace("_", " ").strip()
    service = service[:1].upper() + service[1:]
    kind = document.doc_type.replace("-", " ").replace("_", " ").strip().lower()
    region = f" ({document.jurisdiction})" if document.jurisdiction else ""
    return f"{service} {kind}{region}".strip()
