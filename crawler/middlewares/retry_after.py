"""Retry-After: a 429 or 503 that says how long to wait is waited out before the retry.

Scrapy's RetryMiddleware retries a 429/503 at once. With a readable `Retry-After`
(delay-seconds or an HTTP date, RFC 9110 10.2.3), this middleware:

- holds the host's download slot that long, capped at CRAWLER_RETRY_AFTER_MAX (a longer value
  waits the cap and says so in a WARNING). The hold starts on the `response_downloaded` signal,
  which the downloader sends before it hands the slot its next request. Requests to the host
  not yet in the slot wait in `process_request`; those already queued in it wait because the
  slot's last request time is pushed forward (that needs a slot delay, which DOWNLOAD_DELAY or
  AutoThrottle give). Other hosts are not held;
- sits just after RetryMiddleware in DOWNLOADER_MIDDLEWARES (560 > 550), so it sees the
  response first, and retries through `get_retry_request` at once: the retry waits for the
  hold like any request to the host, and RETRY_TIMES, `dont_retry`, `max_retry_times` and
  RETRY_HTTP_CODES still bound it; the retry stats stay Scrapy's. When no retry is left, the
  response goes on untouched and RetryMiddleware gives up as usual (logged once).

Without the header, or with one that is not a delay (garbage, negative), RetryMiddleware does
its normal retry. Stats: `retry_after/waits`, `retry_after/seconds` (their sum),
`retry_after/capped`, `retry_after/unreadable`.

When the crawl begins to close (the `crawl_closing` signal of crawler/extensions/shutdown.py:
SIGTERM, SIGINT, a time or memory bound), no hold keeps it open: the holds are released, the
requests waiting for one are woken and dropped (`shutdown/dropped_requests`), not sent (the host
asked us to wait; the next run fetches them), and no new hold is taken. The extension drops
those queued in the slot and sets its delay to 0.

Scrapy internals relied on: `engine.downloader.slots`, `Downloader.get_slot_key()`, the
`download_slot` meta key, the order of `Downloader._download` (signal, then the slot's queue),
and `Slot.lastseen` (monotonic time of the slot's last request, which
`Downloader._process_queue` adds the slot delay to).
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from time import monotonic
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.core.downloader import Downloader
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message
from twisted.internet.defer import Deferred

from crawler.context import CrawlContext
from crawler.extensions.shutdown import DROPPED, crawl_closing, dropped

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

logger = logging.getLogger(__name__)

STATUSES = frozenset({429, 503})
WAITED = "retry_after_wait"  # request meta: seconds the host was held for this response
_SECONDS = re.compile(r"[0-9]+(?:\.[0-9]+)?")


def parse_retry_after(value: str | bytes, now: datetime | None = None) -> float | None:
    """Seconds to wait for a Retry-After value (delay-seconds or an HTTP date), or None when
    it is neither. A date in the past means 0; nothing is capped here."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    text = value.strip()
    if _SECONDS.fullmatch(text):
        return float(text)  # digits only (a fraction is tolerated); absurdly long: inf
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # asctime and zone-less forms are GMT by definition
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware:
    """Waits out a 429/503 Retry-After (capped) on the host's slot, then retries."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.cap = CrawlContext.of(crawler).config.retry_after_max
        self.retry_enabled = settings.getbool("RETRY_ENABLED")
        self.retry_codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.max_retry_times = settings.getint("RETRY_TIMES")
        self._holds: dict[str, float] = {}  # download slot key -> monotonic time it opens
        self._waiting: set[Deferred[None]] = set()  # one per request waiting for a hold
        self._closing: str | None = None  # the reason, once the crawl began to close

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        middleware = cls(crawler)
        # The downloader sends this before it hands the slot its next request, and before the
        # response reaches any middleware: the hold is in place in time.
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(middleware.crawl_closing, signal=crawl_closing)
        return middleware

    @property
    def _downloader(self) -> Downloader:
        return self.crawler.engine.downloader

    async def process_request(self, request: Request) -> None:
        if not self._holds:
            return
        key = self._downloader.get_slot_key(request)
        while (remaining := self._holds.get(key, 0.0) - monotonic()) > 0:
            await self._wait(remaining)  # the hold may have been pushed on meanwhile: look again
            if self._closing is not None:
                self.stats.inc_value(DROPPED)
                raise dropped(self._closing, request)
        self._holds.pop(key, None)

    async def _wait(self, seconds: float) -> None:
        """Sleeps `seconds`, or until the crawl begins to close."""
        woken: Deferred[None] = Deferred()
        timer = call_later(seconds, woken.callback, None)
        self._waiting.add(woken)
        try:
            await maybe_deferred_to_future(woken)
        finally:
            self._waiting.discard(woken)
            timer.cancel()

    def crawl_closing(self, reason: str) -> int:
        """The crawl closes: every hold released; the requests waiting wake up to be dropped.
        Returns how many."""
        self._closing = reason
        self._holds.clear()
        waiting = list(self._waiting)
        for woken in waiting:
            if not woken.called:
                woken.callback(None)
        return len(waiting)

    def response_downloaded(self, response: Response, request: Request) -> None:
        """Holds the host's slot for a 429/503 with a readable Retry-After."""
        if response.status not in STATUSES or self._closing is not None:
            return
        header = response.headers.get(b"Retry-After")
        if header is None:
            return
        host = urlparse_cached(request).netloc
        asked = parse_retry_after(header)
        if asked is None:
            self.stats.inc_value("retry_after/unreadable")
            logger.info("HTTP %d from %s with an unreadable Retry-After %r: normal retry",
                        response.status, host, header)
            return
        wait = min(asked, self.cap)
        self._hold(request, wait)
        request.meta[WAITED] = wait
        self.stats.inc_value("retry_after/waits")
        seconds = self.stats.get_value("retry_after/seconds", 0.0) + wait
        self.stats.set_value("retry_after/seconds", seconds)
        if asked > self.cap:
            self.stats.inc_value("retry_after/capped")
            logger.warning(
                "HTTP %d from %s asks Retry-After %g s, over CRAWLER_RETRY_AFTER_MAX: the host "
                "waits %g s", response.status, host, asked, wait,
            )
        else:
            retrying = self._retries_left(request, response)
            logger.info("HTTP %d from %s, Retry-After %g s: the host waits that long%s",
                        response.status, host, wait, " before the retry" if retrying else "")

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.pop(WAITED, None) is None or not self._retries_left(request, response):
            return response  # RetryMiddleware's turn: a normal retry, or it gives up
        assert self.crawler.spider is not None
        retry = get_retry_request(
            request,
            spider=self.crawler.spider,
            reason=response_status_message(response.status),
            max_retry_times=request.meta.get("max_retry_times"),
            priority_adjust=request.meta.get("priority_adjust"),
            give_up_log_level=request.meta.get("give_up_log_level"),
        )
        return retry or response

    def _retries_left(self, request: Request, response: Response) -> bool:
        """Whether RetryMiddleware would retry this response (its rules)."""
        if not self.retry_enabled or request.meta.get("dont_retry", False):
            return False
        if response.status not in self.retry_codes:
            return False
        limit = request.meta.get("max_retry_times")
        if limit is None:
            limit = self.max_retry_times
        return request.meta.get("retry_times", 0) < limit

    def _hold(self, request: Request, wait: float) -> None:
        key = request.meta.get(Downloader.DOWNLOAD_SLOT) or self._downloader.get_slot_key(request)
        opens = monotonic() + wait
        if opens > self._holds.get(key, 0.0):
            self._holds[key] = opens
        slot = self._downloader.slots.get(key)
        if slot is not None and slot.lastseen < opens:
            # Requests already queued in the slot: its next one leaves a slot delay after this.
            slot.lastseen = opens
