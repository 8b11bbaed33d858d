"""The words notrain uses to tell a person that a policy changed, shared by every output.

The terminal summary, the Atom feed and the e-mail all say a change the same way: a
:func:`headline` ("Facebook privacy policy (EU) changed on 28 May 2025"), a plain-language
paragraph (:func:`describe`) that ends with what the person can do about it, and the sentences
themselves, as text (:func:`sentence_lines`) or as escaped HTML with the AI terms marked
(:func:`change_html`). Dates are written out in English whatever the machine's locale.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from notrain.watch.diff import sentence_display
from notrain.watch.model import Change, Document, document_name

__all__ = [
    "OBJECT_ADVICE",
    "change_html",
    "describe",
    "document_for",
    "explain",
    "headline",
    "highlight_html",
    "highlight_parts",
    "long_date",
    "meta_service",
    "sentence_labels",
    "sentence_lines",
    "service_name",
    "web_url",
]

OBJECT_ADVICE = "You can object: notrain object"
"""What a person can do about an AI change at Meta (``notrain object`` guides the objection)."""

_META_SERVICES = frozenset(
    {"meta", "meta ai", "facebook", "instagram", "threads", "whatsapp", "messenger", "oculus"}
)
"""Services whose AI training the objection that ``notrain object`` guides covers."""

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(day: date | datetime) -> str:
    """``28 May 2025``: the same on every machine (``strftime("%B")`` follows the locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def document_for(change: Change, documents: Mapping[str, Document]) -> Document:
    """The document ``change`` belongs to, or one made from its key when it is not known
    (a document removed from the watch list since the change was found)."""
    known = documents.get(change.document)
    if known is not None:
        return known
    service, _, rest = change.document.partition("/")
    return Document(key=change.document, service=service, doc_type=rest.partition("/")[0])


def service_name(document: Document) -> str:
    """The service as people write it: ``facebook`` gives ``Facebook``."""
    service = document.service.replace("-", " ").replace("_", " ").strip()
    service = service or document.key.partition("/")[0]
    return service[:1].upper() + service[1:]


def meta_service(document: Document) -> bool:
    """Whether the document is one of Meta's services, where ``notrain object`` applies."""
    names = {document.service, document.key.partition("/")[0]}
    return any(
        " ".join(name.replace("-", " ").split()).casefold() in _META_SERVICES for name in names
    )


def headline(change: Change, document: Document) -> str:
    """``Facebook privacy policy (EU) changed on 28 May 2025``.

    The date is when the change was captured; a date the new text states for itself is added
    when it differs ("(effective 26 June 2025)"), as stated dates can be earlier, later, or
    even go backwards from one version to the next."""
    text = f"{document_name(document)} changed on {long_date(change.captured)}"
    if change.effective is not None and change.effective != change.captured.date():
        text += f" (effective {long_date(change.effective)})"
    return text


def describe(change: Change, document: Document) -> str:
    """The :func:`headline`, then :func:`explain`."""
    return f"{headline(change, document)}. {explain(change, document)}"


def explain(change: Change, document: Document, *, object_advice: str = OBJECT_ADVICE) -> str:
    """What the change says, in plain words, and for a change about AI training what the
    person can do: ``object_advice`` at Meta (by default, ``notrain object``; the web app points
    at its own page), the service's own settings elsewhere. A removal is only described: there
    is nothing new to act on."""
    text = change.summary.strip() or _counted(change)
    if change.ai_related and change.kind != "removed":
        text += f" {_advice(document, object_advice)}"
    return text


def _advice(document: Document, object_advice: str) -> str:
    if meta_service(document):
        return object_advice
    return (
        f"Look in {service_name(document)}'s privacy settings for a way to opt out of AI training."
    )


def _counted(change: Change) -> str:
    """A description for a change that was not summarised: how many sentences changed."""
    if change.kind == "reworded":
        return f"{_sentences(len(change.added))} reworded."
    parts = [
        f"{_sentences(count)} {verb}"
        for count, verb in ((len(change.added), "added"), (len(change.removed), "removed"))
        if count
    ]
    return (", ".join(parts) or "No sentence changed") + "."


def _sentences(count: int) -> str:
    return f"{count} sentence{'s' if count != 1 else ''}"


def sentence_labels(change: Change) -> tuple[str, str]:
    """What the added and the removed sentences are called: "Added" and "Removed", or for a
    rewording "Now reads" and "Used to read"."""
    if change.kind == "reworded":
        return "Now reads", "Used to read"
    return "Added", "Removed"


def sentence_lines(change: Change) -> list[str]:
    """The sentences as plain text lines: a label, then ``+`` for each added sentence (or new
    wording) and ``-`` for each removed one, link targets left out as a reader sees them."""
    lines: list[str] = []
    added_label, removed_label = sentence_labels(change)
    for label, mark, group in (
        (removed_label, "-", change.removed),
        (added_label, "+", change.added),
    ):
        if group:
            lines.append(f"{label}:")
            lines.extend(f"  {mark} {sentence_display(sentence)}" for sentence in group)
    return lines


def highlight_parts(sentence: str, terms: Iterable[str]) -> list[tuple[str, bool]]:
    """``sentence`` as a reader sees it (link targets left out), cut into pieces of plain text,
    each with whether it is one of ``terms`` (any case, whole words): what a page marks."""
    text = sentence_display(sentence)
    spans: list[tuple[int, int]] = []
    for term in terms:
        words = r"\s+".join(re.escape(word) for word in term.split())
        if words:
            pattern = re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)
            spans.extend(match.span() for match in pattern.finditer(text))
    parts: list[tuple[str, bool]] = []
    position = 0
    for start, end in _merged(spans):
        if start > position:
            parts.append((text[position:start], False))
        parts.append((text[start:end], True))
        position = end
    if position < len(text) or not parts:
        parts.append((text[position:], False))
    return parts


def highlight_html(sentence: str, terms: Iterable[str]) -> str:
    """``sentence`` as escaped HTML, every occurrence of ``terms`` marked: ``<mark>`` for a
    highlight, with ``<strong>`` inside for the readers whose sanitiser drops ``<mark>``.

    The sentence is policy text from the web: it is escaped whole, so markup in it (a
    ``<script>``) is shown, never run."""
    return "".join(
        f"<mark><strong>{html.escape(text)}</strong></mark>" if marked else html.escape(text)
        for text, marked in highlight_parts(sentence, terms)
    )


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def web_url(url: str) -> bool:
    """Whether ``url`` is a web address that is safe to link to (not ``javascript:``)."""
    return url.lower().startswith(("https://", "http://"))


def change_html(change: Change, document: Document) -> str:
    """An HTML fragment for one change: the description, the removed and the added sentences
    as lists (in the document's language, AI terms marked), and a link to the document."""
    parts = [f"<p>{html.escape(describe(change, document))}</p>"]
    added_label, removed_label = sentence_labels(change)
    language = html.escape(document.language or "en", quote=True)
    for label, group in ((removed_label, change.removed), (added_label, change.added)):
        if group:
            items = "".join(
                f"<li>{highlight_html(sentence, change.ai_terms)}</li>" for sentence in group
            )
            parts.append(f'<p>{label}:</p>\n<ul lang="{language}">{items}</ul>')
    if web_url(document.url):
        url = html.escape(document.url, quote=True)
        parts.append(f'<p><a href="{url}">Read the {html.escape(document_name(document))}</a></p>')
    return "\n".join(parts)
