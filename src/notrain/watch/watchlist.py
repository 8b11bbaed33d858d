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
from notrain.watch.versions import document, documents

if TYPE_CHECKING:
    from notrain.store.database import Database

__all__ = ["page_document", "resolve_targets"]

_SLUG = re.compile(r"[^a-z0-9]+")


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


def page_document(url: str, *, language: str = "en") -> Document:
    """A page the person chose by its address: keyed ``<host>/<path>``, named after both."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    path = _SLUG.sub("-", parts.path.lower()).strip("-") or "home"
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
        same = [d for d in documents(db) if d.url == target]
        return same[:1] or [page_document(target, language=language)]
    watched = document(db, target)
    if watched is not None:
        return [watched]
    if "://" in target or target.startswith("www."):
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
            hint="Say which applies to you with --region EU, UK or US.",
        )
    return [entry.document() for entry in entries]
