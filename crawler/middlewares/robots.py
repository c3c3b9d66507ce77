"""Robots policy: Scrapy's RobotsTxtMiddleware, failing closed and honouring Crawl-delay.

What a host's /robots.txt answers decides, once per host and run (RFC 9309 where it says):

- **2xx** (after redirects): the body is parsed leniently by ROBOTSTXT_PARSER (Protego): lines
  that are not rules are ignored, undecodable bytes dropped. So an HTML page or garbage gives no
  rules (everything allowed), unless it holds real rule lines inside a User-agent group, which
  then apply. Only the first 500 KiB are parsed (RFC 9309 2.5), cut at a line end so that a cut
  never turns `Disallow: /private` into `Disallow: /`; the rest is ignored (`robots/truncated`).
- **4xx other than 429**, or redirects that lead nowhere: no rules (RFC 9309 2.3.1.3).
- **429, 5xx** (once RetryMiddleware's retries, which wait out a Retry-After, are spent), or
  **no answer**: timeout, connection refused or reset, DNS failure, or a body over
  DOWNLOAD_MAXSIZE (Scrapy cancels that download, so a huge robots.txt cannot be told from a
  broken server): the host is *unavailable*. 429 counts here as it does for Google: the host
  asks us to slow down, not to crawl freely. With CRAWLER_ROBOTS_FAIL_CLOSED (the default) the
  host is closed for the run (RFC 9309 2.3.1.4, "complete disallow"): every request to it is
  dropped with IgnoreRequest. Off, Scrapy's behaviour: crawled as if it had no rules. Either way
  one WARNING line per host and `robots/unavailable` (hosts) for the health check; a parser
  that raises on a body counts as unavailable too, so no robots.txt can crash the crawl.

A `Crawl-delay` for our user agent becomes the minimum delay of the host's download slot (the
wait between two requests to it). AutoThrottle lowers slot delays as responses come fast, so
the floor is applied again after every response and whenever a request reaches the slot, and
the slot's jitter is narrowed so that its shortest random draw is still the Crawl-delay.

When the crawl begins to close (the `crawl_closing` signal of crawler/extensions/shutdown.py:
SIGTERM, SIGINT, a time or memory bound), the Crawl-delay no longer holds it open: no floor is
applied any more (the extension keeps every slot's delay at 0 and drops what waits in them), and
a request that still comes through this middleware (one that waited for robots.txt, or one
sent straight to the downloader) is dropped (`shutdown/dropped_requests`), not sent, nor is a
robots.txt fetched for it: the host asked us to wait, and the next run fetches it.

Scrapy internals relied on (no private method of RobotsTxtMiddleware is used or overridden):
- `process_request()` awaits `self.robot_parser(request)` then calls
  `self.process_request_2(parser, request)`: both public, both overridden here. We fetch
  robots.txt ourselves, like Scrapy, with `engine.download_async()` (downloader middlewares
  only: no scheduler, no spider middlewares), which also sidesteps a Scrapy 2.19 bug: its
  middleware hands every request that waited for robots.txt but the first to
  `process_request_2` with no parser (each waiter wraps the same Deferred with `asFuture`,
  which consumes its result), so they pass unchecked;
- `engine.downloader.slots`, `Downloader.get_slot_key()` and the `download_slot` meta key;
  `Slot.delay` and `Slot.jitter`, the fields `Downloader._process_queue` reads;
- receivers of a signal run in connection order: AutoThrottle connects to
  `response_downloaded` when built, before the crawl; we connect at the first Crawl-delay,
  during the crawl, so our floor comes after its adjustment.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.core.downloader import Downloader
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.defer import Deferred

from crawler.context import CrawlContext
from crawler.extensions.shutdown import DROPPED, crawl_closing, dropped

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

PARSE_LIMIT = 500 * 1024  # bytes of robots.txt parsed (RFC 9309 2.5: at least 500 KiB)
MAX_CRAWL_DELAY = 86400.0  # keeps timers sane; a host asking more gets nothing in a run anyway


class HostClosed(RobotParser):
    """The rules of a host whose robots.txt was unavailable: nothing is allowed."""

    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> HostClosed:
        return cls()

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False

    def crawl_delay(self, user_agent: str | bytes) -> float | None:
        return None


class _Pending:
    """robots.txt of a host being fetched; every request waiting for it has its own Deferred."""

    def __init__(self) -> None:
        self.waiters: list[Deferred[RobotParser | None]] = []


class RobotsPolicyMiddleware(RobotsTxtMiddleware):
    """RobotsTxtMiddleware that fails closed on an unavailable robots.txt and applies its
    Crawl-delay to the host's download slot."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)  # NotConfigured unless ROBOTSTXT_OBEY
        settings = crawler.settings
        self.fail_closed = CrawlContext.of(crawler).config.robots_fail_closed
        self.stats = crawler.stats
        self.parser_class: type[RobotParser] = load_object(settings["ROBOTSTXT_PARSER"])
        # The user agent Scrapy matches rules against when a request carries none of its own
        # (UserAgentMiddleware sets the header after this middleware has run).
        self.user_agent: str = settings["ROBOTSTXT_USER_AGENT"] or settings["USER_AGENT"]
        self._hosts: dict[str, RobotParser | None | _Pending] = {}  # netloc -> rules
        self._crawl_delays: dict[str, float] = {}  # netloc -> Crawl-delay (s)
        self._forbidding: set[str] = set()  # hosts whose rules forbade a request (warned once)
        self._floors: dict[str, float] = {}  # download slot key -> minimum delay (s)
        self._jitters: dict[str, float] = {}  # download slot key -> its jitter before narrowing
        self._closing: str | None = None  # the reason, once the crawl began to close
        crawler.signals.connect(self.crawl_closing, signal=crawl_closing)

    # -- the rules of a host -------------------------------------------------------------------

    async def robot_parser(self, request: Request) -> RobotParser | None:
        """The host's rules (None: no rules), fetched once per host and run."""
        if self._closing is not None:
            return None  # no robots.txt fetched while closing: process_request_2 drops it
        netloc = urlparse_cached(request).netloc
        if netloc in self._hosts:
            known = self._hosts[netloc]
            if not isinstance(known, _Pending):
                return known
            waiter: Deferred[RobotParser | None] = Deferred()
            known.waiters.append(waiter)
            return await maybe_deferred_to_future(waiter)
        pending = _Pending()
        self._hosts[netloc] = pending
        parser: RobotParser | None = HostClosed() if self.fail_closed else None
        try:
            parser = await self._fetch(request, netloc)
        finally:  # waiters are released even if the fetch is cancelled at shutdown
            self._hosts[netloc] = parser
            for waiter in pending.waiters:
                waiter.callback(parser)
        return parser

    async def _fetch(self, request: Request, netloc: str) -> RobotParser | None:
        url = urlparse_cached(request)
        robots = Request(
            f"{url.scheme}://{netloc}/robots.txt",
            priority=self.DOWNLOAD_PRIORITY,
            meta={"dont_obey_robotstxt": True},
            callback=NO_CALLBACK,
        )
        self.stats.inc_value("robotstxt/request_count")
        try:
            response = await self.crawler.engine.download_async(robots)
        except IgnoreRequest:
            return None  # our own policy declined to fetch it (as Scrapy: no rules)
        except Exception as exc:  # noqa: BLE001 - every way of not getting an answer
            self.stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
            return self._unavailable(netloc, f"{type(exc).__name__}: {exc}".rstrip(": "))
        self.stats.inc_value("robotstxt/response_count")
        self.stats.inc_value(f"robotstxt/response_status_count/{response.status}")
        if response.status == 429 or response.status >= 500:
            return self._unavailable(netloc, f"HTTP {response.status}")
        body = response.body if 200 <= response.status < 300 else b""
        try:
            bounded = self._bounded(body, netloc)
            parser = build_from_crawler(self.parser_class, self.crawler, bounded)
            delay = parser.crawl_delay(self.user_agent)
        except Exception as exc:  # noqa: BLE001 - a parser must not crash the crawl
            return self._unavailable(netloc, f"unreadable ({type(exc).__name__}: {exc})")
        await self.crawler.signals.send_catch_log_async(
            signal=signals.robots_parsed, robotparser=parser, request=request
        )
        if delay is not None:
            self._note_crawl_delay(netloc, delay)
        return parser

    def _bounded(self, body: bytes, netloc: str) -> bytes:
        if len(body) <= PARSE_LIMIT:
            return body
        head = body[:PARSE_LIMIT]
        cut = max(head.rfind(b"\n"), head.rfind(b"\r"))
        self.stats.inc_value("robots/truncated")
        logger.info("robots.txt of %s has %d bytes: only the first %d are parsed (RFC 9309)",
                    netloc, len(body), cut + 1)
        return head[: cut + 1]

    def _unavailable(self, netloc: str, reason: str) -> RobotParser | None:
        self.stats.inc_value("robots/unavailable")
        if self.fail_closed:
            logger.warning(
                "robots.txt of %s unavailable (%s): nothing is fetched from this host in this "
                "run (CRAWLER_ROBOTS_FAIL_CLOSED)", netloc, reason,
            )
            return HostClosed()
        logger.warning(
            "robots.txt of %s unavailable (%s): crawled as if it had no rules "
            "(CRAWLER_ROBOTS_FAIL_CLOSED is off)", netloc, reason,
        )
        return None

    # -- each request --------------------------------------------------------------------------

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        if self._closing is not None:
            self.stats.inc_value(DROPPED)
            raise dropped(self._closing, request)
        netloc = urlparse_cached(request).netloc
        if isinstance(rp, HostClosed):
            self.stats.inc_value("robots/denied_requests")
            logger.debug("Dropped, robots.txt of %s unavailable: %s", netloc, request)
            raise IgnoreRequest(f"robots.txt of {netloc} unavailable: host closed for this run")
        try:
            super().process_request_2(rp, request)  # IgnoreRequest when a rule forbids it
        except IgnoreRequest:
            if netloc not in self._forbidding:
                self._forbidding.add(netloc)
                logger.warning("robots.txt of %s forbids %s: not fetched, nor any other page it "
                               "forbids (counted: robotstxt/forbidden)", netloc, request.url)
            raise
        delay = self._crawl_delays.get(netloc)
        if delay is not None:
            self._add_floor(self._downloader.get_slot_key(request), delay)

    def crawl_closing(self, reason: str) -> None:
        """The crawl closes: no Crawl-delay floor any more, no request through any more."""
        self._closing = reason
        self._floors.clear()  # _reapply applies nothing now

    # -- Crawl-delay as the floor of the slot's delay ------------------------------------------

    @property
    def _downloader(self) -> Downloader:
        return self.crawler.engine.downloader

    def _note_crawl_delay(self, netloc: str, delay: float) -> None:
        if not math.isfinite(delay) or delay <= 0:
            return  # Protego already drops negative and non-numeric values
        delay = min(delay, MAX_CRAWL_DELAY)
        self._crawl_delays[netloc] = delay
        self.stats.max_value("robots/crawl_delay", delay)
        logger.info("robots.txt of %s asks a Crawl-delay of %g s: at least that long between "
                    "two requests to it", netloc, delay)

    def _add_floor(self, key: str, delay: float) -> None:
        if not self._floors:
            # Connected now, during the crawl: after AutoThrottle's receiver (see the docstring).
            self.crawler.signals.connect(self._reapply, signal=signals.request_reached_downloader)
            self.crawler.signals.connect(self._reapply, signal=signals.response_downloaded)
        if delay > self._floors.get(key, 0.0):
            self._floors[key] = delay
        self._apply_floor(key)

    def _reapply(self, request: Request) -> None:
        # Signal receivers get only the arguments they name (here of two signals).
        key = request.meta.get(Downloader.DOWNLOAD_SLOT)
        if key in self._floors:
            self._apply_floor(key)

    def _apply_floor(self, key: str) -> None:
        # The slot may not exist yet, or may have been collected when idle and made anew with
        # the default delay: request_reached_downloader comes right after it is made.
        slot = self._downloader.slots.get(key)
        if slot is None:
            return
        floor = self._floors[key]
        jitter = self._jitters.setdefault(key, slot.jitter)
        slot.delay = max(slot.delay, floor)
        # A draw is delay * (1 + uniform(-jitter, jitter)): keep the lowest at the floor.
        slot.jitter = max(0.0, min(jitter, 1.0 - floor / slot.delay))
