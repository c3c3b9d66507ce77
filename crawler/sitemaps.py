"""Sitemap discovery, bounded whatever a sitemap holds (issue #13): a run fetches at most
CRAWLER_MAX_SITEMAPS sitemaps and takes at most CRAWLER_MAX_SITEMAP_URLS of their URLs, the
newest by `<lastmod>`; what it takes waits in a backlog of URLs until the spider is idle, and
is then queued CRAWLER_MAX_QUEUED_REQUESTS at a time. What is left out is counted, never held."""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Iterable
from datetime import datetime, tzinfo


def lastmod_time(text: str, tz: tzinfo) -> datetime | None:
    """A sitemap's W3C datetime (`2026`, `2026-11`, `2026-11-19`, `2026-11-19T09:54:05+08:00`,
    `...Z`) as an aware datetime, a date or a time without zone in the outlet's zone; None
    when there is none or it is unreadable."""
    text = text.strip()
    if len(text) in (4, 7):  # a year, or a year and month: the W3C profile allows them
        text += "-01" * ((10 - len(text)) // 3)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=tz)


def newest(entries: Iterable[tuple[str, str]], limit: int, tz: tzinfo) -> tuple[list[str], int]:
    """The locs of the `limit` newest (loc, lastmod) entries, newest first (entries without a
    readable lastmod last, in the document's order), and how many were left out. At most
    `limit` entries are held at a time, in a heap whose top is the oldest one kept."""
    kept: list[tuple[float, int, str]] = []
    total = 0
    for total, (loc, lastmod) in enumerate(entries, 1):
        when = lastmod_time(lastmod, tz)
        # Larger is newer; of two equal times, the earlier in the document.
        key = (when.timestamp() if when else -math.inf, -total, loc)
        if len(kept) < limit:
            heapq.heappush(kept, key)
        elif kept and key > kept[0]:
            heapq.heapreplace(kept, key)
    return [loc for *_, loc in sorted(kept, reverse=True)], total - len(kept)


class SitemapBudget:
    """What one run may still take from sitemaps. It is spent as sitemaps are answered: an
    index's children are asked for newest first, so the newest sitemaps usually spend it. The
    URLs taken wait in `backlog` (only URLs: ~100 bytes each) until the spider queues them."""

    def __init__(self, max_urls: int, max_sitemaps: int, tz: tzinfo) -> None:
        self.urls_left = max_urls
        self.sitemaps_left = max_sitemaps
        self.tz = tz
        self.backlog: deque[str] = deque()
        self.requested: set[str] = set()  # sitemaps asked for: at most `max_sitemaps`

    def sitemaps(self, entries: Iterable[tuple[str, str]]) -> tuple[list[str], int]:
        """The sitemaps to fetch of those listed (robots.txt, an index), newest first, and how
        many are not fetched (over the cap). One already asked for is not asked for again (an
        index that lists itself, or a sitemap listed twice), nor counted."""
        fresh = (entry for entry in entries if entry[0] not in self.requested)
        chosen, cut = newest(fresh, self.sitemaps_left, self.tz)
        chosen = list(dict.fromkeys(chosen))  # listed twice in one document: once
        self.sitemaps_left -= len(chosen)
        self.requested.update(chosen)
        return chosen, cut

    def take(self, entries: Iterable[tuple[str, str]]) -> tuple[list[str], int]:
        """The newest URLs of a sitemap, into the backlog, and how many were cut (over the cap)."""
        chosen, cut = newest(entries, self.urls_left, self.tz)
        self.urls_left -= len(chosen)
        self.backlog.extend(chosen)
        return chosen, cut
