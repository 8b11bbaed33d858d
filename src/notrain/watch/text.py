"""The text of a capture: normalised so that only real changes remain, the date it states, and
whether it is the policy at all.

:func:`normalise` turns the Markdown of a captured page into a canonical Markdown in which the
things that are not changes compare equal: list-marker and emphasis style, heading style,
whitespace and typographic quotes, tracking and session parameters, locale flips and redirect
wrappers in links, footnote numbers, images, and the bare annotation numbers that Meta's
expanded rendering puts before each annotation. Link targets stay (cleaned) for display; the
diff compares sentences by their visible text, so a link that changes its target while its
text stays the same is not a change.

The two renderings Meta serves of the same policy (collapsed, ~130-220 kB, and expanded, about
1.4 to 2 times larger) differ in text, not only in layout: the expanded one holds the
annotations ("examples", "learn more" panels) that the collapsed one hides. No text-level
normalisation can make them equal without throwing the annotations away, and AI sentences live
there ("your videos can help train our products..."). So normalisation makes the shared text
identical, and :mod:`notrain.watch.detect` decides what a comparison between two renderings
may say (see there).

:func:`effective_date` reads the "Effective ..." / "Last updated ..." date a text states, in
English, French, German, Spanish, Italian, Dutch and Portuguese. :func:`broken` says why a
capture is not the policy (empty, an error page, a login wall, a fraction of the usual size,
the content repeated several times), or ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

__all__ = ["broken", "clean_url", "effective_date", "normalise"]

# --- links ---------------------------------------------------------------------------------

_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "igsh", "mc_cid", "mc_eid",
        "_ga", "_gl", "ref", "refsrc", "ref_src", "ref_url", "refid", "hc_ref", "helpref",
        "entry_point", "_rdr", "_rdc", "rdid", "share_url", "si", "spm", "cft", "__tn__",
        "__xts__", "__cft__", "acontext", "notif_id", "notif_t", "mibextid", "sfnsn",
        "trk", "trkinfo", "_hsenc", "_hsmi", "mkt_tok", "vero_id",
        "wt.mc_id", "oly_enc_id", "oly_anon_id", "rb_clickid", "s_cid", "cmpid",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "__cft__", "__xts__", "pk_", "hsa_", "ga_")
_SESSION_PARAMS = frozenset(
    {"sid", "sessionid", "session_id", "jsessionid", "phpsessid", "aspsessionid", "sessid",
     "_nc_sid", "_nc_ohc", "oh", "oe"}
)  # fmt: skip
_LOCALE_PARAMS = frozenset({"locale", "locale2", "hl", "lang", "language", "lc", "setlang"})
_REDIRECT_PARAMS = ("u", "url", "redirect_uri", "redirect_url", "next", "next_url", "target_url")
_MOBILE_HOSTS = ("m.", "mobile.", "mbasic.", "touch.")
_LOCALE_HOST = re.compile(r"^[a-z]{2}-[a-z]{2}\.")
_LOCALE_SEGMENT = re.compile(r"^/[a-z]{2}[-_][a-zA-Z]{2}(?=/|$)")
_SESSION_PATH = re.compile(r";(?:jsessionid|sessionid|sid)=[^/?#]*", re.IGNORECASE)
_EMBEDDED_URL = re.compile(r"https?(?:%3A|:)(?:%2F|/){2}", re.IGNORECASE)


def clean_url(url: str) -> str:
    """The target a link really points to, without what varies from one capture to the next.

    Unwraps redirectors (``l.php?u=...``, ``?redirect_uri=...``, a URL embedded in a path),
    drops tracking parameters (``utm_*``, ``fbclid``, ``__cft__``, ``__tn__``, ``entry_point``,
    ...), session ids and locale parameters, maps mobile and locale host names to ``www.`` and
    drops a leading ``/xx-xx/`` locale path segment, and sorts what remains of the query, so
    that two captures of the same link compare equal."""
    url = url.strip()
    for _ in range(4):
        unwrapped = _unwrap(url)
        if unwrapped == url:
            break
        url = unwrapped
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme not in ("http", "https"):
        return url
    host = (parts.hostname or "").lower()
    for prefix in _MOBILE_HOSTS:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = "www." + host[len(prefix) :]
            break
    host = _LOCALE_HOST.sub("www.", host)
    path = _SESSION_PATH.sub("", parts.path)
    path = _LOCALE_SEGMENT.sub("", path) or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if _keeps(k))
    fragment = "" if parts.fragment.lower().startswith(("utm_", "xtor=")) else parts.fragment
    return urlunsplit(("https", host, path, urlencode(query, safe="/:[]"), fragment))


def _keeps(param: str) -> bool:
    name = param.lower()
    if name in _TRACKING_PARAMS or name in _SESSION_PARAMS or name in _LOCALE_PARAMS:
        return False
    return not name.startswith(_TRACKING_PREFIXES)


def _unwrap(url: str) -> str:
    """The URL a redirector or a logging wrapper points to, or ``url`` itself."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    params = dict(parse_qsl(parts.query))
    for name in _REDIRECT_PARAMS:
        value = params.get(name, "")
        if value.startswith(("http://", "https://")):
            return value
    embedded = _EMBEDDED_URL.search(parts.path)
    if embedded:
        rest = parts.path[embedded.start() :]
        if parts.query:
            rest += "?" + parts.query
        return unquote(rest)
    return url


# --- Markdown --------------------------------------------------------------------------------

_LINK = re.compile(
    r"(?<!\\)(?P<image>!?)\[(?P<text>(?:\\.|[^\[\]\\]|\[(?:\\.|[^\[\]\\])*\])*)\]"
    r"\((?P<url>[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+\"[^\"]*\")?\)"
)
_IMAGE = re.compile(r"(?<!\\)!\[(?:\\.|[^\[\]\\])*\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*\)")
_FOOTNOTE = re.compile(r"\s*\\?\[\d{1,3}\\?\]\s*$")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_ESCAPE = re.compile(r"\\+(?=[\\`*_{}\[\]()#+\-.!|>~<\"'])")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC_STAR = re.compile(r"(?<![\w*\\])\*(?=[^\s*])(.+?)(?<=[^\s*\\])\*(?![\w*])")
_ITALIC_UNDERSCORE = re.compile(r"(?<![\w\\])_(?=[^\s_])(.+?)(?<=[^\s_\\])_(?!\w)")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_ATX = re.compile(r"^\s{0,3}(#{1,6})(?:\s+|$)(.*?)(?:\s+#+)?\s*$")
_BULLET = re.compile(r"^\s*[*+\-]\s+(.*)$")
_ORDERED = re.compile(r"^\s*(\d{1,3})[.)]\s+(.*)$")
_RULE = re.compile(r"^\s{0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_TABLE_ROW = re.compile(r"^[ \t]*\|.*$", re.MULTILINE)
_TABLE_SEPARATOR = re.compile(r"^:?-{3,}:?$")
_BLOCK_START = re.compile(r"^(?:[>|]+\s*|[-+*#=_]+(?:\s+|$)|\d{1,3}[.)](?:\s+|$))+")
_TARGET = re.compile(r"\x02([^\x02\x03]*)\x03\x00(\d+)\x00")
_BARE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
     "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
     "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\t": " ",
     "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None,
     "\u00ad": None}
)  # fmt: skip


@lru_cache(maxsize=128)  # a history walk normalises each capture for several comparisons
def normalise(markdown: str) -> str:
    """The canonical Markdown of a capture: equal for two captures that differ only in style.

    Headings become ``#``-style, list items ``- `` (ordered ones keep their number), tables
    become one paragraph per cell line, blockquotes, rules, images, emphasis, footnote numbers
    and Meta's bare annotation numbers go, links keep their text and a :func:`clean_url`
    target (links to anchors in the page keep only their text), whitespace collapses and
    typographic quotes become straight ones."""
    text = unicodedata.normalize("NFC", markdown).translate(_QUOTES)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TABLE_ROW.sub(lambda row: _HTML_BREAK.sub("\x01", row[0]), text)
    text = _HTML_BREAK.sub("\n", text)
    text = _IMAGE.sub("", text)
    targets: list[str] = []
    text = _LINK.sub(lambda match: _link(match, targets), text)
    text = _HTML_TAG.sub("", text)
    blocks = _blocks(text.split("\n"))
    if not blocks:
        return ""
    rendered = "\n".join(_render(blocks)).strip().replace("!\x02", "! \x02") + "\n"
    return _TARGET.sub(lambda match: f"[{match[1]}]({targets[int(match[2])]})", rendered)


def _link(match: re.Match[str], targets: list[str]) -> str:
    """A link as ``\\x02label\\x03\\x00N\\x00``, its cleaned target kept aside as ``targets[N]``
    (literal brackets in the text become parentheses, so only links are bracketed)."""
    if match["image"]:
        return ""
    label = _FOOTNOTE.sub("", match["text"]).strip()
    url = match["url"]
    if not label:
        return ""
    if "\n" in label or not url or url.startswith("#") or "#annotation-" in url:
        return label
    targets.append(clean_url(url))
    return f"\x02{label}\x03\x00{len(targets) - 1}\x00"


def _blocks(lines: list[str]) -> list[tuple[str, str]]:
    """``(kind, text)`` blocks: ``h1``..``h6``, ``item``, ``1.``-style ordered items, ``p``."""
    blocks: list[tuple[str, str]] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(("p", " ".join(paragraph)))
            paragraph.clear()

    for i, raw in enumerate(lines):
        line = raw.rstrip()
        while re.match(r"^\s{0,3}>", line):
            line = re.sub(r"^\s{0,3}>\s?", "", line)
        stripped = line.strip()
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not stripped or _BARE_NUMBER.match(stripped) or _RULE.match(stripped):
            flush()
            continue
        if _SETEXT.match(line) and not paragraph:
            continue  # the underline of a heading already taken, or a stray rule
        if stripped.startswith("|"):
            flush()
            blocks.extend(_table_row(stripped))
            continue
        if atx := _ATX.match(line):
            flush()
            blocks.append((f"h{len(atx[1])}", atx[2]))
            continue
        if _SETEXT.match(following) and not _BULLET.match(line) and not paragraph:
            level = "h1" if following.strip().startswith("=") else "h2"
            blocks.append((level, stripped))
            continue
        if bullet := _BULLET.match(line):
            flush()
            blocks.append(("item", bullet[1]))
            continue
        if ordered := _ORDERED.match(line):
            flush()
            blocks.append((f"{int(ordered[1])}.", ordered[2]))
            continue
        if blocks and blocks[-1][0] != "p" and not blocks[-1][0].startswith("h") and raw[:1] == " ":
            kind, text = blocks.pop()
            blocks.append((kind, f"{text} {stripped}"))
            continue
        paragraph.append(stripped)
    flush()
    found: list[tuple[str, str]] = []
    for kind, text in blocks:
        inline = _inline(text)
        if kind == "p":  # what unescaping left must not read as a block marker or a number
            inline = _BLOCK_START.sub("", inline)
            inline = "" if _BARE_NUMBER.match(inline) else inline
        elif kind.startswith("h"):  # nor as the closing hashes of a heading
            inline = re.sub(r"(?:^|\s+)#+$", "", inline)
        if any(character.isalnum() for character in inline):
            found.append((kind, inline))
    return found


def _table_row(row: str) -> list[tuple[str, str]]:
    """A table row as blocks: each line of each cell (``<br>`` became ``\\x01``) one block."""
    cells = re.split(r"(?<!\\)\|", row.strip().strip("|"))
    blocks: list[tuple[str, str]] = []
    for cell in cells:
        if _TABLE_SEPARATOR.match(cell.strip()):
            continue
        for piece in cell.split("\x01"):
            piece = re.sub(r"^\s*#{1,6}\s+", "", piece).strip()
            if not piece:
                continue
            if bullet := _BULLET.match(piece):
                blocks.append(("item", bullet[1]))
            else:
                blocks.append(("p", piece))
    return blocks


def _inline(text: str) -> str:
    """One block's text without emphasis, escapes and extra spaces (an escaped ``*`` is not
    kept apart from emphasis: both are style, and the result must normalise to itself)."""
    for _ in range(8):  # nested, overlapping and escaped emphasis needs more than one pass
        before = text
        text = _BOLD.sub(r"\2", text)
        text = _ITALIC_STAR.sub(r"\1", text)
        text = _ITALIC_UNDERSCORE.sub(r"\1", text)
        text = _HTML_TAG.sub("", _ESCAPE.sub("", text))
        if text == before:
            break
    return re.sub(r"\s+", " ", text.replace("[", "(").replace("]", ")")).strip()


def _render(blocks: list[tuple[str, str]]) -> list[str]:
    out: list[str] = []
    previous = ""
    for kind, text in blocks:
        is_item = kind == "item" or kind.endswith(".")
        if out and not (is_item and (previous == "item" or previous.endswith("."))):
            out.append("")
        if kind.startswith("h"):
            out.append("#" * int(kind[1]) + " " + text)
        elif kind == "item":
            out.append("- " + text)
        elif kind.endswith("."):
            out.append(f"{kind} {text}")
        else:
            out.append(text)
        previous = kind
    return out


# --- stated dates ------------------------------------------------------------------------------

_MONTHS = {
    **dict.fromkeys(("january", "jan", "janvier", "janv", "januar", "jänner", "enero", "ene",
                     "gennaio", "genn", "januari", "janeiro"), 1),
    **dict.fromkeys(("february", "feb", "février", "fevrier", "févr", "fevr", "februar",
                     "febrero", "febbraio", "febbr", "februari", "fevereiro", "fev"), 2),
    **dict.fromkeys(("march", "mar", "mars", "märz", "maerz", "marzo", "maart", "março",
                     "marco", "mrt"), 3),
    **dict.fromkeys(("april", "apr", "avril", "avr", "abril", "abr", "aprile"), 4),
    **dict.fromkeys(("may", "mai", "mayo", "maggio", "mag", "mei", "maio"), 5),
    **dict.fromkeys(("june", "jun", "juin", "juni", "junio", "giugno", "giu", "junho"), 6),
    **dict.fromkeys(("july", "jul", "juillet", "juil", "juli", "julio", "luglio", "lug",
                     "julho"), 7),
    **dict.fromkeys(("august", "aug", "août", "aout", "agosto", "ago", "augustus"), 8),
    **dict.fromkeys(("september", "sep", "sept", "septembre", "septiembre", "setiembre",
                     "settembre", "sett", "setembro", "set"), 9),
    **dict.fromkeys(("october", "oct", "octobre", "oktober", "okt", "octubre", "ottobre",
                     "ott", "outubro", "out"), 10),
    **dict.fromkeys(("november", "nov", "novembre", "noviembre", "novembro"), 11),
    **dict.fromkeys(("december", "dec", "décembre", "decembre", "déc", "dezember", "dez",
                     "diciembre", "dic", "dicembre", "dezembro"), 12),
}  # fmt: skip
_MONTH = r"(?P<month>[^\W\d_]{3,10})\.?"
_ORDINAL = r"(?:er|st|nd|rd|th|º|°|\.)?"
_DATE_FORMS = (
    re.compile(
        rf"(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:de\s+)?{_MONTH},?\s+(?:de\s+)?(?P<year>\d{{4}})",
        re.IGNORECASE,
    ),
    re.compile(
        rf"{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})", re.IGNORECASE
    ),
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"),
    re.compile(r"(?P<day>\d{1,2})(?P<sep>[./])(?P<month>\d{1,2})[./](?P<year>\d{4})"),
)
_EFFECTIVE = re.compile(
    r"\b(?:effective(?:\s+date)?|date\s+(?:d'entrée\s+en\s+vigueur|d'effet)|en\s+vigueur|"
    r"entrée\s+en\s+vigueur|gültig|wirksam|in\s+kraft|datum\s+des\s+inkrafttretens|"
    r"fecha\s+de\s+(?:entrada\s+en\s+vigor|vigencia)|en\s+vigor|vigente|"
    r"in\s+vigore|data\s+di\s+(?:entrata\s+in\s+vigore|validità|efficacia)|valido|efficace|"
    r"ingangsdatum|van\s+kracht|geldig|in\s+werking|em\s+vigor|data\s+de\s+(?:entrada\s+em\s+"
    r"vigor|vigência)|vigência)\b",
    re.IGNORECASE,
)
_UPDATED = re.compile(
    r"\b(?:last\s+(?:updated|modified|revised)|updated|revised|dernière\s+mise\s+à\s+jour|"
    r"mis\s+à\s+jour|zuletzt\s+(?:aktualisiert|geändert)|aktualisiert|stand|"
    r"última\s+(?:actualización|modificación|atualização|revisão)|actualizad[oa]|"
    r"atualizad[oa]|ultimo\s+aggiornamento|aggiornat[oa]|laatst\s+(?:bijgewerkt|gewijzigd)|"
    r"bijgewerkt)\b",
    re.IGNORECASE,
)
_DATE_WINDOW = 60


def effective_date(text: str) -> date | None:
    """The date ``text`` says it takes effect ("Effective June 16, 2025", "Gültig ab 16. Juni
    2025", "En vigor desde el 16 de junio de 2025"...), else the date it says it was last
    updated, else ``None``. The first such statement in the text wins; a numeric date with
    slashes is read month first after an English phrase, day first after any other.

    Stated dates can go backwards between captures (a server serving an older version): keep
    the capture time too and trust neither blindly."""
    for marker in (_EFFECTIVE, _UPDATED):
        for match in marker.finditer(text):
            english = match[0].casefold().startswith(("effective", "last", "updated", "revised"))
            window = text[match.end() : match.end() + _DATE_WINDOW]
            stated = _first_date(window, month_first=english)
            if stated is not None:
                return stated
    return None


def _first_date(window: str, *, month_first: bool) -> date | None:
    found: list[tuple[int, date]] = []
    for form in _DATE_FORMS:
        for match in form.finditer(window):
            day, month = match["day"], match["month"]
            if month_first and match.groupdict().get("sep") == "/":
                day, month = month, day
            number = int(month) if month.isdigit() else _MONTHS.get(month.casefold())
            if number is None:
                continue
            try:
                found.append((match.start(), date(int(match["year"]), number, int(day))))
            except ValueError:
                continue
    return min(found)[1] if found else None


# --- broken captures ---------------------------------------------------------------------------

_ERROR_PAGE = re.compile(
    r"\b(?:page\s+not\s+found|404\s+not\s+found|not\s+found|this\s+page\s+isn't\s+available|"
    r"this\s+content\s+isn't\s+available|something\s+went\s+wrong|an\s+error\s+occurred|"
    r"internal\s+server\s+error|service\s+unavailable|temporarily\s+unavailable|"
    r"access\s+denied|forbidden|too\s+many\s+requests|rate\s+limit|"
    r"page\s+introuvable|une\s+erreur\s+s'est\s+produite|seite\s+nicht\s+gefunden|"
    r"ein\s+fehler\s+ist\s+aufgetreten|página\s+no\s+encontrada|se\s+produjo\s+un\s+error|"
    r"pagina\s+non\s+trovata|si\s+è\s+verificato\s+un\s+errore|pagina\s+niet\s+gevonden|"
    r"er\s+is\s+iets\s+misgegaan|página\s+não\s+encontrada|ocorreu\s+um\s+erro)\b",
    re.IGNORECASE,
)
_LOGIN_WALL = re.compile(
    r"\b(?:log\s*in|sign\s*in|log\s+into|create\s+new\s+account|forgot(?:ten)?\s+password|"
    r"you\s+must\s+log\s+in|please\s+enable\s+javascript|verify\s+you\s+are\s+human|captcha|"
    r"se\s+connecter|connectez-vous|mot\s+de\s+passe\s+oublié|anmelden|einloggen|"
    r"passwort\s+vergessen|iniciar\s+sesión|inicia\s+sesión|contraseña\s+olvidada|accedi|"
    r"password\s+dimenticata|inloggen|wachtwoord\s+vergeten|entrar|iniciar\s+sessão|"
    r"esqueceu\s+a\s+senha)\b",
    re.IGNORECASE,
)
MIN_CHARACTERS = 500
"""A normalised capture shorter than this is empty for all purposes."""
FRACTION = 1 / 3
"""A capture smaller than this fraction of the previous good one is not the policy."""
MULTIPLE = 3.0
"""A capture larger than this multiple of the previous good one holds something else too
(seen in the data: the page captured with its content repeated six times)."""
_SHORT_PAGE = 5000


def broken(text: str, previous_good: str | None = None) -> str | None:
    """Why ``text`` is not a capture of the policy, or ``None`` when it looks like one.

    A capture is broken when it is empty or nearly so, an error page or a login wall (judged
    by its wording only when it is short, and less than half the previous good capture: a
    policy says "log in" too, and some documents are short), a fraction of the
    previous good capture's size, or several times that size. Broken captures are kept aside
    and never compared with good ones, so a broken page never reads as a deleted policy."""
    current = normalise(text)
    size = len(current)
    if size < MIN_CHARACTERS:
        return f"empty or nearly empty ({size} characters of text)"
    before = len(normalise(previous_good)) if previous_good else 0
    short = size < _SHORT_PAGE and (not before or size < before / 2)
    if short and (error := _ERROR_PAGE.search(current)):
        return f"an error page ({' '.join(error[0].split())!r}, {size} characters)"
    if short and (login := _LOGIN_WALL.search(current)):
        return f"a login wall or a bot check ({' '.join(login[0].split())!r}, {size} characters)"
    if before and size < before * FRACTION:
        return (
            f"a fraction of the usual size: {size:,} characters against {before:,} in the "
            f"previous good capture ({size / before:.0%})"
        )
    if before and size > before * MULTIPLE:
        return (
            f"{size / before:.1f} times the size of the previous good capture ({size:,} against "
            f"{before:,} characters): the page probably holds its content several times"
        )
    return None
