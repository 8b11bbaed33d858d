"""PDQ lookups in the SQLite band index against a numpy linear scan, measured in the same run.

A temporary notrain database is filled with N registered PDQ hashes (random,
with 1% of them near-duplicates of others, as when a photo is protected for
two platforms) and indexed in ``pdq_band`` in one transaction. Each query is
the 8 dihedral variants of one photo: for half of the queries one variant is
10-25 bits from a registered hash (a re-encoded, possibly rotated copy) and
the rest are random; the other half are misses. The anchor scans all N hashes
with ``np.bitwise_count`` over the (N, 4) uint64 array of hashes, kept in
memory column by column, 8 variants per query; reading the N hashes out of the
database first, which the scan needs and the index does not, is timed apart.
Both must return the same images at the same distances (recall 100%).

    python benchmarks/pdq_index.py [--entries 1000000] [--queries 200]

Prints a Markdown table (paste it into docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import platform
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np

from notrain.imaging.pdq import PDQ_MATCH_DISTANCE
from notrain.store import Database
from notrain.store.pdq_index import match_pdq

_ROW = (
    "INSERT INTO protected_image (id, input_path, input_sha256, options_key, output_path, output_sha256,"
    " platform, steps, input_width, input_height, output_width, output_height, output_bytes, report,"
    " created_at, pdq, pdq_quality) VALUES (?, '', '', '', ?, '', 'web', '[]', 0, 0, 0, 0, 0, '{}',"
    " '2026-11-26', ?, 100)"
)


def make_hashes(rng: np.random.Generator, entries: int) -> np.ndarray:
    """(entries, 32) uint8: random hashes, 1% of them 5-20 bits from an earlier one."""
    hashes = rng.integers(0, 256, size=(entries, 32), dtype=np.uint8)
    copies = rng.choice(np.arange(1, entries), size=entries // 100, replace=False)
    for copy in copies:
        hashes[copy] = flip(rng, hashes[rng.integers(0, copy)], int(rng.integers(5, 21)))
    return hashes


def flip(rng: np.random.Generator, bits: np.ndarray, count: int) -> np.ndarray:
    unpacked = np.unpackbits(bits)
    unpacked[rng.choice(256, size=count, replace=False)] ^= 1
    return np.packbits(unpacked)


def build(path: Path, hashes: np.ndarray) -> float:
    """Register every hash and index it, as ``add_pdq`` does but in band order; seconds taken."""
    start = time.perf_counter()
    with Database(path) as db:
        conn = db.conn
        ids = np.arange(1, len(hashes) + 1)
        bands = hashes.view(">u2").astype(np.int64)
        with conn:
            conn.executemany(
                _ROW,
                ((int(i), f"/out/{i}.jpg", row.tobytes().hex()) for i, row in zip(ids, hashes)),
            )
            for band in range(bands.shape[1]):
                order = np.argsort(bands[:, band], kind="stable")
                conn.executemany(
                    "INSERT INTO pdq_band (band, value, image_id) VALUES (?, ?, ?)",
                    zip([band] * len(order), bands[order, band].tolist(), ids[order].tolist()),
                )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - start


def make_queries(rng: np.random.Generator, hashes: np.ndarray, count: int) -> list[np.ndarray]:
    """(8, 32) uint8 per query; in every other one a random variant is 10-25 bits from a stored hash."""
    queries = []
    for number in range(count):
        variants = rng.integers(0, 256, size=(8, 32), dtype=np.uint8)
        if number % 2 == 0:
            target = hashes[rng.integers(0, len(hashes))]
            variants[rng.integers(0, 8)] = flip(rng, target, int(rng.integers(10, 26)))
        queries.append(variants)
    return queries


def load_hashes(conn: sqlite3.Connection) -> tuple[np.ndarray, np.ndarray]:
    """Image ids and the (4, N) uint64 columns of their hashes, as a scan must first read them."""
    rows = conn.execute("SELECT id, pdq FROM protected_image WHERE pdq IS NOT NULL").fetchall()
    ids = np.array([row[0] for row in rows])
    words = np.frombuffer(bytes.fromhex("".join(row[1] for row in rows)), dtype=np.uint64)
    return ids, np.ascontiguousarray(words.reshape(-1, 4).T)


def linear_scan(ids: np.ndarray, columns: np.ndarray, variants: np.ndarray) -> dict[int, int]:
    """Image id -> best distance over the variants, for every hash within the match distance."""
    best = np.full(columns.shape[1], 256, dtype=np.uint16)
    for words in variants.view(np.uint64):
        distance = np.zeros(columns.shape[1], dtype=np.uint16)
        for column, word in zip(columns, words):
            distance += np.bitwise_count(column ^ word)
        np.minimum(best, distance, out=best)
    close = np.flatnonzero(best <= PDQ_MATCH_DISTANCE)
    return {int(ids[i]): int(best[i]) for i in close}


def file_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def band_table_size(path: Path) -> int | None:
    """Bytes in the pdq_band table, where SQLite was built with the dbstat table."""
    conn = sqlite3.connect(path)
    try:
        (size,) = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name = 'pdq_band'").fetchone()
        return int(size)
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    hashes = make_hashes(rng, args.entries)
    queries = make_queries(rng, hashes, args.queries)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notrain.db"
        build_seconds = build(path, hashes)
        size, band_size = file_size(path), band_table_size(path)
        index_ms, scan_ms = [], []
        expected_total = found_total = missed = extra = 0
        with Database(path) as db:
            start = time.perf_counter()
            ids, columns = load_hashes(db.conn)
            load_seconds = time.perf_counter() - start
            match_pdq(db.conn, [bytes(32)])
            for variants in queries:
                start = time.perf_counter()
                matches = match_pdq(db.conn, [row.tobytes() for row in variants])
                index_ms.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                expected = linear_scan(ids, columns, variants)
                scan_ms.append((time.perf_counter() - start) * 1000)
                got = {m.image_id: m.distance for m in matches}
                expected_total += len(expected)
                found_total += sum(got.get(i) == d for i, d in expected.items())
                missed += sum(got.get(i) != d for i, d in expected.items())
                extra += len(set(got) - set(expected))

    p50, p95 = np.percentile(index_ms, [50, 95])
    scan = float(np.median(scan_ms))
    recall = found_total / expected_total if expected_total else 1.0
    print(
        f"Machine: {platform.machine()}, Python {platform.python_version()}, numpy {np.__version__},"
        f" SQLite {sqlite3.sqlite_version}."
    )
    print(
        f"{args.queries} queries of 8 dihedral variants; half have a registered hash 10-25 bits away;"
        f" {expected_total} matches expected in all.\n"
    )
    print(
        "| entries | index ms/query p50 | index ms/query p95 | linear scan ms/query p50"
        " | scan / index (p50) | scan's load of all hashes | recall | wrong or extra | DB size"
        " | pdq_band size | build |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    band = f"{band_size / 2**20:.0f} MiB" if band_size is not None else "-"
    print(
        f"| {args.entries:,} | {p50:.1f} | {p95:.1f} | {scan:.1f} | {scan / p50:.2f}x"
        f" | {load_seconds * 1000:.0f} ms | {recall:.0%} | {missed + extra} | {size / 2**20:.0f} MiB | {band} | {build_seconds:.0f} s |"
    )


if __name__ == "__main__":
    main()
