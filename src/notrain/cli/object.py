"""``notrain object``: object to Meta's AI training, step by step, and record the request."""

from __future__ import annotations

import json
import locale
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING

import click
from rich.markup import escape
from rich.panel import Panel

from notrain.cli._common import WHEN, console, err_console, handle_errors, open_db
from notrain.errors import OptionError
from notrain.rights.deadlines import receipt_date
from notrain.rights.jurisdictions import jurisdiction as find_jurisdiction
from notrain.rights.jurisdictions import states
from notrain.rights.model import DEVICES, LANGUAGES, PLATFORMS, ROLES
from notrain.store.identity import active_identity

if TYPE_CHECKING:
    from notrain.rights.objection import Guidance

__all__ = ["object_command"]

_ROLE_HELP = {
    "artist": "an artist or illustrator",
    "photographer": "a photographer",
    "parent": "a parent posting photos of your children",
    "private": "a private person",
}


@click.command(
    "object",
    epilog="""\b
Examples:
  notrain object                 asks a few questions, then shows what to do
  notrain object --country DE --state BY --platform instagram --device android \\
      --role artist --posts "my illustrations" --name "Ann Example" --email ann@example.org
  notrain object --country GB --platform both --device iphone --submitted-on 2026-11-20
  notrain object --country US --state CA --platform facebook --device desktop --no-record --json""",
)
@click.option("--country", help="Where you live: a country code (DE, FR, GB, US, BR...) or name.")
@click.option("--state", help="Your state, for Germany (BY, BE...) and the US (CA, VA...).")
@click.option(
    "--platform",
    "platforms",
    multiple=True,
    type=click.Choice([*PLATFORMS, "both"]),
    help="Which accounts: facebook, instagram or both (repeatable).",
)
@click.option("--device", type=click.Choice(DEVICES), help="Where you use Meta's apps.")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    help="Who you are, for the reason text: "
    + "; ".join(f"{k}: {v}" for k, v in _ROLE_HELP.items())
    + ".",
)
@click.option("--posts", help='What you post, in your own words ("my watercolours").')
@click.option("--name", help="Your name (default: the one from notrain init).")
@click.option("--email", help="The email address of your Meta account.")
@click.option(
    "--language",
    type=click.Choice(list(LANGUAGES)),
    help="Language of the reason text (default: your country's).",
)
@click.option(
    "--submitted-on",
    type=WHEN,
    help="You already sent the form on this date (YYYY-MM-DD, or a moment with its time zone, "
    "2026-01-31T23:30+01:00): start the deadline clock.",
)
@click.option("--no-record", is_flag=True, help="Only show the guidance; do not record a request.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def object_command(
    ctx: click.Context,
    country: str | None,
    state: str | None,
    platforms: tuple[str, ...],
    device: str | None,
    role: str | None,
    posts: str | None,
    name: str | None,
    email: str | None,
    language: str | None,
    submitted_on: date | datetime | None,
    no_record: bool,
    as_json: bool,
) -> None:
    """Object to Meta using your posts and photos to train its AI.

    Tells you whether the law where you live lets you object and what an objection
    covers, gives you the form links and the in-app path for your device, writes a
    short reason in your language to paste into the form, and records the request so
    that `notrain requests due` reminds you when Meta's answer is due. In the US, where
    there is no opt-out, it says so and shows what you can do instead.

    Nothing is sent anywhere: you submit the form yourself.
    """
    from notrain.rights.objection import guide, record

    interactive = _stdin_is_tty() and not as_json
    db = open_db(ctx)
    identity = active_identity(db)
    if country is None:
        country = _ask(
            "country",
            "Where do you live? (country code or name, e.g. DE, FR, GB, US)",
            _guess_country(),
            interactive,
        )
        while interactive and not _known_place(country):
            country = _ask("country", "Where do you live?", None, interactive)
    if state is None and interactive and _known_place(country) and states(country):
        examples = ", ".join(j.code.split("-")[1] for j in states(country)[:4])
        state = (
            click.prompt(
                f"Your state ({examples}...; empty if you prefer not to say)",
                default="",
                show_default=False,
                err=True,
            ).strip()
            or None
        )
    if not platforms:
        platforms = (
            _ask_choice("platform", "Which accounts?", [*PLATFORMS, "both"], "both", interactive),
        )
    chosen = tuple(PLATFORMS) if "both" in platforms else platforms
    if device is None:
        device = _ask_choice(
            "device", "Which device do you use?", list(DEVICES), "android", interactive
        )
    if role is None:
        role = (
            _ask_choice("role", "Which describes you best?", list(ROLES), "private", interactive)
            if interactive
            else "private"
        )
    if posts is None:
        posts = (
            click.prompt(
                "What do you post? (a few words, optional)",
                default="",
                show_default=False,
                err=True,
            )
            if interactive
            else ""
        )
    if name is None:
        if identity:
            name = identity.name
        elif no_record and not interactive:
            name = ""
        else:
            name = _ask("name", "Your name", None, interactive)
    today = date.today()
    guidance = guide(
        country=country,
        state=state,
        platforms=chosen,
        device=device,
        role=role,
        posts=posts,
        name=name,
        language=language,
        today=today,
    )
    request = None
    if guidance.request_kind is not None and not no_record:
        if email is None:
            default = identity.contact if identity and "@" in identity.contact else None
            email = _ask("email", "The email address of your Meta account", default, interactive)
        request = record(
            db,
            guidance,
            name=guidance.name,
            email=email,
            submitted_on=_received(submitted_on, guidance),
            today=today,
        )
    if as_json:
        data = guidance.to_dict()
        data["request"] = (
            None if request is None else {"id": request.id, "status": request.status.value}
        )
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _show(guidance, request.id if request else None, submitted=submitted_on is not None)
    if guidance.stale:
        err_console.print(
            f"[yellow]Note:[/] {len(guidance.stale)} of these facts were last checked more than six "
            "months ago; Meta changes its forms and menus often. See notrain facts."
        )


def _received(sent: date | datetime | None, guidance: Guidance) -> date | None:
    """The day Meta received a request sent at ``sent`` (in Meta's time zone for a moment)."""
    if sent is None:
        return None
    return receipt_date(sent, guidance.jurisdiction.regime)


def _known_place(country: str) -> bool:
    """Whether notrain understands ``country``; in a terminal, says why not (and the caller asks
    again)."""
    try:
        find_jurisdiction(country)
    except OptionError as exc:
        err_console.print(f"[red]{escape(exc.message)}[/]")
        if exc.hint:
            err_console.print(f"[dim]{escape(exc.hint)}[/]")
        return False
    return True


def _stdin_is_tty() -> bool:
    return sys.stdin.isatty()


def _guess_country() -> str | None:
    tag = locale.getlocale()[0] or ""
    return tag.split("_")[1].upper() if "_" in tag and len(tag.split("_")[1]) == 2 else None


def _ask(option: str, prompt: str, default: str | None, interactive: bool) -> str:
    if not interactive:
        if default is not None:
            return default
        raise click.UsageError(
            f"--{option} is missing, and there is no terminal to ask for it. "
            "Pass it, e.g. notrain object --country DE --platform instagram --device android "
            '--name "Your Name" --email you@example.org'
        )
    return str(click.prompt(prompt, default=default, err=True)).strip()


def _ask_choice(
    option: str, prompt: str, choices: list[str], default: str, interactive: bool
) -> str:
    if not interactive:
        raise click.UsageError(
            f"--{option} is missing, and there is no terminal to ask for it "
            f"(choose one of {', '.join(choices)})."
        )
    return str(click.prompt(prompt, type=click.Choice(choices), default=default, err=True))


def _show(guidance: Guidance, request_id: int | None, *, submitted: bool) -> None:
    place = guidance.jurisdiction
    verdict = (
        "[green]Yes, you can object.[/]"
        if place.can_object
        else "[yellow]There is no right to object to Meta's AI training here.[/]"
    )
    law = f" ({escape(place.law)})" if place.law and place.regime not in ("us", "none") else ""
    console.print(
        Panel(f"{verdict}{law}\n{escape(place.summary)}", title=escape(place.name), expand=False)
    )
    if guidance.forms and not place.forms_confirmed:
        console.print(
            "[yellow]Meta does not say that its objection form accepts people from here;[/] "
            "it costs nothing to try."
        )
    if guidance.forms:
        console.print(
            "[bold]1. Open the objection form[/] (log in first; one form covers every account in the same Accounts Center):"
        )
        for form in guidance.forms:
            console.print(f"   {escape(form.title)}: {escape(form.value)}")
        console.print("[bold]   Or find it in the app:[/]")
        for path in guidance.paths:
            console.print(f"   {escape(path.title)}: {escape(path.value)}")
        if guidance.entry_point is not None:
            console.print(
                f"   If a link has moved: {escape(guidance.entry_point.title)}: "
                f"{escape(guidance.entry_point.value)}"
            )
    if guidance.reason:
        step = "2. Paste this reason into the form" if guidance.forms else "Your request text"
        console.print(f"[bold]{step}[/] ({escape(guidance.language)}):")
        console.print(Panel(escape(guidance.reason.strip()), expand=False))
    if guidance.forms:
        console.print("[bold]What an objection does and does not do:[/]")
        for fact in guidance.coverage:
            console.print(f"   - {escape(fact.value)}")
        console.print(
            f"   - Photos of you posted by others: {escape(guidance.third_party_form.value)}"
        )
    if place.alternatives:
        console.print("[bold]What else you can do:[/]")
        for alternative in place.alternatives:
            console.print(f"   - {escape(alternative)}")
    if guidance.checklist:
        console.print("[bold]Privacy settings worth changing:[/]")
        for fact in guidance.checklist:
            console.print(f"   - {escape(fact.title)}: {escape(fact.value)}")
    if request_id is not None:
        console.print(f"[green]✓[/] Recorded as request [bold]{request_id}[/].")
        if guidance.request_kind == "deletion":
            console.print(
                f"   notrain escalate {request_id} writes your deletion request to Meta (and an "
                "FTC report); once you have sent it, record it with notrain requests update "
                f"{request_id} --status submitted."
            )
        elif submitted:
            console.print("   notrain requests due tells you when Meta's answer is due.")
        else:
            console.print(
                f"   Once you have sent it: notrain requests update {request_id} --status submitted "
                "(add --on YYYY-MM-DD if not today)."
            )
