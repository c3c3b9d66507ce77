"""Downloader middleware: every response the crawl uses goes into the WARC archive
(crawler/archive/warc.py) with its request, and the record that holds its payload is named in
`response.meta["warc_record_id"]` for the item's provenance.

It sits below RetryMiddleware (550) and RedirectMiddleware (600), above HttpCompression (590)
in the order responses travel: it sees the final answer of each request, decompressed, as the
spider gets it; a retried 503 or a followed 301 is not kept. The article a request is for comes
from `meta["article_id"]`; a page rendered in the browser names its shell's record in
`meta["warc_refers_to"]` and is kept as a `conversion` record of it.

A record that cannot be written (a full disk) is one ERROR and the response goes on without a
record (`warc/errors`): the crawl is not stopped for its copy, and the run's `errors` check
sees it.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response

from crawler.archive.warc import Exchange, WarcArchive, iter_headers
from crawler.context import CrawlContext
from crawler.signals import batch_writing

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

RECORD_ID = "warc_record_id"  # response.meta: the record holding the response's payload
ARTICLE_ID = "article_id"  # request.meta: the article the request is for
REFERS_TO = "warc_refers_to"  # request.meta: a rendered page's shell record


class WarcRecorder:
    def __init__(self, crawler: Crawler, archive: WarcArchive) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.archive = archive
        crawler.signals.connect(self.open, signal=signals.spider_opened)
        crawler.signals.connect(self.close, signal=signals.spider_closed)
        crawler.signals.connect(self.archive.sync, signal=batch_writing)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcRecorder:
        context = CrawlContext.of(crawler)
        if not (context.config.archive and context.config.warc):
            raise NotConfigured("CRAWLER_WARC or CRAWLER_ARCHIVE is off")
        return cls(crawler, WarcArchive(Path(context.config.data_dir)))

    def open(self) -> None:
        try:
            self.archive.open()
        except OSError as exc:
            logger.error("warc: cannot open the WARC archive (%s): responses are not kept", exc)

    def close(self) -> None:
        if self.archive.is_open:
            self.archive.close()

    def process_response(self, request: Request, response: Response) -> Response:
        if not self.archive.is_open:
            return response
        exchange = Exchange(
            url=response.url,
            method=request.method,
            request_headers=list(iter_headers(request.headers.items())),
            request_body=request.body,
            status=response.status,
            reason=_reason(response.status),
            headers=list(iter_headers(response.headers.items())),
            body=response.body,
            article_id=request.meta.get(ARTICLE_ID),
            rendered_from=request.meta.get(REFERS_TO) if request.meta.get("playwright") else None,
        )
        try:
            stored = self.archive.store(exchange)
        except OSError as exc:
            self.stats.inc_value("warc/errors")
            logger.error("warc: cannot keep the response of %s (%s)", response.url, exc)
            return response
        request.meta[RECORD_ID] = stored.record_id  # the response's meta, once it is bound
        self.stats.inc_value("warc/records", stored.records)
        self.stats.inc_value(f"warc/{stored.kind}")
        self.stats.inc_value("warc/bytes", stored.size)
        return response


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
