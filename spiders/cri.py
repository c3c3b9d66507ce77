"""The `cri` spider (modes: README "Running the spider by hand"): it turns what discovery finds
(`crawler/discovery.py`: which links to fetch) into requests, and what the extractor makes of
each answer (`crawler/extract.py`: an item, a skip, or the next source to ask) into items,
requests and stats."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response
from scrapy.utils.sitemap import Sitemap
from twisted.python.failure import Failure

from crawler import stats
from crawler.cascade import Step, after, after_failure, first_step
from crawler.config import CrawlerConfig
from crawler.context import CrawlContext
from crawler.discovery import Discovery, Found, ListingPage, count_skip
from crawler.extract import Answer, Gate, Item, Need, Needed, Skip, Via, extract
from crawler.fetching import ARTICLE_PRIORITY, BLOCKED, GONE, Fetcher, failure_cause
from crawler.options import ARGUMENTS, CrawlOptions
from crawler.parsers import e4
from spiders.edition import EditionSpider

logger = logging.getLogger(__name__)

# The callbacks and errbacks of the spider's requests, bound once (see `CriSpider.__init__`).
CALLBACKS = ("parse_robots", "parse_sitemap", "parse_listing", "parse_article", "on_article_error",
             "on_discovery_error")


class CriSpider(EditionSpider):
    name = "cri"
    ARGUMENTS = ARGUMENTS
    OPTIONS = CrawlOptions

    config: CrawlerConfig
    options: CrawlOptions
    fetch: Fetcher
    discovery: Discovery  # made in start(), when the crawl's stats and archive are there

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Scrapy reads the source of every callback it calls (`ast.parse`, to warn of a
        # generator that returns a value) and caches the answer weakly per callable: a bound
        # method made afresh for each request was read again for most answers. Each is bound
        # once here, for the spider's life, and every request carries that one.
        for name in CALLBACKS:
            setattr(self, name, getattr(self, name))

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> CriSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        config = spider.config = CrawlContext.of(crawler).config
        if spider.options.since:  # a backfill takes days: its own bound (unless -s gives one)
            crawler.settings.set("CLOSESPIDER_TIMEOUT", config.backfill_timeout, priority="spider")
        spider.fetch = Fetcher(spider.edition, spider.options.base_url, config.browser_timeout_ms)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    # -- discovery (its policy: crawler/discovery.py) ----------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        archive = CrawlContext.of(self.crawler).archive
        # Incremental: what the archive holds is not fetched again (the store opened the state
        # in open_spider, before start). Pages asked for by URL are always fetched.
        incremental = archive.is_open and not self.options.urls
        self.discovery = Discovery(self.edition, self.config, self.options, self.crawler.stats,
                                   archive if incremental else None)
        home = f"https://{self.edition.canonical_host}"
        if not self.options.urls:
            yield self.fetch.get(home + "/robots.txt", callback=self.parse_robots,
                                 errback=self.on_discovery_error)
        for url in self.options.urls or (home + "/",):
            for request in self._follow(url):
                yield request

    def parse_robots(self, response: Response) -> Iterator[Request]:
        here = self.fetch.outlet_url(response.url)  # relative Sitemap: lines are the outlet's
        yield from self._sitemap_requests(self.discovery.sitemaps_in_robots(response.body, here))

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        try:
            sitemap = Sitemap(response.body)
        except Exception as exc:  # lxml raises several types on hostile input
            count_skip(self.crawler.stats, "sitemap_unreadable", response.url, str(exc))
            return
        yield from self._sitemap_requests(self.discovery.read_sitemap(sitemap))

    def _sitemap_requests(self, urls: list[str]) -> Iterator[Request]:
        for url in urls:
            yield self.fetch.get(url, callback=self.parse_sitemap, errback=self.on_discovery_error)

    def parse_listing(self, response: Response, page: ListingPage) -> list[Request]:
        try:
            found = self.discovery.read_listing(response.json(), page)
        except (ValueError, e4.ApiError) as exc:
            count_skip(self.crawler.stats, "listing_unreadable", page.ref.url, str(exc))
            return []
        return [self._request(each) for each in found]

    def on_idle(self) -> None:
        """The sitemap links taken wait for this (the listings' discovery is done, nothing is
        queued)."""
        requests = [self._request(found) for found in self.discovery.release()]
        for request in requests:
            self.crawler.engine.crawl(request)  # type: ignore[union-attr]
        if requests:
            raise DontCloseSpider

    def closed(self, reason: str) -> None:
        if hasattr(self, "discovery"):  # not when the crawl stopped before its start
            self.discovery.close()

    def _follow(self, url: str) -> Iterator[Request]:
        return (self._request(found) for found in self.discovery.follow(url))

    def _request(self, found: Found) -> Request:
        """The one request for what discovery found: a listing page, or an article's first
        source (the API for the current platform, else its page)."""
        if isinstance(found, ListingPage):
            self.crawler.stats.inc_value(stats.LISTING_REQUESTED)
            return self.fetch.api(found.url, callback=self.parse_listing,
                                  errback=self.on_discovery_error, cb_kwargs={"page": found})
        return self._fetch(first_step(found, self.edition))

    # -- articles (their cascade: crawler/cascade.py; the extractor: crawler/extract.py) ------

    def _fetch(self, step: Step) -> Request:
        lead = step.lead
        if step.via is Via.API:
            # No retries: when the API fails, the article's own page is the next source.
            return self.fetch.api(lead.url, callback=self.parse_article, cb_kwargs={"step": step},
                                  errback=self.on_article_error, priority=ARTICLE_PRIORITY,
                                  meta={"dont_retry": True}, article=lead.ref.id)
        if step.via is Via.BROWSER:
            self.crawler.stats.inc_value(stats.BROWSER_REQUESTS)
        return self.fetch.page(lead.url, step.via, article=lead.ref.id, shell=step.shell,
                               cb_kwargs={"step": step}, callback=self.parse_article,
                               errback=self.on_article_error)

    def parse_article(self, response: Response, step: Step) -> Iterator[Any]:
        lead = step.lead
        # The URL as the outlet's (under a base URL with a path, that path taken out).
        answer = Answer(self.fetch.outlet_url(response.url), response.body, response.headers,
                        response.meta["via"], record=response.meta.get("warc_record_id"))
        gate = Gate(self.config.max_body_chars, self.options.since, self.config.browser,
                    self.config.max_date_mismatch_days)
        outcome = extract(self.edition, lead.ref, answer, lead.pages, card=lead.card,
                          section=lead.section, gate=gate, run=CrawlContext.of(self.crawler).run)
        following, counts = after(step, outcome, answer.record)
        for name, amount in counts.items():
            self.crawler.stats.inc_value(name, amount)
        if following is not None:
            if isinstance(outcome, Need) and outcome.what is Needed.PAGE:
                logger.info("API answer for %s: %s; trying the page", lead.ref.url, outcome.detail)
            yield self._fetch(following)
        elif isinstance(outcome, Item):
            self.crawler.stats.inc_value(stats.article_ended("item"))
            yield outcome.article
        elif isinstance(outcome, Skip):
            self.crawler.stats.inc_value(stats.article_ended(f"skipped/{outcome.reason}"))
            if outcome.reason == "soft_404":
                self.discovery.gone(lead.ref, 404, stats.GONE_SOFT_404)
            count_skip(self.crawler.stats, outcome.reason, lead.ref.url, outcome.detail)

    def on_article_error(self, failure: Failure) -> Iterator[Request]:
        step: Step = failure.request.cb_kwargs["step"]  # type: ignore[attr-defined]
        following, stat = after_failure(step)
        if following is not None and stat is not None:
            self.crawler.stats.inc_value(stat)
            if step.via is Via.API:
                logger.info("API request failed for %s (%s); trying the page", step.lead.ref.url,
                            failure.getErrorMessage())
            yield self._fetch(following)
            return
        cause = self._failed(failure)
        self.crawler.stats.inc_value(stats.article_ended(f"failed/{cause}"))
        if cause in GONE:  # 5xx and timeouts are not gone: the next run tries again
            status = failure.value.response.status
            self.discovery.gone(step.lead.ref, status, stats.gone(status))
        count_skip(self.crawler.stats, "fetch_failed", step.lead.ref.url, failure.getErrorMessage())

    def on_discovery_error(self, failure: Failure) -> None:
        self._failed(failure)
        url = failure.request.url  # type: ignore[attr-defined]
        count_skip(self.crawler.stats, "discovery_failed", url, failure.getErrorMessage())

    def _failed(self, failure: Failure) -> str:
        """Why a request failed for good; a block that cost a page is counted."""
        if (cause := failure_cause(failure)) in BLOCKED:
            self.crawler.stats.inc_value(stats.BLOCKED_UNRECOVERED)
        return cause
