"""E-mail: the message as a mail program reads it, sent to a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from notrain.errors import NotrainError, OptionError
from notrain.watch.mail import MailError, SmtpSettings, build_message, send
from notrain.watch.model import Change, Document
from notrain.watch.relevance import classify

FB = Document(
    key="facebook/privacy-policy/eu-de",
    service="facebook",
    doc_type="privacy-policy",
    jurisdiction="EU",
    language="de",
    url="https://www.facebook.com/privacy/policy/",
)
LI = Document(key="linkedin/terms/global-en", service="LinkedIn", doc_type="terms")
DOCUMENTS = {FB.key: FB, LI.key: LI}
GERMAN = "Wir nutzen öffentliche Beiträge, um KI-Modelle zu trainieren – auch für „KI bei Meta“."
PASSWORD = "s3cret-Password!"


def _change(document: Document, sentence: str, day: int) -> Change:
    captured = datetime(2025, 5, day, tzinfo=UTC)
    return classify(
        Change(document=document.key, captured=captured, kind="added", added=(sentence,))
    )


CHANGES = [
    _change(LI, "Your feed shows posts from people you follow.", 20),
    _change(FB, GERMAN, 28),
    _change(FB, "Wir haben die Kontaktdaten aktualisiert.", 27),
]


def _message(changes=CHANGES) -> EmailMessage:
    return build_message(
        changes, DOCUMENTS, sender="Ann Müller <ann@example.org>", recipients=["ann@example.org"]
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _reject(server, session, envelope, mechanism, auth_data) -> AuthResult:
    return AuthResult(success=False, handled=False)


@pytest.fixture
def inbox() -> Iterator[tuple[_Inbox, int]]:
    handler = _Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


@pytest.fixture
def strict_server() -> Iterator[int]:
    """A server that refuses every login (and allows one without TLS, so the test needs none)."""
    controller = Controller(
        _Inbox(),
        hostname="127.0.0.1",
        port=_free_port(),
        authenticator=_reject,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def _settings(port: int, **fields) -> SmtpSettings:
    defaults = {"host": "127.0.0.1", "security": "none", "sender": "ann@example.org", "timeout": 5}
    return SmtpSettings(**{**defaults, "recipients": ("ann@example.org",), **fields}, port=port)


def test_the_subject_counts_changes_and_says_which_concern_ai() -> None:
    assert _message()["Subject"] == "[notrain] 3 changes in 2 documents, 1 about AI training"
    one = _message(CHANGES[1:2])
    assert one["Subject"] == "[notrain] Facebook privacy policy (EU): 1 change about AI training"
    two = _message(CHANGES[1:])
    assert (
        two["Subject"] == "[notrain] Facebook privacy policy (EU): 2 changes, 1 about AI training"
    )
    both = _message([CHANGES[1], replace(CHANGES[1], added=("Neue KI-Modelle.",))])
    assert (
        both["Subject"]
        == "[notrain] Facebook privacy policy (EU): 2 changes, all about AI training"
    )
    assert _message([])["Subject"] == "[notrain] No policy changes"


def test_the_body_puts_ai_changes_first_with_what_to_do() -> None:
    text = _message().get_body(("plain",)).get_content()
    assert text.index("Facebook privacy policy (EU) changed on 28 May 2025") < text.index(
        "LinkedIn terms changed on 20 May 2025"
    )
    assert "1 of them about AI training (listed first)" in text
    assert "You can object: notrain object" in text
    assert f"  + {GERMAN}" in text
    assert "Read it: https://www.facebook.com/privacy/policy/" in text


def test_the_html_part_is_escaped() -> None:
    evil = _change(LI, "We train AI models <script>alert(1)</script>.", 1)
    page = _message([evil]).get_body(("html",)).get_content()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<mark><strong>train AI</strong></mark> models" in page


def test_a_local_server_receives_the_message_intact(inbox) -> None:
    handler, port = inbox
    settings = _settings(port, recipients=("ann@example.org", "bob@example.net"))
    send(settings, _message())
    [(sender, recipients, data)] = handler.received
    assert sender == "ann@example.org"
    assert recipients == ["ann@example.org", "bob@example.net"]
    received = email.message_from_bytes(data, policy=default)
    assert received["Subject"] == "[notrain] 3 changes in 2 documents, 1 about AI training"
    assert received["From"] == "Ann Müller <ann@example.org>"
    assert received.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in received.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    assert GERMAN in received.get_body(("plain",)).get_content()
    assert "öffentliche Beiträge" in received.get_body(("html",)).get_content()
    assert all(line.isascii() for line in data.splitlines())


def test_starttls_is_required_when_asked_for(inbox) -> None:
    _, port = inbox
    with pytest.raises(MailError, match="does not offer STARTTLS") as caught:
        send(_settings(port, security="starttls"), _message())
    assert "587" in caught.value.hint


def test_ssl_to_a_plain_server_fails_with_a_hint(inbox) -> None:
    _, port = inbox
    with pytest.raises(MailError, match="encrypted connection") as caught:
        send(_settings(port, security="ssl"), _message())
    assert "465" in caught.value.hint


def test_a_closed_port_is_a_mail_error() -> None:
    port = _free_port()
    with pytest.raises(MailError, match="connection was refused") as caught:
        send(_settings(port), _message())
    assert f"127.0.0.1:{port}" in caught.value.message
    assert isinstance(caught.value, NotrainError)


def test_a_refused_login_never_shows_the_password(strict_server) -> None:
    settings = _settings(strict_server, username="ann", password=PASSWORD)
    with pytest.raises(MailError, match="refused the login of 'ann'") as caught:
        send(settings, _message())
    assert "app password" in caught.value.hint
    assert PASSWORD not in str(caught.value) and PASSWORD not in repr(settings)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_password_python_cannot_send_is_explained(strict_server) -> None:
    settings = _settings(strict_server, username="ann", password="Pässword")
    with pytest.raises(MailError, match="plain ASCII") as caught:
        send(settings, _message())
    assert "Pässword" not in str(caught.value) and "ä" not in str(caught.value)


def test_a_server_that_never_answers_times_out() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
    thread.start()
    try:
        settings = _settings(listener.getsockname()[1], timeout=0.3)
        with pytest.raises(MailError, match="did not answer within 0.3 seconds"):
            send(settings, _message())
    finally:
        thread.join(1)
        for sock in (*accepted, listener):
            sock.close()


def test_a_password_is_never_sent_unencrypted_to_another_machine() -> None:
    settings = SmtpSettings(
        host="mail.example.org", security="none", username="ann", password=PASSWORD,
        sender="ann@example.org", recipients=("ann@example.org",),
    )  # fmt: skip

    def forbidden(_settings):
        raise AssertionError("must not connect")

    with pytest.raises(MailError, match="unencrypted"):
        send(settings, _message(), smtp_factory=forbidden)


def test_a_factory_replaces_the_connection() -> None:
    calls: list[str] = []

    class Fake:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            calls.append("quit")

        def starttls(self, *, context):
            assert isinstance(context, ssl.SSLContext) and context.verify_mode == ssl.CERT_REQUIRED
            calls.append("starttls")

        def login(self, user, password):
            calls.append(f"login {user}")

        def send_message(self, message, *, from_addr, to_addrs):
            calls.append(f"send {from_addr} {to_addrs}")
            return {"bob@example.net": (550, b"no such user")}

    settings = replace(_settings(25, security="starttls", username="ann", password="pw"),
                       recipients=("ann@example.org", "bob@example.net"))  # fmt: skip
    with pytest.raises(MailError, match=r"refused it for bob@example.net \(550 no such user\)"):
        send(settings, _message(), smtp_factory=lambda _: Fake())
    assert calls == [
        "starttls",
        "login ann",
        "send ann@example.org ['ann@example.org', 'bob@example.net']",
        "quit",
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"security": "tls"},
        {"port": 70000},
        {"recipients": ()},
        {"sender": " "},
        {"host": ""},
        {"timeout": 0},
    ],
)
def test_settings_that_cannot_work_are_refused(fields) -> None:
    with pytest.raises(OptionError):
        _settings(fields.pop("port", 587), **fields)
