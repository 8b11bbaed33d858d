"""``notrain init``: create the local identity that the invisible watermark names as the owner,
and the signing identity that signs the photos' Content Credentials."""

from __future__ import annotations

import json
import sys
from typing import Any

import click
from rich.markup import escape

from notrain.cli._common import console, handle_errors, open_db
from notrain.cli.identity import identity_as_dict, passphrase_options, read_passphrase
from notrain.credentials.identity import SigningIdentity
from notrain.credentials.setup import makes_signing_identity, set_up_identity
from notrain.store.home import resolve_home
from notrain.store.identity import Identity, active_identity

__all__ = ["init_command"]


@click.command(
    "init",
    epilog="""\b
Examples:
  notrain init --name "Ann Example" --contact ann@example.com
  notrain init                  asks for your name and contact
  notrain init --new --name "Ann Example" --contact ann@example.org
  notrain init --passphrase     also protects your signing key with a passphrase
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
@passphrase_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def init_command(
    ctx: click.Context,
    name: str | None,
    contact: str | None,
    new: bool,
    passphrase_env: str | None,
    ask_passphrase: bool,
    as_json: bool,
) -> None:
    """Create your notrain identity: the owner id that your photos' invisible
    watermark carries, derived from a secret that never leaves this computer, and
    the signing identity for Content Credentials (a personal root certificate and a
    signing certificate it issues; the keys stay on this computer, protected by a
    passphrase if you give one).

    If you have one already, it is shown; use --new to replace it.
    """
    db = open_db(ctx)
    home = resolve_home(ctx.find_root().params.get("home"))
    current = active_identity(db)
    creating = current is None or new
    if creating and name is None:
        name = _ask("name", "Your name, as photos should credit you")
    if creating and contact is None:
        contact = _ask("contact", "Your contact (email or web page)")
    make_signing = makes_signing_identity(home, replace=new)
    passphrase = (
        read_passphrase(passphrase_env, ask_passphrase, confirm=True) if make_signing else None
    )
    unused = (passphrase_env is not None or ask_passphrase) and not make_signing
    setup = set_up_identity(db, home, name, contact, replace=new, passphrase=passphrase)
    state = (setup.signing, setup.signing_made, passphrase is not None, unused)
    if not setup.created:
        _show_existing(
            setup.identity,
            str(db.path),
            as_json,
            flags_given=name is not None or contact is not None,
            signing=state,
        )
        return
    identity, current = setup.identity, setup.replaced
    if as_json:
        _echo_json(
            created=True, identity=identity, replaced=current, database=str(db.path), signing=state
        )
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
    _print_signing(state)


_Signing = tuple[SigningIdentity, bool, bool, bool]
"""The signing identity, whether it was made now, whether a passphrase protects it, and whether
a passphrase option was given but not needed."""


def _print_signing(signing: _Signing) -> None:
    identity, made, protected, unused = signing
    until = f"valid until {identity.not_after:%Y-%m-%d}"
    if not made:
        kind = "imported certificate" if identity.imported else "certificate"
        console.print(
            f"Your signing identity for Content Credentials: the {kind} of "
            f"[bold]{escape(identity.subject)}[/], {until} (notrain identity show)."
        )
        if unused:
            console.print("[yellow]No passphrase was set:[/] it only applies when one is made.")
        return
    console.print(
        f"[green]✓[/] Made your signing identity for Content Credentials: a certificate for "
        f"[bold]{escape(identity.subject)}[/] issued by your own root, {until}."
    )
    console.print(
        "  Validators show it as an unknown signer unless they add your root; "
        "notrain verify recognises it as yours (notrain identity show)."
    )
    if not protected:
        console.print(
            "  Its keys have no passphrase: anyone who can read your files can sign as you. "
            "To protect them: notrain identity renew --passphrase"
        )
    console.print(f"  Back up [bold]{escape(str(identity.folder))}[/] with your database.")


def _show_existing(
    identity: Identity,
    database: str,
    as_json: bool,
    *,
    flags_given: bool,
    signing: _Signing,
) -> None:
    if as_json:
        _echo_json(
            created=False, identity=identity, replaced=None, database=database, signing=signing
        )
        return
    console.print(f"Your notrain identity: {_describe(identity)}.")
    if flags_given:
        console.print("[yellow]It was kept;[/] --name and --contact only apply when creating one.")
    console.print(
        'To replace it: notrain init --new --name "Your Name" --contact you@example.com '
        "(the old one is kept, so photos marked with it still verify as yours)."
    )
    _print_signing(signing)


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
    *,
    created: bool,
    identity: Identity,
    replaced: Identity | None,
    database: str,
    signing: _Signing,
) -> None:
    click.echo(
        json.dumps(
            {
                "created": created,
                "identity": _as_dict(identity),
                "replaced": _as_dict(replaced) if replaced else None,
                "database": database,
                "signing_identity": identity_as_dict(signing[0]),
                "signing_identity_created": signing[1],
            },
            ensure_ascii=False,
            indent=2,
        )
    )
