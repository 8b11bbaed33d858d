"""notrain.site's public names are pinned, and its errors share notrain's root."""

from __future__ import annotations

import notrain
from notrain import site

PUBLIC = {
    "DEFAULT_PURPOSES", "PURPOSES", "ROBOTS_TOKENS", "Access", "Crawler", "CrawlerAccess",
    "CrawlerList", "MetaEdit", "RobotsConflict", "RobotsFile", "RobotsMerge", "RobotsSyntaxError",
    "SearchEngine", "Signal", "SiteCheck", "SiteFile", "SiteOptions", "SiteReport",
    "SiteUnreachableError", "access", "ai_txt", "check_policy", "check_site", "head_metas",
    "header_snippets", "load_crawlers", "mark_html", "merge_headers_file", "merge_robots",
    "merge_tdmrep", "parse_robots", "response_headers", "select_crawlers", "tdmrep_problems",
    "write_site",
}  # fmt: skip


def test_site_public_names_are_pinned_and_errors_have_one_root() -> None:
    assert set(site.__all__) == PUBLIC
    for name in PUBLIC:
        obj = getattr(site, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, notrain.NotrainError), name
