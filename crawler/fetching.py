"""How the crawl fetches each source: every outlet URL from the edition's host (or from the
`base_url` of a local replica), the current platform's API as a JSON POST, and a page in the
browser with its wait options."""

from __future__ import annotations

from typing import Any

from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest
from scrapy.http import JsonRequest, Request
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import TimeoutError as ConnectTimeout
from twisted.python.failure import Failure

from crawler.editions import Edition
from crawler.middlewares.warc import ARTICLE_ID, REFERS_TO
from crawler.extract import Via
from crawler.urls import rebase, unrebase


ARTICLE_PRIORITY = 10  # articles before more listings: items flow while discovery goes on
BLOCKED = frozenset({"http_403", "http_429"})
GONE = frozenset({"http_404", "http_410"})


def failure_cause(failure: Failure) -> str:
    """Why a request failed, as a short stat name: `http_<status>` for an error answer,
    `egress_refused`, `robots_denied`, `too_large` (over DOWNLOAD_MAXSIZE), `timeout`, or the
    exception's class name."""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(IgnoreRequest):
        message = str(failure.value)
        if message.startswith("egress allowlist"):
            return "egress_refused"
        return "robots_denied" if "robots.txt" in message else "ignored"
    # Scrapy cancels a download over DOWNLOAD_MAXSIZE (announced, or while it streams in).
    if failure.check(DownloadCancelledError, CancelledError):
        return "too_large"
    if failure.check(DownloadTimeoutError, ConnectTimeout, TimeoutError):
        return "timeout"
    return type(failure.value).__name__


class RedirectDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter (DUPEFILTER_CLASS) for redirects only.

    The spider asks for every article once by its id, every listing page once by its URL and
    page, every sitemap once by its URL, and each source of an article once in turn (API, page,
    browser, next address): a fingerprint of every request would be a second copy of that
    dedupe (~140 bytes a request, 11 MB at 100,000 articles). What the spider does not choose is
    where a redirect leads: a redirect back into its own chain is a loop (dropped), and a
    redirect target is fetched once a run (its fingerprint kept: redirects are few)."""

    def request_seen(self, request: Request) -> bool:
        chain = request.meta.get("redirect_urls")
        if not chain:
            return False
        return request.url in chain or super().request_seen(request)


class Fetcher:
    """Builds the spider's requests; a request's `meta["via"]` tells the extractor its source."""

    def __init__(self, edition: Edition, base_url: str | None, browser_timeout_ms: int) -> None:
        self.edition = edition
        self.base_url = base_url
        self.browser_timeout_ms = browser_timeout_ms

    def url(self, url: str) -> str:
        """Where to fetch an outlet URL from: itself, or the same page under `base_url`."""
        return rebase(url, self.base_url)

    def outlet_url(self, fetched: str) -> str:
        """What the URL of an answer stands for, redirects included (`crawler.urls.unrebase`):
        under a base URL with a path, that path taken out, so the extractor reads the outlet's."""
        return unrebase(fetched, self.base_url)

    def get(self, url: str, **kwargs: Any) -> Request:
        return Request(self.url(url), **kwargs)

    def api(self, page_url: str, meta: dict[str, Any] | None = None, article: str | None = None,
            **kwargs: Any) -> JsonRequest:
        """`getData` for a page of the current platform (a listing, or the article `article`:
        its WARC records are indexed under that id)."""
        api = self.url(f"https://{self.edition.canonical_host}{self.edition.api_path}")
        meta = {**(meta or {}), "via": Via.API, ARTICLE_ID: article}
        return JsonRequest(api, data={"id": page_url}, meta=meta, **kwargs)

    def page(self, url: str, via: Via = Via.PAGE, article: str | None = None,
             shell: str | None = None, **kwargs: Any) -> Request:
        """A page of the article `article`, plain or rendered in the browser (then the same URL
        again; `shell`: the WARC record of the plain page, which the rendered DOM is kept as a
        conversion of), before listings."""
        meta: dict[str, Any] = {"via": via, ARTICLE_ID: article}
        if via is Via.BROWSER:
            wait = {"wait_until": "networkidle", "timeout": self.browser_timeout_ms}
            meta |= {"playwright": True, "playwright_page_goto_kwargs": wait, REFERS_TO: shell}
        return Request(self.url(url), meta=meta, dont_filter=via is Via.BROWSER,
                       priority=ARTICLE_PRIORITY, **kwargs)
