"""Write a site's opt-out files into the folder a creator publishes, all or nothing.

:func:`write_site` works out every file first (robots.txt, ai.txt, tdmrep.json, the header
snippets and ``_headers``) and writes only when all of them could be made, so a robots.txt
with a syntax error leaves the folder exactly as it was. Each file is written atomically.
HTML files (``html=True``) come after, each on its own: a page without ``<head>`` is reported
and left alone, and each changed page is first copied to ``PAGE.notrain-bak`` unless a backup
from an earlier run is there (the oldest one is the original).

The header snippets are server configuration, not site content, so they go to a
``notrain-headers`` folder beside the site's folder rather than into it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from notrain.errors import InputError
from notrain.output import write_atomic
from notrain.site.crawlers import DEFAULT_PURPOSES, Crawler, load_crawlers, select_crawlers
from notrain.site.headers import header_snippets, merge_headers_file
from notrain.site.html import mark_html
from notrain.site.merge import RobotsConflict, merge_robots
from notrain.site.signals import ai_txt, ai_txt_allows, check_policy, merge_tdmrep

__all__ = ["BACKUP_SUFFIX", "HEADERS_DIR", "SiteFile", "SiteOptions", "SiteReport", "write_site"]

BACKUP_SUFFIX = ".notrain-bak"
HEADERS_DIR = "notrain-headers"
"""The folder, beside the site's, that gets the header snippets."""

_MAX_FILE = 5 * 1024 * 1024
_MAX_HTML = 20 * 1024 * 1024
_HTML = (".html", ".htm")

Status = Literal["created", "updated", "unchanged", "skipped"]


@dataclass(frozen=True, kw_only=True)
class SiteOptions:
    """Which files :func:`write_site` writes, and how."""

    robots: bool = True
    ai_txt: bool = True
    tdmrep: bool = True
    headers: bool = False
    """Write the header snippets to ``notrain-headers`` beside the site's folder."""
    headers_file: bool = False
    """Write (or merge into) ``_headers`` at the site's root, for Netlify and Cloudflare Pages."""
    html: bool = False
    """Add the meta tags to every ``.html``/``.htm`` file."""
    purposes: tuple[str, ...] = DEFAULT_PURPOSES
    """Which crawlers robots.txt names (see ``notrain.site.PURPOSES``)."""
    policy: str | None = None
    """A page or JSON file with the terms for AI use, for TDMRep's ``tdm-policy``."""
    force: bool = False
    """Turn the person's own robots.txt lines that let a listed crawler in into comments."""
    dry_run: bool = False


@dataclass(frozen=True)
class SiteFile:
    """One file :func:`write_site` wrote, would write, or left alone."""

    path: Path
    kind: str
    """``robots.txt``, ``ai.txt``, ``tdmrep.json``, ``_headers``, ``snippet`` or ``html``."""
    status: Status
    detail: str = ""
    backup: Path | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "kind": self.kind,
            "status": self.status,
            "detail": self.detail,
            "backup": str(self.backup) if self.backup else None,
        }


@dataclass(frozen=True)
class SiteReport:
    """What :func:`write_site` did to a site's folder."""

    root: Path
    files: tuple[SiteFile, ...]
    crawlers: tuple[Crawler, ...]
    """The crawlers robots.txt names (empty without robots.txt)."""
    conflicts: tuple[RobotsConflict, ...] = ()
    warnings: tuple[str, ...] = ()
    dry_run: bool = False
    headers_dir: Path | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def still_allowed(self) -> tuple[str, ...]:
        """Listed crawlers that the person's own robots.txt lines still let in."""
        return tuple(c.user_agent for c in self.conflicts if not c.resolved)

    def as_dict(self) -> dict[str, Any]:
        return {
            "root": str(self.root),
            "dry_run": self.dry_run,
            "files": [file.as_dict() for file in self.files],
            "crawlers": [c.user_agent for c in self.crawlers],
            "still_allowed": list(self.still_allowed),
            "conflicts": [
                {
                    "user_agent": c.user_agent,
                    "lines": list(c.lines),
                    "texts": list(c.texts),
                    "resolved": c.resolved,
                }
                for c in self.conflicts
            ],
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            "headers_dir": str(self.headers_dir) if self.headers_dir else None,
        }


@dataclass(frozen=True)
class _Planned:
    path: Path
    kind: str
    old: bytes | None
    new: bytes
    detail: str = ""


def write_site(root: Path, options: SiteOptions | None = None) -> SiteReport:
    """Write or merge the opt-out files into the site folder ``root``.

    Raises ``InputError`` when ``root`` is not a folder, or when one of the files there cannot
    be merged (robots.txt syntax errors as ``RobotsSyntaxError``, naming the line); nothing
    is written then. ``OptionError`` for a bad policy address or purpose."""
    options = options or SiteOptions()
    root = Path(root)
    if not root.is_dir():
        raise InputError(
            f"{root} is not a folder.",
            path=root,
            hint="Give the folder you upload to your web host (the one with index.html).",
        )
    policy = check_policy(options.policy) if options.policy else None
    listing = load_crawlers()
    crawlers = select_crawlers(options.purposes, listing.crawlers) if options.robots else ()
    planned: list[_Planned] = []
    conflicts: tuple[RobotsConflict, ...] = ()
    warnings: list[str] = []
    notes: list[str] = []
    if options.robots:
        path = root / "robots.txt"
        old = _read(path)
        merged = merge_robots(
            old,
            crawlers,
            search_engines=listing.search_engines,
            checked=listing.checked,
            force=options.force,
            path=path,
        )
        planned.append(_Planned(path, "robots.txt", old, merged.data, _named(crawlers)))
        conflicts, warnings = merged.conflicts, list(merged.warnings)
    if options.ai_txt:
        path = root / "ai.txt"
        old = _read(path)
        new = ai_txt(old, listing.ai_txt, path=path)
        planned.append(_Planned(path, "ai.txt", old, new, "no AI training on any media type"))
        if ai_txt_allows(new):
            warnings.append(
                f"{path} has Allow lines of your own below notrain's block; a reader may take "
                "them to allow AI training of those files. Remove them if you did not mean it."
            )
    if options.tdmrep:
        path = root / ".well-known" / "tdmrep.json"
        old = _read(path)
        tdm = merge_tdmrep(old, policy=policy, path=path)
        detail = "TDM rights reserved for the whole site" + (f"; policy {policy}" if policy else "")
        planned.append(_Planned(path, "tdmrep.json", old, tdm.data, detail))
        notes += tdm.notes
    if options.headers_file:
        path = root / "_headers"
        old = _read(path)
        new = merge_headers_file(old, policy, path=path)
        planned.append(_Planned(path, "_headers", old, new, "for Netlify and Cloudflare Pages"))
    headers_dir = root.resolve().parent / HEADERS_DIR if options.headers else None
    if headers_dir is not None:
        for name, text in header_snippets(policy).items():
            path = headers_dir / name
            planned.append(_Planned(path, "snippet", _read(path), text.encode("utf-8")))
    files = [_write(item, options.dry_run) for item in planned]
    if options.html:
        files += _mark_pages(root, policy, options.dry_run)
    return SiteReport(
        root=root,
        files=tuple(files),
        crawlers=crawlers,
        conflicts=conflicts,
        warnings=tuple(warnings),
        dry_run=options.dry_run,
        headers_dir=headers_dir,
        notes=tuple(notes),
    )


def _named(crawlers: Sequence[Crawler]) -> str:
    return f"{len(crawlers)} AI crawler{'s' if len(crawlers) != 1 else ''} disallowed"


def _read(path: Path, limit: int = _MAX_FILE) -> bytes | None:
    if not path.exists() and not path.is_symlink():
        return None
    if not path.is_file():
        raise InputError(
            f"{path} is not a file.", path=path, hint="Move it away, then run notrain site again."
        )
    try:
        if path.stat().st_size > limit:
            raise InputError(
                f"{path} is larger than {limit // (1024 * 1024)} MB; notrain will not merge it.",
                path=path,
                hint="Check that it is the file you mean; nothing was written.",
            )
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"Cannot read {path}: {error.strerror}.", path=path) from None


def _write(item: _Planned, dry_run: bool) -> SiteFile:
    if item.old == item.new:
        return SiteFile(item.path, item.kind, "unchanged", item.detail)
    status: Status = "created" if item.old is None else "updated"
    if not dry_run:
        _replace(item.path, item.new)
    return SiteFile(item.path, item.kind, status, item.detail)


def _replace(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, keeping an existing file's permissions."""
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    write_atomic(path, data, overwrite=True)
    if mode is not None:
        os.chmod(path, mode)


def _mark_pages(root: Path, policy: str | None, dry_run: bool) -> list[SiteFile]:
    files = []
    for page in _pages(root):
        if page.is_symlink():
            files.append(SiteFile(page, "html", "skipped", "a link to another file; left alone"))
            continue
        try:
            size = page.stat().st_size
            data = page.read_bytes() if size <= _MAX_HTML else b""
        except OSError as error:
            files.append(SiteFile(page, "html", "skipped", f"cannot be read: {error.strerror}"))
            continue
        if size > _MAX_HTML:
            files.append(SiteFile(page, "html", "skipped", "larger than 20 MB; left alone"))
            continue
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            files.append(SiteFile(page, "html", "skipped", "UTF-16 text; left alone"))
            continue
        edit = mark_html(data, policy=policy)
        if edit is None:
            detail = "no <head> to put the meta tags in; left alone"
            files.append(SiteFile(page, "html", "skipped", detail))
        elif not edit.changes:
            files.append(SiteFile(page, "html", "unchanged", "already has the meta tags"))
        else:
            backup = page.with_name(page.name + BACKUP_SUFFIX)
            if not dry_run:
                if not backup.exists():
                    write_atomic(backup, data, overwrite=False)
                _replace(page, edit.data)
            files.append(SiteFile(page, "html", "updated", "; ".join(edit.changes), backup))
    return files


def _pages(root: Path) -> list[Path]:
    """The site's HTML files, in a stable order; hidden folders (``.git``) are skipped."""
    pages = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        pages += [Path(folder) / name for name in sorted(names) if name.lower().endswith(_HTML)]
    return pages
