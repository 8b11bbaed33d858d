"""The catalogue of documents notrain offers to watch: where each page is and what of it to keep.

The entries live in ``notrain/data/watch/documents.json``, not in code, because services move
their pages and change their markup without notice. Each entry says where its URL and CSS
selectors come from (mostly Open Terms Archive declarations) and when someone last checked
it, so that :func:`stale` can point at the entries to look at again before they break a watch.

Where one URL serves every region (the server picks the version for where the request comes
from), the entry's jurisdiction is ``GLOBAL`` and it matches every region in :func:`find`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import soupsieve

from notrain.errors import InputError, OptionError
from notrain.rights.deadlines import add_months
from notrain.rights.facts import STALE_AFTER_MONTHS
from notrain.watch.model import Document

__all__ = [
    "GLOBAL",
    "GROUPS",
    "JURISDICTIONS",
    "CatalogEntry",
    "find",
    "load_catalog",
    "regions",
    "services",
    "stale",
]

GLOBAL = "GLOBAL"
"""The jurisdiction of an entry whose one URL serves every region."""

JURISDICTIONS = ("EU", "UK", "US", GLOBAL)
"""The jurisdictions an entry can have."""

GROUPS: dict[str, tuple[str, ...]] = {
    "meta": ("facebook", "instagram", "threads", "whatsapp", "meta-ai"),
}
"""Names that stand for several services in :func:`find`."""

_REQUIRED = (
    "key",
    "name",
    "service",
    "doc_type",
    "jurisdiction",
    "language",
    "url",
    "select",
    "remove",
    "source",
    "checked",
)
_FIELDS = {*_REQUIRED, "note"}
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
_KEY = re.compile(rf"^{_SLUG}/{_SLUG}/[a-z]+-[a-z]{{2}}$")
_FIX_HINT = "Fix the entry in the catalogue file; each entry is described in its _about text."


@dataclass(frozen=True, kw_only=True)
class CatalogEntry:
    """One document notrain offers to watch, with where its facts come from."""

    key: str
    """``<service>/<doc-type>/<region>-<language>``, e.g. ``whatsapp/privacy-policy/eu-en``."""
    name: str
    """How people call it: "WhatsApp privacy policy (EU)"."""
    service: str
    doc_type: str
    jurisdiction: str
    """``EU``, ``UK``, ``US``, or ``GLOBAL`` when one URL serves every region."""
    language: str
    url: str
    select: tuple[str, ...]
    """CSS selectors for the content."""
    remove: tuple[str, ...]
    """CSS selectors for parts to drop (navigation, buttons, banners)."""
    source: str
    """Where the URL and selectors come from, e.g. an Open Terms Archive declaration."""
    checked: date
    note: str = ""
    """What else a person should know: region handling, where the selectors came from."""

    def document(self) -> Document:
        """The entry as the :class:`~notrain.watch.model.Document` a watch stores."""
        return Document(
            key=self.key,
            service=self.service,
            doc_type=self.doc_type,
            name=self.name,
            jurisdiction=self.jurisdiction,
            language=self.language,
            url=self.url,
            select=self.select,
            remove=self.remove,
            source=self.source,
            checked=self.checked,
        )

    def applies_to(self, region: str) -> bool:
        """Whether a person in ``region`` (a jurisdiction) reads this document."""
        return self.jurisdiction in (region, GLOBAL)


def load_catalog(path: Path | None = None) -> tuple[CatalogEntry, ...]:
    """Every entry of the catalogue, in file order, validated.

    Without ``path``, the packaged catalogue (read once); with one, that file (read each
    time, for tests and for checking an edited copy). Raises ``InputError`` naming the entry
    when one lacks a field, has a key that does not match its service, type, jurisdiction
    and language, a URL that is not https, a date that is not ISO ``YYYY-MM-DD``, or a
    selector that does not compile; and when two entries share a key."""
    if path is None:
        return _packaged()
    try:
        text = Path(path).read_text("utf-8")
    except OSError as error:
        raise InputError(
            f"Cannot read the catalogue {path}: {error.strerror}.", path=path
        ) from None
    return _parse(text, str(path))


@lru_cache(maxsize=1)
def _packaged() -> tuple[CatalogEntry, ...]:
    resource = resources.files("notrain").joinpath("data", "watch", "documents.json")
    return _parse(resource.read_text("utf-8"), str(resource))


def find(
    query: str,
    *,
    region: str | None = None,
    entries: Sequence[CatalogEntry] | None = None,
) -> list[CatalogEntry]:
    """The entries a query names, in catalogue order, for a person in ``region``.

    A query is a full key (``whatsapp/privacy-policy/eu-en``), a service (``facebook``, or
    ``meta`` for all five Meta services), or a service and document type
    (``instagram/terms-of-service``, ``meta/privacy-policy``). ``region`` (``EU``, ``UK``,
    ``US``, any case) keeps the entries for that region and the ``GLOBAL`` ones, so a known
    query can give an empty list. ``entries`` replaces the packaged catalogue.
    Raises ``OptionError`` for an unknown query or region, listing what is known."""
    catalog = load_catalog() if entries is None else tuple(entries)
    wanted = _region(region)
    text = query.strip().lower()
    parts = text.split("/")
    if len(parts) == 3:
        matches = [entry for entry in catalog if entry.key == text]
    elif len(parts) == 2:
        chosen = _services_named(parts[0])
        matches = [e for e in catalog if e.service in chosen and e.doc_type == parts[1]]
    elif len(parts) == 1:
        chosen = _services_named(text)
        matches = [entry for entry in catalog if entry.service in chosen]
    else:
        matches = []
    if not matches:
        raise _unknown(query, parts, catalog)
    return [entry for entry in matches if wanted is None or entry.applies_to(wanted)]


def services(entries: Iterable[CatalogEntry] | None = None) -> tuple[str, ...]:
    """The services the catalogue covers, in catalogue order."""
    catalog = load_catalog() if entries is None else entries
    return tuple(dict.fromkeys(entry.service for entry in catalog))


def regions() -> tuple[str, ...]:
    """The regions a person can choose (``GLOBAL`` entries apply to each of them)."""
    return tuple(j for j in JURISDICTIONS if j != GLOBAL)


def stale(
    entries: Iterable[CatalogEntry], today: date, months: int = STALE_AFTER_MONTHS
) -> list[CatalogEntry]:
    """The entries nobody has checked for more than ``months`` calendar months by ``today``.

    The same rule as for the rights facts (``notrain facts``): checked 25 May, an entry is
    fresh up to and including 25 November and stale from 26 November."""
    return [entry for entry in entries if add_months(entry.checked, months) < today]


def _parse(text: str, origin: str) -> tuple[CatalogEntry, ...]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"The catalogue {origin} is not valid JSON: {error.msg} (line {error.lineno}).",
            path=origin,
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise InputError(
            f"The catalogue {origin} has no list of documents.",
            path=origin,
            hint='Expected an object with a "documents" list.',
        )
    catalog = tuple(_entry(item, index, origin) for index, item in enumerate(data["documents"]))
    keys = [entry.key for entry in catalog]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise InputError(
            f"The catalogue {origin} has duplicate keys: {', '.join(duplicates)}.",
            path=origin,
            hint="Each document needs its own key.",
        )
    return catalog


def _entry(item: Any, index: int, origin: str) -> CatalogEntry:
    if not isinstance(item, dict):
        _fail(f"document #{index + 1}", origin, "is not an object")
    key = item.get("key")
    label = repr(key) if isinstance(key, str) and key else f"#{index + 1}"
    where = f"document {label}"
    missing = [name for name in _REQUIRED if name not in item]
    if missing:
        _fail(where, origin, f"lacks {', '.join(missing)}")
    unknown = sorted(set(item) - _FIELDS)
    if unknown:
        _fail(where, origin, f"has unknown fields: {', '.join(unknown)}")
    strings = ("key", "name", "service", "doc_type", "jurisdiction", "language", "source")
    for name in (*strings, "note"):
        if name in item and not isinstance(item[name], str):
            _fail(where, origin, f"has a {name} that is not text")
    for name in strings:
        if not item[name].strip():
            _fail(where, origin, f"has an empty {name}")
    if item["jurisdiction"] not in JURISDICTIONS:
        _fail(where, origin, f"has jurisdiction {item['jurisdiction']!r}", JURISDICTIONS)
    region = item["jurisdiction"].lower()
    expected = f"{item['service']}/{item['doc_type']}/{region}-{item['language']}"
    if not _KEY.match(item["key"]) or item["key"] != expected:
        _fail(
            where,
            origin,
            "has a key that is not <service>/<doc-type>/<region>-<language> of its own fields "
            f"(expected {expected!r})",
        )
    if not _is_url(item["url"], ("https",)):
        _fail(where, origin, f"has URL {item['url']!r}, which is not an https address")
    if not _is_url(item["source"], ("https", "http")):
        _fail(where, origin, "has no source URL")
    try:
        checked = date.fromisoformat(item["checked"])
    except (TypeError, ValueError):
        _fail(where, origin, f"has checked date {item['checked']!r}, not YYYY-MM-DD")
    select = _selectors(item["select"], "select", where, origin)
    if not select:
        _fail(where, origin, "has no select selector")
    remove = _selectors(item["remove"], "remove", where, origin)
    return CatalogEntry(
        key=item["key"],
        name=item["name"],
        service=item["service"],
        doc_type=item["doc_type"],
        jurisdiction=item["jurisdiction"],
        language=item["language"],
        url=item["url"],
        select=select,
        remove=remove,
        source=item["source"],
        checked=checked,
        note=item.get("note", ""),
    )


def _selectors(value: Any, field: str, where: str, origin: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        _fail(where, origin, f"has a {field} that is not a list of CSS selectors")
    for selector in value:
        try:
            soupsieve.compile(selector)
        except (soupsieve.SelectorSyntaxError, TypeError, ValueError) as error:
            reason = str(error).splitlines()[0]
            _fail(
                where,
                origin,
                f"has a {field} selector {selector!r} that does not compile: {reason}",
            )
    return tuple(value)


def _is_url(value: str, schemes: tuple[str, ...]) -> bool:
    parts = urlsplit(value)
    return parts.scheme in schemes and bool(parts.netloc)


def _fail(where: str, origin: str, problem: str, choices: Iterable[str] = ()) -> NoReturn:
    hint = f"Expected one of: {', '.join(choices)}." if choices else _FIX_HINT
    raise InputError(f"In the catalogue {origin}, {where} {problem}.", path=origin, hint=hint)


def _region(region: str | None) -> str | None:
    if region is None:
        return None
    wanted = region.strip().upper()
    if wanted not in JURISDICTIONS:
        raise OptionError(
            f"Unknown region {region!r}.", hint=f"Expected one of: {', '.join(JURISDICTIONS)}."
        )
    return wanted


def _services_named(name: str) -> tuple[str, ...]:
    return GROUPS.get(name, (name,))


def _unknown(query: str, parts: list[str], catalog: Sequence[CatalogEntry]) -> OptionError:
    known = services(catalog)
    service = parts[0]
    chosen = [s for s in _services_named(service) if s in known]
    if not chosen or len(parts) > 3:
        groups = ", ".join(f"{name!r} for {', '.join(members)}" for name, members in GROUPS.items())
        return OptionError(
            f"No watched documents for {query!r}.",
            hint=(
                f"Known services: {', '.join(known)} ({groups}). Write a service, "
                "service/document-type, or a full key such as whatsapp/privacy-policy/eu-en."
            ),
        )
    if len(parts) == 2:
        types = dict.fromkeys(e.doc_type for e in catalog if e.service in chosen)
        return OptionError(
            f"No {parts[1]!r} documents for {service!r}.",
            hint=f"Document types for {service}: {', '.join(types)}.",
        )
    keys = [e.key for e in catalog if e.service in chosen]
    return OptionError(f"No document {query!r}.", hint=f"Keys for {service}: {', '.join(keys)}.")
