"""The `cri` spider: discovery over the outlet's four eras, and dispatch to the era parsers.

Modes (spider arguments, see the README):
- none: monitoring discovery: robots.txt and sitemaps, the E4 API home page, the sections it
  links to and their first page of cards;
- `since=YYYY-MM-DD`: backfill: section pagination and sitemaps down to that date;
- `urls=...` / `url_file=...`: exactly these pages;
- `base_url=http://HOST:PORT`: every outlet URL is fetched from there (the local replica),
  items keep canonical URLs.
"""

from __future__ import annotations

import codecs
import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import UsageError
from scrapy.http import JsonRequest, Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler.config import CrawlerConfig
from crawler.edition import Edition, load_edition
from crawler.items import Article
from crawler.articles import build_article
from crawler.parsers import HTML_PARSERS, Extract, e4, fallback, merge_pages
from crawler.parsers.interstitial import interstitial
from crawler.parsers.listing import Card, cards, module_links
from crawler.urls import Kind, PageRef, classify, rebase
from pipelines._state import ArchiveState

logger = logging.getLogger(__name__)

ARTICLE_PRIORITY = 10  # articles before more listings: items flow while discovery goes on
LATIN_SINGLE_BYTE = {"cp1252", "iso8859-1", "ascii"}  # codecs' names, also for latin-1, us-ascii


@dataclass(frozen=True)
class CrawlOptions:
    """The spider arguments, checked before any request."""

    since: date | None = None
    urls: tuple[str, ...] = ()
    base_url: str | None = None

    @classmethod
    def parse(
        cls,
        edition: Edition,
        since: str | None = None,
        urls: str | None = None,
        url_file: str | None = None,
        base_url: str | None = None,
    ) -> CrawlOptions:
        parsed_since = None
        if since:
            try:
                parsed_since = date.fromisoformat(since.strip())
            except ValueError:
                raise UsageError(f"since={since!r} is not a date (YYYY-MM-DD)") from None
        if base_url:
            parts = urlsplit(base_url.strip())
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise UsageError(f"base_url={base_url!r} is not an http(s) URL")
            base_url = f"{parts.scheme}://{parts.netloc}"
        listed = [u.strip() for u in (urls or "").split(",") if u.strip()]
        if url_file:
            try:
                text = Path(url_file).read_text(encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"url_file={url_file!r}: {exc.strerror}") from None
            listed += [
                line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
            ]
        for url in listed:
            if classify(url, edition) is None:
                raise UsageError(f"not a URL of {edition.canonical_host}: {url}")
        return cls(since=parsed_since, urls=tuple(listed), base_url=base_url)


class CriSpider(scrapy.Spider):
    name = "cri"

    def __init__(
        self,
        since: str | None = None,
        urls: str | None = None,
        url_file: str | None = None,
        base_url: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._args = {"since": since, "urls": urls, "url_file": url_file, "base_url": base_url}

    @classmethod
    def check_arguments(cls, settings: Any, **kwargs: Any) -> CrawlOptions:
        """The spider arguments, checked; UsageError (one line) before any request."""
        config = CrawlerConfig.from_settings(settings)
        known = {"since", "urls", "url_file", "base_url"}
        return CrawlOptions.parse(
            load_edition(config.edition), **{k: v for k, v in kwargs.items() if k in known}
        )

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> CriSpider:
        spider: CriSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.config = CrawlerConfig.from_settings(crawler.settings)
        spider.edition = load_edition(spider.config.edition)
        spider.options = cls.check_arguments(crawler.settings, **spider._args)
        spider.seen_articles: set[str] = set()
        spider.seen_listings: set[str] = set()
        spider.archive = None  # the archive state, once the store has opened it
        return spider

    # -- discovery -------------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Request]:
        state = ArchiveState.of(self.crawler)
        # Incremental: what the archive holds is not fetched again (the store opened the state
        # in open_spider, before start). Pages asked for by URL are always fetched.
        self.archive = state if state.is_open and not self.options.urls else None
        if self.options.urls:
            for url in self.options.urls:
                for request in self._follow(url):
                    yield request
            return
        home = f"https://{self.edition.canonical_host}"
        yield Request(self._fetch_url(home + "/robots.txt"), callback=self.parse_robots,
                      errback=self.on_discovery_error)
        for request in self._listing(PageRef(Kind.HOME, home + "/")):
            yield request

    def parse_robots(self, response: Response) -> Iterator[Request]:
        found = list(sitemap_urls_from_robots(response.body, base_url=response.url))
        if not found:
            found = [f"https://{self.edition.canonical_host}/sitemap_index.xml"]
        for url in found:
            yield Request(self._fetch_url(url), callback=self.parse_sitemap,
                          errback=self.on_discovery_error)

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
                    yield Request(self._fetch_url(loc), callback=self.parse_sitemap,
                                  errback=self.on_discovery_error)
                continue
            lastmod = entry.get("lastmod", "")
            if self._before_since(lastmod[:10]):
                continue
            yield from self._follow(loc)

    def parse_listing(self, response: Response, ref: PageRef, page: int, empty_run: int) -> Iterator[Request]:
        try:
            result = e4.api_result(response.json())
        except (ValueError, e4.ApiError) as exc:
            self._skip("listing_unreadable", ref.url, str(exc))
            return
        stats = self.crawler.stats
        stats.inc_value("cri/listing/answers")
        article_links = unseen = fetched = 0
        newest: date | None = None
        for card in cards(result):
            target = classify(card.link, self.edition)
            if target is None or target.kind is not Kind.ARTICLE:
                if target is not None and target.kind is Kind.SECTION:
                    yield from self._listing(target)
                continue
            article_links += 1
            card_day = self._card_date(card)
            if card_day and (newest is None or card_day > newest):
                newest = card_day
            if card_day and self._before_since(card_day.isoformat()):
                continue
            if target.id not in self.seen_articles:
                unseen += 1
                requests = list(self._article(target, card=card, section=ref.url))
                fetched += bool(requests)
                yield from requests
        for link in module_links(result):
            target = classify(link, self.edition)
            if target is not None and target.kind is Kind.SECTION:
                yield from self._listing(target)
        if not article_links:
            stats.inc_value("cri/listing/without_article_link")
        if not unseen:
            stats.inc_value("cri/listing/no_new_article")
        if ref.kind is not Kind.SECTION:
            return
        if self.options.since is not None:
            # Backfill: on through pages of articles already stored (an interrupted backfill
            # goes on where it stopped) until the date, or pages that bring nothing unseen.
            yield from self._next_page(ref, page, 0 if unseen else empty_run + 1, newest)
        elif fetched and page < self.config.monitor_max_pages:
            # Monitoring: the next page only while this one brought articles to fetch.
            yield from self._next_page(ref, page, 0, newest)

    def _next_page(self, ref: PageRef, page: int, empty_run: int, newest: date | None) -> Iterator[Request]:
        if empty_run >= self.config.empty_pages_stop:
            self.crawler.stats.inc_value("cri/listing/stopped_empty")
            return
        if newest is not None and self.options.since and newest < self.options.since:
            # Every card here is older than the backfill date. Not the oldest card: migrated
            # articles keep their old date among new ones, so one old card proves nothing.
            return
        if page >= self.config.max_listing_pages:
            self.crawler.stats.inc_value("cri/listing/page_cap")
            logger.warning("section %s: stopped at the page cap (%d)", ref.url, page)
            return
        yield self._api_request(
            f"{ref.url}?page={page + 1}", self.parse_listing,
            cb_kwargs={"ref": ref, "page": page + 1, "empty_run": empty_run},
        )

    def _follow(self, url: str) -> Iterator[Request]:
        """Requests for any outlet URL: an article, a listing, or a logged skip."""
        ref = classify(url, self.edition)
        if ref is None:
            self.crawler.stats.inc_value("cri/skipped/offsite")
        elif ref.kind is Kind.ARTICLE:
            yield from self._article(ref)
        elif ref.kind in (Kind.SECTION, Kind.HOME):
            yield from self._listing(ref)
        else:
            self._skip(f"not_article/{ref.kind.value}", ref.url, "not an article page")

    def _listing(self, ref: PageRef) -> Iterator[Request]:
        if ref.url in self.seen_listings:
            return
        self.seen_listings.add(ref.url)
        yield self._api_request(
            ref.url, self.parse_listing, cb_kwargs={"ref": ref, "page": 1, "empty_run": 0}
        )

    # -- articles --------------------------------------------------------------------------

    def _article(self, ref: PageRef, card: Card | None = None, section: str | None = None) -> Iterator[Request]:
        if ref.id in self.seen_articles:
            self.crawler.stats.inc_value("cri/duplicate_link")
            return
        self.seen_articles.add(ref.id)  # type: ignore[arg-type]
        if self.archive is not None and self.archive.is_gone(ref.id, self.config.gone_recheck_days):  # type: ignore[arg-type]
            self.crawler.stats.inc_value("cri/skipped/gone")
            return
        if self._settled(ref, card):
            self.crawler.stats.inc_value("cri/skipped/known")
            return
        context = {"ref": ref, "card": card, "section": section}
        if ref.era == "E4":
            # No retries: when the API fails, the article's own page is the next source.
            yield self._api_request(ref.url, self.parse_api_article, cb_kwargs=context,
                                    errback=self.on_api_error, priority=ARTICLE_PRIORITY,
                                    meta={"dont_retry": True})
        else:
            yield self._html_request(ref, context)

    def _html_request(self, ref: PageRef, context: dict[str, Any], page: int = 1,
                      done: Extract | None = None) -> Request:
        return Request(
            self._fetch_url(ref.page_url(page)),
            callback=self.parse_article_html,
            errback=self.on_article_error,
            cb_kwargs={**context, "page": page, "done": done},
            priority=ARTICLE_PRIORITY,
        )

    def parse_api_article(self, response: Response, ref: PageRef, card: Card | None,
                          section: str | None) -> Iterator[Any]:
        context = {"ref": ref, "card": card, "section": section}
        try:
            extract = e4.parse_api_article(e4.api_result(response.json()))
        except (ValueError, e4.ApiError) as exc:
            self.crawler.stats.inc_value("cri/api/unusable")
            logger.info("API gave no article for %s (%s); trying the page", ref.url, str(exc)[:200])
            yield self._html_request(ref, context)
            return
        if not extract.paragraphs:
            self.crawler.stats.inc_value("cri/api/no_body")
            logger.info("API answer for %s has no body; trying the page", ref.url)
            yield self._html_request(ref, context)
            return
        yield from self._item(ref, extract, card, section)

    def on_api_error(self, failure: Failure) -> Iterator[Request]:
        request = failure.request  # type: ignore[attr-defined]
        self.crawler.stats.inc_value("cri/api/failed")
        logger.info("API request failed for %s (%s); trying the page",
                    request.cb_kwargs["ref"].url, failure.getErrorMessage())
        context = {k: request.cb_kwargs[k] for k in ("ref", "card", "section")}
        yield self._html_request(context["ref"], context)

    def parse_article_html(self, response: Response, ref: PageRef, card: Card | None,
                           section: str | None, page: int, done: Extract | None) -> Iterator[Any]:
        if not hasattr(response, "text"):
            self._skip("not_html", ref.url, f"content type {response.headers.get('Content-Type')!r}")
            return
        html = self._page_text(response)
        if (wall := interstitial(html)) is not None:
            # A maintenance page, a captcha or a consent wall: an article page without its
            # article (so it counts in the health check `no_body_share`), never an item.
            self.crawler.stats.inc_value(f"cri/interstitial/{wall}")
            self.crawler.stats.inc_value("cri/pages/articles_parsed")
            self._skip("no_body", ref.url, f"{wall} page instead of the article")
            return
        try:
            extract = HTML_PARSERS[ref.era](html, response.url)  # type: ignore[index]
        except RecursionError:
            # Thousands of nested elements: no article page looks like that.
            self._skip("too_deep", ref.url, "markup nested too deeply to read")
            return
        if response.meta.get("playwright"):
            extract = replace(extract, method="browser")
        if done is not None:  # a later page of a multi-page E1 article
            extract = merge_pages([done, extract])
        if page < extract.pages:
            yield self._html_request(ref, {"ref": ref, "card": card, "section": section},
                                     page=page + 1, done=extract)
            return
        if not extract.paragraphs and not extract.more_pages:
            if ref.era == "E4" and e4.is_shell(html) and not response.meta.get("playwright"):
                yield from self._browser_request(ref, card, section)
                return
            generic = fallback.parse(html, response.url)
            if generic.paragraphs:
                extract = replace(extract, paragraphs=generic.paragraphs, method="fallback",
                                  headline=extract.headline or generic.headline)
        yield from self._item(ref, extract, card, section)

    def _browser_request(self, ref: PageRef, card: Card | None, section: str | None) -> Iterator[Request]:
        if not self.config.browser:
            self._skip("shell_without_browser", ref.url, "client-rendered page and CRAWLER_BROWSER is off")
            return
        self.crawler.stats.inc_value("cri/browser/requests")
        yield Request(
            self._fetch_url(ref.url),
            callback=self.parse_article_html,
            errback=self.on_article_error,
            cb_kwargs={"ref": ref, "card": card, "section": section, "page": 1, "done": None},
            meta={
                "playwright": True,
                "playwright_page_goto_kwargs": {
                    "wait_until": "networkidle",
                    "timeout": self.config.browser_timeout_ms,
                },
            },
            priority=ARTICLE_PRIORITY,
            dont_filter=True,  # the same URL was fetched once without the browser
        )

    def on_article_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        ref = request.cb_kwargs.get("ref")
        status = failure.value.response.status if failure.check(HttpError) else None
        if status in (404, 410) and ref is not None and self.archive is not None:
            # Gone: recorded, so that a listing that keeps it is not followed into it each run
            # (5xx and timeouts are not: the next run tries again).
            self.archive.mark_gone(ref.id, status)
            self.crawler.stats.inc_value(f"cri/gone/{status}")
        self._skip("fetch_failed", ref.url if ref else request.url, failure.getErrorMessage())

    def on_discovery_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        self._skip("discovery_failed", request.url, failure.getErrorMessage())

    # -- items -----------------------------------------------------------------------------

    def _item(self, ref: PageRef, extract: Extract, card: Card | None, section: str | None) -> Iterator[Article]:
        item = build_article(self.edition, ref, extract, card=card, section=section)
        stats = self.crawler.stats
        stats.inc_value("cri/pages/articles_parsed")
        for name in ("headline", "published", "body"):
            if getattr(item, name):
                stats.inc_value(f"cri/fields/{name}")
        if not item.body:
            self._skip("no_body", ref.url, "no article text found")
            return
        if len(item.body) > self.config.max_body_chars:
            self._skip("body_too_long", ref.url,
                       f"{len(item.body)} characters, over CRAWLER_MAX_BODY_CHARS")
            return
        if not item.published:
            self._skip("no_date", ref.url, "no readable publication time")
            return
        if self._before_since(item.published[:10]):
            self.crawler.stats.inc_value("cri/skipped/before_since")
            return
        stats.inc_value(f"cri/extraction/{item.extraction}")
        stats.inc_value(f"cri/items/era/{item.era}")
        yield item

    # -- helpers ---------------------------------------------------------------------------

    def _api_request(self, page_url: str, callback: Any, cb_kwargs: dict[str, Any],
                     errback: Any = None, priority: int = 0,
                     meta: dict[str, Any] | None = None) -> JsonRequest:
        api = self._fetch_url(f"https://{self.edition.canonical_host}/api/getData")
        return JsonRequest(api, data={"id": page_url}, callback=callback, cb_kwargs=cb_kwargs,
                           errback=errback or self.on_discovery_error, priority=priority,
                           meta=meta)

    def _fetch_url(self, url: str) -> str:
        return rebase(url, self.options.base_url)

    def _settled(self, ref: PageRef, card: Card | None) -> bool:
        """Stored, and published before the recheck window: no need to fetch it again."""
        if self.archive is None:
            return False
        entry = self.archive.lookup(ref.id)  # type: ignore[arg-type]
        if entry is None:
            return False
        published = self._published_hint(entry.published, card, ref)
        if published is None:
            return True
        window = timedelta(hours=self.config.recheck_hours)
        return published < datetime.now(timezone.utc) - window

    def _published_hint(self, stored: str | None, card: Card | None, ref: PageRef) -> datetime | None:
        """The best publication time known before fetching: the archive's, the card's, the URL's."""
        if stored:
            try:
                return datetime.fromisoformat(stored)
            except ValueError:
                pass
        if (when := self._card_time(card)) is not None:
            return when
        if ref.url_date is not None:
            return datetime.combine(ref.url_date, time(), self.edition.tz)
        return None

    def _card_time(self, card: Card | None) -> datetime | None:
        """The card's publication time (epoch milliseconds); None on navigation cards."""
        if card is None or not card.date.isdigit():
            return None
        try:
            return datetime.fromtimestamp(int(card.date) / 1000, self.edition.tz)
        except (OverflowError, ValueError, OSError):
            return None

    def _card_date(self, card: Card) -> date | None:
        when = self._card_time(card)
        return when.date() if when else None

    def _before_since(self, day: str) -> bool:
        if not self.options.since or not day:
            return False
        try:
            return date.fromisoformat(day[:10]) < self.options.since
        except ValueError:
            return False

    def _page_text(self, response: Response) -> str:
        """The page as text. Bytes that are valid UTF-8 (and not ASCII) under a declared
        single-byte Latin charset are UTF-8: a server's default header, not the page's
        encoding (valid UTF-8 by chance in real cp1252 text needs odd letter pairs, never
        Polish). Replacement characters (bytes the encoding cannot read) are counted."""
        text = response.text  # type: ignore[attr-defined]
        body = response.body
        try:
            declared = codecs.lookup(response.encoding).name  # type: ignore[attr-defined]
        except LookupError:
            declared = ""
        if declared in LATIN_SINGLE_BYTE and not body.isascii():
            try:
                text = body.decode("utf-8")
                self.crawler.stats.inc_value("cri/encoding/utf8_under_latin_charset")
            except UnicodeDecodeError:
                pass
        if replaced := text.count("\ufffd"):
            self.crawler.stats.inc_value("cri/encoding/replacement_chars", replaced)
            self.crawler.stats.inc_value("cri/encoding/pages_with_replacements")
        return text

    def _skip(self, reason: str, url: str, detail: str) -> None:
        self.crawler.stats.inc_value(f"cri/skipped/{reason}")
        logger.info("skipped %s: %s (%s)", url, reason, detail)
