"""Per-era page parsers: pure functions from a page (or API answer) to an Extract."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from crawler.parsers import e1, e2, e3, e4
from crawler.parsers.base import Extract

# The HTML parser of each era: (html, url) -> Extract.
HTML_PARSERS: dict[str, Callable[[str, str], Extract]] = {
    "E1": e1.parse,
    "E2": e2.parse,
    "E3": e3.parse,
    "E4": e4.parse_html,
}


def merge_pages(pages: Sequence[Extract]) -> Extract:
    """One Extract for a multi-page article: page 1's metadata, every page's body lines."""
    first, rest = pages[0], pages[1:]
    return replace(
        first,
        more_pages=[*first.more_pages, *(page.paragraphs for page in rest)],
        pages=max(page.pages for page in pages),
    )


__all__ = ["Extract", "HTML_PARSERS", "merge_pages"]
