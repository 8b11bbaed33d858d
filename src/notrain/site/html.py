"""The "not for AI" meta tags in a site's HTML files, added without reformatting the page.

``<meta name="robots" content="noai, noimageai">`` is DeviantArt's convention, read by a few
crawlers; ``<meta name="tdm-reservation" content="1">`` is TDMRep's, the machine-readable
reservation of rights of the EU DSM Directive. A page's own robots tokens (``noindex``...)
are kept: notrain adds the missing ones to the same tag.

The page is never re-serialised through a parser, which would rewrite the person's markup:
notrain finds ``<head>`` and its ``<meta>`` tags with a small scanner that skips comments,
scripts and styles, and edits the text there. The bytes are read as Latin-1, which maps every
byte to one character and back, so a page in UTF-8, windows-1252 or any other ASCII-based
encoding comes back byte for byte except for the edit. A page without ``<head>`` is left alone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["ROBOTS_TOKENS", "HeadMeta", "MetaEdit", "head_metas", "mark_html"]

ROBOTS_TOKENS = ("noai", "noimageai")
"""The robots meta tokens that say "not for AI"."""

_SCAN = 1 << 20
"""How far into a page its head is looked for (1 MiB): far past any real head, and a bound
on the work a hostile page can cause."""
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "noscript", "template")
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<!\[CDATA\[.*?(?:\]\]>|\Z)"
    r"|<[!?][^>]*>?"
    r"|<(?P<close>/?)(?P<name>[A-Za-z][^\s/>]*)"
    r"(?P<attrs>(?:[^<>\"']|\"[^\"]{0,4096}\"|'[^']{0,4096}')*)>",
    re.DOTALL,
)
_ATTR = re.compile(r"(?P<name>[^\s=/>\"']+)(?:\s*=\s*(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?")


@dataclass(frozen=True)
class HeadMeta:
    """A ``<meta>`` tag in the head: its attributes (names in lower case, entities decoded)."""

    attrs: dict[str, str]
    start: int
    end: int
    content_span: tuple[int, int] | None
    """Where the content attribute's value is, quotes included (None: no content attribute)."""


@dataclass(frozen=True)
class MetaEdit:
    """What :func:`mark_html` did to a page."""

    data: bytes
    changes: tuple[str, ...]
    """In plain words; empty when the page already says it all."""


@dataclass(frozen=True)
class _Tag:
    name: str
    closing: bool
    start: int
    end: int
    attrs_at: int
    attrs: str


def head_metas(text: str) -> list[HeadMeta] | None:
    """The ``<meta>`` tags in the page's head, or None when the page has no ``<head>``."""
    found = _head(text)
    return None if found is None else found[3]


def mark_html(data: bytes, *, policy: str | None = None) -> MetaEdit | None:
    """``data`` with the robots tokens ``noai, noimageai`` and ``tdm-reservation: 1`` (and
    ``tdm-policy`` when given) in its head; None for a page without ``<head>``."""
    text = data.decode("latin-1")
    found = _head(text)
    if found is None:
        return None
    head_start, head_end, found_close, metas = found
    xml = text.lstrip("\ufeff \t\r\n").startswith("<?xml") or "/>" in text[head_start:head_end]
    edits: list[tuple[int, int, str]] = []
    adds: list[str] = []
    changes: list[str] = []
    robots = _named(metas, "robots")
    if robots is None:
        adds.append(_meta("robots", ", ".join(ROBOTS_TOKENS), xml))
        changes.append("added the robots meta tag (noai, noimageai)")
    else:
        tokens = [t.strip() for t in robots.attrs.get("content", "").split(",") if t.strip()]
        missing = [t for t in ROBOTS_TOKENS if t not in {token.lower() for token in tokens}]
        if missing:
            edits.append(
                _set_content(text, robots, ", ".join([*_raw_tokens(text, robots), *missing]))
            )
            changes.append(f"added {', '.join(missing)} to the robots meta tag")
    wanted = {"tdm-reservation": "1"} | ({"tdm-policy": policy} if policy else {})
    for name, value in wanted.items():
        tag = _named(metas, name)
        if tag is None:
            adds.append(_meta(name, value, xml))
            changes.append(f"added the {name} meta tag")
        elif tag.attrs.get("content", "").strip() != value:
            edits.append(_set_content(text, tag, html.escape(value, quote=True)))
            changes.append(f"set the {name} meta tag to {value}")
    if adds:
        edits.append(_insertion(text, head_start, head_end, found_close, adds))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return MetaEdit(data=text.encode("latin-1"), changes=tuple(changes))


def _head(text: str) -> tuple[int, int, bool, list[HeadMeta]] | None:
    """Where the head's content starts (after ``<head>``) and ends (at ``</head>``; without
    one, right after ``<head>``), whether ``</head>`` was found, and the head's meta tags."""
    tags = _tags(text[:_SCAN])
    for tag in tags:
        if tag.name == "body" or (tag.name == "head" and tag.closing):
            return None
        if tag.name == "head":
            break
    else:
        return None
    head_open = tag
    metas: list[HeadMeta] = []
    for tag in tags:
        if tag.name == "head" and tag.closing:
            return head_open.end, tag.start, True, metas
        if tag.name == "body" and not tag.closing:
            return head_open.end, head_open.end, False, metas
        if tag.name == "meta" and not tag.closing:
            metas.append(_head_meta(tag))
    return head_open.end, head_open.end, False, metas


def _tags(text: str) -> Iterator[_Tag]:
    position = 0
    while (match := _TOKEN.search(text, position)) is not None:
        position = match.end()
        if match["name"] is None:
            continue
        name = match["name"].lower()
        tag = _Tag(
            name,
            bool(match["close"]),
            match.start(),
            match.end(),
            match.start("attrs"),
            match["attrs"],
        )
        yield tag
        if name in _RAW_TEXT and not tag.closing:
            closing = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(text, position)
            position = closing.start() if closing else len(text)


def _head_meta(tag: _Tag) -> HeadMeta:
    attrs: dict[str, str] = {}
    span = None
    for match in _ATTR.finditer(tag.attrs):
        name = match["name"].lower()
        if name in attrs:
            continue
        raw = match["value"] or ""
        attrs[name] = html.unescape(raw[1:-1] if raw[:1] in ("'", '"') else raw)
        if name == "content" and match["value"] is not None:
            span = (tag.attrs_at + match.start("value"), tag.attrs_at + match.end("value"))
    return HeadMeta(attrs=attrs, start=tag.start, end=tag.end, content_span=span)


def _named(metas: list[HeadMeta], name: str) -> HeadMeta | None:
    return next((m for m in metas if m.attrs.get("name", "").strip().lower() == name), None)


def _raw_tokens(text: str, meta: HeadMeta) -> list[str]:
    """The tag's content tokens as written in the file (entities and all)."""
    if meta.content_span is None:
        return []
    raw = text[slice(*meta.content_span)]
    raw = raw[1:-1] if raw[:1] in ("'", '"') else raw
    return [token.strip() for token in raw.split(",") if token.strip()]


def _set_content(text: str, meta: HeadMeta, escaped: str) -> tuple[int, int, str]:
    """Replace the tag's content value with ``escaped`` (already HTML-escaped)."""
    if meta.content_span is not None:
        start, end = meta.content_span
        quote = text[start] if text[start] in ("'", '"') else '"'
        return start, end, f"{quote}{escaped}{quote}"
    close = meta.end - (2 if text[meta.start : meta.end].endswith("/>") else 1)
    return close, close, f' content="{escaped}"'


def _meta(name: str, value: str, xml: bool) -> str:
    closing = " />" if xml else ">"
    return f'<meta name="{name}" content="{html.escape(value, quote=True)}"{closing}'


def _insertion(
    text: str, head_start: int, at: int, before_close: bool, tags: list[str]
) -> tuple[int, int, str]:
    """Where and how the new tags go: on lines of their own, indented like the head's other
    children, before ``</head>``; or, without ``</head>``, right after ``<head>``."""
    newline = "\r\n" if "\r\n" in text else "\n"
    line_start = text.rfind("\n", 0, at) + 1
    before = text[line_start:at]
    if before_close and not before.strip():
        previous_start = text.rfind("\n", 0, max(line_start - 1, 0)) + 1
        if previous_start >= head_start:
            previous = text[previous_start:line_start]
            indent = previous[: len(previous) - len(previous.lstrip(" \t"))]
        else:
            indent = before + "  "
        return line_start, line_start, "".join(f"{indent}{tag}{newline}" for tag in tags)
    if not before_close and text[at : at + 1] in ("\r", "\n"):
        following = re.match(r"(?:\r\n|\r|\n)([ \t]*)", text[at:])
        indent = following[1] if following else ""
        return at, at, "".join(f"{newline}{indent}{tag}" for tag in tags)
    return at, at, "".join(tags)
