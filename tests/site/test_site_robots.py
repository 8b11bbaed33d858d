"""robots.txt: groups read as RFC 9309 defines them, syntax errors refused with their line, and
what a file lets a crawler do."""

from __future__ import annotations

import pytest

from notrain.site import RobotsSyntaxError, access, parse_robots

SAMPLE = b"""# Example site
Sitemap: https://example.com/sitemap.xml

User-agent: Googlebot
User-agent: Bingbot
Disallow: /drafts/
Crawl-delay: 2

user-agent: *
disallow: /private/ # not public
allow: /private/ok.html
"""


def test_groups_collect_their_user_agents_and_rules() -> None:
    robots = parse_robots(SAMPLE)

    assert [g.user_agents for g in robots.groups] == [("Googlebot", "Bingbot"), ("*",)]
    assert [r.value for r in robots.groups[1].rules] == ["/private/", "/private/ok.html"]
    assert robots.sitemaps == ("https://example.com/sitemap.xml",)
    kinds = [line.kind for line in robots.lines]
    assert kinds[:4] == ["comment", "sitemap", "blank", "user-agent"] and "other" in kinds


def test_a_byte_order_mark_is_remembered() -> None:
    robots = parse_robots(b"\xef\xbb\xbfUser-agent: *\nDisallow: /x\n")
    assert robots.bom and robots.groups[0].user_agents == ("*",)


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"Disallow: /\nUser-agent: *\n", 1, "before any User-agent"),
        (b"User-agent: *\nDisallow /private\n", 2, "not a 'Field: value' line"),
        (b"User-agent: *\nDisallow: /\nNoindex /x\n", 3, "not a 'Field: value' line"),
        (b"User-agent:\nDisallow: /\n", 1, "without a crawler's name"),
        (b"User-agent: *\n# caf\xe9\nDisallow: /\n", 2, "not UTF-8"),
    ],
)
def test_syntax_errors_name_the_line(data: bytes, line: int, words: str) -> None:
    with pytest.raises(RobotsSyntaxError, match=words) as caught:
        parse_robots(data, path="site/robots.txt")

    assert caught.value.line == line
    assert f"Line {line} of site/robots.txt" in caught.value.message
    assert "Nothing was written" in caught.value.hint


def test_a_file_over_500_kib_is_refused() -> None:
    data = b"User-agent: *\n" + b"Disallow: /a-long-path-that-repeats\n" * 16_000
    assert len(data) > 500 * 1024

    with pytest.raises(RobotsSyntaxError, match="500 KiB") as caught:
        parse_robots(data)

    assert caught.value.line is None


def test_a_live_file_is_read_like_a_crawler_reads_it() -> None:
    robots = parse_robots(b"Disallow: /\nnonsense\nUser-agent: *\nDisallow: /x\n", strict=False)
    assert robots.groups[0].user_agents == ("*",)
    assert [line.kind for line in robots.lines[:2]] == ["disallow", "invalid"]


def test_a_named_group_wins_over_star_and_same_named_groups_merge() -> None:
    robots = parse_robots(
        b"User-agent: *\nDisallow: /\n\n"
        b"User-agent: GPTBot\nDisallow: /\n\n"
        b"User-agent: Googlebot\nDisallow: /tmp/\n\n"
        b"User-agent: gptbot\nAllow: /\n"
    )

    assert access(robots, "Googlebot").status == "allowed"
    assert access(robots, "Bingbot").status == "blocked"
    gptbot = access(robots, "GPTBot")
    assert gptbot.status == "allowed" and gptbot.named and gptbot.allow_lines == (11,)


def test_the_exact_name_decides_not_a_prefix() -> None:
    robots = parse_robots(
        b"User-agent: Applebot\nAllow: /\n\nUser-agent: Applebot-Extended\nDisallow: /\n"
    )

    assert access(robots, "Applebot-Extended").status == "blocked"
    assert access(robots, "Applebot").status == "allowed"


def test_the_longest_rule_wins_and_allow_opens_part_of_a_closed_site() -> None:
    robots = parse_robots(b"User-agent: CCBot\nDisallow: /*\nAllow: /public/\n")

    seen = access(robots, "CCBot")
    assert seen.status == "partly-allowed" and seen.allow_lines == (3,)


def test_no_group_means_everything_is_allowed() -> None:
    seen = access(parse_robots(b"Sitemap: https://example.com/s.xml\n"), "GPTBot")
    assert seen.status == "allowed" and seen.group_lines == ()
