"""``notrain init``: create the local identity that the invisible watermark names as the owner."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.markup import escape

from notrain.cli._common import console, handle_errors, open_db
from notrain.store.identity import Identity, active_identity, create_identity, identities

__all__ = ["init_command"]


@click.command(
    "init",
    epilog="""\b
Examples:
  notrain init --name "Ann Example" --contact ann@example.com
  notrain init                  asks for your name and contact
  notrain init --new --name "Ann Example" --contact ann@example.org
  notrain init --json           shows your identity as JSON""",
)
@click.option("--name", help="Your name, as photos should credit you (asked for when missing).")
@click.option(
    "--contact",
    help="How people reach you about your photos: an email address or web page (asked for when missing).",
)
@click.option(
    "--new",
    is_flag=True,
    help="Replace your identity. The old one is kept as retired, so photos marked with it still verify as yours.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def init_command(
    ctx: click.Context, name: str | None, contact: str | None, new: bool, as_json: bool
) -> None:
    """Create your notrain identity: the owner id that your photos' invisible
    watermark carries, derived from a secret that never leaves this computer.

    If you have one already, it is shown; use --new to replace it.
    """
    db = open_db(ctx)
    current = active_identity(db)
    if current is not None and not new:
        _show_existing(
            current, str(db.path), as_json, flags_given=name is not None or contact is not None
        )
        return
    if name is None:
        name = _ask("name", "Your name, as photos should credit you")
    if contact is None:
        contact = _ask("contact", "Your contact (email or web page)")
    identity = create_identity(db, name, contact)
    if current is not None:
        current = next(i for i in identities(db) if i.id == current.id)
    if as_json:
        _echo_json(created=True, identity=identity, replaced=current, database=str(db.path))
        return
    console.print(f"[green]✓[/] Created your notrain identity: {_describe(identity)}.")
    if current is not None:
        console.print(
            f"  Owner {current.owner_hex} is retired but kept: photos marked with it still verify as yours."
        )
    console.print(
        f"Your photos' invisible watermark will carry owner id [bold]{identity.owner_hex}[/]; "
        "it says nothing about your name."
    )
    console.print("The secret it comes from never leaves this computer.")
    console.print(f"Back up [bold]{escape(str(db.path))}[/] to keep proving ownership.")


def _show_existing(identity: Identity, database: str, as_json: bool, *, flags_given: bool) -> None:
    if as_json:
        _echo_json(created=False, identity=identity, replaced=None, database=database)
        return
    console.print(f"Your notrain identity: {_describe(identity)}.")
    if flags_given:
        console.print("[yellow]It was kept;[/] --name and --contact only apply when creating one.")
    console.print(
        'To replace it: notrain init --new --name "Your Name" --contact you@example.com '
        "(the old one is kept, so photos marked with it still verify as yours)."
    )


def _ask(option: str, prompt: str) -> str:
    if not _stdin_is_tty():
        raise click.UsageError(
            f"--{option} is missing, and there is no terminal to ask for it. "
            'Pass it, e.g. notrain init --name "Your Name" --contact you@example.com'
        )
    return str(click.prompt(prompt, err=True))


def _stdin_is_tty() -> bool:
    return sys.stdin.isatty()


def _describe(identity: Identity) -> str:
    return (
        f"[bold]{escape(identity.name)}[/] <{escape(identity.contact)}>, "
        f"owner [bold]{identity.owner_hex}[/], created {identity.created_at[:10]}"
    )


def _as_dict(identity: Identity) -> dict[str, Any]:
    return {
        "name": identity.name,
        "contact": identity.contact,
        "owner_id": identity.owner_hex,
        "created_at": identity.created_at,
        "retired_at": identity.retired_at,
    }


def _echo_json(
    *, created: bool, identity: Identity, replaced: Identity | None, database: str
) -> None:
    click.echo(
        json.dumps(
            {
                "created": created,
                "identity": _as_dict(identity),
                "replaced": _as_dict(replaced) if replaced else None,
                "database": database,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
