"""Retry-After values (crawler/middlewares/retry_after.py): seconds or an HTTP date, read as the
wait in seconds, or None; and the requests waiting for a hold when the crawl closes. Waited for
on real crawls: tests/e2e/test_politeness.py (stopped in the wait: tests/e2e/test_shutdown.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from types import SimpleNamespace

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.extensions.shutdown import DROPPED, crawl_closing
from crawler.middlewares.retry_after import RetryAfterMiddleware, parse_retry_after
from tests.support.settings import project_settings

NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", 2.0),
        (b" 120 ", 120.0),
        ("0", 0.0),
        ("1.5", 1.5),  # not RFC 9110 (digits only), tolerated
        ("9" * 30, 1e30),  # huge: returned as is, the middleware caps it
        (format_datetime(NOW + timedelta(seconds=90), usegmt=True), 90.0),  # IMF-fixdate
        ("Saturday, 28-Nov-26 12:01:00 GMT", 60.0),  # RFC 850
        ("Sat Nov 28 12:00:30 2026", 30.0),  # asctime, GMT by definition
        ("Sat, 28 Nov 2026 13:00:00 +0100", 0.0),  # a zone other than GMT: noon UTC
        ("Fri, 27 Nov 2026 12:00:00 GMT", 0.0),  # in the past: no wait
        ("Fri, 31 Dec 9999 23:59:59 GMT", (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC) - NOW)
         .total_seconds()),
        ("-5", None),  # negative
        ("", None),
        ("soon", None),
        ("2 s", None),
        ("1e3", None),
        ("Sat, 32 Nov 2026 12:00:00 GMT", None),  # no such day
    ],
)
def test_parse_retry_after(value: str | bytes, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


# -- when the crawl begins to close (crawler/extensions/shutdown.py) ---------------------------

def test_requests_waiting_for_a_hold_are_dropped_when_the_crawl_closes() -> None:
    crawler = get_crawler(Spider, project_settings(CRAWLER_RETRY_AFTER_MAX=100000.0))
    downloader = SimpleNamespace(slots={}, get_slot_key=lambda request: "polish.cri.cn")
    crawler.engine = SimpleNamespace(downloader=downloader)  # type: ignore[assignment]
    middleware = RetryAfterMiddleware.from_crawler(crawler)
    held = Request("https://polish.cri.cn/a")
    answer = Response(held.url, status=429, headers={"Retry-After": "100000"}, request=held)

    async def run() -> None:
        middleware.response_downloaded(answer, held)  # the host is held 100,000 s
        waiting = [asyncio.ensure_future(middleware.process_request(Request(f"{held.url}{n}")))
                   for n in range(2)]
        await asyncio.sleep(0.05)
        assert not any(task.done() for task in waiting)
        answers = crawler.signals.send_catch_log(signal=crawl_closing, reason="shutdown")
        assert [n for _, n in answers] == [2]
        for task in waiting:
            with pytest.raises(IgnoreRequest, match=r"closing \(shutdown\)"):
                await asyncio.wait_for(task, 1)
        middleware.response_downloaded(answer, held)  # no new hold
        assert await middleware.process_request(Request(f"{held.url}2")) is None

    asyncio.run(run())
    assert crawler.stats.get_value(DROPPED) == 2
    assert crawler.stats.get_value("retry_after/waits") == 1
