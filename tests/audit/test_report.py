"""The exposure report: the page says what the inventory says, escaped, offline, and the CSV and
JSON exports carry every item. The page is read back with the standard library's HTML parser,
not with the template's own logic."""

from __future__ import annotations

import base64
import csv
import io
import json
import time
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest
from PIL import Image

from notrain.audit.model import (
    AccountFacts,
    Exposure,
    Inventory,
    Location,
    MediaItem,
    MediaKind,
    Problem,
)
from notrain.audit.report import (
    CAPTION_CHARS,
    CSV_COLUMNS,
    MAP_DOTS,
    TABLE_ROWS,
    places,
    render_html,
    summary,
    write_report,
)
from notrain.errors import OutputExistsError

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}",
    "Zoë 李 🎨",
    '=HYPERLINK("https://evil.example/x","click me")',
    "+1 555 0100",
    "@SUM(A1:A9)",
    "first line\nsecond line & <b>bold</b>",
]
CHECK_IN = "Café <svg onload=alert(1)>"
CDN = "https://scontent.xx.fbcdn.net/v/t1/photo.jpg"


def at(year, month=1, day=1):
    return datetime(year, month, day, 12, tzinfo=UTC)


def make_inventory() -> Inventory:
    """30 items: both platforms, several years, hostile text, GPS and check-ins, bogus positions."""
    items = []
    for n in range(30):
        platform = "instagram" if n % 3 == 0 else "facebook"
        fields = {
            "platform": platform,
            "kind": MediaKind.POST,
            "uri": f"media/{platform}/{n:02d}.jpg",
            "posted_at": at(2011 + n % 7, 1 + n % 12, 1 + n),
            "caption": HOSTILE[n] if n < len(HOSTILE) else f"caption {n}",
            "present": True,
            "exposure": Exposure.UNKNOWN,
            "exposure_reason": "Your default audience was Friends",
        }
        if 10 <= n < 16:  # six photos within a few hundred metres in Berlin
            fields["location"] = Location(
                latitude=52.5201 + n * 0.0003, longitude=13.4049, source="exif"
            )
        if n in (16, 17):  # two check-ins at the same café
            fields["location"] = Location(
                latitude=48.8566, longitude=2.3522, source="check-in", name=CHECK_IN
            )
        if n == 18:  # one photo in Sydney
            fields["location"] = Location(latitude=-33.8688, longitude=151.2093, source="exif")
        if n == 19:  # Meta's placeholder, and a position off the globe: neither is a place
            fields["location"] = Location(latitude=0.0, longitude=0.0, source="exif")
        if n == 20:
            fields["location"] = Location(latitude=95.0, longitude=10.0, source="exif")
        if n % 4 == 0:
            fields["camera"] = "Apple iPhone 12"
        elif n % 4 == 1:
            fields["camera"] = "<b>Pixel</b> 7"
        if n % 5 == 0:
            fields["upload_ip"] = "203.0.113.7"
        elif n % 5 == 1:
            fields["upload_ip"] = "2001:db8::1"
        if n in (21, 22, 23):
            fields["is_video"] = True
        if n in (24, 25):
            fields["present"] = False
        if n == 26:
            fields.update(uri=CDN, present=False)
        if n in (0, 3, 6):
            fields.update(exposure=Exposure.PUBLIC, exposure_reason="The account was public then")
        if n in (1, 2):
            fields.update(kind=MediaKind.PROFILE, exposure=Exposure.PUBLIC)
            fields["exposure_reason"] = "Profile photos are always public"
        if n == 4:
            fields.update(exposure=Exposure.LIKELY, album="</td><script>x</script>")
        if n in (9, 12):
            fields.update(exposure=Exposure.NOT_PUBLIC, exposure_reason="Posted while private")
        if n == 27:
            fields.update(posted_at=None)
        if n == 28:  # a naive moment (UTC by the model's convention) among aware ones
            fields.update(posted_at=datetime(2024, 5, 6, 7, 8))
        if n == 29:
            fields.update(kind=MediaKind.COVER, also_in=("album (album/0.json)", "post"))
            fields.update(exposure=Exposure.PUBLIC, exposure_reason="Cover photos are public")
        items.append(MediaItem(**fields))
    accounts = (
        AccountFacts(
            platform="instagram",
            layout="instagram-2025",
            username="zoë<script>",
            private_now=True,
            privacy_changes=((at(2015, 6), False), (at(2019, 3), True)),
            devices=("iPhone <13>",),
            ips=("198.51.100.4",),
        ),
        AccountFacts(platform="facebook", layout="facebook-2024", default_audience="Friends"),
    )
    problems = (
        Problem(path="posts/broken.json", reason="<b>Not JSON</b>: line 3"),
        Problem(path="media/../../etc/passwd", reason="a path outside the export"),
    )
    return Inventory(
        items=tuple(items), accounts=accounts, problems=problems, sources=("facebook-1.zip",)
    )


VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"})


class Page(HTMLParser):
    """Every element with its attributes, its whole text and the section it sits in."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self._stack: list[dict] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        section = next((e["id"] for e in reversed(self._stack) if e["tag"] == "section"), None)
        element = {
            "tag": tag,
            "attrs": dict(attrs),
            "id": dict(attrs).get("id"),
            "section": section,
            "inside": [e["id"] for e in self._stack if e["id"]],
            "text": [],
            "cells": [],
        }
        if tag in ("td", "th"):
            row = next((e for e in reversed(self._stack) if e["tag"] == "tr"), None)
            if row is not None:
                row["cells"].append(element)
        self.elements.append(element)
        if tag not in VOID:
            self._stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self._stack.pop()

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self._stack:
            element["text"].append(data)

    def find(self, tag=None, cls=None, **attrs):
        found = []
        for e in self.elements:
            if tag is not None and e["tag"] != tag:
                continue
            if cls is not None and cls not in e["attrs"].get("class", "").split():
                continue
            if any(e["attrs"].get(k.replace("_", "-")) != v for k, v in attrs.items()):
                continue
            found.append(e)
        return found


def table(page: Page, table_id: str) -> list[list[str]]:
    """The cell texts of each row of the table with this id."""
    return [[text(c) for c in row["cells"]] for row in page.find("tr") if table_id in row["inside"]]


def text(element: dict) -> str:
    return "".join(element["text"])


def number(element: dict) -> int:
    return int(text(element).replace(",", ""))


def jpeg(size=8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (30, 30, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    return make_inventory()


@pytest.fixture(scope="module")
def page(inventory) -> Page:
    return Page(render_html(inventory, generated_at=at(2026, 2, 3)))


def test_summary_counts_what_the_inventory_holds(inventory):
    s = summary(inventory)
    assert s["totals"]["items"] == 30
    assert (s["totals"]["photos"], s["totals"]["videos"]) == (27, 3)
    assert s["totals"]["by_platform"] == {
        "facebook": {"photos": 18, "videos": 2},
        "instagram": {"photos": 9, "videos": 1},
    }
    assert s["totals"]["by_kind"]["profile photo"] == {"photos": 2, "videos": 0}
    assert s["totals"]["by_kind"]["cover photo"] == {"photos": 1, "videos": 0}
    years = s["totals"]["by_year"]
    assert list(years)[-1] == "unknown" and years["unknown"]["photos"] == 1
    assert list(years)[:-1] == sorted(years)[:-1]
    assert sum(y["photos"] + y["videos"] for y in years.values()) == 30
    assert years["2024"]["by_platform"] == {"facebook": 1}  # the naive moment counts as 2024
    assert s["exposure"] == {"public": 6, "likely public": 1, "unknown": 21, "not public": 2}
    assert s["always_public"] == 3
    # The 0,0 placeholder and the position off the globe are not locations.
    assert s["locations"]["items"] == 9
    assert s["locations"]["by_source"] == {"check-in": 2, "exif": 7}
    assert s["missing_media"] == 3 and s["problems"] == 2
    assert s["devices"]["cameras"] == [  # the most used first, ties by name
        {"name": "<b>Pixel</b> 7", "items": 8},
        {"name": "Apple iPhone 12", "items": 8},
    ]
    assert s["ips"]["upload"][0]["ip"] in ("203.0.113.7", "2001:db8::1")
    assert s["ips"]["upload_total"] == 2 and s["ips"]["account"] == ["198.51.100.4"]
    assert s["devices"]["account_devices"] == ["iPhone <13>"]
    assert s["date_range"]["first"] == "2011-01-01T12:00:00+00:00"
    assert s["date_range"]["last"] == "2024-05-06T07:08:00+00:00"
    json.dumps(s)  # JSON-ready as it is


def test_places_group_check_ins_by_name_and_gps_by_the_kilometre(inventory):
    found = places(inventory)
    assert [p.count for p in found] == [6, 2, 1]
    assert found[0].label == "52.52, 13.40" and found[0].sources == ("exif",)
    (cafe,) = [p for p in found if p.label == CHECK_IN]
    assert cafe.count == 2 and cafe.sources == ("check-in",)
    (sydney,) = [p for p in found if p.latitude < 0]
    assert sydney.label == "-33.87, 151.21" and sydney.uris == ("media/instagram/18.jpg",)
    assert all(not (p.latitude == 0 and p.longitude == 0) for p in found)
    assert all(abs(p.latitude) <= 90 for p in found)
    assert found == sorted(found, key=lambda p: -p.count)


def test_places_in_one_cell_share_a_centre_and_dates():
    items = tuple(
        MediaItem(
            platform="instagram", kind=MediaKind.POST, uri=f"m/{n}.jpg",
            taken_at=at(2020 + n), posted_at=at(2024),
            location=Location(latitude=40.7121 + n * 0.001, longitude=-74.0061, source="exif"),
        )
        for n in range(3)
    )  # fmt: skip
    (place,) = places(Inventory(items=items, accounts=()))
    assert place.label == "40.71, -74.01" and place.count == 3
    assert place.latitude == pytest.approx(40.7131) and place.longitude == pytest.approx(-74.0061)
    assert (place.first, place.last) == (at(2020), at(2022))  # taken, not posted


def test_no_caption_becomes_markup(page):
    assert page.find("script") == []
    for element in page.elements:
        handlers = [name for name in element["attrs"] if name.startswith("on")]
        assert handlers == [], element
    # The hostile img tag in a caption is text, so the only images are thumbnails (none here).
    assert page.find("img") == []


def test_every_caption_appears_as_text_exactly(page, inventory):
    captions = [text(e) for e in page.find("td", cls="caption")]
    assert len(captions) == len(inventory.items)
    for item in inventory.items:
        assert item.caption in captions, item.caption
    assert "49" not in captions  # "{{ 7*7 }}" was not evaluated


def test_other_hostile_text_is_text_too(page):
    words = "".join(text(e) for e in page.find("body"))
    for value in ('</td><script>x</script>', "<b>Pixel</b> 7", "zoë<script>", "iPhone <13>",
                  "<b>Not JSON</b>: line 3", CHECK_IN):  # fmt: skip
        assert value in words, value


def test_the_page_shows_the_summary_numbers(page, inventory):
    s = summary(inventory)
    shown = {e["attrs"]["data-key"]: number(e) for e in page.find(None) if "data-key" in e["attrs"]}
    assert shown == {
        "photos": s["totals"]["photos"],
        "videos": s["totals"]["videos"],
        "public": s["exposure"]["public"],
        "likely public": s["exposure"]["likely public"],
        "unknown": s["exposure"]["unknown"],
        "not public": s["exposure"]["not public"],
        "located": s["locations"]["items"],
        "missing_media": s["missing_media"],
        "always_public": s["always_public"],
    }
    header, *years, footer = table(page, "by-year")
    assert header[0] == "Year" and header[1:3] == ["Facebook", "Instagram"]
    expected = s["totals"]["by_year"]
    assert len(years) == len(expected)
    for cells, (year, counts) in zip(years, expected.items(), strict=True):
        assert cells[0] == ("No date" if year == "unknown" else year)
        assert [int(c) for c in cells[1:3]] == [counts["by_platform"].get(p, 0) for p in
                                                ("facebook", "instagram")]  # fmt: skip
        assert [int(c) for c in cells[3:]] == [
            counts["photos"], counts["videos"], counts["photos"] + counts["videos"],
        ]  # fmt: skip
    assert footer == ["All", "20", "10", "27", "3", "30"]
    rows = page.find("tr", cls="item")
    assert len(rows) == 30
    badges = [text(e) for e in page.find("span", cls="badge") if e["section"] == "exposed"]
    assert badges[:7] == ["public"] * 6 + ["likely public"]  # the most exposed first
    assert badges.count("not public") == 2 and badges[-2:] == ["not public"] * 2


def test_nothing_is_loaded_from_elsewhere(page):
    (policy,) = page.find("meta", http_equiv="Content-Security-Policy")
    assert "default-src 'none'" in policy["attrs"]["content"]
    links = []
    for element in page.elements:
        for name, value in element["attrs"].items():
            value = (value or "").strip().lower()
            if name in ("src", "href", "xlink:href", "action", "poster", "srcset", "data"):
                if element["tag"] == "a" and name == "href" and element["section"] == "next-steps":
                    links.append(value)
                    continue
                assert not value.startswith(("http:", "https:", "//")), (element, name)
            if name == "src":
                assert value.startswith("data:image/"), element
    assert links and all(link.startswith("https://") for link in links)
    assert CDN not in [e["attrs"].get("href") for e in page.elements]
    (style,) = page.find("style")
    assert "url(" not in text(style) and "@import" not in text(style)
    assert page.find("link") == []


def test_the_map_has_one_dot_per_place(page, inventory):
    dots = page.find("circle", cls="place")
    assert len(dots) == len(places(inventory)) >= 3
    titles = [text(d) for d in dots]
    assert f"{CHECK_IN}: 2" in titles
    svg = page.find("svg", cls="map")
    assert len(svg) == 1
    labels = [text(e) for e in page.find("text") if e["section"] == "locations"]
    assert any(label.endswith("° N") for label in labels)  # the graticule is labelled
    assert any(label.endswith("° S") for label in labels)  # Sydney is in the box
    assert CHECK_IN in labels
    xs = [float(d["attrs"]["cx"]) for d in dots]
    ys = [float(d["attrs"]["cy"]) for d in dots]
    (frame,) = page.find("rect", cls="frame")
    left, top = float(frame["attrs"]["x"]), float(frame["attrs"]["y"])
    right = left + float(frame["attrs"]["width"])
    bottom = top + float(frame["attrs"]["height"])
    assert all(left <= x <= right for x in xs) and all(top <= y <= bottom for y in ys)


def test_a_map_of_one_place_and_no_map_without_places():
    one = MediaItem(
        platform="facebook", kind=MediaKind.POST, uri="a.jpg",
        location=Location(latitude=51.5072, longitude=-0.1276, source="exif"),
    )  # fmt: skip
    page = Page(render_html(Inventory(items=(one,), accounts=())))
    assert len(page.find("circle", cls="place")) == 1
    nowhere = MediaItem(
        platform="facebook", kind=MediaKind.POST, uri="b.jpg",
        location=Location(latitude=0.0, longitude=0.0, source="exif"),
    )  # fmt: skip
    page = Page(render_html(Inventory(items=(nowhere,), accounts=())))
    assert page.find("svg", cls="map") == [] and page.find("circle") == []


def test_only_real_small_images_are_embedded(inventory):
    good_jpeg, good_png = jpeg(), png()
    by_uri = {
        "media/instagram/00.jpg": good_jpeg,
        "media/facebook/01.jpg": good_png,
        "media/facebook/02.jpg": b"GIF89a not allowed",
        "media/instagram/03.jpg": b"<svg onload=alert(1)>",
        "media/facebook/04.jpg": b"\xff\xd8\xff" + b"\0" * (200 * 1024),  # too big
    }

    def thumbnail(item):
        if item.uri == "media/facebook/05.jpg":
            raise OSError("truncated file")
        return by_uri.get(item.uri)

    page = Page(render_html(inventory, thumbnail=thumbnail))
    sources = [e["attrs"]["src"] for e in page.find("img")]
    assert len(sources) == 2
    decoded = {base64.b64decode(s.split(",", 1)[1]) for s in sources}
    assert decoded == {good_jpeg, good_png}
    assert sorted(s.split(";")[0] for s in sources) == ["data:image/jpeg", "data:image/png"]


def test_an_empty_inventory_still_makes_a_page():
    page = Page(render_html(Inventory(items=(), accounts=())))
    shown = {e["attrs"]["data-key"]: number(e) for e in page.elements if "data-key" in e["attrs"]}
    assert shown["photos"] == 0 and shown["public"] == 0
    assert page.find("svg", cls="map") == []


def test_long_lists_are_cut_and_say_so():
    many = tuple(
        MediaItem(
            platform="facebook", kind=MediaKind.POST, uri=f"m/{n}.jpg", posted_at=at(2012 + n % 12),
            caption="x" * 2000 if n == 11 else f"c{n}",
            location=Location(latitude=-60 + (n % 1200) * 0.1, longitude=-170 + n * 0.006,
                              source="exif"),
            camera=f"cam {n % 300}", upload_ip=f"10.0.{n % 250}.{n % 200}",
            exposure=Exposure.PUBLIC if n % 2 else Exposure.UNKNOWN, present=n % 7 > 0,
        )
        for n in range(50_000)
    )  # fmt: skip
    inventory = Inventory(items=many, accounts=())
    started = time.perf_counter()
    html = render_html(inventory)
    elapsed = time.perf_counter() - started
    assert elapsed < 30, f"rendering 50,000 items took {elapsed:.1f} s"
    assert len(html) < 3_000_000
    page = Page(html)
    assert len(page.find("tr", cls="item")) == TABLE_ROWS
    (note,) = page.find("p", id="items-omitted")
    assert "49,500" in text(note) and "inventory.csv" in text(note)
    assert len(page.find("circle", cls="place")) == MAP_DOTS < len(places(inventory))
    captions = [text(e) for e in page.find("td", cls="caption")]
    assert max(len(c) for c in captions) == CAPTION_CHARS
    assert "x" * (CAPTION_CHARS - 1) + "…" in captions


def test_write_report_writes_three_files_that_read_back(tmp_path, inventory):
    files = write_report(inventory, tmp_path / "out")
    assert {files.html.name, files.csv.name, files.json.name} == {
        "report.html", "inventory.csv", "inventory.json",
    }  # fmt: skip
    raw = files.csv.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == len(inventory.items)
    assert tuple(rows[0]) == CSV_COLUMNS
    by_uri = {row["uri"]: row for row in rows}
    assert by_uri["media/instagram/00.jpg"]["caption"] == "<script>alert(1)</script>"
    assert by_uri["media/facebook/04.jpg"]["caption"] == "'" + HOSTILE[4]
    assert by_uri["media/facebook/05.jpg"]["caption"] == "'+1 555 0100"
    assert by_uri["media/instagram/06.jpg"]["caption"] == "'@SUM(A1:A9)"
    assert by_uri["media/facebook/07.jpg"]["caption"] == "first line\nsecond line & <b>bold</b>"
    assert by_uri["media/facebook/08.jpg"]["caption"] == "caption 8"
    assert by_uri["media/instagram/03.jpg"]["caption"] == "Zoë 李 🎨"
    for row in rows:
        assert not row["caption"].startswith(("=", "+", "-", "@"))
    sydney = by_uri["media/instagram/18.jpg"]
    assert (float(sydney["latitude"]), float(sydney["longitude"])) == (-33.8688, 151.2093)
    assert sydney["location_source"] == "exif" and sydney["location_name"] == ""
    assert by_uri["media/facebook/19.jpg"]["latitude"] == ""  # 0,0 is no position
    assert by_uri["media/facebook/16.jpg"]["location_name"] == CHECK_IN
    assert by_uri["media/facebook/29.jpg"]["also_in"] == "album (album/0.json); post"
    assert by_uri[CDN]["present"] == "no"

    document = json.loads(files.json.read_text("utf-8"))
    assert set(document) == {"summary", "items", "accounts", "problems"}
    assert document["summary"] == summary(inventory)
    assert len(document["items"]) == len(inventory.items)
    first = document["items"][0]
    assert datetime.fromisoformat(first["posted_at"]) == inventory.items[0].posted_at
    assert document["items"][18]["location"]["name"] == ""
    assert document["accounts"][0]["privacy_changes"][0] == {
        "at": "2015-06-01T12:00:00+00:00", "private": False,
    }  # fmt: skip
    assert document["problems"][0]["path"] == "posts/broken.json"

    page = Page(files.html.read_text("utf-8"))
    assert len(page.find("tr", cls="item")) == len(inventory.items)


def test_write_report_never_replaces_a_file_unless_asked(tmp_path, inventory):
    out = tmp_path / "out"
    out.mkdir()
    (out / "inventory.csv").write_text("mine")
    with pytest.raises(OutputExistsError):
        write_report(inventory, out)
    assert not (out / "report.html").exists()  # nothing half-written beside it
    assert (out / "inventory.csv").read_text() == "mine"
    files = write_report(inventory, out, overwrite=True)
    assert files.csv.read_text("utf-8-sig").startswith("platform,kind,uri")
    with pytest.raises(OutputExistsError):
        write_report(inventory, out)
    assert sorted(p.name for p in out.iterdir()) == [
        "inventory.csv", "inventory.json", "report.html",
    ]  # fmt: skip


def test_generated_at_and_dates_read_like_a_person_writes_them(inventory):
    html = render_html(inventory, generated_at=at(2026, 2, 3))
    assert "3 February 2026" in html
    assert "1 January 2011" in html  # the first posting


def test_next_steps_name_the_commands(page):
    steps = "".join(text(e) for e in page.find("section", id="next-steps"))
    for command in ("notrain object", "notrain audit EXPORT --originals DIR --protect",
                    "notrain protect", "docs/rights.md"):  # fmt: skip
        assert command in steps
    assert "Limit" in steps and "private" in steps


def test_pages_are_the_same_for_the_same_inventory(inventory):
    one = render_html(inventory, generated_at=at(2026))
    two = render_html(inventory, generated_at=at(2026))
    assert one == two


def test_the_tables_list_places_devices_missing_files_and_problems(page, inventory):
    _, *rows = table(page, "places")
    assert [(r[0], int(r[1])) for r in rows] == [(p.label, p.count) for p in places(inventory)]
    assert rows[1][4] == "check-in" and rows[0][4] == "photo GPS"
    _, *rows = table(page, "cameras")
    assert rows == [["<b>Pixel</b> 7", "8"], ["Apple iPhone 12", "8"]]
    _, *rows = table(page, "ips")
    assert sorted(r[0] for r in rows) == ["2001:db8::1", "203.0.113.7"]
    _, *rows = table(page, "missing-items")
    assert sorted(r[2] for r in rows) == sorted(
        ["media/instagram/24.jpg", "media/facebook/25.jpg", CDN]
    )
    _, *rows = table(page, "problem-files")
    assert rows == [[p.path, p.reason] for p in inventory.problems]
    changes = page.find("table", cls="privacy-changes")
    assert len(changes) == 1
    assert "1 June 2015" in text(changes[0]) and "1 March 2019" in text(changes[0])
