"""Protect many photos: plan the outputs, skip finished work, run in parallel, record each result.

A batch is resumable by construction: every finished output is recorded in the
database with the hash of its input and of the options. Running the same
command again skips those (when the output is still there, unchanged) and does
the rest. Outputs are written atomically, so an interrupted run leaves no
half-written file behind.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from notrain.engine import run_each
from notrain.errors import InputError, OptionError
from notrain.protect.files import InputFile, check_output_folder, collect_inputs, sha256_file
from notrain.protect.options import ProtectOptions
from notrain.protect.pipeline import Job, protect_file
from notrain.protect.report import BatchResult, FileResult
from notrain.protect.steps import Plan, Signing
from notrain.store import Database, ProtectedImage, allocate_mark, require_identity
from notrain.watermark import Payload

__all__ = ["plan_jobs", "protect_batch", "resolve_credentials"]

Callback = Callable[[FileResult], None]


def plan_jobs(files: list[InputFile], out_dir: Path, options: ProtectOptions) -> list[Job]:
    """One job per input, with an output path under ``out_dir`` that keeps subfolders and never collides.

    The suffix is provisional: the pipeline sets it from the output format.
    """
    taken: set[Path] = set()
    jobs = []
    for file in files:
        base = out_dir / file.relative.with_suffix("")
        suffix = file.path.suffix.lstrip(".").lower()
        stem, number = base, 1
        while Path(os.path.normcase(stem)) in taken:
            number += 1
            name = f"{base.name}-{suffix}" if number == 2 and suffix else f"{base.name}-{number}"
            stem = base.with_name(name)
        taken.add(Path(os.path.normcase(stem)))
        jobs.append(Job(input=file.path, output=stem.with_suffix(".out"), options=options))
    return jobs


def protect_batch(
    paths: list[Path],
    out_dir: Path,
    options: ProtectOptions,
    *,
    db: Database,
    jobs: int = 1,
    allow_inside: bool = False,
    recursive: bool = True,
    on_start: Callable[[int], None] | None = None,
    on_result: Callback | None = None,
    passphrase: str | None = None,
) -> BatchResult:
    """Protect every image in ``paths`` into ``out_dir``.

    ``on_start`` receives the number of files found; ``on_result`` each file's
    result as it finishes (for progress bars). Bad files fail alone; a Ctrl-C
    stops the run, keeps what is finished, and a rerun continues from there.
    ``passphrase`` unlocks the signing key for Content Credentials when it has one.
    """
    key = options.key()  # as given: a Content Credential switched on by itself redoes nothing
    options, signing = resolve_credentials(options, Path(db.path).parent, passphrase)
    Plan.from_options(options)
    owner = require_identity(db).owner_id if options.watermark else None
    check_output_folder(out_dir, paths, allow_inside=allow_inside)
    files, problems = collect_inputs(paths, recursive=recursive, skip=out_dir)
    results: list[FileResult] = []
    notify = on_result or (lambda _: None)
    if on_start:
        on_start(len(files) + len(problems))

    def finish(result: FileResult) -> None:
        if result.status == "done":
            result = _record(db, options, key, result)
        results.append(result)
        notify(result)

    for problem in problems:
        finish(_failed(problem.path or Path("?"), problem))

    pending: list[Job] = []
    for job in plan_jobs(files, out_dir, options):
        try:
            digest = sha256_file(job.input)
        except OSError as exc:
            finish(
                _failed(
                    job.input,
                    InputError(
                        f"{job.input}: cannot read ({exc.strerror or exc}).", path=job.input
                    ),
                )
            )
            continue
        job = Job(
            input=job.input,
            output=job.output,
            options=options,
            input_sha256=digest,
            signing=signing,
        )
        skipped = _already_done(db, job, key)
        if skipped:
            finish(skipped)
            continue
        if owner is not None:
            job_key = hashlib.sha256(
                f"{digest}\0{key}\0{job.output.resolve()}".encode()
            ).hexdigest()
            image_id = allocate_mark(db, owner, job_key)
            payload = Payload(
                owner_id=owner, image_id=image_id, no_ai_training=options.no_ai_training
            )
            job = replace(job, payload=payload.hex)
        pending.append(job)

    interrupted = False
    try:
        run_each(pending, protect_file, finish, jobs=jobs, crashed=_worker_crashed)
    except KeyboardInterrupt:
        interrupted = True
    return BatchResult(results=tuple(results), interrupted=interrupted)


def resolve_credentials(
    options: ProtectOptions, home: Path, passphrase: str | None
) -> tuple[ProtectOptions, Signing | None]:
    """Whether the copies get Content Credentials, decided once for the batch.

    Asked for (``credentials=True``): the signing identity and the c2pa library must be there,
    and the key must unlock, or the batch stops before any file with a message saying why.
    Not said (None): on when both are there. Photos finished before the person made a
    signing identity stay as they are on a rerun of the same command (the batch knows them by
    the options as given); new photos are signed, and ``--overwrite`` signs the old ones too."""
    from notrain.credentials.identity import load_signing_identity, signing_identity_exists
    from notrain.credentials.sdk import c2pa_available, load_c2pa

    wanted = options.credentials
    if wanted is None:
        wanted = signing_identity_exists(home) and c2pa_available()
    if not wanted:
        return replace(options, credentials=False), None
    load_c2pa()
    load_signing_identity(home, passphrase)  # refuses a wrong passphrase or an expired certificate
    if options.timestamp_url is not None and not options.timestamp_url.lower().startswith(
        ("http://", "https://")
    ):
        raise OptionError(
            f"The timestamp server {options.timestamp_url!r} is not an http(s) address.",
            hint="For example: --timestamp-url http://timestamp.digicert.com",
        )
    return replace(options, credentials=True), Signing(home=home, passphrase=passphrase)


def _worker_crashed(job: Job, error: BaseException) -> FileResult:
    return FileResult(
        input=str(job.input),
        status="failed",
        error=f"The worker processing this file stopped: {error!r}.",
        hint="Try again with --jobs 1 to see the full error.",
    )


def _already_done(db: Database, job: Job, key: str) -> FileResult | None:
    """A skipped result when an earlier run made this output and it is still there, unchanged."""
    for record in db.find_done(job.input_sha256 or "", key):
        output = Path(record.output_path)
        if output.with_suffix("") != job.output.resolve().with_suffix(""):
            continue
        try:
            if output.is_file() and sha256_file(output) == record.output_sha256:
                return FileResult.from_dict(
                    {**record.report, "status": "skipped", "image_id": record.id}
                )
        except OSError:
            continue
    return None


def _record(db: Database, options: ProtectOptions, key: str, result: FileResult) -> FileResult:
    assert result.output and result.input_size and result.output_size and result.output_sha256
    image_id = db.record(
        ProtectedImage(
            input_path=str(Path(result.input).resolve()),
            input_sha256=result.input_sha256 or "",
            options_key=key,
            output_path=str(Path(result.output).resolve()),
            output_sha256=result.output_sha256,
            platform=result.platform or options.platform,
            steps=[
                {"name": s.name, "summary": s.summary, "params": s.params} for s in result.steps
            ],
            input_width=result.input_size[0],
            input_height=result.input_size[1],
            output_width=result.output_size[0],
            output_height=result.output_size[1],
            output_bytes=result.output_bytes or 0,
            report=result.as_dict(),
            mark_id=Payload.from_hex(result.payload).image_id if result.payload else None,
            payload=result.payload,
            pdq=result.pdq,
            pdq_quality=result.pdq_quality,
        )
    )
    return FileResult.from_dict({**result.as_dict(), "image_id": image_id})


def _failed(path: Path, error: InputError) -> FileResult:
    return FileResult(input=str(path), status="failed", error=error.message, hint=error.hint)
