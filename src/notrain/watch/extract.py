"""The text of a policy page as clean Markdown: what the document's selectors point to, or,
when they stop matching, what notrain's main-content extractor finds (and a note saying so).

:func:`extract` drops what is never content (scripts, styles, frames, inline SVG) and the
parts the document's ``remove`` selectors name (navigation, cookie banners), then converts to
Markdown the elements its ``select`` selectors match, in document order and none twice. Links
become absolute; tracking parameters are left for :func:`notrain.watch.text.normalise`, which
is what makes two captures comparable.

Sites rename their classes without notice (Meta's are generated, such as ``_9xyz``), so
selectors stop matching while the policy is still there. Then, rather than report the policy
deleted, the extractor looks for it:

- given the ``previous`` version's text, it re-anchors: the element whose sentences best cover
  the previous version's (most of them, with as little else as possible), so the extent stays
  the same when only the layout changed;
- otherwise the page's ``<main>``, ``[role=main]`` or ``<article>``, when it holds most of the
  page's paragraph text, else the element that does (paragraphs: blocks of at least a few
  words, not link lists), never the page's navigation, banner, footer or dialogs.

:attr:`Extracted.method` is ``"fallback"`` then, and :attr:`Extracted.note` says which
selectors failed, in words a person can act on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urljoin

import soupsieve
from bs4 import BeautifulSoup, NavigableString, ParserRejectedMarkup, Tag
from bs4.element import PreformattedString
from markdownify import MarkdownConverter

from notrain.errors import InputError, OptionError
from notrain.watch.diff import sentence_key, sentences, split_sentences

__all__ = ["MIN_CONTENT", "ExtractError", "Extracted", "check_selectors", "extract"]

MIN_CONTENT = 200
"""Characters of text below which what the selectors matched is not the document."""

_NEVER_CONTENT = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed")
_CHROME_TAGS = frozenset({"nav", "aside", "header", "footer", "dialog"})
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "dialog"})
"""Page furniture the extractor leaves out, unless it sits inside the content itself (an
article's own header stays)."""
_SECTIONING = ("main", "article", "section")
_MAIN_CANDIDATES = (("main", "the page's <main> element"),
                    ("[role=main]", "the page's main element ([role=main])"),
                    ("article", "the page's <article> element"))  # fmt: skip
_BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog",
     "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
     "h4", "h5", "h6", "header", "html", "li", "main", "nav", "ol", "p", "pre", "section",
     "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "[document]"}
)  # fmt: skip
_PARAGRAPH = 25
"""Characters of text outside links that make a block a paragraph, not a menu entry."""
_MAIN_SHARE = 0.5
"""The share of the page's paragraph text that ``<main>`` or ``<article>`` must hold."""
_PREVIOUS_ON_PAGE = 0.5
"""The share of the previous version's sentences the page must hold to re-anchor on them."""
_RECALL = 0.6
"""The share of those that the re-anchored element must hold."""
_BETA_PREVIOUS = 2.0
"""Re-anchoring: how much more covering the previous text counts than leaving out the rest (an
F-beta score). New text in the new version is content too, so coverage matters most."""
_BETA_PARAGRAPHS = 1.0
"""Without a previous text: paragraphs outside the content (a cookie notice, a disclaimer) are
counted too, so leaving out the rest matters as much as covering them."""
_BLANK_LINES = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_NO_TEXT_HINT = (
    "It may show its text only with JavaScript, or be an error page. Check the address with "
    "`notrain watch list`, or follow the Open Terms Archive instead (`notrain watch import-ota "
    "PATH`)."
)
_CONVERTER = MarkdownConverter(heading_style="ATX", bullets="-", escape_misc=False)


@dataclass(frozen=True, kw_only=True)
class Extracted:
    """The text of a page, and how it was found."""

    markdown: str
    method: Literal["selectors", "fallback"]
    """``selectors``: the document's selectors found it; ``fallback``: the main-content
    extractor did (the selectors need attention)."""
    note: str = ""
    """Why the fallback was used, in plain words; empty for ``selectors``."""
    title: str = ""
    """The page's ``<title>``, else its first ``<h1>``."""


class ExtractError(InputError):
    """A page holds no readable text at all."""


def check_selectors(selectors: Iterable[str]) -> None:
    """Raise :class:`~notrain.errors.OptionError` for the first selector that is not valid CSS
    (to check a document's selectors when they are declared, not when a page is read)."""
    for selector in selectors:
        try:
            soupsieve.compile(selector)
        except (soupsieve.SelectorSyntaxError, TypeError) as exc:
            raise OptionError(
                f"{selector!r} is not a CSS selector notrain can use: {exc}",
                hint="Give selectors such as 'main', 'div.policy' or '#content > article'.",
            ) from None


def extract(
    html: str,
    *,
    select: Sequence[str] = (),
    remove: Sequence[str] = (),
    base_url: str = "",
    previous: str | None = None,
) -> Extracted:
    """The Markdown of what ``select`` matches in ``html``, without what ``remove`` matches.

    ``base_url`` makes links absolute. ``previous`` is the last good version's normalised text:
    when the selectors match nothing (or almost no text), the fallback re-anchors on it.
    Raises :class:`ExtractError` when the page has no readable text, and
    :class:`~notrain.errors.OptionError` for a selector that is not valid CSS."""
    check_selectors((*select, *remove))
    try:
        soup = BeautifulSoup(html, "html.parser")
    except ParserRejectedMarkup as exc:
        where = f" at {base_url}" if base_url else ""
        raise ExtractError(
            f"The page{where} is not HTML that notrain can read ({exc}).", hint=_NO_TEXT_HINT
        ) from None
    title = _title(soup)
    for tag in soup.find_all((*_NEVER_CONTENT, "head", "title")):
        tag.decompose()
    for selector in remove:
        for tag in soup.select(selector):
            tag.decompose()
    root: Tag = soup.body or soup
    if select:
        matched = _outermost(root.select(", ".join(select)))
        found = sum(len(_text(tag)) for tag in matched)
        if found >= MIN_CONTENT:
            markdown = _markdown(matched, base_url)
            if markdown:
                return Extracted(markdown=markdown, method="selectors", title=title)
        reason = _selector_failure(root, select, found)
    else:
        reason = "no selectors are declared for this document"
    content, how = _main_content(root, previous)
    markdown = _markdown(content, base_url) if content else ""
    if not markdown:
        where = f" at {base_url}" if base_url else ""
        raise ExtractError(f"The page{where} has no readable text.", hint=_NO_TEXT_HINT)
    note = f"{reason[:1].upper()}{reason[1:]}; the text was found by notrain's main-content extractor ({how})."
    return Extracted(markdown=markdown, method="fallback", note=note, title=title)


def _selector_failure(root: Tag, select: Sequence[str], found: int) -> str:
    unmatched = [selector for selector in select if root.select_one(selector) is None]
    if len(unmatched) == len(select):
        return f"the {_selectors(unmatched)} matched nothing"
    if unmatched:
        return (
            f"the {_selectors(unmatched)} matched nothing and the others only {found} "
            "characters of text"
        )
    return f"the {_selectors(select)} matched only {found} characters of text"


def _selectors(selectors: Sequence[str]) -> str:
    quoted = ", ".join(repr(selector) for selector in selectors)
    return f"selector {quoted}" if len(selectors) == 1 else f"selectors {quoted}"


def _title(soup: BeautifulSoup) -> str:
    for tag in (soup.title, soup.find("h1")):
        if isinstance(tag, Tag) and (text := _text(tag)):
            return text
    return ""


def _text(tag: Tag) -> str:
    return " ".join(tag.get_text(" ").split())


def _outermost(tags: list[Tag]) -> list[Tag]:
    """``tags`` without those inside another of them (kept in document order)."""
    chosen = {id(tag) for tag in tags}
    return [tag for tag in tags if not any(id(parent) in chosen for parent in tag.parents)]


# --- the main-content extractor -----------------------------------------------------------------


@dataclass
class _Block:
    """A block of text (paragraph, list item, heading, cell): its element and its text."""

    tag: Tag
    parts: list[str]
    outside_links: int = 0

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())


def _main_content(root: Tag, previous: str | None) -> tuple[list[Tag], str]:
    """The elements that hold the document, and how they were found, in words."""
    furniture = [tag for tag in root.find_all(True) if _is_chrome(tag)]
    for tag in furniture:
        if not tag.decomposed and tag.find_parent(_SECTIONING) is None:
            tag.decompose()
    blocks = _blocks(root)
    if previous:
        anchored = _reanchor(blocks, previous)
        if anchored is not None:
            return [anchored], "re-anchored on the text of the previous version"
    scores = [
        (block, float(block.outside_links) if block.outside_links >= _PARAGRAPH else 0.0)
        for block in blocks
    ]
    held = _totals(scores).score
    total = sum(score for _, score in scores)
    for selector, how in _MAIN_CANDIDATES:
        candidates = root.select(selector)
        if candidates:
            tag = max(candidates, key=lambda candidate: held.get(id(candidate), 0.0))
            if held.get(id(tag), 0.0) >= _MAIN_SHARE * total and len(_text(tag)) >= MIN_CONTENT:
                return [tag], how
    densest = _best(scores, beta=_BETA_PARAGRAPHS, recall_at_least=0.0)
    if densest is not None:
        return [densest], "the part of the page with the most paragraph text"
    return ([root], "the whole page") if _text(root) else ([], "")


def _is_chrome(tag: Tag) -> bool:
    return (
        tag.name in _CHROME_TAGS
        or tag.get("role") in _CHROME_ROLES
        or tag.get("aria-modal") == "true"
    )


def _blocks(root: Tag) -> list[_Block]:
    """The page's text, grouped by the nearest block element of each piece, in order."""
    blocks: dict[int, _Block] = {}
    nearest: dict[int, tuple[Tag, bool]] = {}
    for string in root.find_all(string=True):
        if isinstance(string, PreformattedString) or not isinstance(string, NavigableString):
            continue
        parent = string.parent
        if parent is None:
            continue
        if id(parent) not in nearest:
            nearest[id(parent)] = _nearest_block(parent)
        tag, in_link = nearest[id(parent)]
        block = blocks.get(id(tag))
        if block is None:
            block = blocks[id(tag)] = _Block(tag, [])
        block.parts.append(str(string))
        if not in_link:
            block.outside_links += len(string.strip())
    return [block for block in blocks.values() if block.text]


def _nearest_block(tag: Tag) -> tuple[Tag, bool]:
    """The block element ``tag`` is or sits in, and whether a link lies between them."""
    in_link = False
    current: Tag | None = tag
    while current is not None:
        if current.name in _BLOCKS:
            return current, in_link
        in_link = in_link or current.name == "a"
        current = current.parent
    return tag, in_link


def _reanchor(blocks: list[_Block], previous: str) -> Tag | None:
    """The element that best covers the previous version's sentences, or ``None`` when the
    page holds too few of them to tell."""
    known = {sentence.key for sentence in sentences(previous)}
    if not known:
        return None
    scores: list[tuple[_Block, float]] = []
    on_page: set[str] = set()
    for block in blocks:
        keys = [sentence_key(piece) for piece in split_sentences(block.text)]
        hits = [key for key in keys if key in known]
        on_page.update(hits)
        scores.append((block, float(sum(len(key) for key in hits))))
    if len(on_page) < _PREVIOUS_ON_PAGE * len(known):
        return None
    return _best(scores, beta=_BETA_PREVIOUS, recall_at_least=_RECALL)


@dataclass
class _Totals:
    """Per element (by ``id``): the score of the blocks it holds, their text length, its depth."""

    score: dict[int, float] = field(default_factory=lambda: defaultdict(float))
    length: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    depth: dict[int, int] = field(default_factory=dict)
    tags: dict[int, Tag] = field(default_factory=dict)


def _totals(scores: list[tuple[_Block, float]]) -> _Totals:
    totals = _Totals()
    for block, score in scores:
        size = len(block.text)
        for level, tag in enumerate(reversed([block.tag, *block.tag.parents])):
            key = id(tag)
            totals.score[key] += score
            totals.length[key] += size
            totals.depth[key] = level
            totals.tags[key] = tag
    return totals


def _best(scores: list[tuple[_Block, float]], *, beta: float, recall_at_least: float) -> Tag | None:
    """The element whose text best matches the scored blocks: the highest F-beta score of
    recall (its share of all the score) and precision (score per character of its text),
    the smallest on a tie. ``body`` and ``html`` compete like any element."""
    total = sum(score for _, score in scores)
    if total <= 0:
        return None
    totals = _totals(scores)
    beta2 = beta * beta
    best: tuple[float, int, int] | None = None
    chosen: Tag | None = None
    for key, held in totals.score.items():
        recall = held / total
        if held <= 0 or recall < recall_at_least:
            continue
        precision = held / max(totals.length[key], 1)
        f_score = (1 + beta2) * precision * recall / (beta2 * precision + recall)
        rank = (round(f_score, 6), -totals.length[key], totals.depth[key])
        if best is None or rank > best:
            best, chosen = rank, totals.tags[key]
    return chosen


# --- Markdown ----------------------------------------------------------------------------------


def _markdown(tags: list[Tag], base_url: str) -> str:
    """``tags`` as one tidy Markdown text: links absolute, inline images (``data:``) gone."""
    pieces: list[str] = []
    for tag in tags:
        _prepare(tag, base_url)
        try:
            pieces.append(_CONVERTER.convert_soup(tag))
        except RecursionError:
            raise ExtractError(
                f"The page{f' at {base_url}' if base_url else ''} is nested too deeply to read "
                "(thousands of elements inside each other).",
                hint=(
                    "Give selectors that point at the policy's text itself (`notrain watch add "
                    "URL --selector CSS`), or follow the Open Terms Archive instead (`notrain "
                    "watch import-ota PATH`)."
                ),
            ) from None
    markdown = _TRAILING_SPACE.sub("", "\n\n".join(pieces))
    markdown = _BLANK_LINES.sub("\n\n", markdown).strip()
    return markdown + "\n" if any(character.isalnum() for character in markdown) else ""


def _prepare(root: Tag, base_url: str) -> None:
    """Links made absolute, inline images dropped, and wrapper chains (a ``div`` whose only
    child is a ``div``, as generated pages nest them by the dozen) flattened: the Markdown is
    the same, and the converter, which recurses, does not run out of stack."""
    for wrapper in root.find_all(("div", "span")):
        children = [child for child in wrapper.contents if not _blank(child)]
        if len(children) == 1 and getattr(children[0], "name", None) == wrapper.name:
            wrapper.unwrap()
    for link in _with_self(root, "a"):
        href = str(link.get("href") or "").strip()
        if not href or href.lower().startswith("javascript:"):
            link.attrs.pop("href", None)
        elif base_url and not href.startswith("#"):
            link["href"] = urljoin(base_url, href)
    for image in _with_self(root, "img"):
        source = str(image.get("src") or "").strip()
        if not source or source.lower().startswith("data:"):
            image.decompose()
        elif base_url:
            image["src"] = urljoin(base_url, source)


def _blank(node: object) -> bool:
    return isinstance(node, NavigableString) and (
        isinstance(node, PreformattedString) or not node.strip()
    )


def _with_self(root: Tag, name: str) -> list[Tag]:
    found = root.find_all(name)
    return [root, *found] if root.name == name else found
