"""The history of one request as a document: what was asked, what happened, what is due.

It is the record a person keeps, or attaches to a complaint: the request's facts, the
reason as submitted, every dated step with Meta's replies quoted in full, and the
deadlines with whether they have passed. Its words come from the ``history`` template
in the person's language; everything the person or Meta wrote is escaped, so it shows
exactly as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from notrain.rights.documents import md_escape, md_unescape
from notrain.rights.model import Deadline, Document, Jurisdiction, Request
from notrain.rights.templates import TemplateProblem, render

__all__ = ["history_document"]

_PLATFORM_NAMES = {"facebook": "Facebook", "instagram": "Instagram"}


def history_document(
    request: Request,
    *,
    jurisdiction: Jurisdiction,
    deadlines: Sequence[Deadline],
    today: date,
    language: str | None = None,
    home: Path | None = None,
) -> Document:
    """The request's history, in ``language`` (default: the request's own language).

    ``deadlines`` are the request's current deadlines (from
    :func:`notrain.rights.deadlines.deadlines`); each is marked passed, due today or upcoming
    as of ``today``. ``home`` lets a person's edited template take over."""
    language = language or request.language
    markdown = render(
        "history", language, _context(request, jurisdiction, deadlines, today), home=home
    )
    first, _, body = markdown.partition("\n")
    if not first.startswith("# "):
        raise TemplateProblem(
            "The history template must start with the title as a '# ' heading.",
            hint="If you edited it, restore its first line, or delete your copy.",
        )
    return Document(
        kind="history",
        title=md_unescape(first[2:].strip()),
        markdown=body.strip() + "\n",
        language=language,
    )


def _context(
    request: Request, jurisdiction: Jurisdiction, deadlines: Sequence[Deadline], today: date
) -> dict[str, Any]:
    drafted = request.created_at.astimezone().date() if request.created_at else None
    return {
        "today": today,
        "request": {
            "number": request.id if request.id is not None else "",
            "kind": request.kind,
            "name": md_escape(request.name, inline=True),
            "email": md_escape(request.email, inline=True),
            "platforms": [
                md_escape(_PLATFORM_NAMES.get(p, p), inline=True) for p in request.platforms
            ],
            "status": request.status.value,
            "drafted": drafted,
            "submitted": request.submitted_on,
            "reference": md_escape(request.reference, inline=True),
            "reason": _quoted(request.reason),
        },
        "jurisdiction": {
            "code": md_escape(jurisdiction.code, inline=True),
            "name": md_escape(jurisdiction.name, inline=True),
            "law": md_escape(jurisdiction.law, inline=True),
        },
        "events": [
            {
                "on": event.on,
                "status": event.status.value if event.status is not None else "note",
                "note": md_escape(event.note, inline=True),
                "reference": md_escape(event.reference, inline=True),
                "reply": _quoted(event.reply),
            }
            for event in sorted(request.events, key=lambda e: e.on)
        ],
        "deadlines": [
            {
                "due": deadline.due,
                "kind": deadline.kind,
                "title": md_escape(deadline.title, inline=True),
                "law": md_escape(deadline.law, inline=True),
                "state": _state(deadline.due, today),
            }
            for deadline in sorted(deadlines, key=lambda d: d.due)
        ],
    }


def _quoted(text: str) -> str:
    """``text`` as a Markdown quote, one ``>`` per line ("" when there is no text)."""
    text = text.strip()
    if not text:
        return ""
    return "\n".join(f"> {line}".rstrip() for line in md_escape(text).split("\n"))


def _state(due: date, today: date) -> str:
    if due < today:
        return "passed"
    return "today" if due == today else "upcoming"
