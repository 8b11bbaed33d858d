"""The fonts notrain's PDFs are set in, and the check that every character has one.

Open Sans (shipped with the ``ttf-opensans`` package) covers Latin, Greek and Cyrillic.
For every other script notrain borrows a font already installed on the computer: it
looks in the usual font folders of Linux, macOS and Windows for well-known families
(Noto, DejaVu, Arial Unicode, Microsoft YaHei, PingFang, Segoe UI, ...). A character
that no font can show is an error before anything is drawn, never an empty box.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import ttf_opensans
from fontTools.ttLib import TTCollection, TTFont, TTLibError
from fpdf.unicode_script import UnicodeScript, get_unicode_script

from notrain.errors import NotrainError

__all__ = [
    "OPEN_SANS",
    "FontFace",
    "FontPlan",
    "MissingGlyphs",
    "fallback_faces",
    "font_folders",
    "plan_fonts",
]

OPEN_SANS: dict[str, Path] = {
    "": Path(ttf_opensans.OPENSANS_REGULAR.path),
    "B": Path(ttf_opensans.OPENSANS_BOLD.path),
    "I": Path(ttf_opensans.OPENSANS_ITALIC.path),
    "BI": Path(ttf_opensans.OPENSANS_BOLDITALIC.path),
}
"""The main font, by fpdf2 style."""

_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")

_FAMILIES: tuple[str, ...] = (
    r"notosans-regular\.ttf",
    r"notosanscjk(?:[a-z]{2})?(?:-regular|-vf)?\.(?:ttc|otc|otf|otf\.ttc)",
    r"notosans[a-z0-9]+(?:-regular|\[[a-z,]+\])\.(?:ttf|otf)",
    r"noto(?:serif|naskh|kufi|nastaliq)[a-z0-9]*(?:-regular|\[[a-z,]+\])\.(?:ttf|otf|ttc)",
    r"dejavusans\.ttf",
    r"arial ?unicode(?: ms)?\.ttf|arialuni\.ttf",
    r"msyh\.tt[cf]",
    r"msgothic\.ttc",
    r"malgun\.ttf",
    r"pingfang\.ttc",
    r"hiragino ?sans ?gb\.ttc|hiraginosans-w3\.ttc|ヒラギノ角ゴシック ?w3\.ttc",
    r"applesdgothicneo\.ttc",
    r"segoeui\.ttf",
    r"seguisym\.ttf",
    r"nirmala\.tt[cf]",
    r"tahoma\.ttf",
    r"notoemoji-regular\.ttf|notoemoji\[wght\]\.ttf",
    r"notocoloremoji\.ttf",
    r"seguiemj\.ttf",
    r"apple color emoji\.ttc",
)
"""File names of fallback fonts, best first (lower case). Only regular weights: a bold
heading in a borrowed script is shown in the regular weight."""

_SCRIPT_HINTS: dict[UnicodeScript, str] = {
    UnicodeScript.HAN: "cjk",
    UnicodeScript.HIRAGANA: "cjk",
    UnicodeScript.KATAKANA: "cjk",
    UnicodeScript.HANGUL: "cjk",
    UnicodeScript.BOPOMOFO: "cjk",
}
"""Which font names to try first for a script whose fonts are not named after it."""

_IGNORABLE = (
    frozenset(range(0xFE00, 0xFE10))
    | frozenset(range(0xE0100, 0xE01F0))
    | frozenset(range(0x1F3FB, 0x1F400))
    | frozenset(range(0xE0020, 0xE0080))
)
"""Variation selectors, emoji skin-tone modifiers and tag characters: invisible on their own, and
dropped when no font has them."""


class MissingGlyphs(NotrainError):
    """Some characters of a document have no font to show them in a PDF."""

    def __init__(self, characters: Iterable[str]) -> None:
        self.characters = tuple(sorted(set(characters)))
        scripts = sorted({_script_name(ch) for ch in self.characters})
        shown = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in self.characters[:12])
        more = f" and {len(self.characters) - 12} more" if len(self.characters) > 12 else ""
        super().__init__(
            f"The PDF cannot show {len(self.characters)} character(s) because no installed font "
            f"has them: {shown}{more} (script: {', '.join(scripts)}).",
            hint="Install fonts that cover them: Noto fonts do "
            "(Debian/Ubuntu: sudo apt install fonts-noto-core fonts-noto-cjk; "
            "macOS: brew install --cask font-noto-sans font-noto-sans-cjk; "
            "Windows: the Noto fonts from https://fonts.google.com/noto). "
            "Or write the document as .md or .txt, which keep every character.",
        )


@dataclass(frozen=True)
class FontFace:
    """One font in a file; ``index`` picks the face inside a collection (.ttc)."""

    path: Path
    index: int = 0


@dataclass(frozen=True)
class FontPlan:
    """What a text needs to be set: borrowed fonts, and invisible characters to drop."""

    fallbacks: tuple[FontFace, ...]
    replacements: dict[int, str | None]
    """For ``str.translate``: characters no font has that can safely go (variation
    selectors, zero-width marks) or become a plain space (unusual spaces)."""


def font_folders() -> list[Path]:
    """Where this operating system keeps fonts, system-wide and for the user."""
    home = Path.home()
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = os.environ.get("LOCALAPPDATA")
        return [windir / "Fonts"] + (
            [Path(local) / "Microsoft" / "Windows" / "Fonts"] if local else []
        )
    if sys.platform == "darwin":
        return [
            Path("/System/Library/Fonts"),
            Path("/System/Library/Fonts/Supplemental"),
            Path("/Library/Fonts"),
            home / "Library" / "Fonts",
        ]
    data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        data_home / "fonts",
        home / ".fonts",
    ]


@functools.cache
def fallback_faces() -> tuple[FontFace, ...]:
    """The fallback fonts installed here, best first (looked up once per process)."""
    patterns = [re.compile(p) for p in _FAMILIES]
    ranked: dict[str, tuple[int, Path]] = {}
    for folder in font_folders():
        for root, _dirs, files in os.walk(folder):
            for name in files:
                lower = name.lower()
                if not lower.endswith(_SUFFIXES) or lower in ranked:
                    continue
                rank = next((i for i, p in enumerate(patterns) if p.fullmatch(lower)), None)
                if rank is not None:
                    ranked[lower] = (rank, Path(root) / name)
    ordered = sorted(ranked.values(), key=lambda item: (item[0], item[1].name.lower()))
    return tuple(FontFace(path, _regular_face(path)) for _rank, path in ordered)


def plan_fonts(text: str) -> FontPlan:
    """The fallback fonts ``text`` needs beyond Open Sans.

    Emoji no font has are written as their name in brackets; raises :class:`MissingGlyphs`
    naming any other character no installed font can show."""
    needed = {ord(ch) for ch in text if ch not in "\n\t"} - _cmap(FontFace(OPEN_SANS[""]))
    chosen: list[FontFace] = []
    for face in _candidates(needed):
        if not needed:
            break
        covered = needed & _cmap(face)
        if covered:
            chosen.append(face)
            needed -= covered
    replacements: dict[int, str | None] = {}
    for code in sorted(needed):
        category = unicodedata.category(chr(code))
        if category in ("Cc", "Cf") or code in _IGNORABLE:
            replacements[code] = None
        elif category == "Zs":
            replacements[code] = " "
        elif _is_emoji(code, category):
            # No colour-emoji font embeds in a PDF here: name the emoji instead of failing the
            # whole letter over a decoration ("my art 🎨" -> "my art [artist palette]").
            replacements[code] = f"[{unicodedata.name(chr(code), 'symbol').lower()}]"
    missing = needed - replacements.keys()
    if missing:
        raise MissingGlyphs(chr(code) for code in missing)
    order = {face: i for i, face in enumerate(fallback_faces())}
    return FontPlan(tuple(sorted(chosen, key=order.__getitem__)), replacements)


def _is_emoji(code: int, category: str) -> bool:
    return category == "So" and (
        0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF or 0x2B00 <= code <= 0x2BFF
    )


def _candidates(needed: set[int]) -> list[FontFace]:
    """Fallback faces in the order to try them: those named after the scripts of ``needed``
    first, so that a rare script does not make notrain read every font on the computer."""
    faces = fallback_faces()
    if not needed:
        return []
    hints = {_name_hint(chr(code)) for code in needed} - {""}
    named = [f for f in faces if any(h in f.path.name.lower().replace(" ", "") for h in hints)]
    return named + [f for f in faces if f not in named]


def _name_hint(ch: str) -> str:
    script = get_unicode_script(ch)
    if script in (UnicodeScript.COMMON, UnicodeScript.INHERITED, UnicodeScript.UNKNOWN):
        return ""
    return _SCRIPT_HINTS.get(script, script.name.lower().replace("_", ""))


def _script_name(ch: str) -> str:
    script = get_unicode_script(ch)
    if script in (UnicodeScript.COMMON, UnicodeScript.UNKNOWN):
        return "symbols" if unicodedata.category(ch).startswith("S") else "other"
    return script.name.replace("_", " ").title()


def _regular_face(path: Path) -> int:
    """The face of a collection closest to a regular upright weight (0 for a single font)."""
    if path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    try:
        collection = TTCollection(str(path), lazy=True)
    except (OSError, TTLibError, ValueError, AssertionError):
        return 0
    best, best_score = 0, float("inf")
    try:
        for index, font in enumerate(collection.fonts):
            try:
                os2 = font["OS/2"]
                score = abs(os2.usWeightClass - 400) + (1000 if os2.fsSelection & 1 else 0)
            except (KeyError, TTLibError, AttributeError):
                continue
            if score < best_score:
                best, best_score = index, score
    finally:
        collection.close()
    return best


@functools.cache
def _cmap(face: FontFace) -> frozenset[int]:
    """The characters a face has glyphs for (empty when the file cannot be read)."""
    try:
        font = TTFont(str(face.path), fontNumber=face.index, lazy=True)
        try:
            return frozenset(font.getBestCmap() or {})
        finally:
            font.close()
    except (OSError, TTLibError, ValueError, AssertionError, KeyError):
        return frozenset()
