"""The prompt shutdown extension on a crawler built in the test, its engine a stand-in with real
download slots: the close drops what waits in them and keeps their delays at 0. A real run
stopped during a Crawl-delay or a Retry-After: tests/e2e/test_shutdown.py."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import pytest
from scrapy import Request, Spider, signals
from scrapy.core.downloader import Slot
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.test import get_crawler
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.extensions.shutdown import DROPPED, PromptShutdown, crawl_closing
from tests.support.settings import project_settings


def started(slots: dict[str, Slot]) -> tuple[Crawler, list[str]]:
    """A crawler whose engine has `slots` and has started; the reasons its close was called with."""
    crawler = get_crawler(Spider, project_settings())
    closes: list[str] = []

    async def close_spider_async(*, reason: str = "cancelled") -> None:
        closes.append(reason)

    engine = SimpleNamespace(downloader=SimpleNamespace(slots=slots),
                             close_spider_async=close_spider_async)
    crawler.engine = engine  # type: ignore[assignment]
    PromptShutdown.from_crawler(crawler).engine_started()  # alone: no other extension starts
    return crawler, closes


def queue(slot: Slot, *urls: str) -> list[Failure]:
    """Requests waiting in `slot` for its delay; the failures their downloads end with."""
    failures: list[Failure] = []
    for url in urls:
        download: Deferred[Response] = Deferred()
        download.addErrback(failures.append)
        slot.queue.append((Request(url), download))
    return failures


def test_the_close_drops_the_queued_requests_and_zeroes_every_delay(
        caplog: pytest.LogCaptureFixture) -> None:
    slow, other = Slot(1, 86400.0, 0.5), Slot(4, 0.5, 0.5)
    failures = queue(slow, "https://polish.cri.cn/a", "https://polish.cri.cn/b")
    crawler, closes = started({"polish.cri.cn": slow, "other": other})
    crawler.signals.connect(lambda reason: 3, signal=crawl_closing, weak=False)  # holds three
    with caplog.at_level(logging.INFO, logger="crawler.extensions.shutdown"):
        asyncio.run(crawler.engine.close_spider_async(reason="shutdown"))
    assert closes == ["shutdown"]  # the engine's own close goes on
    assert not slow.queue and slow.latercall is None
    assert [(s.delay, s.jitter) for s in (slow, other)] == [(0.0, 0.0), (0.0, 0.0)]
    assert [f.type for f in failures] == [IgnoreRequest, IgnoreRequest]
    assert "closing (shutdown): https://polish.cri.cn/a not sent" in str(failures[0].value)
    assert crawler.stats.get_value(DROPPED) == 2  # the receiver counts its own
    assert caplog.messages == ["Closing (shutdown): 5 requests waiting for politeness dropped, "
                               "not sent (the next run fetches them)"]


def test_after_the_close_no_delay_comes_back() -> None:
    slot = Slot(1, 86400.0, 0.0)
    crawler, _ = started({"polish.cri.cn": slot})
    asyncio.run(crawler.engine.close_spider_async(reason="closespider_timeout"))
    request = Request("https://polish.cri.cn/a")
    for signal in (signals.response_downloaded, signals.request_reached_downloader):
        slot.delay = 30.0  # as AutoThrottle or the Crawl-delay floor would set it
        crawler.signals.send_catch_log(signal=signal, request=request,
                                       response=Response(request.url, status=503))
        assert slot.delay == 0.0


def test_a_second_close_cuts_nothing_more() -> None:
    slot = Slot(1, 5.0, 0.0)
    crawler, closes = started({"polish.cri.cn": slot})
    heard: list[str] = []
    crawler.signals.connect(lambda reason: heard.append(reason), signal=crawl_closing, weak=False)
    asyncio.run(crawler.engine.close_spider_async(reason="closespider_timeout"))
    asyncio.run(crawler.engine.close_spider_async(reason="shutdown"))
    assert heard == ["closespider_timeout"] and closes == ["closespider_timeout", "shutdown"]


def test_a_close_with_nothing_waiting_says_nothing(caplog: pytest.LogCaptureFixture) -> None:
    crawler, closes = started({"polish.cri.cn": Slot(1, 5.0, 0.0)})
    with caplog.at_level(logging.INFO, logger="crawler.extensions.shutdown"):
        asyncio.run(crawler.engine.close_spider_async(reason="finished"))
    assert closes == ["finished"] and caplog.messages == []
    assert crawler.stats.get_value(DROPPED) is None
