"""ai.txt and TDMRep's tdmrep.json: the two opt-out files besides robots.txt.

``ai.txt`` (Spawning) uses robots.txt syntax and is read when a dataset downloads a file, not
when a crawler visits a page; notrain's block disallows every media type Spawning's generator
lists, then everything. ``/.well-known/tdmrep.json`` (W3C TDMRep) is a JSON array of rules,
the first whose ``location`` matches a path applying to it; notrain makes sure the rule for the
whole site (``/``) reserves text and data mining rights, and keeps the person's other rules.
"""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from notrain.errors import InputError, OptionError
from notrain.site.block import (
    decode_utf8,
    find_block,
    newline_of,
    put_block,
    render_block,
    split_lines,
)
from notrain.site.crawlers import AiTxtFacts
from notrain.site.robots import parse_robots

__all__ = [
    "TdmrepMerge",
    "ai_txt",
    "ai_txt_allows",
    "check_policy",
    "merge_tdmrep",
    "tdmrep_problems",
    "tdmrep_rule_for",
]


@dataclass(frozen=True)
class TdmrepMerge:
    """The tdmrep.json to write, and what the person's own rules still say."""

    data: bytes
    changed: bool
    notes: tuple[str, ...]
    """The person's rules that keep rights unreserved for some paths."""


def check_policy(url: str) -> str:
    """``url`` as a TDM policy address: http(s) and absolute, non-ASCII percent-encoded.

    Raises ``OptionError`` for anything else."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise OptionError(
            f"{url!r} is not a web address for --policy: it must start with https:// (the page "
            "or JSON file that says on what terms AI companies may use your work)."
        )
    return quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~")


def ai_txt(existing: bytes | None, facts: AiTxtFacts, *, path: Path | str = "ai.txt") -> bytes:
    """``existing`` (None for no file) with notrain's block disallowing AI training on every
    media type, placed at the top; the person's own lines stay below it."""
    text = decode_utf8(existing, path)
    newline = newline_of(text)
    kinds = list(facts.media)
    named = ", ".join(kinds[:-1]) + f" or {kinds[-1]}" if len(kinds) > 1 else kinds[0]
    about = (
        f"Spawning's ai.txt ({facts.spec}) is read when a dataset downloads a file from this "
        f"site: no {named} file here may be used to train AI. Written by `notrain site`; what "
        "is between BEGIN and END is replaced when it runs again."
    )
    body = [f"# {line}" for line in textwrap.wrap(about, 86, break_on_hyphens=False)]
    body.append("User-Agent: *")
    patterns = dict.fromkeys(p for patterns in facts.media.values() for p in patterns)
    body += [f"Disallow: {pattern}" for pattern in patterns]
    body += ["Disallow: /"]
    block = render_block("no AI training on this site's files", body, newline)
    return put_block(text, block, path, insert_at=0).encode("utf-8")


def ai_txt_allows(data: bytes) -> list[int]:
    """Lines of an ai.txt outside notrain's block that allow something (which a reader may
    take to override notrain's block)."""
    robots = parse_robots(data, path="ai.txt", strict=False)
    inside = _block_lines(robots.text)
    return [
        line.number
        for line in robots.lines
        if line.kind == "allow" and line.value and line.number not in inside
    ]


def merge_tdmrep(
    existing: bytes | None, *, policy: str | None = None, path: Path | str = "tdmrep.json"
) -> TdmrepMerge:
    """``existing`` (None for no file) with a rule reserving TDM rights for the whole site.

    The rule for ``/`` (or ``/*``) gets ``tdm-reservation: 1`` and, when given, ``policy``;
    without one, such a rule is added after the person's rules, so their more specific rules
    still come first. Raises ``InputError`` for a file that is not a TDMRep rule array."""
    rules: list[dict[str, Any]] = []
    if existing is not None:
        try:
            rules = json.loads(existing.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise InputError(
                f"{path} is not valid JSON ({error}).",
                path=path,
                hint="Fix or remove the file, then run notrain site again. Nothing was written.",
            ) from None
        problems = tdmrep_problems(rules)
        if problems:
            raise InputError(
                f"{path} is not a TDMRep rule list: {problems[0]}",
                path=path,
                hint="Fix or remove the file, then run notrain site again. Nothing was written.",
            )
    merged = [dict(rule) for rule in rules]
    root = next((rule for rule in merged if rule["location"] in ("/", "/*")), None)
    if root is None:
        root = {"location": "/"}
        merged.append(root)
    root["tdm-reservation"] = 1
    if policy:
        root["tdm-policy"] = policy
    notes = tuple(
        f"your rule for {rule['location']} says TDM rights are not reserved there"
        for rule in merged[: merged.index(root)]
        if rule["tdm-reservation"] == 0
    )
    changed = existing is None or merged != rules
    data = (json.dumps(merged, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return TdmrepMerge(data=data if changed else existing or data, changed=changed, notes=notes)


def tdmrep_problems(value: Any) -> list[str]:
    """What keeps ``value`` from being a TDMRep rule list: a JSON array of objects, each with
    a ``location`` text, ``tdm-reservation`` 0 or 1, and an optional ``tdm-policy`` web
    address. Empty when it is one."""
    if not isinstance(value, list):
        return ["the file must be a JSON array of rules."]
    problems = []
    for number, rule in enumerate(value, start=1):
        if not isinstance(rule, dict):
            problems.append(f"rule {number} is not an object.")
            continue
        if not isinstance(rule.get("location"), str) or not rule["location"].startswith("/"):
            problems.append(f"rule {number} has no location path starting with '/'.")
        reservation = rule.get("tdm-reservation")
        if isinstance(reservation, bool) or reservation not in (0, 1):
            problems.append(f"rule {number} has tdm-reservation {reservation!r}, not 0 or 1.")
        policy = rule.get("tdm-policy")
        if policy is not None and (
            not isinstance(policy, str) or urlsplit(policy).scheme not in ("http", "https")
        ):
            problems.append(f"rule {number} has a tdm-policy that is not a web address.")
    return problems


def tdmrep_rule_for(rules: list[dict[str, Any]], path: str) -> dict[str, Any] | None:
    """The first rule whose location matches ``path`` (robots.txt patterns: ``*`` for any
    characters, ``$`` for the end), or None."""
    for rule in rules:
        pattern = re.escape(rule["location"]).replace(r"\*", ".*")
        if pattern.endswith(r"\$"):
            pattern = pattern[:-2] + "$"
        if re.match(pattern, path):
            return rule
    return None


def _block_lines(text: str) -> set[int]:
    found = find_block(split_lines(text), "ai.txt")
    return set(range(found[0] + 1, found[1] + 2)) if found else set()
