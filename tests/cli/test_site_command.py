"""``notrain site PATH`` and ``notrain site --check URL`` through Click's runner: summaries, exit
codes, JSON, bad input, and every option documented in docs/site.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from policy_server import PolicyServer

from notrain.cli import main
from notrain.cli.site import EXIT_ALLOWED, OPTION_FLAGS, PURPOSE_CHOICES, site_command
from notrain.site import select_crawlers

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["site", *args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "public"
    root.mkdir()
    (root / "index.html").write_text("<html><head><title>x</title></head><body></body></html>")
    return root


def test_writes_the_files_then_finds_nothing_to_change(site: Path) -> None:
    code, out = run(str(site))

    assert code == 0, out
    assert "robots.txt" in out and "created" in out and "Next:" in out
    assert "notrain site --check" in out
    assert (site / "robots.txt").exists() and (site / ".well-known" / "tdmrep.json").exists()
    code, out = run(str(site))
    assert code == 0 and "unchanged" in out and "created" not in out


def test_html_dry_run_lists_pages_and_writes_nothing(site: Path) -> None:
    code, out = run(str(site), "--html", "--dry-run")

    assert code == 0, out
    assert "Dry run" in out and "would be created" in out and "index.html" in out
    assert "1 would be updated" in out
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]


def test_a_robots_syntax_error_names_the_line_and_writes_nothing(site: Path) -> None:
    (site / "robots.txt").write_text("Disallow: /private/\nUser-agent: *\n")

    code, out = run(str(site))

    assert code == 1
    assert "Line 1 of" in out and "before any User-agent line" in out
    assert "Nothing was written" in out
    assert not (site / "ai.txt").exists()


def test_a_crawler_still_allowed_exits_3_until_forced(site: Path) -> None:
    (site / "robots.txt").write_text("User-agent: GPTBot\nAllow: /\n")

    code, out = run(str(site))
    assert code == EXIT_ALLOWED
    assert "GPTBot is still allowed" in out and "--force" in out

    code, out = run(str(site), "--force")
    assert code == 0, out
    assert "now comments" in out


def test_json_reports_each_file(site: Path) -> None:
    code, out = run(str(site), "--json", "--block", "training", "--no-ai-txt", "--headers-file")

    assert code == 0, out
    data = json.loads(out)
    assert [f["kind"] for f in data["files"]] == ["robots.txt", "tdmrep.json", "_headers"]
    assert "GPTBot" in data["crawlers"] and "OAI-SearchBot" not in data["crawlers"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), "Give the folder of your site"),
        (("PATH", "--check", "https://example.com"), "not both"),
        (("--check", "https://example.com", "--html"), "--html only work with PATH"),
        (("PATH", "--block", "everything"), "Invalid value for '--block'"),
        (("PATH", "--policy", "not-a-url"), "not a web address"),
    ],
)
def test_usage_errors_exit_2(site: Path, args: tuple[str, ...], words: str) -> None:
    result = CliRunner().invoke(main, ["site", *(str(site) if a == "PATH" else a for a in args)])
    assert result.exit_code == 2 and words in result.output


def test_path_must_be_a_folder(tmp_path: Path) -> None:
    (tmp_path / "robots.txt").write_text("")
    result = CliRunner().invoke(main, ["site", str(tmp_path / "robots.txt")])
    assert result.exit_code == 2 and "is a file" in result.output
    result = CliRunner().invoke(main, ["site", str(tmp_path / "missing")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_check_exit_codes(site: Path) -> None:
    run(str(site))
    with PolicyServer() as server:
        server.page("/", (site / "index.html").read_text())
        server.page("/robots.txt", (site / "robots.txt").read_bytes(), content_type="text/plain")
        code, out = run("--check", server.url("/"))
        assert code == 0, out
        assert f"blocks all {len(select_crawlers())} AI crawlers" in out and "Googlebot" in out

        server.page(
            "/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain"
        )
        code, out = run("--check", server.url("/"), "--json")
        assert code == EXIT_ALLOWED
        assert json.loads(out)["all_blocked"] is False
        url = server.url("/")
    code, out = run("--check", url)
    assert code == 1 and "could not be reached" in out


def test_every_option_is_documented() -> None:
    documented = (ROOT / "docs" / "site.md").read_text("utf-8")
    declared = {opt for p in site_command.params for opt in p.opts if opt.startswith("--")}
    assert declared == set(OPTION_FLAGS)
    for flag in OPTION_FLAGS:
        assert f"`{flag}" in documented, f"{flag} is not in docs/site.md"
    assert "EXIT" not in documented and "exit status 3" in documented.lower()


def test_purpose_choices_match_the_library() -> None:
    from notrain.site import PURPOSES

    assert PURPOSE_CHOICES == PURPOSES
