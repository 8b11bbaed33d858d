"""The meta tags in a page: merged into the page's own robots tag, added where missing, the
rest of the page byte for byte as it was."""

from __future__ import annotations

import pytest

from notrain.site import head_metas, mark_html

PAGE = b"""<!DOCTYPE html>
<html lang="de">
  <head>
    <meta charset="windows-1252">
    <meta name="robots" content="noindex, nofollow">
    <title>Caf\xe9 &amp; <head> in a title</title>
  </head>
  <body><header>Caf\xe9</header></body>
</html>
"""


def test_an_existing_robots_tag_keeps_its_tokens() -> None:
    edit = mark_html(PAGE)

    assert edit is not None
    assert b'<meta name="robots" content="noindex, nofollow, noai, noimageai">' in edit.data
    assert b'    <meta name="tdm-reservation" content="1">\n  </head>' in edit.data
    assert edit.changes == (
        "added noai, noimageai to the robots meta tag",
        "added the tdm-reservation meta tag",
    )
    assert (
        edit.data.replace(b'    <meta name="tdm-reservation" content="1">\n', b"").replace(
            b", noai, noimageai", b""
        )
        == PAGE
    ), "nothing else changed, the windows-1252 bytes included"


def test_a_second_run_changes_nothing() -> None:
    once = mark_html(PAGE, policy="https://example.com/terms?a=1&b=2")
    twice = mark_html(once.data, policy="https://example.com/terms?a=1&b=2")

    assert twice.changes == () and twice.data == once.data
    assert b'content="https://example.com/terms?a=1&amp;b=2"' in once.data


def test_tags_are_added_to_a_compact_head_and_in_xhtml_style() -> None:
    edit = mark_html(b"<html><head><title>x</title></head><body></body></html>")
    assert edit.data == (
        b'<html><head><title>x</title><meta name="robots" content="noai, noimageai">'
        b'<meta name="tdm-reservation" content="1"></head><body></body></html>'
    )
    xhtml = mark_html(b'<?xml version="1.0"?>\r\n<html><head>\r\n</head></html>')
    assert b'<meta name="robots" content="noai, noimageai" />\r\n' in xhtml.data


def test_a_head_without_closing_tag_gets_the_tags_after_its_start() -> None:
    edit = mark_html(b"<html>\n<head>\n  <title>x</title>\n<body>text")
    assert edit.data.startswith(b'<html>\n<head>\n  <meta name="robots" content="noai, noimageai">')


@pytest.mark.parametrize(
    "page",
    [
        b"<html><body>no head here</body></html>",
        b"<!-- <head> --><p>only a comment names it</p>",
        b"<script>document.write('<head>')</script><p>x</p>",
        b"plain text",
    ],
)
def test_a_page_without_head_is_left_alone(page: bytes) -> None:
    assert mark_html(page) is None
    assert head_metas(page.decode()) is None


def test_a_wrong_tdm_value_and_an_unquoted_robots_tag_are_fixed() -> None:
    page = b"<head>\n<meta name=ROBOTS content=noindex>\n<meta name='tdm-reservation' content='0'>\n</head>"
    edit = mark_html(page)

    assert b'<meta name=ROBOTS content="noindex, noai, noimageai">' in edit.data
    assert b"<meta name='tdm-reservation' content='1'>" in edit.data
    assert "set the tdm-reservation meta tag to 1" in edit.changes


def test_head_metas_reads_attributes() -> None:
    metas = head_metas('<head><meta name="Robots" content="noai,&#32;noimageai"></head>')
    assert metas[0].attrs == {"name": "Robots", "content": "noai, noimageai"}
