"""E3, the CMG "ARTI" CMS (2022-07 - 2024-07): `.shtml` article pages.

Selector cascades from the dossier (section 4): Polish ids/classes are unknown, so every
template the sister editions and CMG use is tried in order.
"""

from __future__ import annotations

import re

from parsel import Selector

from crawler.parsers.base import BANNER_CSS, PageParser, fragment_lines, selector_lines

REPASTE = re.compile(r"<!--repaste\.body\.begin-->(.*?)<!--repaste\.body\.end-->", re.S)


class E3Parser(PageParser):
    TITLE = ("#atitle::text", "h1 ::text", 'meta[property="og:title"]::attr(content)', "title::text")
    DATE = ("#apublishtime",)
    # Body containers in order; `#content_area` wraps its body in repaste comments.
    BODY = ("#abody", "#content_area", ".content_area", ".detailMod-body")
    DROP = BANNER_CSS + ", .zebian"  # `.zebian`: the CMG editor block, not body

    def lines(self, container: Selector) -> list[str]:
        """`#content_area` keeps its body between repaste comments; other containers are whole."""
        repaste = REPASTE.search(container.get())
        return fragment_lines(repaste.group(1)) if repaste else selector_lines(container)
