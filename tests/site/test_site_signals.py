"""ai.txt, TDMRep's tdmrep.json, and the header snippets: their shape, and merges that keep the
person's own lines and change nothing the second time."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import pytest

from notrain.errors import InputError, OptionError
from notrain.site import (
    ai_txt,
    check_policy,
    header_snippets,
    load_crawlers,
    merge_headers_file,
    merge_tdmrep,
    tdmrep_problems,
)
from notrain.site.signals import ai_txt_allows, tdmrep_rule_for

FACTS = load_crawlers().ai_txt
POLICY = "https://example.com/ai-licence"


def assert_tdmrep_shape(value: Any) -> None:
    """The documented shape (W3C TDMRep, Community Group final report, 10 May 2024): a JSON
    array of objects, each with a location path, tdm-reservation 0 or 1, and optionally a
    tdm-policy web address."""
    assert isinstance(value, list) and value
    for rule in value:
        assert isinstance(rule, dict)
        assert set(rule) <= {"location", "tdm-reservation", "tdm-policy"}, rule
        assert isinstance(rule["location"], str) and rule["location"].startswith("/")
        assert type(rule["tdm-reservation"]) is int and rule["tdm-reservation"] in (0, 1)
        if "tdm-policy" in rule:
            parts = urlsplit(rule["tdm-policy"])
            assert parts.scheme in ("http", "https") and parts.netloc


@pytest.mark.parametrize("policy", [None, POLICY])
def test_a_new_tdmrep_file_reserves_rights_for_the_whole_site(policy: str | None) -> None:
    merged = merge_tdmrep(None, policy=policy)
    rules = json.loads(merged.data)

    assert_tdmrep_shape(rules)
    assert merged.changed and tdmrep_problems(rules) == []
    assert tdmrep_rule_for(rules, "/photos/a.jpg") == {"location": "/", "tdm-reservation": 1} | (
        {"tdm-policy": policy} if policy else {}
    )


def test_the_persons_rules_are_kept_and_come_first() -> None:
    existing = [
        {"location": "/press/*", "tdm-reservation": 0},
        {"location": "/", "tdm-reservation": 0, "tdm-policy": "https://example.com/old"},
    ]
    merged = merge_tdmrep(json.dumps(existing).encode(), policy=POLICY)
    rules = json.loads(merged.data)

    assert_tdmrep_shape(rules)
    assert rules[0] == existing[0]
    assert rules[1] == {"location": "/", "tdm-reservation": 1, "tdm-policy": POLICY}
    assert merged.notes == ("your rule for /press/* says TDM rights are not reserved there",)
    assert tdmrep_rule_for(rules, "/press/kit.zip")["tdm-reservation"] == 0
    assert tdmrep_rule_for(rules, "/gallery/")["tdm-reservation"] == 1


def test_a_rule_is_added_after_rules_for_other_paths() -> None:
    existing = b'[{"location": "/shop/*", "tdm-reservation": 1}]'
    rules = json.loads(merge_tdmrep(existing).data)
    assert rules == [
        {"location": "/shop/*", "tdm-reservation": 1},
        {"location": "/", "tdm-reservation": 1},
    ]


def test_a_second_merge_changes_nothing_and_keeps_the_persons_formatting() -> None:
    first = merge_tdmrep(None, policy=POLICY)
    assert merge_tdmrep(first.data, policy=POLICY).data == first.data
    compact = b'[{"location":"/","tdm-reservation":1}]'
    again = merge_tdmrep(compact)
    assert not again.changed and again.data == compact


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"location": "/"}', "JSON array"),
        (b'[{"location": "/", "tdm-reservation": 2}]', "not 0 or 1"),
        (b'[{"location": "/", "tdm-reservation": true}]', "not 0 or 1"),
        (b'[{"location": "photos", "tdm-reservation": 1}]', "starting with '/'"),
        (b'[{"location": "/", "tdm-reservation": 1, "tdm-policy": "ftp://x"}]', "web address"),
    ],
)
def test_a_file_that_is_not_tdmrep_is_refused(data: bytes, words: str) -> None:
    with pytest.raises(InputError, match=words) as caught:
        merge_tdmrep(data, path="site/.well-known/tdmrep.json")
    assert "Nothing was written" in caught.value.hint


def test_a_policy_must_be_a_web_address() -> None:
    assert check_policy("https://example.com/licence") == "https://example.com/licence"
    assert (
        check_policy("https://example.com/lizenz-für-ki")
        == "https://example.com/lizenz-f%C3%BCr-ki"
    )
    with pytest.raises(OptionError, match="not a web address"):
        check_policy("example.com/licence")


def test_ai_txt_disallows_every_media_type() -> None:
    data = ai_txt(None, FACTS)
    text = data.decode()
    parser = RobotFileParser()
    parser.parse(text.splitlines())

    assert not parser.can_fetch("AnyDatasetBot", "/photos/portrait.jpg")
    for pattern in ("*.jpg", "*.png", "*.webp", "*.heif", "*.mp4", "*.pdf"):
        assert f"Disallow: {pattern}\n" in text
    assert FACTS.spec in text and text.count("Disallow: *.jpg") == 1
    assert ai_txt(data, FACTS) == data


def test_ai_txt_keeps_the_persons_lines_and_flags_their_allows() -> None:
    existing = b"# Spawning AI\nUser-Agent: *\nAllow: *.txt\n"
    data = ai_txt(existing, FACTS)

    assert data.startswith(b"# BEGIN notrain") and data.endswith(b"\n\n" + existing)
    assert ai_txt_allows(data) == [data.decode().splitlines().index("Allow: *.txt") + 1]
    assert ai_txt_allows(ai_txt(None, FACTS)) == []


@pytest.mark.parametrize("policy", [None, POLICY])
def test_header_snippets_send_the_headers(policy: str | None) -> None:
    snippets = header_snippets(policy)

    assert set(snippets) == {"nginx.conf", "apache.conf", "Caddyfile", "_headers"}
    assert 'add_header X-Robots-Tag "noai, noimageai" always;' in snippets["nginx.conf"]
    assert 'add_header tdm-reservation "1" always;' in snippets["nginx.conf"]
    assert 'Header always merge X-Robots-Tag "noai, noimageai"' in snippets["apache.conf"]
    assert 'Header always set tdm-reservation "1"' in snippets["apache.conf"]
    assert '\tX-Robots-Tag "noai, noimageai"' in snippets["Caddyfile"]
    assert '\ttdm-reservation "1"' in snippets["Caddyfile"]
    assert "/*\n  X-Robots-Tag: noai, noimageai\n  tdm-reservation: 1\n" in snippets["_headers"]
    for text in snippets.values():
        assert (POLICY in text) == bool(policy)


def test_a_headers_file_is_merged_idempotently() -> None:
    existing = b"/assets/*\n  Cache-Control: max-age=31536000\n"
    merged = merge_headers_file(existing, POLICY)

    assert merged.startswith(existing + b"\n# BEGIN notrain")
    assert b"  tdm-policy: " + POLICY.encode() in merged
    assert merge_headers_file(merged, POLICY) == merged
    assert merge_headers_file(merged) != merged
