"""Channel coding for the invisible watermark: an integrity check, a convolutional code and its
soft-decision Viterbi decoder, and the keyed pseudo-random sequences that spread the code over the
image.

Every sequence here is derived from SHA-256 so that the mark's layout never depends on the version of
numpy's random generators: a photo marked today must still read in ten years.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

__all__ = [
    "CRC_BITS",
    "MESSAGE_BITS",
    "CodeResult",
    "coded_length",
    "crc24",
    "decode_bits",
    "decode_paths",
    "encode_bits",
    "hash_bits",
    "hash_permutation",
]

MESSAGE_BITS = 64
"""Data bits a mark carries."""

CRC_BITS = 24
_CRC_POLY = 0x864CFB  # CRC-24 as in OpenPGP (RFC 4880, section 6.1)
_CRC_INIT = 0xB704CE

# Rate-1/3 convolutional code, constraint length 7: the generators used by LTE (3GPP TS 36.212, 5.1.3.1).
_GENERATORS = (0o133, 0o171, 0o165)
_MEMORY = 6
_STATES = 1 << _MEMORY


def crc24(data: bytes) -> int:
    """CRC-24/OpenPGP of ``data``."""
    crc = _CRC_INIT
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= _CRC_POLY
    return crc & 0xFFFFFF


def coded_length(info_bits: int = MESSAGE_BITS + CRC_BITS) -> int:
    """How many coded bits the convolutional code makes of ``info_bits`` (tail included)."""
    return (info_bits + _MEMORY) * len(_GENERATORS)


def _parity(values: np.ndarray) -> np.ndarray:
    bits = np.unpackbits(values.astype(">u2").view(np.uint8).reshape(*values.shape, 2), axis=-1)
    return (bits.sum(axis=-1) & 1).astype(np.int8)


# For each next state and each of its two predecessors: the three code bits of that transition.
_NEXT = np.arange(_STATES)
_REGISTERS = (np.arange(2)[None, :] << _MEMORY) | _NEXT[:, None]  # (state, j) -> 7-bit register
_PREDECESSORS = _REGISTERS >> 1  # (state, j) -> previous state
_OUTPUTS = np.stack([_parity(_REGISTERS & g) for g in _GENERATORS], axis=-1) * 2 - 1  # +-1


def _bits(data: bytes, count: int) -> np.ndarray:
    return np.unpackbits(np.frombuffer(data, dtype=np.uint8))[:count]


def encode_bits(message: bytes) -> np.ndarray:
    """The coded bits (0/1, length ``coded_length()``) of an 8-byte message: message, CRC-24, tail."""
    if len(message) * 8 != MESSAGE_BITS:
        raise ValueError(f"a watermark message is {MESSAGE_BITS // 8} bytes, got {len(message)}")
    crc = crc24(message).to_bytes(3, "big")
    info = np.concatenate([_bits(message + crc, MESSAGE_BITS + CRC_BITS), np.zeros(_MEMORY, np.uint8)])
    state = 0
    out = np.empty((len(info), len(_GENERATORS)), dtype=np.uint8)
    for t, bit in enumerate(info):
        register = (state << 1) | int(bit)
        state = register & (_STATES - 1)
        out[t] = [(register & g).bit_count() & 1 for g in _GENERATORS]
    return out.reshape(-1)


@dataclass(frozen=True)
class CodeResult:
    """What the decoder made of a set of soft code values."""

    message: bytes
    crc_ok: bool
    agreement: float
    """Normalised correlation (-1..1) of the soft values with the re-encoded codeword."""
    rank: int = 0
    """0 for the likeliest path, 1 for the next, and so on."""


def decode_bits(soft: np.ndarray) -> CodeResult:
    """Soft-decision Viterbi decoding of ``coded_length()`` values (positive means bit 1)."""
    return decode_paths(soft, 1)[0]


def decode_paths(soft: np.ndarray, count: int) -> list[CodeResult]:
    """The ``count`` likeliest messages for ``coded_length()`` soft values, best first (list Viterbi).

    When noise has turned a few bits, the best path often fails its CRC while the sent message is
    the second or fifth likeliest: checking the CRC down a short list recovers it. Each further
    path is one more chance for noise to pass the CRC, so the caller decides how deep to trust."""
    soft = np.asarray(soft, dtype=np.float64).reshape(-1, len(_GENERATORS))
    steps = len(soft)
    # metric[state, rank]: the count best path metrics ending in each state, best first.
    metric = np.full((_STATES, count), -np.inf)
    metric[0, 0] = 0.0
    # For each step, state and rank: which (predecessor j, rank there) it came from, as j * count + rank.
    origins = np.empty((steps, _STATES, count), dtype=np.int32)
    for t in range(steps):
        branch = _OUTPUTS @ soft[t]  # (state, j)
        candidates = (metric[_PREDECESSORS] + branch[:, :, None]).reshape(_STATES, 2 * count)
        best = np.argsort(-candidates, axis=1, kind="stable")[:, :count]
        origins[t] = best
        metric = np.take_along_axis(candidates, best, axis=1)
    flat = soft.reshape(-1)
    norm = float(np.linalg.norm(flat)) * np.sqrt(len(flat))
    results = []
    for rank in range(count):
        if not np.isfinite(metric[0, rank]):  # fewer distinct paths than asked for
            break
        state, at = 0, rank  # the tail returns the encoder to state 0
        bits = np.empty(steps, dtype=np.uint8)
        for t in range(steps - 1, -1, -1):
            bits[t] = state & 1  # the newest input bit is the state's lowest bit
            j, at = divmod(int(origins[t, state, at]), count)
            state = int(_PREDECESSORS[state, j])
        payload = np.packbits(bits[: MESSAGE_BITS + CRC_BITS]).tobytes()
        message, crc = payload[: MESSAGE_BITS // 8], payload[MESSAGE_BITS // 8 :]
        codeword = encode_bits(message) * 2.0 - 1.0
        results.append(
            CodeResult(
                message=message,
                crc_ok=crc24(message) == int.from_bytes(crc, "big"),
                agreement=float(flat @ codeword) / norm if norm > 0 else 0.0,
                rank=rank,
            )
        )
    return results


def _stream(label: str, count_bytes: int) -> bytes:
    out = bytearray()
    counter = 0
    while len(out) < count_bytes:
        out += hashlib.sha256(f"notrain-watermark-v1/{label}/{counter}".encode()).digest()
        counter += 1
    return bytes(out[:count_bytes])


def hash_bits(label: str, count: int) -> np.ndarray:
    """``count`` pseudo-random bits (0/1) named by ``label``; the same forever."""
    return np.unpackbits(np.frombuffer(_stream(label, (count + 7) // 8), dtype=np.uint8))[:count]


def hash_permutation(label: str, count: int) -> np.ndarray:
    """A pseudo-random permutation of ``range(count)`` named by ``label``; the same forever."""
    keys = np.frombuffer(_stream(label, count * 8), dtype=">u8")
    return np.argsort(keys, kind="stable")
