"""The PDQ band index finds exactly the stored hashes within the distance, checked against a full scan."""

from __future__ import annotations

import random
import sqlite3

import pytest
from PIL import Image

from notrain.imaging.pdq import DIHEDRAL_NAMES, pdq_dihedral, pdq_hash
from notrain.samples import make_photo
from notrain.store import Database
from notrain.store.pdq_index import MAX_INDEX_DISTANCE, PdqMatch, add_pdq, match_pdq, remove_pdq

_ROW = (
    "INSERT INTO protected_image (input_path, input_sha256, options_key, output_path, output_sha256,"
    " platform, steps, input_width, input_height, output_width, output_height, output_bytes, report,"
    " created_at, pdq, pdq_quality) VALUES ('in', 'aa', 'k', ?, 'bb', 'web', '[]', 1, 1, 1, 1, 1, '{}',"
    " '2026-01-01', ?, 100)"
)


@pytest.fixture
def conn(tmp_path):
    with Database(tmp_path / "db.sqlite") as db:
        yield db.conn


def register(conn: sqlite3.Connection, bits: bytes) -> int:
    image_id = conn.execute(_ROW, (f"/out/{bits.hex()}.jpg", bits.hex())).lastrowid
    add_pdq(conn, image_id, bits)
    return image_id


def flipped(bits: bytes, positions: list[int]) -> bytes:
    """``bits`` with the given bit positions (0 = most significant) inverted."""
    value = int.from_bytes(bits)
    for position in positions:
        value ^= 1 << (255 - position)
    return value.to_bytes(32)


def spread(rng: random.Random, per_band: list[int]) -> list[int]:
    """Bit positions with ``per_band[b]`` of them in band ``b`` (bits 16b .. 16b + 15)."""
    return [
        16 * band + bit
        for band, count in enumerate(per_band)
        for bit in rng.sample(range(16), count)
    ]


def scan(stored: dict[int, bytes], query: bytes, max_distance: int) -> dict[int, int]:
    """The independent reading: every stored hash's distance, by Python integers."""
    distances = {
        image_id: (int.from_bytes(bits) ^ int.from_bytes(query)).bit_count()
        for image_id, bits in stored.items()
    }
    return {image_id: d for image_id, d in distances.items() if d <= max_distance}


def found(matches: list[PdqMatch]) -> dict[int, int]:
    return {match.image_id: match.distance for match in matches}


@pytest.fixture
def populated(conn):
    """3,000 random hashes plus neighbours of one query at chosen distances, some packed into few bands."""
    rng = random.Random(7)
    stored = {}
    for _ in range(3000):
        bits = rng.randbytes(32)
        stored[register(conn, bits)] = bits
    query = rng.randbytes(32)
    planted = {
        "0": [],
        "1": rng.sample(range(256), 1),
        "15": rng.sample(range(256), 15),
        "31": rng.sample(range(256), 31),
        "32": rng.sample(range(256), 32),
        "60": rng.sample(range(256), 60),
        "31 with one band off by one": spread(rng, [1] + [2] * 15),
        "32 with every band off by two": spread(rng, [2] * 16),
        "31 in two bands": spread(rng, [16, 15] + [0] * 14),
        "30 with one band exact": spread(rng, [0] + [2] * 15),
        "47 with one band off by two": spread(rng, [2] + [3] * 15),
        "48 with every band off by three": spread(rng, [3] * 16),
    }
    ids = {}
    for name, positions in planted.items():
        bits = flipped(query, positions)
        ids[name] = register(conn, bits)
        stored[ids[name]] = bits
    return stored, query, ids


def test_finds_exactly_the_hashes_within_31_bits(conn, populated):
    stored, query, ids = populated
    matches = match_pdq(conn, [query])
    assert found(matches) == scan(stored, query, 31)
    assert set(found(matches)) == {
        ids[name]
        for name in (
            "0",
            "1",
            "15",
            "31",
            "31 with one band off by one",
            "31 in two bands",
            "30 with one band exact",
        )
    }
    assert [m.distance for m in matches] == sorted(m.distance for m in matches)
    assert matches[0] == PdqMatch(image_id=ids["0"], distance=0, variant=0)


@pytest.mark.parametrize("max_distance", [0, 15, 16, 40, 47, 48])
def test_other_distances_are_exact_too(conn, populated, max_distance):
    stored, query, _ = populated
    assert found(match_pdq(conn, [query], max_distance)) == scan(stored, query, max_distance)


def test_random_queries_agree_with_a_full_scan(conn, populated):
    stored, _, _ = populated
    rng = random.Random(11)
    originals = rng.sample(sorted(stored.values()), 20)
    for original in originals:
        query = flipped(original, rng.sample(range(256), rng.randrange(0, 40)))
        assert found(match_pdq(conn, [query])) == scan(stored, query, 31)


def test_removed_hashes_are_not_found(conn, populated):
    stored, query, ids = populated
    remove_pdq(conn, ids["1"], stored[ids["1"]])
    assert ids["1"] not in found(match_pdq(conn, [query]))
    assert ids["0"] in found(match_pdq(conn, [query]))
    assert (
        conn.execute("SELECT count(*) FROM pdq_band WHERE image_id = ?", (ids["1"],)).fetchone()[0]
        == 0
    )


def test_adding_twice_keeps_one_entry_per_band(conn):
    bits = bytes(range(32))
    image_id = register(conn, bits)
    add_pdq(conn, image_id, bits)
    assert conn.execute("SELECT count(*) FROM pdq_band").fetchone()[0] == 16
    assert match_pdq(conn, [bits]) == [PdqMatch(image_id=image_id, distance=0, variant=0)]


def test_an_image_without_a_stored_hash_is_skipped(conn):
    bits = bytes(range(32))
    image_id = register(conn, bits)
    conn.execute("UPDATE protected_image SET pdq = NULL WHERE id = ?", (image_id,))
    assert match_pdq(conn, [bits]) == []


@pytest.mark.parametrize(
    ("transpose", "variant"),
    [(Image.Transpose.ROTATE_90, "rotate90"), (Image.Transpose.FLIP_LEFT_RIGHT, "flip_y")],
)
def test_a_rotated_or_mirrored_photo_is_found_by_its_variant(conn, transpose, variant):
    photo = make_photo(576, 320, seed=3)
    posted = register(conn, pdq_hash(photo.transpose(transpose)).bits)
    register(conn, pdq_hash(make_photo(576, 320, seed=4)).bits)
    matches = match_pdq(conn, [h.bits for h in pdq_dihedral(photo)])
    assert [(m.image_id, m.variant) for m in matches] == [(posted, DIHEDRAL_NAMES.index(variant))]
    assert matches[0].distance <= 4


def test_one_match_per_image_for_its_closest_query(conn):
    bits = bytes(32)
    image_id = register(conn, bits)
    queries = [flipped(bits, [0, 1, 2]), flipped(bits, [5]), flipped(bits, [9])]
    assert match_pdq(conn, queries) == [PdqMatch(image_id=image_id, distance=1, variant=1)]


def test_bad_arguments_are_refused(conn):
    assert match_pdq(conn, []) == []
    with pytest.raises(ValueError, match="32 bytes; got 31 bytes"):
        match_pdq(conn, [bytes(31)])
    with pytest.raises(ValueError, match="32 bytes"):
        add_pdq(conn, 1, "00" * 32)
    with pytest.raises(ValueError, match=f"between 0 and {MAX_INDEX_DISTANCE}"):
        match_pdq(conn, [bytes(32)], MAX_INDEX_DISTANCE + 1)
