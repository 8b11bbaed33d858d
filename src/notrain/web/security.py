"""What keeps other web pages and other people away from the app.

- **Host**: only the names the server was started for are answered (a page on another site
  cannot reach it by pointing its own domain at 127.0.0.1: DNS rebinding).
- **Origin**: a request that changes anything (POST and friends) must come from a page of the
  app itself: its ``Origin`` (or, failing that, ``Referer``) must be the app's own.
- **CSRF token**: and it must carry the session's token (a form field ``csrf`` or the header
  ``X-CSRF-Token``), an HMAC of the session cookie under a secret kept in the data folder.
- **Size**: a request body larger than :data:`MAX_BODY` is refused before it is read.
- **Headers**: a Content-Security-Policy with no inline scripts or styles and no framing,
  ``nosniff``, no referrer sent elsewhere, and pages not cached.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

from notrain.web.jobs import private_folder

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "MAX_BODY",
    "SESSION_COOKIE",
    "SecurityMiddleware",
    "check_csrf",
    "csrf_token",
    "load_secret",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

SESSION_COOKIE = "notrain_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
MAX_BODY = 1024 * 1024 * 1024
"""The largest request body (1 GiB): the page uploads photos in batches well under it."""

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SESSION_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; "
    "script-src 'self'; "
    "style-src 'self'; "
    "img-src 'self' data: blob:; "
    "font-src 'self'; "
    "connect-src 'self'; "
    "object-src 'none'; "
    "base-uri 'none'; "
    "form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on forms.
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)


def load_secret(home: Path) -> bytes:
    """The key that signs CSRF tokens, made once and kept (owner-only) in the private folder, so
    that a page opened before a restart still works after it."""
    path = private_folder(home) / "secret"
    try:
        secret = path.read_bytes()
        if len(secret) >= 32:
            return secret
    except FileNotFoundError:
        pass
    secret = secrets.token_bytes(32)
    temporary = path.with_name(f".secret-{secrets.token_hex(4)}")
    temporary.write_bytes(secret)
    try:
        temporary.chmod(0o600)
    except OSError:
        pass
    temporary.replace(path)
    return secret


def csrf_token(request: Request) -> str:
    """The token the session's forms carry."""
    secret: bytes = request.app.state.secret
    session: str = request.scope.get("notrain_session", "")
    return hmac.new(secret, session.encode(), hashlib.sha256).hexdigest()


async def check_csrf(request: Request) -> None:
    """A dependency of every router: a request that changes something must carry the token."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
            from notrain.web.forms import read_form

            value = (await read_form(request)).get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, csrf_token(request)):
        raise HTTPException(
            403,
            "This form has expired or did not come from notrain. Reload the page and try again.",
        )


class SecurityMiddleware:
    """Host and Origin checks, the session cookie, the body limit and the security headers."""

    def __init__(self, app: Callable[..., Awaitable[None]], *, hosts: set[str]) -> None:
        self.app = app
        self.hosts = {host.lower().strip("[]") for host in hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {
            key.decode("latin-1").lower(): value.decode("latin-1")
            for key, value in scope["headers"]
        }
        host = headers.get("host", "")
        if _hostname(host) not in self.hosts:
            await _plain(
                send,
                421,
                "notrain answers only on the address it was started on; open it from there.",
            )
            return
        if scope["method"] not in SAFE_METHODS and not _same_origin(headers, scope, host):
            await _plain(
                send,
                403,
                "This request did not come from a notrain page, so notrain refused it. "
                "Use the app's own pages.",
            )
            return
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY:
            await _plain(send, 413, _too_large_message())
            return

        session = _session_from(headers.get("cookie", ""))
        new_session = session is None
        if session is None:
            session = secrets.token_urlsafe(32)
        scope["notrain_session"] = session

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY:  # a body longer than its Content-Length said, or chunked
                    raise HTTPException(413, _too_large_message())
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = list(SECURITY_HEADERS)
                response_headers = list(message.get("headers", []))
                names = {key.lower() for key, _ in response_headers}
                content_type = dict(response_headers).get(b"content-type", b"")
                if b"cache-control" not in names and content_type.startswith(b"text/html"):
                    extra.append((b"cache-control", b"no-store"))
                if new_session:
                    extra.append(
                        (
                            b"set-cookie",
                            f"{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Strict".encode(),
                        )
                    )
                message["headers"] = [
                    (k, v)
                    for k, v in response_headers
                    if k.lower() not in {h for h, _ in SECURITY_HEADERS}
                ] + extra
            await send(message)

        await self.app(scope, limited_receive, send_with_headers)


def _too_large_message() -> str:
    return (
        f"That upload is larger than notrain accepts at once ({MAX_BODY // 1024 // 1024} MB). "
        "Send fewer files at a time, or choose a folder on this computer instead of uploading."
    )


def _hostname(host: str) -> str:
    """``127.0.0.1`` from ``127.0.0.1:8000``, ``::1`` from ``[::1]:8000``."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _same_origin(headers: dict[str, str], scope: Scope, host: str) -> bool:
    origin = headers.get("origin")
    if origin is None or origin == "null":
        referer = headers.get("referer")
        if origin is None and referer:
            parts = urlsplit(referer)
            origin = f"{parts.scheme}://{parts.netloc}"
        else:
            return False
    scheme = scope.get("scheme", "http")
    return origin.lower() == f"{scheme}://{host}".lower()


def _session_from(cookie_header: str) -> str | None:
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(cookie_header)
    except CookieError:  # a malformed Cookie header: start a new session
        return None
    morsel = cookie.get(SESSION_COOKIE)
    return morsel.value if morsel is not None and _SESSION_RE.match(morsel.value) else None


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
