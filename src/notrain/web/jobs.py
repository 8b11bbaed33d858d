"""Long work (protecting a batch, reading an export, checking policies) run by one background
worker thread and recorded in the database, so that closing the tab loses nothing and a
restarted server shows finished jobs and takes up unfinished ones.

An area registers what a kind of job does with :func:`runner`; the function receives a
:class:`JobContext` (its parameters, its private folder, a database of its own, a way to report
progress) and returns a JSON-able result. A :class:`~notrain.errors.NotrainError` fails the job
with its message and hint; anything else fails it with a short message and the traceback in the
server's log. Runners must be resumable (the library's batches are): a job the server stopped
in the middle runs again from the start of its runner when the server comes back.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from notrain.errors import NotrainError
from notrain.store import Database

__all__ = [
    "FINISHED",
    "Job",
    "JobCancelled",
    "JobContext",
    "Worker",
    "cancel_job",
    "delete_job",
    "get_job",
    "job_folder",
    "list_jobs",
    "private_folder",
    "release_job",
    "runner",
    "submit",
]

log = logging.getLogger("notrain.web")

FINISHED = ("done", "failed", "cancelled")
"""Statuses a job does not leave; the others are ``held`` (its uploads are arriving),
``queued`` and ``running``."""


@dataclass(frozen=True, kw_only=True)
class Job:
    """One job as the database remembers it."""

    id: str
    kind: str
    title: str
    status: str
    params: dict[str, Any]
    progress: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    error: str = ""
    hint: str = ""
    created_at: str = ""
    started_at: str | None = None
    finished_at: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def as_dict(self) -> dict[str, Any]:
        """What the progress endpoint sends: everything but the parameters and the result."""
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "status": self.status,
            "finished": self.finished,
            "progress": self.progress,
            "error": self.error,
            "hint": self.hint,
        }


class JobCancelled(Exception):
    """Raised inside a runner (by :meth:`JobContext.progress`) once the person asked to stop.
    A runner may raise it again with what it finished (``JobCancelled(result)``): the job keeps
    that result, so the page shows the finished part."""

    def __init__(self, result: dict[str, Any] | None = None) -> None:
        super().__init__("stopped")
        self.result = result


Runner = Callable[["JobContext"], dict[str, Any]]
_RUNNERS: dict[str, Runner] = {}


def runner(kind: str) -> Callable[[Runner], Runner]:
    """Register the function that does jobs of ``kind``."""

    def register(func: Runner) -> Runner:
        _RUNNERS[kind] = func
        return func

    return register


@dataclass
class JobContext:
    """What a runner gets: the job, notrain's data folder, its own database connection (the
    worker thread's), and the job's private folder for uploads and outputs."""

    job: Job
    home: Path
    db: Database
    stopping: Callable[[], bool] = lambda: False
    """True once the server is shutting down: the runner stops and is taken up at the next start."""

    @property
    def params(self) -> dict[str, Any]:
        return self.job.params

    @property
    def folder(self) -> Path:
        return job_folder(self.home, self.job.id)

    def progress(self, done: int | None = None, total: int | None = None, **extra: Any) -> None:
        """Record how far the job is (``done`` of ``total``, plus anything the page shows, such
        as ``current``); raises :class:`JobCancelled` when the person asked to stop."""
        with self.db.conn:
            row = self.db.conn.execute(
                "SELECT progress, status FROM web_job WHERE id = ?", (self.job.id,)
            ).fetchone()
            if row is None or row["status"] == "cancelling" or self.stopping():
                raise JobCancelled()
            progress = json.loads(row["progress"])
            if done is not None:
                progress["done"] = done
            if total is not None:
                progress["total"] = total
            progress.update(extra)
            self.db.conn.execute(
                "UPDATE web_job SET progress = ? WHERE id = ?",
                (json.dumps(progress, ensure_ascii=False), self.job.id),
            )


def private_folder(home: Path) -> Path:
    """``web/`` in the data folder, readable by its owner only: uploads and job outputs."""
    folder = home / "web"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        folder.chmod(0o700)
    except OSError:  # file systems without POSIX permissions
        pass
    return folder


def job_folder(home: Path, job_id: str) -> Path:
    """The job's own folder (``web/jobs/<id>``); ids are made here, never taken from a request
    without :func:`get_job` finding them first."""
    return private_folder(home) / "jobs" / job_id


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def submit(
    db: Database,
    home: Path,
    kind: str,
    title: str,
    params: dict[str, Any],
    *,
    hold: bool = False,
) -> Job:
    """Queue a job (its folder is made at once); the worker starts it soon. With ``hold``, the
    worker leaves it until :func:`release_job`: the request that made it saves its uploads into
    the job's folder first."""
    if kind not in _RUNNERS:
        raise ValueError(f"no runner for jobs of kind {kind!r}")
    job_id = secrets.token_urlsafe(12)
    job_folder(home, job_id).mkdir(parents=True)
    with db.conn:
        db.conn.execute(
            "INSERT INTO web_job (id, kind, title, status, params, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                job_id,
                kind,
                title,
                "held" if hold else "queued",
                json.dumps(params, ensure_ascii=False),
                _now(),
            ),
        )
    job = get_job(db, job_id)
    assert job is not None
    return job


def release_job(db: Database, job_id: str) -> None:
    """Let the worker start a job submitted with ``hold``."""
    with db.conn:
        db.conn.execute(
            "UPDATE web_job SET status = 'queued' WHERE id = ? AND status = 'held'", (job_id,)
        )


def get_job(db: Database, job_id: str) -> Job | None:
    row = db.conn.execute("SELECT * FROM web_job WHERE id = ?", (job_id,)).fetchone()
    return _from_row(row) if row else None


def list_jobs(db: Database, kind: str | None = None, *, limit: int = 50) -> list[Job]:
    """Jobs newest first, of one kind or all."""
    if kind is None:
        rows = db.conn.execute(
            "SELECT * FROM web_job ORDER BY created_at DESC, rowid DESC LIMIT ?", (limit,)
        )
    else:
        rows = db.conn.execute(
            "SELECT * FROM web_job WHERE kind = ? ORDER BY created_at DESC, rowid DESC LIMIT ?",
            (kind, limit),
        )
    return [_from_row(row) for row in rows]


def cancel_job(db: Database, job_id: str) -> None:
    """Ask a job to stop: a queued one is cancelled at once, a running one at its next step."""
    with db.conn:
        db.conn.execute(
            "UPDATE web_job SET status = 'cancelled', finished_at = ? "
            "WHERE id = ? AND status IN ('queued', 'held')",
            (_now(), job_id),
        )
        db.conn.execute(
            "UPDATE web_job SET status = 'cancelling' WHERE id = ? AND status = 'running'",
            (job_id,),
        )


def delete_job(db: Database, home: Path, job_id: str) -> bool:
    """Forget a finished job and remove its folder (uploads and outputs made there);
    False when the job is unknown or still running."""
    job = get_job(db, job_id)
    if job is None or not job.finished:
        return False
    with db.conn:
        db.conn.execute("DELETE FROM web_job WHERE id = ?", (job_id,))
    shutil.rmtree(job_folder(home, job_id), ignore_errors=True)
    return True


def _from_row(row: Any) -> Job:
    values = dict(row)
    values["params"] = json.loads(values["params"])
    values["progress"] = json.loads(values["progress"] or "{}")
    values["result"] = json.loads(values["result"]) if values["result"] else None
    if values["status"] == "cancelling":
        values["status"] = "running"
    return Job(**values)


class Worker:
    """One thread that runs queued jobs one after the other, oldest first.

    One worker per data folder: a second server started on the same folder serves its pages
    but leaves the jobs to the first one's worker (which sees new jobs within a second)."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock: BinaryIO | None = None

    @property
    def running(self) -> bool:
        """False when another server's worker has this data folder's jobs."""
        return self._thread is not None

    def start(self) -> None:
        """Take up what a stopped server left: running jobs go back to the queue."""
        self._lock = _try_lock(private_folder(self.home) / "worker.lock")
        if self._lock is None:
            log.warning("another notrain server runs the jobs of %s", self.home)
            return
        with Database.open(self.home) as db, db.conn:
            db.conn.execute(
                "UPDATE web_job SET status = 'queued', started_at = NULL "
                "WHERE status IN ('running')"
            )
            db.conn.execute(
                "UPDATE web_job SET status = 'cancelled', finished_at = ? "
                "WHERE status = 'cancelling'",
                (_now(),),
            )
            db.conn.execute(
                "UPDATE web_job SET status = 'failed', finished_at = ?, error = ?, hint = ? "
                "WHERE status = 'held'",
                (
                    _now(),
                    "The upload did not finish: notrain stopped while it was arriving.",
                    "Start it again and keep the page open until it shows the progress.",
                ),
            )
        self._thread = threading.Thread(target=self._loop, name="notrain-worker", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """A job was queued: look now rather than at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the current job's step; an unfinished job is taken up at the next start."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._lock is not None:
            self._lock.close()  # releases the lock
            self._lock = None

    def _loop(self) -> None:
        with Database.open(self.home) as db:
            while not self._stop.is_set():
                row = db.conn.execute(
                    "SELECT * FROM web_job WHERE status = 'queued' ORDER BY created_at, rowid LIMIT 1"
                ).fetchone()
                if row is None:
                    self._wake.wait(1.0)
                    self._wake.clear()
                    continue
                self._run(db, _from_row(row))

    def _run(self, db: Database, job: Job) -> None:
        with db.conn:
            claimed = db.conn.execute(
                "UPDATE web_job SET status = 'running', started_at = ? "
                "WHERE id = ? AND status = 'queued'",
                (_now(), job.id),
            ).rowcount
        if not claimed:  # cancelled between the look and the claim
            return
        context = JobContext(job=job, home=self.home, db=db, stopping=self._stop.is_set)
        status, result, error, hint = "done", None, "", ""
        try:
            func = _RUNNERS.get(job.kind)
            if func is None:
                raise NotrainError(
                    f"This notrain does not know jobs of kind {job.kind!r}.",
                    hint="It was queued by another version of notrain; start it again here.",
                )
            context.folder.mkdir(parents=True, exist_ok=True)
            result = func(context)
        except JobCancelled as exc:
            status, result = "cancelled", exc.result
        except NotrainError as exc:
            status, error, hint = "failed", exc.message, exc.hint or ""
        except Exception as exc:  # a bug: the job fails, the server goes on
            log.exception("job %s (%s) failed", job.id, job.kind)
            status = "failed"
            error = f"Something went wrong inside notrain: {type(exc).__name__}: {exc}"
            hint = "The server's log has the details; please report it with them."
        if self._stop.is_set() and status == "cancelled" and _status(db, job.id) != "cancelling":
            return  # stopped by the server, not the person: taken up at the next start
        with db.conn:
            db.conn.execute(
                "UPDATE web_job SET status = ?, result = ?, error = ?, hint = ?, finished_at = ? "
                "WHERE id = ?",
                (
                    status,
                    json.dumps(result, ensure_ascii=False) if result is not None else None,
                    error,
                    hint,
                    _now(),
                    job.id,
                ),
            )


def _status(db: Database, job_id: str) -> str:
    row = db.conn.execute("SELECT status FROM web_job WHERE id = ?", (job_id,)).fetchone()
    return row["status"] if row else ""


def _try_lock(path: Path) -> BinaryIO | None:
    """An exclusive lock on ``path``, held while the returned file is open; None when another
    process (or another worker in this one) holds it."""
    handle = path.open("a+b")
    try:
        if os.name == "nt":
            import msvcrt

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle
