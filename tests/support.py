"""Helpers for tests that use the real data in ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
"""Real test data and model weights, present beside the checkout in CI."""


def requires_shared(*parts: str) -> pytest.MarkDecorator:
    """Skip unless ../shared/<parts> exists (it does in CI; a fresh clone has no ../shared)."""
    path = SHARED.joinpath(*parts)
    return pytest.mark.skipif(
        not path.exists(), reason=f"needs real test data at {path} (present in CI, absent in a fresh clone)"
    )
