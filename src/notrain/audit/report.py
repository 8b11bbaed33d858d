"""The exposure report: what an audited export shows, as numbers, one offline HTML page, CSV and JSON.

Everything here reads only an :class:`Inventory`. The page's numbers come from :func:`summary`,
so the page, ``notrain audit --json`` and ``inventory.json`` never disagree. The page is one
self-contained file a parent can open without a network: no scripts, no fonts, no images from
elsewhere (thumbnails are embedded), every value escaped, and a Content-Security-Policy that
forbids loading anything even if something slipped through.
"""

from __future__ import annotations

import base64
import csv
import heapq
import io
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from notrain.audit.model import AccountFacts, Exposure, Inventory, MediaItem, MediaKind
from notrain.audit.places import Place, map_view, places, usable
from notrain.errors import NotrainError, OutputExistsError
from notrain.output import write_atomic
from notrain.rights.facts import checklist, objection_form, third_party_form

__all__ = [
    "CSV_COLUMNS",
    "Place",
    "ReportFiles",
    "Thumbnailer",
    "csv_cell",
    "places",
    "render_html",
    "report_data",
    "summary",
    "write_report",
]

Thumbnailer = Callable[[MediaItem], bytes | None]
"""Makes a small JPEG or PNG of an item, or None when it cannot (the file is not in the export)."""

CSV_COLUMNS = (
    "platform", "kind", "uri", "is_video", "posted_at", "taken_at", "caption", "album",
    "latitude", "longitude", "location_source", "location_name", "camera", "upload_ip",
    "software", "present", "source", "exposure", "exposure_reason", "also_in",
)  # fmt: skip
"""The columns of ``inventory.csv``: every MediaItem field, the location split in four."""

TABLE_ROWS = 500
"""Items listed on the page; the rest are in inventory.csv (50,000 rows would make a page no
browser opens comfortably)."""
LIST_ROWS = 200
"""Rows of the other long lists on the page (places, missing media, problems)."""
SUMMARY_ROWS = 100
"""Entries of each list in the summary (places, cameras, IP addresses); totals say how many."""
MAP_DOTS = 2000
"""The largest places drawn on the map."""
CAPTION_CHARS = 300
"""A longer caption is cut on the page (never in the CSV and JSON)."""
THUMBNAIL_MAX_BYTES = 64 * 1024
"""A thumbnail bigger than this is left out: the caller was asked for small ones."""

_EXPOSURE_ORDER = (Exposure.PUBLIC, Exposure.LIKELY, Exposure.UNKNOWN, Exposure.NOT_PUBLIC)
_PLATFORM_NAMES = {"facebook": "Facebook", "instagram": "Instagram"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, kw_only=True)
class ReportFiles:
    """The three files :func:`write_report` wrote."""

    html: Path
    csv: Path
    json: Path


def summary(inventory: Inventory) -> dict[str, Any]:
    """The report's numbers, JSON-ready: what ``notrain audit --json`` prints.

    Keys: ``sources``; ``date_range`` (first and last posting, ISO); ``totals`` (items, photos,
    videos, and photos/videos ``by_platform``, ``by_kind``, ``by_year`` of posting, "unknown"
    for items without a date); ``exposure`` and ``exposure_by_platform`` (counts per
    :class:`Exposure` value); ``always_public`` (profile and cover photos); ``locations``
    (items with a usable position, per source, and the largest places); ``devices`` (cameras
    with their item counts, and the devices the accounts logged in from); ``ips`` (upload
    addresses with counts and first/last use, and the accounts' login addresses);
    ``missing_media``; ``problems``; ``accounts``. Long lists keep their ``SUMMARY_ROWS``
    largest entries, and a ``..._total`` says how many there are."""
    return _summary(inventory, places(inventory))


def _summary(inventory: Inventory, found: list[Place]) -> dict[str, Any]:
    by_platform: dict[str, Counter[str]] = defaultdict(Counter)
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    by_year: dict[str, Counter[str]] = defaultdict(Counter)
    exposure: Counter[str] = Counter({e.value: 0 for e in Exposure})
    exposure_by_platform: dict[str, Counter[str]] = defaultdict(Counter)
    cameras: Counter[str] = Counter()
    ips: dict[str, _Uses] = {}
    located: Counter[str] = Counter()
    first = last = None
    missing = always_public = 0
    for item in inventory.items:
        media = "videos" if item.is_video else "photos"
        posted = _utc(item.posted_at)
        year = str(posted.year) if posted else "unknown"
        by_platform[item.platform][media] += 1
        by_kind[str(item.kind)][media] += 1
        by_year[year][media] += 1
        by_year[year][item.platform] += 1
        exposure[str(item.exposure)] += 1
        exposure_by_platform[item.platform][str(item.exposure)] += 1
        if item.kind in (MediaKind.PROFILE, MediaKind.COVER):
            always_public += 1
        if item.camera:
            cameras[item.camera] += 1
        if item.upload_ip:
            ips.setdefault(item.upload_ip, _Uses()).add(posted)
        if item.location is not None and usable(item.location):
            located[item.location.source] += 1
        if not item.present:
            missing += 1
        if posted is not None:
            first = posted if first is None else min(first, posted)
            last = posted if last is None else max(last, posted)
    photos = sum(c["photos"] for c in by_platform.values())
    videos = sum(c["videos"] for c in by_platform.values())
    years = sorted(by_year, key=lambda y: (y == "unknown", y))
    upload = sorted(ips.items(), key=lambda kv: (-kv[1].count, kv[0]))
    return {
        "sources": list(inventory.sources),
        "date_range": {"first": _iso(first), "last": _iso(last)},
        "totals": {
            "items": photos + videos,
            "photos": photos,
            "videos": videos,
            "by_platform": {p: _media(c) for p, c in sorted(by_platform.items())},
            "by_kind": {k: _media(c) for k, c in sorted(by_kind.items(), key=_kind_order)},
            "by_year": {
                y: {
                    **_media(by_year[y]),
                    "by_platform": {p: by_year[y][p] for p in sorted(by_platform) if by_year[y][p]},
                }
                for y in years
            },
        },
        "exposure": {e.value: exposure[e.value] for e in _EXPOSURE_ORDER},
        "exposure_by_platform": {
            p: {e.value: c[e.value] for e in _EXPOSURE_ORDER}
            for p, c in sorted(exposure_by_platform.items())
        },
        "always_public": always_public,
        "locations": {
            "items": sum(located.values()),
            "by_source": dict(sorted(located.items())),
            "places_total": len(found),
            "places": [_place_dict(p) for p in found[:SUMMARY_ROWS]],
        },
        "devices": {
            "cameras_total": len(cameras),
            "cameras": [
                {"name": n, "items": c}
                for n, c in sorted(cameras.items(), key=lambda kv: (-kv[1], kv[0]))[:SUMMARY_ROWS]
            ],
            "account_devices": _distinct(d for a in inventory.accounts for d in a.devices),
        },
        "ips": {
            "upload_total": len(upload),
            "upload": [
                {"ip": ip, "items": u.count, "first": _iso(u.first), "last": _iso(u.last)}
                for ip, u in upload[:SUMMARY_ROWS]
            ],
            "account": _distinct(ip for a in inventory.accounts for ip in a.ips),
        },
        "missing_media": missing,
        "problems": len(inventory.problems),
        "accounts": [_account_dict(a) for a in inventory.accounts],
    }


class _Uses:
    def __init__(self) -> None:
        self.count = 0
        self.first: datetime | None = None
        self.last: datetime | None = None

    def add(self, when: datetime | None) -> None:
        self.count += 1
        if when is not None:
            self.first = when if self.first is None else min(self.first, when)
            self.last = when if self.last is None else max(self.last, when)


def render_html(
    inventory: Inventory,
    *,
    thumbnail: Thumbnailer | None = None,
    generated_at: datetime | None = None,
) -> str:
    """The report as one self-contained HTML page, written for a parent, not an engineer.

    ``thumbnail`` is called only for the items the page lists (at most ``TABLE_ROWS``); what it
    returns is embedded only when it is a small JPEG or PNG. Long lists are cut, and the page
    says how many rows are left out and that inventory.csv has them all."""
    found = places(inventory)
    return _render(inventory, found, _summary(inventory, found), thumbnail, generated_at)


def report_data(
    inventory: Inventory,
    *,
    thumbnail: Thumbnailer | None = None,
    generated_at: datetime | None = None,
) -> dict[str, Any]:
    """What the HTML page shows, as JSON-ready data, for another page to show it in its own
    way (the web app, whose security policy forbids the report's inline styles).

    The keys are the page's: ``s`` (the :func:`summary`), ``generated_at``, ``platforms``,
    ``year_bars``, ``rows`` (the listed items as in ``inventory.json``, with the shortened
    ``caption_shown``, ``place`` and ``thumb``, a data: URI or ""), ``places``, ``map`` (its dots
    name their place by ``label`` and ``count``), ``accounts``, ``missing``, ``problems``,
    ``steps``, and for each cut list how many rows were left out (``rows_omitted``...). Every
    text is as the export has it: escape it."""
    found = places(inventory)
    context = _context(inventory, found, _summary(inventory, found), thumbnail, generated_at)
    view = context["map"]
    return {
        **context,
        "generated_at": _iso(context["generated_at"]),
        "rows": [
            {
                **_item_dict(row["item"]),
                "caption_shown": row["caption"],
                "place": row["place"],
                "thumb": row["thumb"],
            }
            for row in context["rows"]
        ],
        "places": [_place_dict(p) for p in context["places"]],
        "map": None
        if view is None
        else {
            **view,
            "dots": [
                {
                    **{k: v for k, v in dot.items() if k != "place"},
                    "label": dot["place"].label,
                    "count": dot["place"].count,
                }
                for dot in view["dots"]
            ],
        },
        "accounts": [_account_dict(a) for a in context["accounts"]],
        "missing": [_item_dict(i) for i in context["missing"]],
        "problems": [{"path": p.path, "reason": p.reason} for p in context["problems"]],
        "steps": [
            {**step, "checked": step["checked"].isoformat() if step["checked"] else None}
            for step in context["steps"]
        ],
    }


def _render(
    inventory: Inventory,
    found: list[Place],
    facts: dict[str, Any],
    thumbnail: Thumbnailer | None,
    generated_at: datetime | None,
) -> str:
    context = _context(inventory, found, facts, thumbnail, generated_at)
    return _environment().get_template("audit/report.html.j2").render(context)


def _context(
    inventory: Inventory,
    found: list[Place],
    facts: dict[str, Any],
    thumbnail: Thumbnailer | None,
    generated_at: datetime | None,
) -> dict[str, Any]:
    shown = heapq.nsmallest(TABLE_ROWS, inventory.items, key=_exposure_order)
    missing = [i for i in inventory.items if not i.present]
    platforms = sorted(
        {i.platform for i in inventory.items} | {a.platform for a in inventory.accounts}
    )
    return {
        "s": facts,
        "generated_at": generated_at or datetime.now(UTC),
        "platforms": platforms,
        "year_bars": _year_bars(facts["totals"]["by_year"]),
        "rows": [_row(item, thumbnail) for item in shown],
        "rows_omitted": len(inventory.items) - len(shown),
        "places": found[:LIST_ROWS],
        "places_omitted": max(0, len(found) - LIST_ROWS),
        "map": map_view(found[:MAP_DOTS]),
        "map_omitted": max(0, len(found) - MAP_DOTS),
        "accounts": inventory.accounts,
        "missing": missing[:LIST_ROWS],
        "missing_omitted": max(0, len(missing) - LIST_ROWS),
        "problems": inventory.problems[:LIST_ROWS],
        "problems_omitted": max(0, len(inventory.problems) - LIST_ROWS),
        "steps": _next_steps(platforms),
    }


def write_report(
    inventory: Inventory,
    out_dir: Path,
    *,
    thumbnail: Thumbnailer | None = None,
    overwrite: bool = False,
) -> ReportFiles:
    """Write ``report.html``, ``inventory.csv`` and ``inventory.json`` into ``out_dir``.

    All three are made before any is written, and each is written atomically. Without
    ``overwrite``, an existing file of the three raises :class:`OutputExistsError` and nothing
    is written. The CSV is UTF-8 with a byte-order mark, so Excel shows accents and emoji
    right, and a cell that starts like a formula (= + - @) is prefixed with an apostrophe, so
    a hostile caption cannot run in a spreadsheet."""
    files = ReportFiles(
        html=out_dir / "report.html", csv=out_dir / "inventory.csv", json=out_dir / "inventory.json"
    )
    targets = (files.html, files.csv, files.json)
    if not overwrite:
        for path in targets:
            if path.exists():
                raise OutputExistsError(
                    f"{path} already exists.",
                    path=path,
                    hint="Pass --overwrite to replace the report, or choose another -o folder.",
                )
    found = places(inventory)
    facts = _summary(inventory, found)
    contents = (
        _render(inventory, found, facts, thumbnail, None).encode("utf-8"),
        _csv_text(inventory.items).encode("utf-8-sig"),
        _json_text(inventory, facts).encode("utf-8"),
    )
    for path, data in zip(targets, contents, strict=True):
        write_atomic(path, data, overwrite=overwrite)
    return files


def _csv_text(items: Iterable[MediaItem]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for item in items:
        loc = item.location if item.location is not None and usable(item.location) else None
        writer.writerow(
            [
                csv_cell(item.platform),
                csv_cell(str(item.kind)),
                csv_cell(item.uri),
                "yes" if item.is_video else "no",
                _iso(item.posted_at) or "",
                _iso(item.taken_at) or "",
                csv_cell(item.caption),
                csv_cell(item.album),
                f"{loc.latitude:.6f}" if loc else "",
                f"{loc.longitude:.6f}" if loc else "",
                csv_cell(loc.source) if loc else "",
                csv_cell(loc.name) if loc else "",
                csv_cell(item.camera),
                csv_cell(item.upload_ip),
                csv_cell(item.software),
                "yes" if item.present else "no",
                csv_cell(item.source),
                csv_cell(str(item.exposure)),
                csv_cell(item.exposure_reason),
                csv_cell("; ".join(item.also_in)),
            ]
        )
    return buffer.getvalue()


def csv_cell(text: str) -> str:
    """Text a spreadsheet shows as text: one starting like a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _json_text(inventory: Inventory, facts: dict[str, Any]) -> str:
    """``{"summary", "items", "accounts", "problems"}``, one item per line: readable, and built
    item by item so 50,000 items never exist as one big tree of dicts."""

    def dumps(value: Any, indent: int | None = None) -> str:
        return json.dumps(value, ensure_ascii=False, indent=indent)

    def array(values: Iterable[Any]) -> str:
        lines = ",\n  ".join(dumps(v) for v in values)
        return f"[\n  {lines}\n ]" if lines else "[]"

    summary_text = dumps(facts, 1).replace("\n", "\n ")  # JSON strings hold no raw newline
    items = array(_item_dict(i) for i in inventory.items)
    accounts = array(_account_dict(a) for a in inventory.accounts)
    problems = array({"path": p.path, "reason": p.reason} for p in inventory.problems)
    return (
        f'{{\n "summary": {summary_text},\n "items": {items},\n'
        f' "accounts": {accounts},\n "problems": {problems}\n}}\n'
    )


def _item_dict(item: MediaItem) -> dict[str, Any]:
    loc = item.location if item.location is not None and usable(item.location) else None
    return {
        "platform": item.platform,
        "kind": str(item.kind),
        "uri": item.uri,
        "is_video": item.is_video,
        "posted_at": _iso(item.posted_at),
        "taken_at": _iso(item.taken_at),
        "caption": item.caption,
        "album": item.album,
        "location": None
        if loc is None
        else {
            "latitude": loc.latitude,
            "longitude": loc.longitude,
            "source": loc.source,
            "name": loc.name,
        },
        "camera": item.camera,
        "upload_ip": item.upload_ip,
        "software": item.software,
        "present": item.present,
        "source": item.source,
        "exposure": str(item.exposure),
        "exposure_reason": item.exposure_reason,
        "also_in": list(item.also_in),
    }


def _account_dict(account: AccountFacts) -> dict[str, Any]:
    return {
        "platform": account.platform,
        "layout": account.layout,
        "username": account.username,
        "private_now": account.private_now,
        "privacy_changes": [
            {"at": _iso(when), "private": private} for when, private in account.privacy_changes
        ],
        "default_audience": account.default_audience,
        "devices": list(account.devices),
        "ips": list(account.ips),
    }


def _place_dict(place: Place) -> dict[str, Any]:
    return {
        "label": place.label,
        "latitude": round(place.latitude, 5),
        "longitude": round(place.longitude, 5),
        "count": place.count,
        "first": _iso(place.first),
        "last": _iso(place.last),
        "sources": list(place.sources),
        "uris": list(place.uris),
    }


def _row(item: MediaItem, thumbnail: Thumbnailer | None) -> dict[str, Any]:
    loc = item.location if item.location is not None and usable(item.location) else None
    caption = item.caption
    if len(caption) > CAPTION_CHARS:
        caption = caption[: CAPTION_CHARS - 1].rstrip() + "…"
    place = ""
    if loc is not None:
        place = loc.name or f"{loc.latitude:.2f}, {loc.longitude:.2f}"
    return {
        "item": item,
        "caption": caption,
        "place": place,
        "thumb": _data_uri(item, thumbnail) if thumbnail is not None else "",
    }


def _data_uri(item: MediaItem, thumbnail: Thumbnailer) -> str:
    """The thumbnail as a data: URI, or "" when there is none or it is not a small JPEG or PNG."""
    try:
        data = thumbnail(item)
    except (NotrainError, OSError, ValueError):
        return ""
    if not isinstance(data, bytes | bytearray) or not 0 < len(data) <= THUMBNAIL_MAX_BYTES:
        return ""
    if data.startswith(b"\xff\xd8\xff"):
        mime = "image/jpeg"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        mime = "image/png"
    else:
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _exposure_order(item: MediaItem) -> tuple[int, int, float, str]:
    """Most exposed first; within one rating, the newest first, undated last."""
    posted = _utc(item.posted_at)
    return (
        _EXPOSURE_ORDER.index(item.exposure),
        posted is None,
        -posted.timestamp() if posted else 0.0,
        item.uri,
    )


def _year_bars(by_year: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Horizontal bars, one per year, photos and videos stacked, in SVG user units."""
    width, row = 420, 22
    largest = max((c["photos"] + c["videos"] for c in by_year.values()), default=0) or 1
    bars = []
    for index, (year, counts) in enumerate(by_year.items()):
        bars.append(
            {
                "label": "no date" if year == "unknown" else year,
                "y": index * row,
                "photos": round(counts["photos"] / largest * width, 1),
                "videos": round(counts["videos"] / largest * width, 1),
                "total": counts["photos"] + counts["videos"],
            }
        )
    return {"bars": bars, "height": max(1, len(bars)) * row, "left": 70, "width": width}


def _next_steps(platforms: list[str]) -> list[dict[str, Any]]:
    """The checklist, with menu paths and form links from notrain's dated facts about Meta."""
    meta = [p for p in platforms if p in _PLATFORM_NAMES] or list(_PLATFORM_NAMES)
    wanted = {
        "checklist.facebook.limit-past-posts",
        "checklist.facebook.default-audience",
        "checklist.facebook.profile-cover-public",
        "checklist.instagram.private-account",
    }
    steps = [
        {"title": f.title, "text": f.value, "checked": f.checked, "links": [], "commands": []}
        for f in checklist(meta)
        if f.key in wanted
    ]
    steps.append(
        {
            "title": "Delete or archive what you do not want public",
            "text": "Start with the photos listed as public above, and with those that show "
            "where you live or your children's faces. Archiving (Instagram) hides a post from "
            "everyone but you; deleting removes it. Neither takes back what Meta already used.",
            "checked": None,
            "links": [],
            "commands": [],
        }
    )
    forms = [objection_form(p) for p in meta] + [third_party_form()]
    steps.append(
        {
            "title": "Object to Meta using your posts to train its AI",
            "text": "Where the law gives you the right (the EU/EEA, the UK, Switzerland, "
            "Brazil), notrain walks you through it, writes the reason to paste into Meta's "
            "form, and keeps track of Meta's answer (its guide: docs/rights.md).",
            "checked": min(f.checked for f in forms),
            "links": [{"label": f.title, "url": f.value} for f in forms],
            "commands": ["notrain object"],
        }
    )
    steps.append(
        {
            "title": "Protect your originals before you post them again",
            "text": "The photos in the export are Meta's smaller copies. notrain can find your "
            "original files for them and make protected copies to post instead: marked "
            '"not for AI training", with locations removed and an invisible watermark.',
            "checked": None,
            "links": [],
            "commands": [
                "notrain audit EXPORT --originals DIR --protect -o OUT",
                "notrain protect PHOTOS --for instagram",
            ],
        }
    )
    return steps


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("notrain", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = _long_date
    env.filters["num"] = lambda n: f"{n:,}"
    env.filters["platform"] = lambda p: _PLATFORM_NAMES.get(p, p)
    return env


def _long_date(value: date | str | None) -> str:
    """``3 March 2021``; the ISO strings of the summary are accepted too."""
    if value is None or value == "":
        return "date unknown"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def _media(counts: Counter[str]) -> dict[str, int]:
    return {"photos": counts["photos"], "videos": counts["videos"]}


def _kind_order(entry: tuple[str, Any]) -> tuple[int, str]:
    values = [k.value for k in MediaKind]
    return (values.index(entry[0]) if entry[0] in values else len(values), entry[0])


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _utc(value: datetime | None) -> datetime | None:
    """Aware in UTC, so that naive and aware moments compare (the model's times are UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _iso(value: datetime | None) -> str | None:
    moment = _utc(value)
    return moment.isoformat() if moment is not None else None
