import importlib
import os
import shutil
import subprocess
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from notrain.store import Database
from notrain.watch.model import Document
from notrain.watch.versions import document, documents, save_document, versions

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs the git command")

FB_PP = "Facebook/Privacy Policy.md"
FB_TOS = "Facebook/Términos de servicio.md"
IG_PP = "Instagram/Privacy Policy.md"
IG_TOS = "Instagram/Terms of Service.md"


@pytest.fixture
def ota():
    return importlib.import_module("notrain.watch.ota")


@pytest.fixture
def db():
    with Database(":memory:") as database:
        yield database


_TOPICS = (
    "the information you provide", "your activity on our products", "your connections",
    "the devices you use", "your location", "the ads you see", "partners who measure ads",
    "law enforcement requests", "how long we keep information", "your choices",
    "transfers outside your country", "children and teenagers", "research and innovation",
    "safety, security and integrity", "cookies and similar technologies", "how to contact us",
)  # fmt: skip
_VERBS = ("collect", "use", "share", "keep", "protect", "review", "combine", "delete")


def _policy(service: str, doc: str, revision: int, extra: str = "") -> str:
    """A policy-like text of about 6 kB, each section different from the others."""
    sections = "\n\n".join(
        f"## {topic.capitalize()}\n\n"
        + " ".join(
            f"{service} may {_VERBS[(n + k) % len(_VERBS)]} {_TOPICS[(n * 3 + k) % len(_TOPICS)]} "
            f"when you {('post', 'browse', 'message', 'buy', 'search')[k % 5]} (§{n}.{k})."
            for k in range(5)
        )
        for n, topic in enumerate(_TOPICS)
    )
    return (
        f"# {doc}\n\nEffective 2023-0{revision}-01\n\n{sections}\n\n{extra}Revision {revision}.\n"
    )


def _git(repo: Path, *args: str, when: str | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if when:
        env["GIT_COMMITTER_DATE"] = when
        env["GIT_AUTHOR_DATE"] = "2001-01-01T00:00:00Z"  # never the capture time
    done = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _new_repo(repo: Path) -> Path:
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", "OTA-Bot")
    _git(repo, "config", "user.email", "bot@example.org")
    return repo


def _record(repo: Path, when: str, files: dict[str, str], message: str = "Record changes") -> str:
    for name, text in files.items():
        path = repo / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        _git(repo, "add", "--", name)
    _git(repo, "commit", "-q", "-m", message, when=when)
    return _git(repo, "rev-parse", "HEAD")


@pytest.fixture
def archive(tmp_path):
    """Two services with two documents each, recorded over seven commits."""
    repo = _new_repo(tmp_path / "demo-versions")
    _record(repo, "2023-01-10T08:00:00Z", {FB_PP: _policy("Facebook", "Privacy Policy", 1)})
    _record(repo, "2023-01-10T09:30:00Z", {FB_TOS: _policy("Facebook", "Términos", 1)})
    _record(
        repo,
        "2023-02-01T10:00:00+02:00",
        {IG_PP: _policy("Instagram", "Privacy", 1), IG_TOS: _policy("Instagram", "Terms", 1)},
    )
    _record(repo, "2023-03-01T08:00:00Z", {FB_PP: _policy("Facebook", "Privacy Policy", 2)})
    respaced = _policy("Facebook", "Privacy Policy", 2).replace("\n", "  \n")
    _record(repo, "2023-04-01T08:00:00Z", {FB_PP: respaced})
    _record(repo, "2023-05-01T08:00:00Z", {"README.md": "# Demo versions\n"})
    _record(
        repo,
        "2023-06-01T08:00:00Z",
        {IG_PP: _policy("Instagram", "Privacy", 2)},
        message="Apply technical or declaration upgrade on Instagram Privacy Policy",
    )
    return repo


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_each_document_gets_its_versions_at_the_commit_times(ota, db, archive):
    seen = []
    result = ota.import_ota(db, archive, progress=lambda done, total: seen.append((done, total)))
    assert (result.commits, result.added, result.skipped, result.broken) == (7, 7, 0, 0)
    assert seen[-1] == (7, 7) and len(seen) == 7
    keys = {
        "facebook/privacy-policy/ota",
        "facebook/terminos-de-servicio/ota",
        "instagram/privacy-policy/ota",
        "instagram/terms-of-service/ota",
    }
    assert set(result.created) == set(result.documents) == {d.key for d in documents(db)} == keys
    tos = document(db, "facebook/terminos-de-servicio/ota")
    assert (tos.service, tos.doc_type) == ("Facebook", "Términos de servicio")

    fb = versions(db, "facebook/privacy-policy/ota")
    assert [v.captured for v in fb] == [
        _utc("2023-01-10T08:00:00Z"), _utc("2023-03-01T08:00:00Z"), _utc("2023-04-01T08:00:00Z")
    ]  # fmt: skip
    assert fb[0].sha256 != fb[1].sha256 == fb[2].sha256  # re-recorded with the same text
    assert fb[1].text == ota.normalise(_policy("Facebook", "Privacy Policy", 2))
    assert [v.effective for v in fb] == [ota.effective_date(v.text) for v in fb]
    assert all(v.origin.startswith("ota:") and not v.broken for v in fb)

    ig = versions(db, "instagram/privacy-policy/ota")
    ig_tos = versions(db, "instagram/terms-of-service/ota")
    assert ig[0].captured == ig_tos[0].captured == _utc("2023-02-01T08:00:00Z")
    assert ig[0].origin == ig_tos[0].origin  # one commit, two documents
    assert ig[1].origin.endswith(":technical-upgrade")


def test_a_second_import_reads_only_newer_commits(ota, db, archive):
    ota.import_ota(db, archive)
    again = ota.import_ota(db, archive)
    assert (again.commits, again.added, again.created, again.rewritten) == (0, 0, (), False)
    _record(archive, "2023-07-01T08:00:00Z", {FB_TOS: _policy("Facebook", "Términos", 2)})
    newer = ota.import_ota(db, archive)
    assert (newer.commits, newer.added, newer.skipped) == (1, 1, 0)
    assert newer.documents == ("facebook/terminos-de-servicio/ota",)
    assert newer.head == _git(archive, "rev-parse", "HEAD")


def test_a_rewritten_history_is_read_again_without_storing_twice(ota, db, archive):
    ota.import_ota(db, archive)
    _git(archive, "reset", "-q", "--hard", "HEAD~1")
    _record(archive, "2023-06-02T08:00:00Z", {IG_TOS: _policy("Instagram", "Terms", 3)})
    result = ota.import_ota(db, archive)
    assert result.rewritten
    assert (result.commits, result.added, result.skipped) == (7, 1, 6)
    assert len(versions(db, "instagram/terms-of-service/ota")) == 2


def test_a_bare_clone_is_read_too(ota, db, archive, tmp_path):
    _git(tmp_path, "clone", "-q", "--bare", str(archive), str(tmp_path / "bare.git"))
    result = ota.import_ota(db, tmp_path / "bare.git")
    assert (result.branch, result.commits, result.added) == ("main", 7, 7)


def test_each_branch_has_its_own_place(ota, db, archive):
    ota.import_ota(db, archive)
    _git(archive, "checkout", "-q", "-b", "other")
    _record(archive, "2023-08-01T08:00:00Z", {IG_TOS: _policy("Instagram", "Terms", 4)})
    _git(archive, "checkout", "-q", "main")
    other = ota.import_ota(db, archive, branch="other")
    assert (other.branch, other.commits, other.added, other.skipped) == ("other", 8, 1, 7)
    assert ota.import_ota(db, archive).commits == 0
    with pytest.raises(ota.OtaRepositoryError, match="no branch 'nope'"):
        ota.import_ota(db, archive, branch="nope")


def test_documents_can_be_mapped_to_watched_ones(ota, db, archive):
    watched = Document(key="facebook/privacy-policy/eu-en", service="Meta", doc_type="Privacy")
    save_document(db, watched)
    result = ota.import_ota(db, archive, documents={"Facebook/Privacy Policy": watched.key})
    assert watched.key not in result.created and watched.key in result.documents
    assert document(db, watched.key) == watched
    assert len(versions(db, watched.key)) == 3
    assert document(db, "facebook/privacy-policy/ota") is None


def test_a_capture_a_fraction_of_the_size_is_kept_aside(ota, db, archive, monkeypatch):
    monkeypatch.setattr(ota, "broken", lambda text, good: "small" if len(text) < 100 else "")
    _record(archive, "2023-09-01T08:00:00Z", {FB_PP: "Log in to continue.\n"})
    result = ota.import_ota(db, archive)
    assert result.broken == 1
    last = versions(db, "facebook/privacy-policy/ota")[-1]
    assert last.broken and last.broken_reason == "small"


def test_document_keys_are_slugs_of_the_names(ota):
    assert ota.ota_key("Meta AI", "Términos de servicio") == "meta-ai/terminos-de-servicio/ota"
    nfd = unicodedata.normalize("NFD", "Términos de servicio")
    assert ota.ota_key("Meta AI", nfd) == "meta-ai/terminos-de-servicio/ota"


def test_two_files_with_the_same_key_are_refused(ota, db, tmp_path):
    repo = _new_repo(tmp_path / "clash")
    _record(repo, "2023-01-01T00:00:00Z", {"Meta AI/Terms.md": "a\n", "Meta-AI/Terms.md": "b\n"})
    with pytest.raises(ota.OtaRepositoryError, match="would both be stored") as caught:
        ota.import_ota(db, repo)
    assert "to another document key" in caught.value.hint


def test_folders_that_are_not_versions_repositories_are_refused(ota, db, tmp_path):
    with pytest.raises(ota.OtaRepositoryError, match="does not exist"):
        ota.import_ota(db, tmp_path / "missing")
    (tmp_path / "plain").mkdir()
    with pytest.raises(ota.OtaRepositoryError, match="is not a git repository") as caught:
        ota.import_ota(db, tmp_path / "plain")
    assert "git clone" in caught.value.hint
    empty = _new_repo(tmp_path / "empty")
    with pytest.raises(ota.OtaRepositoryError, match="no commits yet"):
        ota.import_ota(db, empty)
    readme = _new_repo(tmp_path / "declarations")
    _record(readme, "2023-01-01T00:00:00Z", {"README.md": "# x\n", "Facebook.json": "{}"})
    with pytest.raises(ota.OtaRepositoryError, match="holds no Open Terms Archive versions"):
        ota.import_ota(db, readme)
    (readme / "sub").mkdir()
    with pytest.raises(ota.OtaRepositoryError, match="not at its top"):
        ota.import_ota(db, readme / "sub")
    assert documents(db) == []


def test_without_git_the_error_says_to_install_it(ota, db, archive, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    with pytest.raises(ota.GitNotFoundError, match="needs the git command") as caught:
        ota.import_ota(db, archive)
    assert "Install git" in caught.value.hint


def test_three_hundred_commits(ota, db, tmp_path):
    repo = _new_repo(tmp_path / "long")
    stream = []
    for n in range(300):
        service = ("Facebook", "Instagram", "Threads")[n % 3]
        text = _policy(service, "Privacy Policy", n % 9 + 1, extra=f"Change {n}.\n\n")
        data = text.encode()
        stream.append(
            f"commit refs/heads/main\ncommitter OTA-Bot <bot@example.org> {1672531200 + n * 86400}"
            f" +0000\ndata 6\nUpdate\nM 100644 inline {service}/Privacy Policy.md\n"
            f"data {len(data)}\n"
        )
        stream.append(text + "\n")
    subprocess.run(
        ["git", "-C", str(repo), "fast-import", "--quiet"],
        input="".join(stream).encode(),
        check=True,
    )
    result = ota.import_ota(db, repo)
    assert (result.commits, result.added) == (300, 300)
    threads = versions(db, "threads/privacy-policy/ota")
    assert len(threads) == 100
    assert threads[-1].captured == datetime.fromtimestamp(1672531200 + 299 * 86400, UTC)


def test_a_technical_upgrade_commit_is_not_reported(tmp_path) -> None:
    """The archive's "Apply technical or declaration upgrade" commits re-capture a document
    with new selectors: later versions are compared with them, but they are not news."""
    import os
    import subprocess

    from notrain.store import Database
    from notrain.watch.detect import changes_in
    from notrain.watch.ota import import_ota
    from notrain.watch.versions import versions

    repo = tmp_path / "versions"
    (repo / "Example").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    body = "\n\n".join(
        f"## Part {n}\n\nWe keep information for purpose {n} as long as we need it for that."
        for n in range(12)
    )
    texts = (
        ("Record", f"# Policy\n\n{body}\n"),
        ("Apply technical or declaration upgrade on Example Privacy Policy",
         f"# Policy\n\n{body}\n\nWe use your posts to train generative AI models.\n"),
        ("Record", (f"# Policy\n\n{body}\n\nWe use your posts to train generative AI models.\n\n"
         "We keep logs for thirty days.\n")),
    )  # fmt: skip
    for day, (subject, text) in enumerate(texts, 1):
        (repo / "Example" / "Privacy Policy.md").write_text(text, "utf-8")
        moment = f"2025-01-0{day}T00:00:00Z"
        env = {**os.environ, "GIT_AUTHOR_DATE": moment, "GIT_COMMITTER_DATE": moment}
        git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run([*git, "commit", "-qm", subject], check=True, env=env)
    with Database(tmp_path / "notrain.db") as db:
        import_ota(db, repo)
        found = changes_in(versions(db, "example/privacy-policy/ota"))

    assert [change.added for change in found] == [("We keep logs for thirty days.",)]
