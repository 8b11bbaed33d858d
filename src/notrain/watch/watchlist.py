"""What ``notrain watch add`` means: services and keys from the catalogue, pages by address,
and new selectors for a document already watched, turned into the documents to store."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from notrain.errors import OptionError
from notrain.watch.catalog import find
from notrain.watch.extract import check_selectors
from notrain.watch.model import Document
from notrain.watch.state import restart
from notrain.watch.versions import document, documents, save_document

if TYPE_CHECKING:
    from notrain.store.database import Database

__all__ = ["page_document", "resolve_targets", "watch_documents"]

_SLUG = re.compile(r"[^a-z0-9]+")
_HOST = re.compile(r"(?i)[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:[/:?#]|$)")
"""A target that starts like a host name (``example.com/privacy``): an address without its
``https://``, never a catalogue key (keys have no dots)."""
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def resolve_targets(
    db: Database,
    targets: Sequence[str],
    *,
    region: str | None = None,
    select: Sequence[str] = (),
    remove: Sequence[str] = (),
    name: str | None = None,
    language: str = "en",
) -> list[Document]:
    """The documents ``targets`` name, ready to store, each once.

    A target is a web address (a page of the person's choosing: ``select`` and ``remove`` say
    what of it to keep), the key of a document already watched (``select``, ``remove`` and
    ``name`` replace its own: the way to fix selectors that stopped matching), or a catalogue
    query (:func:`notrain.watch.catalog.find`) for a person in ``region``. Selectors and a name
    apply to one document only. Raises ``OptionError`` with what to write instead."""
    check_selectors([*select, *remove])
    if not _LANGUAGE.fullmatch(language):
        raise OptionError(
            f"{language!r} is not a language tag.",
            hint="Give a tag such as en, fr, de or pt-BR: the page is asked for in it.",
        )
    if name is not None and (not name.strip() or not name.isprintable()):
        raise OptionError(
            "A document's name must be one line of text.", hint='For example: --name "My policy"'
        )
    chosen: dict[str, Document] = {}
    for target in targets:
        for found in _resolve(db, target.strip(), region=region, language=language):
            chosen.setdefault(found.key, found)
    documents = list(chosen.values())
    if (select or remove or name) and len(documents) != 1:
        raise OptionError(
            f"--selector, --remove and --name apply to one document, and {', '.join(targets)} "
            f"names {len(documents)}.",
            hint="Give one web address or one document key with them.",
        )
    if documents and (select or remove or name):
        documents[0] = replace(
            documents[0],
            select=tuple(select) or documents[0].select,
            remove=tuple(remove) or documents[0].remove,
            name=name or documents[0].name,
        )
    return documents


def watch_documents(db: Database, chosen: Sequence[Document]) -> None:
    """Store ``chosen`` as watched. A document whose selectors changed starts over: its next
    capture is read in full and becomes the version later ones are compared with, so the
    person's own edit is never reported as a change of the policy."""
    for new in chosen:
        old = document(db, new.key)
        save_document(db, new, added_by_user=True)
        if old is not None and (old.select, old.remove) != (new.select, new.remove):
            restart(db, new.key)


def page_document(url: str, *, language: str = "en") -> Document:
    """A page the person chose by its address: keyed ``<host>/<path>`` (and its query, when it
    has one: ``/legal?doc=terms`` and ``/legal?doc=privacy`` are two documents)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    path = _SLUG.sub("-", f"{parts.path} {parts.query}".lower()).strip("-") or "home"
    return Document(
        key=f"{host}/{path}",
        service=host,
        doc_type=path,
        name=f"{host}{parts.path if parts.path not in ('', '/') else ''}",
        language=language,
        url=url,
    )


def _resolve(db: Database, target: str, *, region: str | None, language: str) -> list[Document]:
    if re.match(r"(?i)https?://", target):
        if not urlsplit(target).hostname:
            raise OptionError(f"{target!r} is not a web address.", hint="Copy it from the browser.")
        watched = documents(db)
        same = [d for d in watched if d.url == target]
        if same:
            return same[:1]
        page = page_document(target, language=language)
        taken = {d.key for d in watched}
        key, n = page.key, 1
        while key in taken:  # another address with the same slug
            n += 1
            key = f"{page.key}-{n}"
        return [replace(page, key=key)]
    watched = document(db, target)
    if watched is not None:
        return [watched]
    if "://" in target or _HOST.match(target):
        raise OptionError(
            f"{target!r} is not a web address notrain can read.",
            hint="Write it in full, starting with https://.",
        )
    entries = find(target, region=region)
    if not entries:
        raise OptionError(
            f"There is no {target} document for the {region} in notrain's list.",
            hint="See the documents with notrain watch list --available; add a page by its "
            "address with notrain watch add https://…",
        )
    by_kind: dict[tuple[str, str], set[str]] = {}
    for entry in entries:
        by_kind.setdefault((entry.service, entry.doc_type), set()).add(entry.jurisdiction)
    regional = sorted({j for places in by_kind.values() if len(places) > 1 for j in places})
    if region is None and regional:
        raise OptionError(
            f"{target} has documents for several regions ({', '.join(regional)}).",
            hint="Say which region applies to you: EU, UK or US (with --region in a terminal).",
        )
    return [document(db, entry.key) or entry.document() for entry in entries]
