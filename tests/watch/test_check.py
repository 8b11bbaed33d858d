"""One check pass, end to end, against a local HTTP server with generated policy pages: the first
capture, conditional requests, a real change reported once, layout churn ignored, and each kind
of failure kept to its own document."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from policy_server import PolicyServer, send

from notrain.store import Database
from notrain.watch.check import check
from notrain.watch.fetch import Fetcher
from notrain.watch.journal import reported_changes
from notrain.watch.model import Document
from notrain.watch.state import load_state
from notrain.watch.versions import save_document, versions

SECTIONS = "\n".join(
    f"<h2>Section {n}</h2><p>We keep information for purpose number {n} as long as we need it. "
    f"You can ask us about purpose number {n} at any time through the Privacy Center.</p>"
    for n in range(1, 12)
)

AI_SENTENCE = (
    "We use your public posts and photos to develop and improve artificial intelligence "
    "technology (also called AI at Meta), on the basis of our legitimate interests."
)


def policy_page(extra: str = "", *, css: str = "policy", bullet_style: str = "") -> str:
    return f"""<!doctype html><html><head><title>Privacy Policy</title>
<style>.x {{ color: red }}</style><script>var tracking = 1;</script></head>
<body><nav><a href="/">Home</a> <a href="/login">Log in</a></nav>
<div id="cookie-banner">We use cookies. <button>Accept</button></div>
<main><div class="{css}"><h1>Privacy Policy</h1><p>Effective 16 June 2025</p>
<h2>What information do we collect?</h2>
<ul{bullet_style}><li>Content you create, such as posts, comments and photos.</li>
<li>Information about the devices you use.</li></ul>
<h2>How do we use your information?</h2>
<p>We use information to provide, personalise and improve our Products.
<a href="https://example.com/help?utm_source=policy&amp;id=7">Learn more</a>.</p>
{f"<p>{extra}</p>" if extra else ""}
{SECTIONS}
</div></main><footer>© Example</footer></body></html>"""


@pytest.fixture
def db(tmp_path: Path):
    database = Database(tmp_path / "notrain.db")
    yield database
    database.close()


@pytest.fixture
def server():
    with PolicyServer() as running:
        yield running


def watch(db: Database, server: PolicyServer, key: str, path: str, **fields) -> Document:
    document = Document(
        key=key,
        service=key.split("/")[0],
        doc_type="privacy-policy",
        url=server.url(path),
        select=fields.pop("select", (".policy",)),
        remove=fields.pop("remove", ("#cookie-banner",)),
        **fields,
    )
    save_document(db, document, added_by_user=True)
    return document


def fetcher() -> Fetcher:
    return Fetcher(timeout=2, retries=0, sleep=lambda seconds: None)


def one_pass(db: Database, **options):
    with fetcher() as active:
        return check(db, fetcher=active, follow_ota=False, **options)


def test_first_check_stores_the_policy_and_reports_nothing(db, server) -> None:
    server.page("/privacy", policy_page())
    watch(db, server, "example/privacy-policy/eu-en", "/privacy")

    report = one_pass(db)

    (result,) = report.results
    assert result.status == "new"
    assert "16 June 2025" in result.message
    assert report.changes == ()
    (stored,) = versions(db, "example/privacy-policy/eu-en")
    assert "Content you create" in stored.text
    assert "cookies" not in stored.text and "Log in" not in stored.text
    assert "tracking" not in stored.text
    assert "utm_source" not in stored.text
    assert stored.effective is not None and stored.effective.isoformat() == "2025-06-16"


def test_a_real_change_is_reported_once_and_journalled(db, server) -> None:
    server.page("/privacy", policy_page())
    watch(db, server, "example/privacy-policy/eu-en", "/privacy")
    one_pass(db)
    server.page("/privacy", policy_page(AI_SENTENCE))

    report = one_pass(db)

    (result,) = report.results
    assert result.status == "changed"
    assert "about AI training" in result.message
    (change,) = report.changes
    assert change.ai_related and change.kind == "added"
    assert any("artificial intelligence" in sentence for sentence in change.added)
    assert [c.added for c in reported_changes(db)] == [change.added]
    assert load_state(db, "example/privacy-policy/eu-en").reported_through == change.captured

    again = one_pass(db)

    assert again.results[0].status == "unchanged"
    assert again.changes == ()
    assert len(reported_changes(db)) == 1


def test_conditional_requests_use_the_servers_validators(db, server) -> None:
    page = policy_page()

    def answer(request) -> None:
        if request.headers.get("If-None-Match") == '"v1"':
            send(request, 304, headers={"ETag": '"v1"'})
        else:
            send(
                request,
                200,
                page,
                headers={"ETag": '"v1"', "Last-Modified": "Mon, 16 Jun 2025 00:00:00 GMT"},
            )

    server.route("/privacy", answer)
    watch(db, server, "example/privacy-policy/eu-en", "/privacy")
    one_pass(db)

    report = one_pass(db)

    assert report.results[0].status == "unchanged"
    assert "not modified" in report.results[0].message.lower()
    second = server.requests_to("/privacy")[1]
    assert second.headers["if-none-match"] == '"v1"'
    assert second.headers["if-modified-since"] == "Mon, 16 Jun 2025 00:00:00 GMT"
    assert second.headers["user-agent"].startswith("notrain/")
    assert len(versions(db, "example/privacy-policy/eu-en")) == 1


def test_layout_bullets_and_tracking_parameters_are_not_news(db, server) -> None:
    server.page("/privacy", policy_page())
    watch(db, server, "example/privacy-policy/eu-en", "/privacy")
    one_pass(db)
    restyled = policy_page(css="policy", bullet_style=' class="bullets-v2"').replace(
        "utm_source=policy", "utm_source=newsletter&amp;fbclid=abc"
    )
    server.page("/privacy", restyled.replace("<p>We use", "<p>\n   We   use"))

    report = one_pass(db)

    assert report.results[0].status == "unchanged"
    assert report.changes == ()


def test_failures_stay_with_their_document(db, server) -> None:
    server.page("/good", policy_page())
    server.page("/gone", "<h1>Server error</h1>", status=500)
    server.page("/walled", "", status=302, headers={"Location": "/login?next=/walled"})
    server.page("/login", "<form>Log in to continue</form>")
    server.page("/pdf", b"%PDF-1.7 ...", content_type="application/pdf")
    for name in ("good", "gone", "walled", "pdf"):
        watch(db, server, f"{name}/privacy-policy/eu-en", f"/{name}")

    report = one_pass(db)

    status = {result.document.service: result for result in report.results}
    assert status["good"].status == "new"
    assert status["gone"].status == "error" and "500" in status["gone"].message
    assert status["walled"].status == "error" and "log" in status["walled"].message.lower()
    assert status["pdf"].status == "error" and "pdf" in status["pdf"].message.lower()
    assert all(status[name].hint for name in ("gone", "walled", "pdf"))
    assert not report.failed
    assert versions(db, "gone/privacy-policy/eu-en") == []
    assert load_state(db, "gone/privacy-policy/eu-en").status == "error"


def test_unreachable_everything_is_a_failed_pass(db) -> None:
    document = Document(
        key="nowhere/privacy-policy/eu-en",
        service="nowhere",
        doc_type="privacy-policy",
        url="http://127.0.0.1:9/privacy",
    )
    save_document(db, document)

    report = one_pass(db)

    assert report.failed
    assert report.results[0].status == "error"


def test_selectors_that_stop_matching_need_attention_not_a_deleted_policy(db, server) -> None:
    server.page("/privacy", policy_page())
    watch(db, server, "example/privacy-policy/eu-en", "/privacy")
    one_pass(db)
    server.page("/privacy", policy_page(css="x9f_policy_container"))

    report = one_pass(db)

    (result,) = report.results
    assert result.status == "attention"
    assert ".policy" in result.message
    assert "--selector" in result.hint
    assert not any(change.removed for change in report.changes)


def test_a_broken_capture_is_kept_aside_and_not_diffed(db, server) -> None:
    server.page("/privacy", policy_page())
    watch(db, server, "example/privacy-policy/eu-en", "/privacy")
    one_pass(db)
    server.page(
        "/privacy",
        '<html><body><main><div class="policy"><h1>Sorry, something went wrong.</h1>'
        "<p>We're working on it and we'll get it fixed as soon as we can.</p></div></main>"
        "</body></html>",
    )

    broken = one_pass(db)

    assert broken.results[0].status == "broken"
    assert broken.changes == ()
    assert versions(db, "example/privacy-policy/eu-en")[-1].broken
    server.page("/privacy", policy_page())

    recovered = one_pass(db)

    assert recovered.results[0].status == "unchanged"
    assert recovered.changes == ()


def test_a_change_in_a_followed_archive_is_reported(db, tmp_path: Path) -> None:
    from notrain.watch.ota import import_ota

    repo = tmp_path / "versions"
    (repo / "Example").mkdir(parents=True)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    markdown = policy_markdown()
    for day, text in (("2025-01-01", markdown), ("2025-02-01", markdown + "\nWe keep logs.\n")):
        (repo / "Example" / "Privacy Policy.md").write_text(text, "utf-8")
        env = {"GIT_COMMITTER_DATE": f"{day}T00:00:00Z", "GIT_AUTHOR_DATE": f"{day}T00:00:00Z"}
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-q", "-m", day], check=True, env=_env(env))
    import_ota(db, repo)
    (repo / "Example" / "Privacy Policy.md").write_text(
        markdown + "\nWe keep logs.\n\n" + AI_SENTENCE + "\n", "utf-8"
    )
    env = {"GIT_COMMITTER_DATE": "2025-03-01T00:00:00Z", "GIT_AUTHOR_DATE": "2025-03-01T00:00:00Z"}
    subprocess.run([*git, "commit", "-qam", "march"], check=True, env=_env(env))

    with fetcher() as active:
        report = check(db, fetcher=active)

    (imported,) = report.imports
    assert imported.added == 1
    (result,) = report.results
    assert result.status == "changed"
    (change,) = report.changes
    assert change.ai_related
    assert change.captured.isoformat().startswith("2025-03-01")


def policy_markdown() -> str:
    sections = "\n\n".join(
        f"## Section {n}\n\nWe keep information for purpose number {n} as long as we need it. "
        f"You can ask us about purpose number {n} at any time through the Privacy Center."
        for n in range(1, 12)
    )
    return f"# Privacy Policy\n\nEffective 1 January 2025\n\n{sections}\n"


def _env(extra: dict[str, str]) -> dict[str, str]:
    import os

    return {**os.environ, **extra}


def test_a_validator_that_cannot_be_sent_back_is_not_kept(db, server) -> None:
    server.page("/privacy", policy_page(), headers={"ETag": '"v1-\u00e9t\u00e9"'})
    watch(db, server, "example/privacy-policy/eu-en", "/privacy")
    one_pass(db)

    report = one_pass(db)

    assert report.results[0].status == "unchanged"
    assert "if-none-match" not in server.requests_to("/privacy")[1].headers


def test_a_page_the_parser_rejects_fails_alone(db, server) -> None:
    server.page("/bad", "<html><body><![ foo<p>text</p></body></html>")
    server.page("/good", policy_page())
    watch(db, server, "bad/privacy-policy/eu-en", "/bad")
    watch(db, server, "good/privacy-policy/eu-en", "/good")

    report = one_pass(db)

    status = {result.document.service: result.status for result in report.results}
    assert status == {"bad": "broken", "good": "new"}


def test_an_unexpected_failure_is_an_error_for_that_document_only(
    db, server, monkeypatch: pytest.MonkeyPatch
) -> None:
    import notrain.watch.extract as extract_module

    server.page("/privacy", policy_page())
    watch(db, server, "example/privacy-policy/eu-en", "/privacy")

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(extract_module, "extract", explode)

    report = one_pass(db)

    (result,) = report.results
    assert result.status == "error" and "boom" in result.message
    assert "bug" in result.hint


def test_a_fallback_capture_is_kept_aside_until_the_selectors_match_again(db, server) -> None:
    server.page("/privacy", policy_page())
    watch(db, server, "example/privacy-policy/eu-en", "/privacy")
    one_pass(db)
    renamed = policy_page(AI_SENTENCE, css="x9f_policy_container").replace(
        "<footer>",
        "<aside><p>Related: how to download your information, and more.</p></aside><footer>",
    )
    server.page("/privacy", renamed)

    report = one_pass(db)

    assert report.results[0].status == "attention"
    assert report.changes == ()
    assert versions(db, "example/privacy-policy/eu-en")[-1].broken


def test_new_selectors_start_over_instead_of_reporting_the_edit(db, server) -> None:
    from notrain.watch.watchlist import resolve_targets, watch_documents

    page = policy_page()

    def answer(request) -> None:
        send(request, 200, page, headers={"ETag": '"same"'})

    server.route("/privacy", answer)
    document = watch(db, server, "example/privacy-policy/eu-en", "/privacy", remove=())
    one_pass(db)
    (edited,) = resolve_targets(db, [document.key], remove=["#cookie-banner"])
    watch_documents(db, [edited])

    report = one_pass(db)

    assert report.results[0].status == "new"
    assert "starting point" in report.results[0].message
    assert report.changes == ()
    assert "if-none-match" not in server.requests_to("/privacy")[-1].headers
    page = policy_page(AI_SENTENCE)

    later = one_pass(db)

    (change,) = later.changes
    assert change.ai_related and not change.removed


def test_a_lost_archive_clone_is_an_error_until_imported_from_its_new_place(
    db, tmp_path: Path
) -> None:
    from notrain.watch.ota import import_ota

    repo = tmp_path / "versions"
    (repo / "Example").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    (repo / "Example" / "Privacy Policy.md").write_text(policy_markdown(), "utf-8")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "first"], check=True)
    import_ota(db, repo)
    moved = repo.rename(tmp_path / "elsewhere")

    with fetcher() as active:
        lost = check(db, fetcher=active)

    assert lost.results[0].status == "error"
    assert "gone" in lost.results[0].message
    import_ota(db, moved)

    with fetcher() as active:
        found = check(db, fetcher=active)

    assert found.ota_problems == ()
    assert found.results[0].status == "followed"
