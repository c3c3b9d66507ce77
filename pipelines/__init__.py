"""Item pipelines, one policy each: clean, validate, dedupe (versions), store (the archive)."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from itemadapter import ItemAdapter

from crawler.items import Article


def item_fields(item: Any) -> MutableMapping[str, Any]:
    """The item's fields as a mutable mapping: an Article's own attribute dict (no per-item
    adapter, the common case), any other item through ItemAdapter."""
    return vars(item) if type(item) is Article else ItemAdapter(item)
