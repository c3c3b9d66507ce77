"""E1, the legacy CRI CMS (2004 - 2019-10): `.htm` pages, some split over `_2.htm`, ... pages.

Selectors seen for E1 sister editions (DOSSIER section 4): title is the last non-empty `h1`
(the first ones are the site banner), body `div#ccontent` else `div.text`.
"""

from __future__ import annotations

import re

from parsel import Selector

from crawler.parsers.base import PageParser


class E1Parser(PageParser):
    BODY = ("div#ccontent", "div.text", "#abody")

    def headline(self, page: Selector) -> str | None:
        return _last_h1(page) or (page.css("title::text").get() or "").strip() or None

    def pages(self, page: Selector, url: str) -> int:
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
