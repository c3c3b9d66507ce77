"""E1, the legacy CRI CMS (2004 - 2019-10): `.htm` pages, some split over `_2.htm`, ... pages.

Selectors seen for E1 sister editions (DOSSIER section 4): title is the last non-empty `h1`
(the first ones are the site banner), body `div#ccontent` else `div.text`.
"""

from __future__ import annotations

import re

from parsel import Selector

from crawler.parsers.base import (
    Extract,
    body_lines,
    drop_leading_repeats,
    page_datetime,
    without_banners,
)

BODY = ("div#ccontent", "div.text", "#abody")


def parse(html: str, url: str) -> Extract:
    page = without_banners(Selector(text=html))
    headline = _last_h1(page) or (page.css("title::text").get() or "").strip() or None
    lines, images = body_lines(page, BODY, url)
    published = page_datetime(page)
    return Extract(
        headline=headline,
        published=[published] if published else [],
        paragraphs=drop_leading_repeats(lines, headline),
        images=images,
        pages=page_count(page, url),
    )


def page_count(page: Selector, url: str) -> int:
    """Pages of a multi-page article: the highest `<stem>_<n>.htm` the pager links to."""
    stem = re.sub(r"(_\d+)?\.htm$", "", url.rsplit("/", 1)[-1])
    pattern = re.compile(re.escape(stem) + r"_(\d+)\.htm$")
    numbers = [
        int(m.group(1))
        for href in page.css("a::attr(href)").getall()
        if (m := pattern.search(href.split("?")[0].strip()))
    ]
    return max([1, *numbers])


def _last_h1(page: Selector) -> str | None:
    texts = [" ".join(" ".join(h.xpath(".//text()").getall()).split()) for h in page.css("h1")]
    texts = [t for t in texts if t]
    return texts[-1] if texts else None
