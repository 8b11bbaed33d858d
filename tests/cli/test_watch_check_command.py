"""``notrain watch add / list / check / run / email / remove`` end to end, through Click's runner,
against a local HTTP server with generated policy pages."""

from __future__ import annotations

import json
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner
from policy_server import PolicyServer

from notrain.cli import main
from notrain.cli.watch import EXIT_CHANGES

SECTIONS = "".join(
    f"<h2>Section {n}</h2><p>We keep information for purpose number {n} as long as we need it, "
    f"and you can ask us about purpose number {n} at any time.</p>"
    for n in range(1, 10)
)
AI = (
    "We use public posts and photos to train generative AI models, on the basis of our "
    "legitimate interests."
)


def page(extra: str = "") -> str:
    return (
        "<html><head><title>Privacy</title></head><body><nav>Home · Log in</nav><main>"
        f'<div class="terms"><h1>Privacy Policy</h1><p>Effective 1 March 2026</p>{SECTIONS}'
        f"{f'<p>{extra}</p>' if extra else ''}</div></main></body></html>"
    )


@pytest.fixture
def server():
    with PolicyServer() as running:
        running.page("/privacy", page())
        yield running


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["watch", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_add_a_page_then_check_until_it_changes(server: PolicyServer, notrain_home: Path) -> None:
    url = server.url("/privacy")

    code, out = run("add", url, "--selector", ".terms", "--name", "Example privacy policy")

    assert code == 0, out
    assert "Example privacy policy" in out and "First version stored" in out
    code, out = run("check")
    assert code == 0, out
    assert "✓" in out
    server.page("/privacy", page(AI))

    code, out = run("check")

    assert code == EXIT_CHANGES, out
    assert "AI training" in out and "generative AI models" in out
    feed = feedparser.parse((notrain_home / "watch.atom").read_bytes())
    assert len(feed.entries) == 1 and "Example privacy policy" in feed.entries[0].title
    code, out = run("check")
    assert code == 0, out


def test_check_json(server: PolicyServer) -> None:
    run("add", server.url("/privacy"), "--selector", ".terms", "--no-check")
    run("check")
    server.page("/privacy", page(AI))

    code, out = run("check", "--json")

    assert code == EXIT_CHANGES
    data = json.loads(out)
    assert data["changes"] == 1 and data["ai_changes"] == 1
    (document,) = data["documents"]
    assert document["status"] == "changed"
    (change,) = document["changes"]
    assert change["ai_related"] and change["added"]
    assert change["summary"].startswith(document["name"] + " changed on")
    assert data["feed"].endswith("watch.atom")


def test_list_shows_each_documents_last_check(server: PolicyServer) -> None:
    server.page("/down", "<h1>Service unavailable</h1>", status=404)
    run("add", server.url("/privacy"), "--selector", ".terms", "--no-check")
    run("add", server.url("/down"), "--no-check")
    run("check")

    code, out = run("list", "--json")

    assert code == 0
    rows = {row["url"]: row for row in json.loads(out)}
    assert rows[server.url("/privacy")]["status"] == "new"
    assert rows[server.url("/down")]["status"] == "error"
    assert "404" in rows[server.url("/down")]["message"]
    code, out = run("list")
    assert "never" not in out and "404" in out


def test_nothing_readable_exits_1(notrain_home: Path) -> None:
    run("add", "http://127.0.0.1:9/privacy", "--no-check")

    code, out = run("check")

    assert code == 1
    assert "✗" in out


def test_fix_selectors_of_a_watched_document(server: PolicyServer) -> None:
    run("add", server.url("/privacy"), "--selector", ".terms")
    server.page("/privacy", page().replace('class="terms"', 'class="x1y2z3"'))

    code, out = run("check")

    assert code == 0
    assert "needs" in out.lower() or "?" in out
    key = json.loads(run("list", "--json")[1])[0]["key"]
    code, out = run("add", key, "--selector", ".x1y2z3")
    assert code == 0, out
    assert json.loads(run("list", "--json")[1])[0]["select"] == [".x1y2z3"]


def test_catalogue_services_need_a_region_where_pages_differ() -> None:
    code, out = run("add", "whatsapp", "--no-check")

    assert code == 2
    assert "--region" in out

    code, out = run("add", "whatsapp", "--region", "EU", "--no-check", "--json")

    assert code == 0, out
    added = json.loads(out)["added"]
    assert added and all("/eu-" in key for key in added)


def test_available_lists_the_catalogue_with_sources() -> None:
    code, out = run("list", "--available", "--json")

    assert code == 0
    entries = json.loads(out)
    services = {entry["service"] for entry in entries}
    assert {"facebook", "instagram", "threads", "whatsapp", "meta-ai", "x", "linkedin"} <= services
    assert all(entry["source"] and entry["checked"] for entry in entries)


def test_bad_selector_and_bad_address_are_usage_errors() -> None:
    code, out = run("add", "https://example.com/privacy", "--selector", "div[", "--no-check")
    assert code == 2 and "CSS selector" in out

    code, out = run("add", "www.example.com/privacy", "--no-check")
    assert code == 2 and "https://" in out


def test_remove_forgets_a_document(server: PolicyServer) -> None:
    run("add", server.url("/privacy"), "--no-check")
    key = json.loads(run("list", "--json")[1])[0]["key"]

    code, _ = run("remove", key)

    assert code == 0
    assert json.loads(run("list", "--json")[1]) == []
    assert run("remove", key)[0] == 2


def test_run_checks_and_stops_after_the_runs_asked(server: PolicyServer) -> None:
    run("add", server.url("/privacy"), "--selector", ".terms", "--no-check")

    code, out = run("run", "--every", "1d", "--runs", "1")

    assert code == 0, out
    assert "Next check" in out
    assert len(server.requests_to("/privacy")) == 1


def test_run_refuses_a_silly_interval() -> None:
    code, out = run("run", "--every", "1m", "--runs", "1")

    assert code == 2
    assert "15 minutes" in out


def test_email_setting_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    code, out = run("email")
    assert code == 0 and "No e-mail set up" in out

    code, out = run(
        "email", "--host", "smtp.example.com", "--user", "ann@example.com",
        "--from", "ann@example.com", "--to", "ann@example.com",
    )  # fmt: skip

    assert code == 0, out
    assert "smtp.example.com:587" in out and "NOTRAIN_SMTP_PASSWORD" in out
    code, out = run("email", "--off")
    assert code == 0
    assert "No e-mail set up" in run("email")[1]


def test_check_with_nothing_watched_says_how_to_start() -> None:
    code, out = run("check")

    assert code == 0
    assert "notrain watch add" in out


def test_markup_in_names_and_policy_text_is_printed_as_is(server: PolicyServer) -> None:
    code, out = run(
        "add", server.url("/privacy"), "--selector", ".terms", "--name", "Evil [/] :smile:"
    )
    assert code == 0, out
    server.page("/privacy", page("We train [bold]generative AI models[/bold] on posts :smile:."))

    code, out = run("check")

    assert code == EXIT_CHANGES, out
    assert "Evil [/] :smile:" in out
    assert ":smile:" in out and "😄" not in out
