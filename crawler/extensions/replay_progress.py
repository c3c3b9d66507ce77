"""The progress line of a replay (`cri-crawler reextract`, `import-warc`; spiders/replay.py):
redrawn on a terminal, a plain INFO line every `CRAWLER_PROGRESS_MINUTES` without one, as the
crawl's (crawler/extensions/progress.py, whose timing and terminal handling it keeps):

    reextract: 4,210 of 10,000 articles (42%), 3 new, 12 changed, 4,180 unchanged, 15 failed,
    850 articles/s, about 7 s left

While the answers are being indexed: `reextract: indexing, 120,000 records read`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from scrapy import Spider

from crawler import replay
from crawler.extensions.progress import NEW, UPDATED, Progress, duration

logger = logging.getLogger(__name__)

UNCHANGED = "dedupe/unchanged"  # pipelines/dedupe.py


@dataclass(frozen=True)
class ReplaySnapshot:
    mode: str
    total: int | None  # articles to extract; None while indexing
    indexed: int  # records read while indexing
    done: int  # articles extracted (out of range ones included)
    new: int
    changed: int
    unchanged: int
    failed: int
    elapsed: float  # seconds since the extraction began (or the spider opened, while indexing)


def replay_line(snap: ReplaySnapshot, short: bool = False) -> str:
    if snap.total is None:
        return f"{snap.mode}: indexing, {snap.indexed:,} records read"
    share = snap.done / snap.total if snap.total else 1.0
    rate = snap.done / snap.elapsed if snap.elapsed > 0 else 0.0
    left = (snap.total - snap.done) / rate if rate > 0 else None
    if short:
        parts = [f"{snap.done:,}/{snap.total:,} ({int(share * 100)}%)",
                 f"{snap.changed:,} changed", f"{snap.failed:,} failed", f"{rate:,.0f}/s"]
    else:
        parts = [f"{snap.mode}: {snap.done:,} of {snap.total:,} articles ({int(share * 100)}%)",
                 f"{snap.new:,} new", f"{snap.changed:,} changed", f"{snap.unchanged:,} unchanged",
                 f"{snap.failed:,} failed", f"{rate:,.0f} articles/s"]
    if left is not None and snap.done < snap.total:
        parts.append("less than a minute left" if left < 60 else f"about {duration(left)} left")
    return ", ".join(parts)


class ReplayProgress(Progress):
    """The crawl's progress extension, saying a replay's figures."""

    lines_logger = logger
    mode = "replay"
    extracting_since: float | None = None

    def spider_opened(self, spider: Spider) -> None:
        self.mode = getattr(spider, "mode", "replay")
        super().spider_opened(spider)

    def replay_snapshot(self) -> ReplaySnapshot:
        values: dict[str, Any] = self.stats.get_stats()

        def count(name: str) -> int:
            value = values.get(name, 0)
            return value if isinstance(value, int) else 0

        total = values.get(replay.TOTAL)
        now = self.clock()
        if total is not None and self.extracting_since is None:
            self.extracting_since = now
        failed = sum(v for k, v in values.items() if k.startswith(replay.FAILED) and isinstance(v, int))
        return ReplaySnapshot(
            mode=self.mode,
            total=total if isinstance(total, int) else None,
            indexed=count(replay.INDEXED),
            done=count(replay.ARTICLES) + count(replay.OUT_OF_RANGE),
            new=count(NEW),
            changed=count(UPDATED),
            unchanged=count(UNCHANGED),
            failed=failed,
            elapsed=max(now - (self.extracting_since or self.started), 0.0),
        )

    def describe(self) -> Callable[[bool], str]:
        return partial(replay_line, self.replay_snapshot())
