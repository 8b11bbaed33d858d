"""After a check: the feed file (read back with feedparser) and the e-mail (received by a local
SMTP server), with the settings kept in the database and the password never stored."""

from __future__ import annotations

import email
import socket
from datetime import UTC, datetime
from email.policy import default
from pathlib import Path

import feedparser
import pytest
from aiosmtpd.controller import Controller

from notrain.errors import OptionError
from notrain.store import Database
from notrain.watch.journal import record_changes
from notrain.watch.model import Change, Document
from notrain.watch.notify import (
    PASSWORD_ENV,
    configure_email,
    email_setting,
    feed_path,
    forget_email,
    notify,
    send_test,
)
from notrain.watch.relevance import classify
from notrain.watch.versions import save_document

DOCUMENT = Document(
    key="facebook/privacy-policy/eu-en",
    service="facebook",
    doc_type="privacy-policy",
    name="Facebook privacy policy (EU)",
    jurisdiction="EU",
    url="https://www.facebook.com/privacy/policy/",
)
CHANGE = classify(
    Change(
        document=DOCUMENT.key,
        captured=datetime(2025, 5, 28, tzinfo=UTC),
        kind="added",
        added=(
            (
                "Develop and improve artificial intelligence technology (also called AI at "
                "Meta) on Meta Products and for third parties."
            ),
        ),
    )
)


@pytest.fixture
def db(tmp_path: Path):
    database = Database(tmp_path / "notrain.db")
    save_document(database, DOCUMENT)
    yield database
    database.close()


class Inbox:
    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 OK"


@pytest.fixture
def inbox():
    handler = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        handler.port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


def test_the_feed_holds_the_reported_changes(db: Database, tmp_path: Path) -> None:
    record_changes(db, [CHANGE])

    notified = notify(db, email=False)

    assert notified.feed == feed_path(db) == tmp_path / "watch.atom"
    parsed = feedparser.parse(notified.feed.read_bytes())
    assert not parsed.bozo
    (entry,) = parsed.entries
    assert "Facebook privacy policy (EU)" in entry.title
    assert "ai-training" in [tag.term for tag in entry.tags]
    assert "AI at Meta" in entry.content[0].value


def test_a_chosen_feed_path_is_remembered(db: Database, tmp_path: Path) -> None:
    chosen = tmp_path / "public" / "policies.atom"

    notify(db, feed=chosen, email=False)

    assert chosen.is_file()
    assert feed_path(db) == chosen
    assert not feedparser.parse(chosen.read_bytes()).bozo


def test_email_goes_through_the_persons_server(db: Database, inbox: Inbox) -> None:
    configure_email(
        db,
        host="127.0.0.1",
        port=inbox.port,
        security="none",
        sender="ann@example.com",
        recipients=["ann@example.com"],
    )
    record_changes(db, [CHANGE])

    notified = notify(db)

    assert notified.emailed == ("ann@example.com",)
    assert notified.email_error == ""
    (message,) = inbox.messages
    assert "AI" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "AI at Meta" in body


def test_no_changes_no_email(db: Database, inbox: Inbox) -> None:
    configure_email(
        db, host="127.0.0.1", port=inbox.port, security="none", sender="a@example.com",
        recipients=["a@example.com"],
    )  # fmt: skip

    notified = notify(db)

    assert notified.emailed == ()
    assert inbox.messages == []


def test_a_mail_failure_is_retried_with_the_next_check(db: Database, inbox: Inbox) -> None:
    configure_email(
        db, host="127.0.0.1", port=9, security="none", sender="a@example.com",
        recipients=["a@example.com"],
    )  # fmt: skip
    record_changes(db, [CHANGE])

    failed = notify(db)

    assert failed.emailed == ()
    assert "127.0.0.1" in failed.email_error
    assert failed.feed is not None and failed.feed.is_file()
    configure_email(db, port=inbox.port)

    retried = notify(db)

    assert retried.emailed == ("a@example.com",)
    assert "AI at Meta" in inbox.messages[0].get_body(("plain",)).get_content()
    assert notify(db).emailed == ()
    assert len(inbox.messages) == 1


def test_changes_from_before_email_was_set_up_are_not_sent(db: Database, inbox: Inbox) -> None:
    record_changes(db, [CHANGE])
    configure_email(
        db, host="127.0.0.1", port=inbox.port, security="none", sender="a@example.com",
        recipients=["a@example.com"],
    )  # fmt: skip

    assert notify(db).emailed == ()
    assert inbox.messages == []


def test_a_feed_that_cannot_be_written_is_reported_and_not_remembered(
    db: Database, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")

    notified = notify(db, feed=blocker / "feed.atom", email=False)

    assert notified.feed is None
    assert "feed" in notified.feed_error.lower() or str(blocker) in notified.feed_error
    assert feed_path(db) == tmp_path / "watch.atom"


def test_the_password_comes_from_the_environment_and_is_never_stored(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    configure_email(
        db,
        host="smtp.example.com",
        username="ann@example.com",
        sender="ann@example.com",
        recipients=["ann@example.com"],
    )
    stored = email_setting(db)
    assert stored["port"] == 587 and stored["security"] == "starttls"
    assert "password" not in stored
    record_changes(db, [CHANGE])

    notified = notify(db)

    assert PASSWORD_ENV in notified.email_error


def test_settings_change_piece_by_piece(db: Database) -> None:
    configure_email(
        db, host="smtp.example.com", sender="a@example.com", recipients=["a@example.com"]
    )
    configure_email(db, security="ssl")

    stored = email_setting(db)
    assert stored["port"] == 465 and stored["host"] == "smtp.example.com"
    forget_email(db)
    assert email_setting(db) is None


def test_incomplete_settings_are_refused_before_anything_is_stored(db: Database) -> None:
    with pytest.raises(OptionError):
        configure_email(db, host="smtp.example.com")
    with pytest.raises(OptionError, match="environment variable"):
        configure_email(
            db, host="h", sender="a@example.com", recipients=["a@example.com"],
            password_env="NOT A NAME",
        )  # fmt: skip
    assert email_setting(db) is None


def test_a_test_message(db: Database, inbox: Inbox) -> None:
    configure_email(
        db, host="127.0.0.1", port=inbox.port, security="none", sender="a@example.com",
        recipients=["b@example.com"],
    )  # fmt: skip

    assert send_test(db) == ("b@example.com",)
    (message,) = inbox.messages
    assert message["To"] == "b@example.com"
