"""Compressed bodies that end early are failures, not pages.

Scrapy's HttpCompressionMiddleware returns "as much data as possible" of a gzip, deflate or
brotli stream cut short (a proxy that dropped the end, a truncated cache entry): the page would
be parsed without its end, and a partial body could become an item. This middleware sits just
outside it (process_response sees the body first), runs the stream through a decompressor in
chunks, discarding the output (memory stays bounded), and retries the request when the stream
did not reach its end (`integrity/truncated_stream`), like a transport failure. Bodies that
inflate past DOWNLOAD_MAXSIZE are left to HttpCompressionMiddleware, which drops them.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024


class StreamCheck:
    """Whether a compressed body is complete, read with at most `limit` bytes inflated."""

    def __init__(self, limit: int) -> None:
        self.limit = limit or 2**62

    def complete(self, body: bytes, encoding: str) -> bool | None:
        """True: complete; False: cut short or corrupt; None: over the limit (not decided)."""
        try:
            if encoding in ("gzip", "x-gzip"):
                return self._zlib(body, 31)
            if encoding == "deflate":
                try:
                    return self._zlib(body, 15)  # zlib wrapper, as RFC 9110 says
                except zlib.error:
                    return self._zlib(body, -15)  # raw deflate, as many servers send
            if encoding == "br":
                return self._brotli(body)
        except Exception:  # noqa: BLE001 - zlib.error, brotli.error: a corrupt stream
            return False
        return True  # an encoding we do not check (zstd, identity)

    def _zlib(self, body: bytes, wbits: int) -> bool | None:
        inflater = zlib.decompressobj(wbits)
        total = 0
        for chunk in _chunks(body):
            data = inflater.decompress(chunk, CHUNK)
            while True:
                total += len(data)
                if total > self.limit:
                    return None
                if not inflater.unconsumed_tail or inflater.eof:
                    break
                data = inflater.decompress(inflater.unconsumed_tail, CHUNK)
            if inflater.eof:
                return True  # a later gzip member, if any, is the same server's doing
        return inflater.eof

    def _brotli(self, body: bytes) -> bool | None:
        try:
            import brotli
        except ImportError:  # then Scrapy neither asks for nor decodes br: nothing to check
            return True

        decompressor = brotli.Decompressor()
        total = len(decompressor.process(body, output_buffer_limit=CHUNK))
        while not decompressor.is_finished():
            if total > self.limit:
                return None
            data = decompressor.process(b"", output_buffer_limit=CHUNK)
            if not data:
                return False
            total += len(data)
        return total <= self.limit or None


def _chunks(body: bytes) -> Iterator[bytes]:
    view = memoryview(body)
    for start in range(0, len(body), CHUNK):
        yield bytes(view[start:start + CHUNK])


class CompressedIntegrityMiddleware:
    """Downloader middleware: retries (then drops) responses with a truncated compressed body."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.check = StreamCheck(crawler.settings.getint("DOWNLOAD_MAXSIZE"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CompressedIntegrityMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        encodings = [
            e.strip().lower()
            for value in response.headers.getlist("Content-Encoding")
            for e in value.decode("latin-1").split(",") if e.strip()
        ]
        if not encodings or not response.body or request.method == "HEAD":
            return response
        # Several encodings: the outermost one is checked (the inner ones are inside it).
        if self.check.complete(response.body, encodings[-1]) is not False:
            return response
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("integrity/truncated_stream")
        assert self.crawler.spider is not None
        retry = get_retry_request(request, spider=self.crawler.spider,
                                  reason=f"truncated {encodings[-1]} body")
        if retry is not None:
            return retry
        raise IgnoreRequest(f"truncated {encodings[-1]} body: {response.url}")
