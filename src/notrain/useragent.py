"""How notrain names itself to the sites it reads: honestly, with what it is doing there."""

from __future__ import annotations

from notrain import __version__

__all__ = ["user_agent"]

PROJECT_URL = "https://pypi.org/project/notrain/"


def user_agent(purpose: str) -> str:
    """The User-Agent for one kind of request: ``notrain/0.1.0 (policy watch; +URL)``."""
    return f"notrain/{__version__} ({purpose}; +{PROJECT_URL})"
