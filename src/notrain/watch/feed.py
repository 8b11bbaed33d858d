"""The changes as an Atom feed (RFC 4287) that any feed reader can subscribe to.

Built with :mod:`xml.etree.ElementTree`, which escapes all text: an Atom feed needs nothing
more, and policy text (which may hold markup) is never written unescaped. Each change is an
entry whose id is derived from the change itself, so writing the feed again gives the same ids
and a reader never shows a change twice.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from notrain import __version__
from notrain.errors import OptionError
from notrain.output import write_atomic
from notrain.watch.model import Change, Document
from notrain.watch.report import (
    change_html,
    describe,
    document_for,
    headline,
    service_name,
    web_url,
)

__all__ = ["AI_CATEGORY", "ATOM", "atom_feed", "entry_id", "feed_uuid", "write_feed"]

ATOM = "http://www.w3.org/2005/Atom"
AI_CATEGORY = "ai-training"
"""The category term of entries about AI training, for readers that filter on it."""

_NAMESPACE = uuid.UUID("6f0c6f5e-2b1e-5a57-9d0e-6e6f74726169")
"""Fixed, so that ids derived from the same change are the same on every machine."""
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold: a stray one in a policy would make the feed unreadable."""


def feed_uuid(seed: str) -> str:
    """A stable ``urn:uuid:`` id for a feed, from something that names it (its file path)."""
    return uuid.uuid5(_NAMESPACE, f"feed\n{seed}").urn


def entry_id(change: Change) -> str:
    """The entry's ``urn:uuid:`` id: from the document, capture time, kind, section and the
    sentences, so the same change always has the same id and two changes never share one."""
    seed = "\n".join(
        (
            change.document,
            _rfc3339(change.captured),
            change.kind,
            change.section,
            *(f"-{sentence}" for sentence in change.removed),
            *(f"+{sentence}" for sentence in change.added),
        )
    )
    return uuid.uuid5(_NAMESPACE, seed).urn


def atom_feed(
    changes: Sequence[Change],
    documents: Mapping[str, Document],
    *,
    feed_id: str,
    title: str,
    updated: datetime,
    link: str | None = None,
    limit: int = 200,
) -> bytes:
    """An Atom 1.0 document (UTF-8) with the ``limit`` newest of ``changes``, newest first.

    ``documents`` maps document keys to documents (for names, services and URLs); ``link`` is
    where the feed is published, written as its ``rel="self"`` link."""
    if limit < 0:
        raise OptionError(f"The feed cannot hold {limit} entries.", hint="Give 0 or more entries.")
    feed = ET.Element("feed", {"xmlns": ATOM, _XML_LANG: "en"})
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    _text(feed, "updated", _rfc3339(updated))
    if link:
        _child(feed, "link", rel="self", href=link)
    author = _child(feed, "author")
    _text(author, "name", "notrain")
    _text(feed, "generator", "notrain", version=__version__)
    newest = sorted(changes, key=lambda change: _utc(change.captured), reverse=True)[:limit]
    for change in newest:
        _entry(feed, change, document_for(change, documents))
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def write_feed(
    path: Path,
    changes: Sequence[Change],
    documents: Mapping[str, Document],
    *,
    feed_id: str,
    title: str,
    updated: datetime,
    link: str | None = None,
    limit: int = 200,
) -> None:
    """Write :func:`atom_feed` to ``path`` atomically: a reader polling the file never sees
    half a feed."""
    data = atom_feed(
        changes, documents, feed_id=feed_id, title=title, updated=updated, link=link, limit=limit
    )
    write_atomic(path, data, overwrite=True)


def _entry(feed: ET.Element, change: Change, document: Document) -> None:
    entry = _child(feed, "entry")
    _text(entry, "id", entry_id(change))
    prefix = "AI: " if change.ai_related else ""
    where = f" ({change.section})" if change.section else ""
    _text(entry, "title", f"{prefix}{headline(change, document)}: {change.kind}{where}")
    _text(entry, "published", _rfc3339(change.captured))
    _text(entry, "updated", _rfc3339(change.captured))
    author = _child(entry, "author")
    _text(author, "name", service_name(document))
    if web_url(document.url):
        _child(entry, "link", rel="alternate", type="text/html", href=document.url)
    if change.ai_related:
        _child(entry, "category", term=AI_CATEGORY, label="AI training")
    _text(entry, "summary", describe(change, document))
    _text(entry, "content", change_html(change, document), type="html")


def _child(parent: ET.Element, name: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, name, {k: _clean(v) for k, v in attributes.items()})


def _text(parent: ET.Element, name: str, text: str, **attributes: str) -> ET.Element:
    element = _child(parent, name, **attributes)
    element.text = _clean(text)
    return element


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a time without a zone is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _rfc3339(moment: datetime) -> str:
    return _utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")
