"""``notrain watch import-ota`` and ``notrain watch changes`` on a generated archive."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from click.testing import CliRunner

from notrain.cli import main

POLICY = """# Privacy Policy

Effective {effective}

## What information do we collect?

We collect the content you create, such as posts, comments and photos.
We collect information about the devices you use.

## How do we use your information?

We use information to provide, personalise and improve our Products.
{extra}
We use information to show you ads.

## Section 1

We keep information for as long as we need it for purpose number 1. You can ask us about purpose number 1 at any time through the Privacy Center.

## Section 2

We keep information for as long as we need it for purpose number 2. You can ask us about purpose number 2 at any time through the Privacy Center.

## Section 3

We keep information for as long as we need it for purpose number 3. You can ask us about purpose number 3 at any time through the Privacy Center.

## Section 4

We keep information for as long as we need it for purpose number 4. You can ask us about purpose number 4 at any time through the Privacy Center.

## Section 5

We keep information for as long as we need it for purpose number 5. You can ask us about purpose number 5 at any time through the Privacy Center.

## Section 6

We keep information for as long as we need it for purpose number 6. You can ask us about purpose number 6 at any time through the Privacy Center.

## Section 7

We keep information for as long as we need it for purpose number 7. You can ask us about purpose number 7 at any time through the Privacy Center.

## Section 8

We keep information for as long as we need it for purpose number 8. You can ask us about purpose number 8 at any time through the Privacy Center.

## Section 9

We keep information for as long as we need it for purpose number 9. You can ask us about purpose number 9 at any time through the Privacy Center.

## Section 10

We keep information for as long as we need it for purpose number 10. You can ask us about purpose number 10 at any time through the Privacy Center.

## Section 11

We keep information for as long as we need it for purpose number 11. You can ask us about purpose number 11 at any time through the Privacy Center.

## Section 12

We keep information for as long as we need it for purpose number 12. You can ask us about purpose number 12 at any time through the Privacy Center.
"""

AI = (
    "We use information to develop and improve artificial intelligence technology "
    "(also called AI at Meta), including generative AI models, based on legitimate interests."
)


def git(repo: Path, *args: str, when: str | None = None) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if when:
        env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = when
    subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True)


def record(repo: Path, when: str, text: str) -> None:
    path = repo / "Facebook" / "Privacy Policy.md"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    git(repo, "add", "--", "Facebook/Privacy Policy.md")
    git(repo, "commit", "-q", "-m", "Record changes", when=when)


def test_import_then_report_the_ai_change_once(tmp_path):
    # (A real policy is long: one new paragraph is a small part of it, as here.)
    repo = tmp_path / "archive"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "OTA-Bot")
    git(repo, "config", "user.email", "bot@example.org")
    record(repo, "2025-03-01T10:00:00Z", POLICY.format(effective="1 January 2025", extra=""))
    # A pure layout change: list style, tracking parameters. Not news.
    record(
        repo,
        "2025-04-01T10:00:00Z",
        POLICY.format(effective="1 January 2025", extra="").replace(
            "# Privacy Policy", "Privacy Policy\n=============="
        ),
    )
    record(repo, "2025-05-27T10:00:00Z", POLICY.format(effective="27 May 2025", extra=AI))
    runner = CliRunner()
    imported = runner.invoke(main, ["watch", "import-ota", str(repo), "--json"])
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["commits"] == 3
    again = runner.invoke(main, ["watch", "import-ota", str(repo), "--json"])
    assert json.loads(again.stdout)["commits"] == 0
    result = runner.invoke(main, ["watch", "changes", "--ai-only", "--json"])
    assert result.exit_code == 0, result.output
    changes = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(changes) == 1
    (change,) = changes
    assert change["ai_related"] and change["captured"].startswith("2025-05-27")
    assert any("AI at Meta" in sentence for sentence in change["added"])
    assert {"document", "captured", "ai_related", "added", "removed", "summary"} <= set(change)
    unknown = runner.invoke(main, ["watch", "changes", "--document", "nope"])
    assert unknown.exit_code == 2 and "Watched documents" in unknown.output
