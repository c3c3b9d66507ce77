"""The generic fallback: trafilatura, used only when an era's selectors find no body."""

from __future__ import annotations

import trafilatura

from crawler.parsers.base import Extract


def parse(html: str, url: str) -> Extract:
    """Body (and headline, if the era parser had none) from a generic extractor."""
    doc = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    if doc is None:
        return Extract(method="fallback")
    text = getattr(doc, "text", None) or ""
    return Extract(
        headline=getattr(doc, "title", None),
        paragraphs=[line for line in text.split("\n") if line.strip()],
        method="fallback",
    )
