"""What can go wrong with Content Credentials, each with a message and a hint::

NotrainError
 ├── CredentialsUnavailableError   the optional c2pa library is not installed
 ├── SigningIdentityError          the signing identity cannot be used
 │    ├── NoSigningIdentityError   none was made yet (notrain init)
 │    ├── PassphraseError          its key needs a passphrase, or got the wrong one
 │    └── CertificateError         a certificate or key is unreadable, expired or of the
 │                                 wrong kind (has .reason: what a validator would say)
 ├── SigningError                  the c2pa library refused to sign
 └── InputError
      └── UnsupportedFormatError
           └── UnsupportedFormatError (this one)  a format notrain cannot sign
"""

from __future__ import annotations

from notrain import errors

__all__ = [
    "INSTALL_HINT",
    "CertificateError",
    "CredentialsUnavailableError",
    "NoSigningIdentityError",
    "PassphraseError",
    "SigningError",
    "SigningIdentityError",
    "UnsupportedFormatError",
]

INSTALL_HINT = 'pip install "notrain[credentials]"'
"""The exact command that installs the optional c2pa library."""


class CredentialsUnavailableError(errors.NotrainError):
    """Content Credentials were asked for, but the optional c2pa library is not installed."""

    def __init__(self, detail: str | None = None) -> None:
        message = "Content Credentials need the c2pa library, which is not installed"
        super().__init__(f"{message} ({detail})." if detail else f"{message}.", hint=INSTALL_HINT)


class SigningIdentityError(errors.NotrainError):
    """The signing identity (certificates and key) cannot be used."""


class NoSigningIdentityError(SigningIdentityError):
    """No signing identity exists yet in this notrain home."""

    def __init__(self, folder: str) -> None:
        super().__init__(
            f"You have no signing identity yet (nothing in {folder}); Content Credentials are "
            "signed with one.",
            hint='Run: notrain init --name "Your Name" --contact you@example.com '
            "(or notrain identity import CHAIN KEY for a certificate you bought).",
        )


class PassphraseError(SigningIdentityError):
    """The private key is protected by a passphrase that was not given, or was wrong."""


class CertificateError(SigningIdentityError):
    """A certificate or key is unreadable, expired, or not one C2PA validators accept."""

    def __init__(self, message: str, *, reason: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.reason = reason


class SigningError(errors.NotrainError):
    """The c2pa library could not sign the image."""


class UnsupportedFormatError(errors.UnsupportedFormatError):
    """The image is in a format notrain does not add Content Credentials to."""
