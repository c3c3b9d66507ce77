"""E3, the CMG "ARTI" CMS (2022-07 - 2024-07): `.shtml` article pages.

Selector cascades from the dossier (section 4): Polish ids/classes are unknown, so every
template the sister editions and CMG use is tried in order.
"""

from __future__ import annotations

import re

from parsel import Selector

from crawler.parsers.base import (
    Extract,
    body_lines,
    drop_leading_repeats,
    first_text,
    fragment_lines,
    page_datetime,
    selector_lines,
    without_banners,
)

TITLE = ("#atitle::text", "h1 ::text", 'meta[property="og:title"]::attr(content)', "title::text")
DATE = ("#apublishtime",)
# Body containers in order; `#content_area` wraps its body in repaste comments.
BODY = ("#abody", "#content_area", ".content_area", ".detailMod-body")
EDITOR = ".zebian"  # CMG editor block: not body
REPASTE = re.compile(r"<!--repaste\.body\.begin-->(.*?)<!--repaste\.body\.end-->", re.S)


def parse(html: str, url: str) -> Extract:
    page = without_banners(Selector(text=html))
    for node in page.css(EDITOR):
        node.drop()
    headline = first_text(page, *TITLE)
    lines, images = body_lines(page, BODY, url, lines_of=_repaste_lines)
    published = page_datetime(page, *DATE)
    return Extract(
        headline=headline,
        published=[published] if published else [],
        paragraphs=drop_leading_repeats(lines, headline),
        images=images,
    )


def _repaste_lines(container: Selector) -> list[str]:
    """`#content_area` keeps its body between repaste comments; other containers are whole."""
    repaste = REPASTE.search(container.get())
    return fragment_lines(repaste.group(1)) if repaste else selector_lines(container)
