"""Add notrain's block to a person's robots.txt: one group per AI crawler, nothing else touched.

The block goes before the file's first group (after the comments that head it), or at the end
of a file without groups. RFC 9309 does not care where a group is, but parsers that take the
first group whose name contains a crawler's (Python's robotparser, naive crawlers) then meet
notrain's exact group first.

A crawler that the person's own lines already name, with ``Allow`` rules, is a conflict: RFC
9309 merges every group that names a crawler, so ``User-agent: GPTBot`` / ``Allow: /`` would
still let GPTBot in. notrain reports it and leaves it alone; with ``force`` it turns the
crawler's ``User-agent`` line into a comment (the whole group when it names no other crawler),
so the person's other crawlers keep their rules and the change is easy to undo.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from notrain.errors import OptionError
from notrain.site.block import find_block, newline_of, put_block, render_block, split_lines
from notrain.site.crawlers import Crawler, SearchEngine
from notrain.site.robots import RobotsFile, RobotsGroup, access, parse_robots

__all__ = ["DISABLED", "RobotsConflict", "RobotsMerge", "merge_robots"]

DISABLED = "# notrain: "
"""What ``force`` puts before a line it turns into a comment."""

_TITLE = "AI crawlers may not collect this site"
_PURPOSES = {
    "training": "AI training",
    "ai-search": "AI search answers",
    "user-fetch": "AI assistants' page requests",
}


@dataclass(frozen=True)
class RobotsConflict:
    """A crawler that the person's own lines still let in, or that ``force`` shut out."""

    user_agent: str
    lines: tuple[int, ...]
    """In the merged file: the ``Allow`` rules that open paths to it, or, when ``resolved``,
    the lines turned into comments."""
    texts: tuple[str, ...]
    """Those lines as written."""
    resolved: bool


@dataclass(frozen=True)
class RobotsMerge:
    """The robots.txt to write, and what the person should know about it."""

    data: bytes
    changed: bool
    """Whether ``data`` differs from the file there was (a new file is always a change)."""
    named: tuple[str, ...]
    """The crawlers notrain's block names."""
    conflicts: tuple[RobotsConflict, ...]
    warnings: tuple[str, ...]
    """Plain-language problems with the person's own rules (search engines blocked)."""

    @property
    def still_allowed(self) -> tuple[str, ...]:
        """Crawlers the merged file does not block everywhere."""
        return tuple(c.user_agent for c in self.conflicts if not c.resolved)


def merge_robots(
    existing: bytes | None,
    crawlers: Sequence[Crawler],
    *,
    search_engines: Sequence[SearchEngine],
    checked: date,
    force: bool = False,
    path: Path | str = "robots.txt",
) -> RobotsMerge:
    """``existing`` (None for no file) with notrain's block naming ``crawlers``.

    A second call with the same crawlers returns the same bytes; other crawlers replace only
    the block. Raises ``RobotsSyntaxError`` for a file notrain will not change, ``InputError``
    for a damaged block, and ``OptionError`` when ``crawlers`` names a search engine."""
    engines = {engine.user_agent.lower() for engine in search_engines}
    wrong = [c.user_agent for c in crawlers if c.user_agent.lower() in engines]
    if wrong:
        raise OptionError(f"notrain never blocks search engines, and was asked to block {wrong}.")
    robots = parse_robots(existing or b"", path=path)
    lines = split_lines(robots.text)
    found = find_block(lines, path)
    ours = range(found[0] + 1, found[1] + 2) if found else range(0)
    outside = [g for g in robots.groups if g.lines[0].number not in ours]
    tokens = {c.user_agent.lower(): c.user_agent for c in crawlers}
    opened = [g for g in outside if _allows_any(g, tokens)]
    disabled: list[tuple[str, int]] = []
    if force:
        for group in opened:
            disabled += _disable(lines, group, tokens)
        outside = [g for g in outside if g not in opened]
    newline = newline_of(robots.text)
    body = _body(crawlers, search_engines, checked)
    block = render_block(_TITLE, body, newline)
    insert_at = None if found else _insert_at(robots, outside)
    merged = put_block("".join(lines), block, path, insert_at=insert_at)
    data = ("\ufeff" if robots.bom else "").encode() + merged.encode("utf-8")
    result = parse_robots(data, path=path)
    added = len(body) + 2 - (found[1] - found[0] + 1 if found else 0)

    def moved(number: int) -> int:
        if found:
            return number + added if number > found[1] + 1 else number
        if insert_at is not None and lines and number > insert_at:
            return number + added + 1
        return number

    still_open = [_open_to(result, crawler) for crawler in crawlers]
    conflicts = [c for c in still_open if c is not None] + _resolved(result, disabled, moved)
    return RobotsMerge(
        data=data,
        changed=existing is None or data != existing,
        named=tuple(c.user_agent for c in crawlers),
        conflicts=tuple(conflicts),
        warnings=tuple(_search_warnings(result, search_engines)),
    )


def _body(crawlers: Sequence[Crawler], engines: Sequence[SearchEngine], checked: date) -> list[str]:
    names = ", ".join(engine.user_agent for engine in engines)
    about = (
        "Written by `notrain site`: what is between BEGIN and END is replaced when it runs "
        "again, so put your own rules outside it. Each crawler is named as its operator "
        f"documented it on {checked.isoformat()}. Search engines ({names}) are not named here "
        "and keep what the rest of this file gives them."
    )
    body = [f"# {line}" for line in textwrap.wrap(about, 86)]
    for crawler in crawlers:
        body += ["", f"# {crawler.operator}, for {_PURPOSES[crawler.purpose]}"]
        body += [f"User-agent: {crawler.user_agent}", "Disallow: /"]
    return body


def _allows_any(group: RobotsGroup, tokens: dict[str, str]) -> bool:
    named = any(agent.lower() in tokens for agent in group.user_agents)
    return named and any(rule.kind == "allow" and rule.value for rule in group.rules)


def _disable(lines: list[str], group: RobotsGroup, tokens: dict[str, str]) -> list[tuple[str, int]]:
    """Turn ``group``'s lines for the crawlers in ``tokens`` into comments, in place: only
    their ``User-agent`` lines when the group names other crawlers too, else the whole group.
    Returns each crawler (as notrain's list spells it) with the number of a line changed."""
    keeps_others = any(agent.lower() not in tokens for agent in group.user_agents)
    changed = []
    for line in group.lines:
        named = line.kind == "user-agent" and line.value.lower() in tokens
        if keeps_others and not named:
            continue
        lines[line.number - 1] = DISABLED + lines[line.number - 1]
        agents = [line.value] if line.kind == "user-agent" else group.user_agents
        changed += [(tokens[a.lower()], line.number) for a in agents if a.lower() in tokens]
    return changed


def _insert_at(robots: RobotsFile, groups: Sequence[RobotsGroup]) -> int | None:
    """Before the first group and the comment lines right above it; None: at the end."""
    if not groups:
        return None
    index = groups[0].lines[0].number - 1
    while index > 0 and robots.lines[index - 1].kind == "comment":
        index -= 1
    return index


def _open_to(robots: RobotsFile, crawler: Crawler) -> RobotsConflict | None:
    seen = access(robots, crawler.user_agent)
    if seen.status == "blocked":
        return None
    lines = seen.allow_lines or seen.group_lines
    return RobotsConflict(
        user_agent=crawler.user_agent,
        lines=lines,
        texts=tuple(robots.lines[n - 1].text.strip() for n in lines),
        resolved=False,
    )


def _resolved(
    robots: RobotsFile, disabled: list[tuple[str, int]], moved: Callable[[int], int]
) -> list[RobotsConflict]:
    """The crawlers ``force`` shut out, with the lines it turned into comments (``disabled``
    numbers them in the file as it was; ``moved`` gives their number in ``robots``)."""
    by_agent: dict[str, list[int]] = {}
    for agent, number in disabled:
        by_agent.setdefault(agent, []).append(moved(number))
    return [
        RobotsConflict(
            user_agent=agent,
            lines=tuple(numbers),
            texts=tuple(robots.lines[n - 1].text.strip() for n in numbers),
            resolved=True,
        )
        for agent, numbers in by_agent.items()
    ]


def _search_warnings(robots: RobotsFile, engines: Sequence[SearchEngine]) -> list[str]:
    blocked: dict[tuple[int, ...], list[str]] = {}
    for engine in engines:
        seen = access(robots, engine.user_agent)
        if not seen.root_allowed:
            blocked.setdefault(seen.group_lines, []).append(engine.user_agent)
    warnings = []
    for group_lines, names in blocked.items():
        where = ", ".join(f"line {n} ({robots.lines[n - 1].text.strip()!r})" for n in group_lines)
        everyone = any(robots.lines[n - 1].value == "*" for n in group_lines)
        who = "every crawler, search engines included," if everyone else "search engines"
        warnings.append(
            f"Your robots.txt keeps {who} out of your whole site: {', '.join(names)} "
            f"may not fetch your home page (the group at {where}). Your site will not be "
            "found in those search engines. notrain leaves your own rules as they are; "
            "change that group if you did not mean it."
        )
    return warnings
