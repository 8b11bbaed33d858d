"""Extracting a policy page's text: selectors, what to remove, and the main-content extractor
that takes over, and says so, when the selectors stop matching. Pages are generated here."""

from __future__ import annotations

import hashlib
import time

import pytest

from notrain.errors import InputError, OptionError
from notrain.watch.extract import ExtractError, extract
from notrain.watch.text import normalise

BASE = "https://www.facebook.com/privacy/policy/"

SECTIONS = [
    (
        "What is the Privacy Policy and what does it cover?",
        [
            (
                "We at Meta want you to understand what information we collect, and how we "
                "use and share it. That's why we encourage you to read our Privacy Policy."
            ),
            (
                "In the Privacy Policy, we explain how we collect, use, share, retain and "
                "transfer information. You can <a href="
                '"/privacy/center/?entry_point=policy&utm_source=fb">update these settings</a> '
                "to shape your experience."
            ),
        ],
        ["Facebook", "Messenger", "Instagram (including apps like Boomerang)"],
    ),
    (
        "How do we use your information?",
        [
            (
                "We use information we collect to provide a personalised experience to you, "
                "including ads, along with the other purposes we explain in detail below."
            ),
            (
                "We use information to develop and improve artificial intelligence technology "
                "(also called AI at Meta) on Meta Products and for third parties."
            ),
        ],
        ["Provide, personalise and improve our Products", "Promote safety and security"],
    ),
    (
        "What are your rights?",
        [
            (
                "You have the right to object to our processing of your information for the "
                "development of AI at Meta. <a href="
                '"https://help.meta.com/support/privacy/">Learn how to object</a>.'
            ),
            (
                "You can also lodge a complaint with your local supervisory authority, the "
                "Irish Data Protection Commission."
            ),
        ],
        [],
    ),
]
"""The policy: (heading, paragraphs, list items) per section."""


NAVIGATION = [
    ("privacy/center", "Privacy Center"),
    ("help", "Help Center"),
    ("settings", "Settings"),
    ("login", "Log in"),
]


def _class(salt: str, name: str) -> str:
    """An obfuscated class name, like Meta's generated ones (``_9xyz``)."""
    return "_" + hashlib.sha1(f"{salt}/{name}".encode()).hexdigest()[:4]


def semantic_page(*, classes: str = "policy", spacing: str = "", utm: bool = True) -> str:
    """A tidy page: header and nav, the policy in <main>, a footer; ``spacing`` goes between
    tags to vary the layout, ``utm`` adds tracking parameters to the links."""
    s = spacing
    parts = [
        f"<!DOCTYPE html><html><head><title>Privacy Policy | Meta</title>{s}",
        "<style>.x{color:red}</style><script>var tracking = 'do not read me';</script>",
        f"</head><body>{s}<header><a href='/'>Meta</a>{s}<nav><ul>",
        f"<li><a href='/help'>Help</a></li>{s}<li><a href='/login'>Log in</a></li></ul></nav>",
        f"</header>{s}<main class='{classes}-main'>{s}<h1 class='{classes}-title'>Privacy Policy",
        f"</h1>{s}<p class='{classes}-date'>Effective June 16, 2025</p>",
    ]
    for heading, paragraphs, items in SECTIONS:
        parts.append(f"{s}<section class='{classes}-section'><h2>{heading}</h2>{s}")
        for paragraph in paragraphs:
            if not utm:
                paragraph = paragraph.replace("&utm_source=fb", "")
            parts.append(f"<p class='{classes}-p'>{s}{paragraph}{s}</p>{s}")
        if items:
            listed = "".join(f"<li class='{classes}-li'>{s}{item}{s}</li>{s}" for item in items)
            parts.append(f"<ul class='{classes}-ul'>{s}{listed}</ul>")
        parts.append(f"</section>{s}")
    parts.append(
        f"</main>{s}<footer><p>&copy; 2025 Meta</p><a href='/terms'>Terms</a></footer>"
        "</body></html>"
    )
    return "".join(parts)


def meta_like_page(salt: str, *, share_buttons: bool = True) -> str:
    """A page built like Meta's: deep nested divs with generated class names and no semantic
    tags, a cookie banner, a navigation bar and a footer made of divs, and the policy inside
    a ``div`` whose class is ``_class(salt, "policy")``."""

    def div(name: str, inner: str, **attributes: str) -> str:
        extra = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in attributes.items())
        return f'<div class="{_class(salt, name)}"{extra}>{inner}</div>'

    def wrap(inner: str, depth: int) -> str:
        for level in range(depth):
            inner = div(f"wrap{level}", inner)
        return inner

    banner = div(
        "cookies",
        div(
            "cookie-text",
            "<span>Allow the use of cookies from Meta on this browser? We use cookies and "
            "similar technologies to help provide and improve content on Meta Products.</span>",
        )
        + div("cookie-buttons", "<span>Allow all cookies</span><span>Decline optional</span>"),
        role="dialog",
    )
    navigation = div(
        "nav",
        "".join(
            div("nav-item", f'<a href="/{slug}"><span>{label}</span></a>')
            for slug, label in NAVIGATION
        ),
    )
    body = [
        wrap(div("h1", "<span>Privacy Policy</span>", role="heading", aria_level="1"), 3),
        wrap(div("date", "<span>Effective June 16, 2025</span>"), 2),
    ]
    for number, (heading, paragraphs, items) in enumerate(SECTIONS):
        section = [f"<h2>{heading}</h2>"]
        for paragraph in paragraphs:
            section.append(wrap(div("para", f"<span>{paragraph}</span>"), 4))
        if items:
            section.append(
                "<ul>" + "".join(f"<li><span>{item}</span></li>" for item in items) + "</ul>"
            )
        if share_buttons:
            section.append(div("share", "<span>Share</span><span>Copy link</span>"))
        body.append(wrap(div(f"section{number}", "".join(section)), 2))
    policy = div("policy", "".join(body))
    footer = div(
        "footer",
        div("footer-links", '<a href="/terms">Terms</a><a href="/cookies">Cookies</a>')
        + div("copyright", "<span>Meta &copy; 2025</span>"),
    )
    page = wrap(navigation + wrap(policy, 5) + footer, 6)
    return (
        "<!DOCTYPE html><html><head><title>Privacy Policy</title>"
        '<script>require("ServerJS").handle({"tracking": "x"});</script></head>'
        f"<body>{banner}{page}<noscript>Enable JavaScript</noscript></body></html>"
    )


def policy_selector(salt: str) -> str:
    return f"div.{_class(salt, 'policy')}"


def test_selectors_pick_the_content_and_remove_drops_parts() -> None:
    page = meta_like_page("v1")
    found = extract(
        page, select=(policy_selector("v1"),), remove=(f".{_class('v1', 'share')}",), base_url=BASE
    )
    assert (found.method, found.note, found.title) == ("selectors", "", "Privacy Policy")
    assert "## How do we use your information?" in found.markdown
    assert "- Provide, personalise and improve our Products" in found.markdown
    assert "Effective June 16, 2025" in found.markdown
    for outside in ("Copy link", "cookies from Meta", "Help Center", "Meta ©", "ServerJS"):
        assert outside not in found.markdown
    assert found.markdown.endswith("\n") and "\n\n\n" not in found.markdown
    assert all(line == line.rstrip() for line in found.markdown.splitlines())


def test_nested_selectors_give_each_element_once_in_document_order() -> None:
    page = semantic_page()
    found = extract(page, select=("section", "main", "main h2", "p.policy-date"))
    assert found.method == "selectors"
    assert found.markdown.count("We at Meta want you to understand") == 1
    assert found.markdown.count("## What are your rights?") == 1
    assert found.markdown.index("# Privacy Policy") < found.markdown.index("## What are your")


def test_links_become_absolute_and_tracking_is_left_to_normalise() -> None:
    found = extract(semantic_page(), select=("main",), base_url=BASE)
    assert (
        "[update these settings](https://www.facebook.com/privacy/center/"
        "?entry_point=policy&utm_source=fb)" in found.markdown
    )
    assert "[Learn how to object](https://help.meta.com/support/privacy/)" in found.markdown


def test_layout_classes_whitespace_bullets_and_tracking_do_not_change_the_text() -> None:
    one = extract(semantic_page(), select=("main",), base_url=BASE).markdown
    other = extract(
        semantic_page(classes="x9k", spacing="\n   \t", utm=False), select=("main",), base_url=BASE
    ).markdown
    starred = "\n".join(
        "* " + line[2:] if line.startswith("- ") else line for line in other.splitlines()
    )
    assert one != other
    assert normalise(one) == normalise(other) == normalise(starred)


def test_changed_class_names_fall_back_and_re_anchor_on_the_previous_text() -> None:
    before = extract(meta_like_page("v1"), select=(policy_selector("v1"),), base_url=BASE)
    previous = normalise(before.markdown)
    after = extract(
        meta_like_page("v2"), select=(policy_selector("v1"),), base_url=BASE, previous=previous
    )
    assert after.method == "fallback"
    assert after.note.startswith(f"The selector '{policy_selector('v1')}' matched nothing")
    assert "previous version" in after.note
    assert normalise(after.markdown) == previous


def test_re_anchoring_keeps_the_extent_when_the_policy_also_changed() -> None:
    before = extract(meta_like_page("v1"), select=(policy_selector("v1"),))
    previous = normalise(before.markdown)
    changed = meta_like_page("v3").replace(
        "Promote safety and security</span></li>",
        "Promote safety and security</span></li><li><span>Train generative AI models on your "
        "public posts and photos, on the basis of legitimate interests.</span></li>",
    )
    after = extract(changed, select=(policy_selector("v1"),), previous=previous)
    assert after.method == "fallback"
    assert "Train generative AI models" in after.markdown
    assert after.markdown.startswith("Privacy Policy") and "Irish Data Protection" in after.markdown
    assert "cookies from Meta" not in after.markdown and "Help Center" not in after.markdown


def test_without_a_previous_text_the_fallback_finds_main() -> None:
    found = extract(semantic_page(), select=("div.old-layout",), base_url=BASE)
    assert found.method == "fallback"
    assert "'div.old-layout' matched nothing" in found.note and "<main>" in found.note
    assert found.markdown.startswith("# Privacy Policy")
    assert "Log in" not in found.markdown and "2025 Meta" not in found.markdown
    assert "do not read me" not in found.markdown


def test_a_meta_like_page_without_selectors_finds_the_policy_not_the_furniture() -> None:
    found = extract(meta_like_page("v1", share_buttons=False))
    assert found.method == "fallback" and "No selectors are declared" in found.note
    expected = extract(meta_like_page("v1", share_buttons=False), select=(policy_selector("v1"),))
    assert normalise(found.markdown) == normalise(expected.markdown)


def test_selectors_matching_almost_no_text_fall_back_and_say_how_much() -> None:
    found = extract(semantic_page(), select=("p.policy-date",))
    assert found.method == "fallback"
    assert "matched only 23 characters of text" in found.note
    assert "What are your rights?" in found.markdown


@pytest.mark.parametrize(
    "page",
    [
        "",
        "<html><head><title>Facebook</title></head><body><script>render()</script></body></html>",
        "<html><body><div><div><span> </span></div><img src='data:image/png;base64,AA'></div>",
    ],
)
def test_a_page_without_readable_text_is_an_error(page: str) -> None:
    with pytest.raises(ExtractError) as raised:
        extract(page, select=("main",), base_url=BASE)
    assert isinstance(raised.value, InputError)
    assert "no readable text" in raised.value.message and BASE in raised.value.message
    assert "import-ota" in raised.value.hint


def test_a_selector_that_is_not_css_is_an_option_error() -> None:
    with pytest.raises(OptionError) as raised:
        extract(semantic_page(), select=("div[class=",))
    assert "div[class=" in raised.value.message and raised.value.hint


def test_inline_images_go_and_other_images_become_absolute() -> None:
    page = (
        "<main><p>" + "A long enough paragraph of policy text. " * 8 + "</p>"
        "<img src='data:image/gif;base64,R0lGOD' alt='spacer'>"
        "<img src='/images/diagram.png' alt='How data flows'></main>"
    )
    found = extract(page, select=("main",), base_url=BASE)
    assert "data:" not in found.markdown and "spacer" not in found.markdown
    assert "![How data flows](https://www.facebook.com/images/diagram.png)" in found.markdown


def test_a_page_of_a_megabyte_extracts_quickly() -> None:
    sections = "".join(
        f"<section><h2>Section {number}</h2>"
        + "".join(
            f"<div class='_a{number}'><p>Paragraph {k} of section {number}: we use the "
            f"information we collect to <a href='/x?{k}'>provide</a> and improve our Products, "
            "and we share it with partners as described here.</p></div>"
            for k in range(20)
        )
        + "<ul>"
        + "".join(f"<li>Item {k} of section {number}</li>" for k in range(10))
        + "</ul></section>"
        for number in range(240)
    )
    page = f"<html><body><nav><a href='/'>Home</a></nav><div>{sections}</div></body></html>"
    assert len(page) > 1_000_000
    started = time.perf_counter()
    found = extract(page, select=("div.gone",), previous=None)
    assert time.perf_counter() - started < 10
    assert found.method == "fallback" and "Paragraph 19 of section 239" in found.markdown
