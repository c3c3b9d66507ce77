"""E3Parser (the CMG "ARTI" `.shtml` CMS) on small snippets: each step of its cascades in order
(DOSSIER section 4, E3): title `#atitle`, `h1`, og:title, `<title>`; date `#apublishtime`, else
the text; body `#abody`, `#content_area` / `.content_area` (between the repaste comments),
`.detailMod-body`; the editor block `.zebian` and the consent dialog dropped."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.parsers.base import Extract
from crawler.parsers.e3 import E3Parser

URL = "https://polish.cri.cn/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703.shtml"
REPASTE = "<!--repaste.body.begin-->{}<!--repaste.body.end-->"


def parse(html: str) -> Extract:
    return E3Parser().parse(Selector(text=html), URL)


@pytest.mark.parametrize(
    ("html", "headline"),
    [
        ('<h1>Baner</h1><div id="atitle">Tytuł</div>', "Tytuł"),
        ('<div id="atitle"> </div><h1>Z h1</h1>', "Z h1"),
        ('<head><meta property="og:title" content="Z og"><title>Z title</title></head><p>x</p>',
         "Z og"),
        ("<head><title>Z title</title></head><p>x</p>", "Z title"),
    ],
    ids=["atitle", "h1", "og_title", "title"],
)
def test_headline(html: str, headline: str) -> None:
    assert parse(html).headline == headline


@pytest.mark.parametrize(
    ("html", "published"),
    [
        ('<p>Baidu 2023-01-01 00:00:00</p><span id="apublishtime">2024-02-09 10:53:13</span>',
         ["2024-02-09 10:53:13"]),
        ("<h1>T</h1><p>2024-02-09 10:53:13</p><p>Podziel się:</p>", ["2024-02-09 10:53:13"]),
        ("<h1>T</h1><p>bez daty</p>", []),
    ],
    ids=["apublishtime", "text", "none"],
)
def test_published(html: str, published: list[str]) -> None:
    assert parse(html).published == published


@pytest.mark.parametrize(
    ("html", "paragraphs"),
    [
        ('<div id="content_area"><p>Z content_area</p></div><div id="abody"><p>Z abody</p></div>',
         ["Z abody"]),
        # #content_area: only what lies between the repaste comments
        ('<div id="content_area"><p>Przed</p>' + REPASTE.format("<p>Akapit 1</p><p>Akapit 2</p>")
         + "<p>Po</p></div>", ["Akapit 1", "Akapit 2"]),
        # without the comments the container is read whole
        ('<div id="content_area"><p>Przed</p><p>Po</p></div>', ["Przed", "Po"]),
        ('<div class="content_area"><p>Obok</p>' + REPASTE.format("<p>Treść</p>") + "</div>",
         ["Treść"]),
        ('<div class="detailMod-body"><p>Moduł</p></div>', ["Moduł"]),
        # an empty container is passed over
        ('<div id="abody"> </div><div class="detailMod-body"><p>Moduł</p></div>', ["Moduł"]),
        # DROP: the editor block and the consent dialog, also between the repaste comments
        ('<div id="abody"><p>Tekst.</p><div class="zebian">Redaktor: X</div></div>', ["Tekst."]),
        ('<div id="content_area">' + REPASTE.format('<p>Tekst.</p><p class="zebian">Redaktor: X</p>')
         + "</div>", ["Tekst."]),
        ('<div id="abody"><p>Tekst.</p><div class="cg-tools-dialog"><p>I agree</p></div></div>',
         ["Tekst."]),
        ("<p>poza kontenerem</p>", []),
    ],
    ids=["abody_first", "repaste", "content_area_whole", "dot_content_area", "detailmod",
         "empty_abody", "zebian", "zebian_in_repaste", "banner", "none"],
)
def test_body(html: str, paragraphs: list[str]) -> None:
    assert parse(html).paragraphs == paragraphs



@pytest.mark.parametrize(
    ("html", "selector"),
    [
        ('<div id="content_area">' + REPASTE.format("<p>Akapit</p>") + "</div>", "#content_area"),
        ('<div id="abody"> </div><div class="detailMod-body"><p>Moduł</p></div>', ".detailMod-body"),
        ("<p>poza kontenerem</p>", None),
    ],
    ids=["repaste", "empty_abody", "none"],
)
def test_body_selector_is_the_container_that_held_text(html: str, selector: str | None) -> None:
    assert parse(html).selector == selector
