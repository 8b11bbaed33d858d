"""The ``notrain`` command line: a thin layer over the library."""

from __future__ import annotations

import click


@click.group()
def main() -> None:
    """notrain: keep AI companies from training on your photos."""
