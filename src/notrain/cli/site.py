"""``notrain site``: tell AI crawlers no on your own website, and check that a live site does."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.markup import escape

from notrain.cli._common import console, handle_errors

if TYPE_CHECKING:
    from notrain.site import SiteCheck, SiteFile, SiteReport

__all__ = ["EXIT_ALLOWED", "OPTION_FLAGS", "PURPOSE_CHOICES", "site_command"]

EXIT_ALLOWED = 3
"""Some AI crawler can still collect the site: robots.txt lets it in (0: all are blocked;
1: the site could not be reached, or a file could not be written)."""

PURPOSE_CHOICES = ("training", "ai-search", "user-fetch")
"""``notrain.site.PURPOSES``, spelled out so that ``notrain --help`` need not import it."""

OPTION_FLAGS = (
    "--check",
    "--block",
    "--no-robots",
    "--no-ai-txt",
    "--no-tdmrep",
    "--headers",
    "--headers-file",
    "--html",
    "--policy",
    "--force",
    "--dry-run",
    "--json",
)
"""Every option, for the test that each one is documented in docs/site.md."""

_WRITE_ONLY = (
    "no_robots",
    "no_ai_txt",
    "no_tdmrep",
    "headers",
    "headers_file",
    "html",
    "policy",
    "force",
    "dry_run",
)
_MARKS = {
    "created": "[green]+[/]",
    "updated": "[yellow]~[/]",
    "unchanged": "[dim]=[/]",
    "skipped": "[bold yellow]![/]",
    "present": "[green]✓[/]",
    "partial": "[yellow]~[/]",
    "absent": "[red]✗[/]",
    "error": "[bold red]?[/]",
    "blocked": "[green]✓[/]",
    "allowed": "[red]✗[/]",
    "partly-allowed": "[yellow]~[/]",
    "unknown": "[bold red]?[/]",
}


@click.command(
    "site",
    epilog="""\b
Examples:
  notrain site ~/my-site                       robots.txt, ai.txt, .well-known/tdmrep.json
  notrain site ~/my-site --html --dry-run      what the meta tags would change in your pages
  notrain site ~/my-site --html --headers      meta tags too, and header snippets for your server
  notrain site ~/my-site --headers-file        a _headers file for Netlify or Cloudflare Pages
  notrain site ~/my-site --block training      AI training only: AI search may still cite you
  notrain site ~/my-site --policy https://example.com/ai-licence
  notrain site --check https://example.com     what a live site says, crawler by crawler

\b
Exit status: 0 when robots.txt blocks every AI crawler; 3 when some can still
collect the site; 1 when the site cannot be reached or a file cannot be written.""",
)
@click.argument(
    "path",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@click.option("--check", "check_url", metavar="URL", help="Check a live site instead of a folder.")
@click.option(
    "--block",
    "purposes",
    multiple=True,
    type=click.Choice(PURPOSE_CHOICES),
    help="Which crawlers robots.txt names, by purpose (repeatable; default: training and "
    "ai-search).",
)
@click.option("--no-robots", is_flag=True, help="Leave robots.txt alone.")
@click.option("--no-ai-txt", is_flag=True, help="Leave ai.txt alone.")
@click.option("--no-tdmrep", is_flag=True, help="Leave .well-known/tdmrep.json alone.")
@click.option(
    "--headers",
    is_flag=True,
    help="Write header snippets for nginx, Apache, Caddy and Netlify/Cloudflare to a "
    "notrain-headers folder beside PATH.",
)
@click.option(
    "--headers-file",
    is_flag=True,
    help="Write or merge a _headers file at the site's root (Netlify, Cloudflare Pages).",
)
@click.option(
    "--html",
    is_flag=True,
    help="Add the noai and tdm-reservation meta tags to every .html/.htm page (each changed "
    "page is backed up to PAGE.notrain-bak first).",
)
@click.option(
    "--policy",
    metavar="URL",
    help="Your terms for AI use (a page or a JSON policy), sent as TDMRep's tdm-policy.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Turn your own robots.txt lines that still let a listed crawler in into comments.",
)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@handle_errors
def site_command(
    ctx: click.Context,
    path: Path | None,
    check_url: str | None,
    purposes: tuple[str, ...],
    no_robots: bool,
    no_ai_txt: bool,
    no_tdmrep: bool,
    headers: bool,
    headers_file: bool,
    html: bool,
    policy: str | None,
    force: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Say no to AI crawlers on your own website, or check that a live site does.

    PATH is the folder you upload to your web host. notrain writes or merges, there:
    robots.txt (a group per AI crawler, each with Disallow: /; search engines are not
    named; your own rules stay as they are), ai.txt (Spawning's format) and
    .well-known/tdmrep.json (W3C TDMRep, the machine-readable reservation of the EU
    DSM Directive). notrain's lines sit between '# BEGIN notrain' and '# END notrain',
    so running it again changes nothing, and a newer crawler list replaces only them.

    With --check URL, notrain reads a live site's robots.txt, ai.txt, tdmrep.json,
    response headers and meta tags, and says which AI crawlers it still lets in.
    """
    chosen = purposes or ("training", "ai-search")
    if check_url and path is not None:
        raise click.UsageError("Give either PATH or --check URL, not both.")
    if check_url:
        used = [f"--{name.replace('_', '-')}" for name in _WRITE_ONLY if ctx.params[name]]
        if used:
            raise click.UsageError(f"{', '.join(used)} only work with PATH, not with --check.")
        _check(check_url, chosen, as_json)
        return
    if path is None:
        raise click.UsageError("Give the folder of your site (PATH), or --check URL.")
    from notrain.site import SiteOptions, write_site

    report = write_site(
        path,
        SiteOptions(
            robots=not no_robots,
            ai_txt=not no_ai_txt,
            tdmrep=not no_tdmrep,
            headers=headers,
            headers_file=headers_file,
            html=html,
            purposes=chosen,
            policy=policy,
            force=force,
            dry_run=dry_run,
        ),
    )
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_report(report, html)
    if report.still_allowed:
        sys.exit(EXIT_ALLOWED)


def _check(url: str, purposes: tuple[str, ...], as_json: bool) -> None:
    from notrain.site import check_site

    result = check_site(url, purposes=purposes)
    if as_json:
        click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        _print_check(result)
    if not result.all_blocked:
        sys.exit(EXIT_ALLOWED)


def _print_report(report: SiteReport, html: bool) -> None:
    if report.dry_run:
        console.print("[bold]Dry run:[/] nothing was written. This is what would change:")
    pages = [f for f in report.files if f.kind == "html"]
    others = [f for f in report.files if f.kind != "html"]
    width = max((len(_shown(report, f.path)) for f in others), default=0)
    for file in others:
        status = _status(file.status, report.dry_run)
        detail = f"  [dim]{escape(file.detail)}[/]" if file.detail else ""
        name = escape(_shown(report, file.path).ljust(width))
        console.print(f"  {_MARKS[file.status]} {name}  {status}{detail}")
    if html:
        _print_pages(report, pages)
    for conflict in report.conflicts:
        where = ", ".join(
            f"line {n} ({escape(t)!r})" for n, t in zip(conflict.lines, conflict.texts, strict=True)
        )
        if conflict.resolved:
            console.print(
                f"[yellow]![/] {escape(conflict.user_agent)}: your own lines that let it in are "
                f"now comments: {where}."
            )
        else:
            console.print(
                f"[bold red]✗[/] {escape(conflict.user_agent)} is still allowed by your own "
                f"robots.txt: {where}. RFC 9309 merges every group naming a crawler, so that "
                "Allow wins. Remove it, or run again with --force to turn it into a comment."
            )
    for warning in report.warnings:
        console.print(f"[bold yellow]![/] {escape(warning)}")
    for note in report.notes:
        console.print(f"[dim]Note: {escape(note)}.[/]")
    _print_next(report)


def _print_pages(report: SiteReport, pages: list[SiteFile]) -> None:
    counts = {s: sum(p.status == s for p in pages) for s in ("updated", "unchanged", "skipped")}
    verb = "would be updated" if report.dry_run else "updated"
    console.print(
        f"HTML pages: {counts['updated']} {verb}, {counts['unchanged']} unchanged, "
        f"{counts['skipped']} left alone."
    )
    for page in pages:
        if page.status == "skipped" or (page.status == "updated" and report.dry_run):
            console.print(
                f"  {_MARKS[page.status]} {escape(_shown(report, page.path))}  "
                f"[dim]{escape(page.detail)}[/]"
            )
    if counts["updated"] and not report.dry_run:
        console.print("  [dim]Each changed page's original is in PAGE.notrain-bak.[/]")


def _print_next(report: SiteReport) -> None:
    if report.dry_run:
        console.print("Run again without --dry-run to write these files.")
        return
    upload = (
        "Upload the folder to your web host: robots.txt, ai.txt and .well-known/ must be at "
        "the site's root (https://your-site/robots.txt)."
    )
    steps = [upload]
    if report.headers_dir is not None:
        steps.append(
            f"Add the header lines for your server, from {report.headers_dir} (nginx.conf, "
            "apache.conf, Caddyfile, or _headers for Netlify and Cloudflare Pages)."
        )
    else:
        steps.append(
            "To send the headers too, run again with --headers (a snippet for your server) "
            "or --headers-file (Netlify, Cloudflare Pages)."
        )
    steps.append("Then check the live site: notrain site --check https://your-site")
    console.print("Next:")
    for number, step in enumerate(steps, start=1):
        console.print(f"  {number}. {escape(step)}")


def _print_check(result: SiteCheck) -> None:
    console.print(f"[bold]{escape(result.final_url)}[/]")
    width = max(len(s.name) for s in result.signals)
    for signal in result.signals:
        console.print(
            f"  {_MARKS[signal.status]} {escape(signal.name.ljust(width))}  "
            f"[dim]{escape(signal.detail)}[/]"
        )
    console.print("AI crawlers, by robots.txt:")
    rows = [*result.crawlers, *result.search_engines]
    width = max(len(row.user_agent) for row in rows)
    for crawler in result.crawlers:
        lines = f" (line {', '.join(map(str, crawler.lines))})" if crawler.lines else ""
        console.print(
            f"  {_MARKS[crawler.status]} {escape(crawler.user_agent.ljust(width))}  "
            f"{crawler.status}{lines}  [dim]{escape(crawler.operator)}, {crawler.purpose}[/]"
        )
    console.print("Search engines:")
    for engine in result.search_engines:
        mark = "[green]✓[/]" if engine.status in ("allowed", "partly-allowed") else "[red]✗[/]"
        console.print(f"  {mark} {escape(engine.user_agent.ljust(width))}  {engine.status}")
    allowed = [c.user_agent for c in result.crawlers if c.status != "blocked"]
    if not allowed:
        console.print(f"[green]✓[/] robots.txt blocks all {len(result.crawlers)} AI crawlers.")
    else:
        console.print(
            f"[bold red]✗[/] {len(allowed)} of {len(result.crawlers)} AI crawlers are not "
            f"blocked: {escape(', '.join(allowed))}. Fix it with notrain site PATH on the "
            "folder you publish, then upload it."
        )


def _shown(report: SiteReport, path: Path) -> str:
    """``path`` within the site's folder, or, for the header snippets, beside it."""
    for base in (report.root, report.root.resolve().parent):
        if path.is_relative_to(base):
            return str(path.relative_to(base))
    return str(path)


def _status(status: str, dry_run: bool) -> str:
    if dry_run and status in ("created", "updated"):
        return f"would be {status}"
    return status
