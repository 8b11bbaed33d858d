"""The part of a person's file that notrain manages: between ``# BEGIN notrain`` and ``# END notrain``.

robots.txt, ai.txt and a Netlify or Cloudflare Pages ``_headers`` file may hold the person's own
lines. notrain writes only between its two marker lines, so a second run with the same list
gives the same bytes, a changed list replaces only that block, and everything outside it (line
endings included) stays as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from notrain.errors import InputError

__all__ = [
    "BEGIN",
    "END",
    "decode_utf8",
    "find_block",
    "newline_of",
    "put_block",
    "render_block",
    "split_lines",
]

BEGIN = "# BEGIN notrain"
END = "# END notrain"

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")


def decode_utf8(data: bytes | None, path: Path | str) -> str:
    """A file's bytes as text (empty for None); ``InputError`` when they are not UTF-8."""
    if data is None:
        return ""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            f"Line {line} of {path} has bytes that are not UTF-8 text.",
            path=path,
            hint="Save the file as UTF-8 (or remove it), then run notrain site again. "
            "Nothing was written.",
        ) from None


def split_lines(text: str) -> list[str]:
    """``text`` as lines that keep their own ending (``\\r\\n``, ``\\n`` or ``\\r``), so that
    joining them gives ``text`` back exactly."""
    return [line for line in _LINE.findall(text) if line]


def newline_of(text: str) -> str:
    """The line ending most lines of ``text`` use (``\\n`` for an empty text)."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf >= text.count("\n") - crlf else "\n"


def find_block(lines: Sequence[str], path: Path | str) -> tuple[int, int] | None:
    """The indexes of the BEGIN and END lines of notrain's block, or None when there is none.

    Raises ``InputError`` naming the line when the block is damaged: an END without a BEGIN,
    a BEGIN without an END, or two blocks."""
    begins = [i for i, line in enumerate(lines) if line.strip().startswith(BEGIN)]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if not begins and not ends:
        return None
    if len(begins) == 1 and len(ends) == 1 and begins[0] < ends[0]:
        return begins[0], ends[0]
    if len(begins) > 1 or len(ends) > 1:
        problem = f"has notrain's block more than once (lines {_numbers(begins + ends)})"
    elif not ends:
        problem = f"has '{BEGIN}' on line {begins[0] + 1} but no '{END}' after it"
    elif not begins:
        problem = f"has '{END}' on line {ends[0] + 1} but no '{BEGIN}' before it"
    else:
        problem = f"has '{END}' (line {ends[0] + 1}) before '{BEGIN}' (line {begins[0] + 1})"
    raise InputError(
        f"{path} {problem}.",
        path=path,
        hint="Remove what is left of notrain's block by hand, then run notrain site again.",
    )


def render_block(title: str, body: Sequence[str], newline: str) -> str:
    """notrain's block: the BEGIN line with ``title``, the ``body`` lines, the END line."""
    return "".join(f"{line}{newline}" for line in (f"{BEGIN}: {title}", *body, END))


def put_block(text: str, block: str, path: Path | str, *, insert_at: int | None = None) -> str:
    """``text`` with notrain's block replaced by ``block``; where there is none yet, ``block``
    goes before line ``insert_at`` (an index into :func:`split_lines`), or at the end, set
    apart from the person's lines by an empty line."""
    lines = split_lines(text)
    found = find_block(lines, path)
    if found is not None:
        start, end = found
        tail = "".join(lines[end + 1 :])
        if not lines[end].endswith(("\n", "\r")) and tail == "":
            block = block.rstrip("\r\n")
        return "".join(lines[:start]) + block + tail
    if not lines:
        return block
    newline = newline_of(text)
    if insert_at is not None and insert_at < len(lines):
        return "".join(lines[:insert_at]) + block + newline + "".join(lines[insert_at:])
    if not lines[-1].endswith(("\n", "\r")):
        text += newline
    if lines[-1].strip():
        text += newline
    return text + block


def _numbers(indexes: list[int]) -> str:
    return ", ".join(str(i + 1) for i in sorted(indexes))
