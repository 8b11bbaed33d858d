"""The Atom feed, read back by an independent feed reader (feedparser) and as Atom XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest

from notrain.errors import OptionError
from notrain.watch.feed import AI_CATEGORY, ATOM, atom_feed, entry_id, feed_uuid, write_feed
from notrain.watch.model import Change, Document
from notrain.watch.relevance import classify

A = f"{{{ATOM}}}"
FB = Document(
    key="facebook/privacy-policy/eu-en",
    service="facebook",
    doc_type="privacy-policy",
    jurisdiction="EU",
    url="https://www.facebook.com/privacy/policy/",
)
LI = Document(key="linkedin/terms/global-en", service="LinkedIn", doc_type="terms")
DOCUMENTS = {FB.key: FB, LI.key: LI}
UPDATED = datetime(2025, 6, 1, 12, tzinfo=UTC)
FEED_ID = feed_uuid("/home/ann/notrain/changes.atom")
AI_SENTENCE = "We use public posts to develop and improve generative AI models for AI at Meta."


def _change(day: int, sentence: str, *, document: Document = FB, kind: str = "added") -> Change:
    captured = datetime(2025, 5, day, 8, tzinfo=UTC)
    sentences = {"removed": (sentence,)} if kind == "removed" else {"added": (sentence,)}
    return classify(Change(document=document.key, captured=captured, kind=kind, **sentences))


CHANGES = [
    _change(3, "We updated how you contact us."),
    _change(28, AI_SENTENCE),
    _change(10, "Your feed shows posts from friends.", document=LI),
]


def _feed(changes=CHANGES, **options) -> bytes:
    return atom_feed(
        changes, DOCUMENTS, feed_id=FEED_ID, title="notrain: policy changes", updated=UPDATED,
        **options,
    )  # fmt: skip


def _read(data: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_a_feed_reader_sees_the_changes_newest_first() -> None:
    parsed = _read(_feed(link="https://example.org/changes.atom"))
    assert parsed.feed.id == FEED_ID and parsed.feed.title == "notrain: policy changes"
    assert parsed.feed.updated_parsed[:4] == (2025, 6, 1, 12)
    assert parsed.feed.generator == "notrain"
    assert parsed.feed.links[0].rel == "self"
    titles = [entry.title for entry in parsed.entries]
    assert titles == [
        "AI: Facebook privacy policy (EU) changed on 28 May 2025: added",
        "LinkedIn terms changed on 10 May 2025: added",
        "Facebook privacy policy (EU) changed on 3 May 2025: added",
    ]
    newest = parsed.entries[0]
    assert newest.published_parsed[:5] == (2025, 5, 28, 8, 0)
    assert newest.updated_parsed[:5] == (2025, 5, 28, 8, 0)
    assert newest.link == FB.url
    assert newest.author == "Facebook"
    assert [tag.term for tag in newest.tags] == [AI_CATEGORY]
    assert "You can object: notrain object" in newest.summary
    assert "<strong>generative AI</strong>" in newest.content[0].value
    assert newest.content[0].type == "text/html"


def test_entries_not_about_ai_have_no_category_and_no_link_when_the_url_is_unknown() -> None:
    linkedin = _read(_feed()).entries[1]
    assert "tags" not in linkedin
    assert not [link for link in linkedin.get("links", []) if link.rel == "alternate"]
    assert "LinkedIn" in linkedin.author


def test_ids_are_stable_across_builds_and_unique() -> None:
    first = [entry.id for entry in _read(_feed()).entries]
    rebuilt = [classify(Change(**{**vars(c), "summary": "", "ai_terms": ()})) for c in CHANGES]
    again = [entry.id for entry in _read(_feed(list(reversed(rebuilt)))).entries]
    assert first == again
    assert len(set(first)) == 3 and all(i.startswith("urn:uuid:") for i in first)
    removed = _change(28, AI_SENTENCE, kind="removed")
    assert entry_id(removed) != entry_id(CHANGES[1])
    assert feed_uuid("a") == feed_uuid("a") != feed_uuid("b")


def test_the_feed_is_atom_xml_with_every_required_element() -> None:
    root = ET.fromstring(_feed())
    assert root.tag == f"{A}feed"
    for name in ("id", "title", "updated", "author", "generator"):
        assert root.find(f"{A}{name}") is not None, name
    entries = root.findall(f"{A}entry")
    assert len(entries) == 3
    for entry in entries:
        for name in ("id", "title", "updated", "published", "author", "summary", "content"):
            assert entry.find(f"{A}{name}") is not None, name
        assert entry.find(f"{A}content").get("type") == "html"
    assert entries[0].find(f"{A}category").get("term") == AI_CATEGORY


def test_markup_in_policy_text_is_escaped_not_injected() -> None:
    evil = _change(28, "We train AI models <script>alert('x')</script><img src=x onerror=y>.")
    data = _feed([evil])
    assert b"<script" not in data and b"<img" not in data
    root = ET.fromstring(data)
    html = root.find(f"{A}entry/{A}content").text
    assert "<script>" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<img" not in html
    entry = _read(data).entries[0]
    assert "<script" not in entry.content[0].value and "&lt;script&gt;" in entry.content[0].value
    assert entry.summary_detail.type == "text/plain" and "<script>" in entry.summary


def test_characters_xml_cannot_hold_are_dropped() -> None:
    data = _feed([_change(28, "Bad\x00 control\x1b characters in artificial intelligence.")])
    entry = _read(data).entries[0]
    assert "Bad control characters" in entry.summary


def test_an_empty_feed_is_valid() -> None:
    parsed = _read(_feed([]))
    assert parsed.entries == [] and parsed.feed.id == FEED_ID
    assert ET.fromstring(_feed([])).find(f"{A}author/{A}name").text == "notrain"


def test_the_limit_keeps_the_newest() -> None:
    many = [_change(1, f"Sentence number {n}.") for n in range(5)]
    many = [Change(**{**vars(c), "captured": c.captured + timedelta(hours=n)}) for n, c in enumerate(many)]  # fmt: skip
    parsed = _read(_feed(many, limit=2))
    assert [e.id for e in parsed.entries] == [entry_id(many[4]), entry_id(many[3])]
    assert _read(_feed(many, limit=0)).entries == []
    with pytest.raises(OptionError):
        _feed(many, limit=-1)


def test_a_time_without_zone_is_taken_as_utc() -> None:
    naive = Change(document=FB.key, captured=datetime(2025, 5, 28, 8), kind="added", added=("A.",))
    aware = Change(**{**vars(naive), "captured": datetime(2025, 5, 28, 10, tzinfo=UTC) - timedelta(hours=2)})  # fmt: skip
    assert entry_id(naive) == entry_id(aware)
    assert b"<published>2025-05-28T08:00:00Z</published>" in _feed([naive])


def test_write_feed_replaces_the_file_atomically(tmp_path: Path) -> None:
    path = tmp_path / "feeds" / "changes.atom"
    write_feed(path, CHANGES, DOCUMENTS, feed_id=FEED_ID, title="t", updated=UPDATED)
    write_feed(path, CHANGES[:1], DOCUMENTS, feed_id=FEED_ID, title="t", updated=UPDATED)
    assert len(_read(path.read_bytes()).entries) == 1
    assert [p.name for p in path.parent.iterdir()] == ["changes.atom"]
