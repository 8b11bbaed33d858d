"""The policy watch page through the test client: adding documents (from the catalogue, by
address), checking now against a local policy server, the feed of changes with the AI terms
marked and policy text escaped, removing, and importing an Open Terms Archive history."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from policy_server import PolicyServer
from web_support import job_id_from, web_client

from notrain.store import Database
from notrain.watch.journal import record_changes, unemailed_changes
from notrain.watch.model import Change, Document
from notrain.watch.report import highlight_parts
from notrain.watch.versions import save_document

SECTIONS = "".join(
    f"<h2>Section {n}</h2><p>We keep information for purpose number {n} as long as we need it, "
    f"and you can ask us about purpose number {n} at any time.</p>"
    for n in range(1, 10)
)
AI = "We use public posts and photos to train generative AI models."
SCRIPT = "<script>alert(1)</script>"

POLICY = "# Privacy Policy\n\nEffective {effective}\n\n" + "\n\n".join(
    f"## Section {n}\n\nWe keep information for as long as we need it for purpose number {n}. "
    f"You can ask us about purpose number {n} at any time through the Privacy Center."
    for n in range(1, 13)
)
OTA_AI = (
    "We use information to develop and improve artificial intelligence technology "
    "(also called AI at Meta), including generative AI models, based on legitimate interests."
)


def policy_page(extra: str = "") -> str:
    return (
        "<html><head><title>Privacy</title></head><body><nav>Home · Log in</nav><main>"
        f'<div class="terms"><h1>Privacy Policy</h1><p>Effective 1 March 2026</p>{SECTIONS}'
        f"{f'<p>{extra}</p>' if extra else ''}</div></main></body></html>"
    )


def make_history(repo: Path) -> Path:
    """A small Open Terms Archive versions repository: Facebook's privacy policy recorded
    twice, the second time with a paragraph about AI training."""

    def git(*args: str, when: str | None = None) -> None:
        env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
        if when:
            env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = when
        subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, capture_output=True)

    repo.mkdir()
    git("init", "-q", "-b", "main")
    git("config", "user.name", "OTA-Bot")
    git("config", "user.email", "bot@example.org")
    path = repo / "Facebook" / "Privacy Policy.md"
    path.parent.mkdir()
    for when, text in (
        ("2025-03-01T10:00:00Z", POLICY.format(effective="1 January 2025")),
        ("2025-05-27T10:00:00Z", POLICY.format(effective="27 May 2025") + f"\n\n{OTA_AI}\n"),
    ):
        path.write_text(text, encoding="utf-8")
        git("add", "--", "Facebook/Privacy Policy.md")
        git("commit", "-q", "-m", "Record changes", when=when)
    return repo


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")


@pytest.fixture
def server():
    with PolicyServer() as running:
        running.page("/privacy", policy_page())
        yield running


def test_the_empty_page_says_how_to_start(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        page = client.get("/watch").text
    assert "You watch no documents yet" in page
    assert "No change about AI training found yet" in page
    assert 'value="whatsapp/privacy-policy/eu-en"' in page and "All of Meta" in page
    assert "Not set up." in page
    assert " style=" not in page and "<style" not in page


def test_add_by_catalogue_key_and_service(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        response = client.post(
            "/watch/add", data={"how": "catalogue", "target": "whatsapp/privacy-policy/eu-en"}
        )
        assert response.status_code == 303 and response.headers["location"] == "/watch"
        page = client.get("/watch").text
        assert "Now watching WhatsApp privacy policy (EU)" in page
        assert '<a class="watch-table__address" href="https://' in page
        assert "not checked yet" in page and "Never" in page

        missing = client.post("/watch/add", data={"how": "catalogue", "target": "meta"})
        assert missing.status_code == 400
        assert "several regions" in missing.text and 'role="alert"' in missing.text
        assert '<option value="meta" selected>' in missing.text

        both = client.post(
            "/watch/add", data={"how": "catalogue", "target": "meta", "region": "UK"}
        )
        assert both.status_code == 303
        watched = client.get("/watch").text.split('id="changes-title"')[0]
        assert "Meta AI terms of service (UK)" in watched and "(US)" not in watched
        assert client.post("/watch/add", data={"how": "catalogue"}).status_code == 400


def test_add_by_address_then_check_now_finds_the_change(
    server: PolicyServer, notrain_home: Path
) -> None:
    url = server.url("/privacy")
    with web_client(notrain_home) as client:
        response = client.post(
            "/watch/add",
            data={
                "how": "address",
                "url": url,
                "selector": ".terms",
                "name": "Example privacy policy",
                "read_now": "1",
            },
        )
        assert response.status_code == 303
        job = client.wait_for_job(job_id_from(response.headers["location"]))
        assert job["status"] == "done" and job["progress"]["total"] == 1
        first = client.get(response.headers["location"]).text
        assert "First version stored" in first and "Nothing changed since the last check" in first

        server.page("/privacy", policy_page(AI))
        response = client.post("/watch/check")
        assert response.status_code == 303
        assert client.wait_for_job(job_id_from(response.headers["location"]))["status"] == "done"
        result = client.get(response.headers["location"]).text
        assert "About AI training" in result
        assert "generative AI</mark>" in result

        page = client.get("/watch").text
        assert "badge--changed" in page and "1 change, 1 about AI training." in page
        assert "Example privacy policy changed on" in page and "<ins>" in page
        assert "/watch/feed.atom" in page
        feed = client.get("/watch/feed.atom")
        assert feed.status_code == 200 and "Example privacy policy" in feed.text
        assert feed.headers["content-type"].startswith("application/atom+xml")


def test_a_page_that_cannot_be_read_shows_the_error_and_its_hint(
    server: PolicyServer, notrain_home: Path
) -> None:
    server.page("/gone", "<h1>Not here</h1>", status=404)
    with web_client(notrain_home) as client:
        client.post("/watch/add", data={"how": "address", "url": server.url("/gone")})
        response = client.post("/watch/check")
        client.wait_for_job(job_id_from(response.headers["location"]))
        page = client.get("/watch").text
    assert "badge--error" in page and "404" in page
    assert re.search(r'<p class="hint">[^<]+</p>\s*</td>', page)  # the check's hint is kept


def test_policy_text_is_escaped_in_the_feed(notrain_home: Path) -> None:
    with Database.open(notrain_home) as db:
        save_document(db, Document(key="example/privacy", service="example", doc_type="privacy"))
        record_changes(
            db,
            [
                Change(
                    document="example/privacy",
                    captured=datetime(2026, 3, 1, tzinfo=UTC),
                    kind="added",
                    added=(f"We train generative AI on your photos {SCRIPT}.",),
                    removed=(f"We never use AI {SCRIPT}.",),
                    ai_related=True,
                    ai_terms=("generative AI", "AI"),
                    summary=f"Added: {SCRIPT}",
                )
            ],
        )
    with web_client(notrain_home, worker=False) as client:
        page = client.get("/watch").text
        everything = client.get("/watch?show=all").text
    assert SCRIPT not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<ins>We train <mark>generative AI</mark> on your photos &lt;script&gt;" in page
    assert "<del>We never use <mark>AI</mark> &lt;script&gt;" in page
    assert SCRIPT not in everything and 'aria-current="page">All changes' in everything


def test_bad_addresses_and_selectors_are_explained(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        for url, message in (
            ("www.example.com/privacy", "is not a web address notrain can read"),
            ("example.com/privacy", "is not a web address notrain can read"),
            ("", "Give the address of the page"),
        ):
            response = client.post("/watch/add", data={"how": "address", "url": url})
            assert response.status_code == 400
            assert message in response.text and 'role="alert"' in response.text
            assert f'value="{url}"' in response.text
        response = client.post(
            "/watch/add",
            data={"how": "address", "url": "https://example.com/p", "selector": "div["},
        )
        assert response.status_code == 400 and "CSS selector" in response.text
        assert 'value="div["' in response.text
        escaped = client.post("/watch/add", data={"how": "address", "url": f"www.x.org/{SCRIPT}"})
        assert SCRIPT not in escaped.text and "&lt;script&gt;" in escaped.text


def test_remove_a_document(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        client.post("/watch/add", data={"how": "address", "url": "https://example.com/privacy"})
        page = client.get("/watch").text
        assert 'data-confirm="Stop watching example.com/privacy' in page

        response = client.post("/watch/remove", data={"key": "example.com/privacy"})

        assert response.status_code == 303
        page = client.get("/watch").text
        assert "No longer watching example.com/privacy" in page
        assert "You watch no documents yet" in page
        again = client.post("/watch/remove", data={"key": "example.com/privacy"})
        assert again.status_code == 400 and "does not watch" in again.text
        assert client.post("/watch/remove", data={"key": "x"}, csrf=False).status_code == 403


@needs_git
def test_import_a_history_and_see_its_ai_change_in_the_feed(
    notrain_home: Path, tmp_path: Path
) -> None:
    repo = make_history(tmp_path / "pga-versions")
    with web_client(notrain_home) as client:
        response = client.post("/watch/import", data={"folder": str(repo)})
        assert response.status_code == 303
        job = client.wait_for_job(job_id_from(response.headers["location"]))
        assert job["status"] == "done", job
        result = client.get(response.headers["location"]).text
        assert "Read 2 recorded versions" in result and "1 about AI training" in result

        page = client.get("/watch").text
        assert "Facebook privacy policy changed on 27 May 2025" in page
        assert "<mark>AI at Meta</mark>" in page
        assert "Open Terms Archive versions repository" in page  # where it is followed
    with Database.open(notrain_home) as db:
        assert unemailed_changes(db) == []  # history is shown, never e-mailed


def test_import_problems_are_explained(notrain_home: Path, tmp_path: Path) -> None:
    with web_client(notrain_home) as client:
        empty = client.post("/watch/import", data={"folder": ""})
        assert empty.status_code == 400 and "Give the folder" in empty.text
        missing = client.post("/watch/import", data={"folder": str(tmp_path / "nope")})
        assert missing.status_code == 400 and "There is no folder" in missing.text
        assert f'value="{tmp_path / "nope"}"' in missing.text
        if shutil.which("git"):
            response = client.post("/watch/import", data={"folder": str(tmp_path)})
            job = client.wait_for_job(job_id_from(response.headers["location"]))
            assert job["status"] == "failed" and job["error"]
            failed = client.get(response.headers["location"]).text
            assert 'role="alert"' in failed


def test_jobs_and_files_outside_the_page_cannot_be_fetched(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        assert client.get("/watch/feed.atom").status_code == 404  # not written yet
        assert client.get("/watch/feed.atom?path=/etc/passwd").status_code == 404
        assert client.get("/watch/jobs/nope").status_code == 404
        assert client.get("/watch/jobs/..%2F..%2Fetc%2Fpasswd").status_code == 404
        assert client.get("/watch/../etc/passwd").status_code == 404


def test_check_now_while_a_check_waits_opens_that_one(notrain_home: Path) -> None:
    with web_client(notrain_home, worker=False) as client:
        first = client.post("/watch/check").headers["location"]
        assert client.post("/watch/check").headers["location"] == first
        page = client.get("/watch").text
        assert f'data-job="{job_id_from(first)}"' in page
        assert "Waiting to start" in client.get(first).text


def test_highlight_parts_cut_a_sentence_around_its_terms() -> None:
    assert highlight_parts("Generative AI and AI at Meta.", ["generative AI", "AI at Meta"]) == [
        ("Generative AI", True),
        (" and ", False),
        ("AI at Meta", True),
        (".", False),
    ]
    assert highlight_parts("maintain", ["AI"]) == [("maintain", False)]
