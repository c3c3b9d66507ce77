"""Egress allowlist: nothing is fetched off the outlet's hosts.

Every request passes here before any download, including the ones Scrapy's redirect middleware
issues for a `Location` (they go through the scheduler and the downloader middlewares again),
so a redirect to another host, to a loopback or private address (`127.0.0.1:OTHER`, `10.x`,
`169.254.169.254`, `[::1]`) or to `file:`/`data:` is refused before a connection is attempted.
Allowed: http(s) to the edition's hosts and gateway hosts on their default ports, and the
`base_url` host:port when the spider has one (the local replica). The browser gets the same
rule for its sub-requests (`playwright_abort`, set on the handler by crawler/browser.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from crawler.context import CrawlContext

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}


def allowed_origins(crawler: Crawler) -> frozenset[tuple[str, int]]:
    """(host, port) pairs the crawl may talk to: the edition's, and the spider's base_url."""
    edition = CrawlContext.of(crawler).edition
    hosts = set(edition.hosts) | {g.split("/", 1)[0] for g in getattr(edition, "gateways", ())}
    origins = {(host, port) for host in hosts for port in DEFAULT_PORTS.values()}
    options = getattr(crawler.spider, "options", None)
    base_url = getattr(options, "base_url", None)
    if base_url:
        origin = _origin(base_url)
        if origin is not None:
            origins.add(origin)
    return frozenset(origins)


def _origin(url: str) -> tuple[str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number, a bad IPv6 literal
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.hostname.lower().rstrip("."), port or DEFAULT_PORTS[parts.scheme]


def refusal(url: str, origins: frozenset[tuple[str, int]]) -> str | None:
    """Why `url` may not be fetched, or None when it may."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in DEFAULT_PORTS:
        return "scheme"
    origin = _origin(url)
    if origin is None:
        return "unreadable"
    if origin not in origins:
        return "host"
    return None


class EgressAllowlistMiddleware:
    """Downloader middleware: refuses (IgnoreRequest) any request off the allowlist."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._origins: frozenset[tuple[str, int]] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EgressAllowlistMiddleware:
        return cls(crawler)

    @property
    def origins(self) -> frozenset[tuple[str, int]]:
        if self._origins is None:  # the spider (and its base_url) exists from the first request
            self._origins = allowed_origins(self.crawler)
        return self._origins

    def process_request(self, request: Request) -> None:
        if request.url.startswith("data:") and not request.meta.get("redirect_urls"):
            return  # made by our own code (no traffic, nothing read); never taken from a redirect
        reason = refusal(request.url, self.origins)
        if reason is None:
            return
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("egress/refused")
        stats.inc_value(f"egress/refused/{reason}")
        via = request.meta.get("redirect_urls")
        logger.warning("egress refused (%s): %s%s", reason, request.url[:200],
                       f" (redirected from {via[0]})" if via else "")
        raise IgnoreRequest(f"egress allowlist: {reason}")


def playwright_abort(origins: frozenset[tuple[str, int]], stats: Any) -> Callable[[Any], bool]:
    """A `PLAYWRIGHT_ABORT_REQUEST` predicate: aborts browser sub-requests off the allowlist."""

    def abort(playwright_request: Any) -> bool:
        url = playwright_request.url
        if url.startswith(("data:", "blob:")):  # inline resources: no traffic
            return False
        if refusal(url, origins) is None:
            return False
        stats.inc_value("egress/browser_aborted")
        return True

    return abort
