"""Merging notrain's block into a robots.txt: every listed AI crawler disallowed everywhere (as
Python's urllib.robotparser reads the file), search engines and the person's rules untouched,
and a second run byte for byte the same."""

from __future__ import annotations

from urllib.robotparser import RobotFileParser

import pytest

from notrain.errors import InputError, OptionError
from notrain.site import load_crawlers, merge_robots, parse_robots, select_crawlers
from notrain.site.merge import DISABLED

LISTING = load_crawlers()
CRAWLERS = select_crawlers()
PATHS = ("/", "/index.html", "/photos/2026/portrait.jpg", "/private/notes.html", "/?page=2")
EXISTING = (
    b"# robots.txt for example.com\n"
    b"Sitemap: https://example.com/sitemap.xml\n"
    b"\n"
    b"User-agent: *\n"
    b"Disallow: /private/\n"
    b"Crawl-delay: 5\n"
    b"\n"
    b"User-agent: Googlebot-Image\n"
    b"Disallow: /photos/raw/\n"
)


def merge(existing: bytes | None, crawlers=CRAWLERS, **options):
    return merge_robots(
        existing,
        crawlers,
        search_engines=LISTING.search_engines,
        checked=LISTING.checked,
        **options,
    )


def without_block(data: bytes) -> bytes:
    """``data`` less notrain's block and the empty line that sets it apart."""
    start = data.index(b"# BEGIN notrain")
    end = data.index(b"# END notrain\n") + len(b"# END notrain\n")
    return data[:start] + data[end:].removeprefix(b"\n")


def robotparser(data: bytes) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(data.decode("utf-8-sig").splitlines())
    return parser


@pytest.mark.parametrize("existing", [None, b"", EXISTING], ids=["none", "empty", "rules"])
def test_every_listed_crawler_is_disallowed_everywhere(existing: bytes | None) -> None:
    merged = merge(existing)
    parser = robotparser(merged.data)

    for crawler in CRAWLERS:
        for path in PATHS:
            assert not parser.can_fetch(crawler.user_agent, path), (crawler.user_agent, path)
    assert merged.named == tuple(c.user_agent for c in CRAWLERS)
    assert merged.changed and not merged.conflicts and not merged.warnings


def test_search_engines_and_the_existing_rules_are_untouched() -> None:
    merged = merge(EXISTING)
    parser = robotparser(merged.data)

    for engine in ("Googlebot", "Bingbot", "DuckDuckBot", "Applebot"):
        assert parser.can_fetch(engine, "/"), engine
        assert parser.can_fetch(engine, "/photos/2026/portrait.jpg"), engine
        assert not parser.can_fetch(engine, "/private/notes.html"), engine
    assert not parser.can_fetch("Googlebot-Image", "/photos/raw/a.cr2")
    assert parser.crawl_delay("Bingbot") == 5
    assert parser.site_maps() == ["https://example.com/sitemap.xml"]
    assert without_block(merged.data) == EXISTING, "every byte of the person's file is kept"


def test_a_second_run_changes_nothing() -> None:
    first = merge(EXISTING)
    second = merge(first.data)

    assert second.data == first.data and not second.changed


def test_a_changed_list_replaces_only_the_block() -> None:
    first = merge(EXISTING)
    fewer = merge(first.data, CRAWLERS[:3])

    assert fewer.changed
    assert without_block(fewer.data) == EXISTING
    assert fewer.data.count(b"User-agent:") == 3 + 2
    parser = robotparser(fewer.data)
    assert not parser.can_fetch(CRAWLERS[0].user_agent, "/")
    assert parser.can_fetch(CRAWLERS[5].user_agent, "/")
    assert merge(fewer.data).data == first.data


def test_the_block_goes_after_the_comments_and_before_the_first_group() -> None:
    existing = b"Sitemap: https://example.com/s.xml\n\n# Google\nUser-agent: Googlebot\nAllow: /\n"
    text = merge(existing).data.decode()

    assert text.startswith("Sitemap: https://example.com/s.xml\n\n# BEGIN notrain")
    assert text.endswith("# END notrain\n\n# Google\nUser-agent: Googlebot\nAllow: /\n")


def test_a_file_without_groups_gets_the_block_at_the_end() -> None:
    text = merge(b"Sitemap: https://example.com/s.xml").data.decode()
    assert text.startswith("Sitemap: https://example.com/s.xml\n\n# BEGIN notrain")


def test_line_endings_and_a_byte_order_mark_are_kept() -> None:
    existing = b"\xef\xbb\xbfUser-agent: *\r\nDisallow: /private/\r\n"
    merged = merge(existing)

    assert merged.data.startswith(b"\xef\xbb\xbf# BEGIN notrain")
    assert merged.data.count(b"\n") == merged.data.count(b"\r\n")
    assert merged.data.endswith(existing[3:])
    assert merge(merged.data).data == merged.data


def test_an_existing_allow_for_a_listed_crawler_is_reported() -> None:
    existing = b"User-agent: GPTBot\nAllow: /\n\nUser-agent: *\nDisallow: /private/\n"
    merged = merge(existing)

    (conflict,) = merged.conflicts
    assert conflict.user_agent == "GPTBot" and not conflict.resolved
    assert conflict.texts == ("Allow: /",)
    assert merged.still_allowed == ("GPTBot",)
    assert parse_robots(merged.data).lines[conflict.lines[0] - 1].text == "Allow: /"
    assert without_block(merged.data) == existing, "left as it was"


def test_force_turns_the_crawlers_own_group_into_comments() -> None:
    existing = (
        b"User-agent: GPTBot\nAllow: /\n\n"
        b"User-agent: CCBot\nUser-agent: FriendlyBot\nAllow: /public/\nDisallow: /\n"
    )
    merged = merge(existing, force=True)
    parser = robotparser(merged.data)

    assert merged.still_allowed == ()
    assert {c.user_agent for c in merged.conflicts} == {"GPTBot", "CCBot"}
    assert all(c.resolved for c in merged.conflicts)
    text = merged.data.decode()
    assert f"{DISABLED}User-agent: GPTBot\n{DISABLED}Allow: /\n" in text
    assert f"{DISABLED}User-agent: CCBot\nUser-agent: FriendlyBot\nAllow: /public/\n" in text
    assert parser.can_fetch("FriendlyBot", "/public/a.html"), "the other crawler keeps its rules"
    for name in ("GPTBot", "CCBot"):
        assert not parser.can_fetch(name, "/public/a.html")
    for conflict in merged.conflicts:
        assert all(t.startswith(DISABLED) for t in conflict.texts)
    again = merge(merged.data, force=True)
    assert again.data == merged.data and not again.conflicts


def test_a_star_group_that_blocks_everything_gets_a_warning() -> None:
    merged = merge(b"User-agent: *\nDisallow: /\n")

    (warning,) = merged.warnings
    assert "search engines included" in warning and "Googlebot" in warning
    assert "'User-agent: *'" in warning


def test_search_engines_with_their_own_group_are_not_warned_about() -> None:
    merged = merge(
        b"User-agent: *\nDisallow: /\n\nUser-agent: Googlebot\nUser-agent: Bingbot\n"
        b"User-agent: DuckDuckBot\nUser-agent: Applebot\nAllow: /\n"
    )
    assert merged.warnings == ()


def test_a_damaged_block_is_refused() -> None:
    damaged = merge(EXISTING).data.replace(b"# END notrain\n", b"")
    with pytest.raises(InputError, match="no '# END notrain'"):
        merge(damaged)


def test_search_engines_cannot_be_blocked() -> None:
    googlebot = LISTING.crawlers[0].__class__(
        user_agent="Googlebot",
        operator="Google",
        purpose="training",
        note="",
        source="https://example.com",
        checked=LISTING.checked,
    )
    with pytest.raises(OptionError, match="never blocks search engines"):
        merge(None, [googlebot])
