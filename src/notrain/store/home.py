"""Where notrain keeps its state: one folder, chosen once per run."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["HOME_ENV", "resolve_home"]

HOME_ENV = "NOTRAIN_HOME"


def resolve_home(home: Path | str | None = None) -> Path:
    """The data folder: ``home`` when given, else ``$NOTRAIN_HOME``, else the platform's user data folder."""
    if home:
        return Path(home).expanduser()
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV]).expanduser()
    return Path(platformdirs.user_data_dir("notrain", appauthor=False))
