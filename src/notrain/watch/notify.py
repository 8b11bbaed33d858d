"""Telling the person after a check: the Atom feed file, and e-mail through their own server.

The feed holds the changes reported so far (:mod:`notrain.watch.journal`), newest first, and
is rewritten after every check, so a feed reader pointed at the file sees each change once.
E-mail goes only when a check found changes, and only once the person set it up
(``notrain watch email``); the password is never stored, it is read from an environment
variable each time.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from notrain.errors import NotrainError, OptionError, OutputError
from notrain.store.settings import delete_setting, get_setting, set_setting
from notrain.watch.feed import feed_uuid, write_feed
from notrain.watch.journal import mark_emailed, reported_changes, unemailed_changes
from notrain.watch.mail import MailError, SmtpFactory, SmtpSettings, build_message, send
from notrain.watch.model import Change
from notrain.watch.versions import documents

if TYPE_CHECKING:
    from notrain.store.database import Database

__all__ = [
    "EMAIL_SETTING",
    "FEED_NAME",
    "FEED_SETTING",
    "PASSWORD_ENV",
    "Notified",
    "configure_email",
    "email_setting",
    "feed_path",
    "forget_email",
    "notify",
    "send_test",
    "write_feed_file",
]

FEED_NAME = "watch.atom"
"""The feed's file name in notrain's data folder, unless the person chose another path."""
FEED_SETTING = "watch.feed"
EMAIL_SETTING = "watch.email"
PASSWORD_ENV = "NOTRAIN_SMTP_PASSWORD"
"""The environment variable the SMTP password is read from, unless the person named another."""
FEED_TITLE = "notrain: changes to the policies you watch"


@dataclass(frozen=True, kw_only=True)
class Notified:
    """What was told, and where."""

    feed: Path | None = None
    feed_error: str = ""
    emailed: tuple[str, ...] = ()
    email_error: str = ""


def notify(
    db: Database,
    *,
    feed: Path | None = None,
    email: bool = True,
    smtp_factory: SmtpFactory | None = None,
) -> Notified:
    """Rewrite the feed (at ``feed``, remembered for next time, or where it was last written)
    and, when e-mail is set up, send the reported changes not e-mailed yet (those of this
    check, and those a failed send left). Neither failing undoes the check: the problem is
    returned for the person to see, and unsent changes go with the next e-mail."""
    written, feed_error = None, ""
    try:
        written = write_feed_file(db, feed)
    except (OSError, NotrainError) as exc:
        feed_error = getattr(exc, "message", None) or f"{exc}"
    emailed, email_error = (), ""
    pending = unemailed_changes(db) if email and email_setting(db) is not None else []
    if pending:
        try:
            emailed = _send(db, [change for _, change in pending], smtp_factory=smtp_factory)
        except (MailError, OptionError) as exc:
            email_error = exc.message + (f" {exc.hint}" if exc.hint else "")
        else:
            mark_emailed(db, [record for record, _ in pending])
    return Notified(feed=written, feed_error=feed_error, emailed=emailed, email_error=email_error)


def feed_path(db: Database) -> Path:
    """Where the feed is written: the path last given, else ``watch.atom`` beside the database."""
    chosen = get_setting(db, FEED_SETTING)
    return Path(chosen) if chosen else Path(db.path).parent / FEED_NAME


def write_feed_file(db: Database, path: Path | None = None) -> Path:
    """Write the feed of reported changes to ``path`` (remembered) or :func:`feed_path`."""
    target = path.expanduser().resolve() if path is not None else feed_path(db)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"Cannot create the folder for the feed {target}: {exc.strerror or exc}.",
            path=target,
            hint="Give another place with --feed PATH.",
        ) from None
    write_feed(
        target,
        reported_changes(db, limit=200),
        {document.key: document for document in documents(db)},
        feed_id=feed_uuid(str(target)),
        title=FEED_TITLE,
        updated=datetime.now(UTC),
        link=target.as_uri(),
    )
    if path is not None:  # remembered once it was written there
        set_setting(db, FEED_SETTING, str(target))
    return target


def configure_email(
    db: Database,
    *,
    host: str | None = None,
    port: int | None = None,
    security: str | None = None,
    username: str | None = None,
    password_env: str | None = None,
    sender: str | None = None,
    recipients: Sequence[str] = (),
) -> dict[str, Any]:
    """Set up e-mail, changing only what is given; returns the stored setting.

    The settings are checked as a whole (a server, a sender and a recipient are needed) before
    anything is stored."""
    current = email_setting(db) or {}
    security = security or current.get("security", "starttls")
    if port is None and security == current.get("security"):
        port = current.get("port")
    merged = {
        "host": host if host is not None else current.get("host", ""),
        "port": port or (465 if security == "ssl" else 587),
        "security": security,
        "username": username if username is not None else current.get("username", ""),
        "password_env": password_env or current.get("password_env", PASSWORD_ENV),
        "sender": sender if sender is not None else current.get("sender", ""),
        "recipients": list(recipients) or current.get("recipients", []),
    }
    if not merged["password_env"].isidentifier():
        raise OptionError(
            f"{merged['password_env']!r} is not an environment variable name.",
            hint=f"Use a name such as {PASSWORD_ENV}.",
        )
    _settings(merged, password="")
    if email_setting(db) is None:
        mark_emailed(db)  # changes reported before e-mail was set up are not sent now
    set_setting(db, EMAIL_SETTING, merged)
    return merged


def email_setting(db: Database) -> dict[str, Any] | None:
    """The stored e-mail setting (never with a password), or None when e-mail is off."""
    return get_setting(db, EMAIL_SETTING)


def forget_email(db: Database) -> None:
    """Turn e-mail off."""
    delete_setting(db, EMAIL_SETTING)


def send_test(db: Database, *, smtp_factory: SmtpFactory | None = None) -> tuple[str, ...]:
    """Send a message that says e-mail works; returns the recipients."""
    return _send(db, [], smtp_factory=smtp_factory)


def _send(
    db: Database, changes: Sequence[Change], *, smtp_factory: SmtpFactory | None
) -> tuple[str, ...]:
    stored = email_setting(db)
    if stored is None:
        raise OptionError(
            "E-mail is not set up.",
            hint="Set it up with notrain watch email --host ... --from ... --to ...",
        )
    variable = stored.get("password_env") or PASSWORD_ENV
    password = os.environ.get(variable, "")
    if stored.get("username") and not password:
        raise MailError(
            f"The password for {stored['username']} is not in the environment variable {variable}.",
            host=stored["host"],
            port=stored["port"],
            hint=f"Set {variable} where notrain runs (for Gmail or Outlook, an app password).",
        )
    settings = _settings(stored, password=password)
    message = build_message(
        changes,
        {document.key: document for document in documents(db)},
        sender=settings.sender,
        recipients=settings.recipients,
    )
    send(settings, message, smtp_factory=smtp_factory)
    return settings.recipients


def _settings(stored: dict[str, Any], *, password: str) -> SmtpSettings:
    return SmtpSettings(
        host=stored["host"],
        port=int(stored["port"]),
        security=stored["security"],
        username=stored["username"],
        password=password,
        sender=stored["sender"],
        recipients=tuple(stored["recipients"]),
    )
