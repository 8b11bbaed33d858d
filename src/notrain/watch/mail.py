"""The changes by e-mail, sent through the person's own SMTP server.

notrain has no mail service: :func:`send` hands the message to the server the person names
(their provider's, or one on their own machine), encrypted with STARTTLS or SSL. The password
is never stored by notrain and never appears in an error message; a login over an unencrypted
connection is refused except to this computer.
"""

from __future__ import annotations

import base64
import ipaddress
import smtplib
import socket
import ssl
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from notrain.errors import NotrainError, OptionError
from notrain.watch.model import Change, Document, document_name
from notrain.watch.report import (
    change_html,
    describe,
    document_for,
    sentence_lines,
    web_url,
)

__all__ = ["SECURITY", "MailError", "SmtpFactory", "SmtpSettings", "build_message", "send"]

SECURITY = ("starttls", "ssl", "none")
"""How the connection is encrypted: STARTTLS (usually port 587), SSL from the start (usually
465), or not at all (only sensible for a server on this computer)."""


class MailError(NotrainError):
    """The mail server could not be reached, refused the login, or refused the message."""

    def __init__(self, message: str, *, host: str, port: int, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.host = host
        self.port = port


@dataclass(frozen=True, kw_only=True)
class SmtpSettings:
    """Where and how to send the e-mail."""

    host: str
    port: int = 587
    security: str = "starttls"
    """One of :data:`SECURITY`."""
    username: str = ""
    """Empty for a server that needs no login."""
    password: str = field(default="", repr=False)
    """Given for this run only (notrain never stores it); left out of ``repr``."""
    sender: str
    recipients: tuple[str, ...]
    timeout: float = 30

    def __post_init__(self) -> None:
        if self.security not in SECURITY:
            raise OptionError(
                f"Unknown mail security {self.security!r}.",
                hint=f"Use one of {', '.join(SECURITY)}.",
            )
        if not self.host.strip():
            raise OptionError("No mail server given.", hint="Give your provider's SMTP server.")
        if not 0 < self.port < 65536:
            raise OptionError(f"Port {self.port} is not a port number.", hint="Use 587 or 465.")
        if not self.sender.strip() or not self.recipients:
            raise OptionError(
                "An e-mail needs a sender and at least one recipient.",
                hint="Give your own address as the sender, and where the e-mail should go.",
            )
        if self.timeout <= 0:
            raise OptionError(f"A timeout of {self.timeout} seconds cannot work.")


SmtpFactory = Callable[[SmtpSettings], smtplib.SMTP]
"""Opens the connection (``smtplib.SMTP`` or ``SMTP_SSL``); tests give their own."""


def build_message(
    changes: Sequence[Change],
    documents: Mapping[str, Document],
    *,
    sender: str,
    recipients: Sequence[str],
    subject_prefix: str = "notrain",
) -> EmailMessage:
    """An e-mail telling what changed: plain text, with an HTML alternative (escaped, AI terms
    marked). Changes about AI training come first, newest first within each group."""
    ordered = sorted(
        sorted(changes, key=lambda change: change.captured, reverse=True),
        key=lambda change: not change.ai_related,
    )
    message = EmailMessage()
    message["Subject"] = f"[{subject_prefix}] {_subject(ordered, documents)}"
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "notrain.invalid"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(_text(ordered, documents), charset="utf-8", cte="quoted-printable")
    message.add_alternative(
        _html(ordered, documents), subtype="html", charset="utf-8", cte="quoted-printable"
    )
    return message


def _subject(changes: Sequence[Change], documents: Mapping[str, Document]) -> str:
    if not changes:
        return "No policy changes"
    ai = sum(change.ai_related for change in changes)
    about_ai = " about AI training" if ai == len(changes) == 1 else ""
    counted = f"{len(changes)} change{'s' if len(changes) != 1 else ''}{about_ai}"
    keys = {change.document for change in changes}
    if len(keys) == 1:
        text = f"{document_name(document_for(changes[0], documents))}: {counted}"
    else:
        text = f"{counted} in {len(keys)} documents"
    if ai and not about_ai:
        text += ", all about AI training" if ai == len(changes) else f", {ai} about AI training"
    return text


def _intro(changes: Sequence[Change]) -> str:
    if not changes:
        return "notrain found no change in the documents you watch."
    ai = sum(change.ai_related for change in changes)
    plural = "s" if len(changes) != 1 else ""
    text = f"notrain found {len(changes)} change{plural} in the documents you watch"
    if ai == len(changes) == 1:
        text += ", about AI training"
    elif ai == len(changes):
        text += ", all of them about AI training"
    elif ai:
        text += f", {ai} of them about AI training (listed first)"
    return text + "."


_FOOTER = "Sent by notrain watch, which runs on your own computer."


def _text(changes: Sequence[Change], documents: Mapping[str, Document]) -> str:
    blocks = [_intro(changes)]
    for change in changes:
        document = document_for(change, documents)
        lines = [describe(change, document), ""]
        lines.extend(sentence_lines(change))
        if web_url(document.url):
            lines.extend(("", f"Read it: {document.url}"))
        blocks.append("\n".join(lines))
    blocks.append(f"-- \n{_FOOTER}")
    return "\n\n".join(blocks) + "\n"


def _html(changes: Sequence[Change], documents: Mapping[str, Document]) -> str:
    body = "\n<hr>\n".join(
        change_html(change, document_for(change, documents)) for change in changes
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"></head><body>\n'
        f"<p>{_intro(changes)}</p>\n<hr>\n{body}\n<hr>\n<p><small>{_FOOTER}</small></p>\n"
        "</body></html>\n"
    )


def send(
    settings: SmtpSettings, message: EmailMessage, *, smtp_factory: SmtpFactory | None = None
) -> None:
    """Send ``message`` from ``settings.sender`` to ``settings.recipients``.

    Raises :class:`MailError` (naming the server, with a hint) for whatever goes wrong: the
    server unreachable, the encryption or the login failing, an address refused."""
    if settings.username and settings.security == "none" and not _loopback(settings.host):
        raise MailError(
            f"Refusing to send your password to {settings.host} over an unencrypted connection.",
            host=settings.host,
            port=settings.port,
            hint="Use security starttls (usually port 587) or ssl (usually port 465).",
        )
    try:
        with (smtp_factory or _connect)(settings) as smtp:
            if settings.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password)
            refused = smtp.send_message(
                message, from_addr=settings.sender, to_addrs=list(settings.recipients)
            )
    except (smtplib.SMTPException, OSError, UnicodeEncodeError) as error:
        raise _mail_error(settings, error) from None
    if refused:
        raise _scrubbed(
            settings,
            f"The e-mail was sent, but {_server(settings)} refused it for {_refusals(refused)}.",
            hint="Check those addresses.",
        )


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=settings.timeout,
            context=ssl.create_default_context(),
        )
    return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)


def _loopback(host: str) -> bool:
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _server(settings: SmtpSettings) -> str:
    return f"the mail server {settings.host}:{settings.port}"


def _refusals(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return ", ".join(
        f"{address} ({code} {reply.decode('utf-8', 'replace')})"
        for address, (code, reply) in refused.items()
    )


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error
    reply = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{error.smtp_code} {reply}".strip()


_PORTS = "STARTTLS is usually port 587, SSL port 465"


def _mail_error(settings: SmtpSettings, error: BaseException) -> MailError:
    """What went wrong, in words, with what to check."""
    server = _server(settings)
    if isinstance(error, UnicodeEncodeError):
        return _scrubbed(
            settings,
            f"Could not log in to {server}: the user name or password has characters other than "
            "plain ASCII letters, digits and signs, which Python's mail library cannot send.",
            hint="Use an app password made in your account's security settings (they are plain "
            "ASCII), or change the password.",
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return _scrubbed(
            settings,
            f"{server} refused the login of {settings.username!r}: {_reply(error)}.",
            hint="Check the user name and password. Gmail, Outlook and other providers need an "
            "app password (made in your account's security settings) when two-step "
            "verification is on.",
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _scrubbed(
            settings,
            f"{server} refused every recipient: {_refusals(error.recipients)}.",
            hint="Check the addresses; some servers only send mail for their own users.",
        )
    if isinstance(error, smtplib.SMTPSenderRefused):
        return _scrubbed(
            settings,
            f"{server} refused the sender {error.sender!r}: {_reply(error)}.",
            hint="Use your own address on this server as the sender.",
        )
    if isinstance(error, smtplib.SMTPNotSupportedError) and "auth" in str(error).casefold():
        return _scrubbed(
            settings,
            f"{server} does not offer a login.",
            hint=f"Leave the user name empty for a server that needs none, or check the port and "
            f"security ({_PORTS}).",
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return _scrubbed(
            settings,
            f"{server} does not offer STARTTLS.",
            hint=f"Check the port and security ({_PORTS}); use none only for a server on this "
            "computer.",
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return _scrubbed(settings, f"{server} answered: {_reply(error)}.")
    if isinstance(error, ssl.SSLCertVerificationError):
        return _scrubbed(
            settings,
            f"The certificate of {server} could not be verified: {error.verify_message}.",
            hint="Check the server name: it must be the one the certificate is for.",
        )
    if isinstance(error, ssl.SSLError):
        return _scrubbed(
            settings,
            f"The encrypted connection to {server} failed ({error.reason or error}).",
            hint=f"Check the security setting: {_PORTS}.",
        )
    if isinstance(error, socket.gaierror):
        return _scrubbed(
            settings,
            f"The mail server {settings.host!r} could not be found.",
            hint="Check the server name (e.g. smtp.example.com) and your network connection.",
        )
    if isinstance(error, TimeoutError):
        return _scrubbed(
            settings,
            f"{server} did not answer within {settings.timeout:g} seconds.",
            hint=f"Check the port and security ({_PORTS}); a firewall may block the port.",
        )
    if isinstance(error, ConnectionRefusedError):
        return _scrubbed(
            settings,
            f"Could not connect to {server}: the connection was refused.",
            hint=f"Check the server name and port ({_PORTS}).",
        )
    if isinstance(error, smtplib.SMTPServerDisconnected) and "timed out" in str(error):
        return _mail_error(settings, TimeoutError())
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return _scrubbed(
            settings,
            f"{server} closed the connection unexpectedly.",
            hint=f"Check the port and security ({_PORTS}).",
        )
    detail = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return _scrubbed(settings, f"Sending mail through {server} failed: {detail}.")


def _scrubbed(settings: SmtpSettings, message: str, *, hint: str | None = None) -> MailError:
    """A :class:`MailError` whose text holds no trace of the password, not even a server's
    echo of the login exchange."""
    secrets: list[str] = []
    if settings.password:
        login = f"\0{settings.username}\0{settings.password}".encode()
        secrets = [
            settings.password,
            base64.b64encode(settings.password.encode()).decode(),
            base64.b64encode(login).decode(),
        ]
    for secret in secrets:
        message = message.replace(secret, "***")
        hint = hint.replace(secret, "***") if hint else hint
    return MailError(
        message[:1].upper() + message[1:], host=settings.host, port=settings.port, hint=hint
    )
