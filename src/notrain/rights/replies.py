"""Reading a saved reply from Meta: an email (``.eml``), plain text or HTML, in any encoding.

Emails are parsed with the standard library's ``email`` package; the text/plain part is
preferred and text/html is turned into text (with quoted ``<blockquote>`` lines marked
``>``) when it is the only one. Text files are decoded from their BOM, their declared charset,
UTF-8, or a guess between Windows-1252 and Windows-1250.
"""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage, MIMEPart
from html.parser import HTMLParser
from pathlib import Path

from notrain.errors import CorruptFileError, InputError, UnsupportedFormatError

__all__ = ["MAX_REPLY_BYTES", "read_reply"]

MAX_REPLY_BYTES = 5 * 1024 * 1024
"""Reply files larger than this are not read (a real answer is a few kilobytes)."""
_TEXT_SUFFIXES = {".txt", ".text", ".md"}
_HTML_SUFFIXES = {".html", ".htm"}


def read_reply(path: Path) -> str:
    """The text of a saved reply: an email (``.eml``), plain text (``.txt``, ``.md``) or HTML.

    An email's Subject comes first as ``Subject: ...``; its text/plain part is preferred, its
    text/html part converted to text otherwise (quoted ``<blockquote>`` lines start with ``>``).
    Raises :class:`~notrain.errors.InputError` for a missing, unsupported, binary, empty or
    oversized file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".eml", *_TEXT_SUFFIXES, *_HTML_SUFFIXES}:
        raise UnsupportedFormatError(
            f"{path.name} is not a reply notrain can read (expected .eml, .txt, .md or .html).",
            path=path,
            hint="Save the email as .eml from your mail program, or paste its text into a .txt "
            "file.",
        )
    try:
        size = path.stat().st_size
        if size > MAX_REPLY_BYTES:
            raise InputError(
                f"{path.name} is {size / 1e6:.1f} MB; replies over "
                f"{MAX_REPLY_BYTES // (1024 * 1024)} MB are not read.",
                path=path,
                hint="Save only the message itself (without attachments) or paste its text.",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(
            f"Cannot read {path}: {exc.strerror or exc}.",
            path=path,
            hint="Check the path and that the file is readable.",
        ) from None
    if suffix == ".eml":
        text = _email_text(data, path)
    elif suffix in _HTML_SUFFIXES:
        text = _html_to_text(_decode(data, path, _meta_charset(data)))
    else:
        text = _decode(data, path)
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise CorruptFileError(
            f"{path.name} contains no text.", path=path, hint="Check that you saved the right file."
        )
    return text + "\n"


def _email_text(data: bytes, path: Path) -> str:
    _reject_binary(data, path)
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(message, EmailMessage) or not message.keys():
        raise CorruptFileError(
            f"{path.name} does not look like an email (it has no headers).",
            path=path,
            hint="If it is the message text, save it as .txt instead.",
        )
    body = ""
    for kind in ("plain", "html"):
        part = message.get_body(preferencelist=(kind,))
        if part is not None:
            content = _part_text(part, path)
            body = content if kind == "plain" else _html_to_text(content)
            if body.strip():
                break
    if not body.strip():
        raise CorruptFileError(
            f"{path.name} has no text or HTML part to read.",
            path=path,
            hint="Open it in your mail program and paste the message text into a .txt file.",
        )
    subject = " ".join(str(message.get("subject", "")).split())
    return f"Subject: {subject}\n\n{body}" if subject else body


def _part_text(part: MIMEPart, path: Path) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset()
    if charset:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return _decode(payload, path)


def _meta_charset(data: bytes) -> str | None:
    match = re.search(rb"<meta[^>]+charset=[\"']?([\w-]+)", data[:4096], re.IGNORECASE)
    return match.group(1).decode("ascii") if match else None


def _decode(data: bytes, path: Path, declared: str | None = None) -> str:
    """Bytes as text: a BOM wins, then the declared charset, UTF-8, and Windows-1252 or -1250."""
    boms = {b"\xef\xbb\xbf": "utf-8-sig", b"\xff\xfe": "utf-16", b"\xfe\xff": "utf-16"}
    bom = next((codec for mark, codec in boms.items() if data.startswith(mark)), None)
    if bom is None:
        _reject_binary(data, path)
    for codec in (bom, declared, "utf-8"):
        if codec:
            try:
                return data.decode(codec)
            except (LookupError, UnicodeDecodeError):
                pass
    western, central = data.decode("cp1252", "replace"), data.decode("cp1250", "replace")
    letters = "àâäçéèêëîïôöùûüÿœæßáíóúñ¿ìòãõąćęłńśźżÀÂÄÇÉÈÊÎÔÖÙÛÜÁÍÓÚÑÃÕĄĆĘŁŃŚŹŻ"
    return (
        central
        if sum(c in letters for c in central) > sum(c in letters for c in western)
        else western
    )


def _reject_binary(data: bytes, path: Path) -> None:
    if b"\x00" in data[:8192]:
        raise CorruptFileError(
            f"{path.name} is a binary file, not the text of a reply.",
            path=path,
            hint="Save the email as .eml or paste its text into a .txt file.",
        )


class _TextOfHTML(HTMLParser):
    """HTML to text: no scripts or styles, entities unescaped, blocks as paragraphs, blockquotes
    as ``>`` lines."""

    _SKIP = frozenset({"script", "style", "head", "title", "noscript", "template"})
    _BLOCK = frozenset(
        {"p", "div", "section", "article", "header", "footer", "table", "tr", "ul", "ol", "pre",
         "h1", "h2", "h3", "h4", "h5", "h6", "hr", "center", "address", "dl", "dt", "dd"}
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.buffers: list[list[str]] = [[]]
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skip += 1
        elif tag == "body":
            self.skip = 0
        elif tag == "br":
            self.buffers[-1].append("\n")
        elif tag == "li":
            self.buffers[-1].append("\n- ")
        elif tag in ("td", "th"):
            self.buffers[-1].append(" ")
        elif tag == "blockquote":
            self.buffers.append([])
        elif tag in self._BLOCK:
            self.buffers[-1].append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote" and len(self.buffers) > 1:
            inner = _tidy("".join(self.buffers.pop()))
            quoted = "\n".join(f"> {line}".rstrip() for line in inner.split("\n"))
            self.buffers[-1].append(f"\n\n{quoted}\n\n")
        elif tag in self._BLOCK:
            self.buffers[-1].append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.buffers[-1].append(re.sub(r"\s+", " ", data))

    def text(self) -> str:
        while len(self.buffers) > 1:
            self.handle_endtag("blockquote")
        return _tidy("".join(self.buffers[0]))


def _html_to_text(html: str) -> str:
    """Readable text of an HTML email: paragraphs kept, quoted ``<blockquote>`` lines as ``>``."""
    parser = _TextOfHTML()
    parser.feed(html)
    parser.close()
    return parser.text()


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
