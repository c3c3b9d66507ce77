"""One context per crawl: the typed config and the edition, built once from the crawler's
settings, the run's id (on its items and its line in `runs.jsonl`), and the archive state that
the store opens. Every component of the project gets it
through `CrawlContext.of(crawler)` in its `from_crawler`, so nothing parses settings twice."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from crawler.archive import ArchiveState
from crawler.config import CrawlerConfig
from crawler.editions import Edition, get_edition

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

# Keyed weakly by the crawler: a context lives exactly as long as its crawl.
_CONTEXTS: WeakKeyDictionary[Crawler, CrawlContext] = WeakKeyDictionary()


def new_run_id() -> str:
    """A crawl's id: when its context was built (UTC, to the second) and its process."""
    return f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{os.getpid()}"


@dataclass
class CrawlContext:
    """What every component of one crawl shares."""

    config: CrawlerConfig
    edition: Edition
    # Created closed: the store pipeline opens it (after taking the data directory's lock);
    # dedupe and the spider read it once it is open.
    archive: ArchiveState = field(default_factory=ArchiveState)
    # The run's id, made once: every item carries it, and its report in runs.jsonl.
    run: str = field(default_factory=new_run_id)

    @classmethod
    def of(cls, crawler: Crawler) -> CrawlContext:
        """The crawl's context, built at the first call (ConfigError on a bad setting)."""
        context = _CONTEXTS.get(crawler)
        if context is None:
            config = CrawlerConfig.from_settings(crawler.settings)
            context = _CONTEXTS[crawler] = cls(config=config, edition=get_edition(config.edition))
        return context
