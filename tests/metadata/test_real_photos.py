from pathlib import Path

import pytest
from PIL import Image

from notrain.metadata import PrivacyOptions, Rights, compose_metadata, read_metadata

KODAK = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "images" / "kodak"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(
        not KODAK.is_dir(),
        reason=f"needs the Kodak images at {KODAK} (present in CI, absent in a fresh clone)",
    ),
]


def test_reader_agrees_with_exiv2_on_real_files(exiv2):
    for path in sorted(KODAK.glob("*.png")):
        ours = {f.key for f in read_metadata(path).fields}
        assert set(exiv2(path.read_bytes())) <= ours, path.name


def test_real_photo_gets_the_rights_statement(exiv2, encode):
    path = min(KODAK.glob("*.png"))
    out = compose_metadata(path, privacy=PrivacyOptions(), rights=Rights(owner="Kodak"))
    with Image.open(path) as image:
        image.thumbnail((192, 128))
        found = exiv2(encode("jpeg", out, image.convert("RGB")))
    assert found["Xmp.plus.DataMining"].endswith("DMI-PROHIBITED-AIMLTRAINING")
    assert found["Iptc.Application2.Byline"] == ["Kodak"]
