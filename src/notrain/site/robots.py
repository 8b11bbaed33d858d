"""robots.txt: read a person's file into groups, and decide what it lets a crawler do.

A robots.txt (RFC 9309) is a list of groups: one or more ``User-agent`` lines, then the
``Allow`` and ``Disallow`` rules that apply to those crawlers. ``Sitemap`` lines stand for the
whole file; comments and other fields (``Crawl-delay``, ``Host``) are kept as they are.

What a crawler may fetch is decided the way RFC 9309 says: the groups that name the crawler,
merged, or else the ``*`` group; of their rules, the longest match wins and ``Allow`` wins a
tie. :func:`access` gives those rules to ``urllib.robotparser``, longest first, so that Python's
first-match parser and RFC 9309 agree; fed a whole file, robotparser would take the first
group whose name contains the crawler's ("Applebot" for "Applebot-Extended").

Google reads at most 500 KiB of a robots.txt; notrain refuses to change a larger file, and
reads only that much of one it checks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.robotparser import RobotFileParser

from notrain.errors import InputError
from notrain.site.block import split_lines

__all__ = [
    "MAX_ROBOTS_BYTES",
    "Access",
    "RobotsFile",
    "RobotsGroup",
    "RobotsLine",
    "RobotsSyntaxError",
    "access",
    "parse_robots",
]

MAX_ROBOTS_BYTES = 500 * 1024
"""The most of a robots.txt that Google reads (500 KiB); the rest is ignored."""

LineKind = Literal[
    "blank", "comment", "user-agent", "allow", "disallow", "sitemap", "other", "invalid"
]
_RULES = ("allow", "disallow")
_KINDS: dict[str, LineKind] = {
    "user-agent": "user-agent",
    "allow": "allow",
    "disallow": "disallow",
    "sitemap": "sitemap",
}
_BOM = "\ufeff"
_SYNTAX_HINT = (
    "Fix that line of your robots.txt (each line is 'Field: value', rules come after a "
    "'User-agent:' line, '#' starts a comment), then run notrain site again. Nothing was written."
)


class RobotsSyntaxError(InputError):
    """A robots.txt notrain will not change: a line it cannot read, or a file too large.
    ``line`` is the line's number (1 for the first), or None for the whole file."""

    def __init__(self, message: str, *, path: Path | str, line: int | None, hint: str) -> None:
        super().__init__(message, path=path, hint=hint)
        self.line = line


@dataclass(frozen=True)
class RobotsLine:
    """One line of a robots.txt, as written."""

    number: int
    """1 for the first line."""
    text: str
    """The line without its ending."""
    kind: LineKind
    field: str
    """The field name in lower case (``user-agent``, ``disallow``, ``crawl-delay``); empty for
    blank lines and comments."""
    value: str
    """The value, without a trailing comment or surrounding spaces."""


@dataclass(frozen=True)
class RobotsGroup:
    """The crawlers one group names and its lines (``User-agent`` lines, rules, other fields)."""

    user_agents: tuple[str, ...]
    lines: tuple[RobotsLine, ...]

    @property
    def rules(self) -> tuple[RobotsLine, ...]:
        """Its ``Allow`` and ``Disallow`` lines."""
        return tuple(line for line in self.lines if line.kind in _RULES)

    def names(self, agent: str) -> bool:
        """Whether the group is for ``agent`` by name (case-insensitive, as RFC 9309 asks)."""
        return agent.lower() in (name.lower() for name in self.user_agents)


@dataclass(frozen=True)
class RobotsFile:
    """A parsed robots.txt: its text, its lines and its groups."""

    text: str
    """The file as text, a byte-order mark removed."""
    bom: bool
    lines: tuple[RobotsLine, ...]
    groups: tuple[RobotsGroup, ...]

    @property
    def sitemaps(self) -> tuple[str, ...]:
        """The ``Sitemap`` addresses."""
        return tuple(line.value for line in self.lines if line.kind == "sitemap")


@dataclass(frozen=True)
class Access:
    """What a robots.txt lets one crawler do."""

    agent: str
    root_allowed: bool
    """Whether the crawler may fetch ``/`` (the home page, and with it the whole site unless
    other rules say otherwise)."""
    allow_lines: tuple[int, ...]
    """Lines of the ``Allow`` rules that apply to it."""
    group_lines: tuple[int, ...]
    """The first line of each group that applies to it; empty when none does (everything is
    allowed)."""
    named: bool
    """Whether a group names it (rather than ``*`` applying)."""

    @property
    def status(self) -> Literal["blocked", "allowed", "partly-allowed"]:
        """``blocked`` everywhere, ``allowed`` at the home page, or ``partly-allowed`` (the
        home page is closed but ``Allow`` rules open some paths)."""
        if self.root_allowed:
            return "allowed"
        return "partly-allowed" if self.allow_lines else "blocked"


def parse_robots(
    data: bytes | str, *, path: Path | str = "robots.txt", strict: bool = True
) -> RobotsFile:
    """Read a robots.txt into lines and groups.

    ``strict`` (for a file notrain is about to change) raises :class:`RobotsSyntaxError`, naming
    the line, for bytes that are not UTF-8, a line that is not ``Field: value``, a rule before
    any ``User-agent`` line, a ``User-agent`` line without a name, and a file over 500 KiB.
    Not strict (for a live site), it reads what a crawler would: the first 500 KiB, with such
    lines ignored."""
    text = _decode(data, path, strict)
    bom = text.startswith(_BOM)
    text = text.removeprefix(_BOM)
    lines: list[RobotsLine] = []
    groups: list[RobotsGroup] = []
    agents: list[str] = []
    members: list[RobotsLine] = []
    in_rules = False
    for number, raw in enumerate((l.rstrip("\r\n") for l in split_lines(text)), start=1):
        line = _line(number, raw, path, strict)
        lines.append(line)
        if line.kind == "user-agent":
            if in_rules:
                groups.append(RobotsGroup(tuple(agents), tuple(members)))
                agents, members, in_rules = [], [], False
            agents.append(line.value)
            members.append(line)
        elif line.kind in (*_RULES, "other") and agents:
            members.append(line)
            in_rules = True
        elif line.kind in _RULES and strict:
            raise RobotsSyntaxError(
                f"Line {number} of {path} is a rule before any User-agent line: {raw.strip()!r}.",
                path=path,
                line=number,
                hint="Put a 'User-agent: *' line (or the crawler's name) before it, then run "
                "notrain site again. Nothing was written.",
            )
    if agents:
        groups.append(RobotsGroup(tuple(agents), tuple(members)))
    return RobotsFile(text=text, bom=bom, lines=tuple(lines), groups=tuple(groups))


def access(robots: RobotsFile, agent: str, *, exclude: Sequence[int] = ()) -> Access:
    """What ``robots`` lets the crawler ``agent`` do; groups starting on a line in ``exclude``
    are left out (to ask what the file says without notrain's own block)."""
    groups = [g for g in robots.groups if g.lines[0].number not in exclude]
    named = [g for g in groups if g.names(agent)]
    applying = named or [g for g in groups if "*" in g.user_agents]
    rules = [rule for group in applying for rule in group.rules]
    root_allowed = _robotparser_allows(agent, rules, "/")
    allow_lines = tuple(r.number for r in rules if r.kind == "allow" and _pattern(r.value))
    return Access(
        agent=agent,
        root_allowed=root_allowed,
        allow_lines=allow_lines,
        group_lines=tuple(group.lines[0].number for group in applying),
        named=bool(named),
    )


def _robotparser_allows(agent: str, rules: Sequence[RobotsLine], path: str) -> bool:
    """Python's robotparser on ``rules`` ordered so its first match is RFC 9309's longest match:
    longer paths first, ``Allow`` before ``Disallow`` of the same length. A trailing ``*`` is
    dropped first (it changes nothing in RFC 9309; robotparser would take it literally)."""
    ordered = sorted(
        ((_pattern(rule.value), rule.kind) for rule in rules if rule.value),
        key=lambda item: (-len(item[0]), item[1] != "allow"),
    )
    parser = RobotFileParser()
    token = re.sub(r"[^A-Za-z0-9_.-]", "", agent) or "notrain"
    parser.parse(
        [f"User-agent: {token}", *(f"{kind.capitalize()}: {value}" for value, kind in ordered)]
    )
    return parser.can_fetch(token, path)


def _pattern(value: str) -> str:
    if "$" in value or not value.endswith("*"):
        return value
    return value.rstrip("*") or "/"


def _decode(data: bytes | str, path: Path | str, strict: bool) -> str:
    if isinstance(data, str):
        raw = data.encode("utf-8")
    else:
        raw = data
    if len(raw) > MAX_ROBOTS_BYTES:
        if strict:
            raise RobotsSyntaxError(
                f"{path} is {len(raw) / 1024:.0f} KiB; crawlers read only the first 500 KiB "
                "of a robots.txt, so notrain's lines could be lost after the cut.",
                path=path,
                line=None,
                hint="Shorten the file (group crawlers that share rules, remove old lines) "
                "below 500 KiB, then run notrain site again. Nothing was written.",
            )
        raw = raw[:MAX_ROBOTS_BYTES]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        if not strict:
            return raw.decode("utf-8", errors="replace")
        number = raw[: error.start].count(b"\n") + 1
        raise RobotsSyntaxError(
            f"Line {number} of {path} has bytes that are not UTF-8 text "
            f"(byte {error.start + 1} of the file); robots.txt must be UTF-8.",
            path=path,
            line=number,
            hint="Save the file as UTF-8 in your editor, then run notrain site again. "
            "Nothing was written.",
        ) from None


def _line(number: int, raw: str, path: Path | str, strict: bool) -> RobotsLine:
    content = raw.split("#", 1)[0].strip()
    if not content:
        return RobotsLine(number, raw, "comment" if "#" in raw else "blank", "", "")
    field, colon, value = content.partition(":")
    field, value = field.strip().lower(), value.strip()
    problem = None
    if not colon or not field or " " in field:
        problem = f"Line {number} of {path} is not a 'Field: value' line: {raw.strip()!r}."
    elif field == "user-agent" and not value:
        problem = f"Line {number} of {path} is a User-agent line without a crawler's name."
    if problem is None:
        return RobotsLine(number, raw, _KINDS.get(field, "other"), field, value)
    if strict:
        raise RobotsSyntaxError(problem, path=path, line=number, hint=_SYNTAX_HINT)
    return RobotsLine(number, raw, "invalid", "", "")
