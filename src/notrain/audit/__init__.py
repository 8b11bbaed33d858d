"""The exposure audit: what a person's Facebook and Instagram data exports show was exposed.

:func:`audit_export` reads any mix of ZIP parts and folders into an :class:`Inventory`;
:func:`write_report` writes the HTML report and the CSV and JSON inventories;
:func:`hash_originals` and :func:`match_originals` find the person's own files for the
exported photos. The names below load their module on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES: dict[str, str] = {
    "AccountFacts": "notrain.audit.model",
    "Export": "notrain.audit.archive",
    "ExportFileError": "notrain.audit.archive",
    "Exports": "notrain.audit.reading",
    "Exposure": "notrain.audit.model",
    "Inventory": "notrain.audit.model",
    "Location": "notrain.audit.model",
    "MediaItem": "notrain.audit.model",
    "MediaKind": "notrain.audit.model",
    "Problem": "notrain.audit.model",
    "audit_export": "notrain.audit.reading",
    "build": "notrain.audit.inventory",
    "hash_originals": "notrain.audit.originals",
    "match_originals": "notrain.audit.originals",
    "read_facebook": "notrain.audit.facebook",
    "read_instagram": "notrain.audit.instagram",
    "render_html": "notrain.audit.report",
    "summary": "notrain.audit.report",
    "thumbnailer": "notrain.audit.reading",
    "write_report": "notrain.audit.report",
}

__all__ = [
    "AccountFacts",
    "Export",
    "ExportFileError",
    "Exports",
    "Exposure",
    "Inventory",
    "Location",
    "MediaItem",
    "MediaKind",
    "Problem",
    "audit_export",
    "build",
    "hash_originals",
    "match_originals",
    "read_facebook",
    "read_instagram",
    "render_html",
    "summary",
    "thumbnailer",
    "write_report",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'notrain.audit' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
