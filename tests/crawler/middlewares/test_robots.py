"""RobotsPolicyMiddleware when the crawl begins to close (crawler/extensions/shutdown.py): its
Crawl-delay floor comes back no more and nothing more goes through. On a stand-in engine that
serves robots.txt; real crawls: tests/e2e/test_politeness.py, tests/e2e/test_shutdown.py."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from scrapy import Request, Spider, signals
from scrapy.core.downloader import Slot
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.utils.test import get_crawler

from crawler.extensions.shutdown import DROPPED, crawl_closing
from crawler.middlewares.robots import RobotsPolicyMiddleware
from tests.support.settings import project_settings

HOST = "polish.cri.cn"


def test_after_the_close_no_floor_comes_back_and_nothing_goes_through() -> None:
    crawler = get_crawler(Spider, project_settings(ROBOTSTXT_OBEY=True))
    slot = Slot(1, 0.0, 0.5)

    async def download_async(request: Request) -> TextResponse:
        return TextResponse(request.url, body=b"User-agent: *\nCrawl-delay: 100000\n",
                            request=request)

    downloader = SimpleNamespace(slots={HOST: slot}, get_slot_key=lambda request: HOST)
    crawler.engine = SimpleNamespace(  # type: ignore[assignment]
        download_async=download_async, downloader=downloader)
    middleware = RobotsPolicyMiddleware(crawler)
    first = Request(f"https://{HOST}/a", meta={"download_slot": HOST})

    async def run() -> None:
        assert await middleware.process_request(first) is None
        assert (slot.delay, slot.jitter) == (86400.0, 0.0)  # the floor, capped
        crawler.signals.send_catch_log(signal=crawl_closing, reason="shutdown")
        slot.delay = 0.0  # as the shutdown extension sets it
        crawler.signals.send_catch_log(signal=signals.request_reached_downloader, request=first)
        crawler.signals.send_catch_log(signal=signals.response_downloaded, request=first)
        assert slot.delay == 0.0
        with pytest.raises(IgnoreRequest, match=r"closing \(shutdown\)"):
            await middleware.process_request(Request(f"https://{HOST}/b"))

    asyncio.run(run())
    assert crawler.stats.get_value(DROPPED) == 1


def test_after_the_close_no_robots_txt_is_fetched() -> None:
    crawler = get_crawler(Spider, project_settings(ROBOTSTXT_OBEY=True))
    fetched: list[str] = []

    async def download_async(request: Request) -> TextResponse:
        fetched.append(request.url)
        return TextResponse(request.url, body=b"", request=request)

    crawler.engine = SimpleNamespace(download_async=download_async)  # type: ignore[assignment]
    middleware = RobotsPolicyMiddleware(crawler)
    crawler.signals.send_catch_log(signal=crawl_closing, reason="closespider_timeout")
    with pytest.raises(IgnoreRequest, match=r"closing \(closespider_timeout\)"):
        asyncio.run(middleware.process_request(Request(f"https://{HOST}/a")))
    assert fetched == []
