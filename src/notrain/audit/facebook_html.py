"""Facebook's HTML export (its default format): the media list read back from the pages.

Supported, by structure rather than by Facebook's generated class names (which change):

- 2010-2018 pages such as ``photos/1234.html``: one ``div.block`` per photo, the date in a
  ``div.meta`` ("Thursday, 11 August 2016 at 19:25 UTC+01"), the metadata in a table of
  ``<th>label</th><td>value</td>`` rows ("Taken", "Camera Make", "Upload IP Address"...), links
  relative to a ``<base href="../">``, and the account's profile picture in the ``div.nav``;
- 2019-2024+ pages such as ``photos_and_videos/album/0.html`` or ``your_facebook_activity/posts/
  your_posts__check_ins__photos_and_videos_1.html``: one ``section``/``div`` per post with its
  media as ``<img>``/``<video>``/``<a href>``, a heading ("Ann updated her profile picture.") and
  a date such as "Aug 09, 2025 9:48:19 am"; metadata as label/value pairs.

A page's posts are the children of the element that has the most children holding media; each
post's first date-like text is its upload time, and a known metadata label is followed by its
value. English dates are understood (other languages leave the date empty); captions are not read
(the pages do not mark them apart from the rest of the text). Images linked by a CDN URL are
matched to a file of the export whose name is one of the URL's numeric ids. Media files in the
export that no page names are still reported (``source`` is the file itself), so the count is
right even where a page could not be understood. A page that cannot be read becomes a
:class:`Problem` whose reason explains how to request the JSON export instead.
"""

from __future__ import annotations

import codecs
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from notrain.audit.archive import Export, ExportFileError
from notrain.audit.facebook_files import ROOTS, SKIPPED, media_files
from notrain.audit.facebook_media import (
    Context,
    MediaReader,
    album_kind,
    local_copy,
    local_ids,
    marked_album,
    title_kind,
)
from notrain.audit.media import MEDIA_SUFFIXES
from notrain.audit.model import MediaItem, MediaKind, Problem
from notrain.audit.values import EARLIEST

__all__ = ["DOWNLOAD_PATH", "HTML_LIMIT", "REQUEST_JSON", "html_date", "html_pages", "read_html"]

DOWNLOAD_PATH = "Accounts Center > Your information and permissions > Download your information"
"""Where Meta's apps offer the export (the same path docs/audit.md gives)."""
REQUEST_JSON = (
    "This is Facebook's HTML export; for a complete audit, request a JSON export: "
    f"{DOWNLOAD_PATH} > Format: JSON"
)
HTML_LIMIT = 256 * 1024 * 1024
"""The largest HTML page read (Meta splits long lists over several pages)."""

_CHUNK = 1024 * 1024
_HTML_SUFFIXES = (".html", ".htm")
_START_PAGES = frozenset({"index.html", "index.htm", "start_here.html"})
_INSTAGRAM = ("your_instagram_activity/", "content/", "media.json")
_FACEBOOK_TOPS = frozenset(
    {"your_facebook_activity", "your_activity_across_facebook", "photos_and_videos", "html"}
)
_OLD_PAGES = (
    (re.compile(r"^photos$"), MediaKind.ALBUM),
    (re.compile(r"^timeline$|^wall$"), MediaKind.POST),
)
_VOID = frozenset(
    {"img", "br", "hr", "meta", "link", "input", "source", "base", "area", "col", "embed", "wbr"}
)
_DROPPED = frozenset({"script", "style", "head", "title"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LABELS = {
    "taken": "taken_timestamp",
    "date taken": "taken_timestamp",
    "camera make": "camera_make",
    "camera model": "camera_model",
    "upload ip address": "upload_ip",
    "upload ip": "upload_ip",
    "ip address": "upload_ip",
    "latitude": "latitude",
    "longitude": "longitude",
    "modified": "",
    "orientation": "",
    "original width": "",
    "original height": "",
    "exposure": "",
    "f-stop": "",
    "iso speed": "",
    "focal length": "",
}
"""The metadata labels of the pages and the EXIF key each one fills ("": known, not used)."""

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_DAY_MONTH = re.compile(r"\b(\d{1,2})\.?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_MONTH_DAY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b")
_TIME = re.compile(r"\b(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([ap])\.?\s?m\b\.?)?", re.IGNORECASE)
_ZONE = re.compile(r"\b(?:UTC|GMT)\s*([+-])(\d{1,2})(?::?(\d{2}))?")


def html_pages(export: Export) -> list[tuple[str, MediaKind]] | None:
    """The pages of a Facebook HTML export that list media (with the kind each lists), or None
    when ``export`` is no Facebook HTML export. A start page beside a Facebook folder with no
    media page gives an empty list: the export is HTML, but nothing in it could be read."""
    pages = media_files(export.paths(), suffixes=_HTML_SUFFIXES)
    found = {path for path, _ in pages}
    start = False
    tops: set[str] = set()
    for path in export.paths():
        if path.startswith(_INSTAGRAM):
            return None
        if path in _START_PAGES:
            start = True
        tops.add(path.split("/", 1)[0])
        if path in found or not path.lower().endswith(_HTML_SUFFIXES):
            continue
        parts = path.split("/")
        if len(parts) > 1 and parts[0] in ROOTS:
            stem = parts[-1].rsplit(".", 1)[0].lower()
            if parts[0] == "photos" and len(parts) == 2:
                pages.append((path, MediaKind.ALBUM))
            elif parts[0] == "html":
                kind = next((k for p, k in _OLD_PAGES if p.search(stem)), None)
                if kind is not None:
                    pages.append((path, kind))
    if pages:
        return pages
    return [] if start and tops & _FACEBOOK_TOPS else None


def read_html(
    export: Export, reader: MediaReader, pages: list[tuple[str, MediaKind]]
) -> list[MediaItem]:
    """Every photo and video the pages list, then the media files no page names."""
    items: list[MediaItem] = []
    seen_profile: set[str] = set()
    ids = local_ids(export)
    for page, kind in pages:
        try:
            tree = _parse(export, page)
        except (ExportFileError, AssertionError, ValueError) as exc:
            reason = exc.reason if isinstance(exc, ExportFileError) else f"cannot be parsed: {exc}"
            reader.problems.append(Problem(path=page, reason=f"{reason}. {REQUEST_JSON}"))
            continue
        where = _where(page, kind, tree, ids)
        items.extend(_page_items(reader, where, tree, seen_profile))
    if not items:
        start = (path for path in export.paths() if path in _START_PAGES)
        first = pages[0][0] if pages else next(start, ".")
        reader.problems.append(
            Problem(path=first, reason=f"no photo or video is listed in its pages. {REQUEST_JSON}")
        )
    named = {item.uri for item in items if item.present}
    items.extend(_unnamed_media(reader, named))
    return items


def _where(page: str, kind: MediaKind, tree: _Page, ids: dict[str, str]) -> _Where:
    """How to read a page: its links resolved against its ``<base href>`` (old pages write
    ``../``), an album page's name from its title."""
    relative_to = page
    if tree.base and not tree.base.startswith(("/", "http:", "https:")):
        base = posixpath.normpath(posixpath.join(posixpath.dirname(page), tree.base))
        relative_to = (
            "page.html" if base in (".", "") or base.startswith("..") else f"{base}/page.html"
        )
    album = " ".join(tree.title.split()) if kind is MediaKind.ALBUM and "/album/" in page else ""
    if album:
        kind = album_kind(album, kind)
    return _Where(page=page, kind=kind, album=album, relative_to=relative_to, ids=ids)


def html_date(value: str) -> datetime | None:
    """The UTC moment an English date of an HTML export names ("Thursday, 11 August 2016 at 19:25
    UTC+01", "Aug 09, 2025 9:48:19 am"), or None. A time zone other than a UTC offset is
    ignored (the time is taken as UTC)."""
    if len(value) > 80:
        return None
    match = _DAY_MONTH.search(value)
    day_first = match is not None and match.group(2).lower() in _MONTHS
    if not day_first:
        match = _MONTH_DAY.search(value)
        if match is None or match.group(1).lower() not in _MONTHS:
            return None
    assert match is not None
    if day_first:
        day, month, year = int(match.group(1)), _MONTHS[match.group(2).lower()], int(match.group(3))
    else:
        month, day, year = _MONTHS[match.group(1).lower()], int(match.group(2)), int(match.group(3))
    rest = value[match.end() :]
    hour = minute = second = 0
    if clock := _TIME.search(rest):
        hour, minute, second = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
        if (half := (clock.group(4) or "").lower()) and hour <= 12:
            hour = hour % 12 + (12 if half == "p" else 0)
    zone = UTC
    if offset := _ZONE.search(rest):
        delta = timedelta(hours=int(offset.group(2)), minutes=int(offset.group(3) or 0))
        zone = timezone(-delta if offset.group(1) == "-" else delta)
    try:
        moment = datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(UTC)
    except ValueError:
        return None
    return moment if EARLIEST <= moment <= datetime(2100, 1, 1, tzinfo=UTC) else None


class _Node:
    """An element of a parsed page: only what the media list needs (tag, a few attributes, child
    elements and text); empty elements are dropped as soon as they close."""

    __slots__ = ("attrs", "children", "tag")

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.children: list[_Node | str] = []


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("#page", {})
        self.stack = [self.root]
        self.base = ""
        self.title = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = {k: v or "" for k, v in attrs if k in ("src", "href", "class")}
        if tag == "base":
            self.base = self.base or kept.get("href", "")
            return
        node = _Node(tag, kept)
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        depth = len(self.stack)
        self.handle_starttag(tag, attrs)
        if len(self.stack) > depth:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                while len(self.stack) > index:
                    self._close(self.stack.pop())
                return

    def handle_data(self, data: str) -> None:
        current = self.stack[-1]
        if current.tag == "title":
            self.title += data
        elif current.tag not in _DROPPED and (words := " ".join(data.split())):
            current.children.append(words)

    def _close(self, node: _Node) -> None:
        parent = self.stack[-1]
        empty = not node.children and not ({"src", "href"} & node.attrs.keys())
        if (node.tag in _DROPPED or empty) and parent.children and parent.children[-1] is node:
            parent.children.pop()


def _parse(export: Export, page: str) -> _Page:
    """The page parsed as it streams from the export (never read whole into memory as bytes)."""
    size = export.size(page)
    if size > HTML_LIMIT:
        raise ExportFileError(page, f"is larger than the {HTML_LIMIT:,} bytes notrain reads")
    parser = _Page()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    with export.open_member(page) as stream:
        while chunk := stream.read(_CHUNK):
            parser.feed(decoder.decode(chunk))
    parser.feed(decoder.decode(b"", final=True))
    parser.close()
    return parser


def _media_url(node: _Node) -> str:
    """The media a node shows or links to, or ""."""
    if node.tag in ("img", "video", "source", "embed"):
        url = node.attrs.get("src", "")
        return "" if url.startswith("data:") else url.strip()
    if node.tag == "a":
        url = node.attrs.get("href", "").strip()
        path = urlsplit(url).path if "://" in url else url
        return url if PurePosixPath(path).suffix.lower() in MEDIA_SUFFIXES else ""
    return ""


def _is_nav(node: _Node) -> bool:
    return "nav" in node.attrs.get("class", "").split()


def _counts(root: _Node) -> dict[int, int]:
    """How many media each element holds (the navigation bar's do not count)."""
    counts: dict[int, int] = {}
    order: list[_Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(c for c in node.children if isinstance(c, _Node) and not _is_nav(c))
    for node in reversed(order):
        own = 1 if _media_url(node) else 0
        counts[id(node)] = own + sum(
            counts.get(id(c), 0) for c in node.children if isinstance(c, _Node)
        )
    return counts


def _blocks(root: _Node) -> list[_Node]:
    """The page's posts: the children holding media of the element with most such children."""
    counts = _counts(root)
    best, best_count = root, 0
    stack = [root]
    while stack:
        node = stack.pop()
        holding = [c for c in node.children if isinstance(c, _Node) and counts.get(id(c), 0)]
        if len(holding) > best_count:
            best, best_count = node, len(holding)
        stack.extend(reversed(holding))
    if best_count <= 1:
        return [root] if counts.get(id(root), 0) else []
    return [c for c in best.children if isinstance(c, _Node) and counts.get(id(c), 0)]


def _tokens(block: _Node) -> Iterator[tuple[str, str]]:
    """("media", url), ("heading", text) and ("text", text) in document order."""
    stack: list[tuple[_Node | str, bool]] = [(block, False)]
    while stack:
        node, heading = stack.pop()
        if isinstance(node, str):
            yield ("heading" if heading else "text"), node
            continue
        if _is_nav(node):
            continue
        if url := _media_url(node):
            yield "media", url
        inner = heading or node.tag in _HEADINGS
        stack.extend((child, inner) for child in reversed(node.children))


@dataclass(frozen=True, kw_only=True)
class _Where:
    """One page and how to resolve its links."""

    page: str
    kind: MediaKind
    album: str
    relative_to: str
    ids: dict[str, str]


def _page_items(
    reader: MediaReader, where: _Where, tree: _Page, seen_profile: set[str]
) -> Iterator[MediaItem]:
    for node in _navigation(tree.root):
        url = _media_url(node)
        if url not in seen_profile:
            seen_profile.add(url)
            context = Context(
                kind=MediaKind.PROFILE, source=where.page, relative_to=where.relative_to
            )
            if (item := reader.item({"uri": url}, context)) is not None:
                yield item
    for block in _blocks(tree.root):
        yield from _block_items(reader, where, block)


def _block_items(reader: MediaReader, where: _Where, block: _Node) -> Iterator[MediaItem]:
    """The media of one post: its date and kind for all, each one's metadata rows for itself."""
    media: list[str] = []
    fields: list[dict[str, str]] = [{}]
    """Metadata before the first media (for all of them), then each media's own."""
    title: list[str] = []
    posted: datetime | None = None
    kind = where.kind
    label: str | None = None
    for token, value in _tokens(block):
        if token == "media":
            if value not in media:
                media.append(value)
                fields.append({})
            continue
        if label is not None:
            if label == "taken_timestamp" and (moment := html_date(value)) is not None:
                value = str(int(moment.timestamp()))
            if label:
                fields[-1].setdefault(label, value)
            label = None
            continue
        folded = value.casefold().rstrip(":").strip()
        if folded in _LABELS:
            label = _LABELS[folded]
            continue
        if token == "heading":
            title.append(value)
        if posted is None:
            posted = html_date(value)
        if kind in (MediaKind.POST, MediaKind.ALBUM):
            kind = marked_album(value) or kind
    kind = title_kind(" ".join(title)) or kind
    context = Context(
        kind=kind,
        source=where.page,
        posted_at=posted,
        album=where.album,
        relative_to=where.relative_to,
    )
    for index, url in enumerate(media, start=1):
        metadata = {**fields[0], **fields[index]}
        record = {
            "uri": local_copy(url, where.ids),
            "media_metadata": {"photo_metadata": metadata},
        }
        if (item := reader.item(record, context)) is not None:
            yield item


def _navigation(root: _Node) -> Iterator[_Node]:
    """The media elements inside a ``div.nav`` (old exports show the profile picture there)."""
    pending: list[tuple[_Node, bool]] = [(root, False)]
    while pending:
        node, inside = pending.pop()
        inside = inside or _is_nav(node)
        if inside and _media_url(node):
            yield node
        pending.extend((c, inside) for c in reversed(node.children) if isinstance(c, _Node))


def _unnamed_media(reader: MediaReader, named: set[str]) -> Iterator[MediaItem]:
    """Media files under Facebook's folders that no page names, as items of their own."""
    for path in sorted(reader.export.paths()):
        parts = path.split("/")
        suffix = PurePosixPath(path).suffix.lower()
        if path in named or parts[0] not in ROOTS or SKIPPED.intersection(parts[:-1]):
            continue
        if suffix not in MEDIA_SUFFIXES:
            continue
        folder = re.sub(r"_\d+$", "", parts[-2]) if len(parts) > 2 else ""
        default = MediaKind.VIDEO if "video" in path.lower() else MediaKind.OTHER
        if parts[0] in ("photos", "photos_and_videos") and default is MediaKind.OTHER:
            default = MediaKind.ALBUM
        context = Context(kind=album_kind(folder, default), source=path)
        if (item := reader.item({"uri": path}, context)) is not None:
            yield item
