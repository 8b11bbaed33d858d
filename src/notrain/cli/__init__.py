"""The ``notrain`` command line: a thin layer over the library."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import click

from notrain.cli.audit import audit_command
from notrain.cli.escalate import escalate_command
from notrain.cli.export import export_command
from notrain.cli.facts import facts_command
from notrain.cli.identity import identity_group
from notrain.cli.init import init_command
from notrain.cli.inspect import inspect_command
from notrain.cli.object import object_command
from notrain.cli.platforms import platforms_command
from notrain.cli.protect import protect_command
from notrain.cli.requests import requests_group
from notrain.cli.samples import samples_command
from notrain.cli.scan import scan_command
from notrain.cli.serve import serve_command
from notrain.cli.site import site_command
from notrain.cli.verify import verify_command
from notrain.cli.watch import watch_group
from notrain.cli.watermark import watermark_group

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="NOTRAIN_HOME",
    help="Data folder for notrain's database (default: your user data folder; env: NOTRAIN_HOME).",
)
@click.version_option(version("notrain"), prog_name="notrain")
def main(home: Path | None) -> None:
    """notrain: keep AI companies from training on your photos.

    Protect photos before you post them: resized for the platform so it does not
    resample them again, private metadata removed, a "not for AI training" rights
    statement written, a visible mark added, and a report of what survives the
    platform.

    \b
    Start here:
      notrain serve                      the app in your browser: everything below, in plain pages
      notrain init --name "Your Name" --contact you@example.com   once: who your photos' invisible watermark names
      notrain protect ~/Pictures/to-post --for instagram --owner "Your Name" --mark "© Your Name" -o ~/Pictures/protected
      notrain inspect photo.jpg          what a photo reveals about you
      notrain platforms                  what each platform does to an upload
    """


main.add_command(init_command)
main.add_command(identity_group)
main.add_command(serve_command)
main.add_command(protect_command)
main.add_command(inspect_command)
main.add_command(platforms_command)
main.add_command(samples_command)
main.add_command(watermark_group)
main.add_command(verify_command)
main.add_command(scan_command)
main.add_command(object_command)
main.add_command(requests_group)
main.add_command(escalate_command)
main.add_command(facts_command)
main.add_command(audit_command)
main.add_command(watch_group)
main.add_command(site_command)
main.add_command(export_command)
