"""Prompt shutdown: once the crawl begins to close, no politeness wait holds it open.

Scrapy closes a spider only when every request in progress has ended, and a request queued in a
download slot first waits out the slot's delay. With a Crawl-delay of a day (the robots.txt
floor, crawler/middlewares/robots.py), a Retry-After hold (crawler/middlewares/retry_after.py)
or AutoThrottle's delay, a SIGTERM took as long as the wait: the hourly runs behind it found the
lock held, and systemd's stop timeout ended it with SIGKILL, without a run report.

The rule: when the engine begins to close, for whatever reason (SIGTERM or SIGINT: `shutdown`;
CLOSESPIDER_TIMEOUT, MEMUSAGE_LIMIT_MB, ...), every politeness wait is cut at once:

- requests queued in a download slot, waiting for its delay, are dropped (IgnoreRequest,
  counted in `shutdown/dropped_requests`), not sent: the host asked us to wait, and nothing is
  lost, since the next run discovers and fetches them again;
- every slot's delay is set to 0 and kept there (AutoThrottle and the Crawl-delay floor would
  raise it again after a response), so a request that still reaches a slot goes at once;
- the `crawl_closing` signal tells the politeness middlewares to let go of what they hold:
  RetryAfterMiddleware drops the requests waiting for a hold, RobotsPolicyMiddleware drops
  those that still come through it and applies no more Crawl-delay floors.

A transfer already on the wire is let finish (DOWNLOAD_TIMEOUT bounds it). Then the close goes
on as always: the store makes its batches durable, the verdict appends the run report
(`finish_reason: shutdown`, unhealthy: exit code 1). A second signal still forces Scrapy's
unclean stop.

Where: Scrapy sends no signal when a close begins (`spider_closed` comes once every request has
ended, too late), so at `engine_started` this extension wraps the engine's
`close_spider_async`, which every close goes through: the engine's stop (the signals),
CloseSpider and the memory limit, the idle close (nothing is waiting then: the cut is a no-op).

Scrapy internals relied on: `engine.close_spider_async` looked up on the instance;
`engine.downloader.slots`; `Slot.queue` (pairs of a request and the Deferred its download
awaits), `Slot.delay`, `Slot.jitter` and `Slot.close()` (cancels the `call_later` that waits
out the delay), the fields `Downloader._process_queue` reads; `request_reached_downloader`,
sent after a request gets its slot and before the slot's queue is processed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest

if TYPE_CHECKING:
    from scrapy.core.downloader import Downloader
    from scrapy.crawler import Crawler
    from scrapy.http import Request

logger = logging.getLogger(__name__)

# Signal, sent once when the crawl begins to close (argument: reason). Receivers let go of the
# requests they hold back for politeness, and hold back no more.
crawl_closing = object()

DROPPED = "shutdown/dropped_requests"  # requests dropped instead of waiting for politeness


def dropped(reason: str, request: Request) -> IgnoreRequest:
    """The exception that drops a request held for politeness when the crawl closes."""
    return IgnoreRequest(f"closing ({reason}): {request.url} not sent, the next run fetches it")


class PromptShutdown:
    """Cuts every politeness wait when the crawl begins to close."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.reason: str | None = None  # set when the close began

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PromptShutdown:
        extension = cls(crawler)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        return extension

    def engine_started(self) -> None:
        engine = self.crawler.engine
        close: Callable[..., Coroutine[Any, Any, None]] = engine.close_spider_async

        async def close_spider_async(*, reason: str = "cancelled") -> None:
            self.cut(reason)
            await close(reason=reason)

        engine.close_spider_async = close_spider_async  # type: ignore[method-assign]

    def cut(self, reason: str) -> None:
        """Drops what waits for politeness, and keeps every slot's delay at 0."""
        if self.reason is not None:
            return  # a second close (e.g. a signal during a CloseSpider close) waits for the first
        self.reason = reason
        # Connected now, after AutoThrottle and the robots floor: these run after theirs.
        self.crawler.signals.connect(self._no_delay, signal=signals.request_reached_downloader)
        self.crawler.signals.connect(self._no_delay, signal=signals.response_downloaded)
        # Each receiver answers how many requests it lets go (it counts them as it drops them).
        answers = self.crawler.signals.send_catch_log(signal=crawl_closing, reason=reason)
        held = sum(n for _, n in answers if isinstance(n, int))
        queued = 0
        for slot in self._downloader.slots.values():
            slot.close()  # cancels the call that waits out the slot's delay
            slot.delay = slot.jitter = 0.0
            while slot.queue:
                request, download = slot.queue.popleft()
                download.errback(dropped(reason, request))  # its download ends: dropped
                queued += 1
        if queued:
            self.crawler.stats.inc_value(DROPPED, queued)
        if queued + held:
            logger.info("Closing (%s): %d requests waiting for politeness dropped, not sent "
                        "(the next run fetches them)", reason, queued + held)

    @property
    def _downloader(self) -> Downloader:
        return self.crawler.engine.downloader

    def _no_delay(self) -> None:
        # A slot made after the cut starts with the default delay; AutoThrottle sets one again
        # after every response.
        for slot in self._downloader.slots.values():
            slot.delay = slot.jitter = 0.0
