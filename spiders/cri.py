"""The `cri` spider: discovery over an edition's eras (modes: README "Running the spider by
hand"), and dispatch of what it fetches to the extractor (`crawler/extract.py`), whose
outcomes become items, requests and stats."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler import stats
from crawler.archive import ArchiveState
from crawler.config import CrawlerConfig
from crawler.context import CrawlContext
from crawler.editions import Edition
from crawler.fetching import Fetcher
from crawler.extract import Answer, Gate, Item, Need, Needed, Skip, Via, extract
from crawler.incremental import no_fetch_needed
from crawler.options import ARGUMENTS, CrawlOptions
from crawler.pagination import Walk, next_page
from crawler.parsers import e4
from crawler.parsers.base import Extract
from crawler.parsers.listing import Card, cards, module_links
from crawler.urls import Kind, PageRef, classify

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

ARTICLE_PRIORITY = 10  # articles before more listings: items flow while discovery goes on


class CriSpider(scrapy.Spider):
    name = "cri"

    config: CrawlerConfig
    edition: Edition
    options: CrawlOptions
    fetch: Fetcher
    archive: ArchiveState | None = None  # the archive state, when incremental (set in start)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.arguments: dict[str, str] = {k: kwargs.pop(k) for k in ARGUMENTS & kwargs.keys()}
        super().__init__(*args, **kwargs)
        self.seen_articles: set[str] = set()
        self.seen_listings: set[str] = set()

    @classmethod
    def check_arguments(cls, settings: BaseSettings, **kwargs: Any) -> CrawlOptions:
        """The spider arguments, checked; UsageError (one line) before any request."""
        arguments = {k: v for k, v in kwargs.items() if k in ARGUMENTS}
        arguments.setdefault("edition", CrawlerConfig.from_settings(settings).edition)
        return CrawlOptions.parse(**arguments)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> CriSpider:
        spider: CriSpider = super().from_crawler(crawler, *args, **kwargs)
        if "edition" in spider.arguments:  # before any component builds the context
            crawler.settings.set("CRAWLER_EDITION", spider.arguments["edition"], priority="cmdline")
        context = CrawlContext.of(crawler)
        spider.config, spider.edition = context.config, context.edition
        spider.options = cls.check_arguments(crawler.settings, **spider.arguments)
        spider.fetch = Fetcher(spider.edition, spider.options.base_url, spider.config.browser_timeout_ms)
        return spider

    # -- discovery -------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        archive = CrawlContext.of(self.crawler).archive
        # Incremental: what the archive holds is not fetched again (the store opened the state
        # in open_spider, before start). Pages asked for by URL are always fetched.
        self.archive = archive if archive.is_open and not self.options.urls else None
        home = f"https://{self.edition.canonical_host}"
        if not self.options.urls:
            yield self.fetch.get(home + "/robots.txt", callback=self.parse_robots,
                                 errback=self.on_discovery_error)
        for url in self.options.urls or (home + "/",):
            for request in self._follow(url):
                yield request

    def parse_robots(self, response: Response) -> Iterator[Request]:
        found = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        for url in found or [f"https://{self.edition.canonical_host}{self.edition.sitemap_path}"]:
            yield self.fetch.get(url, callback=self.parse_sitemap, errback=self.on_discovery_error)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        try:
            sitemap = Sitemap(response.body)
        except Exception as exc:  # lxml raises several types on hostile input
            self._skip("sitemap_unreadable", response.url, str(exc))
            return
        for entry in sitemap:
            loc = entry.get("loc", "")
            if sitemap.type == "sitemapindex":
                if classify(loc, self.edition) is not None:
                    yield self.fetch.get(loc, callback=self.parse_sitemap,
                                         errback=self.on_discovery_error)
            elif not self.options.before_since(entry.get("lastmod", "")[:10]):
                yield from self._follow(loc)

    def parse_listing(self, response: Response, ref: PageRef, walk: Walk) -> Iterator[Request]:
        try:
            result = e4.api_result(response.json())
        except (ValueError, e4.ApiError) as exc:
            self._skip("listing_unreadable", ref.url, str(exc))
            return
        self.crawler.stats.inc_value(stats.LISTING_ANSWERS)
        article_links = unseen = fetched = 0
        days: list[date] = []  # of the article cards: the newest decides the backfill's end
        for card in cards(result):
            target = classify(card.link, self.edition)
            if target is None or target.kind is not Kind.ARTICLE:
                yield from self._section(target)
                continue
            article_links += 1
            if when := card.time(self.edition.tz):
                days.append(when.date())
                if self.options.before_since(when.date()):
                    continue
            if target.id not in self.seen_articles:
                unseen += 1
                requests = list(self._article(target, card=card, section=ref.url))
                fetched += bool(requests)
                yield from requests
        for link in module_links(result):
            yield from self._section(classify(link, self.edition))
        if not article_links:
            self.crawler.stats.inc_value(stats.LISTING_WITHOUT_ARTICLE_LINK)
        if not unseen:
            self.crawler.stats.inc_value(stats.LISTING_NO_NEW_ARTICLE)
        if ref.kind is Kind.SECTION:
            step = next_page(walk, unseen=unseen, fetched=fetched, newest=max(days, default=None),
                             since=self.options.since, config=self.config)
            if isinstance(step, Walk):
                yield self._listing_request(ref, step)
            elif step.stat:
                self.crawler.stats.inc_value(step.stat)
                if step.warning:
                    logger.warning("section %s: %s", ref.url, step.warning)

    def _follow(self, url: str) -> Iterator[Request]:
        """Requests for any outlet URL: an article, a listing, or a logged skip."""
        ref = classify(url, self.edition)
        if ref is None:
            self.crawler.stats.inc_value(stats.skipped("offsite"))
        elif ref.kind is Kind.ARTICLE:
            yield from self._article(ref)
        elif ref.kind in (Kind.SECTION, Kind.HOME):
            yield from self._listing(ref)
        else:
            self._skip(f"not_article/{ref.kind.value}", ref.url, "not an article page")

    def _section(self, ref: PageRef | None) -> Iterator[Request]:
        if ref is not None and ref.kind is Kind.SECTION:
            yield from self._listing(ref)

    def _listing(self, ref: PageRef) -> Iterator[Request]:
        if ref.url not in self.seen_listings:
            self.seen_listings.add(ref.url)
            yield self._listing_request(ref, Walk())

    # -- articles --------------------------------------------------------------------------

    def _article(self, ref: PageRef, card: Card | None = None, section: str | None = None) -> Iterator[Request]:
        assert ref.id is not None and ref.era is not None
        if ref.id in self.seen_articles:
            self.crawler.stats.inc_value(stats.DUPLICATE_LINK)
            return
        self.seen_articles.add(ref.id)
        if self.archive is not None and (
                why := no_fetch_needed(self.archive, ref, card, self.edition, self.config)):
            self.crawler.stats.inc_value(why)
            return
        lead = {"ref": ref, "card": card, "section": section, "pages": ()}
        if self.edition.era(ref.era).api:
            # No retries: when the API fails, the article's own page is the next source.
            yield self.fetch.api(ref.url, callback=self.parse_article, cb_kwargs=lead,
                                 errback=self.on_api_error, priority=ARTICLE_PRIORITY,
                                 meta={"dont_retry": True})
        else:
            yield self._page_request(lead)

    def _page_request(self, lead: dict[str, Any], via: Via = Via.PAGE) -> Request:
        url = lead["ref"].page_url(len(lead["pages"]) + 1)
        return self.fetch.page(url, via, callback=self.parse_article, errback=self.on_article_error,
                               cb_kwargs=lead, priority=ARTICLE_PRIORITY)

    def parse_article(self, response: Response, ref: PageRef, card: Card | None,
                      section: str | None, pages: tuple[Extract, ...]) -> Iterator[Any]:
        answer = Answer(response.url, response.body, response.headers, response.meta["via"])
        gate = Gate(max_body_chars=self.config.max_body_chars, since=self.options.since)
        outcome = extract(self.edition, ref, answer, pages, card=card, section=section, gate=gate)
        for name, amount in outcome.counts.items():
            self.crawler.stats.inc_value(name, amount)
        lead = {"ref": ref, "card": card, "section": section, "pages": ()}
        if isinstance(outcome, Item):
            yield outcome.article
        elif isinstance(outcome, Skip):
            self._skip(outcome.reason, ref.url, outcome.detail)
        elif isinstance(outcome, Need) and outcome.what is Needed.NEXT_PAGE:
            yield self._page_request({**lead, "pages": outcome.pages})
        elif isinstance(outcome, Need) and outcome.what is Needed.PAGE:
            logger.info("API answer for %s: %s; trying the page", ref.url, outcome.detail)
            yield self._page_request(lead)
        elif not self.config.browser:
            self._skip("shell_without_browser", ref.url, "client-rendered page and CRAWLER_BROWSER is off")
        else:
            self.crawler.stats.inc_value(stats.BROWSER_REQUESTS)
            yield self._page_request(lead, via=Via.BROWSER)

    def on_api_error(self, failure: Failure) -> Iterator[Request]:
        lead = failure.request.cb_kwargs  # type: ignore[attr-defined]
        self.crawler.stats.inc_value(stats.API_FAILED)
        logger.info("API request failed for %s (%s); trying the page",
                    lead["ref"].url, failure.getErrorMessage())
        yield self._page_request(lead)

    def on_article_error(self, failure: Failure) -> None:
        ref: PageRef = failure.request.cb_kwargs["ref"]  # type: ignore[attr-defined]
        status = failure.value.response.status if failure.check(HttpError) else None
        if status in (404, 410) and self.archive is not None:
            # Gone: recorded, so that a listing that keeps it is not followed into it each run
            # (5xx and timeouts are not: the next run tries again).
            self.archive.mark_gone(ref.id, status)  # type: ignore[arg-type]
            self.crawler.stats.inc_value(stats.gone(status))
        self._skip("fetch_failed", ref.url, failure.getErrorMessage())

    def on_discovery_error(self, failure: Failure) -> None:
        self._skip("discovery_failed", failure.request.url, failure.getErrorMessage())  # type: ignore[attr-defined]

    # -- helpers ---------------------------------------------------------------------------

    def _listing_request(self, ref: PageRef, walk: Walk) -> Request:
        url = ref.url if walk.page == 1 else f"{ref.url}?page={walk.page}"
        return self.fetch.api(url, callback=self.parse_listing, errback=self.on_discovery_error,
                              cb_kwargs={"ref": ref, "walk": walk})

    def _skip(self, reason: str, url: str, detail: str) -> None:
        self.crawler.stats.inc_value(stats.skipped(reason))
        logger.info("skipped %s: %s (%s)", url, reason, detail)
