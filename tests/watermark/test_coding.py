"""The watermark's channel code: CRC-24, the convolutional code and the soft Viterbi decoder."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from notrain.watermark.coding import (
    coded_length,
    crc24,
    decode_bits,
    decode_paths,
    encode_bits,
    hash_bits,
    hash_permutation,
)


def test_crc24_matches_the_openpgp_check_value():
    # RFC 4880's CRC-24 of the ASCII digits "123456789" is 0x21CF02 (the catalogue's check value).
    assert crc24(b"123456789") == 0x21CF02


def test_codeword_length_and_bits():
    bits = encode_bits(bytes(range(8)))
    assert bits.shape == (coded_length(),) == ((64 + 24 + 6) * 3,)
    assert set(np.unique(bits)) <= {0, 1}


@pytest.mark.parametrize("noise", [0.0, 0.7])
def test_soft_decoding_recovers_messages_through_noise(noise):
    rng = np.random.default_rng(7)
    for _ in range(40):
        message = rng.bytes(8)
        soft = encode_bits(message) * 2.0 - 1 + rng.normal(0, noise, coded_length())
        result = decode_bits(soft)
        assert result.crc_ok and result.message == message
        assert result.agreement > 0.6


def test_decoding_corrects_a_burst_of_flipped_values():
    message = b"notrain!"
    soft = encode_bits(message) * 2.0 - 1
    soft[100:106] *= -1  # six wrong code values in a row
    assert decode_bits(soft).message == message


def test_random_values_fail_the_integrity_check():
    rng = np.random.default_rng(3)
    results = [decode_bits(rng.normal(0, 1, coded_length())) for _ in range(300)]
    assert not any(r.crc_ok for r in results)
    assert max(r.agreement for r in results) < 0.55


def test_corrupting_the_message_breaks_the_crc():
    message = b"\x01\x02\x03\x04\x05\x06\x07\x08"
    soft = encode_bits(message) * 2.0 - 1
    tampered = bytes([message[0] ^ 0x80]) + message[1:]
    # Re-encode a different message but keep the original CRC bits: the check must fail.
    forged = encode_bits(tampered) * 2.0 - 1
    forged[(64 + 6) * 3 :] = soft[(64 + 6) * 3 :]
    result = decode_bits(forged)
    assert not (result.crc_ok and result.message == tampered)


def test_the_list_decoder_starts_with_the_viterbi_path_and_ranks_its_paths():
    rng = np.random.default_rng(5)
    soft = encode_bits(b"notrain!") * 2.0 - 1 + rng.normal(0, 1.2, coded_length())
    paths = decode_paths(soft, 8)
    assert [p.rank for p in paths] == list(range(8))
    best = decode_bits(soft)
    assert (paths[0].message, paths[0].crc_ok, paths[0].agreement) == (
        best.message,
        best.crc_ok,
        best.agreement,
    )


def test_the_list_decoder_finds_messages_the_best_path_misses():
    # Near the code's limit the likeliest path often has a few wrong bits and fails its CRC, while
    # the sent message is close behind it: checking the CRC down the list recovers it.
    rng = np.random.default_rng(17)
    missed = rescued = 0
    for _ in range(60):
        message = rng.bytes(8)
        soft = (encode_bits(message) * 2.0 - 1) * 0.8 + rng.normal(0, 1, coded_length())
        if decode_bits(soft).message == message:
            continue
        missed += 1
        found = next((p for p in decode_paths(soft, 32) if p.crc_ok), None)
        assert found is None or found.message == message  # never a wrong message here
        rescued += found is not None
    assert missed >= 10
    assert rescued >= missed / 3


def test_random_values_pass_no_crc_anywhere_down_the_list():
    rng = np.random.default_rng(4)
    for _ in range(100):
        assert not any(p.crc_ok for p in decode_paths(rng.normal(0, 1, coded_length()), 32))


def test_sequences_are_fixed_forever():
    # The mark's layout must never change: pin the first bytes of each stream.
    assert np.packbits(hash_bits("sync", 64)).tobytes().hex() == _pinned("sync")
    permutation = hash_permutation("cells", 1024)
    assert sorted(permutation.tolist()) == list(range(1024))
    assert zlib.crc32(permutation.astype("<i8").tobytes()) == _PERMUTATION_CRC


def _pinned(label: str) -> str:
    import hashlib

    return hashlib.sha256(f"notrain-watermark-v1/{label}/0".encode()).digest()[:8].hex()


_PERMUTATION_CRC = 4262656956  # measured once when the format was fixed (version 1)
