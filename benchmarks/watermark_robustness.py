"""notrain's invisible watermark against the open-source anchors, measured in the same run.

Every method marks the same photos with a random payload (64 bits; rivaGan
carries only 32), each marked photo goes through the attacks in
``wm_attacks.py``, and the method reads its mark back from the attacked image
alone: no original, no knowledge of the crop or the scale. The photos are the
Kodak set from ../shared as shipped and upscaled to 2048 and 4000 px wide (the
realistic case: a camera-sized photo that the platform shrinks), plus generated
photos at 1080x1350 and 1600x1200. The anchors (invisible-watermark dwtDctSvd
and rivaGan, blind_watermark) are slow, so they run on a subset and their
results are cached in benchmarks/out/; notrain runs on everything, every time.

Also measured: the quality of the marked image (PSNR on RGB, Gaussian-window
SSIM on luminance), the speed on one core for a 1080x1350 photo, and notrain's
false positives on unmarked images. The issue's targets stand beside notrain's
numbers with pass or FAIL.

    make bench-watermark [ARGS="--quick"]
    .venv-bench/bin/python benchmarks/watermark_robustness.py [--quick] [--methods ...]

Prints a Markdown report and writes it to benchmarks/out/watermark_robustness.md.
By default notrain runs on every Kodak photo at every size, the anchors on the
first 6 Kodak photos as shipped, and the false-positive check on 10,000
unmarked images: on the 2-core benchmark machine about an hour with nothing
cached (anchors 6 minutes, notrain's attacks 5, unmarked images 48) and 55
minutes once the anchors are cached. ``--quick`` takes about a minute with a cold cache.
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
from collections import Counter
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image
from wm_attacks import ATTACKS, attack_named, jpeg, rotate

from notrain.samples import make_photo
from notrain.watermark.invisible import LIST_SYNC_SCORE

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
CACHE = OUT / "watermark_cache.jsonl"
REPORT = OUT / "watermark_robustness.md"
RESULTS = OUT / "watermark_results.json"
KODAK = HERE.parents[1] / "shared" / "data" / "images" / "kodak"
CACHE_VERSION = 1
"""Bump when an attack, the payloads or an adapter changes, so cached anchor results recompute."""

PAYLOAD_BITS = {"notrain": 64, "dwtDctSvd": 64, "rivaGan": 32, "blind_watermark": 64}
METHODS = tuple(PAYLOAD_BITS)
ANCHORS = METHODS[1:]
TIMING = "1080x1350"

_STRICT = ("none", "jpeg95", "jpeg85", "jpeg75", "jpeg60", "instagram", "facebook", "down50")
_STRICT += ("crop80", "rotate+1", "rotate-1", "brightness+20", "brightness-20", "contrast+20")
_STRICT += ("contrast-20",)
TARGETS = {attack.name: 0.99 if attack.name in _STRICT else 0.90 for attack in ATTACKS}
"""Exact recovery notrain must reach after each attack (the issue's; "none" is held to 99%)."""
MIN_PSNR, MIN_SSIM, MAX_EMBED_S, MAX_DETECT_S = 40.0, 0.98, 0.15, 0.30

QUICK_ATTACKS = ("none", "jpeg75", "instagram", "down50", "crop80", "rotate+1", "brightness+20")

# Rough seconds per megapixel (embed, read) on one core of the 2-core benchmark machine. They only
# order the work, longest first, and split a slow anchor's attacks so that both workers stay busy.
_COST = {
    "notrain": (0.1, 0.2),
    "dwtDctSvd": (0.45, 0.3),
    "rivaGan": (12.0, 21.0),
    "blind_watermark": (1.6, 1.1),
}
_MAX_TASK_S = 300.0

Record = dict[str, Any]


@dataclass(frozen=True)
class Group:
    """Photos marked at one size: the Kodak set at a width (None: as shipped), or generated ones."""

    key: str
    label: str
    kodak_width: int | None = None
    photo_size: tuple[int, int] | None = None


GROUPS = {
    group.key: group
    for group in (
        Group("768", "Kodak as shipped (768x512 or 512x768)"),
        Group("2048", "Kodak upscaled to 2048 px wide (Lanczos)", kodak_width=2048),
        Group("4000", "Kodak upscaled to 4000 px wide (Lanczos)", kodak_width=4000),
        Group("1080x1350", "generated photos, 1080x1350", photo_size=(1080, 1350)),
        Group("1600x1200", "generated photos, 1600x1200", photo_size=(1600, 1200)),
    )
}


@dataclass(frozen=True)
class Task:
    """One method marking one photo at one size and reading it back after some attacks."""

    method: str
    image: str
    group: str
    attacks: tuple[str, ...]
    quality: bool
    """Also measure PSNR and SSIM (only the first piece of a split task does)."""
    kodak: Path
    estimate: float


def key(method: str, image: str, group: str, attack: str) -> str:
    """The cache key of one result; ``attack`` is "-" for quality and timing."""
    return f"{method}|{image}|{group}|{attack}"


def record_key(record: Record) -> str:
    return key(record["method"], record["image"], record["group"], record["attack"])


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

    def detect(self, image: Image.Image) -> Any:
        return self._codec.detect_watermark(image)

    def read(self, image: Image.Image) -> np.ndarray | None:
        detection = self.detect(image)
        if not detection.found or detection.message is None:
            return None
        return np.unpackbits(np.frombuffer(detection.message, np.uint8))


class ImwatermarkCodec:
    """invisible-watermark's dwtDctSvd (64 bits) or rivaGan (32 bits, ONNX models in the wheel)."""

    def __init__(self, method: str) -> None:
        import torch

        torch.set_num_threads(1)
        self.method = method
        self.bits = PAYLOAD_BITS[method]
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
    """blind_watermark with its default keys (password 1 for the image and for the mark)."""

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

    Its pool module calls ``multiprocessing.set_start_method('fork')`` at import, which raises in
    a spawned worker (the method is set already) and would change it for everyone in the parent.
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
        model = str(folder / f"rivagan_{role}.onnx")
        session = onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
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


def missing(methods: tuple[str, ...]) -> list[str]:
    """What stops ``methods`` from running, as sentences that say what to do."""
    problems = []
    if "notrain" in methods:
        try:
            from notrain.watermark import invisible
        except ImportError as exc:
            problems.append(
                f"notrain: cannot import notrain.watermark.invisible ({exc}): the codec is not in"
                " this checkout yet. Measure the anchors alone with"
                " --methods dwtDctSvd,rivaGan,blind_watermark."
            )
        else:
            if not hasattr(invisible, "embed_watermark") or not hasattr(
                invisible, "detect_watermark"
            ):
                problems.append(
                    "notrain: notrain.watermark.invisible has no embed/detect_watermark."
                )
    needs = {"dwtDctSvd": ["imwatermark"], "rivaGan": ["imwatermark", "onnxruntime"]}
    needs["blind_watermark"] = ["blind_watermark"]
    for method in methods:
        for module in needs.get(method, []):
            if importlib.util.find_spec(module) is None:
                problems.append(
                    f"{method}: {module} is not installed. Run `make bench-watermark`, or"
                    " `pip install -e . -r benchmarks/requirements-watermark.txt` in this venv."
                )
    return problems


# --- one task: mark, attack, read back ---------------------------------------------------------


def original(image: str, group: Group, kodak: Path) -> Image.Image:
    """The unmarked photo ``image`` at the group's size."""
    if group.photo_size is not None:
        return make_photo(*group.photo_size, seed=1000 + int(image.removeprefix("photo-")))
    with Image.open(kodak / f"{image}.png") as opened:
        photo = opened.convert("RGB")
    if group.kodak_width is None:
        return photo
    height = round(photo.height * group.kodak_width / photo.width)
    return photo.resize((group.kodak_width, height), Image.Resampling.LANCZOS)


def payload(image: str, group: str) -> np.ndarray:
    """64 random bits for this photo at this size: the same on every run and for every method."""
    data = random.Random(f"payload/{image}/{group}").randbytes(8)
    return np.unpackbits(np.frombuffer(data, np.uint8))


def run_task(task: Task) -> list[Record]:
    """Mark, measure, attack and read back: one record per attack, and one for quality."""
    method = codec(task.method)
    photo = original(task.image, GROUPS[task.group], task.kodak)
    bits = payload(task.image, task.group)[: method.bits]
    where = f"{task.method} on {task.image} at {task.group}"
    start = time.perf_counter()
    try:
        marked = method.embed(photo, bits)
    except Exception as exc:
        raise RuntimeError(f"{where}: embedding failed: {exc!r}") from exc
    embed_s = time.perf_counter() - start
    if marked.size != photo.size or marked.mode != "RGB":
        raise RuntimeError(
            f"{where}: expected an RGB {photo.size} image, got {marked.mode} {marked.size}"
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
        read, error = None, ""
        try:
            read = method.read(attacked)
        # Any error of a decoder (most often: the image is below its minimum size) means no bits.
        except Exception as exc:  # noqa: BLE001
            error = f"{type(exc).__name__}: {exc}"
        correct = read[: bits.size] == bits if read is not None and read.size >= bits.size else None
        records.append(
            {
                **base,
                "attack": name,
                "found": read is not None,
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
    """SSIM of the BT.601 luminance with a Gaussian window (sigma 1.5), as in Wang et al. 2004."""
    from skimage.metrics import structural_similarity

    weights = np.array([0.299, 0.587, 0.114])
    first, second = (np.asarray(image, np.float64) @ weights for image in (reference, marked))
    return float(
        structural_similarity(
            first,
            second,
            data_range=255.0,
            gaussian_weights=True,
            sigma=1.5,
            use_sample_covariance=False,
        )
    )


# --- speed on one core -------------------------------------------------------------------------


def timing_runs(method: str, repeats: int) -> int:
    """Timed runs for ``method``: anchors at most three (rivaGan takes about 20 s a run)."""
    return repeats if method == "notrain" else min(repeats, 3)


def time_methods(methods: list[str], repeats: int) -> dict[str, Record]:
    """Median embed and read seconds for a 1080x1350 photo on one core (run it in a fresh process).

    With more than one run, a first untimed run loads models and fills caches.
    """
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    photo = make_photo(1080, 1350, seed=7)
    timings = {}
    for name in methods:
        method = codec(name)
        bits = payload("timing", TIMING)[: method.bits]
        runs = timing_runs(name, repeats)
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
    """Unmarked image number ``index``: the image, its kind, and how to make it again."""
    rng = random.Random(f"false-positive/{index}")
    roll = rng.random()
    if roll < 0.45 and kodak_paths:
        path = rng.choice(kodak_paths)
        with Image.open(path) as opened:
            image = opened.convert("RGB")
        pixels = image.width * image.height * rng.uniform(0.3, 1.0)
        width = min(image.width, round(math.sqrt(pixels * rng.uniform(0.6, 1.7))))
        height = min(image.height, round(pixels / width))
        left, top = rng.randint(0, image.width - width), rng.randint(0, image.height - height)
        factor = rng.uniform(0.5, 2.5)
        size = (max(64, round(width * factor)), max(64, round(height * factor)))
        resample = rng.choice([Image.Resampling.LANCZOS, Image.Resampling.BICUBIC])
        image = image.crop((left, top, left + width, top + height)).resize(size, resample)
        steps = [Path(path).stem, f"crop {width}x{height} at {left},{top}", f"resize to {size}"]
        if rng.random() < 0.2:
            degrees = rng.uniform(-5, 5)
            image = rotate(image, degrees)
            steps.append(f"rotate {degrees:.2f}")
        kind = "Kodak crops/rescales"
    elif roll < 0.9:
        width, height, seed = rng.randint(256, 1600), rng.randint(256, 1600), rng.randrange(2**31)
        image = make_photo(width, height, seed=seed)
        steps, kind = [f"make_photo({width}, {height}, seed={seed})"], "generated photos"
    else:
        image, description = _synthetic(rng)
        return image, "flat/gradient/noise", description
    if rng.random() < 0.6:
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
        pixels = generator.normal(rng.uniform(60, 200), rng.uniform(2, 60), (height, width, 3))
    image = Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8), "RGB")
    return image, f"{style} {width}x{height}"


def false_positive_batch(job: tuple[int, int, list[str]]) -> Record:
    """notrain's detector on unmarked images ``start`` to ``stop``."""
    start, stop, kodak_paths = job
    detect = NotrainCodec().detect
    result: Record = {
        "counts": Counter(),
        "found": [],
        "errors": [],
        "top": (0.0, ""),
        "sync": [],
    }
    for index in range(start, stop):
        image, kind, recipe = unmarked(index, kodak_paths)
        result["counts"][kind] += 1
        try:
            detection = detect(image)
        except Exception as exc:  # noqa: BLE001 - reported with the image that caused it
            result["errors"].append(f"#{index} ({recipe}): {type(exc).__name__}: {exc}")
            continue
        if detection.found:
            result["found"].append(f"#{index} ({recipe}), confidence {detection.confidence:.3f}")
        result["top"] = max(result["top"], (float(detection.confidence), f"#{index} ({recipe})"))
        result["sync"].append(float(detection.sync_score))
    return result


# --- planning and running ----------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Which methods run on which photos, sizes and attacks."""

    methods: tuple[str, ...]
    groups: tuple[str, ...]
    kodak: tuple[str, ...]
    photos: int
    attacks: tuple[str, ...]
    anchor_images: int
    anchor_groups: tuple[str, ...]
    kodak_dir: Path

    def images(self, method: str, group: str) -> list[str]:
        """The photos ``method`` is measured on at ``group``."""
        if group not in self.groups or (method in ANCHORS and group not in self.anchor_groups):
            return []
        if GROUPS[group].photo_size is not None:
            names = [f"photo-{i}" for i in range(self.photos)]
        else:
            names = list(self.kodak)
        return names[: self.anchor_images] if method in ANCHORS else names

    def tasks(self, cache: dict[str, Record]) -> list[Task]:
        """What is left to compute (anchors skip what the cache holds), longest first."""
        tasks = []
        for method in self.methods:
            embed_cost, read_cost = _COST[method]
            for group in self.groups:
                for image in self.images(method, group):
                    fresh = method == "notrain"
                    todo = [
                        a
                        for a in self.attacks
                        if fresh or key(method, image, group, a) not in cache
                    ]
                    quality = fresh or key(method, image, group, "-") not in cache
                    if not todo and not quality:
                        continue
                    megapixels = self._megapixels(image, group)
                    pieces = max(1, math.ceil(len(todo) * read_cost * megapixels / _MAX_TASK_S))
                    for piece in range(pieces):
                        attacks = tuple(todo[piece::pieces])
                        estimate = megapixels * (embed_cost + read_cost * len(attacks))
                        first = quality and piece == 0
                        tasks.append(
                            Task(method, image, group, attacks, first, self.kodak_dir, estimate)
                        )
        return sorted(tasks, key=lambda task: -task.estimate)

    def _megapixels(self, image: str, group: str) -> float:
        spec = GROUPS[group]
        if spec.photo_size is not None:
            return spec.photo_size[0] * spec.photo_size[1] / 1e6
        with Image.open(self.kodak_dir / f"{image}.png") as opened:
            width, height = opened.size
        if spec.kodak_width is not None:
            width, height = spec.kodak_width, round(height * spec.kodak_width / width)
        return width * height / 1e6


def load_cache() -> dict[str, Record]:
    """Cached anchor results and timings by key, from earlier runs with this CACHE_VERSION."""
    cache = {}
    if CACHE.exists():
        for line in CACHE.read_text("utf-8").splitlines():
            record = json.loads(line)
            if record.get("version") == CACHE_VERSION:
                cache[record_key(record)] = record
    return cache


def remember(records: list[Record], cache: dict[str, Record]) -> None:
    """Add the anchors' records to the cache, in memory and on disk."""
    anchors = [record for record in records if record["method"] in ANCHORS]
    with CACHE.open("a", encoding="utf-8") as cached:
        for record in anchors:
            cache[record_key(record)] = record
            cached.write(json.dumps(record) + "\n")


def run_tasks(tasks: list[Task], jobs: int, cache: dict[str, Record]) -> list[Record]:
    """Run ``tasks`` on ``jobs`` spawned workers, caching anchor results as each task ends."""
    if not tasks:
        return []
    minutes = sum(task.estimate for task in tasks) / 60 / jobs
    _say(f"{len(tasks)} tasks, roughly {minutes:.0f} min on {jobs} workers")
    records: list[Record] = []
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(jobs, maxtasksperchild=20) as pool:
        for done, result in enumerate(pool.imap_unordered(run_task, tasks), 1):
            records += result
            remember(result, cache)
            first = result[0]
            _say(
                f"[{done}/{len(tasks)}] {first['method']} {first['image']} at {first['group']}:"
                f" {len(result)} results, {time.perf_counter() - started:.0f} s so far"
            )
    return records


def run_timing(
    methods: tuple[str, ...], repeats: int, cache: dict[str, Record]
) -> dict[str, Record]:
    """Speed on one core; an anchor's timing comes from the cache once measured with enough runs."""
    timings = {}
    for method in methods:
        cached = cache.get(key(method, "timing", TIMING, "-"))
        if cached and cached["runs"] >= timing_runs(method, repeats) and method != "notrain":
            timings[method] = cached
    todo = [method for method in methods if method not in timings]
    if todo:
        _say(f"timing {', '.join(todo)} on one core")
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            measured = pool.apply(time_methods, (todo, repeats))
        base = {"version": CACHE_VERSION, "image": "timing", "group": TIMING, "attack": "-"}
        new = [{**base, "method": method, **timing} for method, timing in measured.items()]
        remember(new, cache)
        timings.update((record["method"], record) for record in new)
    return timings


def run_false_positives(count: int, jobs: int, kodak_paths: list[str]) -> Record:
    """notrain's detector on ``count`` unmarked images, in batches of 100 over ``jobs`` workers."""
    batches = [(start, min(start + 100, count), kodak_paths) for start in range(0, count, 100)]
    total: Record = {
        "counts": Counter(),
        "found": [],
        "errors": [],
        "top": (0.0, ""),
        "sync": [],
        "jobs": jobs,
    }
    started = time.perf_counter()
    _say(f"false positives: {count} unmarked images")
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        for done, result in enumerate(pool.imap_unordered(false_positive_batch, batches), 1):
            total["counts"].update(result["counts"])
            total["found"] += result["found"]
            total["errors"] += result["errors"]
            total["top"] = max(total["top"], result["top"])
            total["sync"] += result["sync"]
            if done % 10 == 0 or done == len(batches):
                checked, seconds = sum(total["counts"].values()), time.perf_counter() - started
                _say(f"  {checked}/{count} checked, {len(total['found'])} found, {seconds:.0f} s")
    total["seconds"] = time.perf_counter() - started
    return total


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# --- the report --------------------------------------------------------------------------------


def collect(
    plan: Plan, records: list[Record], cache: dict[str, Record]
) -> dict[tuple, list[Record]]:
    """Records by (method, group, attack) for exactly the plan's photos; attack "-" is quality."""
    fresh = {record_key(record): record for record in records}
    cells: dict[tuple, list[Record]] = {}
    for method in plan.methods:
        for group in plan.groups:
            for attack in ("-", *plan.attacks):
                keys = [key(method, image, group, attack) for image in plan.images(method, group)]
                found = [fresh.get(k) or cache.get(k) for k in keys]
                cells[method, group, attack] = [record for record in found if record is not None]
    return cells


def cell(method: str, rows: list[Record]) -> str:
    """``bit accuracy / exact`` (notrain: ``/ found``) and n; says when reads raised or misnamed."""
    if not rows:
        return "-"
    accuracy = statistics.fmean(r["bit_acc"] for r in rows)
    text = f"{accuracy:.2f} / {_share(r['exact'] for r in rows)}"
    if method == "notrain":
        text += f" / {_share(r['found'] for r in rows)}"
    notes = [f"{len(rows)}"]
    errors = sum(bool(r["error"]) for r in rows)
    if errors:
        notes.append(f"{errors} err")
    wrong = sum(r["found"] and not r["exact"] for r in rows)
    if method == "notrain" and wrong:
        notes.append(f"**{wrong} wrong payload**")
    return f"{text} ({', '.join(notes)})"


def _share(flags: Any) -> str:
    values = list(flags)
    return f"{sum(values) / len(values):.0%}"


def _verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("pass" if ok else "FAIL")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows] + [""]


def robustness(plan: Plan, cells: dict[tuple, list[Record]]) -> list[str]:
    """One table per size group: attacks down, methods across, notrain's targets beside it."""
    has_notrain = "notrain" in plan.methods
    anchors = [m for m in plan.methods if m in ANCHORS]
    lines, passed, checked = [], 0, 0
    for group in plan.groups:
        if not any(cells[m, group, a] for m in plan.methods for a in plan.attacks):
            continue
        header = ["attack"]
        if has_notrain:
            header += ["target (exact)", "notrain: bits / exact / found", "pass"]
        rows = []
        for attack in plan.attacks:
            row = [attack_named(attack).label]
            if has_notrain:
                results = cells["notrain", group, attack]
                target = TARGETS[attack]
                ok = sum(r["exact"] for r in results) >= target * len(results) if results else None
                passed, checked = passed + bool(ok), checked + (ok is not None)
                row += [f">= {target:.0%}", cell("notrain", results), _verdict(ok)]
            rows.append(row + [cell(m, cells[m, group, attack]) for m in anchors])
        lines += [f"## {GROUPS[group].label}", ""]
        lines += _table(header + [_title(m) for m in anchors], rows)
    if checked:
        lines += [
            f"notrain meets {passed} of {checked} robustness targets (attack x size group).",
            "",
        ]
    return lines


def summary(
    plan: Plan, cells: dict[tuple, list[Record]], timings: dict[str, Record], fp: Record | None
) -> list[str]:
    """Quality, speed and false positives: methods across, notrain's targets beside it."""
    targets = "notrain" in plan.methods

    def add(label: str, values: list[str], target: str, ok: bool | None) -> None:
        rows.append([label, *values, *([target, _verdict(ok)] if targets else [])])

    rows: list[list[str]] = []
    add("payload bits", [str(PAYLOAD_BITS[m]) for m in plan.methods], "64", None)
    for field, label, target, digits in (
        ("psnr", "PSNR dB", MIN_PSNR, 1),
        ("ssim", "SSIM", MIN_SSIM, 4),
    ):
        values, ok = [], None
        for method in plan.methods:
            numbers = [r[field] for g in plan.groups for r in cells[method, g, "-"]]
            if not numbers:
                values.append("-")
                continue
            mean = statistics.fmean(numbers)
            values.append(f"{mean:.{digits}f} ({min(numbers):.{digits}f}), {len(numbers)}")
            ok = mean >= target if method == "notrain" else ok
        add(f"{label}, mean (min), n", values, f">= {target} (mean)", ok)
    for field, label, limit in (
        ("embed_s", "embed", MAX_EMBED_S),
        ("read_s", "detect", MAX_DETECT_S),
    ):
        values = [f"{timings[m][field]:.3f}" if m in timings else "-" for m in plan.methods]
        ok = timings["notrain"][field] <= limit if "notrain" in timings else None
        add(f"{label} s, 1080x1350, 1 core (median)", values, f"<= {limit}", ok)
    values = ["no check (n/a)"] * len(plan.methods)
    if targets:
        total = f"{len(fp['found'])} of {sum(fp['counts'].values())}" if fp else "not run"
        values[plan.methods.index("notrain")] = total
    add("false positives on unmarked images", values, "0", not fp["found"] if fp else None)
    header = [
        "",
        *[_title(m) for m in plan.methods],
        *(["notrain target", "pass"] if targets else []),
    ]
    lines = ["## Quality, speed and false positives", "", *_table(header, rows)]
    if fp:
        kinds = ", ".join(f"{kind} {number}" for kind, number in sorted(fp["counts"].items()))
        confidence, where = fp["top"]
        top = f"{confidence:.3f}, {where}" if confidence > 0 else "0 on every one"
        lines.append(
            f"Unmarked images: {kinds}; {fp['seconds']:.0f} s on {fp['jobs']} workers. Highest"
            f" detection confidence on an unmarked image: {top}."
        )
        sync = np.array(fp["sync"])
        if sync.size:
            # The detector checks a list of code paths only above LIST_SYNC_SCORE: how often do
            # unmarked images get there?
            lines.append(
                f"Synchronisation peak on unmarked images: highest {sync.max():.2f}, 99.9th"
                f" percentile {np.quantile(sync, 0.999):.2f}; at or above the list-decoding"
                f" threshold ({LIST_SYNC_SCORE}): {int((sync >= LIST_SYNC_SCORE).sum())}."
            )
        lines += [f"- FOUND on unmarked image {item}" for item in fp["found"][:20]]
        if fp["errors"]:
            lines.append(f"- the detector raised on {len(fp['errors'])} images: {fp['errors'][0]}")
    return lines


def _title(method: str) -> str:
    return "rivaGan (32 bits)" if method == "rivaGan" else method


def header(plan: Plan, argv: list[str], kodak_found: int) -> list[str]:
    """Machine, versions, the command, and how to read the tables."""
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
            continue
    lines = [
        "# Invisible watermark robustness",
        "",
        (
            f"Machine: {platform.machine()}, {os.cpu_count()} cores,"
            f" Python {platform.python_version()}; {', '.join(versions)}."
        ),
        f"Command: `{shlex.join(['python', 'benchmarks/watermark_robustness.py', *argv])}`",
        "",
    ]
    if not kodak_found:
        lines.append(f"**No Kodak photos in {plan.kodak_dir}: generated photos only.**")
    elif kodak_found < 24:
        lines.append(
            f"Kodak photos found in {plan.kodak_dir}: {kodak_found} (the full set has 24)."
        )
    lines.append(
        "Cell: mean bit accuracy / exact payload recovery (notrain also: found rate), then"
        " (n photos). Payload: 64 random bits per photo and size, the same for every method;"
        " rivaGan carries only 32 bits, so it gets the first 32 and its cells are out of 32. Every"
        " method reads its mark from the attacked image alone. A read that finds nothing (notrain:"
        ' found = False) or raises ("err": the image is below the method\'s minimum size) counts as'
        ' bit accuracy 0.5, not exact. notrain\'s "wrong payload" counts reads it reported found'
        " with a payload that is not the one embedded."
    )
    lines.append(
        "Attacks: JPEG is a real Pillow encode and decode with 4:2:0 subsampling. The Instagram and"
        " Facebook rows run notrain's platform simulator on a PNG upload (JPEG quality drawn from"
        " 70-85 per photo, the same for every method; 4:2:0, progressive). Resizes are Lanczos;"
        " rotations are bicubic, cropped to the largest rectangle without black corners. Geometric"
        " and colour attacks without JPEG keep their result lossless, as a PNG save would."
    )
    anchors = [m for m in plan.methods if m in ANCHORS]
    if anchors:
        lines.append(
            f"Anchors ({', '.join(anchors)}) run on the first {plan.anchor_images} photo(s) of each"
            f" size group in {', '.join(plan.anchor_groups)} (--anchor-images, --anchor-sizes);"
            " their results are cached in benchmarks/out/. notrain runs on every photo and size."
        )
    return [*lines, ""]


# --- command line ------------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add = parser.add_argument
    add("--methods", default=",".join(METHODS), help=f"comma-separated, from {','.join(METHODS)}")
    add("--images", type=int, help="Kodak photos to use (default: all found)")
    add("--photos", type=int, help="generated photos per generated size (default 4)")
    add("--sizes", help=f"size groups for every method (default all: {','.join(GROUPS)})")
    add("--anchor-images", type=int, help="photos per size group for the anchors (default 6)")
    add("--anchor-sizes", default="768", help="size groups the anchors run at (default 768)")
    add(
        "--false-positives",
        type=int,
        metavar="N",
        help="unmarked images for notrain (default 10000; 0 skips)",
    )
    add(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes (default: one per core)",
    )
    add("--repeats", type=int, help="timing runs per method; the median counts (default 7)")
    add(
        "--kodak",
        type=Path,
        default=KODAK,
        help="folder of Kodak PNGs (default ../shared/data/images/kodak)",
    )
    add(
        "--quick",
        action="store_true",
        help="smoke run: 2 Kodak photos, 1 generated, 7 attacks, 200 unmarked",
    )
    return parser.parse_args(argv)


def _groups(text: str, option: str) -> tuple[str, ...]:
    groups = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = [group for group in groups if group not in GROUPS]
    if unknown:
        raise SystemExit(f"{option}: expected some of {','.join(GROUPS)}, not {','.join(unknown)}")
    return groups


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)

    def choose(value: Any, quick: Any, normal: Any) -> Any:
        return value if value is not None else (quick if args.quick else normal)

    methods = tuple(part.strip() for part in args.methods.split(",") if part.strip())
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise SystemExit(
            f"--methods: expected some of {','.join(METHODS)}, not {','.join(unknown)}"
        )
    problems = missing(methods)
    if problems:
        raise SystemExit("Cannot run the benchmark:\n- " + "\n- ".join(problems))
    found = sorted(path.stem for path in args.kodak.glob("*.png")) if args.kodak.is_dir() else []
    groups = _groups(choose(args.sizes, "768,2048,1080x1350", ",".join(GROUPS)), "--sizes")
    if not found:
        groups = tuple(g for g in groups if GROUPS[g].photo_size is not None)
    plan = Plan(
        methods=methods,
        groups=groups,
        kodak=tuple(found[: choose(args.images, 2, len(found))]),
        photos=choose(args.photos, 1, 4),
        attacks=QUICK_ATTACKS if args.quick else tuple(attack.name for attack in ATTACKS),
        anchor_images=choose(args.anchor_images, 1, 6),
        anchor_groups=_groups(args.anchor_sizes, "--anchor-sizes"),
        kodak_dir=args.kodak,
    )
    OUT.mkdir(parents=True, exist_ok=True)
    cache = load_cache()
    records = run_tasks(plan.tasks(cache), args.jobs, cache)
    timings = run_timing(methods, choose(args.repeats, 1, 7), cache)
    fp_count = choose(args.false_positives, 200, 10000)
    fp = None
    if "notrain" in methods and fp_count > 0:
        fp = run_false_positives(
            fp_count, args.jobs, [str(args.kodak / f"{k}.png") for k in plan.kodak]
        )
    RESULTS.write_text(json.dumps({"records": records, "timings": timings}, indent=1), "utf-8")
    cells = collect(plan, records, cache)
    lines = (
        header(plan, argv, len(found)) + robustness(plan, cells) + summary(plan, cells, timings, fp)
    )
    report = "\n".join(lines)
    REPORT.write_text(report + "\n", "utf-8")
    print(report)


if __name__ == "__main__":
    main()
