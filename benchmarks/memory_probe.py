"""A Scrapy extension for the benchmarks: what the per-article bookkeeping holds at the end.

Enabled by the throughput crawls (`-s EXTENSIONS=...`, see `throughput.probe_settings`). When
the spider closes, before the stats are written, it puts into the stats the deep size (the
container and its strings) of the sets that grow with every article: Scrapy's duplicate
filter (a fingerprint per request it was asked about) and discovery's `seen_articles` /
`seen_listings`; and
the process's own peak resident memory (VmHWM). Sizes are in MB under `bench/memory/`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def deep_mb(container: Iterable[Any] | None) -> float | None:
    if container is None:
        return None
    return (sys.getsizeof(container) + sum(sys.getsizeof(x) for x in container)) / 2**20


def vm_hwm_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class MemoryProbe:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.dupefilter: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MemoryProbe:
        probe = cls(crawler)
        crawler.signals.connect(probe.opened, signal=signals.spider_opened)
        crawler.signals.connect(probe.closed, signal=signals.spider_closed)
        return probe

    def opened(self, spider: Any) -> None:
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None) or getattr(engine, "slot", None)
        self.dupefilter = getattr(getattr(slot, "scheduler", None), "df", None)

    def closed(self, spider: Any, reason: str) -> None:
        stats = self.crawler.stats
        assert stats is not None  # set once the crawler is, long before its spider closes
        # The set itself: `fingerprints` (deprecated in Scrapy 2.19) is a copy as hex strings,
        # which would add its own size to the peak measured just after.
        fingerprints = getattr(self.dupefilter, "_fingerprints", None)
        discovery = getattr(spider, "discovery", None)  # the cri spider's (crawler/discovery.py)
        figures = {
            "dupefilter_mb": deep_mb(fingerprints),
            "dupefilter_entries": len(fingerprints) if fingerprints is not None else None,
            "seen_articles_mb": deep_mb(getattr(discovery, "seen_articles", None)),
            "seen_listings_mb": deep_mb(getattr(discovery, "seen_listings", None)),
            "process_peak_mb": vm_hwm_mb(),
        }
        for name, value in figures.items():
            if value is not None:
                stats.set_value(f"bench/memory/{name}", round(value, 2))
