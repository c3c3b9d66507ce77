"""How the crawl fetches each source: every outlet URL from the edition's host (or from the
`base_url` of a local replica), the current platform's API as a JSON POST, and a page in the
browser with its wait options."""

from __future__ import annotations

from typing import Any

from scrapy.http import JsonRequest, Request

from crawler.editions import Edition
from crawler.extract import Via
from crawler.urls import rebase


class Fetcher:
    """Builds the spider's requests; a request's `meta["via"]` tells the extractor its source."""

    def __init__(self, edition: Edition, base_url: str | None, browser_timeout_ms: int) -> None:
        self.edition = edition
        self.base_url = base_url
        self.browser_timeout_ms = browser_timeout_ms

    def url(self, url: str) -> str:
        """Where to fetch an outlet URL from: itself, or its path on `base_url`."""
        return rebase(url, self.base_url)

    def get(self, url: str, **kwargs: Any) -> Request:
        return Request(self.url(url), **kwargs)

    def api(self, page_url: str, meta: dict[str, Any] | None = None, **kwargs: Any) -> JsonRequest:
        """`getData` for a page of the current platform (a listing or an article)."""
        api = self.url(f"https://{self.edition.canonical_host}{self.edition.api_path}")
        return JsonRequest(api, data={"id": page_url}, meta={**(meta or {}), "via": Via.API}, **kwargs)

    def page(self, url: str, via: Via = Via.PAGE, **kwargs: Any) -> Request:
        """An article page, plain or rendered in the browser (then the same URL again)."""
        meta: dict[str, Any] = {"via": via}
        if via is Via.BROWSER:
            wait = {"wait_until": "networkidle", "timeout": self.browser_timeout_ms}
            meta |= {"playwright": True, "playwright_page_goto_kwargs": wait}
        return Request(self.url(url), meta=meta, dont_filter=via is Via.BROWSER, **kwargs)
