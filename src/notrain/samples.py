"""Sample photos that look, to every tool, like they came out of a camera.

They carry what a real camera and phone leave behind (GPS position, serial
numbers, the owner's name, maker notes, an embedded thumbnail, an edit history,
IPTC location fields), so ``make run``, the tests and the benchmarks can show
notrain removing them without anyone's private photos.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image

from notrain.metadata.iptc import encode_iim, insert_jpeg_app13

__all__ = ["SAMPLE_CAMERA", "make_photo", "sample_exif", "sample_jpeg", "write_samples"]


@dataclass(frozen=True)
class SampleCamera:
    make: str = "NotrainCam"
    model: str = "Sample 12MP"
    lens: str = "Sample 24-70mm F2.8"
    body_serial: str = "NC0012345678"
    lens_serial: str = "LS9876543"
    owner: str = "Alex Example"
    software: str = "SampleOS 17.4.1"
    latitude: float = 52.516275
    longitude: float = 13.377704
    altitude: float = 34.5
    taken: datetime = datetime(2025, 6, 14, 18, 42, 7)


SAMPLE_CAMERA = SampleCamera()


def make_photo(width: int, height: int, *, seed: int = 0) -> Image.Image:
    """A deterministic RGB picture with sky, hills, objects and grain, so it compresses like a photo."""
    rng = np.random.default_rng(seed)
    y = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    x = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    sky_top, sky_low = rng.uniform(0.2, 0.6, 3), rng.uniform(0.6, 1.0, 3)
    img = np.empty((height, width, 3), dtype=np.float32)
    for c in range(3):
        img[..., c] = sky_top[c] + (sky_low[c] - sky_top[c]) * y
    for layer in range(3):
        phase, freq = rng.uniform(0, 6.3), rng.uniform(2, 6)
        ridge = 0.45 + 0.12 * layer + 0.06 * np.sin(2 * np.pi * freq * x + phase)
        colour = rng.uniform(0.05, 0.6, 3) * (1 - 0.2 * layer)
        below = np.broadcast_to(y > ridge, (height, width))
        img[below] = (colour * (0.7 + 0.3 * np.broadcast_to(y, (height, width))[below][:, None]))
    for _ in range(12):
        cx, cy, r = rng.uniform(0, 1), rng.uniform(0.3, 1), rng.uniform(0.02, 0.09)
        inside = ((x - cx) ** 2 * (width / height) ** 2 + (y - cy) ** 2) < r**2
        img[inside] = rng.uniform(0, 1, 3)
    img *= 255.0
    img += rng.normal(0.5, 6.0, (height, width, 1)).astype(np.float32)
    np.clip(img, 0, 255, out=img)
    return Image.fromarray(img.astype(np.uint8), "RGB")


def _rational_dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    return (float(degrees), float(minutes), round((value - degrees - minutes / 60) * 3600, 4))


def sample_exif(camera: SampleCamera = SAMPLE_CAMERA, *, orientation: int = 1) -> Image.Exif:
    """EXIF as a camera writes it: device, serials, owner, GPS, maker notes, software."""
    exif = Image.Exif()
    taken = camera.taken.strftime("%Y:%m:%d %H:%M:%S")
    exif[ExifTags.Base.Make] = camera.make
    exif[ExifTags.Base.Model] = camera.model
    exif[ExifTags.Base.Software] = camera.software
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.DateTime] = taken
    exif[ExifTags.Base.Artist] = camera.owner
    exif[ExifTags.Base.HostComputer] = f"{camera.owner}'s phone"
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.DateTimeOriginal] = taken
    sub[ExifTags.Base.DateTimeDigitized] = taken
    sub[ExifTags.Base.OffsetTimeOriginal] = "+02:00"
    sub[ExifTags.Base.ExposureTime] = 1 / 250
    sub[ExifTags.Base.FNumber] = 4.0
    sub[ExifTags.Base.ISOSpeedRatings] = 200
    sub[ExifTags.Base.FocalLength] = 35.0
    sub[ExifTags.Base.LensMake] = camera.make
    sub[ExifTags.Base.LensModel] = camera.lens
    sub[ExifTags.Base.BodySerialNumber] = camera.body_serial
    sub[ExifTags.Base.LensSerialNumber] = camera.lens_serial
    sub[ExifTags.Base.CameraOwnerName] = camera.owner
    sub[ExifTags.Base.ImageUniqueID] = "0f3c9a1d5e7b4c2a8d6e1f0a9b8c7d6e"
    sub[ExifTags.Base.MakerNote] = b"NOTRAINCAM\x00\x01" + camera.body_serial.encode() + bytes(52)
    sub[ExifTags.Base.UserComment] = b"ASCII\x00\x00\x00Birthday at home"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSVersionID] = b"\x02\x03\x00\x00"
    gps[ExifTags.GPS.GPSLatitudeRef] = "N" if camera.latitude >= 0 else "S"
    gps[ExifTags.GPS.GPSLatitude] = _rational_dms(camera.latitude)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E" if camera.longitude >= 0 else "W"
    gps[ExifTags.GPS.GPSLongitude] = _rational_dms(camera.longitude)
    gps[ExifTags.GPS.GPSAltitudeRef] = b"\x00"
    gps[ExifTags.GPS.GPSAltitude] = camera.altitude
    return exif


def _with_thumbnail(exif_bytes: bytes, thumbnail: bytes) -> bytes:
    """Append IFD1 with a JPEG thumbnail to Pillow's EXIF bytes (Pillow writes only IFD0)."""
    assert exif_bytes[:6] == b"Exif\x00\x00"
    tiff = bytearray(exif_bytes[6:])
    endian = "<" if tiff[:2] == b"II" else ">"
    (ifd0,) = struct.unpack(endian + "I", tiff[4:8])
    (count,) = struct.unpack(endian + "H", tiff[ifd0 : ifd0 + 2])
    next_pointer = ifd0 + 2 + 12 * count
    if len(tiff) % 2:
        tiff += b"\x00"
    ifd1 = len(tiff)
    entries = [(0x0103, 3, 1, 6), (0x0201, 4, 1, ifd1 + 2 + 3 * 12 + 4), (0x0202, 4, 1, len(thumbnail))]
    block = struct.pack(endian + "H", len(entries))
    for tag, kind, n, value in entries:
        packed = struct.pack(endian + "HH", value, 0) if kind == 3 else struct.pack(endian + "I", value)
        block += struct.pack(endian + "HHI", tag, kind, n) + packed
    tiff += block + struct.pack(endian + "I", 0) + thumbnail
    tiff[next_pointer : next_pointer + 4] = struct.pack(endian + "I", ifd1)
    return b"Exif\x00\x00" + bytes(tiff)


def _sample_xmp(camera: SampleCamera) -> bytes:
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/"
    xmlns:stEvt="http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:Iptc4xmpCore="http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
    photoshop:City="Berlin" photoshop:Country="Germany"
    Iptc4xmpCore:Location="Pariser Platz 1"
    xmp:CreatorTool="{camera.software}">
   <dc:creator><rdf:Seq><rdf:li>{camera.owner}</rdf:li></rdf:Seq></dc:creator>
   <xmpMM:History>
    <rdf:Seq>
     <rdf:li rdf:parseType="Resource">
      <stEvt:action>saved</stEvt:action>
      <stEvt:softwareAgent>Photo Editor 5.1</stEvt:softwareAgent>
      <stEvt:when>2025-06-15T09:12:00+02:00</stEvt:when>
     </rdf:li>
    </rdf:Seq>
   </xmpMM:History>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def _sample_iim(camera: SampleCamera) -> bytes:
    return encode_iim(
        [
            (2, 80, camera.owner.encode()),
            (2, 90, b"Berlin"),
            (2, 92, b"Pariser Platz"),
            (2, 95, b"Berlin"),
            (2, 101, b"Germany"),
            (2, 120, b"Family day out"),
        ]
    )


def sample_jpeg(
    width: int = 4000,
    height: int = 3000,
    *,
    seed: int = 0,
    orientation: int = 1,
    camera: SampleCamera = SAMPLE_CAMERA,
    quality: int = 90,
) -> bytes:
    """A camera-like JPEG: a synthetic photo with EXIF (GPS, serials, thumbnail), XMP and IPTC."""
    image = make_photo(width, height, seed=seed)
    thumb = image.copy()
    thumb.thumbnail((160, 120))
    tbuf = io.BytesIO()
    thumb.save(tbuf, "JPEG", quality=75)
    exif = _with_thumbnail(sample_exif(camera, orientation=orientation).tobytes(), tbuf.getvalue())
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality, exif=exif, xmp=_sample_xmp(camera))
    return insert_jpeg_app13(buf.getvalue(), _sample_iim(camera))


def write_samples(folder: Path, count: int = 4, *, width: int = 4000, height: int = 3000) -> list[Path]:
    """Write ``count`` camera-like JPEGs (landscape and portrait) into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        w, h = (width, height) if i % 2 == 0 else (height, width)
        path = folder / f"sample-{i + 1:02d}.jpg"
        if not path.exists():
            path.write_bytes(sample_jpeg(w, h, seed=i))
        paths.append(path)
    return paths
