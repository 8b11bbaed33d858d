"""The crawler list: packaged data with a source and a checked date per entry, never a search
engine, and the crawlers REFERENCE.md section 9 names."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from notrain.errors import InputError, OptionError
from notrain.site import DEFAULT_PURPOSES, PURPOSES, load_crawlers, select_crawlers

REFERENCE = (
    "Meta-ExternalAgent", "GPTBot", "CCBot", "Google-Extended", "ClaudeBot", "anthropic-ai",
    "Applebot-Extended", "Bytespider", "PerplexityBot", "Amazonbot",
)  # fmt: skip


def test_every_entry_has_a_web_source_and_a_checked_date() -> None:
    listing = load_crawlers()
    for entry in (*listing.crawlers, *listing.search_engines):
        assert entry.source.startswith("https://"), entry
        assert date(2023, 1, 1) <= entry.checked <= date.today(), entry
    assert listing.ai_txt.spec.startswith("https://") and listing.tdmrep_spec.startswith("https://")
    assert listing.checked == max(c.checked for c in listing.crawlers)


def test_the_reference_crawlers_are_blocked_by_default() -> None:
    default = {crawler.user_agent for crawler in select_crawlers()}
    assert set(REFERENCE) <= default


def test_search_engines_are_never_in_the_list() -> None:
    listing = load_crawlers()
    engines = {engine.user_agent.lower() for engine in listing.search_engines}
    assert {"googlebot", "bingbot", "duckduckbot", "applebot"} <= engines
    assert not engines & {crawler.user_agent.lower() for crawler in listing.crawlers}


def test_purposes_choose_the_crawlers() -> None:
    assert DEFAULT_PURPOSES == ("training", "ai-search")
    training = select_crawlers(["training"])
    assert training and all(c.purpose == "training" for c in training)
    fetchers = {c.user_agent for c in select_crawlers(["user-fetch"])}
    assert "ChatGPT-User" in fetchers and "Meta-ExternalFetcher" in fetchers
    assert not fetchers & {c.user_agent for c in select_crawlers()}
    assert len(select_crawlers(PURPOSES)) == len(load_crawlers().crawlers)


def test_an_unknown_purpose_is_refused() -> None:
    with pytest.raises(OptionError, match="training, ai-search, user-fetch"):
        select_crawlers(["scraping"])


def _packaged() -> dict:
    from importlib import resources

    return json.loads(
        resources.files("notrain").joinpath("data", "site", "ai_crawlers.json").read_text("utf-8")
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["crawlers"][0].pop("source"), "lacks source"),
        (lambda d: d["crawlers"][0].update(purpose="fun"), "has purpose 'fun'"),
        (lambda d: d["crawlers"][0].update(checked="26/11/2026"), "checked date"),
        (lambda d: d["crawlers"].append(dict(d["crawlers"][1])), "more than once"),
        (lambda d: d["crawlers"][0].update(user_agent="Googlebot"), "search engines"),
        (lambda d: d["crawlers"][0].update(user_agent="Bad Bot"), "not a robots.txt"),
    ],
)
def test_a_broken_list_names_the_entry(tmp_path: Path, change, message: str) -> None:
    data = _packaged()
    change(data)
    path = tmp_path / "crawlers.json"
    path.write_text(json.dumps(data), "utf-8")

    with pytest.raises(InputError, match=message) as caught:
        load_crawlers(path)

    assert caught.value.hint


def test_a_list_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crawlers.json"
    path.write_text("{", "utf-8")
    with pytest.raises(InputError, match="not valid JSON"):
        load_crawlers(path)
