"""Decoding: every supported format and mode comes out upright, 8-bit sRGB; bad files fail clearly."""

from __future__ import annotations

import io
import os
import struct
import time
import zlib
from pathlib import Path

import numpy as np
import pillow_heif
import pytest
from imaging_synth import (
    P3_PRIMARIES,
    as_png,
    corner_pattern,
    display_p3,
    exif_with_orientation,
    expected_srgb,
    png16,
    srgb_decode,
    stored_for_orientation,
    tiff16_rgb,
)
from PIL import Image, ImageFile

from notrain.errors import CorruptFileError, ImageTooLargeError, InputError, UnsupportedFormatError
from notrain.imaging import open_image, probe_image
from notrain.samples import make_photo, sample_jpeg

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
KODAK = SHARED / "data" / "images" / "kodak"


def encoded(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def heif(image: Image.Image, **params) -> bytes:
    buffer = io.BytesIO()
    pillow_heif.from_pillow(image).save(buffer, quality=95, **params)
    return buffer.getvalue()


def pixels(data: bytes, **options) -> np.ndarray:
    return np.asarray(open_image(data, **options).image).astype(int)


def assert_corners(image: np.ndarray, tolerance: int = 40) -> None:
    """Red top-left, green top-right, blue bottom-left: the test card is upright and unmirrored."""
    height, width = image.shape[:2]
    inset_x, inset_y = width // 16, height // 16
    for (y, x), colour in {
        (inset_y, inset_x): (255, 0, 0),
        (inset_y, width - 1 - inset_x): (0, 255, 0),
        (height - 1 - inset_y, inset_x): (0, 0, 255),
        (height - 1 - inset_y, width - 1 - inset_x): (128, 128, 128),
    }.items():
        assert np.abs(image[y, x, :3] - colour).max() <= tolerance, (y, x, image[y, x])


# --- Formats ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "params", "expected"),
    [
        ("JPEG", {"quality": 95}, "JPEG"),
        ("PNG", {}, "PNG"),
        ("WEBP", {"lossless": True}, "WEBP"),
        ("AVIF", {"quality": 95}, "AVIF"),
        ("TIFF", {}, "TIFF"),
        ("BMP", {}, "BMP"),
        ("GIF", {}, "GIF"),
    ],
)
def test_each_format_decodes_to_upright_rgb(fmt: str, params: dict, expected: str) -> None:
    card = Image.fromarray(corner_pattern(64, 48))
    decoded = open_image(encoded(card, fmt, **params))
    assert decoded.info.format == expected
    assert decoded.image.mode == "RGB"
    assert decoded.image.size == (64, 48) == (decoded.info.width, decoded.info.height)
    assert decoded.scale == 1.0
    assert_corners(np.asarray(decoded.image).astype(int))


def test_heic_decodes_and_reports_heif() -> None:
    card = Image.fromarray(corner_pattern(64, 48))
    decoded = open_image(heif(card))
    assert decoded.info.format == "HEIF"
    assert decoded.info.bit_depth == 8
    assert_corners(np.asarray(decoded.image).astype(int))


def test_ten_bit_heif_reports_its_depth_and_decodes_to_8_bit() -> None:
    samples = np.zeros((16, 16, 3), np.uint16)
    samples[..., 0], samples[..., 1], samples[..., 2] = 40000, 20000, 1000
    buffer = io.BytesIO()
    pillow_heif.from_bytes(mode="RGB;16", size=(16, 16), data=samples.tobytes()).save(
        buffer, quality=-1
    )
    decoded = open_image(buffer.getvalue())
    assert decoded.info.bit_depth == 10
    assert decoded.image.mode == "RGB"
    assert np.abs(np.asarray(decoded.image)[8, 8].astype(int) - (156, 78, 4)).max() <= 2


@pytest.mark.parametrize("orientation", [6, 8, 3])
def test_heif_orientation_and_profile(orientation: int) -> None:
    card = corner_pattern(64, 48)
    image = Image.fromarray(stored_for_orientation(card, orientation))
    image.info["icc_profile"] = display_p3()
    decoded = open_image(heif(image, exif=exif_with_orientation(orientation)))
    assert decoded.info.orientation == orientation
    assert decoded.info.icc_name == "Display P3"
    assert decoded.image.size == (64, 48)
    assert_corners(np.asarray(decoded.image).astype(int), tolerance=60)


def test_animated_gif_reports_frames_and_gives_the_first() -> None:
    first = Image.new("RGB", (20, 10), (255, 0, 0))
    second = Image.new("RGB", (20, 10), (0, 0, 255))
    data = encoded(first, "GIF", save_all=True, append_images=[second], duration=100)
    decoded = open_image(data)
    assert decoded.info.frames == 2
    assert tuple(np.asarray(decoded.image)[5, 5]) == (255, 0, 0)


def test_multi_picture_jpeg_reports_jpeg_and_gives_the_main_image() -> None:
    main = Image.new("RGB", (16, 16), (10, 20, 30))
    data = encoded(
        main, "MPO", save_all=True, append_images=[Image.new("RGB", (16, 16), (200, 0, 0))]
    )
    decoded = open_image(data)
    assert (decoded.info.format, decoded.info.frames) == ("JPEG", 1)
    assert np.abs(np.asarray(decoded.image)[8, 8].astype(int) - (10, 20, 30)).max() <= 2


def test_lab_tiff() -> None:
    lab = Image.new("LAB", (4, 4), (255, 128, 128))
    lab.putpixel((0, 0), (128, 128, 128))
    array = np.asarray(open_image(encoded(lab, "TIFF")).image).astype(int)
    assert np.abs(array[0, 0] - 119).max() <= 2  # L* 50 is sRGB 119
    assert np.abs(array[2, 2] - 255).max() <= 2


def test_probe_reads_the_header_without_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    data = sample_jpeg(640, 480, orientation=6)

    def refuse(self: ImageFile.ImageFile) -> None:
        raise AssertionError("probe_image decoded pixels")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)
    info = probe_image(data)
    assert (info.format, info.width, info.height, info.orientation) == ("JPEG", 480, 640, 6)
    assert (info.mode, info.bit_depth, info.has_alpha, info.frames, info.icc_name) == (
        "RGB",
        8,
        False,
        1,
        None,
    )


def test_decoded_image_carries_no_metadata() -> None:
    decoded = open_image(sample_jpeg(64, 48))
    assert decoded.image.info == {}


# --- Orientation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_turns_the_picture_upright(orientation: int) -> None:
    card = corner_pattern(48, 32)
    stored = stored_for_orientation(card, orientation)
    data = as_png(stored, exif=exif_with_orientation(orientation))
    decoded = open_image(data)
    assert decoded.info.orientation == orientation
    assert (decoded.info.width, decoded.info.height) == (48, 32)
    np.testing.assert_array_equal(np.asarray(decoded.image), card)


@pytest.mark.parametrize("orientation", [5, 6, 7, 8])
def test_jpeg_orientation_with_reduced_decode(orientation: int) -> None:
    card = np.kron(corner_pattern(48, 32), np.ones((20, 20, 1), np.uint8))  # 960 x 640 upright
    data = encoded(
        Image.fromarray(stored_for_orientation(card, orientation)),
        "JPEG",
        quality=95,
        exif=exif_with_orientation(orientation),
    )
    decoded = open_image(data, min_size=(240, 160))
    assert decoded.image.size == (240, 160)
    assert decoded.scale == 0.25
    assert_corners(np.asarray(decoded.image).astype(int))


# --- Reduced decode -----------------------------------------------------------------------------


def test_min_size_never_goes_below_the_floor() -> None:
    data = encoded(make_photo(1000, 600, seed=3), "JPEG", quality=90)
    for floor, expected in [
        ((500, 300), (500, 300)),
        ((501, 300), (1000, 600)),
        ((250, 100), (250, 150)),
        ((10, 10), (125, 75)),
        ((2000, 2000), (1000, 600)),
    ]:
        decoded = open_image(data, min_size=floor)
        assert decoded.image.size == expected
        assert decoded.image.width >= min(floor[0], 1000) and decoded.image.height >= min(
            floor[1], 600
        )
        assert decoded.scale == expected[0] / 1000


def test_reduced_decode_matches_a_full_decode_scaled_down() -> None:
    data = encoded(make_photo(800, 600, seed=4), "JPEG", quality=92)
    half = open_image(data, min_size=(400, 300)).image
    full = open_image(data).image.resize((400, 300), Image.Resampling.LANCZOS)
    assert half.size == (400, 300)
    assert np.abs(np.asarray(half).astype(int) - np.asarray(full).astype(int)).mean() < 3


def test_min_size_is_ignored_for_formats_without_reduced_decoding() -> None:
    decoded = open_image(as_png(np.asarray(make_photo(200, 100))), min_size=(50, 25))
    assert decoded.image.size == (200, 100) and decoded.scale == 1.0


# --- Modes ----------------------------------------------------------------------------------------


def test_sixteen_bit_grey_png() -> None:
    ramp = np.linspace(0, 65535, 64 * 8).astype(np.uint16).reshape(8, 64)
    decoded = open_image(png16(ramp))
    assert (decoded.info.mode, decoded.info.bit_depth) == ("I;16", 16)
    assert decoded.image.mode == "RGB"
    got = np.asarray(decoded.image).astype(int)
    np.testing.assert_array_equal(got[..., 0], got[..., 2])
    np.testing.assert_array_equal(got[..., 0], np.round(ramp / 257))


@pytest.mark.parametrize("writer", [png16, tiff16_rgb], ids=["png", "tiff"])
def test_sixteen_bit_rgb(writer) -> None:
    rng = np.random.default_rng(5)
    samples = rng.integers(0, 65536, (12, 10, 3)).astype(np.uint16)
    decoded = open_image(writer(samples))
    assert decoded.info.bit_depth == 16
    assert decoded.image.mode == "RGB"
    assert np.abs(np.asarray(decoded.image).astype(int) - samples / 257).max() <= 1


def test_cmyk_tiff_without_profile() -> None:
    cmyk = Image.new("CMYK", (8, 8), (255, 0, 0, 0))
    decoded = open_image(encoded(cmyk, "TIFF"))
    assert decoded.info.mode == "CMYK"
    assert tuple(np.asarray(decoded.image)[4, 4]) == (0, 255, 255)


def cmyk_jpeg(colour: tuple[int, int, int, int], *, adobe: bool) -> bytes:
    """A CMYK JPEG. Pillow writes Adobe's inverted convention; without the APP14 marker
    the stored numbers mean plain CMYK, so the colour is written pre-inverted."""
    stored = colour if adobe else tuple(255 - v for v in colour)
    data = encoded(Image.new("CMYK", (16, 16), stored), "JPEG", quality=100)
    if adobe:
        return data
    start = data.index(b"\xff\xee")
    length = struct.unpack(">H", data[start + 2 : start + 4])[0]
    return data[:start] + data[start + 2 + length :]


@pytest.mark.parametrize("adobe", [True, False], ids=["adobe-inverted", "plain"])
def test_cmyk_jpeg_polarity(adobe: bool) -> None:
    data = cmyk_jpeg((255, 0, 0, 0), adobe=adobe)
    assert (b"\xff\xee" in data) == adobe
    decoded = open_image(data)
    assert decoded.info.mode == "CMYK"
    assert np.abs(np.asarray(decoded.image)[8, 8].astype(int) - (0, 255, 255)).max() <= 3


def test_palette_with_transparency_becomes_rgba() -> None:
    palette = Image.new("P", (10, 10), 0)
    palette.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    palette.paste(1, (0, 0, 5, 10))
    decoded = open_image(encoded(palette, "PNG", transparency=1))
    assert decoded.info.has_alpha and decoded.info.mode == "P"
    assert decoded.image.mode == "RGBA"
    array = np.asarray(decoded.image)
    assert array[5, 2, 3] == 0 and tuple(array[5, 7]) == (255, 0, 0, 255)


def test_palette_without_transparency_becomes_rgb() -> None:
    palette = Image.new("RGB", (10, 10), (10, 200, 30)).convert("P")
    assert open_image(encoded(palette, "PNG")).image.mode == "RGB"


def test_grey_with_alpha() -> None:
    la = Image.new("LA", (10, 10), (200, 255))
    la.putpixel((3, 3), (50, 0))
    decoded = open_image(encoded(la, "PNG"))
    assert decoded.image.mode == "RGBA"
    assert tuple(np.asarray(decoded.image)[0, 0]) == (200, 200, 200, 255)
    assert np.asarray(decoded.image)[3, 3, 3] == 0


def test_one_bit() -> None:
    bits = Image.new("1", (8, 8), 0)
    bits.putpixel((1, 1), 1)
    decoded = open_image(encoded(bits, "PNG"))
    array = np.asarray(decoded.image)
    assert decoded.image.mode == "RGB"
    assert tuple(array[1, 1]) == (255, 255, 255) and tuple(array[0, 0]) == (0, 0, 0)


def test_alpha_kept_only_when_used() -> None:
    opaque = Image.new("RGBA", (8, 8), (1, 2, 3, 255))
    assert open_image(encoded(opaque, "PNG")).image.mode == "RGB"
    assert open_image(encoded(opaque, "PNG")).info.has_alpha
    clear = opaque.copy()
    clear.putpixel((0, 0), (1, 2, 3, 254))
    assert open_image(encoded(clear, "PNG")).image.mode == "RGBA"
    assert open_image(encoded(clear, "WEBP", lossless=True)).image.mode == "RGBA"


def test_display_p3_png_with_alpha_keeps_alpha_and_converts_colour() -> None:
    rng = np.random.default_rng(2)
    rgba = rng.integers(0, 256, (8, 8, 4)).astype(np.uint8)
    decoded = open_image(as_png(rgba, icc_profile=display_p3()))
    got = np.asarray(decoded.image).astype(int)
    np.testing.assert_array_equal(got[..., 3], rgba[..., 3])
    assert np.abs(got[..., :3] - expected_srgb(rgba[..., :3], P3_PRIMARIES, srgb_decode)).max() <= 2


@pytest.mark.skipif(not KODAK.exists(), reason=f"needs the Kodak images at {KODAK} (present in CI)")
def test_real_kodak_png() -> None:
    path = min(KODAK.glob("*.png"))
    decoded = open_image(path)
    with Image.open(path) as reference:
        expected = np.asarray(reference.convert("RGB"))
    assert decoded.info.format == "PNG"
    assert decoded.image.size in ((768, 512), (512, 768))
    np.testing.assert_array_equal(np.asarray(decoded.image), expected)


# --- Errors ---------------------------------------------------------------------------------------


def test_zero_bytes(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(CorruptFileError, match="empty") as caught:
        open_image(path)
    assert caught.value.path == path
    with pytest.raises(CorruptFileError):
        probe_image(b"")


@pytest.mark.parametrize("load_truncated", [False, True], ids=["pillow-default", "pillow-lenient"])
@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_files_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, load_truncated: bool
) -> None:
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", load_truncated)
    data = encoded(make_photo(200, 150, seed=1), fmt)
    path = tmp_path / f"cut.{fmt.lower()}"
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(CorruptFileError, match="truncated") as caught:
        open_image(path)
    assert caught.value.path == path
    assert ImageFile.LOAD_TRUNCATED_IMAGES is load_truncated


def test_corrupt_scan_data_never_crashes() -> None:
    data = bytearray(encoded(make_photo(64, 64, seed=2), "JPEG"))
    start = data.index(b"\xff\xda")
    data[start + 20 : start + 400] = os.urandom(380).replace(b"\xff", b"\x00")
    data[start + 30 : start + 32] = b"\xff\xd0"
    try:
        decoded = open_image(bytes(data))
    except CorruptFileError as error:
        assert "cannot be decoded" in str(error)
    else:
        assert decoded.image.size == (64, 64)


def test_text_file_named_jpg(tmp_path: Path) -> None:
    path = tmp_path / "holiday.jpg"
    path.write_text("not a photo at all\n")
    with pytest.raises(UnsupportedFormatError) as caught:
        open_image(path)
    assert caught.value.path == path
    assert "holiday.jpg" in str(caught.value) and "JPEG" in caught.value.hint


def test_text_that_starts_like_a_bitmap_is_not_an_image() -> None:
    with pytest.raises(UnsupportedFormatError):
        probe_image(b"BMW 320i, 1998, for sale: call after six.")


def test_video_container_is_not_taken_for_heif() -> None:
    mp4 = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isommp41" + bytes(64)
    with pytest.raises(UnsupportedFormatError):
        probe_image(mp4)


def test_directory_missing_and_unreadable(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="folder") as caught:
        open_image(tmp_path)
    assert caught.value.path == tmp_path
    with pytest.raises(InputError, match="does not exist"):
        probe_image(tmp_path / "nope.jpg")


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.jpg"
    locked.write_bytes(sample_jpeg(32, 32))
    if os.geteuid() == 0:  # root reads anything: make the read fail the way it would for a user

        def denied(self: Path) -> bytes:
            raise PermissionError(13, "Permission denied", str(self))

        monkeypatch.setattr(Path, "read_bytes", denied)
    else:
        locked.chmod(0)
    with pytest.raises(InputError, match="permission denied") as caught:
        open_image(locked)
    assert caught.value.path == locked


def bomb_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width`` x ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb_header(tmp_path: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(bomb_png(100_000, 100_000))
    assert path.stat().st_size < 200
    started = time.perf_counter()
    with pytest.raises(ImageTooLargeError) as caught:
        open_image(path)
    assert time.perf_counter() - started < 1
    assert caught.value.path == path and "--max-pixels" in caught.value.hint
    with pytest.raises(ImageTooLargeError):
        probe_image(bomb_png(15_000, 15_000))


def test_max_pixels_below_a_normal_image() -> None:
    data = sample_jpeg(400, 300)
    with pytest.raises(ImageTooLargeError, match="120,000 pixels"):
        open_image(data, max_pixels=100_000)
    with pytest.raises(ImageTooLargeError):
        probe_image(data, max_pixels=119_999)
    assert open_image(data, max_pixels=120_000).image.size == (400, 300)


def test_pillow_bomb_error_becomes_ours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    with pytest.raises(ImageTooLargeError, match="decompression bomb"):
        open_image(sample_jpeg(100, 100))
