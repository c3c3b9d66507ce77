"""E2Parser (the numeric `.html` CMS) on small snippets: each step of its cascades in order
(DOSSIER section 4, E2: the related English CMS's `.article-left`, `.article-type-item-time`,
`.article-con`; then the E3 templates)."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.parsers.base import Extract
from crawler.parsers.e2 import E2Parser

URL = "https://polish.cri.cn/wisla_i_langcy/4206/20220324/744781.html"


def parse(html: str) -> Extract:
    return E2Parser().parse(Selector(text=html), URL)


@pytest.mark.parametrize(
    ("html", "headline"),
    [
        ('<h1>Baner</h1><div class="article-left"><h1>Tytuł</h1></div>', "Tytuł"),
        ("<h1>Tytuł</h1>", "Tytuł"),
        ('<head><meta property="og:title" content="Z og"><title>Z title</title></head><h1> </h1>',
         "Z og"),
        ("<head><title>Z title</title></head><p>x</p>", "Z title"),
        ("<p>x</p>", None),
    ],
    ids=["article_left_h1", "h1", "og_title", "title", "none"],
)
def test_headline(html: str, headline: str | None) -> None:
    assert parse(html).headline == headline


@pytest.mark.parametrize(
    ("html", "published"),
    [
        # the named element before a time earlier in the text
        ('<p>2019-01-01 10:00:00</p><span class="article-type-item-time">2020-10-30 10:26:09</span>',
         ["2020-10-30 10:26:09"]),
        ('<span class="article-type-item-time">brak</span><p>2020-10-30 10:26:09</p>',
         ["2020-10-30 10:26:09"]),
        ("<p>bez daty</p>", []),
    ],
    ids=["named_element", "text", "none"],
)
def test_published(html: str, published: list[str]) -> None:
    assert parse(html).published == published


@pytest.mark.parametrize(
    ("html", "paragraphs"),
    [
        # .article-con inside .article-left: the Ranking sidebar stays outside
        ('<div class="article-left"><h1>T</h1><div class="article-con"><p>A</p></div>'
         '<div class="rank"><h3>Ranking</h3><p>Najczęściej czytane</p></div></div>', ["A"]),
        ('<div class="article-content"><p>C</p></div><div id="abody"><p>B</p></div>', ["B"]),
        ('<div class="article-left"><p>D</p></div><div class="article-content"><p>C</p></div>', ["C"]),
        # the last resort: .article-left
        ('<h1>T</h1><div class="article-left"><p>D</p><p>E</p></div>', ["D", "E"]),
        ('<div class="x"><p>poza</p></div>', []),
    ],
    ids=["article_con", "abody", "article_content", "article_left", "none"],
)
def test_body(html: str, paragraphs: list[str]) -> None:
    assert parse(html).paragraphs == paragraphs
