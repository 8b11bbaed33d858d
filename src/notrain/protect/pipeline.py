"""Protect one photo: decode, run the plan, encode, write, and check what survives the platform."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from notrain.credentials.embedded import unsigned
from notrain.errors import InputError, NotrainError
from notrain.imaging import (
    EXTENSIONS,
    Geometry,
    encode_image,
    get_platform,
    open_image,
    parse_anchor,
    plan_geometry,
    probe_image,
    simulate,
)
from notrain.imaging.pdq import pdq_hash
from notrain.metadata import compose_metadata, diff_metadata, embed_iptc, read_metadata
from notrain.protect.files import sha256_file, write_atomic
from notrain.protect.options import ProtectOptions
from notrain.protect.report import FileResult, StepReport
from notrain.protect.steps import Plan, PlatformCopy, Signing, Work

__all__ = ["MIME_TYPES", "Job", "output_format_for", "protect_file"]

MIME_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
"""The MIME type of each output format (what a Content Credential is signed for)."""


@dataclass(frozen=True)
class Job:
    """One file to protect and where its output goes."""

    input: Path
    output: Path
    options: ProtectOptions
    input_sha256: str | None = None
    payload: str | None = None
    """The invisible watermark's payload (16 hex digits), allocated by the batch; None: no mark."""
    signing: Signing | None = None
    """Where the signing identity is, when the copy gets a Content Credential."""


def output_format_for(options: ProtectOptions, *, has_alpha: bool) -> str:
    """The format to write: the one asked for, or for ``auto`` JPEG unless transparency would be kept."""
    if options.output_format != "auto":
        return options.output_format
    platform = get_platform(options.platform)
    return "png" if has_alpha and platform.quality_range is None else "jpeg"


def protect_file(job: Job) -> FileResult:
    """Protect ``job.input`` into ``job.output``; every failure becomes a failed result, never an exception."""
    try:
        return _protect(job)
    except NotrainError as exc:
        return FileResult(input=str(job.input), status="failed", error=exc.message, hint=exc.hint)
    except MemoryError:
        return FileResult(
            input=str(job.input),
            status="failed",
            error="Not enough memory to process this image.",
            hint="Lower --jobs, or lower --max-pixels to skip very large images.",
        )


def _protect(job: Job) -> FileResult:
    options = job.options
    platform = get_platform(options.platform)
    plan = Plan.from_options(options, payload=job.payload, signing=job.signing)
    info = probe_image(job.input, max_pixels=options.max_pixels)
    source = _read_input(job.input)
    _let_max_pixels_decide(options.max_pixels)
    geometry = plan_geometry((info.width, info.height), platform, anchor=parse_anchor(options.crop))
    decoded = open_image(source, max_pixels=options.max_pixels, min_size=_decode_floor(geometry))
    work = Work(
        platform=platform,
        info=info,
        geometry=geometry,
        image=decoded.image,
        before=read_metadata(source),
    )
    for step in plan.steps:
        step.apply(work)

    fmt = output_format_for(options, has_alpha=work.image.mode == "RGBA")
    meta = compose_metadata(source, privacy=work.privacy, rights=work.rights)
    data = encode_image(
        work.image,
        fmt,
        quality=options.quality,
        subsampling=options.subsampling,
        exif=meta.exif,
        xmp=meta.xmp,
    )
    work.data = embed_iptc(data, fmt, meta.iptc)
    output = job.output.with_suffix(EXTENSIONS[fmt])
    work.name = output.name
    for step in plan.steps:
        step.seal(work, MIME_TYPES[fmt])
    work.after = read_metadata(work.data)
    work.diff = diff_metadata(work.before, work.after)

    work.data = _write_output(output, work.data, overwrite=options.overwrite)

    copy = _platform_copy(work)
    survival = tuple(item for step in plan.steps for item in step.survival(work, copy))
    fingerprint = pdq_hash(work.image)
    return FileResult(
        input=str(job.input),
        status="done",
        output=str(output),
        platform=platform.name,
        input_size=(info.width, info.height),
        output_size=work.image.size,
        output_bytes=len(work.data),
        steps=tuple(
            StepReport(name=s.name, summary=s.summary(work), params=s.params()) for s in plan.steps
        ),
        removed=tuple(
            {"key": f.key, "label": f.label, "value": f.value, "category": f.category}
            for f in work.diff.private_removed
        ),
        survival=survival,
        platform_quality=copy.quality,
        input_sha256=job.input_sha256 or hashlib.sha256(source).hexdigest(),
        output_sha256=hashlib.sha256(work.data).hexdigest(),
        payload=work.payload,
        pdq=fingerprint.hex,
        pdq_quality=fingerprint.quality,
    )


def _read_input(path: Path) -> bytes:
    """The input's bytes, read once: decoding and metadata all work from this copy.

    probe_image has just read the file and reported any problem with its path;
    this read can only fail if the file changed in between.
    """
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc}).", path=path) from exc


def _let_max_pixels_decide(max_pixels: int) -> None:
    """Make Pillow's process-wide bomb guard no stricter than --max-pixels, which probe_image has
    already enforced from the header; otherwise Pillow would refuse images the user allowed."""
    if Image.MAX_IMAGE_PIXELS is not None and Image.MAX_IMAGE_PIXELS < max_pixels:
        Image.MAX_IMAGE_PIXELS = max_pixels


DECODE_MARGIN = 1.25
"""A reduced JPEG decode keeps at least this multiple of the final size, so the Lanczos resize that
follows still has real detail to work from (the DCT-domain reduction itself is a clean downsample)."""


def _decode_floor(geometry: Geometry) -> tuple[int, int] | None:
    """The smallest decode that still leaves DECODE_MARGIN times the final size inside the crop window."""
    if not geometry.resized:
        return None
    left, top, right, bottom = geometry.crop
    width, height = geometry.size
    return (
        math.ceil(DECODE_MARGIN * width / (right - left)),
        math.ceil(DECODE_MARGIN * height / (bottom - top)),
    )


def _write_output(output, data: bytes, *, overwrite: bool) -> bytes:
    """Write the output and return the bytes it holds. An existing file with this very image (an
    interrupted earlier run) is kept as it is: the same bytes, or the same bytes signed with
    another Content Credential signature (every signature differs)."""
    if not overwrite and output.exists():
        try:
            if (
                output.stat().st_size == len(data)
                and sha256_file(output) == hashlib.sha256(data).hexdigest()
            ):
                return data
            if abs(output.stat().st_size - len(data)) < _MANIFEST_SLACK:
                existing = output.read_bytes()
                if unsigned(existing) == unsigned(data) != existing:
                    return existing
        except OSError:
            pass
    write_atomic(output, data, overwrite=overwrite)
    return data


_MANIFEST_SLACK = 1 << 20
"""Two signatures of one image differ in size by far less than this (a few bytes; a thumbnail
is the same size each time): a larger difference is another image, not worth reading."""


def _platform_copy(work: Work) -> PlatformCopy:
    """Run the platform simulator at the worst quality of its measured range and decode the result."""
    quality_range = work.platform.quality_range
    quality = quality_range[0] if quality_range else None
    data = simulate(work.data, work.platform, quality=quality) if quality_range else work.data
    return PlatformCopy(
        data=data, image=open_image(data).image, metadata=read_metadata(data), quality=quality
    )
