"""Clean: consent banners and site boilerplate out of every text field, driven by data.

What is noise is the edition's data (`crawler/data/editions.toml`: `noise.lines`,
`noise.patterns`, `banners`) and the matching is `Edition.strip_noise`, the same record the
loaders use line by line: no second matcher here. Exact by construction: only whole lines that
are noise and banner runs glued to the start or end of a paragraph go; every other character,
including every sentence that merely mentions cookies or privacy, stays, and a text without
noise comes back as the very same string. A field left empty becomes None (validate then drops
an item without headline or body).

Stats: `clean/items_changed`, `clean/lines_removed`, `clean/banner_removed` (banner texts removed
as lines, and glued banner runs cut off).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.context import CrawlContext
from pipelines import item_fields

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.editions import Edition

TEXT_FIELDS = ("headline", "body", "summary", "author")


class CleanPipeline:
    """Strips the edition's noise lines and banner texts from headline, body, summary, author."""

    def __init__(self, crawler: Crawler, edition: Edition) -> None:
        self.stats = crawler.stats
        self.edition = edition

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler, CrawlContext.of(crawler).edition)

    def process_item(self, item: Any) -> Any:
        adapter = item_fields(item)
        changed = False
        for name in TEXT_FIELDS:
            value = adapter.get(name)
            if not isinstance(value, str) or not value:
                continue
            result = self.edition.strip_noise(value)
            if result.text is value:
                continue
            adapter[name] = result.text if result.text.strip() else None
            changed = True
            if result.lines:
                self.stats.inc_value("clean/lines_removed", result.lines)
            if result.banners:
                self.stats.inc_value("clean/banner_removed", result.banners)
        if changed:
            self.stats.inc_value("clean/items_changed")
        return item
