"""check_site against a local HTTP server: a site with every signal, one with none, one whose
robots.txt still lets GPTBot in, one that cannot be reached; and the injectable transport."""

from __future__ import annotations

import httpx
import pytest
from policy_server import PolicyServer

from notrain.site import SiteUnreachableError, check_site, header_snippets, select_crawlers
from notrain.site.check import USER_AGENT
from notrain.site.crawlers import load_crawlers
from notrain.site.merge import merge_robots
from notrain.site.signals import ai_txt, merge_tdmrep

LISTING = load_crawlers()
PAGE = (
    '<html><head><meta name="robots" content="noindex, noai, noimageai">'
    '<meta name="tdm-reservation" content="1"></head><body>Portfolio</body></html>'
)


def robots_txt(own: bytes = b"User-agent: *\nDisallow: /private/\n") -> bytes:
    return merge_robots(
        own, select_crawlers(), search_engines=LISTING.search_engines, checked=LISTING.checked
    ).data


def serve_everything(server: PolicyServer, robots: bytes) -> None:
    server.page(
        "/",
        PAGE,
        headers={
            "tdm-reservation": "1",
            "tdm-policy": "https://ex.com/t",
            "X-Robots-Tag": "noai, noimageai",
        },
    )
    server.page("/robots.txt", robots, content_type="text/plain")
    server.page("/ai.txt", ai_txt(None, LISTING.ai_txt), content_type="text/plain")
    server.page(
        "/.well-known/tdmrep.json", merge_tdmrep(None).data, content_type="application/json"
    )


def statuses(result) -> dict[str, str]:
    return {signal.name: signal.status for signal in result.signals}


def test_a_site_with_every_signal() -> None:
    with PolicyServer() as server:
        serve_everything(server, robots_txt())
        result = check_site(server.url("/"))
        agents = {seen.headers["user-agent"] for seen in server.seen}

    assert set(statuses(result).values()) == {"present"}
    assert result.all_blocked and {c.status for c in result.crawlers} == {"blocked"}
    assert {e.user_agent: e.status for e in result.search_engines} == dict.fromkeys(
        ("Googlebot", "Bingbot", "DuckDuckBot", "Applebot"), "allowed"
    )
    assert agents == {USER_AGENT}
    assert result.as_dict()["all_blocked"] is True


def test_a_site_with_no_signal() -> None:
    with PolicyServer() as server:
        server.page("/", "<html><head><title>x</title></head><body></body></html>")
        result = check_site(server.url("/"))

    assert statuses(result) == {
        "robots.txt": "absent",
        "ai.txt": "absent",
        "tdmrep.json": "absent",
        "tdm-reservation header": "absent",
        "X-Robots-Tag header": "absent",
        "robots meta tag": "absent",
        "tdm-reservation meta tag": "absent",
    }
    assert "every crawler may fetch everything" in result.signals[0].detail
    assert not result.all_blocked and {c.status for c in result.crawlers} == {"allowed"}


def test_a_robots_txt_that_still_allows_gptbot() -> None:
    with PolicyServer() as server:
        serve_everything(server, robots_txt(b"User-agent: GPTBot\nAllow: /\n"))
        result = check_site(server.url("/"))

    access = {c.user_agent: c for c in result.crawlers}
    assert access["GPTBot"].status == "allowed" and access["GPTBot"].lines
    assert all(c.status == "blocked" for name, c in access.items() if name != "GPTBot")
    assert statuses(result)["robots.txt"] == "partial" and not result.all_blocked


def test_an_unreachable_site_raises() -> None:
    with PolicyServer() as server:
        url = server.url("/")
    with pytest.raises(SiteUnreachableError, match="could not be reached") as caught:
        check_site(url, timeout=2)
    assert caught.value.url == url and caught.value.hint


def test_a_page_answered_for_every_address_is_no_robots_txt() -> None:
    def transport(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, html=PAGE)

    result = check_site("https://example.com/", transport=httpx.MockTransport(transport))

    assert statuses(result)["robots.txt"] == "absent" and statuses(result)["ai.txt"] == "absent"
    assert statuses(result)["robots meta tag"] == "present"
    assert {c.status for c in result.crawlers} == {"allowed"}


def test_a_robots_txt_the_server_fails_to_send_leaves_crawlers_unknown() -> None:
    def transport(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(503)
        return httpx.Response(404)

    result = check_site("https://example.com/", transport=httpx.MockTransport(transport))

    assert statuses(result)["robots.txt"] == "error"
    assert {c.status for c in result.crawlers} == {"unknown"} and not result.all_blocked


def test_redirects_are_followed_to_the_host_whose_files_count() -> None:
    seen = []

    def transport(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if request.url.host == "example.com":
            return httpx.Response(301, headers={"Location": "https://www.example.com/"})
        if request.url.path == "/robots.txt":
            return httpx.Response(
                200, text=robots_txt().decode(), headers={"Content-Type": "text/plain"}
            )
        return httpx.Response(200, html=PAGE)

    result = check_site("https://example.com/", transport=httpx.MockTransport(transport))

    assert result.final_url == "https://www.example.com/" and result.all_blocked
    assert "https://www.example.com/robots.txt" in seen


def test_the_snippet_headers_are_what_the_check_looks_for() -> None:
    nginx = header_snippets()["nginx.conf"]
    headers = dict(
        line.removeprefix("add_header ").removesuffix(" always;").replace('"', "").split(" ", 1)
        for line in nginx.splitlines()
        if line.startswith("add_header")
    )

    def transport(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/":
            return httpx.Response(200, html="<html><head></head></html>", headers=headers)
        return httpx.Response(404)

    result = check_site("https://example.com/", transport=httpx.MockTransport(transport))
    assert statuses(result)["tdm-reservation header"] == "present"
    assert statuses(result)["X-Robots-Tag header"] == "present"


def test_only_web_addresses_are_checked() -> None:
    from notrain.errors import OptionError

    with pytest.raises(OptionError, match="not a web address"):
        check_site("example.com")
