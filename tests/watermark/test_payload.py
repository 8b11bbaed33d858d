"""The 64-bit payload: its bit layout, round trips, bounds, and what it refuses to read."""

from __future__ import annotations

import pytest

from notrain.errors import NotrainError
from notrain.watermark.payload import (
    IMAGE_BITS,
    OWNER_BITS,
    PAYLOAD_VERSION,
    Payload,
    PayloadError,
    UnknownPayloadError,
)

MAX_OWNER = (1 << OWNER_BITS) - 1
MAX_IMAGE = (1 << IMAGE_BITS) - 1


def test_bit_layout_matches_a_hand_computed_number():
    payload = Payload(owner_id=0xABCDEF1, image_id=0x1234567)
    # version 1 | flags 0001 | owner abcdef1 | image 1234567
    assert payload.to_int() == 0x11ABCDEF11234567
    assert payload.to_bytes() == bytes([0x11, 0xAB, 0xCD, 0xEF, 0x11, 0x23, 0x45, 0x67])
    assert payload.hex == "11abcdef11234567"


def test_the_flag_bit_is_bit_56():
    allowed = Payload(owner_id=0xABCDEF1, image_id=0x1234567, no_ai_training=False)
    assert allowed.hex == "10abcdef11234567"
    assert Payload(owner_id=0xABCDEF1, image_id=0x1234567).to_int() - allowed.to_int() == 1 << 56
    assert Payload(owner_id=0, image_id=0).to_int() == (PAYLOAD_VERSION << 60) | (1 << 56)


@pytest.mark.parametrize(
    "payload",
    [
        Payload(owner_id=0, image_id=0),
        Payload(owner_id=MAX_OWNER, image_id=MAX_IMAGE),
        Payload(owner_id=0x0A1B2C3, image_id=42, no_ai_training=False),
        Payload(owner_id=1, image_id=MAX_IMAGE, no_ai_training=True),
    ],
)
def test_round_trips_through_bytes_hex_and_int(payload):
    assert len(payload.to_bytes()) == 8
    assert len(payload.hex) == 16 and payload.hex == payload.hex.lower()
    assert Payload.from_bytes(payload.to_bytes()) == payload
    assert Payload.from_hex(payload.hex) == payload
    assert Payload.from_int(payload.to_int()) == payload


def test_from_bytes_accepts_bytearray_and_memoryview():
    data = Payload(owner_id=5, image_id=6).to_bytes()
    assert (
        Payload.from_bytes(bytearray(data))
        == Payload.from_bytes(memoryview(data))
        == Payload(owner_id=5, image_id=6)
    )


def test_owner_id_in_the_hex_is_digits_3_to_9():
    assert Payload(owner_id=0x0A1B2C3, image_id=7).hex[2:9] == "0a1b2c3"


@pytest.mark.parametrize(
    ("owner_id", "image_id", "match"),
    [
        (MAX_OWNER + 1, 0, r"owner id must be from 0 to 268435455 \(28 bits\); got 268435456"),
        (-1, 0, "owner id must be from 0"),
        (0, MAX_IMAGE + 1, r"image id must be from 0 to 268435455 \(28 bits\); got 268435456"),
        (0, -5, "image id must be from 0"),
        ("7", 0, "owner id must be an integer, not '7'"),
        (1, 2.0, "image id must be an integer"),
        (True, 0, "owner id must be an integer"),
    ],
)
def test_out_of_range_fields_are_refused(owner_id, image_id, match):
    with pytest.raises(PayloadError, match=match):
        Payload(owner_id=owner_id, image_id=image_id)


def test_payload_errors_are_value_errors_and_notrain_errors():
    with pytest.raises(ValueError):
        Payload(owner_id=-1, image_id=0)
    assert issubclass(UnknownPayloadError, PayloadError)
    assert issubclass(UnknownPayloadError, ValueError) and issubclass(
        UnknownPayloadError, NotrainError
    )


def test_no_ai_training_must_be_a_bool():
    with pytest.raises(PayloadError, match="True or False"):
        Payload(owner_id=1, image_id=1, no_ai_training=1)


def test_only_version_1_can_be_made():
    with pytest.raises(UnknownPayloadError, match="version 2 is unknown"):
        Payload(owner_id=1, image_id=1, version=2)


@pytest.mark.parametrize("version", [0, 2, 15])
def test_an_unknown_version_is_not_a_notrain_payload(version):
    value = (version << 60) | (1 << 56) | (5 << 28) | 6
    with pytest.raises(UnknownPayloadError, match=f"version {version};"):
        Payload.from_int(value)
    with pytest.raises(UnknownPayloadError):
        Payload.from_bytes(value.to_bytes(8, "big"))


@pytest.mark.parametrize("flags", [0b0010, 0b0100, 0b1000, 0b1111])
def test_reserved_flag_bits_are_not_a_notrain_payload(flags):
    value = (1 << 60) | (flags << 56) | (5 << 28) | 6
    with pytest.raises(UnknownPayloadError, match="reserved flag bits"):
        Payload.from_bytes(value.to_bytes(8, "big"))


@pytest.mark.parametrize("data", [b"", b"\x11" * 7, b"\x11" * 9])
def test_from_bytes_needs_exactly_8_bytes(data):
    with pytest.raises(PayloadError, match=f"8 bytes; got {len(data)}") as caught:
        Payload.from_bytes(data)
    assert not isinstance(caught.value, UnknownPayloadError)


@pytest.mark.parametrize("value", [-1, 1 << 64, 1.5, True])
def test_from_int_needs_a_64_bit_unsigned_number(value):
    with pytest.raises(PayloadError, match="64-bit unsigned"):
        Payload.from_int(value)


def test_from_hex_accepts_upper_case_and_surrounding_spaces():
    assert Payload.from_hex("  11ABCDEF11234567\n") == Payload(
        owner_id=0xABCDEF1, image_id=0x1234567
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "11abcdef1123456",
        "11abcdef112345678",
        "11abcdef1123456g",
        "0x11abcdef112345",
        "11ab cdef11234567",
    ],
)
def test_from_hex_refuses_anything_but_16_hex_digits(text):
    with pytest.raises(PayloadError, match="16 hex digits") as caught:
        Payload.from_hex(text)
    assert caught.value.hint


def test_payload_is_frozen():
    payload = Payload(owner_id=1, image_id=2)
    with pytest.raises(AttributeError):
        payload.owner_id = 3  # type: ignore[misc]
