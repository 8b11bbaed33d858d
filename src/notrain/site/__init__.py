"""Opt-out files for a creator's own website, and a check of a live site.

A site says "not for AI training" in several ways that different readers look at: robots.txt
groups for the AI crawlers (honoured by the big operators' declared crawlers), Spawning's
ai.txt, TDMRep's ``/.well-known/tdmrep.json`` and ``tdm-reservation`` header (the
machine-readable reservation of the EU DSM Directive, article 4), the ``X-Robots-Tag`` header
and the robots meta tag with ``noai, noimageai``. :func:`write_site` writes or merges them into
the folder a creator publishes; :func:`check_site` reads them back from the live site.

The crawler list is data (``notrain/data/site/ai_crawlers.json``), each entry with its source
and the day it was checked; search engines are never blocked.
"""

from notrain.site.check import CrawlerAccess, Signal, SiteCheck, SiteUnreachableError, check_site
from notrain.site.crawlers import (
    DEFAULT_PURPOSES,
    PURPOSES,
    Crawler,
    CrawlerList,
    SearchEngine,
    load_crawlers,
    select_crawlers,
)
from notrain.site.folder import SiteFile, SiteOptions, SiteReport, write_site
from notrain.site.headers import header_snippets, merge_headers_file, response_headers
from notrain.site.html import ROBOTS_TOKENS, MetaEdit, head_metas, mark_html
from notrain.site.merge import RobotsConflict, RobotsMerge, merge_robots
from notrain.site.robots import Access, RobotsFile, RobotsSyntaxError, access, parse_robots
from notrain.site.signals import ai_txt, check_policy, merge_tdmrep, tdmrep_problems

__all__ = [
    "DEFAULT_PURPOSES",
    "PURPOSES",
    "ROBOTS_TOKENS",
    "Access",
    "Crawler",
    "CrawlerAccess",
    "CrawlerList",
    "MetaEdit",
    "RobotsConflict",
    "RobotsFile",
    "RobotsMerge",
    "RobotsSyntaxError",
    "SearchEngine",
    "Signal",
    "SiteCheck",
    "SiteFile",
    "SiteOptions",
    "SiteReport",
    "SiteUnreachableError",
    "access",
    "ai_txt",
    "check_policy",
    "check_site",
    "head_metas",
    "header_snippets",
    "load_crawlers",
    "mark_html",
    "merge_headers_file",
    "merge_robots",
    "merge_tdmrep",
    "parse_robots",
    "response_headers",
    "select_crawlers",
    "tdmrep_problems",
    "write_site",
]
