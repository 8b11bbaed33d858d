"""Documents as PDF: A4, embedded fonts (Open Sans, and fonts found on this computer for other
scripts), headings, lists, bold, links, and "page n of m" in the document's language."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from fpdf import FPDF

from notrain.rights.documents import (
    _ADDRESS,
    _Block,
    _body_blocks,
    _href,
    _labels,
    _newlines,
    _plain,
    _Run,
    _runs,
)
from notrain.rights.fonts import OPEN_SANS, FontPlan, plan_fonts
from notrain.rights.model import Document

__all__ = ["render_pdf"]


class _Pdf(FPDF):
    """A4 pages with a centred "Page n of m" footer."""

    def __init__(self, footer: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self._footer = footer
        self._pages_alias = "{nb}"
        self.alias_nb_pages(None)

    def header(self) -> None:
        # The total-pages alias is on only while a footer is drawn, so that "{nb}" in a
        # person's own text stays as written.
        self.alias_nb_pages(None)

    def footer(self) -> None:
        self.alias_nb_pages(self._pages_alias, align="L")
        self.set_y(-14)
        self.set_font(style="", size=8)
        self.set_text_color(110)
        text = self._footer.format(page=self.page_no(), pages=self._pages_alias)
        self.cell(0, 6, text, align="C")
        self.set_text_color(0)


_Clean = Callable[[str], str]
_FAMILY = "opensans"
_SIZE = 10.5
_LEADING = 5.2


def render_pdf(doc: Document) -> bytes:
    """The document as an A4 PDF with embedded fonts.

    Characters outside Latin, Greek and Cyrillic are set in fonts found on this computer;
    :class:`MissingGlyphs` names any that no font has. Text is shaped with HarfBuzz, so
    joining and right-to-left scripts (Arabic, Hebrew, Indic) come out as they are written;
    paragraphs run left to right, as the letters' own language does."""
    blocks = _body_blocks(doc)
    send_label, footer = _labels(doc.language)
    everything = "\n".join(
        [doc.title, doc.recipient, doc.send_to, send_label, footer]
        + [_plain(line) for block in blocks for line in block.lines]
    )
    plan = plan_fonts(unicodedata.normalize("NFC", everything))
    pdf = _Pdf(footer)
    _setup(pdf, doc, plan)
    clean = _cleaner(plan)
    pdf.add_page()
    pdf.set_font(_FAMILY, "B", 16)
    pdf.multi_cell(0, 7.5, clean(doc.title.strip()), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(_FAMILY, "", _SIZE)
    if doc.recipient.strip():
        for line in _newlines(doc.recipient.strip()).split("\n"):
            pdf.write(_LEADING, clean(line.strip()))
            pdf.ln(_LEADING)
        pdf.ln(3)
    if doc.send_to.strip():
        target = doc.send_to.strip()
        pdf.set_font(style="B")
        pdf.write(_LEADING, f"{send_label}: ")
        pdf.set_font(style="")
        link = _href(target) if _ADDRESS.fullmatch(target) else ""
        pdf.write(_LEADING, clean(target), link=link)
        pdf.ln(_LEADING + 3)
    previous = ""
    for block in blocks:
        _draw_block(pdf, block, previous, clean)
        previous = block.kind
    return bytes(pdf.output())


def _setup(pdf: _Pdf, doc: Document, plan: FontPlan) -> None:
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    for style, path in OPEN_SANS.items():
        pdf.add_font(_FAMILY, style, path)
    names = []
    for number, face in enumerate(plan.fallbacks):
        name = f"fallback{number}"
        pdf.add_font(name, "", face.path, collection_font_number=face.index)
        names.append(name)
    if names:
        pdf.set_fallback_fonts(names, exact_match=False)
    pdf.set_text_shaping(True, direction="ltr")
    pdf.set_font(_FAMILY, "", _SIZE)
    pdf.set_title(doc.title.strip())
    pdf.set_lang(doc.language)
    pdf.set_subject(doc.kind)
    pdf.set_creator("notrain")


def _cleaner(plan: FontPlan) -> _Clean:
    def clean(text: str) -> str:
        return unicodedata.normalize("NFC", text).expandtabs(4).translate(plan.replacements)

    return clean


def _draw_block(pdf: _Pdf, block: _Block, previous: str, clean: _Clean) -> None:
    if previous:
        pdf.ln(1 if block.kind == previous == "item" else 2.5)
    if block.kind == "heading":
        size = {1: 14.5, 2: 12.5}.get(block.level, 11)
        if pdf.will_page_break(30):
            pdf.add_page()
        elif previous:
            pdf.ln(3)
        pdf.set_font(_FAMILY, "B", size)
        _write_runs(pdf, _runs(block.lines[0]), size * 0.5, clean, bold=True)
        pdf.ln(size * 0.5 + 1)
        pdf.set_font(_FAMILY, "", _SIZE)
        return
    if block.kind == "rule":
        pdf.set_draw_color(160)
        pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
        pdf.ln(2)
        return
    margin = pdf.l_margin
    if block.kind == "item":
        bullet = "•" if block.marker == "-" else block.marker
        indent = margin + 5 * block.level
        width = 5 if bullet == "•" else pdf.get_string_width(bullet) + 2
        pdf.set_left_margin(indent + width)
        pdf.set_x(indent)
        pdf.cell(width, _LEADING, bullet)
    elif block.kind == "quote":
        pdf.set_left_margin(margin + 6)
        pdf.set_text_color(70)
    start = (pdf.page, pdf.get_y())
    for number, line in enumerate(block.lines):
        if number:
            pdf.ln(_LEADING)
        _write_runs(pdf, _runs(line), _LEADING, clean)
    pdf.ln(_LEADING)
    if block.kind == "quote":
        top = start[1] if start[0] == pdf.page else pdf.t_margin
        pdf.set_draw_color(190)
        pdf.set_line_width(0.6)
        pdf.line(margin + 1.5, top + 0.5, margin + 1.5, pdf.get_y() - 0.5)
        pdf.set_line_width(0.2)
    pdf.set_left_margin(margin)
    pdf.set_x(margin)
    pdf.set_text_color(0)


def _write_runs(
    pdf: _Pdf, runs: list[_Run], height: float, clean: _Clean, *, bold: bool = False
) -> None:
    after_space = False
    for run in runs:
        text = clean(run.text)
        pdf.set_font(style="B" if (bold or run.bold) else "")
        # write() wraps only at spaces inside one call: a run that starts with a word too
        # long for the rest of the line goes to the next line whole, not cut in two.
        word = text.split(" ", 1)[0]
        room = pdf.w - pdf.r_margin - pdf.get_x()
        if after_space and word and pdf.get_string_width(word) > room:
            pdf.ln(height)
        pdf.write(height, text, link=run.link)
        after_space = text[-1:].isspace()
    pdf.set_font(style="B" if bold else "")
