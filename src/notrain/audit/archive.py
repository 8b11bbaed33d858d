"""One data export, given as any mix of ZIP parts and folders, seen as one read-only tree.

Meta delivers a large export as several standalone ZIPs with the same tree (a JSON file in one part
may name a photo in another), sometimes under an extra wrapper folder, and people also unpack some
parts and not others. :class:`Export` indexes every part (names, sizes and where each member lives,
nothing more), removes the wrapper folder, and reads members by random access, streaming, so a
9 GB export costs no more memory than a small one and nothing is ever extracted or written.

A hostile archive cannot do harm: members with absolute names, ``..``, drive letters, symbolic
links, encryption or an absurd compression ratio are never read, only listed in
:attr:`Export.problems`; a damaged member fails alone, with its name.
"""

from __future__ import annotations

import io
import json
import lzma
import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Self, cast

from notrain.audit.model import Problem
from notrain.audit.text import repair, repair_text
from notrain.errors import CorruptFileError, InputError, UnsupportedFormatError

__all__ = ["JSON_LIMIT", "KNOWN_TOPS", "Export", "ExportFileError"]

JSON_LIMIT = 512 * 1024 * 1024
"""The largest JSON file :meth:`Export.read_json` parses (Meta splits large ones; this is a guard)."""

KNOWN_TOPS = frozenset(
    [
        "your_facebook_activity",
        "your_activity_across_facebook",
        "this_profile's_activity_across_facebook",
        "posts",
        "photos_and_videos",
        "photos",
        "videos",
        "stories",
        "messages",
        "comments",
        "comments_and_reactions",
        "likes_and_reactions",
        "friends",
        "friends_and_followers",
        "groups",
        "events",
        "pages",
        "marketplace",
        "saved_items_and_collections",
        "search",
        "search_history",
        "location",
        "location_history",
        "your_places",
        "other_activity",
        "profile_information",
        "about_you",
        "your_topics",
        "apps_and_websites",
        "apps_and_websites_off_of_facebook",
        "ads_and_businesses",
        "html",
        "files",
        "index.html",
        "start_here.html",
        "your_instagram_activity",
        "content",
        "media",
        "profile",
        "direct",
        "media.json",
        "profile.json",
        "account_history.json",
        "followers_and_following",
        "recent_searches",
        "ads_and_topics",
        "information_about_you",
        "personal_information",
        "preferences",
        "security_and_login_information",
        "logged_information",
        "connections",
        "ads_information",
    ]
)
"""Top-level names of Meta's export layouts: a single top folder with one of these names is part
of the export, never a wrapper to remove."""

MAX_RATIO = 200
RATIO_FLOOR = 50 * 1024 * 1024
"""A member that would expand more than ``MAX_RATIO`` times to more than ``RATIO_FLOOR`` bytes is
taken for a decompression bomb and never read (photos and videos barely compress at all)."""

_SNIFF_BYTES = 64
_JUNK_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_DRIVE = re.compile(r"^[A-Za-z]:")
_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]+:|//)")
_LAYOUT_LIKE = re.compile(r"[a-z][a-z_']*")
_READABLE_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    struct.error,
)
_DOWNLOAD_AGAIN = (
    "Download this part of the export again from Meta's 'Download your information' page."
)


class ExportFileError(InputError):
    """One file of the export cannot be read (damaged, malformed JSON, too large); the rest of the
    export still can. ``member`` is its path inside the export, ``reason`` says what is wrong."""

    def __init__(self, member: str, reason: str, *, where: str = "", hint: str | None = None):
        place = f" (in {where})" if where else ""
        super().__init__(f"{member}{place}: {reason}", path=member, hint=hint)
        self.member = member
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Member:
    part: int
    name: str
    """The name inside the part: the folder-relative path, or the ZIP member name."""
    size: int
    info: zipfile.ZipInfo | None = None


@dataclass(slots=True)
class _Part:
    path: Path
    archive: zipfile.ZipFile | None
    names: list[tuple[str, _Member]]
    """(export path before the wrapper is removed, member) for every usable file."""


def _clean(name: str) -> list[str] | None:
    """The components of a member name, or None when it could reach outside the export."""
    if name.startswith("/") or _DRIVE.match(name):
        return None
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        return None
    return parts


def _is_junk(parts: list[str]) -> bool:
    """Files an operating system adds when it zips or browses a folder (not part of the export)."""
    return "__MACOSX" in parts or parts[-1] in _JUNK_NAMES or parts[-1].startswith("._")


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The member's real name: a name written as UTF-8 without the UTF-8 flag is read as UTF-8."""
    name = info.filename
    if not info.flag_bits & 0x800 and not name.isascii():
        try:
            name = name.encode("cp437").decode("utf-8")
        except UnicodeError:
            pass
    return name.replace("\\", "/")


def _zip_refusal(info: zipfile.ZipInfo, archive_size: int) -> str | None:
    """Why a ZIP member must not be read, or None when it is safe."""
    if stat.S_ISLNK(info.external_attr >> 16):
        return "it is a symbolic link"
    if info.flag_bits & 0x1:
        return "it is encrypted (password-protected)"
    if info.compress_type not in _READABLE_METHODS:
        return f"it uses compression method {info.compress_type}, which notrain cannot read"
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return (
            f"it would expand from {info.compress_size:,} to {info.file_size:,} bytes "
            "(a decompression bomb?)"
        )
    if info.compress_size > archive_size:
        return "it claims to be larger than the archive holding it"
    return None


def _is_zip(path: Path) -> bool:
    with path.open("rb") as file:
        head = file.read(4)
    return head in _ZIP_MAGIC or path.suffix.lower() == ".zip"


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


class _Guarded(io.BufferedIOBase):
    """A member's stream whose read errors (bad CRC, damaged data) name the member."""

    def __init__(self, inner: BinaryIO, member: str, where: str) -> None:
        super().__init__()
        self._inner = inner
        self._member = member
        self._where = where

    def _fail(self, exc: BaseException) -> ExportFileError:
        return ExportFileError(
            self._member, f"cannot be read: {exc}", where=self._where, hint=_DOWNLOAD_AGAIN
        )

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._inner.seekable()

    def read(self, size: int | None = -1) -> bytes:
        try:
            return self._inner.read(-1 if size is None else size)
        except _READ_ERRORS as exc:
            raise self._fail(exc) from exc

    def read1(self, size: int = -1) -> bytes:
        return self.read(size)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        try:
            return self._inner.seek(offset, whence)
        except _READ_ERRORS as exc:
            raise self._fail(exc) from exc

    def tell(self) -> int:
        return self._inner.tell()

    def close(self) -> None:
        if not self.closed:
            self._inner.close()
        super().close()


class Export:
    """One export as a read-only tree of POSIX paths relative to its root (``posts/album/0.json``).

    Open it with :meth:`open`, as a context manager so every archive is closed again.
    """

    def __init__(self, parts: list[_Part], problems: list[Problem]) -> None:
        self._parts = parts
        self._index: dict[str, _Member] = {}
        self._folded: dict[str, str] | None = None
        self._wrappers: set[str] = set()
        self.problems: list[Problem] = problems
        """Members skipped, and why."""
        self.duplicates = 0
        """How many members were found in more than one part (the first part given wins)."""
        self._merge()

    # building

    @classmethod
    def open(cls, paths: Sequence[Path | str]) -> Export:
        """Index every part: ZIP files (recognised by their first bytes) and folders, in any order.

        Raises :class:`~notrain.errors.InputError` when a path is missing or neither a folder nor a
        ZIP archive, and :class:`~notrain.errors.CorruptFileError` when an archive is truncated or
        damaged beyond reading (a download cut short).
        """
        if not paths:
            raise InputError(
                "No export was given.", hint="Pass the ZIP files or folders of your data export."
            )
        parts: list[_Part] = []
        problems: list[Problem] = []
        seen: set[Path] = set()
        try:
            for given in paths:
                path = Path(given).expanduser()
                key = path.resolve()
                if key in seen:
                    continue
                seen.add(key)
                if path.is_dir():
                    parts.append(_index_folder(path, len(parts), problems))
                elif path.is_file():
                    parts.append(_index_zip(path, len(parts), problems))
                else:
                    raise InputError(f"{path}: no such file or folder.", path=path)
        except BaseException:
            for part in parts:
                if part.archive is not None:
                    part.archive.close()
            raise
        return cls(parts, problems)

    def _merge(self) -> None:
        roots = {
            name.split("/", 1)[0]
            for part in self._parts
            if _single_top(part) is None
            for name, _ in part.names
        }
        for part in self._parts:
            prefix = ""
            while (top := _single_top(part, prefix)) is not None and _is_wrapper(
                part, prefix, top, roots
            ):
                prefix += top + "/"
            if prefix:
                self._wrappers.update(_prefixes(prefix))
            for name, member in part.names:
                path = name[len(prefix) :]
                first = self._index.get(path)
                if first is None:
                    self._index[path] = member
                    continue
                self.duplicates += 1
                if first.size != member.size:
                    self.problems.append(
                        Problem(
                            path=path,
                            reason=(
                                f"it is in {self.locate(path)} and, with a different size, in "
                                f"{self._parts[member.part].path}; the first is used"
                            ),
                        )
                    )
            part.names = []

    # reading the index

    def paths(self) -> Iterator[str]:
        """Every file of the export, once each, as a POSIX path relative to the export's root."""
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def exists(self, path: str) -> bool:
        """Whether ``path`` (relative to the export's root) is a file of the export."""
        return path in self._index

    def size(self, path: str) -> int:
        """The member's size in bytes, as its archive or folder records it."""
        return self._member(path).size

    def locate(self, path: str) -> str:
        """The ZIP file or folder that holds ``path``, for messages."""
        return str(self._parts[self._member(path).part].path)

    def find(self, uri: str, *, relative_to: str | None = None) -> str | None:
        """The member a ``uri`` of Meta's JSON (or an HTML ``src``) refers to, or None.

        The URI's mojibake is repaired first; a leading ``/`` or ``./``, the wrapper folder's name
        and ``..`` components are accepted; an exact match wins over one that differs only in case
        or Unicode normalisation. ``relative_to`` is the member the URI was found in, for links
        relative to it. CDN URLs (``https://...``) are not in the export and give None.
        """
        if not uri or _URL.match(uri):
            return None
        texts = dict.fromkeys([repair_text(uri), uri])
        if "%" in uri:
            from urllib.parse import unquote

            texts.update(dict.fromkeys([repair_text(unquote(uri)), unquote(uri)]))
        bases = [relative_to.rsplit("/", 1)[0] + "/"] if relative_to and "/" in relative_to else []
        candidates: dict[str, None] = {}
        for text in texts:
            for base in [*bases, ""]:
                path = _resolve(base + text.replace("\\", "/"))
                candidates[path] = None
                for wrapper in self._wrappers:
                    if path.startswith(wrapper):
                        candidates[path[len(wrapper) :]] = None
        for path in candidates:
            if path in self._index:
                return path
        folded = self._folded_index()
        for path in candidates:
            if (match := folded.get(_fold(path))) is not None:
                return match
        return None

    def _folded_index(self) -> dict[str, str]:
        if self._folded is None:
            self._folded = {}
            for path in self._index:
                self._folded.setdefault(_fold(path), path)
        return self._folded

    def _member(self, path: str) -> _Member:
        member = self._index.get(path)
        if member is None:
            raise ExportFileError(path, "is not in the export")
        return member

    # reading members

    def open_member(self, path: str) -> BinaryIO:
        """A binary stream of the member, read from its archive by random access (seekable).

        Read errors (a bad CRC, damaged data) raise :class:`ExportFileError` for this member alone.
        """
        member = self._member(path)
        part = self._parts[member.part]
        where = str(part.path)
        try:
            if part.archive is not None:
                assert member.info is not None
                inner = cast(BinaryIO, part.archive.open(member.info))
            else:
                inner = _open_in_folder(part.path, member.name)
        except _READ_ERRORS as exc:
            raise ExportFileError(
                path, f"cannot be opened: {exc}", where=where, hint=_DOWNLOAD_AGAIN
            ) from exc
        return cast(BinaryIO, _Guarded(inner, path, where))

    def read_bytes(self, path: str, *, limit: int) -> bytes:
        """The whole member, refused when it is larger than ``limit`` bytes."""
        size = self.size(path)
        if size <= limit:
            with self.open_member(path) as stream:
                data = stream.read(limit + 1)
            if len(data) <= limit:
                return data
            size = len(data)
        raise ExportFileError(
            path,
            f"is larger than the {limit:,} bytes notrain reads at once ({size:,} bytes or more)",
            where=self.locate(path),
        )

    def read_json(self, path: str, *, limit: int = JSON_LIMIT) -> Any:
        """The member parsed as JSON, with Meta's mojibake repaired in every string.

        Malformed, truncated or non-UTF-8 JSON raises :class:`ExportFileError` for this file alone.
        """
        data = self.read_bytes(path, limit=limit)
        try:
            parsed = json.loads(data)
        except json.JSONDecodeError as exc:
            if not data.strip():
                reason = "is empty"
            elif exc.pos >= len(data.rstrip()):
                reason = "ends too early: the JSON is truncated"
            else:
                reason = f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            raise ExportFileError(path, reason, where=self.locate(path)) from exc
        except UnicodeDecodeError as exc:
            raise ExportFileError(path, "is not UTF-8 text", where=self.locate(path)) from exc
        except RecursionError as exc:
            raise ExportFileError(path, "is nested too deeply", where=self.locate(path)) from exc
        except ValueError as exc:  # e.g. a number with thousands of digits
            raise ExportFileError(
                path, f"holds a value notrain cannot read ({exc})", where=self.locate(path)
            ) from exc
        return repair(parsed)

    def sniff(self, path: str) -> str | None:
        """The media type by the member's first bytes ("jpeg", "png", "heic", "mp4", "mov"...), for
        media stored without a file extension; None when not recognised."""
        with self.open_member(path) as stream:
            return _sniff(stream.read(_SNIFF_BYTES))

    # lifetime

    def close(self) -> None:
        """Close every archive; the export cannot be read afterwards."""
        for part in self._parts:
            if part.archive is not None:
                part.archive.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        parts = ", ".join(part.path.name for part in self._parts)
        return f"<Export {len(self._index)} files in {parts}>"


def _single_top(part: _Part, prefix: str = "") -> str | None:
    """The one folder every member of the part sits in (below ``prefix``), or None."""
    top: str | None = None
    for name, _ in part.names:
        rest = name[len(prefix) :]
        head, slash, _tail = rest.partition("/")
        if not slash or (top is not None and head != top):
            return None
        top = head
    return top


def _is_wrapper(part: _Part, prefix: str, top: str, roots: set[str]) -> bool:
    """Whether ``top`` is a folder wrapped around the export rather than one of its own."""
    if top in KNOWN_TOPS or top in roots:
        return False
    inner = prefix + top + "/"
    if any(name[len(inner) :].split("/", 1)[0] in KNOWN_TOPS for name, _ in part.names):
        return True
    return not _LAYOUT_LIKE.fullmatch(top)


def _prefixes(prefix: str) -> list[str]:
    """``a/b/`` -> ``a/b/``, ``b/``: a URI may carry the whole wrapper or its innermost folder."""
    folders = prefix.rstrip("/").split("/")
    return ["/".join(folders[i:]) + "/" for i in range(len(folders))]


def _resolve(text: str) -> str:
    """A URI as a root-relative path: ``.`` dropped, ``..`` applied, nothing above the root."""
    parts: list[str] = []
    for part in text.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


def _index_zip(path: Path, number: int, problems: list[Problem]) -> _Part:
    try:
        is_zip = _is_zip(path)
    except OSError as exc:
        raise InputError(f"{path} cannot be read: {exc}", path=path) from exc
    if not is_zip:
        raise UnsupportedFormatError(
            f"{path} is neither a ZIP archive nor a folder.",
            path=path,
            hint="Pass the ZIP files of your data export as Meta sent them, or the folders you "
            "unpacked them into.",
        )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, struct.error) as exc:
        raise CorruptFileError(
            f"{path} is not a complete ZIP archive ({exc}); the download was probably cut short "
            "or the file is damaged.",
            path=path,
            hint=_DOWNLOAD_AGAIN,
        ) from exc
    except OSError as exc:
        raise InputError(f"{path} cannot be read: {exc}", path=path) from exc
    archive_size = path.stat().st_size
    part = _Part(path=path, archive=archive, names=[])
    for info in archive.infolist():
        if info.is_dir():
            continue
        name = _zip_name(info)
        parts = None if "\x00" in info.orig_filename else _clean(name)
        if parts is None:
            problems.append(
                Problem(
                    path=name, reason=f"skipped: its name points outside the export (in {path})"
                )
            )
            continue
        if not parts or _is_junk(parts):
            continue
        refusal = _zip_refusal(info, archive_size)
        if refusal is not None:
            problems.append(Problem(path=name, reason=f"skipped: {refusal} (in {path})"))
            continue
        part.names.append(("/".join(parts), _Member(number, info.filename, info.file_size, info)))
    return part


def _index_folder(root: Path, number: int, problems: list[Problem]) -> _Part:
    part = _Part(path=root, archive=None, names=[])
    real_root = root.resolve()
    pending = [""]
    while pending:
        folder = pending.pop()
        try:
            entries = sorted(os.scandir(root / folder if folder else root), key=lambda e: e.name)
        except OSError as exc:
            problems.append(
                Problem(path=folder or ".", reason=f"skipped: cannot be listed ({exc})")
            )
            continue
        for entry in entries:
            name = f"{folder}/{entry.name}" if folder else entry.name
            if _is_junk(name.split("/")):
                continue
            try:
                if entry.is_symlink():
                    target = Path(entry.path).resolve()
                    if not target.is_relative_to(real_root):
                        problems.append(
                            Problem(
                                path=name,
                                reason=f"skipped: a symbolic link to outside the export (in {root})",
                            )
                        )
                        continue
                    if not target.is_file():
                        continue
                    size = target.stat().st_size
                elif entry.is_dir(follow_symlinks=False):
                    pending.append(name)
                    continue
                elif entry.is_file(follow_symlinks=False):
                    size = entry.stat(follow_symlinks=False).st_size
                else:
                    problems.append(
                        Problem(path=name, reason=f"skipped: not a regular file (in {root})")
                    )
                    continue
            except OSError as exc:
                problems.append(Problem(path=name, reason=f"skipped: cannot be read ({exc})"))
                continue
            part.names.append((name, _Member(number, name, size)))
    return part


def _open_in_folder(root: Path, name: str) -> BinaryIO:
    """Open a file of a folder part, refusing one that has become a link to outside the folder."""
    path = (root / name).resolve()
    if not path.is_relative_to(root.resolve()):
        raise OSError(f"{name} now links to outside {root}")
    return path.open("rb")


def _sniff(head: bytes) -> str | None:
    """The media type the first bytes of a file announce, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "avi"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[:2] == b"BM":
        return "bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    box = head[4:8]
    if box == b"ftyp":
        return _ftyp(head)
    if box in (b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "mov"
    return None


def _ftyp(head: bytes) -> str:
    """The type an ISO media file's ``ftyp`` box names (HEIF and AVIF photos, MP4 and MOV videos)."""
    box_size = int.from_bytes(head[:4], "big")
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)}
    major = head[8:12]
    if major in (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"):
        return "heic"
    if major in (b"avif", b"avis"):
        return "avif"
    if major in (b"mif1", b"msf1"):
        return "avif" if brands & {b"avif", b"avis"} else "heic"
    if major == b"qt  ":
        return "mov"
    if major.startswith(b"3g"):
        return "3gp"
    return "mp4"
