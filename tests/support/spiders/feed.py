"""The `feed` spider: yields Article items from a JSON Lines file, no network.

Each record comes out of the callback of its own `data:` request, as the cri spider's items come
out of response callbacks (Scrapy 2.19 does not finish closing while an item yielded by
`start()` itself is still in the pipelines). Each callback yields its item and then the request
for the next record: one record after the other, like a walk through a listing.

Arguments: `input` (path; one Article as JSON a line), `delay` (seconds before each item, so
that a crawl can be interrupted mid-batch), `shuffle` (1: a different order every run).
"""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response
from scrapy.utils.asyncio import sleep

from crawler.items import Article


class FeedSpider(scrapy.Spider):
    name = "feed"
    custom_settings: ClassVar[dict[str, Any]] = {
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "LOGSTATS_INTERVAL": 0,
        "CRAWLER_VERDICT": False,  # no run report of the feed's runs: they test the store alone
    }

    def __init__(self, input: str, delay: str = "0", shuffle: str = "0", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.input_path = input
        self.delay = float(delay)
        self.shuffle = shuffle not in ("", "0", "false")

    async def start(self) -> AsyncIterator[Any]:
        with open(self.input_path, encoding="utf-8") as stream:
            self.records = [json.loads(line) for line in stream if line.strip()]
        if self.shuffle:
            random.SystemRandom().shuffle(self.records)
        if self.records:
            yield self._request(0)

    def _request(self, number: int) -> scrapy.Request:
        return scrapy.Request(f"data:,{number}", callback=self.parse_record,
                              cb_kwargs={"number": number}, dont_filter=True)

    async def parse_record(self, response: Response, number: int) -> AsyncIterator[Any]:
        if self.delay:
            await sleep(self.delay)
        yield Article(**self.records[number])
        if number + 1 < len(self.records):
            yield self._request(number + 1)
