"""``notrain escalate``: write the next letter when Meta is late, refuses, or stays silent."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import click
from rich.markup import escape

from notrain.cli._common import console, err_console, handle_errors, open_db
from notrain.errors import NotrainError, OutputExistsError
from notrain.rights.authorities import authorities_for
from notrain.rights.jurisdictions import jurisdiction
from notrain.rights.model import LANGUAGES
from notrain.rights.requests import get_request
from notrain.store.home import resolve_home

__all__ = ["escalate_command"]

FORMATS = ("txt", "md", "pdf")

_RECORD_AS = {
    "reminder": "reminder-sent",
    "complaint": "complaint-filed",
    "complaint-ico": "complaint-filed",
    "complaint-us": "complaint-filed",
    "deletion-request": "submitted",
    "appeal": "appeal-filed",
}
"""How to record each letter once sent (an FTC report is a note: it does not answer the request)."""

_NOTE_AS = {"ftc": "FTC report filed"}


@click.command(
    "escalate",
    epilog="""\b
Examples:
  notrain escalate 1                       letters into the current folder (.txt, .md, .pdf)
  notrain escalate 1 -o ~/letters --format pdf
  notrain escalate 1 --language en         write in English instead of the authority's language""",
)
@click.argument("request_id", type=int)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for the letters.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    help="Output formats (repeatable; default: all three).",
)
@click.option(
    "--language", type=click.Choice(list(LANGUAGES)), help="Write the letters in this language."
)
@click.option(
    "--today",
    "today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Pretend today is this date.",
)
@click.option("--overwrite", is_flag=True, help="Replace letters written before.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def escalate_command(
    ctx: click.Context,
    request_id: int,
    output: Path,
    formats: tuple[str, ...],
    language: str | None,
    today: datetime | None,
    overwrite: bool,
    as_json: bool,
) -> None:
    """Write the next step for a request Meta refused, ignored or answered late.

    In the EU/EEA: a reminder to Meta when the answer is merely overdue, then a
    complaint to your own data protection authority (it forwards it to the Irish DPC,
    Meta's lead authority). In the UK: the first-contact letter the ICO expects, then
    the ICO complaint. In the US: a deletion request under your state's law, the
    appeal to Meta that most state laws require first, a complaint to the attorney
    general or the California Privacy Protection Agency, and the FTC route. Every
    letter is prefilled with your name, the dates, Meta's reference numbers and the
    whole timeline. notrain sends nothing: you do.
    """
    from notrain.rights.documents import write_document
    from notrain.rights.escalation import escalation_letters

    db = open_db(ctx)
    home = resolve_home(ctx.find_root().params.get("home"))
    request = get_request(db, request_id)
    place = jurisdiction(request.jurisdiction)
    day = today.date() if today else date.today()
    letters = escalation_letters(
        request=request,
        jurisdiction=place,
        authorities=authorities_for(place),
        today=day,
        language=language,
        home=home,
    )
    targets = [
        output / f"request-{request.id}-{letter.kind}.{fmt}"
        for letter in letters
        for fmt in formats or FORMATS
    ]
    taken = [path for path in targets if path.exists()]
    if taken and not overwrite:
        raise OutputExistsError(
            f"{', '.join(str(p) for p in taken)} already exist{'s' if len(taken) == 1 else ''}; "
            "nothing was written.",
            path=taken[0],
            hint="Pass --overwrite to write the letters again, or choose another -o folder.",
        )
    written: list[dict[str, object]] = []
    for letter in letters:
        files = []
        for fmt in formats or FORMATS:
            path = output / f"request-{request.id}-{letter.kind}.{fmt}"
            try:
                write_document(letter, path, overwrite=overwrite)
            except NotrainError as exc:
                if fmt != "pdf":
                    raise
                err_console.print(f"[yellow]No PDF for {letter.kind}:[/] {escape(exc.message)}")
                if exc.hint:
                    err_console.print(f"[dim]{escape(exc.hint)}[/]")
                continue
            files.append(str(path))
        written.append(
            {
                "kind": letter.kind,
                "title": letter.title,
                "language": letter.language,
                "recipient": letter.recipient,
                "send_to": letter.send_to,
                "files": files,
                "notes": list(letter.notes),
                "record_with": (
                    f"notrain requests update {request.id} --status {_RECORD_AS[letter.kind]}"
                    if letter.kind in _RECORD_AS
                    else f'notrain requests update {request.id} --note "{_NOTE_AS.get(letter.kind, letter.kind)}"'
                ),
            }
        )
    if as_json:
        click.echo(
            json.dumps({"request": request.id, "letters": written}, ensure_ascii=False, indent=2)
        )
        return
    for item in written:
        console.print(f"[green]✓[/] [bold]{escape(str(item['title']))}[/] ({item['language']})")
        for file in item["files"]:  # type: ignore[attr-defined]
            console.print(f"    {escape(str(file))}")
        for note in item["notes"]:  # type: ignore[attr-defined]
            console.print(f"    [yellow]Note:[/] {escape(str(note))}")
        if item["send_to"]:
            console.print(f"    Send it: {escape(str(item['send_to']))}")
        console.print(f"    Once sent: {item['record_with']} --on YYYY-MM-DD")
    console.print(
        "[dim]notrain sends nothing itself: read the letters, adjust them if you like, and send them.[/]"
    )
