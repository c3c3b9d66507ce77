"""E2, the numeric CMS (2020-10 - 2022-03): `/<section>/<chanId>/<yyyymmdd>/<numId>.html`.

Selectors of the related English CMS (DOSSIER section 4, INFERRED for Polish), then the E3
templates as a second guess; the `Ranking` sidebar sits outside the body container.
"""

from __future__ import annotations

from crawler.parsers.base import PageParser


class E2Parser(PageParser):
    TITLE = (
        ".article-left h1 ::text",
        "h1 ::text",
        'meta[property="og:title"]::attr(content)',
        "title::text",
    )
    DATE = (".article-type-item-time",)
    BODY = (".article-con", "#abody", ".article-content", ".article-left")
