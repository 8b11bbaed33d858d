"""Reading saved replies: emails in every common encoding, text and HTML files, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from notrain.errors import CorruptFileError, InputError, UnsupportedFormatError
from notrain.rights.replies import MAX_REPLY_BYTES, read_reply
from notrain.rights.triage import triage

REPLIES = Path(__file__).parent / "replies"


def test_multipart_email_prefers_the_plain_text_part() -> None:
    text = read_reply(REPLIES / "honoured-multipart.eml")
    assert text.startswith("Subject: Your objection to AI at Meta\n\n")
    assert "https://www.facebook.com/privacy/center/" in text
    assert "Visit the Privacy Center" not in text  # only in the HTML part
    result = triage(text)
    assert (result.label, result.language) == ("honoured", "en")


def test_html_only_email_is_converted_with_quotes_marked() -> None:
    text = read_reply(REPLIES / "refused-html-only.eml")
    assert "Widerspruch" in text and "geprüft" in text and "&uuml;" not in text
    assert "color:" not in text and "tracking(" not in text  # style and script are dropped
    assert "\n\n" in text  # paragraphs survive
    assert "> Ich widerspreche" in text  # the quoted objection is marked as history
    result = triage(text)
    assert (result.label, result.language) == ("refused", "de")
    assert not any("widerspreche" in s for s in result.evidence)


def test_latin1_quoted_printable_email() -> None:
    text = read_reply(REPLIES / "ack-latin1-qp.eml")
    assert "Subject: Accusé de réception de votre demande" in text
    assert "Nous avons bien reçu votre demande" in text
    result = triage(text)
    assert (result.label, result.language, result.reference) == (
        "acknowledgement",
        "fr",
        "55120984",
    )


def test_base64_utf8_email() -> None:
    text = read_reply(REPLIES / "info-base64.eml")
    assert "zrzutów ekranu" in text
    assert (triage(text).label, triage(text).language) == ("info-requested", "pl")


@pytest.mark.parametrize(
    ("name", "snippet", "label", "language"),
    [
        ("honoured-bom.txt", "bezwaar", "honoured", "nl"),
        ("refused-cp1252.txt", "objeción", "refused", "es"),
        ("unrelated-login.md", "new login", "unrelated", "en"),
        ("info-request.html", "d'identità valido", "info-requested", "it"),
    ],
)
def test_text_markdown_and_html_files(name: str, snippet: str, label: str, language: str) -> None:
    text = read_reply(REPLIES / name)
    assert snippet in text and not text.startswith("\ufeff") and "\r" not in text
    result = triage(text)
    assert (result.label, result.language) == (label, language)
    assert all(sentence in text for sentence in result.evidence)


def test_html_lists_and_entities_become_plain_text() -> None:
    text = read_reply(REPLIES / "info-request.html")
    assert "- Formato: JPG o PDF\n- Dimensione massima: 5 MB" in text
    assert "<" not in text and "&" not in text and "La tua richiesta" not in text  # no <title>


def test_utf16_and_central_european_text(tmp_path: Path) -> None:
    polish = "Otrzymaliśmy Twoje zgłoszenie. Numer zgłoszenia: 70021553. Dziękujemy za kontakt."
    (tmp_path / "a.txt").write_bytes(polish.encode("utf-16"))
    (tmp_path / "b.txt").write_bytes(polish.encode("cp1250"))
    assert read_reply(tmp_path / "a.txt") == polish + "\n"
    assert read_reply(tmp_path / "b.txt") == polish + "\n"
    french = "Nous avons bien reçu votre demande, à très bientôt."
    (tmp_path / "c.txt").write_bytes(french.encode("cp1252"))
    assert read_reply(tmp_path / "c.txt") == french + "\n"


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("missing.txt", None, InputError),
        ("empty.txt", b"", CorruptFileError),
        ("blank.eml", b"Subject: hello\n\n   \n", CorruptFileError),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", CorruptFileError),
        ("outlook.msg", b"\xd0\xcf\x11\xe0", UnsupportedFormatError),
        ("reply.pdf", b"%PDF-1.7", UnsupportedFormatError),
        ("headerless.eml", b"We will honour your objection.\n", CorruptFileError),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes | None, error: type) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(error) as caught:
        read_reply(path)
    assert caught.value.hint


@pytest.mark.parametrize("charset", ["utf-8", "x-unknown-charset"])
def test_email_with_a_wrong_or_unknown_charset_still_reads(tmp_path: Path, charset: str) -> None:
    path = tmp_path / "wrong.eml"
    path.write_bytes(
        f"From: a@example.org\nSubject: Re\nContent-Type: text/plain; charset={charset}\n"
        "Content-Transfer-Encoding: 8bit\n\n".encode("ascii")
        + "Votre opposition a été acceptée.\n".encode("cp1252")
    )
    text = read_reply(path)
    assert "Votre opposition a été acceptée." in text
    assert triage(text).label == "honoured"


def test_attachment_only_email_has_no_text(tmp_path: Path) -> None:
    path = tmp_path / "attachment.eml"
    path.write_bytes(
        b"From: a@example.org\nSubject: x\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n'
        b'Content-Type: application/pdf\nContent-Disposition: attachment; filename="x.pdf"\n'
        b"Content-Transfer-Encoding: base64\n\nJVBERi0xLjcK\n--b--\n"
    )
    with pytest.raises(CorruptFileError, match="no text"):
        read_reply(path)


def test_oversized_reply_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * (MAX_REPLY_BYTES + 1))
    with pytest.raises(InputError, match="MB") as caught:
        read_reply(path)
    assert "paste" in (caught.value.hint or "")
