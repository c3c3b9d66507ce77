"""A download handler that starts Playwright (and Chromium) only when a page needs it.

scrapy-playwright's handler starts the Playwright driver when the engine starts, which costs
about a second and 200 MB on every run; most runs never meet a client-rendered page. This
handler serves plain requests itself and builds the Playwright handler at the first request
marked `meta["playwright"]`.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.http import Request, Response

from crawler import stats

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class LazyBrowserDownloadHandler(HTTP11DownloadHandler):
    lazy = False

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._crawler = crawler
        self._browser_handler: Any = None
        self._lock = asyncio.Lock()

    async def download_request(self, request: Request) -> Response:
        if request.meta.get("playwright"):
            handler = await self._browser()
            return await handler.download_request(request)
        return await super().download_request(request)

    async def _browser(self) -> Any:
        async with self._lock:
            if self._browser_handler is None:
                from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

                from crawler.middlewares.egress import allowed_origins, playwright_abort

                handler = ScrapyPlaywrightDownloadHandler.from_crawler(self._crawler)
                # PLAYWRIGHT_ABORT_REQUEST, built here: the allowlist needs the spider's base_url.
                handler.abort_request = playwright_abort(
                    allowed_origins(self._crawler), self._crawler.stats
                )
                # The engine_started signal it listens for has already fired: start it now.
                await handler._maybe_launch_in_thread()
                self._crawler.stats.inc_value(stats.BROWSER_STARTED)
                self._browser_handler = handler
        return self._browser_handler

    async def close(self) -> None:
        if self._browser_handler is not None:
            await self._browser_handler.close()
        await super().close()
