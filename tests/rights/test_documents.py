"""Documents as text, Markdown and PDF: every character kept, markup handled, files written safely."""

from __future__ import annotations

import errno
import io
import os
import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from notrain import output
from notrain.errors import OptionError, OutputError, OutputExistsError
from notrain.rights import fonts
from notrain.rights.documents import (
    md_escape,
    md_unescape,
    to_markdown,
    to_pdf,
    to_text,
    write_document,
)
from notrain.rights.fonts import MissingGlyphs
from notrain.rights.model import Document

NAME = "Zoë Łukasiewicz-Øre"
GREEK = "Αθηνά Παπαδοπούλου"
CYRILLIC = "Дмитрий Иванов"
CJK = "山田太郎"
PARAGRAPHS = (
    (
        "I object to the processing of my personal data for the development of artificial "
        "intelligence under Article 21(1) GDPR, on grounds relating to my particular situation."
    ),
    "I am an illustrator; my drawings are my living, and they were never meant to train a model.",
)


def sample(name: str = NAME, **changes: str) -> Document:
    body = "\n\n".join(
        [
            f"Dear Sir or Madam,\n\nMy name is **{md_escape(name, inline=True)}**.",
            *PARAGRAPHS,
            "## What I ask",
            "- stop using my public posts\n- confirm in writing",
            f"> {GREEK} and {CYRILLIC} wrote this quote.",
            f"Kind regards,  \n{md_escape(name, inline=True)}",
        ]
    )
    fields = {
        "kind": "complaint",
        "title": "Objection to AI training",
        "markdown": body,
        "language": "en",
        "recipient": "Meta Platforms Ireland Ltd.\nMerrion Road\nDublin 4\nIreland",
        "send_to": "https://www.facebook.com/help/contact/712876720715583",
    }
    return Document(**{**fields, **changes})


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def font_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The only font folder notrain searches is an empty temporary one (so only Open Sans)."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    monkeypatch.setattr(fonts, "font_folders", lambda: [folder])
    fonts.fallback_faces.cache_clear()
    yield folder
    fonts.fallback_faces.cache_clear()


def uncovered_character() -> str | None:
    """A character that no font on this computer has, if one of a few rare ones qualifies."""
    for ch in ("\u16a0", "\ue000", "\U0010fffd", "\U0001d2e0", "\U00016fe0", "\U0001e900"):
        try:
            fonts.plan_fonts(ch)
        except MissingGlyphs:
            return ch
    return None


# --- Markdown and text ------------------------------------------------------------------


def test_markdown_has_title_recipient_send_to_and_body():
    doc = sample()
    markdown = to_markdown(doc)
    assert markdown.startswith("# Objection to AI training\n\n")
    assert "Meta Platforms Ireland Ltd.\\\nMerrion Road\\\nDublin 4\\\nIreland" in markdown
    assert "**Send to:** <https://www.facebook.com/help/contact/712876720715583>" in markdown
    assert doc.markdown.strip() in markdown
    for text in (NAME, GREEK, CYRILLIC, *PARAGRAPHS):
        assert text in markdown


def test_text_removes_markup_and_keeps_every_character():
    text = to_text(sample(name=f"{NAME} {CJK} ᚠ"))
    assert text.startswith("Objection to AI training\n========================\n\n")
    assert "What I ask\n----------" in text
    assert f"My name is {NAME} {CJK} ᚠ." in text
    assert "- stop using my public posts\n- confirm in writing" in text
    assert f"> {GREEK} and {CYRILLIC} wrote this quote." in text
    assert "Send to: https://www.facebook.com/help/contact/712876720715583" in text
    assert "Kind regards,\n" in text
    assert "**" not in text and "\\" not in text


def test_send_to_label_follows_the_language():
    assert "Senden an: https://" in to_text(sample(language="de"))
    assert "**Envoyer à :**" not in to_markdown(sample(language="fr"))
    assert "**Envoyer à:**" in to_markdown(sample(language="fr"))


def test_a_body_heading_that_repeats_the_title_is_not_doubled():
    doc = sample(markdown="# Objection to AI training\n\nHello.")
    assert to_markdown(doc).count("Objection to AI training") == 1
    assert to_text(doc).count("Objection to AI training") == 1
    assert pdf_text(to_pdf(doc)).count("Objection to AI training") == 1


def test_links_show_their_address_in_text():
    doc = sample(markdown="See [the form](https://example.org/form) or <help@example.org>.")
    assert "See the form (https://example.org/form) or help@example.org." in to_text(doc)


def test_numbered_items_nested_items_and_rules():
    doc = sample(markdown="1. first\n2. second\n  - nested\n\n---\n\nEnd")
    text = to_text(doc)
    assert "1. first\n2. second\n  - nested" in text
    assert "-" * 40 in text


@pytest.mark.parametrize(
    "name",
    [
        "*bold*",
        "**not bold**",
        "_under_ score",
        "# not a heading",
        "- not a list",
        "1. not numbered",
        "> not a quote",
        "[not](a link)",
        "<not@a.link>",
        "`code`",
        "back\\slash\\",
        "~~strike~~",
        "{nb} {page}",
    ],
)
def test_escaped_user_text_shows_literally_everywhere(name: str):
    doc = sample(markdown=md_escape(name) + "\n\nName: " + md_escape(name, inline=True))
    text = to_text(doc)
    assert f"\n{name}\n" in text
    assert f"Name: {name}\n" in text
    assert flat(f"{name} Name: {name}") in pdf_text(to_pdf(doc))


@given(st.text(alphabet=st.characters(categories=("L", "N", "P", "S")) | st.just(" ")))
def test_escaping_round_trips_through_text(value: str):
    assert md_unescape(md_escape(value)) == value
    one_line = " ".join(value.split())
    doc = Document(kind="test", title="T", markdown="Value: " + md_escape(value, inline=True))
    assert to_text(doc) == f"T\n===\n\nValue: {one_line}".rstrip() + "\n"
    if value.strip():
        doc = Document(kind="test", title="T", markdown=md_escape(value))
        assert to_text(doc) == f"T\n===\n\n{value.strip()}\n"


# --- PDF ----------------------------------------------------------------------------------


def test_pdf_opens_and_contains_the_text():
    data = to_pdf(sample())
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    text = pdf_text(data)
    for expected in (
        "Objection to AI training",
        NAME,
        GREEK,
        CYRILLIC,
        *PARAGRAPHS,
        "Meta Platforms Ireland Ltd. Merrion Road Dublin 4 Ireland",
        "stop using my public posts",
        "Page 1 of 1",
    ):
        assert flat(expected) in text
    assert "**" not in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert reader.metadata.title == "Objection to AI training"
    assert reader.metadata.creator == "notrain"
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_pdf_embeds_its_fonts():
    reader = PdfReader(io.BytesIO(to_pdf(sample())))
    fonts_used = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts_used.values():
        descriptor = ref.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object()


def test_long_pdf_numbers_its_pages_and_keeps_literal_braces():
    paragraph = "A sentence about {nb} and my rights that goes on for a while. " * 12
    body = "\n\n".join(f"## Part {i}\n\n{paragraph}" for i in range(10))
    data = to_pdf(sample(markdown=body, language="de"))
    pages = len(PdfReader(io.BytesIO(data)).pages)
    assert pages > 1
    text = pdf_text(data)
    assert f"Seite 1 von {pages}" in text and f"Seite {pages} von {pages}" in text
    assert "about {nb} and" in text


def test_pdf_refuses_characters_no_font_has(font_folder: Path):
    doc = sample(name=f"{NAME} ᚠᚢ")
    with pytest.raises(MissingGlyphs) as caught:
        to_pdf(doc)
    assert caught.value.characters == ("ᚠ", "ᚢ")
    assert "U+16A0" in caught.value.message and "Runic" in caught.value.message
    assert "fonts-noto-core fonts-noto-cjk" in caught.value.hint
    assert ".md" in caught.value.hint and ".txt" in caught.value.hint
    assert "ᚠᚢ" in to_text(doc) and "ᚠᚢ" in to_markdown(doc)


def test_invisible_characters_and_odd_spaces_never_block_a_pdf(font_folder: Path):
    doc = sample(markdown="Heart\ufe0f and zero\u200bwidth\u2060joined and odd\u205fspace")
    text = pdf_text(to_pdf(doc))
    visible = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    assert "Heart and zerowidthjoined and odd space" in visible


def test_pdf_refuses_a_character_no_installed_font_has():
    ch = uncovered_character()
    if ch is None:
        pytest.skip("every rare test character has a font on this computer")
    with pytest.raises(MissingGlyphs) as caught:
        to_pdf(sample(name=f"{NAME} {ch}"))
    assert caught.value.characters == (ch,)


def test_cjk_name_round_trips_when_a_cjk_font_is_installed():
    try:
        fonts.plan_fonts(CJK)
    except MissingGlyphs:
        pytest.skip("no CJK font installed (Debian/Ubuntu: apt install fonts-noto-cjk)")
    text = pdf_text(to_pdf(sample(name=f"{NAME} {CJK}")))
    # CJK fonts have CFF outlines, which fpdf2 embeds with a CMap stream as encoding; pypdf
    # then reads each two-byte code as a NUL plus the character (pdfium reads it cleanly).
    assert CJK in "".join(text.replace("\x00", "").split())
    assert NAME in text


def test_fallback_fonts_are_found_by_file_name(font_folder: Path):
    source = fonts.OPEN_SANS[""]
    (font_folder / "noto").mkdir()
    for name in ("NotoSansRunic-Regular.ttf", "NotoSans-Bold.ttf", "DejaVuSans.ttf"):
        shutil.copy(source, font_folder / "noto" / name)
    shutil.copy(source, font_folder / "SomethingElse.ttf")
    (font_folder / "notes.txt").write_text("not a font")
    found = [face.path.name for face in fonts.fallback_faces()]
    assert found == ["NotoSansRunic-Regular.ttf", "DejaVuSans.ttf"]


def test_font_folders_include_the_debian_noto_folders():
    if not str(fonts.font_folders()[0]).startswith("/usr/share/fonts"):
        pytest.skip("not a Linux font layout")
    folders = fonts.font_folders()
    assert all(
        any(Path(p).is_relative_to(folder) for folder in folders)
        for p in ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")
    )


# --- Writing files ------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".md", ".pdf"])
def test_write_document_picks_the_format_from_the_suffix(tmp_path: Path, suffix: str):
    doc = sample()
    path = write_document(doc, tmp_path / "out" / f"letter{suffix}")
    data = path.read_bytes()
    if suffix == ".txt":
        assert data.decode("utf-8") == to_text(doc)
    elif suffix == ".md":
        assert data.decode("utf-8") == to_markdown(doc)
    else:
        assert NAME in pdf_text(data)
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_explicit_format_wins_and_unknown_ones_are_refused(tmp_path: Path):
    path = write_document(sample(), tmp_path / "letter.dat", "markdown")
    assert path.read_text(encoding="utf-8").startswith("# Objection")
    with pytest.raises(OptionError, match="letter.doc"):
        write_document(sample(), tmp_path / "letter.doc")
    with pytest.raises(OptionError, match="docx"):
        write_document(sample(), tmp_path / "letter.txt", "docx")


def test_existing_files_are_kept_unless_overwrite(tmp_path: Path):
    path = tmp_path / "letter.txt"
    path.write_text("mine")
    with pytest.raises(OutputExistsError) as caught:
        write_document(sample(), path)
    assert caught.value.path == path and "overwrite" in caught.value.hint
    assert path.read_text() == "mine"
    write_document(sample(), path, overwrite=True)
    assert path.read_text(encoding="utf-8") == to_text(sample())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.txt"]


def test_a_file_appearing_while_writing_is_not_replaced(tmp_path: Path, monkeypatch):
    path = tmp_path / "letter.md"
    real_link = os.link

    def someone_else_writes_first(source, target):
        Path(target).write_text("theirs")
        real_link(source, target)

    monkeypatch.setattr(output.os, "link", someone_else_writes_first)
    with pytest.raises(OutputExistsError):
        write_document(sample(), path)
    assert path.read_text() == "theirs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.md"]


@pytest.mark.parametrize("overwrite", [False, True])
def test_a_failed_write_leaves_no_partial_file(tmp_path: Path, monkeypatch, overwrite: bool):
    def disk_full(*_args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.os, "link", disk_full)
    monkeypatch.setattr(output.os, "replace", disk_full)
    with pytest.raises(OutputError, match="disk is full"):
        write_document(sample(), tmp_path / "letter.pdf", overwrite=overwrite)
    assert list(tmp_path.iterdir()) == []


def test_a_pdf_that_cannot_be_made_writes_nothing(tmp_path: Path, font_folder: Path):
    with pytest.raises(MissingGlyphs):
        write_document(sample(name="ᚠ"), tmp_path / "letter.pdf")
    assert not (tmp_path / "letter.pdf").exists()


def test_emoji_without_a_font_are_named_not_fatal():
    from notrain.rights.fonts import fallback_faces

    if any(0x1F3A8 in _cmap_of(face) for face in fallback_faces()):
        pytest.skip("an installed font draws 🎨, so it is not replaced")
    doc = Document(kind="letter", title="T", markdown="my art 🎨 and 👍🏽 ok")
    text = " ".join(PdfReader(io.BytesIO(to_pdf(doc))).pages[0].extract_text().split())
    assert "my art [artist palette] and [thumbs up sign] ok" in text


def _cmap_of(face):
    from notrain.rights.fonts import _cmap

    return _cmap(face)


def test_arabic_and_hebrew_are_shaped_and_read_back():
    from notrain.rights.fonts import fallback_faces

    arabic, hebrew = "مرحبا بالعالم", "שלום עולם"
    needed = {ord(ch) for ch in arabic + hebrew if not ch.isspace()}
    if not any(needed <= _cmap_of(face) for face in fallback_faces()):
        pytest.skip("no installed font has both Arabic and Hebrew letters (e.g. DejaVu Sans)")
    doc = Document(kind="letter", title="T", markdown=f"Name: {arabic} and {hebrew}.")
    text = PdfReader(io.BytesIO(to_pdf(doc))).pages[0].extract_text()
    # Shaped right-to-left runs come back in visual order: compare the words, not the line.
    for word in (*arabic.split(), *hebrew.split()):
        assert word in text, word
