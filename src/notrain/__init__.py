"""notrain: keep AI companies from training on your photos.

The library behind the ``notrain`` command. The public surface is ``__all__``;
everything else is private and may change.
"""

from importlib.metadata import PackageNotFoundError, version

from notrain.errors import (
    CorruptFileError,
    ImageTooLargeError,
    InputError,
    NotrainError,
    OptionError,
    OutputError,
    OutputExistsError,
    StoreError,
    UnsupportedFormatError,
)
from notrain.protect import (
    BatchResult,
    FileResult,
    Inspection,
    Plan,
    ProtectOptions,
    Survival,
    inspect_photo,
    protect_batch,
    protect_file,
)
from notrain.store import Database

try:
    __version__ = version("notrain")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

__all__ = [
    "BatchResult",
    "CorruptFileError",
    "Database",
    "FileResult",
    "ImageTooLargeError",
    "InputError",
    "Inspection",
    "NotrainError",
    "OptionError",
    "OutputError",
    "OutputExistsError",
    "Plan",
    "ProtectOptions",
    "StoreError",
    "Survival",
    "UnsupportedFormatError",
    "__version__",
    "inspect_photo",
    "protect_batch",
    "protect_file",
]
