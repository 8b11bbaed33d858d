"""Check a live site: which "not for AI" signals it sends, and which AI crawlers it still lets in.

:func:`check_site` reads the page, then ``/robots.txt``, ``/ai.txt`` and
``/.well-known/tdmrep.json`` on the host the page ends up on (after redirects), and reports per
signal whether it is there. For each AI crawler, robots.txt decides (``notrain.site.robots``):
a missing robots.txt (any 4xx) lets every crawler in, as RFC 9309 says; one the server fails to
send (5xx, timeout) leaves the answer unknown. A page that cannot be reached at all raises
:class:`SiteUnreachableError`; the other files failing are reported, not raised.

A web page sent for ``/robots.txt`` or ``/ai.txt`` (many hosts answer every address with the
home page) counts as no file. The network is injectable (``transport``), so tests never use it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import httpx

from notrain.errors import NotrainError, OptionError
from notrain.site.crawlers import DEFAULT_PURPOSES, Crawler, load_crawlers, select_crawlers
from notrain.site.html import ROBOTS_TOKENS, head_metas
from notrain.site.robots import MAX_ROBOTS_BYTES, RobotsFile, access, parse_robots
from notrain.site.signals import tdmrep_problems, tdmrep_rule_for
from notrain.useragent import user_agent

__all__ = [
    "USER_AGENT",
    "CrawlerAccess",
    "Signal",
    "SiteCheck",
    "SiteUnreachableError",
    "check_site",
]

SignalStatus = Literal["present", "partial", "absent", "error"]
AccessStatus = Literal["blocked", "allowed", "partly-allowed", "unknown"]

USER_AGENT = user_agent("site check")
"""How ``notrain site --check`` names itself to the site it reads."""
_MAX_PAGE = 5 * 1024 * 1024
_MAX_FILE = 1024 * 1024


class SiteUnreachableError(NotrainError):
    """The page could not be fetched at all (no answer, a name that does not resolve...)."""

    def __init__(self, message: str, *, url: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.url = url


@dataclass(frozen=True)
class Signal:
    """One way a site says "not for AI", and whether this site says it."""

    name: str
    status: SignalStatus
    detail: str


@dataclass(frozen=True)
class CrawlerAccess:
    """What the site's robots.txt lets one crawler do."""

    user_agent: str
    operator: str
    purpose: str
    status: AccessStatus
    lines: tuple[int, ...] = ()
    """robots.txt lines that let it in (``Allow`` rules, else the group that applies)."""


@dataclass(frozen=True)
class SiteCheck:
    """What :func:`check_site` found."""

    url: str
    final_url: str
    signals: tuple[Signal, ...]
    crawlers: tuple[CrawlerAccess, ...]
    search_engines: tuple[CrawlerAccess, ...]

    @property
    def all_blocked(self) -> bool:
        """Whether robots.txt blocks every AI crawler checked, everywhere."""
        return all(crawler.status == "blocked" for crawler in self.crawlers)

    def as_dict(self) -> dict[str, Any]:
        def row(item: CrawlerAccess) -> dict[str, Any]:
            return {
                "user_agent": item.user_agent,
                "operator": item.operator,
                "purpose": item.purpose,
                "status": item.status,
                "lines": list(item.lines),
            }

        return {
            "url": self.url,
            "final_url": self.final_url,
            "all_blocked": self.all_blocked,
            "signals": [
                {"name": s.name, "status": s.status, "detail": s.detail} for s in self.signals
            ],
            "crawlers": [row(c) for c in self.crawlers],
            "search_engines": [row(s) for s in self.search_engines],
        }


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes
    final_url: str

    @property
    def is_html(self) -> bool:
        kind = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        return kind in ("text/html", "application/xhtml+xml")


def check_site(
    url: str,
    *,
    purposes: Iterable[str] = DEFAULT_PURPOSES,
    transport: httpx.BaseTransport | None = None,
    timeout: float = 10.0,
) -> SiteCheck:
    """Fetch the site at ``url`` and report its signals and what robots.txt lets each crawler
    (of ``purposes``) and each search engine do.

    Raises ``OptionError`` for an address that is not http(s), and
    :class:`SiteUnreachableError` when the page cannot be fetched."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise OptionError(f"{url!r} is not a web address: it must start with https://.")
    listing = load_crawlers()
    crawlers = select_crawlers(purposes, listing.crawlers)
    with httpx.Client(
        transport=transport,
        timeout=timeout,
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT},
    ) as client:
        try:
            page = _get(client, url, _MAX_PAGE)
        except httpx.HTTPError as error:
            raise SiteUnreachableError(
                f"{url} could not be reached: {_reason(error)}.",
                url=url,
                hint="Check the address (and that the site is online), then try again.",
            ) from None
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.final_url))
        robots_answer = _try_get(client, urljoin(origin, "/robots.txt"), MAX_ROBOTS_BYTES)
        ai_answer = _try_get(client, urljoin(origin, "/ai.txt"), _MAX_FILE)
        tdm_answer = _try_get(client, urljoin(origin, "/.well-known/tdmrep.json"), _MAX_FILE)
    robots, robots_signal = _robots(robots_answer, crawlers)
    path = urlsplit(page.final_url).path or "/"
    signals = [
        robots_signal,
        _ai_txt(ai_answer),
        _tdmrep(tdm_answer, path),
        *_headers(page),
        *_metas(page),
    ]
    return SiteCheck(
        url=url,
        final_url=page.final_url,
        signals=tuple(signals),
        crawlers=tuple(_access(robots, c.user_agent, c.operator, c.purpose) for c in crawlers),
        search_engines=tuple(
            _access(robots, e.user_agent, e.operator, "search") for e in listing.search_engines
        ),
    )


def _get(client: httpx.Client, url: str, limit: int) -> _Answer:
    with client.stream("GET", url) as response:
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) >= limit:
                break
        return _Answer(
            response.status_code, response.headers, bytes(body[:limit]), str(response.url)
        )


def _try_get(client: httpx.Client, url: str, limit: int) -> _Answer | str:
    """The answer, or why there is none."""
    try:
        return _get(client, url, limit)
    except httpx.HTTPError as error:
        return _reason(error)


def _reason(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "no answer in time"
    if isinstance(error, httpx.TooManyRedirects):
        return "too many redirects"
    cause: BaseException = error
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__  # type: ignore[assignment]
    return str(cause) or type(cause).__name__


def _robots(
    answer: _Answer | str, crawlers: Sequence[Crawler]
) -> tuple[RobotsFile | None | str, Signal]:
    """The parsed robots.txt (None: there is none, so all is allowed; a text: why it is
    unknown) and its signal."""
    if isinstance(answer, str):
        return answer, Signal("robots.txt", "error", f"could not be fetched: {answer}")
    if answer.status >= 500:
        why = f"the server answered {answer.status}; crawlers wait and try again"
        return why, Signal("robots.txt", "error", why)
    if answer.status >= 400 or answer.is_html or answer.status >= 300:
        what = "a web page" if answer.status < 300 else f"{answer.status}"
        detail = f"none (the server answered {what}): every crawler may fetch everything"
        return None, Signal("robots.txt", "absent", detail)
    robots = parse_robots(answer.body, path="robots.txt", strict=False)
    blocked = sum(access(robots, c.user_agent).status == "blocked" for c in crawlers)
    status: SignalStatus = (
        "present" if blocked == len(crawlers) else "partial" if blocked else "absent"
    )
    return robots, Signal("robots.txt", status, f"blocks {blocked} of {len(crawlers)} AI crawlers")


def _access(
    robots: RobotsFile | None | str, agent: str, operator: str, purpose: str
) -> CrawlerAccess:
    if isinstance(robots, str):
        return CrawlerAccess(agent, operator, purpose, "unknown")
    if robots is None:
        return CrawlerAccess(agent, operator, purpose, "allowed")
    seen = access(robots, agent)
    lines = () if seen.status == "blocked" else (seen.allow_lines or seen.group_lines)
    return CrawlerAccess(agent, operator, purpose, seen.status, lines)


def _ai_txt(answer: _Answer | str) -> Signal:
    if isinstance(answer, str):
        return Signal("ai.txt", "error", f"could not be fetched: {answer}")
    if answer.status != 200 or answer.is_html:
        return Signal("ai.txt", "absent", "no ai.txt")
    rules = parse_robots(answer.body, path="ai.txt", strict=False)
    seen = access(rules, "*")
    if not seen.root_allowed:
        return Signal("ai.txt", "present", "disallows AI training on every file")
    some = any(
        r.kind == "disallow" and r.value
        for g in rules.groups
        if "*" in g.user_agents
        for r in g.rules
    )
    if some:
        return Signal("ai.txt", "partial", "disallows AI training on some files only")
    return Signal("ai.txt", "absent", "ai.txt is there but disallows nothing")


def _tdmrep(answer: _Answer | str, path: str) -> Signal:
    name = "tdmrep.json"
    if isinstance(answer, str):
        return Signal(name, "error", f"could not be fetched: {answer}")
    if answer.status != 200:
        return Signal(name, "absent", "no /.well-known/tdmrep.json")
    try:
        rules = json.loads(answer.body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return Signal(name, "error", "/.well-known/tdmrep.json is not valid JSON")
    problems = tdmrep_problems(rules)
    if problems:
        return Signal(name, "error", f"not a TDMRep rule list: {problems[0]}")
    rule = tdmrep_rule_for(rules, path)
    if rule is None:
        return Signal(name, "absent", f"no rule covers {path}")
    if rule["tdm-reservation"] != 1:
        return Signal(name, "absent", f"says TDM rights are not reserved for {path}")
    policy = f"; policy {rule['tdm-policy']}" if rule.get("tdm-policy") else ""
    return Signal(name, "present", f"TDM rights reserved for {path}{policy}")


def _headers(page: _Answer) -> list[Signal]:
    reservation = page.headers.get("tdm-reservation", "").strip()
    policy = page.headers.get("tdm-policy", "").strip()
    tokens = _tokens(page.headers.get_list("X-Robots-Tag"))
    return [
        Signal(
            "tdm-reservation header",
            "present" if reservation == "1" else "absent",
            f"tdm-reservation: {reservation}" + (f"; tdm-policy: {policy}" if policy else "")
            if reservation
            else "not sent",
        ),
        _token_signal("X-Robots-Tag header", tokens),
    ]


def _metas(page: _Answer) -> list[Signal]:
    if not page.is_html or not 200 <= page.status < 300:
        why = f"the page answered {page.status}" if page.status >= 300 else "not a web page"
        return [Signal("robots meta tag", "error", why)]
    metas = head_metas(page.body.decode("utf-8", errors="replace")) or []
    named = {m.attrs.get("name", "").strip().lower(): m.attrs.get("content", "") for m in metas}
    reservation = named.get("tdm-reservation", "").strip()
    return [
        _token_signal("robots meta tag", _tokens([named.get("robots", "")])),
        Signal(
            "tdm-reservation meta tag",
            "present" if reservation == "1" else "absent",
            f'content="{reservation}"' if reservation else "not in the page",
        ),
    ]


def _tokens(values: Iterable[str]) -> set[str]:
    """The robots tokens of header or meta values (``googlebot: noindex`` counts its token)."""
    tokens = set()
    for value in values:
        for part in value.split(","):
            token = part.rsplit(":", 1)[-1].strip().lower()
            if token:
                tokens.add(token)
    return tokens


def _token_signal(name: str, tokens: set[str]) -> Signal:
    found = [token for token in ROBOTS_TOKENS if token in tokens]
    if len(found) == len(ROBOTS_TOKENS):
        return Signal(name, "present", ", ".join(ROBOTS_TOKENS))
    if found:
        return Signal(name, "partial", f"{', '.join(found)} only")
    return Signal(name, "absent", "no noai or noimageai")
