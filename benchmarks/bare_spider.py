"""The ceiling of any Scrapy crawler: the same article URLs, a trivial callback, no pipelines.

    cd <a directory outside the project> && python -m scrapy runspider /path/benchmarks/bare_spider.py \
        -a url_file=URLS.txt -a stats_file=STATS.json -s CONCURRENT_REQUESTS=32 ...

Run outside the project so that Scrapy's defaults apply, not our settings (no pipelines,
middlewares or download handlers of ours). One GET a line of `url_file`; the callback yields a
one-field item so that `item_scraped_count` counts articles as in our crawl. The final stats
go to `stats_file` as JSON, with `elapsed_time_seconds` measured like Scrapy's CoreStats.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, url_file: str, stats_file: str = "", *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.url_file, self.stats_file = url_file, stats_file

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # Read lazily, a line a request: the list itself would be held in memory otherwise.
        with open(self.url_file, encoding="utf-8") as urls:  # noqa: ASYNC230
            for line in urls:
                if url := line.strip():
                    yield scrapy.Request(url, callback=self.parse)

    def parse(self, response: scrapy.http.Response) -> Iterator[dict[str, str]]:
        yield {"url": response.url}

    def closed(self, reason: str) -> None:
        if not self.stats_file:
            return
        stats = dict(self.crawler.stats.get_stats())
        started = stats.get("start_time")
        if isinstance(started, datetime):
            stats["elapsed_time_seconds"] = (datetime.now(timezone.utc) - started).total_seconds()
        stats["finish_reason"] = reason
        Path(self.stats_file).write_text(json.dumps(stats, default=str), encoding="utf-8")
