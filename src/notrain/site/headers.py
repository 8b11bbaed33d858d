"""HTTP headers that say "not for AI training", as snippets for the common web servers.

A site can say it in every response: ``tdm-reservation: 1`` (TDMRep, with ``tdm-policy`` when
the person has a licensing page) and ``X-Robots-Tag: noai, noimageai``. Headers are set by the
server, not by a file in the site's folder, so notrain writes a snippet per server for the
person to paste: nginx, Apache, Caddy; Netlify and Cloudflare Pages read a ``_headers`` file at
the site's root, which notrain can also merge into directly (its block, like robots.txt's).
"""

from __future__ import annotations

from pathlib import Path

from notrain.site.block import decode_utf8, newline_of, put_block, render_block

__all__ = ["SNIPPETS", "header_snippets", "merge_headers_file", "response_headers"]

SNIPPETS = ("nginx.conf", "apache.conf", "Caddyfile", "_headers")
"""The snippet files, one per server."""

_WHY = "notrain: tell AI crawlers this site's content is not for AI training."


def response_headers(policy: str | None = None) -> list[tuple[str, str]]:
    """The headers, in order: ``X-Robots-Tag``, ``tdm-reservation``, and ``tdm-policy``."""
    headers = [("X-Robots-Tag", "noai, noimageai"), ("tdm-reservation", "1")]
    return headers + ([("tdm-policy", policy)] if policy else [])


def header_snippets(policy: str | None = None) -> dict[str, str]:
    """The snippet for each server, by file name (see :data:`SNIPPETS`)."""
    headers = response_headers(policy)
    nginx = [
        f"# {_WHY}",
        "# Paste into your site's server { } block (or a file you include there), then check",
        "# and reload: nginx -t && nginx -s reload. A location { } with add_header lines of its",
        "# own drops these: repeat them there.",
        *(f'add_header {name} "{value}" always;' for name, value in headers),
    ]
    apache = [
        f"# {_WHY}",
        "# Paste into your <VirtualHost> or the site's .htaccess; it needs mod_headers",
        "# (a2enmod headers). 'merge' keeps an X-Robots-Tag your site already sends.",
        "<IfModule mod_headers.c>",
        *(
            f'    Header always {"merge" if name == "X-Robots-Tag" else "set"} {name} "{value}"'
            for name, value in headers
        ),
        "</IfModule>",
    ]
    caddy = [
        f"# {_WHY}",
        "# Paste inside your site's block (example.com { ... }), then: caddy reload",
        "header {",
        *(f'\t{name} "{value}"' for name, value in headers),
        "}",
    ]
    return {
        "nginx.conf": _text(nginx),
        "apache.conf": _text(apache),
        "Caddyfile": _text(caddy),
        "_headers": _headers_block(policy, "\n"),
    }


def merge_headers_file(
    existing: bytes | None, policy: str | None = None, *, path: Path | str = "_headers"
) -> bytes:
    """A Netlify or Cloudflare Pages ``_headers`` file (``existing``, or None for none) with
    notrain's block at the end; the person's own rules stay as they are."""
    text = decode_utf8(existing, path)
    block = _headers_block(policy, newline_of(text))
    return put_block(text, block, path).encode("utf-8")


def _headers_block(policy: str | None, newline: str) -> str:
    body = [
        "# For Netlify and Cloudflare Pages, at the root of the published folder. Written by",
        "# `notrain site`; what is between BEGIN and END is replaced when it runs again.",
        "/*",
        *(f"  {name}: {value}" for name, value in response_headers(policy)),
    ]
    return render_block("no AI training on this site", body, newline)


def _text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"
