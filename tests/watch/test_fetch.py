"""Fetching watched pages: conditional requests, retries, limits and plain failures, against a
real local HTTP server with generated pages (never the network)."""

from __future__ import annotations

import socket
import ssl
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpcore
import httpx
import pytest
from policy_server import PolicyServer, Request, send

from notrain.errors import NotrainError
from notrain.watch.fetch import (
    FETCH_ERROR_KINDS,
    USER_AGENT,
    Fetcher,
    FetchError,
    Validators,
)

PAGE = (
    "<!DOCTYPE html><html><head><title>Privacy Policy</title></head><body><main>"
    "<h1>Privacy Policy</h1><p>We at Example want you to understand what we collect.</p>"
    "</main></body></html>"
)


@pytest.fixture
def server():
    with PolicyServer() as running:
        yield running


@pytest.fixture
def pauses() -> list[float]:
    return []


@pytest.fixture
def fetcher(pauses: list[float]):
    with Fetcher(timeout=5, sleep=pauses.append) as opened:
        yield opened


def failure(fetcher: Fetcher, url: str, **options) -> FetchError:
    with pytest.raises(FetchError) as raised:
        fetcher.fetch(url, **options)
    error = raised.value
    assert error.kind in FETCH_ERROR_KINDS
    assert error.url == url and url in error.message
    assert error.hint
    return error


def test_a_page_then_a_conditional_request_answered_not_modified(server, fetcher) -> None:
    etag, modified = '"policy-v1"', "Mon, 16 Jun 2025 08:00:00 GMT"

    def policy(request: Request) -> None:
        if request.headers.get("If-None-Match") == etag:
            send(request, 304, headers={"ETag": etag})
        else:
            send(request, 200, PAGE, headers={"ETag": etag, "Last-Modified": modified})

    server.route("/privacy", policy)
    first = fetcher.fetch(server.url("/privacy"))
    assert (first.status, first.not_modified, first.text) == (200, False, PAGE)
    assert first.validators == Validators(etag=etag, last_modified=modified)
    assert first.content_type.startswith("text/html")
    assert first.fetched_at.tzinfo is not None
    assert abs(first.fetched_at - datetime.now(UTC)) < timedelta(minutes=1)

    second = fetcher.fetch(server.url("/privacy"), validators=first.validators, language="fr")
    assert (second.status, second.not_modified, second.text) == (304, True, "")
    assert second.validators == first.validators

    plain, conditional = server.requests_to("/privacy")
    assert plain.headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("notrain/") and "policy watch" in USER_AGENT
    assert "text/html" in plain.headers["accept"]
    assert plain.headers["accept-language"] == "en"
    assert "if-none-match" not in plain.headers and "if-modified-since" not in plain.headers
    assert conditional.headers["if-none-match"] == etag
    assert conditional.headers["if-modified-since"] == modified
    assert conditional.headers["accept-language"] == "fr"
    assert conditional.headers["user-agent"] == USER_AGENT


def test_unavailable_twice_then_ok_is_retried_with_backoff_and_retry_after(
    server, fetcher, pauses
) -> None:
    answers = iter([(503, {"Retry-After": "7"}), (503, {}), (200, {})])

    def busy_busy_ok(request: Request) -> None:
        status, headers = next(answers)
        send(request, status, PAGE if status == 200 else "<h1>Busy</h1>", headers=headers)

    server.route("/busy", busy_busy_ok)
    fetched = fetcher.fetch(server.url("/busy"))
    assert fetched.status == 200 and "Privacy Policy" in fetched.text
    assert len(server.requests_to("/busy")) == 3
    assert pauses[0] == 7  # as the server asked
    assert 2.0 <= pauses[1] <= 2.2  # backoff 1 s doubled for the second retry, plus jitter


def test_retry_after_as_an_http_date_is_honoured(server, fetcher, pauses) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    answers = iter([{"Retry-After": later}, None])

    def busy_then_ok(request: Request) -> None:
        headers = next(answers)
        send(request, 429 if headers else 200, PAGE, headers=headers)

    server.route("/rate", busy_then_ok)
    assert fetcher.fetch(server.url("/rate")).status == 200
    assert 25 <= pauses[0] <= 31


def test_a_retry_after_that_is_not_a_time_falls_back_to_backoff(server, fetcher, pauses) -> None:
    answers = iter([503, 200])
    server.route(
        "/odd", lambda request: send(request, next(answers), PAGE, headers={"Retry-After": "soon"})
    )
    assert fetcher.fetch(server.url("/odd")).status == 200
    assert 1.0 <= pauses[0] <= 1.1


def test_a_site_asking_for_a_long_pause_is_left_alone_until_the_next_check(
    server, fetcher, pauses
) -> None:
    server.page("/later", "<h1>Maintenance</h1>", status=503, headers={"Retry-After": "3600"})
    error = failure(fetcher, server.url("/later"))
    assert (error.kind, error.status) == ("http", 503)
    assert "503" in error.message and "60 minutes" in error.message
    assert pauses == [] and len(server.requests_to("/later")) == 1


def test_retries_stop_after_the_last_one_and_say_how_often(server, pauses) -> None:
    server.page("/down", "<h1>Bad gateway</h1>", status=502)
    with Fetcher(retries=2, backoff=0.5, sleep=pauses.append) as fetcher:
        error = failure(fetcher, server.url("/down"))
    assert (error.kind, error.status) == ("http", 502)
    assert "tried 3 times" in error.message and "tries again" in error.hint
    assert len(server.requests_to("/down")) == 3
    assert 0.5 <= pauses[0] <= 0.55 and 1.0 <= pauses[1] <= 1.1


def test_not_found_is_not_retried(server, fetcher, pauses) -> None:
    error = failure(fetcher, server.url("/gone"))
    assert (error.kind, error.status) == ("http", 404)
    assert "404 Not Found" in error.message
    assert "notrain watch list" in error.hint
    assert pauses == [] and len(server.requests_to("/gone")) == 1


def test_forbidden_points_to_the_open_terms_archive(server, fetcher, pauses) -> None:
    server.page("/blocked", "<h1>Forbidden</h1>", status=403)
    error = failure(fetcher, server.url("/blocked"))
    assert (error.kind, error.status) == ("http", 403)
    assert "notrain watch import-ota" in error.hint
    assert pauses == []


def test_a_slow_server_times_out_quickly(server, pauses) -> None:
    server.route("/slow", lambda request: server.closing.wait(3))
    started = time.perf_counter()
    with Fetcher(timeout=0.2, retries=1, sleep=pauses.append) as fetcher:
        error = failure(fetcher, server.url("/slow"))
    assert error.kind == "timeout" and error.status is None
    assert "0.2 seconds" in error.message
    assert len(pauses) == 1 and len(server.requests_to("/slow")) == 2
    assert time.perf_counter() - started < 2


def test_a_server_dripping_bytes_hits_the_total_limit(server, pauses) -> None:
    def drip(request) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.end_headers()
        for _ in range(40):
            if server.closing.wait(0.05):
                return
            try:
                request.wfile.write(b"<p>x</p>")
                request.wfile.flush()
            except OSError:
                return

    server.route("/drip", drip)
    started = time.perf_counter()
    with Fetcher(timeout=1, total_timeout=0.5, retries=0, sleep=pauses.append) as fetcher:
        error = failure(fetcher, server.url("/drip"))
    assert error.kind == "timeout"
    assert "took more than" in error.message
    assert time.perf_counter() - started < 1.5


def test_a_redirect_to_a_login_page_is_a_login_wall(server, fetcher) -> None:
    server.page("/privacy", "", status=302, headers={"Location": "/login/?next=%2Fprivacy"})
    server.page("/login/", "<form><input name=email><button>Log in</button></form>")
    error = failure(fetcher, server.url("/privacy"))
    assert error.kind == "login"
    assert "/login/" in error.message and "import-ota" in error.hint


@pytest.mark.parametrize(
    "wall",
    [
        "https://www.facebook.com/login/?next=https%3A%2F%2Fwww.facebook.com%2Fprivacy%2Fpolicy",
        "https://www.instagram.com/accounts/login/?next=/legal/privacy/",
        "https://www.facebook.com/checkpoint/block/?next",
        "https://consent.google.com/ml?continue=https://policies.google.com/privacy",
        "https://www.linkedin.com/authwall?trk=gf&originalReferer=",
        "https://x.com/i/flow/login?redirect_after_login=%2Fen%2Fprivacy",
    ],
)
def test_login_walls_are_recognised_by_the_final_address_across_hosts(wall: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "policies.example.org":
            return httpx.Response(302, headers={"Location": wall})
        return httpx.Response(
            200, text="<form>Log in</form>", headers={"Content-Type": "text/html"}
        )

    with Fetcher(transport=httpx.MockTransport(handler)) as fetcher:
        error = failure(fetcher, "https://policies.example.org/privacy")
    assert error.kind == "login"


def test_an_ordinary_redirect_is_followed(server, fetcher) -> None:
    server.page("/old", "", status=301, headers={"Location": "/privacy/policy/"})
    server.page("/privacy/policy/", PAGE)
    fetched = fetcher.fetch(server.url("/old"))
    assert fetched.url == server.url("/old")
    assert fetched.final_url == server.url("/privacy/policy/")
    assert fetched.text == PAGE


def test_a_redirect_loop_is_reported(server, fetcher) -> None:
    server.page("/loop", "", status=302, headers={"Location": "/loop"})
    error = failure(fetcher, server.url("/loop"))
    assert error.kind == "redirects"
    assert len(server.requests_to("/loop")) == 11


@pytest.mark.parametrize("content_type", ["application/pdf", "text/plain; charset=utf-8"])
def test_what_is_not_html_is_refused_with_its_type(server, fetcher, content_type: str) -> None:
    server.page("/policy.pdf", b"%PDF-1.7 ...", content_type=content_type)
    error = failure(fetcher, server.url("/policy.pdf"))
    assert error.kind == "not-html"
    assert content_type.split(";")[0] in error.message


def test_html_without_a_content_type_is_accepted_and_other_bytes_are_not(server, fetcher) -> None:
    server.page("/bare", PAGE, content_type="")
    server.page("/blob", b"\x00\x01binary", content_type="")
    assert fetcher.fetch(server.url("/bare")).text == PAGE
    assert failure(fetcher, server.url("/blob")).kind == "not-html"


def test_a_huge_page_is_abandoned_without_reading_it_all(server) -> None:
    sent: list[int] = []
    total = 50_000_000

    def endless(request: Request) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        chunk = b"<p>" + b"x" * 65_000 + b"</p>"
        count = 0
        try:
            while count < total:
                request.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                count += len(chunk)
            request.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        request.close_connection = True
        sent.append(count)

    server.route("/huge", endless)
    with Fetcher(max_bytes=200_000) as fetcher:
        error = failure(fetcher, server.url("/huge"))
    assert error.kind == "too-large"
    assert "200,000 bytes" in error.message or "0.2 MB" in error.message
    deadline = time.monotonic() + 5
    while not sent and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sent and sent[0] < total


def test_an_announced_size_over_the_limit_is_refused_before_reading(server) -> None:
    server.page("/big", "<p>" + "x" * 300_000 + "</p>")
    with Fetcher(max_bytes=100_000) as fetcher:
        error = failure(fetcher, server.url("/big"))
    assert error.kind == "too-large"
    assert "0.3 MB" in error.message


def test_the_declared_charset_decodes_the_page(server, fetcher) -> None:
    text = "<html><body><p>We\u2019ve updated our café\u2019s “policy” – see Privacy Center.</p>"
    server.page("/cp1252", text.encode("cp1252"), content_type="text/html; charset=windows-1252")
    server.page("/latin1", text.encode("cp1252"), content_type="text/html; charset=ISO-8859-1")
    meta = '<html><head><meta charset="windows-1252"></head>' + text[6:]
    server.page("/meta", meta.encode("cp1252"), content_type="text/html")
    server.page("/guess", text.encode("cp1252"), content_type="text/html")
    server.page("/utf8", text.encode("utf-8"), content_type="text/html")
    for path in ("/cp1252", "/latin1", "/guess", "/utf8"):
        assert fetcher.fetch(server.url(path)).text == text, path
    assert fetcher.fetch(server.url("/meta")).text == meta


def _unresolvable(request: httpx.Request) -> httpx.Response:
    """What httpx raises for a name that does not resolve: an httpx.ConnectError caused by an
    httpcore.ConnectError caused by a socket.gaierror (seen with the real transport)."""
    try:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    except socket.gaierror as exc:
        try:
            raise httpcore.ConnectError(str(exc)) from exc
        except httpcore.ConnectError as inner:
            raise httpx.ConnectError(str(inner), request=request) from inner


def _bad_certificate(request: httpx.Request) -> httpx.Response:
    try:
        raise ssl.SSLCertVerificationError(1, "certificate verify failed: self-signed")
    except ssl.SSLError as exc:
        try:
            raise httpcore.ConnectError(str(exc)) from exc
        except httpcore.ConnectError as inner:
            raise httpx.ConnectError(str(inner), request=request) from inner


def test_a_name_that_does_not_resolve_is_reported_without_retrying(pauses) -> None:
    url = "https://policies.nonexistent.invalid/privacy"
    with Fetcher(transport=httpx.MockTransport(_unresolvable), sleep=pauses.append) as fetcher:
        error = failure(fetcher, url)
    assert error.kind == "dns"
    assert "policies.nonexistent.invalid" in error.message
    assert "notrain watch list" in error.hint
    assert pauses == []


def test_a_certificate_that_does_not_verify_is_not_retried(pauses) -> None:
    url = "https://policies.example.org/privacy"
    with Fetcher(transport=httpx.MockTransport(_bad_certificate), sleep=pauses.append) as fetcher:
        error = failure(fetcher, url)
    assert error.kind == "tls" and "certificate verify failed" in error.message
    assert pauses == []


def test_a_refused_connection_is_retried_then_reported(pauses) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/privacy"
    with Fetcher(retries=2, sleep=pauses.append) as fetcher:
        error = failure(fetcher, url)
    assert error.kind == "connection"
    assert len(pauses) == 2 and "tried 3 times" in error.message


@pytest.mark.parametrize(
    "url",
    ["ftp://example.org/privacy", "www.facebook.com/privacy", "", "http://example.org:99999/"],
)
def test_what_is_not_a_web_address_is_refused(url: str, pauses) -> None:
    with Fetcher(sleep=pauses.append) as fetcher, pytest.raises(FetchError) as raised:
        fetcher.fetch(url)
    assert raised.value.kind == "connection" and "http://" in raised.value.message
    assert pauses == []


def test_fetch_errors_are_notrain_errors_with_a_hint(server, fetcher) -> None:
    with pytest.raises(NotrainError) as raised:
        fetcher.fetch(server.url("/missing"))
    assert str(raised.value).startswith(raised.value.message)
    assert raised.value.hint and raised.value.hint in str(raised.value)
