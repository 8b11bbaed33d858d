"""What every command shares: the consoles, the data folder, and turning errors into messages and exit codes."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape

from notrain.errors import NotrainError, OptionError
from notrain.store import Database

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "WHEN",
    "console",
    "err_console",
    "handle_errors",
    "open_db",
]

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130

console = Console(highlight=False, emoji=False)
err_console = Console(stderr=True, highlight=False, emoji=False)
"""Neither turns ``:smile:`` in a policy or a file name into an emoji."""

F = TypeVar("F", bound=Callable[..., Any])


def handle_errors(func: F) -> F:
    """Show notrain's errors as a message with a hint: bad options exit 2, anything else 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except OptionError as exc:
            raise click.UsageError(str(exc)) from exc
        except NotrainError as exc:
            err_console.print(f"[bold red]Error:[/] {escape(exc.message)}")
            if exc.hint:
                err_console.print(f"[dim]{escape(exc.hint)}[/]")
            sys.exit(EXIT_FAILED)

    return wrapper  # type: ignore[return-value]


def open_db(ctx: click.Context) -> Database:
    """The database in the data folder chosen with --home / NOTRAIN_HOME (closed with the command)."""
    home: Path | None = ctx.find_root().params.get("home")
    db = Database.open(home)
    ctx.call_on_close(db.close)
    return db


class _When(click.ParamType):
    """A day (``2026-01-31``) or a moment (``2026-01-31T23:30+01:00``): a moment lets notrain
    work out the day Meta received something in its own time zone."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            self.fail(
                f"{text!r} is not a date: use YYYY-MM-DD, or YYYY-MM-DDTHH:MM with a time zone "
                "such as +01:00.",
                param,
                ctx,
            )


WHEN = _When()
