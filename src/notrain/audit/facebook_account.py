"""What a Facebook export says about the account: its name, the default audience of new posts,
and the devices and IP addresses Meta recorded.

Meta renames and reshapes these files from one year to the next, so they are searched rather
than addressed:

- the default audience is the setting labelled "Who can see your future posts?" in any JSON file
  named like ``privacy_settings`` or kept under ``preferences/`` or ``settings/``, whether the
  label is a key, a ``name``/``label``/``title`` beside a ``value``, or nested deeper;
- IP addresses are every ``ip_address``/``ip`` value (and every ``label_values`` entry labelled
  "IP address") in ``security_and_login_information/`` and in files named like logins, sessions,
  account activity or devices, followed by the upload IPs of the media;
- devices are the ``user_agent``/``device`` values of the same files (and a device file's names);
- the name is ``profile_v2.name.full_name`` (``profile`` before 2020) of ``profile_information``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from notrain.audit.archive import Export, ExportFileError
from notrain.audit.facebook_media import PLATFORM
from notrain.audit.model import AccountFacts, MediaItem, Problem
from notrain.audit.values import dicts, text, valid_ip

__all__ = ["FUTURE_POSTS", "account_facts", "default_audience"]

FUTURE_POSTS = "who can see your future posts"
"""The privacy setting that holds the default audience of new posts (matched case-insensitively)."""

_SETTINGS_FOLDERS = frozenset({"preferences", "settings", "privacy_checkup"})
_SETTINGS_NAME = re.compile(r"privacy|settings", re.IGNORECASE)
_SECURITY_FOLDER = "security_and_login_information"
_SECURITY_NAME = re.compile(
    r"login|logout|account_activity|ip_address|session|device|logged_in", re.IGNORECASE
)
_SKIPPED = frozenset({"messages", "inbox", "comments_and_reactions", "likes_and_reactions"})
_VALUE_KEYS = ("value", "setting", "option", "selected", "audience", "privacy")
_LABEL_KEYS = ("name", "label", "title", "setting_name")
_IP_KEYS = frozenset({"ip_address", "ip", "ip_addresses", "ipaddress", "upload_ip", "last_ip"})
_DEVICE_KEYS = frozenset({"user_agent", "device", "device_name", "useragent"})
_IP_LABEL = re.compile(r"\bip\b|ip address", re.IGNORECASE)
_DEVICE_LABEL = re.compile(r"^(?:device(?: name)?|user agent|browser)$", re.IGNORECASE)


def account_facts(
    export: Export,
    layout: str,
    *,
    items: Iterable[MediaItem] = (),
    profile: Any = None,
    problems: list[Problem],
) -> AccountFacts:
    """The account facts of a Facebook export; files that cannot be read go to ``problems``."""
    audience = ""
    ips: dict[str, None] = {}
    devices: dict[str, None] = {}
    for path in sorted(export.paths()):
        parts = path.split("/")
        if not path.lower().endswith(".json") or _SKIPPED.intersection(parts):
            continue
        settings = not audience and (
            parts[0] in _SETTINGS_FOLDERS or bool(_SETTINGS_NAME.search(parts[-1]))
        )
        security = _SECURITY_FOLDER in parts or bool(_SECURITY_NAME.search(parts[-1]))
        if not (settings or security):
            continue
        try:
            data = export.read_json(path)
        except ExportFileError as exc:
            problems.append(Problem(path=path, reason=exc.reason))
            continue
        if settings:
            audience = default_audience(data)
        if security:
            naming = "device" in parts[-1].lower()
            for kind, value in _logins(data, device_names=naming):
                (ips if kind == "ip" else devices).setdefault(value, None)
    for item in items:
        if item.upload_ip:
            ips.setdefault(item.upload_ip, None)
    return AccountFacts(
        platform=PLATFORM,
        layout=layout,
        username=_username(profile),
        default_audience=audience,
        devices=tuple(devices),
        ips=tuple(ips),
    )


def default_audience(data: Any) -> str:
    """The answer to "Who can see your future posts?" wherever it sits in ``data``, or ""."""
    for node in dicts(data):
        for key, value in node.items():
            if _is_label(key) and (answer := _first_text(value)):
                return answer
        if any(_is_label(node.get(key)) for key in _LABEL_KEYS):
            for key in _VALUE_KEYS:
                if answer := _first_text(node.get(key)):
                    return answer
            for key, value in node.items():
                if key not in _LABEL_KEYS and (answer := _first_text(value)):
                    return answer
    return ""


def _is_label(value: Any) -> bool:
    return isinstance(value, str) and FUTURE_POSTS in value.casefold()


def _first_text(value: Any) -> str:
    """The first non-empty string in ``value``, preferring a ``value`` key at each level."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        if answer := _first_text(value.get("value")):
            return answer
        value = [v for k, v in value.items() if k not in _LABEL_KEYS]
    if isinstance(value, list):
        for entry in value:
            if answer := _first_text(entry):
                return answer
    return ""


def _logins(data: Any, *, device_names: bool) -> Iterator[tuple[str, str]]:
    """("ip", address) and ("device", description) for every one found in ``data``."""
    for node in dicts(data):
        label = text(node.get("label"))
        if label and "value" in node:
            if _IP_LABEL.search(label):
                yield from _ips(node.get("value"))
            elif _DEVICE_LABEL.match(label) and (device := text(node.get("value"))):
                yield "device", device
        for key, value in node.items():
            folded = key.casefold() if isinstance(key, str) else ""
            if folded in _IP_KEYS or folded.endswith("_ip_address"):
                yield from _ips(value)
            elif (folded in _DEVICE_KEYS or (device_names and folded == "name")) and (
                device := text(value)
            ):
                yield "device", device


def _ips(value: Any) -> Iterator[tuple[str, str]]:
    for entry in value if isinstance(value, list) else [value]:
        if address := valid_ip(entry):
            yield "ip", address


def _username(profile: Any) -> str:
    """The account's name from ``profile_information.json`` (``profile_v2`` or ``profile``)."""
    if not isinstance(profile, dict):
        return ""
    inner = profile.get("profile_v2", profile.get("profile"))
    if not isinstance(inner, dict):
        return ""
    name = inner.get("name")
    if isinstance(name, dict):
        return text(name.get("full_name"))
    return text(name) or text(inner.get("username"))
