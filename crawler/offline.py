"""A download handler that makes no connection: every request fails. A replay (spiders/replay.py)
installs it for every scheme, so that re-extraction and imports cannot reach the network even
by mistake: they make no request at all, and one made anyway would fail here, loudly."""

from __future__ import annotations

from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

OFFLINE_STAT = "offline/refused"  # requests refused (a replay makes none: a bug if counted)


class OfflineRefused(IgnoreRequest):
    """A request in a run that must not reach the network."""


class OfflineDownloadHandler(BaseDownloadHandler):
    async def download_request(self, request: Request) -> Response:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(OFFLINE_STAT)
        raise OfflineRefused(f"offline run: {request.method} {request.url} not fetched")
