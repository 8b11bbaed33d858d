"""Import the history of an Open Terms Archive versions repository into the database.

Open Terms Archive (https://opentermsarchive.org) records the terms of online services in
git repositories laid out as ``<service>/<document type>.md``: one commit per recorded
version, committed at the time the page was fetched. :func:`import_ota` replays a local
clone's history as versions, so a person gets years of history at once and can follow the
archive instead of fetching the pages themselves.

The history is read with the ``git`` command (one ``git log``, then every text through one
``git cat-file --batch``): it is on every machine that can clone the archive, and it reads
hundreds of commits a second, where the pure-Python readers are slower or heavy.
Where each import stopped is remembered per repository and branch, so the next one reads
only newer commits; if the history was rewritten since, everything is read again and the
versions already stored are skipped.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Self

from notrain.errors import InputError, NotrainError
from notrain.watch.detect import TECHNICAL_UPGRADE
from notrain.watch.model import Document, Version
from notrain.watch.state import set_baseline
from notrain.watch.text import broken, effective_date, normalise
from notrain.watch.versions import add_versions, document, latest_good, save_document, text_sha256

if TYPE_CHECKING:
    from notrain.store.database import Database

__all__ = ["GitNotFoundError", "ImportResult", "OtaRepositoryError", "import_ota", "ota_key"]

_CLONE_HINT = (
    "Give the folder of a local clone of an Open Terms Archive versions repository, e.g. "
    "after: git clone https://github.com/OpenTermsArchive/pga-versions"
)
_TECHNICAL_UPGRADE_PREFIXES = ("Apply technical or declaration upgrade", "Refilter")
"""Commit subjects of re-extractions of an old snapshot: the text changed, the page did not."""
_BATCH_COMMITS = 200
_FILE_MODES = (b"100644", b"100755")


class GitNotFoundError(NotrainError):
    """The ``git`` command, which reads the archive's history, is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "Importing an Open Terms Archive repository needs the git command, and it was not "
            "found on your PATH.",
            hint="Install git (https://git-scm.com/downloads), then run the import again.",
        )


class OtaRepositoryError(InputError):
    """The folder is not a readable Open Terms Archive versions repository."""


@dataclass(frozen=True, kw_only=True)
class ImportResult:
    """What one import read and stored."""

    repo: Path
    branch: str
    head: str
    """The commit the import reached; the next import starts after it."""
    commits: int
    """Commits read (0 when nothing was new)."""
    added: int
    """Versions stored."""
    skipped: int
    """Versions read that were stored already."""
    broken: int
    """Of the versions stored, how many are broken captures (kept aside)."""
    documents: tuple[str, ...] = ()
    """Keys of the documents that got new versions."""
    created: tuple[str, ...] = ()
    """Keys of the documents this import added to the watch list."""
    rewritten: bool = False
    """The history no longer contains where the last import stopped: all of it was read."""


_SOURCE_PREFIX = "Open Terms Archive versions repository "


def ota_key(service: str, doc_type: str) -> str:
    """The document key an archive file gets unless told otherwise: ``<service>/<type>/ota``."""
    return f"{_slug(service)}/{_slug(doc_type)}/ota"


def import_ota(
    db: Database,
    repo: Path,
    *,
    documents: Mapping[str, str] | None = None,
    branch: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Store the versions recorded in a local clone of an Open Terms Archive versions repository.

    Each ``<service>/<document type>.md`` becomes the document :func:`ota_key` names, unless
    ``documents`` maps ``"<service>/<document type>"`` to another key (to feed a document that
    is already watched); missing documents are added. Each commit touching a file is a
    version captured at the commit's committer date, its text normalised, checked for a broken
    capture against the previous good one, and its stated effective date read. ``branch``
    defaults to the checked-out one; ``progress(done, total)`` is called after each commit.
    """
    with _Git(repo) as git:
        branch = branch or git.current_branch()
        head = git.commit_of(branch)
        repo_key = str(git.root)
        last = db.conn.execute(
            "SELECT last_commit FROM watch_ota_cursor WHERE repo = ? AND branch = ?",
            (repo_key, branch),
        ).fetchone()
        since = last["last_commit"] if last else None
        rewritten = since is not None and since != head and not git.is_ancestor(since, head)
        incremental = since is not None and not rewritten
        commits = [] if since == head else git.log(f"{since}..{head}" if incremental else head)
        if not incremental and not any(commit.files for commit in commits):
            raise OtaRepositoryError(
                f"{git.root} holds no Open Terms Archive versions: no <service>/<document "
                f"type>.md file in the history of {branch}.",
                path=git.root,
                hint="Give the versions repository (…-versions), not the declarations one. "
                + _CLONE_HINT,
            )
        importer = _Importer(db, git, documents or {}, incremental=incremental)
        read = added = broken_added = 0
        touched: set[str] = set()
        for start in range(0, len(commits), _BATCH_COMMITS):
            chunk = commits[start : start + _BATCH_COMMITS]
            batch: list[Version] = []
            for done, commit in enumerate(chunk, start + 1):
                batch += importer.versions(commit)
                if progress is not None:
                    progress(done, len(commits))
            new = add_versions(db, batch)
            read += len(batch)
            added += len(new)
            broken_added += sum(version.broken for version in new)
            touched.update(version.document for version in new)
            _remember(db, repo_key, branch, chunk[-1].sha)
        _remember(db, repo_key, branch, head)
        set_baseline(db, touched)
        _move_documents(db, set(importer.keys.values()), git.root)
    return ImportResult(
        repo=git.root,
        branch=branch,
        head=head,
        commits=len(commits),
        added=added,
        skipped=read - added,
        broken=broken_added,
        documents=tuple(sorted(touched)),
        created=tuple(sorted(importer.created)),
        rewritten=rewritten,
    )


@dataclass(frozen=True)
class _Commit:
    sha: str
    captured: datetime
    subject: str
    files: list[tuple[str, bytes]] = field(default_factory=list)
    """(blob id, path) of each version file the commit adds or changes."""


class _Importer:
    """Turns commits into versions, remembering each document's previous good text."""

    def __init__(
        self, db: Database, git: _Git, mapping: Mapping[str, str], *, incremental: bool
    ) -> None:
        self.db = db
        self.git = git
        self.mapping = {unicodedata.normalize("NFC", k): v for k, v in mapping.items()}
        self.incremental = incremental
        self.keys: dict[bytes, str] = {}
        self.previous: dict[str, str | None] = {}
        self.created: set[str] = set()

    def versions(self, commit: _Commit) -> Iterator[Version]:
        origin = f"ota:{commit.sha}"
        if commit.subject.startswith(_TECHNICAL_UPGRADE_PREFIXES):
            origin += TECHNICAL_UPGRADE
        for blob, path in commit.files:
            key = self._key(path)
            text = normalise(self.git.blob(blob).decode("utf-8-sig", errors="replace"))
            reason = broken(text, self._previous(key)) or ""
            if not reason:
                self.previous[key] = text
            yield Version(
                document=key,
                sha256=text_sha256(text),
                text=text,
                captured=commit.captured,
                effective=effective_date(text),
                broken=bool(reason),
                broken_reason=reason,
                origin=origin,
            )

    def _previous(self, key: str) -> str | None:
        if key not in self.previous:
            good = latest_good(self.db, key) if self.incremental else None
            self.previous[key] = good.text if good else None
        return self.previous[key]

    def _key(self, path: bytes) -> str:
        if path in self.keys:
            return self.keys[path]
        name = unicodedata.normalize("NFC", path.decode("utf-8", errors="replace"))
        service, doc_type = name.removesuffix(".md").split("/")
        key = self.mapping.get(f"{service}/{doc_type}") or ota_key(service, doc_type)
        existing = document(self.db, key)
        if existing is None:
            save_document(
                self.db,
                Document(
                    key=key,
                    service=service,
                    doc_type=doc_type,
                    language="",
                    source=f"{_SOURCE_PREFIX}{self.git.root}",
                ),
            )
            self.created.add(key)
        elif key not in self.mapping.values() and (existing.service, existing.doc_type) != (
            service,
            doc_type,
        ):
            raise OtaRepositoryError(
                f"{name} and {existing.service}/{existing.doc_type} would both be stored as "
                f"the document {key!r}.",
                path=self.git.root,
                hint=f"Map '{service}/{doc_type}' to another document key when importing.",
            )
        self.keys[path] = key
        return key


class _Git:
    """The few git commands the import needs, run in one repository."""

    def __init__(self, repo: Path) -> None:
        executable = shutil.which("git")
        if executable is None:
            raise GitNotFoundError()
        self.executable = executable
        self._batch: subprocess.Popen[bytes] | None = None
        repo = Path(repo)
        if not repo.is_dir():
            problem = "is not a folder" if repo.exists() else "does not exist"
            raise OtaRepositoryError(f"{repo} {problem}.", path=repo, hint=_CLONE_HINT)
        self.root = repo.resolve()
        bare = self._run(
            "rev-parse", "--is-bare-repository", what=f"{repo} is not a git repository."
        )
        where = "--absolute-git-dir" if bare.strip() == b"true" else "--show-toplevel"
        top_path = Path(os.fsdecode(self._run("rev-parse", where).strip()))
        if not top_path.samefile(self.root):
            raise OtaRepositoryError(
                f"{repo} is inside the git repository {top_path}, not at its top.",
                path=repo,
                hint=f"Give the repository's own folder: {top_path}",
            )

    def current_branch(self) -> str:
        name = self._run("symbolic-ref", "-q", "--short", "HEAD", check=False).strip()
        return os.fsdecode(name) or "HEAD"

    def commit_of(self, branch: str) -> str:
        found = self._run("rev-parse", "-q", "--verify", f"{branch}^{{commit}}", check=False)
        if found.strip():
            return found.decode("ascii").strip()
        if not self._run("rev-parse", "-q", "--verify", "HEAD", check=False):
            raise OtaRepositoryError(
                f"{self.root} has no commits yet.", path=self.root, hint=_CLONE_HINT
            )
        raise OtaRepositoryError(
            f"{self.root} has no branch {branch!r}.",
            path=self.root,
            hint=f'See its branches with: git -C "{self.root}" branch --all',
        )

    def is_ancestor(self, older: str, newer: str) -> bool:
        """Whether ``older`` is still in the history of ``newer`` (False once rewritten away)."""
        done = self._call("merge-base", "--is-ancestor", older, newer)
        return done.returncode == 0

    def log(self, revisions: str) -> list[_Commit]:
        """Commits in ``revisions``, oldest first (parents before children), with their files."""
        out = self._run(
            "-c", "log.showSignature=false", "log", "--reverse", "--topo-order", "--root",
            "--raw", "--no-renames", "--no-abbrev", "--no-color", "-z",
            "--format=%x01%H %ct %s", revisions, "--",
        )  # fmt: skip
        commits: list[_Commit] = []
        tokens = iter(out.split(b"\0"))
        for token in tokens:
            token = token.lstrip(b"\n")
            if token.startswith(b"\x01"):
                sha, seconds, subject = token[1:].decode("utf-8", "replace").split(" ", 2)
                when = datetime.fromtimestamp(int(seconds), UTC)
                commits.append(_Commit(sha, when, subject))
            elif token.startswith(b":"):
                _, mode, _, blob, status = token[1:].split(b" ")
                path = next(tokens)
                if status != b"D" and mode in _FILE_MODES and _is_version_file(path):
                    commits[-1].files.append((blob.decode("ascii"), path))
        return commits

    def blob(self, blob: str) -> bytes:
        """The content of a blob, through one long-running ``git cat-file --batch``."""
        if self._batch is None:
            self._batch = subprocess.Popen(
                [self.executable, "-C", str(self.root), "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=_environment(),
            )
        stdin: IO[bytes] = self._batch.stdin  # type: ignore[assignment]
        stdout: IO[bytes] = self._batch.stdout  # type: ignore[assignment]
        stdin.write(blob.encode("ascii") + b"\n")
        stdin.flush()
        header = stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            raise OtaRepositoryError(
                f"git cannot read the text {blob} in {self.root}.",
                path=self.root,
                hint="The clone may be incomplete or damaged: run git fsck there, or clone again.",
            )
        content = stdout.read(int(header[2]))
        stdout.read(1)
        return content

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._batch is not None:
            self._batch.communicate()
            self._batch = None

    def _call(self, *args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [self.executable, "-C", str(self.root), *args],
            capture_output=True,
            env=_environment(),
            check=False,
        )

    def _run(self, *args: str, what: str = "", check: bool = True) -> bytes:
        done = self._call(*args)
        if done.returncode == 0 or not check:
            return done.stdout if done.returncode == 0 else b""
        said = done.stderr.decode("utf-8", "replace").strip()
        if "dubious ownership" in said:
            raise OtaRepositoryError(
                f"git refuses to read {self.root}: another user owns it.",
                path=self.root,
                hint=f'If you trust it: git config --global --add safe.directory "{self.root}"',
            )
        raise OtaRepositoryError(
            what or f"git could not read {self.root}: {said}",
            path=self.root,
            hint=_CLONE_HINT if what else "Check the clone with: git -C " + f'"{self.root}" fsck',
        )


def _move_documents(db: Database, keys: set[str], root: Path) -> None:
    """Name this clone as the source of the documents it feeds, and forget the clones they
    came from before that no longer exist (a clone moved, or cloned again elsewhere)."""
    source = f"{_SOURCE_PREFIX}{root}"
    for key in sorted(keys):
        stored = document(db, key)
        if stored is None or stored.source == source:
            continue
        old = stored.source.removeprefix(_SOURCE_PREFIX)
        if stored.source.startswith(_SOURCE_PREFIX) and not Path(old).is_dir():
            with db.conn:
                db.conn.execute("DELETE FROM watch_ota_cursor WHERE repo = ?", (old,))
            save_document(db, replace(stored, source=source))


def _remember(db: Database, repo: str, branch: str, commit: str) -> None:
    with db.conn:
        db.conn.execute(
            "INSERT INTO watch_ota_cursor (repo, branch, last_commit, imported_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (repo, branch) DO UPDATE SET "
            "last_commit = excluded.last_commit, imported_at = excluded.imported_at",
            (repo, branch, commit, datetime.now(UTC).isoformat(timespec="seconds")),
        )


def _is_version_file(path: bytes) -> bool:
    return path.endswith(b".md") and path.count(b"/") == 1 and not path.startswith(b".")


def _slug(name: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "-", plain.casefold()).strip("-") or "untitled"


def _environment() -> dict[str, str]:
    return {**os.environ, "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0"}
