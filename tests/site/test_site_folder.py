"""write_site: all the files of a site's folder at once, nothing written when one cannot be
merged, dry runs that write nothing, and HTML pages backed up before they change."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from urllib.robotparser import RobotFileParser

import pytest

from notrain.errors import InputError
from notrain.site import RobotsSyntaxError, SiteOptions, select_crawlers, write_site

PAGE = "<html>\n<head>\n  <title>Gallery</title>\n</head>\n<body></body>\n</html>\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = tmp_path / "public"
    (root / "gallery").mkdir(parents=True)
    (root / "index.html").write_text(PAGE, "utf-8")
    (root / "gallery" / "one.htm").write_text(PAGE.replace("Gallery", "One"), "utf-8")
    (root / "fragment.html").write_text("<p>included by the server</p>", "utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "x.html").write_text(PAGE, "utf-8")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /drafts/\n", "utf-8")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root.parent)): p.read_bytes()
        for p in sorted(root.parent.rglob("*"))
        if p.is_file()
    }


def test_the_default_files_are_written(site: Path) -> None:
    report = write_site(site)

    statuses = {f.kind: f.status for f in report.files}
    assert statuses == {"robots.txt": "updated", "ai.txt": "created", "tdmrep.json": "created"}
    parser = RobotFileParser()
    parser.parse((site / "robots.txt").read_text().splitlines())
    for crawler in select_crawlers():
        assert not parser.can_fetch(crawler.user_agent, "/gallery/one.htm")
    assert parser.can_fetch("Googlebot", "/gallery/") and not parser.can_fetch(
        "Googlebot", "/drafts/"
    )
    assert json.loads((site / ".well-known" / "tdmrep.json").read_text())[0]["tdm-reservation"] == 1
    assert (site / "ai.txt").read_text().count("Disallow: /\n") == 1
    assert report.headers_dir is None and not report.still_allowed
    assert (site / "index.html").read_text() == PAGE, "pages only with html=True"


def test_a_second_run_changes_nothing(site: Path) -> None:
    options = SiteOptions(html=True, headers=True, headers_file=True, policy="https://ex.com/t")
    write_site(site, options)
    before = snapshot(site)

    report = write_site(site, options)

    assert {f.status for f in report.files if f.path.name != "fragment.html"} == {"unchanged"}
    assert snapshot(site) == before


def test_a_robots_syntax_error_writes_nothing(site: Path) -> None:
    (site / "robots.txt").write_text("User-agent: *\nDisallow: /\nthis is not a rule\n", "utf-8")
    before = snapshot(site)

    with pytest.raises(RobotsSyntaxError) as caught:
        write_site(site, SiteOptions(html=True, headers=True))

    assert caught.value.line == 3
    assert snapshot(site) == before


def test_a_dry_run_writes_nothing(site: Path) -> None:
    before = snapshot(site)

    report = write_site(site, SiteOptions(html=True, headers=True, headers_file=True, dry_run=True))

    assert snapshot(site) == before
    assert report.dry_run and {f.status for f in report.files if f.kind != "html"} == {
        "created",
        "updated",
    }
    pages = {f.path.name: f.status for f in report.files if f.kind == "html"}
    assert pages == {"index.html": "updated", "fragment.html": "skipped", "one.htm": "updated"}


def test_pages_are_backed_up_once_and_keep_their_permissions(site: Path) -> None:
    page = site / "index.html"
    os.chmod(page, 0o640)

    report = write_site(site, SiteOptions(html=True))

    backup = site / "index.html.notrain-bak"
    assert backup.read_text() == PAGE
    assert stat.S_IMODE(page.stat().st_mode) == 0o640
    assert 'content="noai, noimageai"' in page.read_text()
    updated = [f for f in report.files if f.kind == "html" and f.status == "updated"]
    assert {f.path.name for f in updated} == {"index.html", "one.htm"}
    assert all(f.backup and f.backup.exists() for f in updated)
    (skipped,) = [f for f in report.files if f.status == "skipped"]
    assert skipped.path.name == "fragment.html" and "no <head>" in skipped.detail
    assert not (site / ".git" / "x.html.notrain-bak").exists()

    page.write_text(PAGE.replace("Gallery", "Changed"), "utf-8")
    write_site(site, SiteOptions(html=True))
    assert backup.read_text() == PAGE, "an older backup is never overwritten"


def test_header_snippets_go_beside_the_site_and_headers_file_into_it(site: Path) -> None:
    report = write_site(
        site, SiteOptions(headers=True, headers_file=True, policy="https://ex.com/t")
    )

    folder = site.parent / "notrain-headers"
    assert report.headers_dir == folder
    assert sorted(p.name for p in folder.iterdir()) == [
        "Caddyfile",
        "_headers",
        "apache.conf",
        "nginx.conf",
    ]
    assert "tdm-policy: https://ex.com/t" in (site / "_headers").read_text()
    assert not (site / "notrain-headers").exists()


def test_options_leave_files_alone(site: Path) -> None:
    report = write_site(site, SiteOptions(robots=False, ai_txt=False, purposes=("training",)))

    assert [f.kind for f in report.files] == ["tdmrep.json"]
    assert not (site / "ai.txt").exists() and report.crawlers == ()


def test_the_path_must_be_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a folder"):
        write_site(tmp_path / "missing")
    (tmp_path / "file.html").write_text("x")
    with pytest.raises(InputError, match="is not a folder"):
        write_site(tmp_path / "file.html")


def test_an_own_allow_is_reported_as_still_allowed(site: Path) -> None:
    (site / "robots.txt").write_text("User-agent: CCBot\nAllow: /\n", "utf-8")

    report = write_site(site)

    assert report.still_allowed == ("CCBot",)
    assert report.as_dict()["still_allowed"] == ["CCBot"]
    assert write_site(site, SiteOptions(force=True)).still_allowed == ()
