"""The short, personal reason a person pastes into Meta's objection form.

Art. 21(1) GDPR (and the UK, Swiss and Brazilian equivalents) lets a person object on grounds
relating to their particular situation, so the reason says who they are (artist, photographer,
parent, private person), what they post in their own words, and asks Meta to confirm in writing
that their data stays out of AI training. Where no law gives a right to object (the US, most other
places) it is worded as a request and cites nothing. The words live in the templates
``templates/rights/<language>/reason.md.j2``, which a person may copy into their home and edit.

The result is plain text for a web form: one paragraph, and the name on its own line when given.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from notrain.errors import OptionError
from notrain.rights.model import LANGUAGES, PLATFORMS, REGIMES, ROLES
from notrain.rights.templates import render

__all__ = [
    "MAX_NAME_CHARS",
    "MAX_POSTS_CHARS",
    "MAX_REASON_CHARS",
    "check_reason_length",
    "citation",
    "clean_text",
    "reason_text",
]


_CITATIONS: dict[str, dict[str, str]] = {
    "Art. 21(1) GDPR": {
        "de": "Art. 21 Abs. 1 DSGVO",
        "fr": "art. 21, par. 1, RGPD",
        "es": "art. 21.1 RGPD",
        "it": "art. 21, par. 1, GDPR",
        "nl": "artikel 21, lid 1, AVG",
        "pl": "art. 21 ust. 1 RODO",
        "pt-BR": "art. 21.º, n.º 1, do RGPD",
    },
    "Art. 30(2)(b) FADP": {
        "de": "Art. 30 Abs. 2 lit. b DSG",
        "fr": "art. 30, al. 2, let. b, LPD",
        "it": "art. 30 cpv. 2 lett. b LPD",
    },
    "Art. 18 § 2 LGPD": {"pt-BR": "art. 18, § 2º, da LGPD"},
}
"""How each language cites the law, as its lawyers write it ("Art. 21 Abs. 1 DSGVO" in German)."""

MAX_REASON_CHARS = 1500
"""The longest reason we hand over. Meta does not publish a limit for the form's reason field, so
this is a conservative cap: our own words stay under about 700 characters in every language, which
leaves room for ``posts`` and ``name`` at their maximum lengths."""

MAX_POSTS_CHARS = 300
"""Room for the person's own description of what they post: a phrase, not an essay."""

MAX_NAME_CHARS = 100

_KEPT_FORMAT_CHARS = frozenset("\u200c\u200d\u200e\u200f\u061c")
"""Invisible characters that text needs: the joiners hold emoji sequences and Persian or Indic
words together, and the direction marks place punctuation in right-to-left text. Other format
characters (bidi overrides and isolates, BOM, soft hyphen) are dropped: an unclosed override in
the person's words would reorder the sentence around them."""

_TAG_CHARS = range(0xE0020, 0xE0080)
"""Tag characters spell subdivision flags such as England's or Scotland's emoji."""

_SENTENCE_END = ".,;:。，；：、．"
"""Closing punctuation the template supplies itself, dropped from the end of ``posts``."""


def clean_text(text: str) -> str:
    """``text`` on one line, with every printable character kept (any script, emoji) and control
    characters dropped: runs of whitespace (newlines, tabs, no-break spaces) become one space, and
    the text is in Unicode NFC so that accented letters are single characters in every output."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") and not char.isspace():
            continue
        if category == "Cf" and char not in _KEPT_FORMAT_CHARS and ord(char) not in _TAG_CHARS:
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", " ".join("".join(kept).split()))


def check_reason_length(text: str) -> str:
    """``text`` unchanged if it fits Meta's form (:data:`MAX_REASON_CHARS`); an
    :class:`~notrain.errors.OptionError` otherwise, so an edited reason is checked too."""
    if len(text) > MAX_REASON_CHARS:
        raise OptionError(
            f"The reason is {len(text)} characters long; notrain keeps it to at most "
            f"{MAX_REASON_CHARS} so that it fits Meta's form.",
            hint="Shorten it (a few sentences about your situation are enough), or shorten "
            "your edited reason template.",
        )
    return text


def citation(law: str, language: str) -> str:
    """``law`` as lawyers writing in ``language`` cite it (unchanged when notrain knows no other
    form)."""
    return _CITATIONS.get(law, {}).get(language, law)


def reason_text(
    *,
    law: str,
    regime: str,
    role: str,
    posts: str = "",
    name: str = "",
    platforms: Sequence[str] = PLATFORMS,
    language: str = "en",
    home: Path | None = None,
) -> str:
    """The reason text for Meta's objection form, in ``language``.

    ``law`` is the provision a jurisdiction's objection rests on (``Art. 21(1) GDPR``); it is
    cited only for the regimes in :data:`OBJECTION_REGIMES`. ``posts`` is the person's own
    description of what they post and appears verbatim (cleaned by :func:`clean_text`, a final
    full stop dropped because the sentence supplies its own). ``home`` is where a person's
    edited templates are looked up first.
    """
    _check_choice("role", role, ROLES)
    _check_choice("regime", regime, REGIMES)
    _check_choice("language", language, tuple(LANGUAGES))
    chosen = list(dict.fromkeys(platforms))
    if not chosen:
        raise OptionError(
            "No platform was given for the reason.",
            hint=f"Choose one or more of: {', '.join(PLATFORMS)}.",
        )
    for platform in chosen:
        _check_choice("platform", platform, PLATFORMS)
    posts = clean_text(posts).rstrip(_SENTENCE_END).rstrip()
    if len(posts) > MAX_POSTS_CHARS:
        raise OptionError(
            f"The description of what you post is {len(posts)} characters long; the reason has "
            f"room for {MAX_POSTS_CHARS}.",
            hint="Describe it in a few words, for example 'my watercolours and sketches'.",
        )
    name = clean_text(name)
    if len(name) > MAX_NAME_CHARS:
        raise OptionError(
            f"The name is {len(name)} characters long; at most {MAX_NAME_CHARS} fit.",
            hint="Give the name on your Meta account.",
        )
    context = {
        "law": citation(clean_text(law), language),
        "regime": regime,
        "role": role,
        "posts": posts,
        "name": name,
        "platforms": chosen,
    }
    return check_reason_length(_tidy(render("reason", language, context, home=home)))


def _check_choice(what: str, value: str, valid: Sequence[str]) -> None:
    if value not in valid:
        raise OptionError(
            f"Unknown {what} {value!r} for the reason.",
            hint=f"Choose one of: {', '.join(valid)}.",
        )


def _tidy(text: str) -> str:
    """Plain text for a form field: the lines of each paragraph joined by single spaces,
    paragraphs separated by one blank line. Only ASCII whitespace is touched, so the no-break
    spaces of French typography stay."""
    paragraphs = (re.sub(r"[ \t\r\n]+", " ", p).strip() for p in re.split(r"\n[ \t\r]*\n", text))
    return "\n\n".join(p for p in paragraphs if p)
