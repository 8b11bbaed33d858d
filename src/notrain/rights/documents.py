"""Turning a :class:`~notrain.rights.model.Document` into plain text, Markdown and PDF.

A document's body is Markdown in a small subset: ``#`` headings, paragraphs, ``- ``
(or numbered) list items, ``> `` quotes, ``---`` rules, ``**bold**``, links, and
backslash escapes. A line break inside a paragraph stays a line break in every
output, because letters have address blocks and signatures. The title, recipient and
send-to line are plain text. Text and Markdown keep every character; the PDF needs a
font for each one (see :mod:`notrain.rights.fonts`) and says which are missing.

Files are written atomically: a crash never leaves half a letter under its name, and
an existing file is replaced only when asked.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from notrain.errors import OptionError
from notrain.output import write_atomic
from notrain.rights.model import Document

__all__ = [
    "FORMATS",
    "md_escape",
    "md_unescape",
    "to_markdown",
    "to_pdf",
    "to_text",
    "write_document",
]

FORMATS: dict[str, str] = {".txt": "text", ".md": "markdown", ".pdf": "pdf"}
"""Output formats by file suffix."""

_FORMAT_NAMES = {
    "txt": "text",
    "text": "text",
    "md": "markdown",
    "markdown": "markdown",
    "pdf": "pdf",
}

_LABELS: dict[str, tuple[str, str]] = {
    "en": ("Send to", "Page {page} of {pages}"),
    "de": ("Senden an", "Seite {page} von {pages}"),
    "fr": ("Envoyer à", "Page {page} sur {pages}"),
    "es": ("Enviar a", "Página {page} de {pages}"),
    "it": ("Inviare a", "Pagina {page} di {pages}"),
    "nl": ("Versturen naar", "Pagina {page} van {pages}"),
    "pl": ("Wyślij do", "Strona {page} z {pages}"),
    "pt-BR": ("Enviar para", "Página {page} de {pages}"),
}

_PUNCTUATION = r"!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"
_ESCAPE_ANYWHERE = re.compile(r"([\\`*_\[\]<~])")
_ESCAPE_LINE_START = re.compile(r"^([ \t]*)([#>+=|-])", re.MULTILINE)
_ESCAPE_NUMBERED = re.compile(r"^([ \t]*\d+)([.)])", re.MULTILINE)
_UNESCAPE = re.compile(rf"\\([{_PUNCTUATION}])")
_ADDRESS = re.compile(r"(?:https?://|mailto:)[^\s<>]+|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+")
_INLINE = re.compile(
    rf"""\\(?P<esc>[{_PUNCTUATION}])
    | (?P<bold>\*\*)
    | <(?P<auto>{_ADDRESS.pattern})>
    | \[(?P<label>(?:\\.|[^\]\\])*)\]\((?P<href>[^\s()]+)\)
    | `(?P<code>[^`]+)`
    | (?P<text>[^\\*<\[`]+|.)""",
    re.VERBOSE | re.DOTALL,
)
_HEADING = re.compile(r"(#{1,6})\s+(.*?)(?:\s+#+)?\s*")
_ITEM = re.compile(r"([-*+]|\d{1,9}[.)])\s+(.*)")
_RULE = re.compile(r"([-*_])(?:\s*\1){2,}")


def md_escape(text: str, *, inline: bool = False) -> str:
    """``text`` as Markdown that shows exactly ``text``: markup characters get a backslash.

    With ``inline`` the text is put on one line (for a heading or a list item)."""
    if inline:
        text = " ".join(text.split())
    text = _ESCAPE_ANYWHERE.sub(r"\\\1", _newlines(text))
    text = _ESCAPE_LINE_START.sub(r"\1\\\2", text)
    return _ESCAPE_NUMBERED.sub(r"\1\\\2", text)


def md_unescape(text: str) -> str:
    """The text behind backslash escapes (the inverse of :func:`md_escape`)."""
    return _UNESCAPE.sub(r"\1", text)


@dataclass(frozen=True)
class _Run:
    text: str
    bold: bool = False
    link: str = ""


@dataclass(frozen=True)
class _Block:
    kind: str
    """``heading``, ``paragraph``, ``item``, ``quote`` or ``rule``."""
    lines: tuple[str, ...] = ()
    level: int = 0
    """The heading level, or how deep a list item is nested."""
    marker: str = "-"


def _newlines(text: str) -> str:
    return re.sub(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]", "\n", text)


def _blocks(markdown: str) -> list[_Block]:
    blocks: list[_Block] = []
    kind, lines, level, marker = "", [], 0, "-"

    def close() -> None:
        nonlocal kind, lines
        if kind:
            blocks.append(_Block(kind, tuple(lines), level, marker))
        kind, lines = "", []

    for raw in _newlines(markdown).expandtabs(4).split("\n"):
        stripped = raw.strip()
        indent = len(raw) - len(raw.lstrip(" "))
        line = _drop_hard_break(raw.lstrip(" "))
        if not stripped:
            close()
        elif (heading := _HEADING.fullmatch(stripped)) and indent < 4:
            close()
            blocks.append(_Block("heading", (heading[2],), len(heading[1])))
        elif _RULE.fullmatch(stripped) and kind != "paragraph":
            close()
            blocks.append(_Block("rule"))
        elif item := _ITEM.fullmatch(line):
            close()
            bullet = item[1] if item[1][0].isdigit() else "-"
            kind, lines, level, marker = "item", [item[2]], indent // 2, bullet
        elif stripped.startswith(">"):
            if kind != "quote":
                close()
                kind, level = "quote", 0
            lines.append(_drop_hard_break(stripped[1:].removeprefix(" ")))
        elif kind in ("paragraph", "item", "quote"):
            lines.append(line)
        else:
            kind, lines, level = "paragraph", [line], 0
    close()
    return blocks


def _drop_hard_break(line: str) -> str:
    """Remove Markdown's end-of-line hard break (two spaces, or an unescaped backslash)."""
    trailing = len(line) - len(line.rstrip("\\"))
    if trailing % 2:
        return line[:-1].rstrip()
    return line.rstrip()


def _runs(line: str) -> list[_Run]:
    tokens = list(_INLINE.finditer(line))
    markers = [i for i, t in enumerate(tokens) if t["bold"]]
    literal = {markers[-1]} if len(markers) % 2 else set()
    runs: list[_Run] = []
    bold = False
    for index, token in enumerate(tokens):
        if token["bold"] and index not in literal:
            bold = not bold
        elif token["auto"]:
            runs.append(_Run(token["auto"], bold, _href(token["auto"])))
        elif token["href"] is not None:
            label, href = md_unescape(token["label"]), token["href"]
            runs.append(_Run(label, bold, href))
            if label.strip() not in (href, href.removeprefix("mailto:")):
                runs.append(_Run(f" ({href.removeprefix('mailto:')})", bold, href))
        else:
            runs.append(_Run(token["esc"] or token["code"] or token[0], bold))
    return runs


def _href(address: str) -> str:
    return address if "://" in address or address.startswith("mailto:") else f"mailto:{address}"


def _plain(line: str) -> str:
    return "".join(run.text for run in _runs(line))


def _repeats_title(doc: Document, blocks: list[_Block]) -> bool:
    """Whether the body starts with a heading that only repeats the title."""
    first = blocks[0] if blocks else None
    return (
        first is not None
        and first.kind == "heading"
        and first.level == 1
        and _plain(first.lines[0]).strip() == doc.title.strip()
    )


def _body_blocks(doc: Document) -> list[_Block]:
    blocks = _blocks(doc.markdown)
    return blocks[1:] if _repeats_title(doc, blocks) else blocks


def _labels(language: str) -> tuple[str, str]:
    return _LABELS.get(language, _LABELS["en"])


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def to_markdown(doc: Document) -> str:
    """The document as Markdown: the title as ``#``, the recipient and send-to line, the body."""
    parts = [f"# {md_escape(doc.title, inline=True)}"]
    if doc.recipient.strip():
        lines = [md_escape(line.strip()) for line in _newlines(doc.recipient.strip()).split("\n")]
        parts.append("\\\n".join(line for line in lines if line))
    if doc.send_to.strip():
        target = doc.send_to.strip()
        shown = f"<{target}>" if _ADDRESS.fullmatch(target) else md_escape(target, inline=True)
        parts.append(f"**{_labels(doc.language)[0]}:** {shown}")
    body = _newlines(doc.markdown).strip()
    if _repeats_title(doc, _blocks(doc.markdown)):
        body = body.partition("\n")[2].strip()
    if body:
        parts.append(body)
    return "\n\n".join(parts) + "\n"


def to_text(doc: Document) -> str:
    """The document as plain text: headings underlined, markup removed, escapes resolved."""
    parts = [_underlined(doc.title.strip(), "=")]
    if doc.recipient.strip():
        parts.append(_newlines(doc.recipient.strip()))
    if doc.send_to.strip():
        parts.append(f"{_labels(doc.language)[0]}: {doc.send_to.strip()}")
    text = "\n\n".join(parts)
    previous = ""
    for block in _body_blocks(doc):
        separator = "\n" if block.kind == previous == "item" else "\n\n"
        text += separator + _block_text(block)
        previous = block.kind
    return text + "\n"


def _underlined(text: str, char: str) -> str:
    return f"{text}\n{char * max(3, _width(text))}"


def _block_text(block: _Block) -> str:
    lines = [_plain(line) for line in block.lines]
    if block.kind == "heading":
        return _underlined(lines[0].strip(), "=" if block.level == 1 else "-")
    if block.kind == "rule":
        return "-" * 40
    if block.kind == "item":
        prefix = f"{'  ' * block.level}{block.marker} "
        pad = " " * len(prefix)
        return "\n".join([prefix + lines[0]] + [pad + line if line else "" for line in lines[1:]])
    if block.kind == "quote":
        return "\n".join(f"> {line}".rstrip() for line in lines)
    return "\n".join(lines)


def to_pdf(doc: Document) -> bytes:
    """The document as an A4 PDF with embedded fonts (see :func:`notrain.rights.pdf.render_pdf`;
    the PDF library loads only when a PDF is made)."""
    from notrain.rights.pdf import render_pdf

    return render_pdf(doc)


def write_document(
    doc: Document, path: Path, format: str | None = None, *, overwrite: bool = False
) -> Path:
    """Write ``doc`` to ``path`` as text, Markdown or PDF (from the suffix unless ``format``
    says: ``text``/``txt``, ``markdown``/``md``, ``pdf``), atomically. Returns ``path``."""
    path = Path(path)
    chosen = _format(path, format)
    if chosen == "pdf":
        data = to_pdf(doc)
    else:
        data = (to_markdown(doc) if chosen == "markdown" else to_text(doc)).encode("utf-8")
    write_atomic(path, data, overwrite=overwrite)
    return path


def _format(path: Path, format: str | None) -> str:
    if format is not None:
        name = format.lower().lstrip(".")
        if name in _FORMAT_NAMES:
            return _FORMAT_NAMES[name]
        raise OptionError(
            f"Unknown document format {format!r}.", hint="Use one of: text, markdown, pdf."
        )
    if path.suffix.lower() in FORMATS:
        return FORMATS[path.suffix.lower()]
    raise OptionError(
        f"notrain cannot tell which format to write {path.name} in (expected .txt, .md or .pdf).",
        hint="Name the file with one of those suffixes.",
    )
