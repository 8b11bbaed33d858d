"""Reply triage: what Meta's answer to an objection says, and what to do next.

:func:`notrain.rights.replies.read_reply` turns a saved reply (``.eml``, ``.txt``/``.md``, ``.html``) into text;
:func:`triage` reads that text sentence by sentence and labels it ``honoured``, ``refused``,
``info-requested``, ``acknowledgement``, ``unrelated`` or ``unclear``, with the sentences that
justify the label, verbatim. It is rule-based and says "unclear" rather than guess.

What is read: quoted history (lines starting with ``>``, the lines after "On ... wrote:",
"Am ... schrieb ...:" and the like when they are not ``>``-quoted, "-----Original Message-----"
and Outlook "From:/Sent:" blocks) and everything after a ``-- `` signature line are ignored, so
the person's own objection quoted below Meta's answer cannot sway it. Text after a
"Forwarded message" marker is Meta's and is read.

How a label is chosen, in this order of precedence:

1. A cue preceded, within six words of its sentence, by a negation of its language ("we can't
   confirm that your objection has been approved") does not count; a negated "honoured" cue is
   kept as a *hedge* and shown when the answer is unclear. Refusal cues are not negation-checked
   (they carry their own negation).
2. A refusal or "honoured" cue in a sentence that makes it conditional on more information
   ("cannot honour it unless you provide ...", "will honour it if you confirm ...") counts as a
   request for information.
3. "honoured" together with "refused" or "info-requested" is ``unclear``, with evidence from both
   sides. "refused" together with "info-requested" is ``refused`` (confidence medium).
4. A decision or a question outranks an acknowledgement ("we received your request" plus "we
   will honour your objection" is ``honoured``).
5. ``acknowledgement`` when only receipt cues are present; an announced extension of the
   deadline is an acknowledgement with status ``EXTENDED``.
6. ``unrelated`` only when there are positive cues of something else (a login alert, a code, a
   newsletter) and no objection vocabulary at all; with objection vocabulary it is ``unclear``.
7. Nothing matched: ``unclear``.

Confidence is words, not a number, because nothing here is calibrated: ``high`` when one class
has cues and nothing competes, ``medium`` when precedence decided, a hedge was seen, or a
receipt or unrelated label rests on a single sentence, ``low`` for ``unclear``.

The phrases live in ``notrain/data/rights/triage.json``:

- ``cues``: ``{class: {language: [regex, ...]}}`` for the classes ``honoured``, ``refused``,
  ``info-requested``, ``identity`` (an ID request; also counts as info-requested),
  ``acknowledgement``, ``extension`` (counts as acknowledgement) and ``unrelated``.
- ``objection`` and ``conditional``: ``{language: [regex, ...]}``, objection vocabulary and
  "unless you provide" markers; ``negation``: ``{language: [word, ...]}``.
- ``stopwords``: ``{language: "space separated words"}`` for language detection; a word listed
  for two languages is ignored.
- ``references``: regexes for the label before a case number ("ticket number", "Vorgangsnummer").
- ``history``: line regexes for quote headers, separators, Outlook headers and forward markers.
- ``abbreviations`` and ``months``: tokens after which a full stop does not end a sentence.

Every regex is matched, case-insensitively, against *folded* text: accents removed, ``ß`` as
``ss``, ``ł`` as ``l``, typographic apostrophes as ``'`` and runs of whitespace as one space.
Patterns are folded the same way, so they may be written with or without accents. A pattern
matches from the start of a word and may end inside one (``ausweis`` finds ``Ausweises``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from notrain.errors import InputError
from notrain.rights.model import LANGUAGES, Status
from notrain.rights.wording import COMMANDS, Wording

__all__ = [
    "CONFIDENCES",
    "LABELS",
    "MAX_TRIAGE_CHARS",
    "Triage",
    "triage",
]

LABELS: tuple[str, ...] = (
    "honoured",
    "refused",
    "info-requested",
    "acknowledgement",
    "unrelated",
    "unclear",
)
CONFIDENCES: tuple[str, ...] = ("high", "medium", "low")
MAX_TRIAGE_CHARS = 100_000
"""Triage reads this many characters of a reply at most."""
_PUNCTUATION = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
_NEXT_WORD = re.compile(r"\s*(\S*)")

_STATUS = {
    "honoured": Status.HONOURED,
    "refused": Status.REFUSED,
    "info-requested": Status.INFO_REQUESTED,
    "acknowledgement": Status.ACKNOWLEDGED,
}
_FOLD = str.maketrans(
    {"’": "'", "‘": "'", "ʼ": "'", "´": "'", "`": "'", "“": '"', "”": '"', "„": '"',
     "«": '"', "»": '"', "\u00a0": " ", "ß": "ss", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O"}
)  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class Triage:
    """What a reply from Meta says, why notrain thinks so, and what to do next."""

    label: str
    """One of :data:`LABELS`."""
    confidence: str
    """``high``, ``medium`` or ``low`` (always ``low`` for ``unclear``)."""
    evidence: tuple[str, ...]
    """The reply's sentences that justify the label, verbatim and in order."""
    language: str
    """The reply's language (one of LANGUAGES; any Portuguese reads as ``pt-BR``) or ``unknown``."""
    reference: str = ""
    """A case or ticket number quoted in the reply."""
    status: Status | None = None
    """The request status this suggests; None for ``unrelated`` and ``unclear``."""
    next_step: str = ""


def triage(text: str, *, regime: str = "gdpr", wording: Wording = COMMANDS) -> Triage:
    """Classify the text of Meta's reply to an objection (see the module docstring for how).

    ``regime`` is the request's legal regime: the next step cites the GDPR only where it
    applies (the EU/EEA and the UK); ``wording`` names notrain's actions in it. Only the first :data:`MAX_TRIAGE_CHARS` characters are
    read; a real answer is far shorter."""
    rules = _rules()
    text = text[:MAX_TRIAGE_CHARS]
    found: dict[str, dict[int, str]] = {name: {} for name in (*rules.cues, "hedge")}
    languages: Counter[str] = Counter()
    objection = False
    kept: list[str] = []
    for offset, sentence in _sentences(text, rules):
        folded = _fold(sentence)
        kept.append(folded)
        vocabulary = {language for language, p in rules.objection if p.search(folded)}
        languages.update(vocabulary)
        objection = objection or bool(vocabulary)
        for name in rules.cues:
            target, matched = rules.cue(name, folded)
            languages.update({language: 2 for language in matched})
            if target:
                found[target][offset] = sentence
    label, confidence, evidence = _decide(found, objection)
    extension = label == "acknowledgement" and bool(found["extension"])
    reference = _reference(kept, rules)
    return Triage(
        label=label,
        confidence=confidence,
        evidence=tuple(sentence for _, sentence in sorted(evidence.items())),
        language=_language(kept, languages, rules),
        reference=reference,
        status=Status.EXTENDED if extension else _STATUS.get(label),
        next_step=_next_step(
            label,
            bool(found["info-requested"]),
            bool(found["identity"]),
            reference,
            extension,
            gdpr=regime in ("gdpr", "uk-gdpr"),
            wording=wording,
        ),
    )


def _decide(found: dict[str, dict[int, str]], objection: bool) -> tuple[str, str, dict[int, str]]:
    honoured, refused = found["honoured"], found["refused"]
    hedge = {k: v for k, v in found["hedge"].items() if k not in refused}
    info = found["info-requested"] | found["identity"]
    receipt = found["acknowledgement"] | found["extension"]
    if honoured and (refused or info):
        return "unclear", "low", honoured | refused | info | hedge
    if honoured:
        return "honoured", "medium" if hedge else "high", honoured
    if refused:
        return "refused", "medium" if info or hedge else "high", refused
    if info:
        return "info-requested", "medium" if hedge else "high", info
    if hedge:
        return "unclear", "low", hedge | receipt
    if receipt:
        return "acknowledgement", "high" if len(receipt) > 1 else "medium", receipt
    unrelated = found["unrelated"]
    if unrelated and not objection:
        return "unrelated", "high" if len(unrelated) > 1 else "medium", unrelated
    return "unclear", "low", unrelated


def _next_step(
    label: str,
    info: bool,
    identity: bool,
    reference: str,
    extension: bool,
    *,
    gdpr: bool,
    wording: Wording,
) -> str:
    w = wording
    record = f"record it {w.record}"
    escalate = w.escalate_for(None)
    if not gdpr:
        return _next_step_elsewhere(label, info, identity, reference, extension, w)
    if label == "honoured":
        return (
            "Meta says it will honour your objection: record the request as honoured "
            f"{w.record} and keep this email as proof. The objection covers future training "
            "on your own accounts' public content; photos of you that others post need Meta's "
            "third-party-information form."
        )
    if label == "refused":
        also = " and also asks for more information" if info else ""
        return (
            f"Meta refused your objection{also}. Art. 12(4) GDPR requires a refusal to give "
            "reasons and to mention your right to complain to a data protection authority and to "
            f"go to court, so check whether this one does; {record} as refused, and "
            f"{escalate} writes the complaint with the timeline filled in."
        )
    if label == "info-requested" and identity:
        return (
            "Meta asks for proof of identity. An objection to AI training needs nothing beyond "
            "what identifies your account (the email address you objected from), and Art. 12(6) "
            "GDPR allows more only when Meta has reasonable doubts, so answer from that address "
            f"without sending an ID document or more than necessary, and {record}."
        )
    if label == "info-requested":
        return (
            "Meta asks for more information before it decides. An objection under Art. 21(1) GDPR "
            "needs only a short reason based on your particular situation (screenshots and prompts "
            "belong to the form about information from third parties), so answer briefly without "
            f"sending more than necessary, and {record}."
        )
    if extension:
        return (
            "Meta says it needs more time. Art. 12(3) GDPR allows two further months only for "
            "complex or numerous requests, notified with reasons within the first month; record "
            f"the extension {w.record} so the new deadline is counted."
        )
    if label == "acknowledgement":
        quoted = f" with the reference {reference}" if reference else ""
        return (
            f"This is a receipt, not a decision: record the request as acknowledged{quoted} "
            f"{w.record}. Meta still owes an answer within one month of receiving your "
            f"objection (Art. 12(3) GDPR), and {w.due} tells you when that has passed."
        )
    if label == "unrelated":
        return (
            "This does not look like an answer to your objection (it reads like a login alert, a "
            "code or a newsletter), so there is nothing to record. If it is a security message you "
            "did not expect, check your account in Meta's Accounts Center."
        )
    return (
        "notrain could not tell what this reply means; read it yourself and record the status by "
        f"hand {w.record}. If it turns out to be a refusal, or no real answer comes within one "
        f"month, {escalate} writes the reminder or complaint."
    )


def _next_step_elsewhere(
    label: str, info: bool, identity: bool, reference: str, extension: bool, w: Wording
) -> str:
    """The next step where the GDPR does not apply (Switzerland, Brazil, the US states)."""
    record = f"record it {w.record}"
    if label == "honoured":
        return (
            f"Meta says it will honour your request: record it as honoured {w.record} and keep "
            "this email as proof."
        )
    if label == "refused":
        also = " and also asks for more information" if info else ""
        return (
            f"Meta refused your request{also}: {record} as refused, and {w.escalate_for(None)} "
            "writes the next letter with the timeline filled in (where your state's law has an "
            "appeal, the appeal to Meta comes first; then the complaint)."
        )
    if label == "info-requested":
        what = "proof of identity" if identity else "more information"
        return (
            f"Meta asks for {what} before it decides. Answer from the email address of your "
            f"account without sending more than necessary, and {record}."
        )
    if extension:
        return (
            f"Meta says it needs more time: record the extension {w.record} so the new deadline "
            "is counted."
        )
    if label == "acknowledgement":
        quoted = f" with the reference {reference}" if reference else ""
        return (
            f"This is a receipt, not a decision: record the request as acknowledged{quoted} "
            f"{w.record}. Meta still owes an answer within the legal deadline, and {w.due} tells "
            "you when that has passed."
        )
    return _next_step(label, info, identity, reference, extension, gdpr=True, wording=w)


def _reference(folded: list[str], rules: _Rules) -> str:
    for sentence in folded:
        for match in rules.reference.finditer(sentence):
            candidate = match.group("ref").rstrip(".-/_")
            if any(ch.isdigit() for ch in candidate):
                return candidate
    return ""


def _language(folded: list[str], cue_languages: Counter[str], rules: _Rules) -> str:
    scores = Counter(cue_languages)
    for sentence in folded:
        for word in re.findall(r"[a-z']+", sentence.lower()):
            if word in rules.stopwords:
                scores[rules.stopwords[word]] += 1
    ranked = scores.most_common(2) + [("unknown", 0), ("unknown", 0)]
    (best, top), (_, second) = ranked[0], ranked[1]
    return best if top >= 3 and top >= 1.5 * second else "unknown"


# --- sentences -------------------------------------------------------------------------------


def _sentences(text: str, rules: _Rules) -> Iterator[tuple[int, str]]:
    """The sentences of the reply's own text with their offsets, each a verbatim slice."""
    lines: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        lines.append((offset, line.rstrip("\r")))
        offset += len(line) + 1
    kept = rules.kept_lines([line for _, line in lines])
    block: list[tuple[int, str]] = []
    for (start, line), keep in zip([*lines, (len(text), "")], [*kept, False], strict=True):
        if keep and line.strip() and not (block and _hard_break(block[-1][1], line)):
            block.append((start, line))
            continue
        if block:
            yield from _split(text, block[0][0], block[-1][0] + len(block[-1][1]), rules)
        block = [(start, line)] if keep and line.strip() else []


def _hard_break(previous: str, line: str) -> bool:
    """Whether a single line break ends a sentence (a salutation, a list, a short line)."""
    if re.match(r"\s*([-*•]|\d+[.)])\s", line):
        return True
    starts_upper = line.lstrip()[:1].isupper() or line.lstrip()[:1].isdigit()
    return starts_upper and (
        previous.rstrip().endswith((",", ":", ";")) or len(previous.strip()) < 40
    )


def _split(text: str, start: int, end: int, rules: _Rules) -> Iterator[tuple[int, str]]:
    cut = start
    for match in _PUNCTUATION.finditer(text, start, end):
        stop = match.end()
        first = stop
        while first > cut and not text[first - 1].isspace():
            first -= 1
        token = _fold(text[first:stop]).lower().rstrip("\"')]")
        nxt = _fold(_NEXT_WORD.match(text, stop, end).group(1)).lower()  # type: ignore[union-attr]
        if (
            text[stop:end].lstrip()[:1].islower()
            or token in rules.abbreviations
            or re.fullmatch(r"\(?[^\W\d_]\.", token)
            or (re.fullmatch(r"\d{1,2}\.", token) and nxt.strip(",") in rules.months)
        ):
            continue
        yield from _piece(text, cut, stop)
        cut = stop
    yield from _piece(text, cut, end)


def _piece(text: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    piece = text[start:end]
    if piece.strip():
        yield start + len(piece) - len(piece.lstrip()), piece.strip()


def _fold(text: str) -> str:
    """Text as the rules see it: no accents, plain apostrophes, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


# --- rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Rules:
    cues: dict[str, list[tuple[str, re.Pattern[str]]]]
    objection: list[tuple[str, re.Pattern[str]]]
    conditions: list[tuple[str, re.Pattern[str]]]
    negation: dict[str, re.Pattern[str]]
    stopwords: dict[str, str]
    reference: re.Pattern[str]
    history: dict[str, Any]
    abbreviations: frozenset[str]
    months: frozenset[str]

    def cue(self, name: str, folded: str) -> tuple[str, set[str]]:
        """Which list a sentence's cue of class ``name`` goes to ("" for none), and the languages
        whose phrases matched."""
        target, languages = "", set()
        for language, pattern in self.cues[name]:
            for match in pattern.finditer(folded):
                languages.add(language)
                if target in ("", "hedge"):
                    target = self._target(name, language, folded, match.start()) or target
        return target, languages

    def _target(self, name: str, language: str, folded: str, start: int) -> str:
        """A negated cue counts for nothing, except a negated "honoured" cue, which is a hedge; a
        refusal or an honour made conditional on more information is a request for it."""
        if name in ("refused", "honoured") and self.conditional(folded):
            return "info-requested"
        before = " ".join(folded[:start].split()[-6:])
        if name == "refused" or not self.negation[language].search(before):
            return name
        return "hedge" if name == "honoured" else ""

    def conditional(self, folded: str) -> bool:
        """Whether a sentence makes what it says depend on more information ("unless you ...")."""
        return any(p.search(folded) for _, p in self.conditions)

    def kept_lines(self, lines: list[str]) -> list[bool]:
        """Which lines are the reply's own text (not quoted history or a signature)."""
        keep = [True] * len(lines)
        forwarded = seen_text = False
        for i, line in enumerate(lines):
            if not keep[i]:
                continue
            if any(p.search(_fold(line).lower()) for p in self.history["forwarded"]):
                keep[i], forwarded = False, True
            elif line.lstrip().startswith(">"):
                keep[i] = False
            elif self._history_starts(lines, i, outlook=seen_text and not forwarded):
                return keep[:i] + [False] * (len(lines) - i)
            elif span := self._quote_header(lines, i):
                keep[i : i + span] = [False] * len(keep[i : i + span])
            seen_text = seen_text or (keep[i] and bool(line.strip()))
        return keep

    def _history_starts(self, lines: list[str], i: int, *, outlook: bool) -> bool:
        """Whether line ``i`` starts a signature or unmarked quoted history that runs to the end."""
        folded = _fold(lines[i]).lower()
        if lines[i].rstrip() == "--" or lines[i] == "-- ":
            return True
        if outlook and any(p.search(folded) for p in self.history["separators"]):
            return True
        if outlook and self.history["header_from"].search(folded):
            following = [_fold(line).lower() for line in lines[i + 1 : i + 5]]
            return any(self.history["header_sent"].search(line) for line in following)
        span = self._quote_header(lines, i)
        rest = [line for line in lines[i + span :] if line.strip()] if span else []
        return bool(rest) and not rest[0].lstrip().startswith(">")

    def _quote_header(self, lines: list[str], i: int) -> int:
        """How many lines (1 or 2, when a mail program wrapped it) an "On ... wrote:" takes."""
        headers = self.history["quote_headers"]
        if any(p.search(_fold(lines[i]).lower()) for p in headers):
            return 1
        if i + 1 >= len(lines) or lines[i].rstrip().endswith((".", "!", "?")):
            return 0
        if any(p.search(_fold(lines[i + 1]).lower()) for p in headers):
            return 0
        two = _fold(f"{lines[i]} {lines[i + 1]}").lower()
        return 2 if any(p.search(two) for p in headers) else 0


def _compile(pattern: str) -> re.Pattern[str]:
    folded = "".join(
        c
        for c in unicodedata.normalize("NFKD", pattern.translate(_FOLD))
        if not unicodedata.combining(c)
    )
    return re.compile(rf"(?<!\w)(?:{folded})", re.IGNORECASE)


def _by_language(table: dict[str, list[str]]) -> list[tuple[str, re.Pattern[str]]]:
    unknown = set(table) - set(LANGUAGES)
    if unknown:
        raise InputError(
            "notrain/data/rights/triage.json names unknown languages: "
            f"{', '.join(sorted(unknown))}.",
            hint=f"Use the codes {', '.join(LANGUAGES)}.",
        )
    return [
        (lang, re.compile("|".join(_compile(p).pattern for p in patterns), re.IGNORECASE))
        for lang, patterns in table.items()
    ]


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    text = resources.files("notrain").joinpath("data", "rights", "triage.json").read_text("utf-8")
    data = json.loads(text)
    stopwords: dict[str, str] = {}
    shared: set[str] = set()
    for lang, words in data["stopwords"].items():
        for word in _fold(words).lower().split():
            if stopwords.get(word, lang) != lang:
                shared.add(word)
            stopwords[word] = lang
    negation = {
        lang: re.compile(
            "|".join(
                rf"(?<!\w){re.escape(w)}" + ("" if w.endswith("'") else r"(?!\w)") for w in words
            ),
            re.IGNORECASE,
        )
        for lang, words in data["negation"].items()
    }
    history = data["history"]
    return _Rules(
        cues={name: _by_language(table) for name, table in data["cues"].items()},
        objection=_by_language(data["objection"]),
        conditions=_by_language(data["conditional"]),
        negation=negation,
        stopwords={w: lang for w, lang in stopwords.items() if w not in shared},
        reference=re.compile(
            rf"(?<!\w)(?:{'|'.join(_compile(p).pattern for p in data['references'])})"
            r"[\s:#.=-]*(?:(?:is|ist|lautet|est|es|e|jest|wynosi)(?!\w)[\s:#]*)?"
            r"(?P<ref>[a-z0-9][a-z0-9._/-]{3,40})",
            re.IGNORECASE,
        ),
        history={
            "quote_headers": [_compile(p) for p in history["quote_headers"]],
            "separators": [_compile(p) for p in history["separators"]],
            "forwarded": [_compile(p) for p in history["forwarded"]],
            "header_from": _compile(history["header_from"]),
            "header_sent": _compile(history["header_sent"]),
        },
        abbreviations=frozenset(_fold(a).lower() for a in data["abbreviations"]),
        months=frozenset(_fold(m).lower() for m in data["months"]),
    )
