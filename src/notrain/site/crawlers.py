"""Which crawlers a creator's site says no to, and which it must never block.

The list lives in ``notrain/data/site/ai_crawlers.json``, not in code: operators add crawlers
and change what they say about them. Each entry names the operator's page that describes the
crawler and when it was last read, so the list can be checked again before it goes stale.

A crawler's ``purpose`` decides whether it is named by default: ``training`` (content that may
train AI models) and ``ai-search`` (an AI product's answers and citations) are; ``user-fetch``
(one page read when a person asks an AI assistant) is not, because operators say robots.txt
may not apply to those requests, and blocking them only stops a person's own request.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, NoReturn, cast, get_args
from urllib.parse import urlsplit

from notrain.errors import InputError, OptionError

__all__ = [
    "DEFAULT_PURPOSES",
    "PURPOSES",
    "AiTxtFacts",
    "Crawler",
    "CrawlerList",
    "Purpose",
    "SearchEngine",
    "load_crawlers",
    "select_crawlers",
]

Purpose = Literal["training", "ai-search", "user-fetch"]
PURPOSES: tuple[str, ...] = get_args(Purpose)
DEFAULT_PURPOSES: tuple[str, ...] = ("training", "ai-search")
"""What ``notrain site`` blocks unless told otherwise."""

_FIX_HINT = "Fix the entry in the crawler list; the file's 'about' text describes each field."


@dataclass(frozen=True, kw_only=True)
class Crawler:
    """An AI crawler (or control token) named in robots.txt, with where that fact comes from."""

    user_agent: str
    """The robots.txt token, as its operator writes it."""
    operator: str
    purpose: Purpose
    note: str
    """What the operator says it does, in one sentence."""
    source: str
    checked: date


@dataclass(frozen=True, kw_only=True)
class SearchEngine:
    """A search crawler that notrain never blocks and checks is still allowed."""

    user_agent: str
    operator: str
    source: str
    checked: date


@dataclass(frozen=True, kw_only=True)
class AiTxtFacts:
    """Spawning's ai.txt: where it is specified and the file types its generator lists."""

    spec: str
    source: str
    checked: date
    media: dict[str, tuple[str, ...]]
    """File patterns per kind of media (image, audio, video, text, code)."""


@dataclass(frozen=True, kw_only=True)
class CrawlerList:
    """Everything in the crawler list file."""

    crawlers: tuple[Crawler, ...]
    search_engines: tuple[SearchEngine, ...]
    ai_txt: AiTxtFacts
    tdmrep_spec: str

    @property
    def checked(self) -> date:
        """The most recent day any crawler entry was read."""
        return max(crawler.checked for crawler in self.crawlers)


def load_crawlers(path: Path | None = None) -> CrawlerList:
    """The crawler list: packaged (read once), or the file at ``path`` (for tests and edits).

    Raises ``InputError`` naming the entry when one lacks a field, has an unknown purpose, a
    source that is not a web address or a date that is not ``YYYY-MM-DD``; when two entries
    share a token; and when a search engine is listed as an AI crawler."""
    if path is None:
        return _packaged()
    try:
        text = Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"Cannot read the crawler list {path}: {error}.", path=path) from None
    return _parse(text, str(path))


def select_crawlers(
    purposes: Iterable[str] = DEFAULT_PURPOSES, crawlers: Sequence[Crawler] | None = None
) -> tuple[Crawler, ...]:
    """The crawlers whose purpose is one of ``purposes``, in list order.

    Raises ``OptionError`` for a purpose notrain does not know."""
    wanted = tuple(dict.fromkeys(purposes))
    unknown = [purpose for purpose in wanted if purpose not in PURPOSES]
    if unknown:
        raise OptionError(
            f"Unknown crawler purpose {', '.join(map(repr, unknown))}: "
            f"expected one of {', '.join(PURPOSES)}."
        )
    listed = load_crawlers().crawlers if crawlers is None else crawlers
    return tuple(crawler for crawler in listed if crawler.purpose in wanted)


@lru_cache(maxsize=1)
def _packaged() -> CrawlerList:
    resource = resources.files("notrain").joinpath("data", "site", "ai_crawlers.json")
    return _parse(resource.read_text("utf-8"), str(resource))


def _parse(text: str, origin: str) -> CrawlerList:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"The crawler list {origin} is not valid JSON: {error.msg} (line {error.lineno}).",
            path=origin,
        ) from None
    if not isinstance(data, dict):
        _fail("the file", origin, "is not a JSON object")
    for key in ("crawlers", "search_engines"):
        if not isinstance(data.get(key), list) or not data[key]:
            _fail("the file", origin, f"has no list of {key.replace('_', ' ')}")
    crawlers = tuple(_crawler(item, n, origin) for n, item in enumerate(data["crawlers"]))
    engines = tuple(_engine(item, n, origin) for n, item in enumerate(data["search_engines"]))
    tokens = [crawler.user_agent.lower() for crawler in crawlers]
    duplicates = sorted({token for token in tokens if tokens.count(token) > 1})
    if duplicates:
        _fail("the crawler list", origin, f"names {', '.join(duplicates)} more than once")
    searching = {engine.user_agent.lower() for engine in engines}
    clashes = sorted(searching.intersection(tokens))
    if clashes:
        _fail("the crawler list", origin, f"lists search engines as AI crawlers: {clashes}")
    return CrawlerList(
        crawlers=crawlers,
        search_engines=engines,
        ai_txt=_ai_txt(data.get("ai_txt"), origin),
        tdmrep_spec=_url(_section(data.get("tdmrep"), "tdmrep", origin), "spec", "tdmrep", origin),
    )


def _crawler(item: Any, index: int, origin: str) -> Crawler:
    where = _where(item, index, "crawler")
    fields = _fields(item, where, origin, ("user_agent", "operator", "purpose", "note"))
    if fields["purpose"] not in PURPOSES:
        _fail(where, origin, f"has purpose {fields['purpose']!r}, expected one of {PURPOSES}")
    _check_token(fields["user_agent"], where, origin)
    return Crawler(
        user_agent=fields["user_agent"],
        operator=fields["operator"],
        purpose=cast(Purpose, fields["purpose"]),
        note=fields["note"],
        source=_url(item, "source", where, origin),
        checked=_date(item, where, origin),
    )


def _engine(item: Any, index: int, origin: str) -> SearchEngine:
    where = _where(item, index, "search engine")
    fields = _fields(item, where, origin, ("user_agent", "operator"))
    _check_token(fields["user_agent"], where, origin)
    return SearchEngine(
        user_agent=fields["user_agent"],
        operator=fields["operator"],
        source=_url(item, "source", where, origin),
        checked=_date(item, where, origin),
    )


def _ai_txt(item: Any, origin: str) -> AiTxtFacts:
    section = _section(item, "ai_txt", origin)
    media = section.get("media")
    if not isinstance(media, dict) or not media:
        _fail("ai_txt", origin, "has no media lists")
    kinds: dict[str, tuple[str, ...]] = {}
    for kind, patterns in media.items():
        if not isinstance(patterns, list) or not all(
            isinstance(p, str) and p.startswith("*.") and p.strip() == p for p in patterns
        ):
            _fail(f"ai_txt media {kind!r}", origin, "is not a list of patterns like '*.jpg'")
        kinds[kind] = tuple(patterns)
    return AiTxtFacts(
        spec=_url(section, "spec", "ai_txt", origin),
        source=_url(section, "source", "ai_txt", origin),
        checked=_date(section, "ai_txt", origin),
        media=kinds,
    )


def _section(item: Any, name: str, origin: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        _fail("the file", origin, f"has no {name} section")
    return item


def _where(item: Any, index: int, kind: str) -> str:
    token = item.get("user_agent") if isinstance(item, dict) else None
    return f"{kind} {token!r}" if isinstance(token, str) and token else f"{kind} #{index + 1}"


def _fields(item: Any, where: str, origin: str, names: tuple[str, ...]) -> dict[str, str]:
    if not isinstance(item, dict):
        _fail(where, origin, "is not an object")
    missing = [name for name in (*names, "source", "checked") if name not in item]
    if missing:
        _fail(where, origin, f"lacks {', '.join(missing)}")
    for name in names:
        if not isinstance(item[name], str) or not item[name].strip():
            _fail(where, origin, f"has an empty or non-text {name}")
    return {name: item[name] for name in names}


def _check_token(token: str, where: str, origin: str) -> None:
    if token == "*" or any(c.isspace() or c in "#:" for c in token):
        _fail(where, origin, f"has {token!r}, which is not a robots.txt user-agent token")


def _url(item: dict[str, Any], name: str, where: str, origin: str) -> str:
    value = item.get(name)
    if not isinstance(value, str):
        _fail(where, origin, f"has no web address in {name}")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        _fail(where, origin, f"has no web address in {name}")
    return value


def _date(item: dict[str, Any], where: str, origin: str) -> date:
    try:
        return date.fromisoformat(item["checked"])
    except (KeyError, TypeError, ValueError):
        _fail(where, origin, "has a checked date that is not YYYY-MM-DD")


def _fail(where: str, origin: str, problem: str) -> NoReturn:
    raise InputError(
        f"In the crawler list {origin}, {where} {problem}.", path=origin, hint=_FIX_HINT
    )
