"""Find registered photos by PDQ hash: every stored hash within a Hamming distance, straight from SQLite.

Multi-index hashing: each 256-bit hash is cut into 16 bands of 16 bits, and
``pdq_band`` holds one (band, value, image_id) row per band. Two hashes at
most 31 bits apart differ in at most one bit on some band (were it two or
more on all 16, they would be 32 apart), so looking up each band's value and
its 16 one-bit neighbours finds every stored hash within 31 bits, among
others; the full hashes in ``protected_image.pdq`` then give the exact
distances. A distance of up to ``16 * (r + 1) - 1`` needs neighbours of up to
``r`` bits, so smaller distances are cheaper and larger ones dearer.

The functions take an open connection and leave transactions to the caller.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import struct
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from notrain.errors import StoreError
from notrain.imaging.pdq import PDQ_BITS, PDQ_MATCH_DISTANCE

__all__ = ["MAX_INDEX_DISTANCE", "PdqMatch", "add_pdq", "match_pdq", "remove_pdq"]

MAX_INDEX_DISTANCE = 63
"""The widest search offered: 63 bits needs every 3-bit neighbour of each band (697 per band)."""

_BANDS = 16
_BAND_BITS = PDQ_BITS // _BANDS
_HASH_BYTES = PDQ_BITS // 8
_UNPACK = struct.Struct(f">{_BANDS}H")
_POPCOUNT = np.array([byte.bit_count() for byte in range(256)], dtype=np.uint8)

_CANDIDATES = """
SELECT image.id, image.pdq
FROM protected_image AS image
WHERE image.id IN (
    SELECT band.image_id
    FROM json_each(?) AS probe
    CROSS JOIN pdq_band AS band
        ON band.band = probe.value >> 16 AND band.value = probe.value & 65535
)
AND length(image.pdq) = 64
"""
"""Stored hashes that agree with a probe (band << 16 | value) on its band; one query per match call."""


@dataclass(frozen=True)
class PdqMatch:
    """A registered image whose hash is ``distance`` bits from ``queries[variant]``, its closest query."""

    image_id: int
    distance: int
    variant: int


def add_pdq(conn: sqlite3.Connection, image_id: int, bits: bytes) -> None:
    """Index ``bits`` for ``image_id``; the full hash must be in that image's ``protected_image.pdq``.

    Adding the same hash twice changes nothing.
    """
    conn.executemany(
        "INSERT OR IGNORE INTO pdq_band (band, value, image_id) VALUES (?, ?, ?)",
        [(band, value, image_id) for band, value in enumerate(_bands(bits))],
    )


def remove_pdq(conn: sqlite3.Connection, image_id: int, bits: bytes) -> None:
    """Take ``bits`` for ``image_id`` out of the index (the hash it was added with)."""
    conn.executemany(
        "DELETE FROM pdq_band WHERE band = ? AND value = ? AND image_id = ?",
        [(band, value, image_id) for band, value in enumerate(_bands(bits))],
    )


def match_pdq(
    conn: sqlite3.Connection, queries: Sequence[bytes], max_distance: int = PDQ_MATCH_DISTANCE
) -> list[PdqMatch]:
    """Every indexed image whose hash is at most ``max_distance`` bits from one of ``queries``.

    One match per image, for the query it is closest to (the first such, when
    several tie), nearest first. Pass the 8 hashes of ``pdq_dihedral`` to find
    a photo however it was rotated or mirrored: ``variant`` says which matched.
    """
    if not 0 <= max_distance <= MAX_INDEX_DISTANCE:
        raise ValueError(
            f"Expected max_distance between 0 and {MAX_INDEX_DISTANCE}; got {max_distance}."
        )
    queries = list(queries)
    query_bands = [_bands(query) for query in queries]
    if not query_bands:
        return []
    neighbours = _neighbours(max_distance // _BAND_BITS)
    probes = sorted(
        {
            (band << _BAND_BITS) | (value ^ flip)
            for bands in query_bands
            for band, value in enumerate(bands)
            for flip in neighbours
        }
    )
    cursor = conn.cursor()
    cursor.row_factory = None
    rows = cursor.execute(_CANDIDATES, (json.dumps(probes),)).fetchall()
    if not rows:
        return []
    image_ids = [row[0] for row in rows]
    try:
        stored = np.frombuffer(bytes.fromhex("".join(row[1] for row in rows)), dtype=np.uint8)
    except ValueError as exc:
        raise StoreError(
            "A PDQ hash in the notrain database is not 64 hex digits.",
            hint="The database may be damaged; register the affected photos again.",
        ) from exc
    wanted = np.frombuffer(b"".join(queries), dtype=np.uint8).reshape(len(queries), _HASH_BYTES)
    distances = _distances(wanted, stored.reshape(len(rows), _HASH_BYTES))
    variants = distances.argmin(axis=0)
    best = distances[variants, np.arange(len(rows))]
    matches = [
        PdqMatch(image_id=image_ids[i], distance=int(best[i]), variant=int(variants[i]))
        for i in np.flatnonzero(best <= max_distance)
    ]
    matches.sort(key=lambda match: (match.distance, match.image_id))
    return matches


def _bands(bits: bytes) -> tuple[int, ...]:
    """The 16-bit bands of a hash, from its most significant end (band 0 is the first 4 hex digits)."""
    if not isinstance(bits, bytes) or len(bits) != _HASH_BYTES:
        got = f"{len(bits)} bytes" if isinstance(bits, bytes) else repr(bits)
        raise ValueError(f"Expected a PDQ hash of {_HASH_BYTES} bytes; got {got}.")
    return _UNPACK.unpack(bits)


@functools.cache
def _neighbours(flips: int) -> tuple[int, ...]:
    """Every 16-bit mask with at most ``flips`` bits set: XOR one onto a band value to probe."""
    return tuple(mask for mask in range(1 << _BAND_BITS) if mask.bit_count() <= flips)


def _distances(queries: np.ndarray, stored: np.ndarray) -> np.ndarray:
    """(Q, K) Hamming distances between (Q, 32) and (K, 32) byte arrays.

    numpy 2 counts bits in 64-bit words, one column of words at a time (a
    short last axis is slow to sum); older numpy looks bytes up in a table.
    """
    if not hasattr(np, "bitwise_count"):
        return np.stack(
            [_POPCOUNT[stored ^ query].sum(axis=1, dtype=np.int64) for query in queries]
        )
    columns = np.ascontiguousarray(stored.view(np.uint64).T)
    distances = np.zeros((len(queries), len(stored)), dtype=np.int64)
    for row, words in zip(distances, queries.view(np.uint64)):
        for column, word in zip(columns, words):
            row += np.bitwise_count(column ^ word)
    return distances
