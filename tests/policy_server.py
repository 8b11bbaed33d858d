"""A local HTTP server for the policy-watch tests: real sockets on 127.0.0.1 at a random port,
pages the test generates, and a record of every request the server saw.

    with PolicyServer() as server:
        server.page("/privacy", "<html>...</html>", headers={"ETag": '"v1"'})
        server.route("/slow", lambda request: ...)  # any behaviour, see send()
        fetcher.fetch(server.url("/privacy"))
        server.seen[0].headers["user-agent"]

Import it as ``from policy_server import PolicyServer, send`` (tests/ is on the path, as for
``support``).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

__all__ = ["PolicyServer", "Request", "Seen", "send"]


@dataclass(frozen=True)
class Seen:
    """A request as the server received it."""

    method: str
    path: str
    """With its query string."""
    headers: dict[str, str]
    """Names in lower case."""


class Request(BaseHTTPRequestHandler):
    """One request; a route answers it with :func:`send` or by writing to ``wfile`` itself."""

    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        owner = self.server.owner
        owner.seen.append(
            Seen("GET", self.path, {name.lower(): value for name, value in self.headers.items()})
        )
        respond = owner.routes.get(urlsplit(self.path).path)
        if respond is None:
            send(self, 404, "<html><body><h1>Not found</h1></body></html>")
        else:
            respond(self)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests assert on :attr:`PolicyServer.seen` instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: PolicyServer

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet about clients that hang up (a fetcher abandoning a huge page does)."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def send(
    request: Request,
    status: int,
    body: str | bytes = b"",
    *,
    content_type: str = "text/html; charset=utf-8",
    headers: Mapping[str, str] | None = None,
) -> None:
    """Answer ``request`` with ``status``, ``body`` (str is sent as UTF-8) and ``headers``
    (an empty ``content_type`` sends none)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    request.send_response(status)
    if status != 304:
        if content_type:
            request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(data)))
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.end_headers()
    if status != 304:
        request.wfile.write(data)


class PolicyServer:
    """A threaded HTTP server for the duration of a ``with`` block."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[Request], None]] = {}
        self.seen: list[Seen] = []
        self.closing = threading.Event()
        """Set when the server stops, so that a deliberately slow route can give up."""
        self._server = _Server(("127.0.0.1", 0), Request)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def url(self, path: str = "/") -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{path}"

    def route(self, path: str, respond: Callable[[Request], None]) -> None:
        """Answer requests for ``path`` (any query string) with ``respond``."""
        self.routes[path] = respond

    def page(
        self,
        path: str,
        body: str | bytes,
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Serve the same answer for ``path`` every time."""
        self.route(
            path,
            lambda request: send(request, status, body, content_type=content_type, headers=headers),
        )

    def requests_to(self, path: str) -> list[Seen]:
        """The requests seen for ``path`` (any query string), in order."""
        return [seen for seen in self.seen if urlsplit(seen.path).path == path]
