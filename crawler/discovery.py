"""Discovery policy: which of the outlet's links one crawl fetches.

Each article once (by its id), each listing once (by its URL), within the run's caps
(CRAWLER_MAX_LISTINGS, CRAWLER_MAX_QUEUED_REQUESTS, the sitemap budget of `crawler/sitemaps.py`),
none that the archive already holds (`crawler/incremental.py`), and each section's walk as far
as `crawler/pagination.py` says. It makes no request and needs no engine: what it finds is a
`Lead` (an article to fetch) or a `ListingPage` (a listing page to read), and the spider turns
each into one request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scrapy.statscollectors import StatsCollector
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler import stats
from crawler.archive import ArchiveState
from crawler.config import CrawlerConfig
from crawler.editions import Edition
from crawler.cascade import Lead
from crawler.incremental import no_fetch_needed
from crawler.options import CrawlOptions
from crawler.pagination import Walk, next_page
from crawler.parsers import e4
from crawler.parsers.listing import Card, cards, module_links
from crawler.sitemaps import SitemapBudget
from crawler.urls import Kind, PageRef, classify

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ListingPage:
    """A page of a listing (home or section) to read, and where its walk stands."""

    ref: PageRef
    walk: Walk = field(default_factory=Walk)

    @property
    def url(self) -> str:
        return self.walk.url(self.ref.url)


Found = Lead | ListingPage


def count_skip(counter: StatsCollector, reason: str, url: str, detail: str) -> None:
    """A page or answer left unread: counted under its reason and logged."""
    counter.inc_value(stats.skipped(reason))
    logger.info("skipped %s: %s (%s)", url, reason, detail)


class Discovery:
    """What one crawl has found and still may fetch (its sets of seen ids and listings hold
    one entry per article or listing of the run)."""

    def __init__(self, edition: Edition, config: CrawlerConfig, options: CrawlOptions,
                 counter: StatsCollector, archive: ArchiveState | None = None) -> None:
        self.edition, self.config, self.options, self.stats = edition, config, options, counter
        self.archive = archive  # when the crawl is incremental: what it holds is not fetched
        self.sitemaps = SitemapBudget(config.max_sitemap_urls, config.max_sitemaps, edition.tz)
        self.seen_articles, self.seen_listings = set[str](), set[str]()

    def follow(self, url: str) -> Iterator[Found]:
        """What any outlet URL leads to: an article, a listing, or a counted skip."""
        ref = classify(url, self.edition)
        if ref is None:
            self.stats.inc_value(stats.skipped("offsite"))
        elif ref.kind is Kind.ARTICLE:
            yield from self.article(ref)
        elif ref.kind in (Kind.SECTION, Kind.HOME):
            yield from self.listing(ref, kinds=(Kind.SECTION, Kind.HOME))
        else:
            count_skip(self.stats, f"not_article/{ref.kind.value}", ref.url, "not an article page")

    def listing(self, ref: PageRef | None,
                kinds: tuple[Kind, ...] = (Kind.SECTION,)) -> Iterator[ListingPage]:
        """The first page of a listing of those kinds (cards lead to sections, not home), within
        CRAWLER_MAX_LISTINGS per run: sections are discovered, so their number is whatever the
        answers link (the depth of each walk has its own caps)."""
        if ref is None or ref.kind not in kinds or ref.url in self.seen_listings:
            return
        self.seen_listings.add(ref.url)
        if len(self.seen_listings) > self.config.max_listings:
            self.stats.inc_value(stats.LISTING_CUT)
            return
        yield ListingPage(ref)

    def article(self, ref: PageRef, card: Card | None = None, section: str | None = None,
                room: int | None = None) -> Iterator[Lead]:
        """The article to fetch, unless it needs no fetch. A listing's card is cut when its
        answer has no `room` left (CRAWLER_MAX_QUEUED_REQUESTS); sitemap links wait in their
        backlog instead, and pages asked for by URL are always fetched."""
        assert ref.id is not None and ref.era is not None
        if ref.id in self.seen_articles:
            self.stats.inc_value(stats.DUPLICATE_LINK)
            return
        why = no_fetch_needed(self.archive, ref, card, self.edition, self.config)
        if room is not None and room <= 0 and why is None:
            self.stats.inc_value(stats.DISCOVERY_CUT)  # not seen: a later link may bring it
            return
        self.seen_articles.add(ref.id)
        self.stats.inc_value(stats.ARTICLES_DISCOVERED)
        if why:
            self.stats.inc_value(why)
            return
        yield Lead.of(ref, card, section)

    def gone(self, ref: PageRef, status: int, stat: str) -> None:
        """An article the outlet no longer has, recorded so that a listing that keeps it is not
        followed into it each run (`crawler/incremental.py` rechecks it after some days)."""
        if self.archive is not None:
            self.archive.mark_gone(ref.id, status)  # type: ignore[arg-type]
            self.stats.inc_value(stat)

    # -- listings ------------------------------------------------------------------------------

    def read_listing(self, answer: Any, page: ListingPage) -> list[Found]:
        """What a listing's API answer (parsed JSON; e4.ApiError when it holds no listing) leads
        to: its articles, the sections it links and its walk's next page. Read whole, at once:
        the articles an answer claims (its section on their items) must not depend on how Scrapy
        interleaves the output of several answers, and a replay of the WARC archive gives them
        to the first answer too."""
        result = e4.api_result(answer)
        self.stats.inc_value(stats.LISTING_ANSWERS)
        found: list[Found] = []
        article_links = unseen = fetched = 0
        room = self.config.max_queued_requests - self._queued()  # for this answer's articles
        days: list[date] = []  # of the article cards: the newest decides the backfill's end
        for card in cards(result):
            target = classify(card.link, self.edition)
            if target is None or target.kind is not Kind.ARTICLE:
                found += self.listing(target)
                continue
            article_links += 1
            if when := card.time(self.edition.tz):
                days.append(when.date())
                if self.options.before_since(when.date()):
                    continue
            if target.id not in self.seen_articles:
                unseen += 1
                leads = list(self.article(target, card=card, section=page.ref.url, room=room))
                fetched += bool(leads)
                room -= len(leads)
                found += leads
        for link in module_links(result):
            found += self.listing(classify(link, self.edition))
        if days:
            self.stats.min_value(stats.LISTING_OLDEST_DAY, min(days).isoformat())
        if not article_links:
            self.stats.inc_value(stats.LISTING_WITHOUT_ARTICLE_LINK)
        if not unseen:
            self.stats.inc_value(stats.LISTING_NO_NEW_ARTICLE)
        if page.ref.kind is Kind.SECTION:
            step = next_page(page.walk, unseen=unseen, fetched=fetched,
                             newest=max(days, default=None), since=self.options.since,
                             config=self.config, section=page.ref.url, links=article_links)
            if isinstance(step, Walk):
                found.append(ListingPage(page.ref, step))
            elif step.stat:
                self.stats.inc_value(step.stat)
        return found

    def _queued(self) -> int:
        """Requests waiting in the scheduler, from its own stats (`engine.scheduler` is public
        only from Scrapy 2.19). The requests of a callback reach it some time after they are
        yielded (Scrapy takes up to 2 x CONCURRENT_ITEMS ahead): hence a room per answer."""
        value = self.stats.get_value
        return int(value("scheduler/enqueued", 0)) - int(value("scheduler/dequeued", 0))

    # -- sitemaps ------------------------------------------------------------------------------

    def sitemaps_in_robots(self, robots: bytes, here: str) -> list[str]:
        """The sitemaps to fetch of those robots.txt lists (relative `Sitemap:` lines are read
        against `here`, the outlet's URL of robots.txt), or of the edition's sitemap path."""
        found = list(sitemap_urls_from_robots(robots, base_url=here))
        listed = found or [f"https://{self.edition.canonical_host}{self.edition.sitemap_path}"]
        return self._sitemaps((url, "") for url in listed)

    def read_sitemap(self, sitemap: Sitemap) -> list[str]:
        """Of an index, its newest sitemaps to fetch; of a sitemap, its newest URLs, into the
        backlog that `release` empties: both within the run's caps. The entries are read one by
        one, never all held."""
        self.stats.inc_value(stats.SITEMAP_ANSWERS)
        entries = ((entry.get("loc", ""), entry.get("lastmod", "")) for entry in sitemap)
        if sitemap.type == "sitemapindex":
            return self._sitemaps(e for e in entries if classify(e[0], self.edition))
        recent = (e for e in entries if not self.options.before_since(e[1][:10]))
        taken, cut = self.sitemaps.take(recent)
        self.stats.inc_value(stats.SITEMAP_CUT, cut)
        refs = [classify(loc, self.edition) for loc in taken]
        articles = sum(ref is not None and ref.kind is Kind.ARTICLE for ref in refs)
        self.stats.inc_value(stats.SITEMAP_ARTICLE_LINKS, articles)
        return []

    def _sitemaps(self, listed: Iterable[tuple[str, str]]) -> list[str]:
        """Of the sitemaps listed (loc, lastmod), the newest within CRAWLER_MAX_SITEMAPS."""
        chosen, cut = self.sitemaps.sitemaps(listed)
        self.stats.inc_value(stats.SITEMAP_UNFETCHED, cut)
        self.stats.inc_value(stats.SITEMAP_REQUESTED, len(chosen))
        return chosen

    def release(self) -> Iterator[Found]:
        """The sitemap links taken, once the listings' discovery is done and nothing is queued:
        CRAWLER_MAX_QUEUED_REQUESTS to fetch at a time."""
        released, backlog = 0, self.sitemaps.backlog
        while released < self.config.max_queued_requests and backlog:
            for found in self.follow(backlog.popleft()):
                released += 1
                yield found

    def close(self) -> None:
        """Taken from sitemaps, but the run ended before their turn (a timeout, a signal): cut."""
        self.stats.inc_value(stats.DISCOVERY_CUT, len(self.sitemaps.backlog))
