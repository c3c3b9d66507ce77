"""The extractor (`crawler.extract.extract`) on small answers: each outcome (`Item`, `Skip`,
`Need`) with the counts it carries. The stored pages of every era: tests/test_fixtures.py."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone
from typing import Any

import pytest

from crawler import __version__
from crawler.archive import content_digest
from crawler.editions import get_edition
from crawler.extract import Answer, Gate, Item, Need, Needed, Outcome, Skip, Via, extract
from crawler.parsers.base import Extract
from crawler.parsers.listing import Card
from crawler.urls import classify
from tests.replica.listings import SOFT_404_HTML
from tests.replica.walls import MAINTENANCE

EDITION = get_edition("polish")
FETCHED_AT = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
E1 = "https://polish.cri.cn/501/2013/02/10/101s114710.htm"
E2 = "https://polish.cri.cn/wisla_i_langcy/4206/20220324/744781.html"
E3 = "https://polish.cri.cn/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703.shtml"
E4 = "https://polish.cri.cn/2026/11/10/ARTI1794283195192808"
API = "https://polish.cri.cn/api/getData"
HTML_UTF8 = "text/html; charset=utf-8"

E3_PAGE = (
    "<html><head><title>Wiadomości</title></head><body>"
    '<div id="atitle">Zażółć gęślą jaźń</div><span id="apublishtime">2024-07-03 10:53:13</span>'
    '<div id="abody"><p>Pierwszy akapit o Łodzi.</p><p>Drugi akapit. (A. L.)</p></div>'
    "</body></html>"
)
# What an article page of any era counts: parsed, and each covered field it has.
FIELDS = {"cri/pages/articles_parsed": 1, "cri/fields/headline": 1, "cri/fields/published": 1,
          "cri/fields/body": 1}
ITEM_E3 = {**FIELDS, "cri/extraction/html": 1, "cri/items/era/E3": 1}
SHELL = ('<html><head><title>CGTN</title></head><body><div id="__nuxt"></div>'
         '<script src="/_nuxt/app.js"></script></body></html>')


# The namespaces these tests speak for, compared exactly (an item counts more, e.g. where its
# time came from: not this file's concern).
SEEN = ("cri/pages/", "cri/fields/", "cri/extraction/", "cri/items/", "cri/encoding/",
        "cri/interstitial/", "cri/api/")


def seen(outcome: Outcome) -> dict[str, int]:
    return {name: n for name, n in outcome.counts.items() if name.startswith(SEEN)}


def run(url: str, body: str | bytes, content_type: str = HTML_UTF8, via: Via = Via.PAGE,
        pages: tuple[Extract, ...] = (), record: str | None = None, **options: Any) -> Outcome:
    ref = classify(url, EDITION)
    assert ref is not None
    raw = body.encode("utf-8") if isinstance(body, str) else body
    answer = Answer(API if via is Via.API else url, raw, {"Content-Type": content_type}, via,
                    record)
    return extract(EDITION, ref, answer, pages, fetched_at=FETCHED_AT, run="test", **options)


def api(result: dict[str, Any] | None, succeed: int = 1) -> bytes:
    envelope = {"succeed": succeed, "errorCode": 0, "errorMessage": "", "result": result}
    return json.dumps(envelope).encode()


def e3_page(body: str) -> str:
    """The E3 page with another body container content."""
    return E3_PAGE.split('<div id="abody">')[0] + f'<div id="abody">{body}</div></body></html>'


# -- Item ------------------------------------------------------------------------------------------

def test_an_article_page_is_an_item_with_its_counts() -> None:
    outcome = run(E3, E3_PAGE)
    assert isinstance(outcome, Item)
    article = outcome.article
    assert (article.id, article.url, article.era, article.edition, article.language) == (
        "ARTIzR7mcXGTA3meOEfr1fMJ240703", E3, "E3", "polish", "pl")
    assert article.headline == "Zażółć gęślą jaźń"
    assert article.published == "2024-07-03T10:53:13+08:00"
    assert article.body == "Pierwszy akapit o Łodzi.\n\nDrugi akapit."
    assert article.author == "A. L."
    assert (article.extraction, article.fetched_at) == ("html", "2026-11-27T12:00:00+00:00")
    assert seen(outcome) == ITEM_E3


@pytest.mark.parametrize(
    ("body", "content_type", "counts"),
    [
        # UTF-8 bytes under a server's default Latin charset are read as UTF-8, and counted
        (E3_PAGE.encode("utf-8"), "text/html; charset=iso-8859-1",
         {"cri/encoding/utf8_under_latin_charset": 1}),
        (E3_PAGE.encode("utf-8"), "text/html; charset=windows-1252",
         {"cri/encoding/utf8_under_latin_charset": 1}),
        # a declared Central European charset is the page's own: read as declared
        (E3_PAGE.encode("cp1250"), "text/html; charset=windows-1250", {}),
        (E3_PAGE.encode("utf-8"), HTML_UTF8, {}),
    ],
    ids=["utf8_under_latin1", "utf8_under_cp1252", "cp1250", "utf8"],
)
def test_polish_letters_whatever_the_declared_charset(body: bytes, content_type: str,
                                                     counts: dict[str, int]) -> None:
    outcome = run(E3, body, content_type)
    assert isinstance(outcome, Item)
    assert outcome.article.headline == "Zażółć gęślą jaźń"
    assert outcome.article.body == "Pierwszy akapit o Łodzi.\n\nDrugi akapit."
    assert seen(outcome) == {**ITEM_E3, **counts}


def test_bytes_no_encoding_reads_are_counted() -> None:
    body = E3_PAGE.encode("utf-8").replace("Łodzi".encode(), b"\xff\xfeodzi")
    outcome = run(E3, body)
    assert isinstance(outcome, Item)
    assert outcome.article.body.startswith("Pierwszy akapit o \ufffd\ufffdodzi.")
    assert seen(outcome) == {**ITEM_E3, "cri/encoding/replacement_chars": 2,
                                    "cri/encoding/pages_with_replacements": 1}


def test_an_api_answer_is_an_item_extracted_by_the_api() -> None:
    result = {"title": "Tytuł", "published": "1794283195000", "content": "<p>Tekst z API.</p>"}
    outcome = run(E4, api(result), "application/json", Via.API)
    assert isinstance(outcome, Item)
    assert (outcome.article.headline, outcome.article.body) == ("Tytuł", "Tekst z API.")
    assert outcome.article.published == "2026-11-10T11:59:55+08:00"
    assert outcome.article.extraction == "api"
    assert seen(outcome) == {**FIELDS, "cri/extraction/api": 1, "cri/items/era/E4": 1}


def test_a_rendered_page_is_extracted_by_the_browser() -> None:
    html = '<div id="__nuxt"><h1>Tytuł</h1><div class="article-content"><p>Tekst.</p></div></div>'
    outcome = run(E4, html, via=Via.BROWSER)
    assert isinstance(outcome, Item)
    assert (outcome.article.extraction, outcome.article.body) == ("browser", "Tekst.")
    assert outcome.counts["cri/extraction/browser"] == 1


def test_the_listing_card_dates_a_page_without_a_time() -> None:
    html = '<h1>Tytuł</h1><div class="article-content"><p>Tekst.</p></div>'
    card = Card(E4, date="1794283195000", brief="Zapowiedź")
    outcome = run(E4, html, card=card)
    assert isinstance(outcome, Item)
    assert outcome.article.published == "2026-11-10T11:59:55+08:00"
    assert outcome.article.summary == "Zapowiedź"
    # without the card: the URL's date, at midnight
    alone = run(E4, html)
    assert isinstance(alone, Item) and alone.article.published == "2026-11-10T00:00:00+08:00"


def test_a_page_the_era_parser_finds_no_body_in_goes_to_the_fallback() -> None:
    paragraphs = [
        "Pierwszy akapit artykułu o nowym moście na Wiśle, który otwarto w sobotę po trzech "
        "latach budowy.",
        "Drugi akapit opisuje, jak mieszkańcy obu brzegów rzeki przyjęli nową przeprawę i co się "
        "zmieni.",
        "Trzeci akapit przytacza słowa burmistrza, który podziękował wykonawcom i zapowiedział "
        "kolejne prace.",
    ]
    html = ("<html><head><title>Nowy most</title></head><body><h1>Nowy most</h1>"
            "<p>2022-03-24 10:26:09</p><article>"
            + "".join(f"<section><span>{p}</span></section>" for p in paragraphs)
            + "</article></body></html>")
    outcome = run(E2, html)
    assert isinstance(outcome, Item), outcome
    assert outcome.article.extraction == "fallback"
    assert all(p in outcome.article.body for p in paragraphs)
    assert outcome.counts["cri/extraction/fallback"] == 1


@pytest.mark.parametrize(
    ("url", "body", "via"),
    [
        # the 2004 E1 template: the date line before the headline, the headline again in the text
        (E1, "<div>(GMT+08:00) 2004-10-11 18:59:55</div><h1>Tytuł</h1>"
             "<div id='ccontent'><p>Tytuł</p><p>Tekst.</p></div>", Via.PAGE),
        # E3: the headline again, then the date line, at the start of the body container
        (E3, "<div id='atitle'>Tytuł</div><div id='abody'><p>Tytuł</p>"
             "<p>2024-02-09 10:53:13</p><p>Tekst.</p></div>", Via.PAGE),
        (E4, api({"title": "Tytuł", "content": "<p>Tytuł</p><p>Tekst.</p>"}), Via.API),
    ],
    ids=["E1_2004", "E3", "E4_api"],
)
def test_the_headline_repeated_in_the_body_is_no_body_text(url: str, body: str | bytes,
                                                           via: Via) -> None:
    outcome = run(url, body, "application/json" if via is Via.API else HTML_UTF8, via)
    assert isinstance(outcome, Item)
    assert (outcome.article.headline, outcome.article.body) == ("Tytuł", "Tekst.")


# -- provenance: what made the item, from what ----------------------------------------------------

RECORD = "<urn:uuid:0b6f1d4e-5a3c-4c1e-9f1a-2d7c8e9f0a1b>"


def sha256(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def test_an_item_says_which_run_parser_payload_and_record_made_it() -> None:
    outcome = run(E3, E3_PAGE, record=RECORD)
    assert isinstance(outcome, Item)
    article = outcome.article
    assert (article.run, article.crawler_version) == ("test", __version__)
    assert article.parser == {"era": "E3", "version": 1, "selector": "#abody"}
    assert article.content_sha256 == sha256(E3_PAGE)
    assert article.warc_record_id == RECORD
    # without a WARC: no record; the run and version are the caller's
    made = run(E3, E3_PAGE, crawler_version="9.9")
    assert isinstance(made, Item)
    assert (made.article.warc_record_id, made.article.crawler_version) == (None, "9.9")


def test_an_api_item_names_the_api_and_its_answer() -> None:
    body = api({"title": "Tytuł", "published": "1794283195000", "content": "<p>Tekst z API.</p>"})
    outcome = run(E4, body, "application/json", Via.API, record=RECORD)
    assert isinstance(outcome, Item)
    article = outcome.article
    assert article.parser == {"era": "E4", "version": 1, "selector": "api:content"}
    assert (article.content_sha256, article.warc_record_id) == (sha256(body), RECORD)


def test_an_old_article_on_the_platform_is_read_by_the_platforms_parser() -> None:
    # An E3 id at its platform address, answered by the platform's page: the E4 parser reads it.
    platform = "https://polish.cri.cn/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703"
    html = ('<div id="__nuxt"><h1>Tytuł</h1><p>2024-07-03 10:53:13</p>'
            '<div class="article-content"><p>Tekst.</p></div></div>')
    outcome = run(platform, html)
    assert isinstance(outcome, Item), outcome
    assert outcome.article.era == "E3"
    assert outcome.article.parser == {"era": "E4", "version": 1, "selector": ".article-content"}


def test_a_fallback_item_names_the_fallback() -> None:
    paragraph = "Zażółć gęślą jaźń: w Łodzi otwarto nową bibliotekę publiczną dla mieszkańców. "
    page = ("<html><body><div class='unknown'><h1>Nowa biblioteka w Łodzi</h1>"
            + "".join(f"<p>{paragraph * 3}</p>" for _ in range(4))
            + "<p>2024-07-03 10:53:13</p></div></body></html>")
    outcome = run(E3, page)
    assert isinstance(outcome, Item) and outcome.article.extraction == "fallback"
    assert outcome.article.parser == {"era": "E3", "version": 1, "selector": "fallback"}


def test_a_multi_page_item_digests_its_pages_in_order_and_names_page_ones_record() -> None:
    first = ("<h1>Dwie strony</h1><p>2013-02-10 10:00:00 CRI</p>"
             "<div id='ccontent'><p>Strona pierwsza.</p></div><a href='101s114710_2.htm'>2</a>")
    second = "<h1>Dwie strony</h1><div class='text'><p>Strona druga.</p></div>"
    need = run(E1, first, record="<urn:uuid:page-1>")
    assert isinstance(need, Need)
    outcome = run(E1.replace(".htm", "_2.htm"), second, pages=need.pages, record="<urn:uuid:page-2>")
    assert isinstance(outcome, Item)
    article = outcome.article
    assert article.content_sha256 == sha256(sha256(first) + sha256(second))
    assert article.warc_record_id == "<urn:uuid:page-1>"
    assert article.parser == {"era": "E1", "version": 1, "selector": "div#ccontent"}


def test_the_dedupe_digest_ignores_provenance() -> None:
    # Another run, another payload (a changed banner), the same text: the same content.
    one = run(E3, E3_PAGE, record=RECORD)
    other = run(E3, E3_PAGE.replace("Wiadomości", "Wiadomości CRI"), crawler_version="9.9")
    assert isinstance(one, Item) and isinstance(other, Item)
    assert one.article.content_sha256 != other.article.content_sha256
    assert (content_digest(one.article.headline, one.article.body)
            == content_digest(other.article.headline, other.article.body))


# -- Need ------------------------------------------------------------------------------------------

def test_a_two_page_e1_article_needs_its_next_page_then_is_one_item() -> None:
    first = ("<html><head><title>Strona</title></head><body><h1>Dwie strony</h1>"
             "<p>2013-02-10 10:00:00 CRI</p><div id='ccontent'><p>Strona pierwsza.</p></div>"
             "<a href='101s114710_2.htm'>2</a></body></html>")
    second = ("<html><head><title>Strona</title></head><body><h1>Dwie strony</h1>"
              "<div id='ccontent'><p>Strona druga.</p></div>"
              "<a href='101s114710.htm'>1</a></body></html>")
    need = run(E1, first)
    assert isinstance(need, Need) and need.what is Needed.NEXT_PAGE
    assert [page.paragraphs for page in need.pages] == [["Strona pierwsza."]]
    assert need.pages[0].pages == 2
    outcome = run(E1.replace(".htm", "_2.htm"), second, pages=need.pages)
    assert isinstance(outcome, Item)
    article = outcome.article
    assert (article.id, article.url, article.headline) == ("E1-114710", E1, "Dwie strony")
    assert article.body == "Strona pierwsza.\n\nStrona druga."
    assert article.published == "2013-02-10T10:00:00+08:00"
    assert seen(outcome) == {**FIELDS, "cri/extraction/html": 1, "cri/items/era/E1": 1}


def test_an_e4_shell_needs_the_browser() -> None:
    outcome = run(E4, SHELL)
    assert isinstance(outcome, Need) and outcome.what is Needed.BROWSER
    assert seen(outcome) == {}


@pytest.mark.parametrize(
    ("url", "via"),
    [(E4, Via.BROWSER), (E1, Via.PAGE)],
    ids=["rendered_already", "era_without_api"],
)
def test_an_empty_shell_needs_no_browser_when_rendered_or_outside_e4(url: str, via: Via) -> None:
    outcome = run(url, SHELL, via=via)
    assert isinstance(outcome, Skip) and outcome.reason == "no_body"


@pytest.mark.parametrize(
    ("body", "stat"),
    [
        (api({"title": "T"}, succeed=0), "cri/api/unusable"),
        (api(None), "cri/api/unusable"),
        (b"<html><body>502 Bad Gateway</body></html>", "cri/api/unusable"),
        (b'{"succeed": 1, "result": {"title": "T", "content": "<p>uci', "cri/api/unusable"),
        (b"\xff\xfe{}", "cri/api/unusable"),
        (api({"title": "T", "content": ""}), "cri/api/no_body"),
        (api({"title": "T", "content": "<script>x()</script>"}), "cri/api/no_body"),
    ],
    ids=["succeed_0", "no_result", "html", "truncated", "not_utf8", "empty_content", "only_script"],
)
def test_an_api_answer_without_an_article_needs_the_page(body: bytes, stat: str) -> None:
    outcome = run(E4, body, "application/json", Via.API)
    assert isinstance(outcome, Need) and outcome.what is Needed.PAGE
    assert seen(outcome) == {stat: 1}


# -- Skip ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("content_type", ["image/png", "application/pdf"])
def test_an_answer_that_is_no_text_is_skipped_as_not_html(content_type: str) -> None:
    # (an E4 URL: for a `.htm`/`.html`/`.shtml` URL Scrapy's response type follows the extension)
    outcome = run(E4, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", content_type)
    assert isinstance(outcome, Skip) and outcome.reason == "not_html"
    assert repr(content_type) in outcome.detail
    assert seen(outcome) == {}


def test_a_wall_instead_of_the_article_is_a_page_without_body() -> None:
    outcome = run(E2, MAINTENANCE)
    assert isinstance(outcome, Skip) and outcome.reason == "no_body"
    assert seen(outcome) == {"cri/interstitial/maintenance": 1, "cri/pages/articles_parsed": 1}


def test_markup_nested_too_deeply_is_skipped() -> None:
    html = "<html><body>" + "<div>" * 10_000 + "<p>x</p>" + "</div>" * 10_000 + "</body></html>"
    outcome = run(E1, html)
    assert isinstance(outcome, Skip) and outcome.reason == "too_deep"


def test_a_page_without_any_time_is_skipped_as_no_date() -> None:
    # 30 February: the URL gives no date either
    html = "<h1>Tytuł</h1><div id='ccontent'><p>Tekst.</p></div>"
    outcome = run(E1.replace("/02/10/", "/02/30/"), html)
    assert isinstance(outcome, Skip) and outcome.reason == "no_date"
    assert seen(outcome) == {"cri/pages/articles_parsed": 1, "cri/fields/headline": 1,
                                    "cri/fields/body": 1}


@pytest.mark.parametrize(
    ("gate", "reason"),
    [
        (Gate(max_body_chars=100), None),
        (Gate(max_body_chars=99), "body_too_long"),
        (Gate(since=date(2024, 7, 3)), None),
        (Gate(since=date(2024, 7, 4)), "before_since"),
    ],
    ids=["body_at_limit", "body_over_limit", "since_that_day", "since_the_day_after"],
)
def test_the_gate(gate: Gate, reason: str | None) -> None:
    outcome = run(E3, e3_page(f"<p>{'x' * 100}</p>"), gate=gate)
    if reason is None:
        assert isinstance(outcome, Item) and len(outcome.article.body) == 100
    else:
        assert isinstance(outcome, Skip) and outcome.reason == reason
        assert seen(outcome) == FIELDS  # parsed and counted, but no item


# -- real material (DOSSIER section 9): the platform's not-found page, 2004 pages, dates ------

def test_the_platforms_not_found_page_is_a_soft_404_at_any_era() -> None:
    for url in (E1, E2, E3, E4):
        outcome = run(url, SOFT_404_HTML)
        assert isinstance(outcome, Skip) and (outcome.reason, outcome.absent) == ("soft_404", True)
        assert seen(outcome) == {"cri/interstitial/soft_404": 1}  # not an article page read


@pytest.mark.parametrize(
    "page",
    [
        # A real-looking title and a long text: the template's element still says it.
        SOFT_404_HTML.replace("CGTN | Breaking News, China News, World News and Video",
                              "Chiny i Polska podpisały umowę o współpracy")
        .replace("Page not found</p>", "Page not found</p>" + "<p>Zobacz inne wiadomości.</p>" * 60),
        # A not-found page whose text holds a date: no article dated by it.
        SOFT_404_HTML.replace("Page not found</p>", "Page not found</p><p>2024-07-03 10:53:13</p>"),
        # No template element, but the heading says it.
        "<html><head><title>Page not found</title></head><body><h1>Nie znaleziono strony</h1>"
        "<p>Strona, której szukasz, nie istnieje. 2024-07-03 10:53:13</p></body></html>",
    ],
    ids=["real_looking_title", "date_in_text", "heading_only"],
)
def test_not_found_pages_in_disguise_are_no_items(page: str) -> None:
    outcome = run(E3, page)
    assert isinstance(outcome, Skip) and outcome.reason == "soft_404"


def test_the_sites_own_title_is_never_a_headline() -> None:
    page = ("<html><head><title>CGTN | Breaking News, China News, World News and Video</title>"
            '</head><body><div id="abody"><p>Tekst artykułu o Łodzi.</p>'
            "<p>2024-07-03 10:53:13</p></div></body></html>")
    outcome = run(E3, page)
    assert isinstance(outcome, Item) and outcome.article.headline is None
    assert outcome.counts.get("cri/fields/headline") is None  # validation drops it later


def test_the_2004_template_keeps_only_the_text() -> None:
    page = ("<html><body><h1></h1><h1>Rekordowe zbiory w Heilongjiang</h1><div id=\"ccontent\">"
            '<div class="nav"><a>Wiadomości</a> | <a>Chiny</a> | <a>Świat</a></div>'
            "<div>(GMT+08:00)</div><div>2004-10-11 18:59:55</div>"
            "<p><b>Rekordowe zbiory w Heilongjiang</b></p><p>Pierwszy akapit.</p><p>Drugi akapit.</p>"
            '<div class="comments"><p>Komentarze</p><p>Dodaj komentarz</p></div></div></body></html>')
    outcome = run("https://polish.cri.cn/141/2004/10/11/2s18147.htm", page)
    assert isinstance(outcome, Item)
    assert outcome.article.body == "Pierwszy akapit.\n\nDrugi akapit."
    assert (outcome.article.published, outcome.article.published_source) == (
        "2004-10-11T18:59:55+08:00", "page")


@pytest.mark.parametrize(
    ("date", "published", "source"),
    [
        ("17-Nov-2025", "2025-11-17T00:00:00+08:00", "listing"),  # the listing's format
        ("17-lis-2025", "2025-11-17T00:00:00+08:00", "url"),  # a foreign month: not read
        ("1763347200000", "2025-11-17T10:40:00+08:00", "listing"),
    ],
)
def test_where_the_time_came_from(date: str, published: str, source: str) -> None:
    page = '<html><body><div id="abody"><p>Tekst bez daty.</p></div></body></html>'
    outcome = run("https://polish.cri.cn/2025/11/17/ARTIzR7mcXGTA3meOEfr1fMJ251117.shtml", page,
                  card=Card(link="x", date=date))
    assert isinstance(outcome, Item)
    assert (outcome.article.published, outcome.article.published_source) == (published, source)
    assert outcome.counts[f"cri/published_source/{source}"] == 1
    # A time filled in from the card or the URL is no coverage of the page's date selector.
    assert "cri/fields/published" not in outcome.counts


@pytest.mark.parametrize(("shown", "mismatch"), [("2025-11-19 10:00:00", 0), ("2025-11-20 10:00:00", 1)])
def test_a_time_days_from_the_url_date_is_kept_and_counted(shown: str, mismatch: int) -> None:
    page = f'<html><body><span id="apublishtime">{shown}</span><div id="abody"><p>Tekst.</p></div></body></html>'
    outcome = run("https://polish.cri.cn/2025/11/17/ARTIzR7mcXGTA3meOEfr1fMJ251117.shtml", page)
    assert isinstance(outcome, Item) and outcome.article.published.startswith(shown[:10])
    assert outcome.counts.get("cri/published_mismatch", 0) == mismatch


def test_an_arti_id_of_the_wrong_length_is_no_article() -> None:
    for url in ("https://polish.cri.cn/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ24070.shtml",
                "https://polish.cri.cn/2026/11/10/ARTI179428319519280"):
        ref = classify(url, EDITION)
        assert ref is not None and ref.kind.value == "other"


def test_the_fallback_reads_the_repaired_text() -> None:
    # UTF-8 bytes under a Latin-1 header, in markup no era selector knows: the generic
    # extractor must get the text the parsers get (repaired), not mojibake.
    paragraph = "Zażółć gęślą jaźń: w Łodzi otwarto nową bibliotekę publiczną dla mieszkańców. "
    page = ("<html><head><title>Łódź</title></head><body><div class='unknown'><h1>Nowa biblioteka w Łodzi</h1>"
            + "".join(f"<p>{paragraph * 3}</p>" for _ in range(4))
            + "<p>2024-07-03 10:53:13</p></div></body></html>")
    outcome = run(E3, page.encode("utf-8"), "text/html; charset=iso-8859-1")
    assert isinstance(outcome, Item) and outcome.article.extraction == "fallback"
    assert "Zażółć gęślą jaźń" in outcome.article.body and "Ã" not in outcome.article.body
