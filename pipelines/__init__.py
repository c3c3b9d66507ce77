"""Item pipelines, one policy each: clean, validate, dedupe (versions), store (the archive)."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from itemadapter import ItemAdapter
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.context import CrawlContext
from crawler.items import Article


def archive_context(crawler: Crawler) -> CrawlContext:
    """The crawl's context, for a pipeline of the archive (dedupe, store): NotConfigured when
    the archive is off (a plain `-O` export)."""
    context = CrawlContext.of(crawler)
    if not context.config.archive:
        raise NotConfigured("CRAWLER_ARCHIVE is off")
    return context


def item_fields(item: Any) -> MutableMapping[str, Any]:
    """The item's fields as a mutable mapping: an Article's own attribute dict (no per-item
    adapter, the common case), any other item through ItemAdapter."""
    return vars(item) if type(item) is Article else ItemAdapter(item)
