"""Validate: an item that does not fit the output schema is dropped, its reason logged and counted.

The rules are the output schema's (`crawler/validation.py`, shared with `cri-crawler check`).
`version` is set by dedupe, later in the chain, so here it may still be missing.

Reasons (stats `validate/dropped/<reason>`): `not_an_item`, `unknown_field`, `missing_<field>`
for the required fields (id, url, headline, published, published_source, body, edition,
language), `bad_<field>` for a
value of the wrong type or form (era, id and URL by the rules of the crawled edition).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from crawler.context import CrawlContext
from crawler.items import Article
from crawler.validation import FIELDS, ArticleRules
from pipelines import item_fields

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from crawler.editions import Edition

logger = logging.getLogger(__name__)


class ValidatePipeline:
    """Drops items with missing or malformed fields; `DropItem` names the reason."""

    def __init__(self, crawler: Crawler, edition: Edition) -> None:
        self.stats = crawler.stats
        self.rules = ArticleRules(edition)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler, CrawlContext.of(crawler).edition)

    def process_item(self, item: Any) -> Any:
        reason = self.problem(item)
        if reason is not None:
            self.stats.inc_value(f"validate/dropped/{reason}")
            adapter = ItemAdapter(item) if ItemAdapter.is_item(item) else None
            ident = adapter and (adapter.get("url") or adapter.get("id"))
            raise DropItem(f"invalid item {ident or '(no id or url)'}: {reason}")
        return item

    def problem(self, item: Any) -> str | None:
        """The reason this item cannot be written, or None."""
        if not ItemAdapter.is_item(item):
            return "not_an_item"
        adapter = item_fields(item)
        if type(item) is not Article and not FIELDS.issuperset(adapter.keys()):
            return "unknown_field"
        return self.rules.problem(adapter)
