"""Object, track, escalate: Meta's right-to-object guided per country and device, requests with
their legal deadlines, Meta's replies read, and the letters that follow a refusal or silence.

Everything here works offline and sends nothing: it writes texts the person sends.

The names below load their module on first use, so that importing one part (as every
``notrain`` command does) does not load the PDF and calendar libraries with it."""

from __future__ import annotations

import importlib
from typing import Any

_HOMES: dict[str, str] = {
    "Authority": "notrain.rights.model",
    "DEVICES": "notrain.rights.model",
    "Deadline": "notrain.rights.model",
    "Document": "notrain.rights.model",
    "Due": "notrain.rights.deadlines",
    "Event": "notrain.rights.model",
    "Fact": "notrain.rights.model",
    "Guidance": "notrain.rights.objection",
    "Jurisdiction": "notrain.rights.model",
    "LANGUAGES": "notrain.rights.model",
    "MissingGlyphs": "notrain.rights.fonts",
    "NothingToEscalate": "notrain.rights.escalation",
    "PLATFORMS": "notrain.rights.model",
    "REGIMES": "notrain.rights.model",
    "ROLES": "notrain.rights.model",
    "Request": "notrain.rights.model",
    "RequestNotFound": "notrain.rights.requests",
    "Status": "notrain.rights.model",
    "TemplateProblem": "notrain.rights.templates",
    "Triage": "notrain.rights.triage",
    "add_event": "notrain.rights.requests",
    "add_months": "notrain.rights.deadlines",
    "authorities_for": "notrain.rights.authorities",
    "authority": "notrain.rights.authorities",
    "create_request": "notrain.rights.requests",
    "deadlines": "notrain.rights.deadlines",
    "deadlines_calendar": "notrain.rights.calendar",
    "due": "notrain.rights.deadlines",
    "escalation_letters": "notrain.rights.escalation",
    "fact": "notrain.rights.facts",
    "facts_for": "notrain.rights.facts",
    "get_request": "notrain.rights.requests",
    "guide": "notrain.rights.objection",
    "history_document": "notrain.rights.history",
    "jurisdiction": "notrain.rights.jurisdictions",
    "letter": "notrain.rights.letters",
    "list_requests": "notrain.rights.requests",
    "load_facts": "notrain.rights.facts",
    "parse_status": "notrain.rights.requests",
    "read_reply": "notrain.rights.replies",
    "reason_text": "notrain.rights.reasons",
    "receipt_date": "notrain.rights.deadlines",
    "record": "notrain.rights.objection",
    "response_due": "notrain.rights.deadlines",
    "stale_facts": "notrain.rights.facts",
    "supported": "notrain.rights.jurisdictions",
    "to_markdown": "notrain.rights.documents",
    "to_pdf": "notrain.rights.documents",
    "to_text": "notrain.rights.documents",
    "triage": "notrain.rights.triage",
    "write_calendar": "notrain.rights.calendar",
    "write_document": "notrain.rights.documents",
}

__all__ = [
    "DEVICES",
    "LANGUAGES",
    "PLATFORMS",
    "REGIMES",
    "ROLES",
    "Authority",
    "Deadline",
    "Document",
    "Due",
    "Event",
    "Fact",
    "Guidance",
    "Jurisdiction",
    "MissingGlyphs",
    "NothingToEscalate",
    "Request",
    "RequestNotFound",
    "Status",
    "TemplateProblem",
    "Triage",
    "add_event",
    "add_months",
    "authorities_for",
    "authority",
    "create_request",
    "deadlines",
    "deadlines_calendar",
    "due",
    "escalation_letters",
    "fact",
    "facts_for",
    "get_request",
    "guide",
    "history_document",
    "jurisdiction",
    "letter",
    "list_requests",
    "load_facts",
    "parse_status",
    "read_reply",
    "reason_text",
    "receipt_date",
    "record",
    "response_due",
    "stale_facts",
    "supported",
    "to_markdown",
    "to_pdf",
    "to_text",
    "triage",
    "write_calendar",
    "write_document",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'notrain.rights' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
