"""The errors notrain raises.

Every error has one root, so a caller can catch them all; the message says what
happened, and ``hint`` says what to do about it::

    NotrainError
     ├── InputError              a file we were asked to read is unusable (has .path)
     │    ├── UnsupportedFormatError
     │    ├── CorruptFileError   empty, truncated, or not what its name says
     │    └── ImageTooLargeError a decompression bomb, or simply too many pixels
     ├── OutputError             we could not write a result (has .path)
     │    └── OutputExistsError  the output is there already and --overwrite was not given
     ├── OptionError             an option value that cannot work (unknown platform, bad crop)
     └── StoreError              the database is unreadable, locked, or from a newer notrain
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "CorruptFileError",
    "ImageTooLargeError",
    "InputError",
    "NotrainError",
    "OptionError",
    "OutputError",
    "OutputExistsError",
    "StoreError",
    "UnsupportedFormatError",
]


class NotrainError(Exception):
    """The root of every error notrain raises on purpose."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class InputError(NotrainError):
    """A file or folder we were asked to read cannot be used."""

    def __init__(self, message: str, *, path: Path | str | None = None, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.path = Path(path) if path is not None else None


class UnsupportedFormatError(InputError):
    """The file is readable but not in an image format notrain handles."""


class CorruptFileError(InputError):
    """The file is empty, truncated, or its content does not decode."""


class ImageTooLargeError(InputError):
    """The image has more pixels than the safety limit allows (a possible decompression bomb)."""


class OutputError(NotrainError):
    """A result could not be written."""

    def __init__(self, message: str, *, path: Path | str | None = None, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.path = Path(path) if path is not None else None


class OutputExistsError(OutputError):
    """The output file exists and overwriting was not asked for."""


class OptionError(NotrainError):
    """An option has a value that cannot work."""


class StoreError(NotrainError):
    """The database cannot be opened, read or migrated."""
