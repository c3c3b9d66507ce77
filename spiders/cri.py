"""The `cri` spider: discovery over an edition's eras (modes: README "Running the spider by
hand"), and dispatch of what it fetches to the extractor (`crawler/extract.py`), whose
outcomes become items, requests and stats."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler import stats
from crawler.archive import ArchiveState
from crawler.config import CrawlerConfig
from crawler.context import CrawlContext
from crawler.editions import Edition
from crawler.extract import Answer, Gate, Item, Need, Needed, Outcome, Skip, Via, extract
from crawler.fetching import ARTICLE_PRIORITY, BLOCKED, GONE, Fetcher, Lead, failure_cause
from crawler.incremental import no_fetch_needed
from crawler.options import ARGUMENTS, CrawlOptions
from crawler.pagination import Walk, next_page
from crawler.parsers import e4
from crawler.parsers.listing import Card, cards, module_links
from crawler.sitemaps import SitemapBudget
from crawler.urls import Kind, PageRef, classify

logger = logging.getLogger(__name__)

# The callbacks and errbacks of the spider's requests, bound once (see `CriSpider.__init__`).
CALLBACKS = ("parse_robots", "parse_sitemap", "parse_listing", "parse_article", "on_api_error",
             "on_article_error", "on_discovery_error")


class CriSpider(scrapy.Spider):
    name = "cri"

    config: CrawlerConfig
    edition: Edition
    options: CrawlOptions
    fetch: Fetcher
    archive: ArchiveState | None = None  # the archive state, when incremental (set in start)
    sitemaps: SitemapBudget

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.arguments: dict[str, str] = {k: kwargs.pop(k) for k in ARGUMENTS & kwargs.keys()}
        super().__init__(*args, **kwargs)
        self.seen_articles, self.seen_listings = set[str](), set[str]()
        # Scrapy reads the source of every callback it calls (`ast.parse`, to warn of a
        # generator that returns a value) and caches the answer weakly per callable: a bound
        # method made afresh for each request was read again for most answers. Each is bound
        # once here, for the spider's life, and every request carries that one.
        for name in CALLBACKS:
            setattr(self, name, getattr(self, name))

    @classmethod
    def check_arguments(cls, settings: BaseSettings, **kwargs: Any) -> CrawlOptions:
        """The spider arguments, checked; UsageError (one line) before any request."""
        return CrawlOptions.checked(settings, kwargs)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> CriSpider:
        spider: CriSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.options = cls.check_arguments(crawler.settings, **spider.arguments)
        # The edition argument, before any component builds the context from the settings.
        crawler.settings.set("CRAWLER_EDITION", spider.options.edition.name, priority="cmdline")
        context = CrawlContext.of(crawler)
        if spider.options.since:  # a backfill takes days: its own bound (unless -s gives one)
            crawler.settings.set("CLOSESPIDER_TIMEOUT", context.config.backfill_timeout, priority="spider")
        spider.config, spider.edition = context.config, context.edition
        spider.fetch = Fetcher(spider.edition, spider.options.base_url, spider.config.browser_timeout_ms)
        spider.sitemaps = SitemapBudget(spider.config.max_sitemap_urls, spider.config.max_sitemaps,
                                        spider.edition.tz)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
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
        here = self.fetch.outlet_url(response.url)  # relative Sitemap: lines are the outlet's
        found = list(sitemap_urls_from_robots(response.body, base_url=here))
        listed = found or [f"https://{self.edition.canonical_host}{self.edition.sitemap_path}"]
        yield from self._sitemap_requests((url, "") for url in listed)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        """Of an index, its newest sitemaps; of a sitemap, its newest URLs, into the backlog
        that `on_idle` empties: both within the run's caps (`crawler/sitemaps.py`). The entries
        are read one by one, never all held."""
        try:
            sitemap = Sitemap(response.body)
        except Exception as exc:  # lxml raises several types on hostile input
            self._skip("sitemap_unreadable", response.url, str(exc))
            return
        self.crawler.stats.inc_value(stats.SITEMAP_ANSWERS)
        entries = ((entry.get("loc", ""), entry.get("lastmod", "")) for entry in sitemap)
        if sitemap.type == "sitemapindex":
            yield from self._sitemap_requests(e for e in entries if classify(e[0], self.edition))
            return
        recent = (e for e in entries if not self.options.before_since(e[1][:10]))
        taken, cut = self.sitemaps.take(recent)
        self.crawler.stats.inc_value(stats.SITEMAP_CUT, cut)
        refs = [classify(loc, self.edition) for loc in taken]
        articles = sum(ref is not None and ref.kind is Kind.ARTICLE for ref in refs)
        self.crawler.stats.inc_value(stats.SITEMAP_ARTICLE_LINKS, articles)

    def _sitemap_requests(self, listed: Iterable[tuple[str, str]]) -> Iterator[Request]:
        """Of the sitemaps listed (loc, lastmod), the newest within CRAWLER_MAX_SITEMAPS."""
        chosen, cut = self.sitemaps.sitemaps(listed)
        self.crawler.stats.inc_value(stats.SITEMAP_UNFETCHED, cut)
        for url in chosen:
            self.crawler.stats.inc_value(stats.SITEMAP_REQUESTED)
            yield self.fetch.get(url, callback=self.parse_sitemap, errback=self.on_discovery_error)

    def on_idle(self) -> None:
        """The sitemap links taken wait for this (the listings' discovery is done, nothing is
        queued), and are queued CRAWLER_MAX_QUEUED_REQUESTS at a time."""
        released, backlog = 0, self.sitemaps.backlog
        while released < self.config.max_queued_requests and backlog:
            for request in self._follow(backlog.popleft()):
                self.crawler.engine.crawl(request)  # type: ignore[union-attr]
                released += 1
        if released:
            raise DontCloseSpider

    def closed(self, reason: str) -> None:
        # Taken, but the run ended before their turn (a timeout, a signal): cut.
        self.crawler.stats.inc_value(stats.DISCOVERY_CUT, len(self.sitemaps.backlog))

    def parse_listing(self, response: Response, ref: PageRef, walk: Walk) -> list[Request]:
        # Read at once, not as the engine pulls: the articles an answer claims (its section on
        # their items) must not depend on how Scrapy interleaves the output of several answers
        # (CONCURRENT_ITEMS), and a replay of the WARC archive gives them to the first answer.
        return list(self._read_listing(response, ref, walk))

    def _read_listing(self, response: Response, ref: PageRef, walk: Walk) -> Iterator[Request]:
        try:
            result = e4.api_result(response.json())
        except (ValueError, e4.ApiError) as exc:
            self._skip("listing_unreadable", ref.url, str(exc))
            return
        self.crawler.stats.inc_value(stats.LISTING_ANSWERS)
        article_links = unseen = fetched = 0
        room = self.config.max_queued_requests - self._queued()  # for this answer's articles
        days: list[date] = []  # of the article cards: the newest decides the backfill's end
        for card in cards(result):
            target = classify(card.link, self.edition)
            if target is None or target.kind is not Kind.ARTICLE:
                yield from self._listing(target)
                continue
            article_links += 1
            if when := card.time(self.edition.tz):
                days.append(when.date())
                if self.options.before_since(when.date()):
                    continue
            if target.id not in self.seen_articles:
                unseen += 1
                requests = list(self._article(target, card=card, section=ref.url, room=room))
                fetched += bool(requests)
                room -= len(requests)
                yield from requests
        for link in module_links(result):
            yield from self._listing(classify(link, self.edition))
        if days:
            self.crawler.stats.min_value(stats.LISTING_OLDEST_DAY, min(days).isoformat())
        if not article_links:
            self.crawler.stats.inc_value(stats.LISTING_WITHOUT_ARTICLE_LINK)
        if not unseen:
            self.crawler.stats.inc_value(stats.LISTING_NO_NEW_ARTICLE)
        if ref.kind is Kind.SECTION:
            step = next_page(walk, unseen=unseen, fetched=fetched, newest=max(days, default=None),
                             since=self.options.since, config=self.config, section=ref.url,
                             links=article_links)
            if isinstance(step, Walk):
                yield self._listing_request(ref, step)
            elif step.stat:
                self.crawler.stats.inc_value(step.stat)

    def _follow(self, url: str) -> Iterator[Request]:
        """Requests for any outlet URL: an article, a listing, or a logged skip."""
        ref = classify(url, self.edition)
        if ref is None:
            self.crawler.stats.inc_value(stats.skipped("offsite"))
        elif ref.kind is Kind.ARTICLE:
            yield from self._article(ref)
        elif ref.kind in (Kind.SECTION, Kind.HOME):
            yield from self._listing(ref, kinds=(Kind.SECTION, Kind.HOME))
        else:
            self._skip(f"not_article/{ref.kind.value}", ref.url, "not an article page")

    def _listing(self, ref: PageRef | None, kinds: tuple[Kind, ...] = (Kind.SECTION,)) -> Iterator[Request]:
        """The first page of a listing of those kinds (cards lead to sections, not home), within
        CRAWLER_MAX_LISTINGS per run: sections are discovered, so their number is whatever the
        answers link (the depth of each walk has its own caps)."""
        if ref is None or ref.kind not in kinds or ref.url in self.seen_listings:
            return
        self.seen_listings.add(ref.url)
        if len(self.seen_listings) > self.config.max_listings:
            self.crawler.stats.inc_value(stats.LISTING_CUT)
            return
        yield self._listing_request(ref, Walk())

    # -- articles --------------------------------------------------------------------------

    def _article(self, ref: PageRef, card: Card | None = None, section: str | None = None,
                 room: int | None = None) -> Iterator[Request]:
        """The request for an article, unless it needs none. A listing's card is cut when its
        answer has no `room` left (CRAWLER_MAX_QUEUED_REQUESTS); sitemap links wait in their
        backlog instead, and pages asked for by URL are always requested."""
        assert ref.id is not None and ref.era is not None
        if ref.id in self.seen_articles:
            self.crawler.stats.inc_value(stats.DUPLICATE_LINK)
            return
        why = no_fetch_needed(self.archive, ref, card, self.edition, self.config)
        if room is not None and room <= 0 and why is None:
            self.crawler.stats.inc_value(stats.DISCOVERY_CUT)  # not seen: a later link may bring it
            return
        self.seen_articles.add(ref.id)
        self.crawler.stats.inc_value(stats.ARTICLES_DISCOVERED)
        if why:
            self.crawler.stats.inc_value(why)
            return
        lead = Lead.of(ref, card, section)
        if ref.linked_on_platform or self.edition.era(ref.era).api:
            # No retries: when the API fails, the article's own page is the next source.
            yield self.fetch.api(lead.url, callback=self.parse_article, cb_kwargs={"lead": lead},
                                 errback=self.on_api_error, priority=ARTICLE_PRIORITY,
                                 meta={"dont_retry": True}, article=ref.id)
        else:
            yield self._page_request(lead)

    def _queued(self) -> int:
        """Requests waiting in the scheduler, from its own stats (`engine.scheduler` is public
        only from Scrapy 2.19). The requests of a callback reach it some time after they are
        yielded (Scrapy takes up to 2 x CONCURRENT_ITEMS ahead): hence a room per answer."""
        value = self.crawler.stats.get_value
        return int(value("scheduler/enqueued", 0)) - int(value("scheduler/dequeued", 0))

    def _page_request(self, lead: Lead, via: Via = Via.PAGE, shell: str | None = None) -> Request:
        return self.fetch.page(lead.url, via, article=lead.ref.id, shell=shell, cb_kwargs={"lead": lead},
                               callback=self.parse_article, errback=self.on_article_error)

    def parse_article(self, response: Response, lead: Lead) -> Iterator[Any]:
        # The URL as the outlet's (under a base URL with a path, that path taken out).
        answer = Answer(self.fetch.outlet_url(response.url), response.body, response.headers,
                        response.meta["via"], record=response.meta.get("warc_record_id"))
        gate = Gate(self.config.max_body_chars, self.options.since, self.config.browser,
                    self.config.max_date_mismatch_days)
        outcome = extract(self.edition, lead.ref, answer, lead.pages, card=lead.card,
                          section=lead.section, gate=gate, run=CrawlContext.of(self.crawler).run)
        retry = self._at_next_address(lead, outcome)
        for name, amount in outcome.counts.items():  # a superseded page's coverage counts not
            if not (retry and name.startswith(stats.PAGE_COVERAGE)):
                self.crawler.stats.inc_value(name, amount)
        if retry:
            yield retry
            return
        if isinstance(outcome, Item):
            self.crawler.stats.inc_value(stats.article_ended("item"))
            yield outcome.article
        elif isinstance(outcome, Skip):
            self.crawler.stats.inc_value(stats.article_ended(f"skipped/{outcome.reason}"))
            if outcome.reason == "soft_404":
                self._gone(lead.ref, 404, stats.GONE_SOFT_404)
            self._skip(outcome.reason, lead.ref.url, outcome.detail)
        elif isinstance(outcome, Need) and outcome.what is Needed.NEXT_PAGE:
            yield self._page_request(replace(lead, pages=outcome.pages))
        elif isinstance(outcome, Need) and outcome.what is Needed.PAGE:
            logger.info("API answer for %s: %s; trying the page", lead.ref.url, outcome.detail)
            yield self._page_request(lead)
        else:
            self.crawler.stats.inc_value(stats.BROWSER_REQUESTS)
            yield self._page_request(lead, via=Via.BROWSER, shell=answer.record)

    def on_api_error(self, failure: Failure) -> Iterator[Request]:
        lead: Lead = failure.request.cb_kwargs["lead"]  # type: ignore[attr-defined]
        self.crawler.stats.inc_value(stats.API_FAILED)
        logger.info("API request failed for %s (%s); trying the page", lead.ref.url, failure.getErrorMessage())
        yield self._page_request(lead)

    def on_article_error(self, failure: Failure) -> Iterator[Request]:
        lead: Lead = failure.request.cb_kwargs["lead"]  # type: ignore[attr-defined]
        if retry := self._at_next_address(lead):
            yield retry
            return
        cause = self._failed(failure)
        self.crawler.stats.inc_value(stats.article_ended(f"failed/{cause}"))
        if cause in GONE:  # 5xx and timeouts are not gone: the next run tries again
            status = failure.value.response.status
            self._gone(lead.ref, status, stats.gone(status))
        self._skip("fetch_failed", lead.ref.url, failure.getErrorMessage())

    def _gone(self, ref: PageRef, status: int, stat: str) -> None:
        """Recorded, so that a listing that keeps it is not followed into it each run."""
        if self.archive is not None:
            self.archive.mark_gone(ref.id, status)  # type: ignore[arg-type]
            self.crawler.stats.inc_value(stat)

    def on_discovery_error(self, failure: Failure) -> None:
        self._failed(failure)
        self._skip("discovery_failed", failure.request.url, failure.getErrorMessage())  # type: ignore[attr-defined]

    def _failed(self, failure: Failure) -> str:
        """Why a request failed for good; a block that cost a page is counted."""
        if (cause := failure_cause(failure)) in BLOCKED:
            self.crawler.stats.inc_value(stats.BLOCKED_UNRECOVERED)
        return cause

    def _at_next_address(self, lead: Lead, outcome: Outcome | None = None) -> Request | None:
        """The article at its next address, when this one did not have it (or failed)."""
        if (elsewhere := lead.next_address(outcome)) is None:
            return None
        self.crawler.stats.inc_value(stats.NEXT_ADDRESS)
        return self._page_request(elsewhere)

    def _listing_request(self, ref: PageRef, walk: Walk) -> Request:
        self.crawler.stats.inc_value(stats.LISTING_REQUESTED)
        return self.fetch.api(walk.url(ref.url), callback=self.parse_listing,
                              errback=self.on_discovery_error, cb_kwargs={"ref": ref, "walk": walk})

    def _skip(self, reason: str, url: str, detail: str) -> None:
        self.crawler.stats.inc_value(stats.skipped(reason))
        logger.info("skipped %s: %s (%s)", url, reason, detail)
