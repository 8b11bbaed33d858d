"""notrain's invisible watermark against the open-source anchors, measured in the same run.

Every method marks the same photos with a random payload (64 bits; rivaGan
carries only 32), each marked photo goes through the attacks in
``wm_attacks.py``, and the method reads its mark back from the attacked image
alone: no original, no knowledge of the crop or the scale. The photos are the
Kodak set from ../shared as shipped and upscaled to 2048 and 4000 px wide (the
realistic case: a camera-sized photo shrunk by the platform), plus generated
photos at 1080x1350 and 1600x1200. The anchors (invisible-watermark dwtDctSvd
and rivaGan, blind_watermark) are slow, so they run on a subset and their
results are cached in benchmarks/out/; notrain runs on everything, every time.

Also measured: quality of the marked image (PSNR on RGB, Gaussian-window SSIM
on luminance), speed on one core for a 1080x1350 photo, and notrain's false
positives on unmarked images. Targets from the issue stand beside notrain's
numbers with pass or FAIL.

    make bench-watermark [ARGS=--quick]
    .venv-bench/bin/python benchmarks/watermark_robustness.py [--quick] [--methods ...]

Prints a Markdown report and writes it to benchmarks/out/watermark_robustness.md.
"""

from __future__ import annotations

import os

# One thread per process, set before numpy loads: the pool runs one worker per core, and the speed
# targets are per core.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse
import importlib.util
import json
import math
import multiprocessing
import platform
import random
import shlex
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image
from wm_attacks import ATTACKS, attack_named, jpeg, rotate

from notrain.samples import make_photo

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
CACHE = OUT / "watermark_cache.jsonl"
REPORT = OUT / "watermark_robustness.md"
RESULTS = OUT / "watermark_results.json"
KODAK = HERE.parents[1] / "shared" / "data" / "images" / "kodak"
CACHE_VERSION = 1
"""Bump when an attack, the payloads or an adapter changes: cached anchor results then recompute."""

METHODS = ("notrain", "dwtDctSvd", "rivaGan", "blind_watermark")
ANCHORS = METHODS[1:]
TIMING_SIZE = (1080, 1350)

_STRICT = ("none", "jpeg95", "jpeg85", "jpeg75", "jpeg60", "instagram", "facebook", "down50")
_STRICT += ("crop80", "rotate+1", "rotate-1", "brightness+20", "brightness-20", "contrast+20")
_STRICT += ("contrast-20",)
TARGETS = {attack.name: 0.99 if attack.name in _STRICT else 0.90 for attack in ATTACKS}
"""Exact-recovery rate notrain must reach per attack (the issue's targets; "none" is held to 99%)."""
MIN_PSNR, MIN_SSIM, MAX_EMBED_S, MAX_DETECT_S = 40.0, 0.98, 0.15, 0.30

QUICK_ATTACKS = ("none", "jpeg75", "instagram", "down50", "crop80", "rotate+1", "brightness+20")

# Rough seconds per megapixel (embed, read) on one core of the 2-core benchmark machine; they only
# order the work (longest first) and split slow anchors into pieces that keep both workers busy.
_COST = {
    "notrain": (0.1, 0.2),
    "dwtDctSvd": (0.45, 0.3),
    "rivaGan": (6.5, 8.5),
    "blind_watermark": (1.6, 1.1),
}
_MAX_TASK_S = 150.0


@dataclass(frozen=True)
class Group:
    """Photos marked at one size: the Kodak set at a width (None: as shipped) or generated photos."""

    key: str
    label: str
    kodak_width: int | None = None
    photo_size: tuple[int, int] | None = None


GROUPS = (
    Group("768", "Kodak as shipped (768x512 or 512x768)"),
    Group("2048", "Kodak upscaled to 2048 px wide (Lanczos)", kodak_width=2048),
    Group("4000", "Kodak upscaled to 4000 px wide (Lanczos)", kodak_width=4000),
    Group("1080x1350", "generated photos, 1080x1350", photo_size=(1080, 1350)),
    Group("1600x1200", "generated photos, 1600x1200", photo_size=(1600, 1200)),
)
GROUP_BY_KEY = {group.key: group for group in GROUPS}


@dataclass(frozen=True)
class Task:
    """One method marking one photo at one size and reading it back after some attacks."""

    method: str
    image: str
    group: str
    attacks: tuple[str, ...]
    quality: bool
    """Also measure PSNR and SSIM (the first piece of a split task does)."""
    kodak: str
    estimate: float


# --- the methods -------------------------------------------------------------------------------


class Codec(Protocol):
    bits: int

    def embed(self, image: Image.Image, payload: np.ndarray) -> Image.Image: ...

    def read(self, image: Image.Image) -> np.ndarray | None:
        """The payload bits read back, or None when the method reports no mark."""


class NotrainCodec:
    """notrain's codec; its integrity check can say "no mark", which reads as None."""

    bits = 64

    def __init__(self) -> None:
        from notrain.watermark import invisible

        self._codec = invisible

    def embed(self, image: Image.Image, payload: np.ndarray) -> Image.Image:
        return self._codec.embed_watermark(image, np.packbits(payload).tobytes())

    def read(self, image: Image.Image) -> np.ndarray | None:
        detection = self._codec.detect_watermark(image)
        if not detection.found or detection.message is None:
            return None
        return np.unpackbits(np.frombuffer(detection.message, np.uint8))


class ImwatermarkCodec:
    """invisible-watermark's dwtDctSvd (64 bits) or rivaGan (32 bits, ONNX models in the wheel)."""

    def __init__(self, method: str) -> None:
        import torch

        torch.set_num_threads(1)
        self.method = method
        self.bits = 32 if method == "rivaGan" else 64
        if method == "rivaGan":
            _load_rivagan()

    def embed(self, image: Image.Image, payload: np.ndarray) -> Image.Image:
        from imwatermark import WatermarkEncoder

        encoder = WatermarkEncoder()
        encoder.set_watermark("bits", payload.tolist())
        return _from_bgr(encoder.encode(_to_bgr(image), self.method))

    def read(self, image: Image.Image) -> np.ndarray | None:
        from imwatermark import WatermarkDecoder

        bits = WatermarkDecoder("bits", self.bits).decode(_to_bgr(image), self.method)
        return np.asarray(bits, dtype=np.uint8)


class BlindWatermarkCodec:
    """blind_watermark with its default keys (password 1 for the image and the mark)."""

    bits = 64

    def __init__(self) -> None:
        self._module = _import_blind_watermark()

    def embed(self, image: Image.Image, payload: np.ndarray) -> Image.Image:
        mark = self._module.WaterMark(password_wm=1, password_img=1)
        mark.read_img(img=_to_bgr(image))
        mark.read_wm(payload.astype(bool), mode="bit")  # a copy: read_wm shuffles it in place
        return _from_bgr(np.clip(np.rint(mark.embed()), 0, 255).astype(np.uint8))

    def read(self, image: Image.Image) -> np.ndarray | None:
        mark = self._module.WaterMark(password_wm=1, password_img=1)
        bits = mark.extract(embed_img=_to_bgr(image), wm_shape=self.bits, mode="bit")
        return np.asarray(bits, dtype=np.uint8)


def _import_blind_watermark() -> Any:
    """Import blind_watermark without letting it fix the process-wide start method.

    Its pool module calls ``multiprocessing.set_start_method('fork')`` at import, which raises in a
    spawned worker (the method is set already) and would change the parent's for everyone else.
    """
    set_start_method = multiprocessing.set_start_method
    multiprocessing.set_start_method = lambda *args, **kwargs: None
    try:
        import blind_watermark
    finally:
        multiprocessing.set_start_method = set_start_method
    blind_watermark.bw_notes.close()
    return blind_watermark


def _load_rivagan() -> None:
    """Load rivaGan's ONNX models with one thread each (imwatermark's loader takes every core)."""
    import imwatermark
    import onnxruntime
    from imwatermark.rivaGan import RivaWatermark

    if RivaWatermark.encoder is not None:
        return
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    folder = Path(imwatermark.__file__).parent
    for role in ("encoder", "decoder"):
        session = onnxruntime.InferenceSession(
            str(folder / f"rivagan_{role}.onnx"), options, providers=["CPUExecutionProvider"]
        )
        setattr(RivaWatermark, role, session)


def _to_bgr(image: Image.Image) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])


def _from_bgr(pixels: np.ndarray) -> Image.Image:
    return Image.fromarray(np.ascontiguousarray(pixels[:, :, ::-1]), "RGB")


_CODECS: dict[str, Codec] = {}


def codec(method: str) -> Codec:
    """The method's adapter, made once per process."""
    if method not in _CODECS:
        if method == "notrain":
            _CODECS[method] = NotrainCodec()
        elif method == "blind_watermark":
            _CODECS[method] = BlindWatermarkCodec()
        else:
            _CODECS[method] = ImwatermarkCodec(method)
    return _CODECS[method]


def missing_methods(methods: Iterable[str]) -> list[str]:
    """What is not installed, as sentences that say what to do."""
    problems = []
    for method in methods:
        if method == "notrain":
            try:
                from notrain.watermark import invisible
            except ImportError as exc:
                problems.append(
                    f"notrain: cannot import notrain.watermark.invisible ({exc}); the codec is not in"
                    " this checkout yet. Measure the anchors alone with"
                    " --methods dwtDctSvd,rivaGan,blind_watermark."
                )
                continue
            if not all(
                hasattr(invisible, name) for name in ("embed_watermark", "detect_watermark")
            ):
                problems.append(
                    "notrain: notrain.watermark.invisible has no embed_watermark/detect_watermark yet."
                )
            continue
        needed = {"blind_watermark": ["blind_watermark"], "rivaGan": ["imwatermark", "onnxruntime"]}
        for module in needed.get(method, ["imwatermark"]):
            if importlib.util.find_spec(module) is None:
                problems.append(
                    f"{method}: the module {module} is not installed. Run `make bench-watermark`, or"
                    " `pip install -e . -r benchmarks/requirements-watermark.txt` in this venv."
                )
    return problems


# --- photos, payloads and one task -------------------------------------------------------------


def original(image: str, group: Group, kodak: Path) -> Image.Image:
    """The unmarked photo ``image`` at the group's size."""
    if group.photo_size is not None:
        width, height = group.photo_size
        return make_photo(width, height, seed=1000 + int(image.rsplit("-", 1)[1]))
    with Image.open(kodak / f"{image}.png") as opened:
        photo = opened.convert("RGB")
    if group.kodak_width is None:
        return photo
    height = round(photo.height * group.kodak_width / photo.width)
    return photo.resize((group.kodak_width, height), Image.Resampling.LANCZOS)


def payload(image: str, group: str) -> np.ndarray:
    """64 random bits for this photo at this size, the same on every run and for every method."""
    data = random.Random(f"payload/{image}/{group}").randbytes(8)
    return np.unpackbits(np.frombuffer(data, np.uint8))


def run_task(task: Task) -> list[dict[str, Any]]:
    """Mark, measure, attack and read back; one record per attack (and one for quality)."""
    method = codec(task.method)
    photo = original(task.image, GROUP_BY_KEY[task.group], Path(task.kodak))
    bits = payload(task.image, task.group)[: method.bits]
    start = time.perf_counter()
    try:
        marked = method.embed(photo, bits)
    except Exception as exc:
        raise RuntimeError(
            f"{task.method} could not mark {task.image} at {task.group}: {exc!r}"
        ) from exc
    embed_s = time.perf_counter() - start
    if marked.size != photo.size or marked.mode != "RGB":
        raise RuntimeError(
            f"{task.method} returned a {marked.mode} {marked.size} image for {task.image} at"
            f" {task.group}; expected RGB {photo.size}"
        )
    base = {
        "version": CACHE_VERSION,
        "method": task.method,
        "image": task.image,
        "group": task.group,
    }
    records = []
    if task.quality:
        quality = {"psnr": psnr(photo, marked), "ssim": ssim(photo, marked), "embed_s": embed_s}
        records.append({**base, "attack": "-", **quality})
    for name in task.attacks:
        attacked = attack_named(name).apply(
            marked, random.Random(f"attack/{task.image}/{task.group}/{name}")
        )
        error = ""
        try:
            read = method.read(attacked)
        except Exception as exc:
            read, error = None, f"{type(exc).__name__}: {exc}"
        found = read is not None
        correct = read[: bits.size] == bits if found and read.size >= bits.size else None
        records.append(
            {
                **base,
                "attack": name,
                "found": found,
                "bit_acc": float(correct.mean()) if correct is not None else 0.5,
                "exact": bool(correct is not None and correct.all()),
                "error": error,
            }
        )
    return records


def psnr(reference: Image.Image, marked: Image.Image) -> float:
    """PSNR in dB over the three RGB channels."""
    diff = np.asarray(reference, np.float64) - np.asarray(marked, np.float64)
    mse = float(np.mean(diff * diff))
    return math.inf if mse == 0 else 10 * math.log10(255.0**2 / mse)


def ssim(reference: Image.Image, marked: Image.Image) -> float:
    """SSIM of the BT.601 luminance, Gaussian window (sigma 1.5), as in Wang et al. 2004."""
    from skimage.metrics import structural_similarity

    def luma(image: Image.Image) -> np.ndarray:
        return np.asarray(image, np.float64) @ np.array([0.299, 0.587, 0.114])

    return float(
        structural_similarity(
            luma(reference),
            luma(marked),
            data_range=255.0,
            gaussian_weights=True,
            sigma=1.5,
            use_sample_covariance=False,
        )
    )


# --- speed on one core -------------------------------------------------------------------------


def anchor_runs(repeats: int) -> int:
    """Timing runs for an anchor: at most three (rivaGan takes about 20 s a run)."""
    return min(repeats, 3)


def time_methods(methods: list[str], repeats: int) -> dict[str, dict[str, float]]:
    """Median embed and read seconds for a 1080x1350 photo, pinned to one core (run in a fresh process).

    With more than one run, a first untimed run loads models and fills caches.
    """
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    photo = make_photo(*TIMING_SIZE, seed=7)
    timings = {}
    for name in methods:
        method = codec(name)
        bits = payload("timing", "1080x1350")[: method.bits]
        runs = repeats if name == "notrain" else anchor_runs(repeats)
        if runs > 1:
            method.read(method.embed(photo, bits))
        embeds, reads = [], []
        for _ in range(runs):
            start = time.perf_counter()
            marked = method.embed(photo, bits)
            middle = time.perf_counter()
            method.read(marked)
            embeds.append(middle - start)
            reads.append(time.perf_counter() - middle)
        timings[name] = {
            "embed_s": statistics.median(embeds),
            "read_s": statistics.median(reads),
            "runs": runs,
        }
    return timings


# --- false positives ---------------------------------------------------------------------------


def unmarked(index: int, kodak_paths: list[str]) -> tuple[Image.Image, str, str]:
    """Unmarked image number ``index``: (image, kind, how to make it again)."""
    rng = random.Random(f"false-positive/{index}")
    roll = rng.random()
    if roll < 0.45 and kodak_paths:
        path = rng.choice(kodak_paths)
        with Image.open(path) as opened:
            image = opened.convert("RGB")
        steps = [Path(path).stem]
        area = rng.uniform(0.3, 1.0)
        aspect = rng.uniform(0.6, 1.7)
        width = min(image.width, round(math.sqrt(area * image.width * image.height * aspect)))
        height = min(image.height, round(area * image.width * image.height / width))
        left, top = rng.randint(0, image.width - width), rng.randint(0, image.height - height)
        image = image.crop((left, top, left + width, top + height))
        steps.append(f"crop {left},{top},{width}x{height}")
        factor = rng.uniform(0.5, 2.5)
        size = (max(64, round(width * factor)), max(64, round(height * factor)))
        image = image.resize(size, rng.choice([Image.Resampling.LANCZOS, Image.Resampling.BICUBIC]))
        steps.append(f"resize {size[0]}x{size[1]}")
        if rng.random() < 0.2:
            degrees = rng.uniform(-5, 5)
            image = rotate(image, degrees)
            steps.append(f"rotate {degrees:.2f}")
        kind = "Kodak crops/rescales/JPEG"
    elif roll < 0.9:
        width, height, seed = rng.randint(256, 1600), rng.randint(256, 1600), rng.randrange(2**31)
        image = make_photo(width, height, seed=seed)
        steps, kind = [f"make_photo({width}, {height}, seed={seed})"], "generated photos"
    else:
        image, description = _synthetic(rng)
        steps, kind = [description], "flat/gradient/noise"
    if kind != "flat/gradient/noise" and rng.random() < 0.6:
        quality = rng.randint(40, 95)
        image = jpeg(image, quality)
        steps.append(f"JPEG q{quality}")
    return image, kind, ", ".join(steps)


def _synthetic(rng: random.Random) -> tuple[Image.Image, str]:
    width, height = rng.randint(256, 1600), rng.randint(256, 1600)
    style = rng.choice(["flat", "gradient", "noise"])
    if style == "flat":
        colour = tuple(rng.randrange(256) for _ in range(3))
        return Image.new("RGB", (width, height), colour), f"flat {colour} {width}x{height}"
    generator = np.random.default_rng(rng.randrange(2**31))
    if style == "gradient":
        angle = rng.uniform(0, 2 * math.pi)
        y, x = np.mgrid[0:height, 0:width].astype(np.float64)
        ramp = x * math.cos(angle) + y * math.sin(angle)
        ramp = (ramp - ramp.min()) / max(np.ptp(ramp), 1e-9)
        start, stop = generator.uniform(0, 255, 3), generator.uniform(0, 255, 3)
        pixels = start + ramp[..., None] * (stop - start)
    else:
        sigma = rng.uniform(2, 60)
        pixels = generator.normal(rng.uniform(60, 200), sigma, (height, width, 3))
    image = Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8), "RGB")
    return image, f"{style} {width}x{height}"


def false_positive_batch(job: tuple[int, int, list[str]]) -> dict[str, Any]:
    """Detect on unmarked images ``start`` to ``stop``; counts by kind and every image found."""
    start, stop, kodak_paths = job
    method = codec("notrain")
    counts: dict[str, int] = defaultdict(int)
    found, errors = [], []
    for index in range(start, stop):
        image, kind, recipe = unmarked(index, kodak_paths)
        counts[kind] += 1
        try:
            if method.read(image) is not None:
                found.append(f"#{index}: {recipe}")
        except Exception as exc:
            errors.append(f"#{index}: {recipe}: {type(exc).__name__}: {exc}")
    return {"counts": dict(counts), "found": found, "errors": errors}


# --- planning and running ----------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    methods: tuple[str, ...]
    groups: tuple[str, ...]
    kodak: list[str]
    photos: int
    attacks: tuple[str, ...]
    anchor_images: int
    anchor_groups: tuple[str, ...]
    kodak_dir: Path

    def images(self, method: str, group: str) -> list[str]:
        """The photos ``method`` is measured on at ``group``."""
        if group not in self.groups or (method in ANCHORS and group not in self.anchor_groups):
            return []
        if GROUP_BY_KEY[group].photo_size is not None:
            names = [f"photo-{i}" for i in range(self.photos)]
        else:
            names = self.kodak
        return names[: self.anchor_images] if method in ANCHORS else names


def plan_tasks(plan: Plan, cache: dict[str, dict[str, Any]]) -> list[Task]:
    """What is left to compute (anchors skip what the cache holds), longest first."""
    tasks = []
    for method in plan.methods:
        embed_cost, read_cost = _COST[method]
        for group in plan.groups:
            for image in plan.images(method, group):
                todo = [
                    a
                    for a in plan.attacks
                    if method == "notrain" or key(method, image, group, a) not in cache
                ]
                quality = method == "notrain" or key(method, image, group, "-") not in cache
                if not todo and not quality:
                    continue
                megapixels = _megapixels(image, group, plan.kodak_dir)
                pieces = max(1, math.ceil(len(todo) * read_cost * megapixels / _MAX_TASK_S))
                for piece in range(pieces):
                    attacks = tuple(todo[piece::pieces])
                    estimate = megapixels * (embed_cost + read_cost * len(attacks))
                    tasks.append(
                        Task(
                            method,
                            image,
                            group,
                            attacks,
                            quality and piece == 0,
                            str(plan.kodak_dir),
                            estimate,
                        )
                    )
    return sorted(tasks, key=lambda task: -task.estimate)


def _megapixels(image: str, group: str, kodak: Path) -> float:
    spec = GROUP_BY_KEY[group]
    if spec.photo_size is not None:
        return spec.photo_size[0] * spec.photo_size[1] / 1e6
    with Image.open(kodak / f"{image}.png") as opened:
        width, height = opened.size
    if spec.kodak_width is not None:
        width, height = spec.kodak_width, round(height * spec.kodak_width / width)
    return width * height / 1e6


def key(method: str, image: str, group: str, attack: str) -> str:
    return f"{method}|{image}|{group}|{attack}"


def load_cache() -> dict[str, dict[str, Any]]:
    cache = {}
    if CACHE.exists():
        for line in CACHE.read_text("utf-8").splitlines():
            record = json.loads(line)
            if record.get("version") == CACHE_VERSION:
                cache[key(record["method"], record["image"], record["group"], record["attack"])] = (
                    record
                )
    return cache


def run_tasks(
    tasks: list[Task], jobs: int, cache: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Run the tasks on ``jobs`` spawned workers; anchor records go to the cache as they finish."""
    if not tasks:
        return []
    total = sum(task.estimate for task in tasks)
    _say(f"{len(tasks)} tasks, roughly {total / 60 / jobs:.0f} min on {jobs} workers")
    OUT.mkdir(parents=True, exist_ok=True)
    records: list[dict[str, Any]] = []
    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with (
        context.Pool(jobs, maxtasksperchild=20) as pool,
        CACHE.open("a", encoding="utf-8") as cached,
    ):
        for done, result in enumerate(pool.imap_unordered(run_task, tasks), 1):
            records.extend(result)
            for record in result:
                if record["method"] in ANCHORS:
                    cache[
                        key(record["method"], record["image"], record["group"], record["attack"])
                    ] = record
                    cached.write(json.dumps(record) + "\n")
            cached.flush()
            head = result[0]
            _say(
                f"[{done}/{len(tasks)}] {head['method']} {head['image']} at {head['group']}:"
                f" {len(result)} records, {time.perf_counter() - started:.0f} s so far"
            )
    return records


def run_timing(
    methods: list[str], repeats: int, cache: dict[str, dict[str, Any]]
) -> dict[str, dict[str, float]]:
    """One-core speed of every method; anchors' timings come from the cache once measured."""
    todo = [
        m
        for m in methods
        if m == "notrain"
        or cache.get(key(m, "timing", "1080x1350", "-"), {}).get("runs", 0) < anchor_runs(repeats)
    ]
    timings = {m: cache[key(m, "timing", "1080x1350", "-")] for m in methods if m not in todo}
    if todo:
        _say(f"timing {', '.join(todo)} on one core")
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            measured = pool.apply(time_methods, (todo, repeats))
        with CACHE.open("a", encoding="utf-8") as cached:
            for method, timing in measured.items():
                record = {
                    "version": CACHE_VERSION,
                    "method": method,
                    "image": "timing",
                    "group": "1080x1350",
                    "attack": "-",
                    **timing,
                }
                timings[method] = record
                if method in ANCHORS:
                    cache[key(method, "timing", "1080x1350", "-")] = record
                    cached.write(json.dumps(record) + "\n")
    return timings


def run_false_positives(count: int, jobs: int, kodak: list[str]) -> dict[str, Any]:
    """notrain's detector on ``count`` unmarked images, in batches over ``jobs`` workers."""
    batch = 100
    jobs_list = [(start, min(start + batch, count), kodak) for start in range(0, count, batch)]
    totals: dict[str, Any] = {"counts": defaultdict(int), "found": [], "errors": []}
    started = time.perf_counter()
    _say(f"false positives: {count} unmarked images")
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        for done, result in enumerate(pool.imap_unordered(false_positive_batch, jobs_list), 1):
            for kind, number in result["counts"].items():
                totals["counts"][kind] += number
            totals["found"] += result["found"]
            totals["errors"] += result["errors"]
            if done % 10 == 0 or done == len(jobs_list):
                _say(
                    f"  {min(done * batch, count)}/{count} checked, {len(totals['found'])} found,"
                    f" {time.perf_counter() - started:.0f} s"
                )
    totals["seconds"], totals["jobs"] = time.perf_counter() - started, jobs
    return totals


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- the report --------------------------------------------------------------------------------


def _cells(
    plan: Plan, records: list[dict[str, Any]], cache: dict[str, dict[str, Any]]
) -> dict[tuple, list]:
    """Records by (method, group, attack), for exactly the photos the plan asks for."""
    fresh = {key(r["method"], r["image"], r["group"], r["attack"]): r for r in records}
    cells: dict[tuple, list] = defaultdict(list)
    for method in plan.methods:
        for group in plan.groups:
            for image in plan.images(method, group):
                for attack in ("-", *plan.attacks):
                    record = fresh.get(key(method, image, group, attack)) or cache.get(
                        key(method, image, group, attack)
                    )
                    if record is not None:
                        cells[method, group, attack].append(record)
    return cells


def _cell(method: str, rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "-"
    accuracy = statistics.fmean(r["bit_acc"] for r in rows)
    exact = sum(r["exact"] for r in rows) / len(rows)
    text = f"{accuracy:.2f} / {exact:.0%}"
    if method == "notrain":
        text += f" / {sum(r['found'] for r in rows) / len(rows):.0%}"
    errors = sum(bool(r["error"]) for r in rows)
    return text + (f" ({len(rows)}, {errors} err)" if errors else f" ({len(rows)})")


def _title(method: str) -> str:
    return {"rivaGan": "rivaGan (32 bits)", "notrain": "notrain: bits / exact / found"}.get(
        method, method
    )


def render(
    plan: Plan,
    cells: dict[tuple, list],
    timings: dict[str, dict[str, float]],
    false_positives: dict[str, Any] | None,
    notes: list[str],
) -> str:
    methods = list(plan.methods)
    lines = ["# Invisible watermark robustness", ""]
    lines += notes + [""]
    passes, checked = 0, 0
    for group in plan.groups:
        if not any(cells.get((m, group, a)) for m in methods for a in plan.attacks):
            continue
        lines += [f"## {GROUP_BY_KEY[group].label}", ""]
        header = ["attack"]
        if "notrain" in methods:
            header += ["target (exact)", _title("notrain"), "pass"]
        header += [_title(m) for m in methods if m != "notrain"]
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for attack in plan.attacks:
            row = [attack_named(attack).label]
            if "notrain" in methods:
                rows = cells.get(("notrain", group, attack), [])
                verdict = "-"
                if rows:
                    ok = sum(r["exact"] for r in rows) / len(rows) >= TARGETS[attack]
                    passes, checked = passes + ok, checked + 1
                    verdict = "pass" if ok else "FAIL"
                row += [f">= {TARGETS[attack]:.0%}", _cell("notrain", rows), verdict]
            row += [_cell(m, cells.get((m, group, attack), [])) for m in methods if m != "notrain"]
            lines.append("| " + " | ".join(row) + " |")
        lines.append("")
    lines += _summary(plan, cells, timings, false_positives)
    if checked:
        lines += [
            "",
            f"notrain meets {passes} of {checked} robustness targets (attack x size group).",
        ]
    return "\n".join(lines) + "\n"


def _summary(
    plan: Plan,
    cells: dict[tuple, list],
    timings: dict[str, dict[str, float]],
    false_positives: dict[str, Any] | None,
) -> list[str]:
    methods = list(plan.methods)
    header = ["", *[_title(m).split(":")[0] for m in methods]]
    has_notrain = "notrain" in methods
    if has_notrain:
        header += ["notrain target", "pass"]
    lines = [
        "## Quality, speed and false positives",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]

    def quality(method: str, field: str) -> list[float]:
        return [r[field] for g in plan.groups for r in cells.get((method, g, "-"), [])]

    def row(label: str, values: list[str], target: str = "", ok: bool | None = None) -> None:
        extra = [target, "-" if ok is None else ("pass" if ok else "FAIL")] if has_notrain else []
        lines.append("| " + " | ".join([label, *values, *extra]) + " |")

    row("payload bits", [str(codec_bits(m)) for m in methods])
    for field, label, target, digits in (
        ("psnr", "PSNR dB, mean (min)", MIN_PSNR, 1),
        ("ssim", "SSIM, mean (min)", MIN_SSIM, 4),
    ):
        values, verdict = [], None
        for method in methods:
            numbers = quality(method, field)
            values.append(
                f"{statistics.fmean(numbers):.{digits}f} ({min(numbers):.{digits}f}), n={len(numbers)}"
                if numbers
                else "-"
            )
            if method == "notrain" and numbers:
                verdict = statistics.fmean(numbers) >= target
        row(label, values, f">= {target} (mean)", verdict)
    for field, label, limit in (
        ("embed_s", "embed s, 1080x1350, 1 core", MAX_EMBED_S),
        ("read_s", "detect s, 1080x1350, 1 core", MAX_DETECT_S),
    ):
        values = [f"{timings[m][field]:.3f}" if m in timings else "-" for m in methods]
        verdict = timings["notrain"][field] <= limit if "notrain" in timings else None
        row(label, values, f"<= {limit}", verdict)
    fp_values, verdict = [], None
    for method in methods:
        if method != "notrain":
            fp_values.append("no check (n/a)")
        elif false_positives is None:
            fp_values.append("not run")
        else:
            total = sum(false_positives["counts"].values())
            fp_values.append(f"{len(false_positives['found'])} of {total}")
            verdict = not false_positives["found"]
    row("false positives (found on unmarked)", fp_values, "0", verdict)
    if false_positives is not None:
        kinds = ", ".join(
            f"{kind}: {number}" for kind, number in sorted(false_positives["counts"].items())
        )
        lines += [
            "",
            f"Unmarked images checked: {kinds}; {false_positives['seconds']:.0f} s on {false_positives['jobs']} workers.",
        ]
        for item in false_positives["found"][:20]:
            lines.append(f"- FOUND on unmarked image {item}")
        if false_positives["errors"]:
            lines.append(
                f"- the detector raised on {len(false_positives['errors'])} images, e.g. {false_positives['errors'][0]}"
            )
    return lines


def codec_bits(method: str) -> int:
    return 32 if method == "rivaGan" else 64


# --- command line ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--methods", default=",".join(METHODS), help=f"comma-separated, from {', '.join(METHODS)}"
    )
    parser.add_argument("--images", type=int, help="Kodak photos to use (default: all found)")
    parser.add_argument(
        "--photos", type=int, help="generated photos per generated size (default 4)"
    )
    parser.add_argument(
        "--sizes", help=f"size groups, comma-separated (default all: {','.join(GROUP_BY_KEY)})"
    )
    parser.add_argument(
        "--anchor-images", type=int, help="photos per size group for the anchors (default 3)"
    )
    parser.add_argument("--anchor-sizes", help="size groups the anchors run at (default 768,2048)")
    parser.add_argument(
        "--false-positives",
        type=int,
        metavar="N",
        help="unmarked images for notrain (default 10000; 0 skips)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=len(os.sched_getaffinity(0)),
        help="worker processes (default: one per core)",
    )
    parser.add_argument(
        "--repeats", type=int, help="timing runs per method, the median counts (default 7)"
    )
    parser.add_argument(
        "--kodak",
        type=Path,
        default=KODAK,
        help="folder of Kodak PNGs (default ../shared/data/images/kodak)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 2 Kodak photos, 1 generated, 7 attacks, 200 unmarked images",
    )
    return parser.parse_args(argv)


def _choose(value: Any, quick: Any, normal: Any, is_quick: bool) -> Any:
    return value if value is not None else (quick if is_quick else normal)


def _groups(text: str, option: str) -> tuple[str, ...]:
    groups = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [g for g in groups if g not in GROUP_BY_KEY]
    if unknown:
        raise SystemExit(
            f"{option}: unknown size group {', '.join(unknown)}; expected some of {', '.join(GROUP_BY_KEY)}"
        )
    return groups


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    methods = tuple(part.strip() for part in args.methods.split(",") if part.strip())
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise SystemExit(
            f"--methods: unknown {', '.join(unknown)}; expected some of {', '.join(METHODS)}"
        )
    problems = missing_methods(methods)
    if problems:
        raise SystemExit("Cannot run the benchmark:\n- " + "\n- ".join(problems))
    notes = []
    kodak = sorted(path.stem for path in args.kodak.glob("*.png")) if args.kodak.is_dir() else []
    if not kodak:
        notes.append(f"**No Kodak photos in {args.kodak}: generated photos only.**")
    elif len(kodak) < 24:
        notes.append(f"Kodak photos found in {args.kodak}: {len(kodak)} (the full set has 24).")
    kodak = kodak[: _choose(args.images, 2, len(kodak), args.quick)]
    groups = _groups(
        _choose(args.sizes, "768,2048,1080x1350", ",".join(GROUP_BY_KEY), args.quick), "--sizes"
    )
    if not kodak:
        groups = tuple(g for g in groups if GROUP_BY_KEY[g].photo_size is not None)
    plan = Plan(
        methods=methods,
        groups=groups,
        kodak=kodak,
        photos=_choose(args.photos, 1, 4, args.quick),
        attacks=QUICK_ATTACKS if args.quick else tuple(a.name for a in ATTACKS),
        anchor_images=_choose(args.anchor_images, 1, 3, args.quick),
        anchor_groups=_groups(
            _choose(args.anchor_sizes, "768", "768,2048", args.quick), "--anchor-sizes"
        ),
        kodak_dir=args.kodak,
    )
    cache = load_cache()
    records = run_tasks(plan_tasks(plan, cache), args.jobs, cache)
    timings = run_timing(list(methods), _choose(args.repeats, 1, 7, args.quick), cache)
    fp_count = _choose(args.false_positives, 200, 10000, args.quick)
    false_positives = None
    if "notrain" in methods and fp_count > 0:
        false_positives = run_false_positives(
            fp_count, args.jobs, [str(args.kodak / f"{k}.png") for k in kodak]
        )
    OUT.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"records": records, "timings": timings}, indent=1), "utf-8")
    notes = _header(plan, args) + notes
    report = render(plan, _cells(plan, records, cache), timings, false_positives, notes)
    REPORT.write_text(report, "utf-8")
    print(report)


def _header(plan: Plan, args: argparse.Namespace) -> list[str]:
    versions = []
    for package in (
        "Pillow",
        "numpy",
        "invisible-watermark",
        "blind-watermark",
        "torch",
        "onnxruntime",
        "scikit-image",
    ):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            pass
    anchors = [m for m in plan.methods if m in ANCHORS]
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; {', '.join(versions)}.",
        f"Command: `{shlex.join(['python', 'benchmarks/watermark_robustness.py', *sys.argv[1:]])}`",
        "",
        "Cell: mean bit accuracy / exact payload recovery (notrain also: found rate), then (n photos)."
        " Payload: 64 random bits per photo and size, the same for every method; rivaGan carries only"
        " 32 bits, so it gets the first 32 and its cells are out of 32. Every method reads its mark from"
        ' the attacked image alone. A read that finds nothing (notrain: found = False) or raises ("err":'
        " the image is below the method's minimum size) counts as bit accuracy 0.5 and not exact.",
        "Attacks: JPEG is a real Pillow encode and decode, 4:2:0; the Instagram and Facebook rows run"
        " notrain's platform simulator on a PNG upload (JPEG quality drawn from 70-85 per photo,"
        " the same for every method; 4:2:0, progressive); resizes are Lanczos; rotations are bicubic"
        " and cropped to the largest rectangle without black corners. Geometric and colour attacks"
        " without JPEG keep their result lossless, as a PNG save would.",
    ]
    if anchors:
        lines.append(
            f"Anchors ({', '.join(anchors)}) run on the first {plan.anchor_images} photo(s) of each"
            f" size group in {', '.join(plan.anchor_groups)} (change with --anchor-images,"
            f" --anchor-sizes); their results are cached in benchmarks/out/. notrain runs on every"
            " photo and size, every time."
        )
    return lines


if __name__ == "__main__":
    main()
