"""Fetch a watched page over HTTP, politely, and say in plain words why when it cannot be read.

:class:`Fetcher` reads one page at a time with an honest User-Agent, a timeout, and conditional
requests: a page that has not changed since the last check costs the site a ``304`` and no
body. What passes is retried with exponential backoff (timeouts, dropped connections, ``429``
and ``5xx`` answers), waiting as long as a ``Retry-After`` header asks; a site that asks for
more than :data:`MAX_RETRY_AFTER` is not retried before the next check. What will not pass is
not retried: other ``4xx`` answers, a name that does not resolve, a certificate that does not
verify.

What comes back is limited: the body is read as it arrives and abandoned past ``max_bytes``;
only HTML is accepted (``text/html``, ``application/xhtml+xml``, or no type at all when the body
is HTML). Plain text is refused like a PDF: the extractor reads web pages, and a document
published otherwise can be followed through the Open Terms Archive. A redirect to a login,
checkpoint or consent page, on any host, is a failure and not a capture of the policy.

Every failure is a :class:`FetchError` whose ``kind`` says which, so one pass over many
documents reports each failure and goes on with the others.
"""

from __future__ import annotations

import codecs
import random
import re
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Literal, Self, get_args
from urllib.parse import urlsplit

import httpx

from notrain.errors import NotrainError
from notrain.useragent import user_agent

__all__ = [
    "FETCH_ERROR_KINDS",
    "MAX_REDIRECTS",
    "MAX_RETRY_AFTER",
    "RETRY_STATUSES",
    "USER_AGENT",
    "FetchError",
    "FetchErrorKind",
    "Fetched",
    "Fetcher",
    "Validators",
]

USER_AGENT = user_agent("policy watch")
"""Who is asking: a person's copy of notrain checking a policy, not a browser in disguise."""

FetchErrorKind = Literal[
    "timeout", "dns", "connection", "tls", "http", "login", "not-html", "too-large", "redirects"
]
FETCH_ERROR_KINDS: frozenset[str] = frozenset(get_args(FetchErrorKind))

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Answers that say "not now" rather than "no": worth another try after a pause."""
MAX_RETRY_AFTER = 60.0
"""The longest pause (seconds) between two attempts; a site asking for more is left alone
until the next check."""
MAX_REDIRECTS = 10

_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_JITTER = 0.1
"""Up to this share of a backoff pause is added at random, so that many copies of notrain
started by the same timer do not retry in step."""

_RETRY_HINT = "This is usually temporary: notrain tries again at the next check."
_URL_HINT = "Check the document's address with `notrain watch list`."
_OTA_HINT = (
    "The site blocks automated readers: follow the Open Terms Archive, which records this "
    "document, instead (`notrain watch import-ota PATH`, see its --help)."
)
_LOGIN_HOSTS = frozenset(
    {"accounts.google.com", "consent.google.com", "consent.youtube.com", "login.live.com",
     "login.microsoftonline.com", "login.yahoo.com", "guce.yahoo.com", "consent.yahoo.com"}
)  # fmt: skip
_LOGIN_HOST_PREFIXES = ("login.", "signin.", "consent.", "auth.")
_LOGIN_PATH = re.compile(
    r"/(?:login|log-in|log_in|signin|sign-in|sign_in|signup|servicelogin|checkpoint|authwall|"
    r"challenge|consent|oauth|authorize|uas/login|accounts/login|i/flow/login)(?:[./?;]|$)",
    re.IGNORECASE,
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_LEGACY_LATIN = frozenset({"iso8859-1", "ascii"})
"""Labels that browsers read as windows-1252 (the WHATWG Encoding standard), as must we."""


@dataclass(frozen=True)
class Validators:
    """What a server said identifies the version it sent, to ask next time "only if changed"."""

    etag: str = ""
    last_modified: str = ""

    def headers(self) -> dict[str, str]:
        """The conditional request headers these validators make."""
        headers: dict[str, str] = {}
        if _sendable(self.etag):
            headers["If-None-Match"] = self.etag
        if _sendable(self.last_modified):
            headers["If-Modified-Since"] = self.last_modified
        return headers


def _sendable(value: str) -> bool:
    """Whether a validator can go back in a header: printable ASCII only (a server may send
    anything; httpx refuses to send what is not ASCII)."""
    return bool(value) and value.isascii() and value.isprintable()


@dataclass(frozen=True, kw_only=True)
class Fetched:
    """One successful fetch: the page's HTML, or word that it has not changed (``304``)."""

    url: str
    """The address asked for."""
    final_url: str
    """Where the redirects, if any, ended."""
    status: int
    not_modified: bool
    """The server answered ``304``: the page is the one last fetched, and ``text`` is empty."""
    text: str
    """The body, decoded with the charset the response declares (header, BOM or ``<meta>``),
    else UTF-8 when it decodes, else windows-1252."""
    content_type: str
    validators: Validators
    """The response's, to send on the next fetch (on a ``304``, the ones sent, updated)."""
    fetched_at: datetime
    """When the response came (UTC)."""


class FetchError(NotrainError):
    """A page could not be fetched; ``kind`` says why (one of :data:`FETCH_ERROR_KINDS`)."""

    def __init__(
        self,
        message: str,
        *,
        kind: FetchErrorKind,
        url: str,
        status: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.kind = kind
        self.url = url
        self.status = status


class _Transient(Exception):
    """A failure worth another try, after ``retry_after`` seconds when the server said so."""

    def __init__(self, error: FetchError, retry_after: float | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.retry_after = retry_after


class Fetcher:
    """Fetches pages with one HTTP client; use it as a context manager, or call :meth:`close`.

    ``transport`` replaces the network (tests give an ``httpx.MockTransport``); ``timeout`` is
    per connect, read and write, in seconds, and ``total_timeout`` bounds one whole download
    (a server dripping bytes never times out a read); ``retries`` is how many more attempts a transient
    failure gets, ``backoff`` the first pause (doubled each time); ``sleep`` is how to pause."""

    def __init__(
        self,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 20.0,
        total_timeout: float = 120.0,
        retries: int = 3,
        backoff: float = 1.0,
        max_bytes: int = 10_000_000,
        user_agent: str = USER_AGENT,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = httpx.Client(
            transport=transport,
            timeout=timeout,
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={"User-Agent": user_agent, "Accept": _ACCEPT},
        )
        self._timeout = timeout
        self._total = total_timeout
        self._retries = max(0, retries)
        self._backoff = backoff
        self._max_bytes = max_bytes
        self._sleep = sleep

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections this fetcher holds open."""
        self._client.close()

    def fetch(
        self, url: str, *, validators: Validators | None = None, language: str = "en"
    ) -> Fetched:
        """The page at ``url``, asked for in ``language``, only if changed when ``validators``
        are given. Raises :class:`FetchError`."""
        _check_url(url)
        sent = validators or Validators()
        headers = {"Accept-Language": language, **sent.headers()}
        for attempt in range(self._retries + 1):
            try:
                return self._attempt(url, headers, sent)
            except _Transient as transient:
                error, wait = transient.error, transient.retry_after
                if wait is not None and wait > MAX_RETRY_AFTER:
                    raise _gave_up(error, attempt + 1, asked=wait) from None
                if attempt == self._retries:
                    raise _gave_up(error, attempt + 1) from None
                if wait is None:
                    pause = self._backoff * 2**attempt
                    wait = pause + random.uniform(0, pause * _JITTER)
                self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, url: str, headers: dict[str, str], sent: Validators) -> Fetched:
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                return self._read(url, response, sent)
        except httpx.TimeoutException as exc:
            raise _Transient(
                FetchError(
                    f"{url} did not answer within {self._timeout:g} seconds "
                    f"({_describe_timeout(exc)}).",
                    kind="timeout",
                    url=url,
                    hint=_RETRY_HINT,
                )
            ) from exc
        except httpx.TooManyRedirects as exc:
            raise FetchError(
                f"{url} redirects in a loop (more than {MAX_REDIRECTS} redirects), often a "
                "cookie or login check that automated readers cannot pass.",
                kind="redirects",
                url=url,
                hint=f"{_URL_HINT} {_OTA_HINT}",
            ) from exc
        except httpx.TransportError as exc:
            raise _network_error(url, exc) from exc
        except httpx.DecodingError as exc:
            raise FetchError(
                f"{url} sent a response that could not be decoded ({exc}).",
                kind="http",
                url=url,
                hint=_RETRY_HINT,
            ) from exc
        except httpx.InvalidURL as exc:
            raise _not_a_web_address(url, str(exc)) from exc
        except httpx.HTTPError as exc:
            raise FetchError(
                f"{url} could not be fetched: {exc}.", kind="connection", url=url, hint=_RETRY_HINT
            ) from exc

    def _read(self, url: str, response: httpx.Response, sent: Validators) -> Fetched:
        final_url = str(response.url)
        status = response.status_code
        if _looks_like_login(final_url) and not _looks_like_login(url):
            raise FetchError(
                f"{url} sent notrain to a login or consent page ({final_url}) instead of the "
                "document.",
                kind="login",
                url=url,
                status=status,
                hint=_OTA_HINT,
            )
        if status == 304:
            return Fetched(
                url=url,
                final_url=final_url,
                status=status,
                not_modified=True,
                text="",
                content_type=response.headers.get("Content-Type", ""),
                validators=Validators(
                    etag=response.headers.get("ETag", sent.etag),
                    last_modified=response.headers.get("Last-Modified", sent.last_modified),
                ),
                fetched_at=datetime.now(UTC),
            )
        if status in RETRY_STATUSES:
            raise _Transient(
                _http_error(url, response), _retry_after(response.headers.get("Retry-After"))
            )
        if not 200 <= status < 300:
            raise _http_error(url, response)
        content_type = response.headers.get("Content-Type", "")
        mime = content_type.split(";")[0].strip().lower()
        if mime and mime not in _HTML_TYPES:
            raise _not_html(url, f"a {mime} file")
        body = self._body(url, response)
        if not mime and not _looks_like_html(body):
            raise _not_html(url, "something without a content type that is not HTML")
        return Fetched(
            url=url,
            final_url=final_url,
            status=status,
            not_modified=False,
            text=_decode(body, response.charset_encoding),
            content_type=content_type,
            validators=Validators(
                etag=_validator(response.headers.get("ETag", "")),
                last_modified=_validator(response.headers.get("Last-Modified", "")),
            ),
            fetched_at=datetime.now(UTC),
        )

    def _body(self, url: str, response: httpx.Response) -> bytes:
        """The body, read as it arrives and abandoned as soon as it passes the size limit."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise self._too_large(url, f"it announces {_megabytes(int(declared))}")
        body = bytearray()
        deadline = time.monotonic() + self._total
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > self._max_bytes:
                raise self._too_large(url, "it was larger")
            if time.monotonic() > deadline:
                raise FetchError(
                    f"{url} took more than {_duration(self._total)} to arrive "
                    f"({_megabytes(len(body))} so far); notrain gave up.",
                    kind="timeout",
                    url=url,
                    hint=_RETRY_HINT,
                )
        return bytes(body)

    def _too_large(self, url: str, what: str) -> FetchError:
        limit = _megabytes(self._max_bytes)
        return FetchError(
            f"{url} is too large to be a policy page: notrain reads up to {limit}, and {what}.",
            kind="too-large",
            url=url,
            hint=f"{_URL_HINT} It should be the page of the document itself, not a download.",
        )


def _validator(value: str) -> str:
    """A validator worth keeping: one that :meth:`Validators.headers` can send back."""
    return value if _sendable(value) else ""


def _gave_up(error: FetchError, attempts: int, *, asked: float | None = None) -> FetchError:
    """``error`` as reported when notrain stops trying: how long the site asked it to wait, or
    how often it tried."""
    if asked is not None:
        message = f"{error.message} The site asked to come back in {_duration(asked)}."
    elif attempts > 1:
        message = f"{error.message.removesuffix('.')} (tried {attempts} times)."
    else:
        return error
    return FetchError(message, kind=error.kind, url=error.url, status=error.status, hint=error.hint)


def _network_error(url: str, exc: httpx.TransportError) -> FetchError | _Transient:
    """What a failure below HTTP means: a name that does not resolve and a certificate that
    does not verify are final; a refused or dropped connection is worth another try."""
    if _caused_by(exc, socket.gaierror):
        host = urlsplit(url).hostname
        return FetchError(
            f"The name {host} in {url} could not be found (DNS): the address has a typo, the "
            "site no longer exists, or this computer is offline.",
            kind="dns",
            url=url,
            hint=f"{_URL_HINT} Then check your internet connection.",
        )
    if _caused_by(exc, ssl.SSLError):
        return FetchError(
            f"A secure connection to {url} could not be made: {_cause_text(exc)}.",
            kind="tls",
            url=url,
            hint=(
                "Check that this computer's date and time are right; otherwise a network "
                "filter or the site itself is at fault, and notrain tries again at the next "
                "check."
            ),
        )
    if isinstance(exc, httpx.UnsupportedProtocol):
        return _not_a_web_address(url, str(exc))
    return _Transient(
        FetchError(
            f"The connection to {url} failed: {_cause_text(exc)}.",
            kind="connection",
            url=url,
            hint=f"Check your internet connection. {_RETRY_HINT}",
        )
    )


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError as exc:
        raise _not_a_web_address(url, str(exc)) from None
    if not usable:
        raise _not_a_web_address(url, "it must start with http:// or https://")


def _not_a_web_address(url: str, why: str) -> FetchError:
    return FetchError(
        f"{url!r} is not a web address notrain can fetch ({why.rstrip('.')}).",
        kind="connection",
        url=url,
        hint=_URL_HINT,
    )


def _http_error(url: str, response: httpx.Response) -> FetchError:
    status = response.status_code
    answer = f"{status} {response.reason_phrase}".strip()
    if status in (401, 403, 451):
        hint = _OTA_HINT
    elif status in RETRY_STATUSES:
        hint = _RETRY_HINT
    elif status in (404, 410):
        hint = (
            f"The page has moved or gone. {_URL_HINT} Find the document's new address and "
            "update it (`notrain watch add URL`)."
        )
    else:
        hint = _URL_HINT
    return FetchError(
        f"{url} could not be fetched: the server answered {answer}.",
        kind="http",
        url=url,
        status=status,
        hint=hint,
    )


def _not_html(url: str, what: str) -> FetchError:
    return FetchError(
        f"{url} is {what}, not a web page (notrain reads HTML pages).",
        kind="not-html",
        url=url,
        hint=f"{_URL_HINT} It should be the page of the document itself, not a download.",
    )


def _looks_like_login(url: str) -> bool:
    """Whether ``url`` is a login, checkpoint or consent page rather than a document."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in _LOGIN_HOSTS or host.startswith(_LOGIN_HOST_PREFIXES):
        return True
    return bool(_LOGIN_PATH.search(parts.path))


def _looks_like_html(body: bytes) -> bool:
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<!--"))


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (a number, or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _decode(body: bytes, declared: str | None) -> str:
    """``body`` as text: a byte-order mark, the declared charset, a ``<meta>`` charset, UTF-8
    when it decodes cleanly, else windows-1252 (what browsers assume for old pages)."""
    for bom, marked in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if body.startswith(bom):
            return body.decode(marked, errors="replace")
    meta = _META_CHARSET.search(body[:4096])
    for label in (declared, meta[1].decode("ascii") if meta else None):
        if encoding := _encoding(label):
            return body.decode(encoding, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def _encoding(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    if name in _LEGACY_LATIN:
        return "cp1252"
    return "utf-8" if name.startswith("utf-16") else name  # a page cannot be UTF-16 without a BOM


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``kind`` is anywhere in the chain of causes of ``exc`` (httpx wraps httpcore,
    which wraps the socket or ssl error)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _cause_text(exc: BaseException) -> str:
    """The innermost cause's words ("[Errno 111] Connection refused"), or its class name."""
    innermost, seen = exc, {id(exc)}
    while (inner := innermost.__cause__ or innermost.__context__) and id(inner) not in seen:
        innermost = inner
        seen.add(id(inner))
    return str(innermost) or type(innermost).__name__


def _describe_timeout(exc: httpx.TimeoutException) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "no connection could be made"
    if isinstance(exc, httpx.ReadTimeout):
        return "it connected, then stopped sending"
    return "the request stalled"


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.0f} hours"
