"""E2, the numeric CMS (2020-10 - 2022-03): `/<section>/<chanId>/<yyyymmdd>/<numId>.html`.

Selectors of the related English CMS (DOSSIER section 4, INFERRED for Polish), then the E3
templates as a second guess; the `Ranking` sidebar sits outside the body container.
"""

from __future__ import annotations

from parsel import Selector

from crawler.parsers.base import (
    Extract,
    body_lines,
    drop_leading_repeats,
    first_text,
    page_datetime,
    without_banners,
)

TITLE = (
    ".article-left h1 ::text",
    "h1 ::text",
    'meta[property="og:title"]::attr(content)',
    "title::text",
)
DATE = (".article-type-item-time",)
BODY = (".article-con", "#abody", ".article-content", ".article-left")


def parse(html: str, url: str) -> Extract:
    page = without_banners(Selector(text=html))
    headline = first_text(page, *TITLE)
    lines, images = body_lines(page, BODY, url)
    published = page_datetime(page, *DATE)
    return Extract(
        headline=headline,
        published=[published] if published else [],
        paragraphs=drop_leading_repeats(lines, headline),
        images=images,
    )
