"""The 64 bits the invisible watermark carries: whose photo it is, which photo, and "not for AI training".

Big-endian, most significant bit first::

    bits 63..60  version    4 bits, 1 for now
    bits 59..56  flags      4 bits: 0b0001 = not for AI training; the other three reserved, 0
    bits 55..28  owner id   28 bits, derived from the owner's local secret (see notrain.store.identity)
    bits 27..0   image id   28 bits, the number notrain gave this photo in its database

Errors::

    NotrainError, ValueError
     └── PayloadError             not 64 bits, not hex, or a field out of range
          └── UnknownPayloadError  64 bits, but not a version-1 notrain payload
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from notrain.errors import NotrainError

__all__ = [
    "IMAGE_BITS",
    "OWNER_BITS",
    "PAYLOAD_BYTES",
    "PAYLOAD_VERSION",
    "Payload",
    "PayloadError",
    "UnknownPayloadError",
]

PAYLOAD_VERSION = 1
PAYLOAD_BYTES = 8
OWNER_BITS = 28
IMAGE_BITS = 28

_FLAG_BITS = 4
_NO_AI_TRAINING = 0b0001
_RESERVED_FLAGS = 0b1110
_HEX = re.compile(r"[0-9a-fA-F]{16}")


class PayloadError(NotrainError, ValueError):
    """Bytes, text or numbers that cannot make a payload."""


class UnknownPayloadError(PayloadError):
    """Well-formed 64 bits that are not a payload this notrain writes.

    The mark may come from a newer notrain or another tool using the same codec,
    so it is not the same as finding no mark at all.
    """


@dataclass(frozen=True)
class Payload:
    """What one invisible watermark says; each number must fit its field (28 bits)."""

    owner_id: int
    image_id: int
    no_ai_training: bool = True
    version: int = PAYLOAD_VERSION

    def __post_init__(self) -> None:
        _check_field("owner id", self.owner_id, OWNER_BITS)
        _check_field("image id", self.image_id, IMAGE_BITS)
        if not isinstance(self.no_ai_training, bool):
            raise PayloadError(
                f"no_ai_training must be True or False, not {self.no_ai_training!r}."
            )
        if self.version != PAYLOAD_VERSION:
            raise UnknownPayloadError(
                f"Payload version {self.version!r} is unknown; this notrain writes version {PAYLOAD_VERSION}.",
                hint="Upgrade notrain if the mark was made by a newer one.",
            )

    def to_int(self) -> int:
        flags = _NO_AI_TRAINING if self.no_ai_training else 0
        return (
            self.version << (64 - _FLAG_BITS)
            | flags << (OWNER_BITS + IMAGE_BITS)
            | self.owner_id << IMAGE_BITS
            | self.image_id
        )

    def to_bytes(self) -> bytes:
        return self.to_int().to_bytes(PAYLOAD_BYTES, "big")

    @property
    def hex(self) -> str:
        """The 8 bytes as 16 lowercase hex digits, as the database stores them."""
        return self.to_bytes().hex()

    @classmethod
    def from_int(cls, value: int) -> Payload:
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << 64:
            raise PayloadError(f"A payload is a 64-bit unsigned number, not {value!r}.")
        version = value >> (64 - _FLAG_BITS)
        flags = (value >> (OWNER_BITS + IMAGE_BITS)) & ((1 << _FLAG_BITS) - 1)
        if version != PAYLOAD_VERSION:
            raise UnknownPayloadError(
                f"The mark holds payload version {version}; this notrain reads version {PAYLOAD_VERSION}.",
                hint="It may come from a newer notrain or another tool; upgrade notrain to read it.",
            )
        if flags & _RESERVED_FLAGS:
            raise UnknownPayloadError(
                f"The mark sets reserved flag bits ({flags:04b}); version {PAYLOAD_VERSION} leaves them 0.",
                hint="It may come from a newer notrain or another tool; upgrade notrain to read it.",
            )
        return cls(
            owner_id=(value >> IMAGE_BITS) & ((1 << OWNER_BITS) - 1),
            image_id=value & ((1 << IMAGE_BITS) - 1),
            no_ai_training=bool(flags & _NO_AI_TRAINING),
        )

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> Payload:
        """Read 8 big-endian bytes; :class:`UnknownPayloadError` if they are not a version-1 payload."""
        data = bytes(data)
        if len(data) != PAYLOAD_BYTES:
            raise PayloadError(f"A payload is {PAYLOAD_BYTES} bytes; got {len(data)}.")
        return cls.from_int(int.from_bytes(data, "big"))

    @classmethod
    def from_hex(cls, text: str) -> Payload:
        """Read 16 hex digits (either case; surrounding spaces ignored)."""
        digits = text.strip()
        if not _HEX.fullmatch(digits):
            raise PayloadError(
                f"A payload is 16 hex digits (0-9, a-f); got {text!r}.",
                hint="Copy it whole, for example 1100000010000001.",
            )
        return cls.from_bytes(bytes.fromhex(digits))


def _check_field(label: str, value: int, bits: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(f"The {label} must be an integer, not {value!r}.")
    if not 0 <= value < 1 << bits:
        raise PayloadError(
            f"The {label} must be from 0 to {(1 << bits) - 1} ({bits} bits); got {value}."
        )
