"""``notrain identity``: the signing identity behind your photos' Content Credentials."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.markup import escape

from notrain.cli._common import console, handle_errors
from notrain.credentials.certificates import contact_of
from notrain.credentials.identity import (
    SigningIdentity,
    describe,
    import_signing_identity,
    load_signing_identity,
    renew_signing_identity,
    signing_identity_exists,
)
from notrain.errors import OptionError
from notrain.store.home import resolve_home

__all__ = [
    "identity_as_dict",
    "identity_group",
    "passphrase_options",
    "read_passphrase",
]

F = TypeVar("F", bound=Callable[..., Any])


def passphrase_options(func: F) -> F:
    """Add --passphrase (asks for it) and --passphrase-env NAME to a command."""
    func = click.option(
        "--passphrase-env",
        metavar="NAME",
        help="Read the passphrase for your signing key from this environment variable.",
    )(func)
    return click.option(
        "--passphrase",
        "ask_passphrase",
        is_flag=True,
        help="Ask for the passphrase that protects your signing key.",
    )(func)


def read_passphrase(env: str | None, ask: bool, *, confirm: bool = False) -> str | None:
    """The passphrase from --passphrase-env or --passphrase; None when neither was given."""
    if env:
        value = os.environ.get(env)
        if not value:
            raise OptionError(
                f"The environment variable {env} named by --passphrase-env is not set or empty.",
                hint=f"Set it first, e.g. export {env}='...' (or use --passphrase to type it).",
            )
        return value
    if not ask:
        return None
    if not sys.stdin.isatty():
        raise click.UsageError(
            "--passphrase asks for it, and there is no terminal to ask on. "
            "Use --passphrase-env NAME instead."
        )
    return str(
        click.prompt(
            "Passphrase for your signing key",
            hide_input=True,
            confirmation_prompt=confirm,
            err=True,
        )
    )


def identity_as_dict(identity: SigningIdentity) -> dict[str, Any]:
    """The identity as JSON-ready values (no key material)."""
    return {
        "subject": identity.subject,
        "organisation": identity.organisation,
        "contact": contact_of(identity.leaf),
        "issuer": identity.issuer,
        "fingerprint": identity.fingerprint,
        "root_fingerprint": identity.root_fingerprint,
        "not_before": identity.not_before.isoformat(),
        "not_after": identity.not_after.isoformat(),
        "expired": identity.expired,
        "usages": list(identity.usages),
        "imported": identity.imported,
        "folder": str(identity.folder),
    }


@click.group(
    "identity",
    epilog="""\b
Examples:
  notrain identity show                         what others see when they check your photos
  notrain identity show --json
  notrain identity import chain.pem key.pem     use a C2PA certificate you bought
  notrain identity import chain.pem key.pem --passphrase
  notrain identity renew                        a new signing certificate under your root""",
)
def identity_group() -> None:
    """Your signing identity: the certificate that signs the "not for AI training"
    Content Credentials in your photos.

    notrain init makes one: a personal root that lives only on this computer and a
    signing certificate it issues. Validators show it as an unknown signer unless
    they add your root; notrain verify recognises it as yours.
    """


@identity_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def show_command(ctx: click.Context, as_json: bool) -> None:
    """Show your signing identity as validators show it to others."""
    identity = load_signing_identity(_home(ctx), with_key=False)
    if as_json:
        click.echo(json.dumps(identity_as_dict(identity), ensure_ascii=False, indent=2))
        return
    console.print(
        "[bold]Your signing identity[/] (what others see in your photos' Content Credentials):"
    )
    for line in describe(identity):
        console.print(f"  {escape(line)}", soft_wrap=True)
    if identity.expired:
        console.print("[yellow]It has expired;[/] run: notrain identity renew")


@identity_group.command("import")
@click.argument("chain", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("key", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@passphrase_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def import_command(
    ctx: click.Context,
    chain: Path,
    key: Path,
    passphrase_env: str | None,
    ask_passphrase: bool,
    as_json: bool,
) -> None:
    """Sign with an existing certificate chain and key from now on.

    CHAIN is a PEM file with your signing certificate first, then each issuer; KEY is
    its PEM private key. The passphrase, if given, opens KEY when it is encrypted and
    protects the copy notrain keeps. Your current identity is retired, not deleted:
    photos signed with it still verify as yours.
    """
    home = _home(ctx)
    replaced = signing_identity_exists(home)
    passphrase = read_passphrase(passphrase_env, ask_passphrase)
    identity = import_signing_identity(home, chain.read_bytes(), key.read_bytes(), passphrase)
    if as_json:
        result = {"imported": identity_as_dict(identity), "replaced": replaced}
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    console.print(f"[green]✓[/] Imported the certificate of [bold]{escape(identity.subject)}[/].")
    for line in describe(identity):
        console.print(f"  {escape(line)}", soft_wrap=True)
    if replaced:
        console.print(
            "  The previous identity was retired and kept: photos signed with it still verify."
        )


@identity_group.command("renew")
@passphrase_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def renew_command(
    ctx: click.Context, passphrase_env: str | None, ask_passphrase: bool, as_json: bool
) -> None:
    """Issue a new signing certificate under your root (same name and contact).

    Photos signed before still verify as yours: the root stays the same.
    """
    passphrase = read_passphrase(passphrase_env, ask_passphrase)
    identity = renew_signing_identity(_home(ctx), passphrase)
    if as_json:
        click.echo(json.dumps(identity_as_dict(identity), ensure_ascii=False, indent=2))
        return
    console.print(
        f"[green]✓[/] Issued a new signing certificate for [bold]{escape(identity.subject)}[/], "
        f"valid until {identity.not_after:%Y-%m-%d}."
    )


def _home(ctx: click.Context) -> Path:
    return resolve_home(ctx.find_root().params.get("home"))
