"""The registry of editions and eras, and the Esperanto edition tried on real material as it is
(`shared/site/real/`: a real `getData` answer of an esperanto.cri.cn section)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from crawler import schema
from crawler.editions import EDITIONS, get_edition
from crawler.eras import ERAS, ParserVersion
from crawler.items import Article
from crawler.parsers import e4
from crawler.parsers.e1 import E1Parser
from crawler.parsers.listing import cards, module_links
from crawler.urls import Kind, classify
from pipelines.validate import ValidatePipeline
from tests.crawling import scrapy_crawl
from tests.replica import ReplicaServer
from tests.replica.server import Request, Response
from tests.support.paths import SHARED
from tests.support.settings import project_settings

REAL_LISTING = SHARED / "site" / "real" / "esperanto-api-getData-aktualajo-2026-09-25.json"
REAL_SECTION = "https://esperanto.cri.cn/aktualajo/page.shtml"
ESPERANTO_ARTICLE = Path(__file__).parent / "fixtures/esperanto/E4/api-content-ARTI1789381806935658.json"
BEIJING = timezone(timedelta(hours=8))


def real_cards() -> list[tuple[str, str]]:
    result = e4.api_result(json.loads(REAL_LISTING.read_bytes()))
    return [(card.link, card.date) for card in cards(result)]


# -- the registry ------------------------------------------------------------------------------

def test_unknown_edition_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="known: esperanto, polish"):
        get_edition("klingon")


def test_no_host_belongs_to_two_editions() -> None:
    hosts = [host for edition in EDITIONS.values() for host in edition.hosts]
    assert len(hosts) == len(set(hosts))


def test_every_era_parser_is_declared_once_per_era() -> None:
    assert set(ERAS) == {"E1", "E2", "E3", "E4"}
    for era in ERAS.values():
        assert era.parsers and era.parser() is era.parsers[-1].parser


def test_a_markup_version_serves_the_pages_dated_from_its_start() -> None:
    old, new = E1Parser(), E1Parser()
    era = replace(ERAS["E1"], parsers=(ParserVersion(old), ParserVersion(new, 2, date(2012, 5, 1))))
    assert era.parser(date(2012, 4, 30)) is old
    assert era.parser(date(2012, 5, 1)) is new
    assert era.parser(None) is new  # no date in the URL: the newest markup


def test_legacy_serials_stay_unique_across_editions() -> None:
    # Two editions with the legacy CMS number their articles independently: the same serial
    # on each must give two ids. polish keeps its unprefixed ids; any other edition is prefixed.
    polish = get_edition("polish")
    sister = replace(polish, name="czech", hosts=("czech.cri.cn",), gateways=(), local_id_prefix="czech-")
    path = "/1364/2019/09/30/41s144787.htm"
    ids = {classify(f"https://{e.canonical_host}{path}", e).id for e in (polish, sister)}  # type: ignore[union-attr]
    assert ids == {"E1-144787", "czech-E1-144787"}
    prefixes = [e.local_id_prefix for e in EDITIONS.values()]
    assert len(prefixes) == len(set(prefixes))
    assert EDITIONS["esperanto"].local_id_prefix == "esperanto-"


def test_the_published_schema_holds_the_registry_rules() -> None:
    assert schema.updated(schema.published()) == schema.published(), (
        "stale: run python -m crawler.schema"
    )


@pytest.mark.parametrize(
    ("edition", "item_id", "era", "problem"),
    [
        ("polish", "E1-144787", "E1", None),
        ("esperanto", "E1-144787", "E1", "bad_id"),  # esperanto has no E1
        ("esperanto", "ARTI1789381806935658", "E3", "bad_era"),
        ("esperanto", "ARTI1789381806935658", "E4", None),
    ],
)
def test_validation_follows_the_crawled_edition(edition: str, item_id: str, era: str,
                                                problem: str | None) -> None:
    record = get_edition(edition)
    crawler = get_crawler(settings_dict=project_settings(CRAWLER_EDITION=edition))
    pipeline = ValidatePipeline.from_crawler(crawler)
    item = Article(id=item_id, url=f"https://{record.canonical_host}/x", era=era, headline="H",
                   published="2026-09-14T18:30:20+08:00", body="B", edition=edition,
                   language=record.language, extraction="api")
    assert pipeline.problem(item) == problem


# -- Esperanto on real material ----------------------------------------------------------------

def test_real_listing_article_cards_are_e4_articles_dated_in_beijing_time() -> None:
    edition = get_edition("esperanto")
    articles = {}
    for link, stamp in real_cards():
        ref = classify(link, edition)
        if ref is not None and ref.kind is Kind.ARTICLE:
            articles[ref.id] = ref
            # The real note: the URL's date is the card's (epoch ms) Beijing calendar date.
            shown = datetime.fromtimestamp(int(stamp) / 1000, BEIJING).date()
            assert (ref.era, ref.url_date, ref.url) == ("E4", shown, link)
    # 7 articles created on the current platform (two listed twice). The 3 migrated ids
    # (`ARTI` + 20 + yymmdd, no `.shtml`) are served through the API too: their era is the
    # next issue's (real material), and this E4-only edition does not claim them yet.
    assert len(articles) == 7


def test_real_listing_navigation_and_foreign_links_are_no_articles() -> None:
    edition = get_edition("esperanto")
    kinds = {link: (ref.kind if (ref := classify(link, edition)) else None) for link, _ in real_cards()}
    assert kinds["https://esperanto.cri.cn/"] is Kind.HOME
    assert kinds[REAL_SECTION] is Kind.SECTION
    assert kinds["https://esperanto.cri.cn/search.html"] is Kind.OTHER
    assert kinds["https://www.facebook.com/@criesperanto/"] is None
    result = e4.api_result(json.loads(REAL_LISTING.read_bytes()))
    sections = [classify(link, edition) for link in module_links(result)]
    assert sections and all(ref is not None and ref.kind is Kind.SECTION for ref in sections)


def test_the_polish_edition_does_not_take_esperanto_links() -> None:
    assert all(classify(link, get_edition("polish")) is None
               for link, _ in real_cards() if "esperanto.cri.cn" in link)


def test_scrapy_crawl_edition_esperanto_on_the_real_listing(tmp_path: Path) -> None:
    """`scrapy crawl cri -a edition=esperanto` from the real section answer: every E4 article
    it lists is asked for through the API, and the one the server has becomes an item."""
    listing, article = REAL_LISTING.read_bytes(), ESPERANTO_ARTICLE.read_bytes()

    def answer(request: Request) -> Response | None:
        if request.api_id == REAL_SECTION:
            return Response(200, listing, "application/json;charset=UTF-8")
        if request.api_id == "https://esperanto.cri.cn/2026/09/14/ARTI1789381806935658":
            return Response(200, article, "application/json;charset=UTF-8")
        return Response.html("<h1>404</h1>", 404)

    with ReplicaServer() as server:
        server.overrides.add(lambda r: True, answer)
        result = scrapy_crawl(tmp_path, server.base_url,
                              {"edition": "esperanto", "urls": REAL_SECTION})
        asked = {item.body_id for item in server.requests if item.body_id}
    assert result.returncode == 0, result.log[-3000:]
    assert [(i["id"], i["edition"], i["language"], i["section"]) for i in result.items] == [
        ("ARTI1789381806935658", "esperanto", "eo", REAL_SECTION)
    ]
    listed = {link for link, _ in real_cards() if "/ARTI1" in link}
    assert listed <= asked
    assert result.stats.get("cri/api/failed", 0) == len(listed) - 1  # 404: then the page
    assert result.stats.get("cri/skipped/fetch_failed", 0) == len(listed) - 1


def test_an_unknown_edition_is_a_usage_error_before_any_request(tmp_path: Path) -> None:
    result = scrapy_crawl(tmp_path, "http://127.0.0.1:9", {"edition": "klingon"})
    assert result.returncode == 2
    assert "edition='klingon' is unknown; known: esperanto, polish" in result.log
