"""E1Parser (the legacy `.htm` CMS) on small snippets: each step of its cascades in order
(DOSSIER section 4, E1): the last non-empty `h1`, else `<title>`; body `div#ccontent`, else
`div.text`, else `#abody`; the first `YYYY-MM-DD HH:MM:SS` of the text; pages from the pager."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.parsers.base import Extract
from crawler.parsers.e1 import E1Parser

URL = "https://polish.cri.cn/501/2013/02/10/101s114710.htm"


def parse(html: str, url: str = URL) -> Extract:
    return E1Parser().parse(Selector(text=html), url)


@pytest.mark.parametrize(
    ("html", "headline"),
    [
        # the first h1 is the site banner, the last one the article's
        ("<h1>China Radio International</h1><h1>Most na Wiśle</h1>", "Most na Wiśle"),
        # an empty last h1 is passed over
        ("<h1>Baner</h1><h1>Most na Wiśle</h1><h1> </h1>", "Most na Wiśle"),
        # inline markup and line feeds inside the h1: one line, single spaces
        ("<h1>Nowy <b>most</b>\n  na Wiśle</h1>", "Nowy most na Wiśle"),
        # no h1: the <title>, stripped
        ("<head><title>  Tytuł ze strony  </title></head><body><p>x</p></body>", "Tytuł ze strony"),
        # E1 does not read og:title (not in its cascade)
        ('<head><meta property="og:title" content="Z og"></head><body><p>x</p></body>', None),
        ("<p>Sam tekst</p>", None),
    ],
    ids=["last_h1", "empty_last_h1", "inline_markup", "title", "no_og_title", "none"],
)
def test_headline(html: str, headline: str | None) -> None:
    assert parse(html).headline == headline


@pytest.mark.parametrize(
    ("html", "paragraphs"),
    [
        # cascade order, not document order: #ccontent before div.text
        ('<div class="text"><p>Z div.text</p></div><div id="ccontent"><p>Z ccontent</p></div>',
         ["Z ccontent"]),
        # an empty #ccontent: the next container
        ('<div id="ccontent"> </div><div class="text"><p>A</p><p>B</p></div>'
         '<div id="abody"><p>C</p></div>', ["A", "B"]),
        ('<div id="abody"><p>C</p></div>', ["C"]),
        ('<div class="other"><p>Poza kontenerem</p></div>', []),
        # a line per block element and <br>; no script text
        ('<div id="ccontent">Linia 1<br>Linia 2<script>var x = 1;</script><p>Linia 3</p></div>',
         ["Linia 1", "Linia 2", "Linia 3"]),
        # the consent dialog (DROP) is no body text, even inside the container
        ('<div id="ccontent"><p>Tekst.</p><div class="js-tools-dialog"><p>I agree</p></div></div>',
         ["Tekst."]),
    ],
    ids=["ccontent_first", "div_text", "abody", "none", "lines", "banner"],
)
def test_body(html: str, paragraphs: list[str]) -> None:
    assert parse(html).paragraphs == paragraphs


def test_images_of_the_body_container_are_absolute() -> None:
    found = parse('<img src="/logo.png"><div id="ccontent"><img src="/photo/a.jpg"><p>x</p></div>')
    assert found.images == ["https://polish.cri.cn/photo/a.jpg"]


@pytest.mark.parametrize(
    ("html", "published"),
    [
        ("<h1>T</h1><p>2018-06-08 08:43:00 CRI</p><p>Tekst</p>", ["2018-06-08 08:43:00"]),
        # the 2004 template: the date line before the headline; the first time wins
        ("<div>(GMT+08:00) 2004-10-11 18:59:55</div><h1>T</h1><p>Od 2005-01-01 00:00:00</p>",
         ["2004-10-11 18:59:55"]),
        # no time in a script
        ('<script>var t = "2019-01-01 00:00:00";</script><p>2018-06-08 08:43:00</p>',
         ["2018-06-08 08:43:00"]),
        ("<h1>T</h1><p>Bez daty</p>", []),
    ],
    ids=["date_line", "first_of_two", "not_in_script", "none"],
)
def test_published(html: str, published: list[str]) -> None:
    assert parse(html).published == published


@pytest.mark.parametrize(
    ("url", "links", "pages"),
    [
        (URL, [], 1),
        (URL, ["101s114710_2.htm", "/501/2013/02/10/101s114710_3.htm", "101s114710.htm"], 3),
        # page 2 links back to page 1 and on to page 3 (a query does not hide it)
        (URL.replace(".htm", "_2.htm"), ["101s114710.htm", "101s114710_3.htm?spm=x"], 3),
        # pager links of another article do not count
        (URL, ["101s114711_5.htm", "other_9.htm"], 1),
    ],
    ids=["single", "pager", "from_page_2", "other_article"],
)
def test_pages(url: str, links: list[str], pages: int) -> None:
    html = "<h1>T</h1>" + "".join(f'<a href="{href}">{n}</a>' for n, href in enumerate(links, 2))
    assert parse(html, url).pages == pages
