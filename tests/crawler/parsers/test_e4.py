"""E4 (the CGTN Nuxt platform) on small snippets and API answers: the page parser's container
list, then the paragraph-density search; the client-rendered shell; the API envelope and
article `result`, broken types included (DOSSIER section 3)."""

from __future__ import annotations

from typing import Any

import pytest
from parsel import Selector

from crawler.parsers import e4
from crawler.parsers.base import Extract
from crawler.parsers.e4 import E4Parser

URL = "https://polish.cri.cn/2026/11/10/ARTI1794283195192808"
LONG = "Akapit, który ma wyraźnie więcej tekstu niż pozostałe."


def parse(html: str) -> Extract:
    return E4Parser().parse(Selector(text=html), URL)


# -- the page ------------------------------------------------------------------------------------

CONTAINERS = [
    '<div itemprop="articleBody">{}</div>',
    '<div id="abody">{}</div>',
    '<div class="article-content">{}</div>',
    '<div class="detail-content">{}</div>',
    '<div class="content-detail">{}</div>',
    '<div class="article-body">{}</div>',
    '<article><div class="content">{}</div></article>',
]


@pytest.mark.parametrize("index", range(len(CONTAINERS)), ids=lambda i: CONTAINERS[i].split(">")[0])
def test_each_container_in_order_before_the_next_and_the_density_search(index: int) -> None:
    later = "".join(c.format(f"<p>Później {n}</p>") for n, c in enumerate(CONTAINERS[index + 1:]))
    denser = f'<div class="x"><p>{LONG}</p><p>{LONG}</p></div>'
    html = denser + later + CONTAINERS[index].format("<p>Ten</p><p>kontener</p>")
    found = parse(html)
    assert found.paragraphs == ["Ten", "kontener"]
    assert found.selector == E4Parser.BODY[index]


@pytest.mark.parametrize(
    ("html", "paragraphs"),
    [
        # a container without <p> is passed over
        ('<div itemprop="articleBody">bez akapitów</div><div class="article-content"><p>Z p</p></div>',
         ["Z p"]),
        # unknown markup: the element whose own <p> children hold the most text
        (f'<div class="a"><p>krótki</p></div><div class="b"><p>{LONG}</p><p>drugi</p></div>',
         [LONG, "drugi"]),
        # own children only: the inner block wins over its parent's short paragraph
        (f'<div class="outer"><div class="inner"><p>{LONG}</p></div><p>krótki</p></div>', [LONG]),
        ("<div>bez akapitów</div>", []),
    ],
    ids=["container_without_p", "density", "density_own_children", "none"],
)
def test_body(html: str, paragraphs: list[str]) -> None:
    assert parse(html).paragraphs == paragraphs


@pytest.mark.parametrize(
    ("html", "selector"),
    [
        ('<div itemprop="articleBody">bez akapitów</div><div class="article-content"><p>Z p</p></div>',
         ".article-content"),
        (f'<div class="a"><p>krótki</p></div><div class="b"><p>{LONG}</p></div>', "//*[p]"),
        ("<div>bez akapitów</div>", None),
        ('<div class="article-content"><p> </p></div>', None),  # found, but no text in it
    ],
    ids=["container", "density", "none", "empty_container"],
)
def test_body_selector_says_what_found_the_body(html: str, selector: str | None) -> None:
    assert parse(html).selector == selector


def test_images_come_from_the_body_container_only() -> None:
    found = parse('<img src="/logo.png"><div class="article-content"><img src="/a.jpg"><p>x</p></div>')
    assert found.images == ["https://polish.cri.cn/a.jpg"]


def test_headline_and_date_of_the_page() -> None:
    found = parse('<h1>Tytuł</h1><p>2026-11-10 09:15:00</p>'
                  '<div class="article-content"><p>Tekst.</p></div>')
    assert (found.headline, found.published, found.method) == ("Tytuł", ["2026-11-10 09:15:00"], "html")


@pytest.mark.parametrize(
    ("html", "shell"),
    [
        ('<div id="__nuxt"></div>', True),
        ('<div id="app"><div class="loading">Ładowanie…</div></div>', True),
        ('<div id="__nuxt"><p> </p></div>', True),
        ('<div id="__nuxt"><p>Tekst artykułu</p></div>', False),
        ('<div data-server-rendered="true"><h1>Tytuł</h1></div>', False),
        # no app root: a plain page, never a shell (not even an empty one)
        ("<p>Tekst</p>", False),
        ("<html><body></body></html>", False),
    ],
    ids=["empty_nuxt", "loading_app", "blank_p", "rendered_p", "rendered_h1", "plain", "empty"],
)
def test_is_shell(html: str, shell: bool) -> None:
    assert e4.is_shell(Selector(text=html)) is shell


# -- the API ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "payload",
    [
        [],
        "ok",
        {"succeed": 0, "errorCode": 1, "errorMessage": "moved", "result": None},
        {"succeed": 1, "result": None},
        {"succeed": 1, "result": ["x"]},
        {"result": {"title": "T"}},
    ],
    ids=["list", "string", "succeed_0", "no_result", "result_not_object", "no_succeed"],
)
def test_api_result_rejects_what_is_no_article_answer(payload: Any) -> None:
    with pytest.raises(e4.ApiError):
        e4.api_result(payload)


@pytest.mark.parametrize("succeed", [1, "1"])
def test_api_result_is_the_result_object(succeed: Any) -> None:
    assert e4.api_result({"succeed": succeed, "result": {"title": "T"}}) == {"title": "T"}


def test_api_article_fields() -> None:
    found = e4.parse_api_article({
        "title": "Tytuł",
        "brief": "Krótko o <b>tym</b>",
        "published": "1790076173000",
        "date": "1790076170000",
        "modifyDate": "1790076999000",
        "content": "<p>Pierwszy akapit.</p><p>Drugi <i>akapit</i>.</p>",
        "photo": {"large": "https://img/l.jpg", "thurm": "https://img/t.jpg"},
        "video": {"url": "https://vod/x.m3u8"},
    })
    assert found == Extract(
        headline="Tytuł",
        published=["1790076173000", "1790076170000"],
        paragraphs=["Pierwszy akapit.", "Drugi akapit."],
        summary="Krótko o tym",
        modified="1790076999000",
        images=["https://img/l.jpg"],
        video="https://vod/x.m3u8",
        method="api",
        selector="api:content",
    )


@pytest.mark.parametrize(
    ("result", "paragraphs", "selector"),
    [
        ({"content": "<p>Wprost</p>", "modules": [{"content": "<p>Moduł</p>"}]}, ["Wprost"],
         "api:content"),
        # no `content`: a detail template's module first, wherever its content is nested
        ({"modules": [{"templateName": "Inne", "content": "<p>Inny</p>"},
                      {"templateName": "ShijieyuDetail25", "data": [{"content": "<p>Szczegół</p>"}]}]},
         ["Szczegół"], "api:modules"),
        # no detail template: the first module with content
        ({"modules": [{"templateName": "A", "content": " "},
                      {"templateName": "B", "content": "<p>B</p>"}]}, ["B"], "api:modules"),
        ({"content": None, "modules": "broken"}, [], None),
        ({}, [], None),
    ],
    ids=["content_first", "detail_module", "first_module", "broken_modules", "empty"],
)
def test_api_article_body(result: dict[str, Any], paragraphs: list[str], selector: str | None) -> None:
    found = e4.parse_api_article(result)
    assert (found.paragraphs, found.selector) == (paragraphs, selector)


@pytest.mark.parametrize(
    ("field", "value", "attribute", "expected"),
    [
        # a non-string text field is no value, never its repr
        ("title", 1e308, "headline", None),
        ("title", {"p": 1}, "headline", None),
        ("title", "<b>Tytuł</b><script>alert(1)</script>", "headline", "Tytuł"),
        ("brief", ["a"], "summary", None),
        ("content", ["<p>x</p>"], "paragraphs", []),
        # epoch milliseconds as a whole number count; a bool or a float do not
        ("published", 1790076173000, "published", ["1790076173000"]),
        ("published", True, "published", []),
        ("published", float("nan"), "published", []),
        ("modifyDate", {"t": 1}, "modified", None),
        ("photo", "https://img/l.jpg", "images", []),
        ("photo", {"large": 5, "thurm": "https://img/t.jpg"}, "images", ["https://img/t.jpg"]),
        ("video", "https://vod/x.m3u8", "video", None),
        ("video", {"url": 5}, "video", None),
    ],
    ids=["title_number", "title_object", "title_markup", "brief_list", "content_list",
         "published_int", "published_bool", "published_nan", "modified_object", "photo_string",
         "photo_large_number", "video_string", "video_url_number"],
)
def test_api_article_broken_types(field: str, value: Any, attribute: str, expected: Any) -> None:
    assert getattr(e4.parse_api_article({field: value}), attribute) == expected
