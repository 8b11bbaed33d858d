"""Reading several exports at once: each platform's parts together, never mixed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from notrain.audit.reading import audit_export

sys.path.insert(0, str(Path(__file__).parent))
from facebook_exports import facebook_export  # noqa: E402
from instagram_exports import Spec, write_export  # noqa: E402


def test_facebook_and_instagram_facts_stay_with_their_own_account(tmp_path):
    (fb_folder,), _ = facebook_export(tmp_path / "fb", "facebook-2024")
    logins = fb_folder / "security_and_login_information" / "logins_and_logouts.json"
    logins.parent.mkdir(parents=True, exist_ok=True)
    logins.write_text(json.dumps({"account_accesses_v2": [{"ip_address": "100.77.77.77"}]}))
    ig = write_export(tmp_path / "ig", Spec(as_zip=True, parts=2))
    inventory, exports = audit_export([fb_folder, *ig.paths])
    with exports:
        accounts = {a.platform: a for a in inventory.accounts}
        assert "100.77.77.77" in accounts["facebook"].ips
        assert "100.77.77.77" not in accounts["instagram"].ips
        assert set(exports.by_platform) == {"facebook", "instagram"}
        assert {i.platform for i in inventory.items} == {"facebook", "instagram"}


def test_a_facebook_html_export_next_to_an_instagram_one_is_still_read(tmp_path):
    (html_folder,), _ = facebook_export(tmp_path / "fb", "facebook-html")
    ig = write_export(tmp_path / "ig", Spec())
    inventory, exports = audit_export([html_folder, *ig.paths])
    with exports:
        assert {i.platform for i in inventory.items} == {"facebook", "instagram"}


def test_a_media_only_part_named_by_meta_joins_its_platform(tmp_path):
    fb_parts, _ = facebook_export(tmp_path / "fb", "facebook-2024", parts=3)
    ig = write_export(tmp_path / "ig", Spec(as_zip=True, parts=2))
    inventory, exports = audit_export([*fb_parts, *ig.paths])
    with exports:
        facebook = exports.by_platform["facebook"]
        present = [i for i in inventory.items if i.platform == "facebook" and i.present]
        assert present and all(facebook.find(i.uri) for i in present)
