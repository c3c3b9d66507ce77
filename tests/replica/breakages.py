"""Broken paths of the outlet, as knobs with ground truth: each `Breakage` installs route
overrides on a running replica (and the crawl settings it needs), and names the health check
that must fail on a run against it. The verdict tests (tests/e2e/test_verdicts.py) run the
crawler against each; a crawler that stores nothing and calls the run healthy fails them.

What each knob models comes from the issue that found it (the verdicts issue): a discovery
path that dies, articles that cannot be stored for reasons the crawler logs at INFO at most
(another host, too large, too deep, no browser, Scrapy's duplicate filter), blocks, robots.txt,
the platform's not-found page, a server that drips and never ends.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .e4 import failure, render_shell
from .faults import stall
from .listings import SOFT_404_HTML
from .probe import article_key
from .server import ReplicaServer, Request, Response

ORIGIN = "https://polish.cri.cn"
FAILED_API = Response.json(failure("Data not found", 404))  # the article's page is asked next


def article_api(request: Request) -> bool:
    """A `getData` request for an article (the crawler's first source on the platform)."""
    return bool(request.api_id and article_key(request.api_id))


def listing_api(request: Request) -> bool:
    return bool(request.api_id) and not article_api(request)


def article_page(request: Request) -> bool:
    return request.method == "GET" and article_key(ORIGIN + request.path) is not None


def _pages(server: ReplicaServer, page: Callable[[Request], Response]) -> None:
    """Every article answers through its page only, and the page answers `page`."""
    server.overrides.add(article_api, FAILED_API)
    server.overrides.add(article_page, page)


def _padded(request: Request) -> Response:
    response = request.default()
    response.body += b"<!-- " + b"x" * 300_000 + b" -->"
    return response


# The time every era's page shows (`2018-06-08 08:43:00`; the parsers' DATETIME_TEXT).
_SHOWN_TIME = re.compile(rb"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?::\d{2})?")


def _timeless(request: Request) -> Response:
    response = request.default()
    response.body = _SHOWN_TIME.sub(b"", response.body)
    return response


def _nested(request: Request) -> Response:
    text = request.default().body.decode("utf-8", "replace")
    text = text.replace("<body>", "<body>" + "<div>" * 10_000, 1)
    return Response(200, text.encode("utf-8"), "text/html; charset=utf-8")


@dataclass(frozen=True)
class Breakage:
    name: str
    what: str
    install: Callable[[ReplicaServer], None]
    fails: str  # the check that must fail
    settings: dict[str, str] = field(default_factory=dict)


BREAKAGES: tuple[Breakage, ...] = (
    Breakage(
        "listings_unreadable",
        "the API answers every listing with a maintenance page; the sitemaps still lead to "
        "articles",
        lambda s: s.overrides.add(listing_api, Response.html("<h1>Przerwa techniczna</h1>")),
        "listings_unreadable",
    ),
    Breakage(
        "articles_off_host",
        "every article page redirects to another host (the egress allowlist refuses it)",
        lambda s: _pages(s, lambda r: Response.redirect("https://elsewhere.example.com" + r.path, 302)),
        "lost_share",
    ),
    Breakage(
        "articles_too_large",
        "every article page is over DOWNLOAD_MAXSIZE",
        lambda s: _pages(s, _padded),
        "lost_share",
        {"DOWNLOAD_MAXSIZE": "200000", "DOWNLOAD_WARNSIZE": "0"},
    ),
    Breakage(
        "articles_too_deep",
        "every article page nests 10,000 elements (the extractor's depth guard)",
        lambda s: _pages(s, _nested),
        "lost_share",
    ),
    Breakage(
        "no_chromium",
        "every article is a client-rendered shell, and the browser cannot start",
        lambda s: _pages(s, lambda r: Response.html(render_shell())),
        "lost_share",
        {"CRAWLER_BROWSER": "True",
         "PLAYWRIGHT_LAUNCH_OPTIONS": json.dumps({"executable_path": "/nonexistent/chromium"})},
    ),
    Breakage(
        "articles_redirect_to_themselves",
        "every article page redirects to itself (Scrapy's duplicate filter drops it unseen)",
        lambda s: _pages(s, lambda r: Response.redirect(r.path, 301)),
        "lost_share",
    ),
    Breakage(
        "blocked",
        "every article answers 403, through the API and its page",
        lambda s: (s.overrides.fail(article_api, 403), s.overrides.fail(article_page, 403)),
        "blocked_share",
    ),
    Breakage(
        "robots_forbid_all",
        "robots.txt forbids everything",
        lambda s: s.overrides.add("/robots.txt", Response.text("User-agent: *\nDisallow: /\n")),
        "robots_forbidden",
    ),
    Breakage(
        "robots_unavailable",
        "robots.txt answers 503",
        lambda s: s.overrides.fail("/robots.txt", 503),
        "robots_unavailable",
    ),
    Breakage(
        "soft_404",
        "every article answers the platform's not-found page with status 200",
        lambda s: _pages(s, lambda r: Response.html(SOFT_404_HTML)),
        "soft_404_share",
    ),
    Breakage(
        "page_times_gone",
        "no article page shows its time any more (a changed date element) and the API fails: "
        "every item is dated by its card or its URL only",
        lambda s: _pages(s, _timeless),
        "coverage_published",
    ),
    Breakage(
        "slow_drip",
        "a third of the articles' API answers never come; the run's time bound stops it (the "
        "articles that came before are stored)",
        lambda s: s.overrides.add(
            lambda r: article_api(r) and sum(map(ord, article_key(r.api_id))) % 3 == 0, stall(120)),
        "finish_reason",
        # In-flight downloads are let finish or time out: the run ends within both bounds.
        {"CLOSESPIDER_TIMEOUT": "5", "DOWNLOAD_TIMEOUT": "10"},
    ),
)
