"""Dedupe with versions: an article is written once, and again only when its text changed.

Per item, against the archive state (`crawler/archive/state.py`, keyed by the article id, holding
the digest of the normalised headline and body):

- an id never seen: written as `version` 1 (`dedupe/new`);
- the same digest as the latest version: dropped, counted (`dedupe/unchanged`) and logged at
  DEBUG only;
- another digest: written as `version` n+1 (`dedupe/updated`), with `modified` set to the item's
  own `modified` or else the time of detection (ISO 8601, UTC).

The hand-off with the store: a decision is only *held* in memory (so that a second copy of the
article in this run is judged against it); the store commits it to the database after the
batch that holds the item is fsynced. This pipeline never writes the state, and the store opens
and closes it, so dedupe needs the store after it in ITEM_PIPELINES.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.archive import Entry, content_digest
from crawler.context import CrawlContext
from pipelines import archive_context, item_fields

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class DedupePipeline:
    """Sets `version` (and `modified` on a change); drops an article whose text is unchanged."""

    def __init__(self, crawler: Crawler, context: CrawlContext) -> None:
        self.stats = crawler.stats
        self.state = context.archive

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupePipeline:
        return cls(crawler, archive_context(crawler))

    def process_item(self, item: Any) -> Any:
        if not self.state.is_open:
            raise RuntimeError(
                "dedupe: the archive state is not open (pipelines.store.StorePipeline must be "
                "enabled after pipelines.dedupe.DedupePipeline)"
            )
        adapter = item_fields(item)
        article_id = adapter["id"]
        digest = content_digest(adapter.get("headline"), adapter.get("body"))
        known = self.state.lookup(article_id)
        if known is None:
            version = 1
            self.stats.inc_value("dedupe/new")
            if adapter.get("published"):  # ISO 8601 strings of one offset sort as times do
                self.stats.max_value("dedupe/newest_published", adapter["published"])
        elif known.digest == digest:
            self.stats.inc_value("dedupe/unchanged")
            raise DropItem(f"unchanged: {article_id} (version {known.version})", log_level="DEBUG")
        else:
            version = known.version + 1
            if not adapter.get("modified"):
                adapter["modified"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
            self.stats.inc_value("dedupe/updated")
            logger.info("dedupe: %s changed: version %d", article_id, version)
        adapter["version"] = version
        self.state.hold(article_id, Entry(version, digest, adapter.get("published")))
        return item
