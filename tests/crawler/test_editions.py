"""The registry of editions and eras, and the Esperanto edition tried on real material as it is
(`shared/site/real/`: a real `getData` answer of an esperanto.cri.cn section). A crawl of that
answer: tests/e2e/test_crawl_editions.py."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
import pytest
from scrapy.utils.test import get_crawler

from crawler import schema
from crawler.editions import EDITIONS, get_edition
from crawler.eras import ERAS, ParserVersion
from crawler.items import Article
from crawler.parsers import e4
from crawler.parsers.e1 import E1Parser
from crawler.parsers.listing import module_links
from crawler.urls import Kind, classify
from pipelines.validate import ValidatePipeline
from tests.support.real import REAL_LISTING, REAL_SECTION, real_cards
from tests.support.settings import project_settings

BEIJING = timezone(timedelta(hours=8))


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
        ("esperanto", "ARTI1789381806935658", "E2", "bad_era"),  # esperanto has no E2
        ("esperanto", "ARTIwzhK4GXDwVxzBMbXaeoh220817", "E3", None),  # migrated, served again
        ("esperanto", "ARTI1789381806935658", "E4", None),
    ],
)
def test_validation_follows_the_crawled_edition(edition: str, item_id: str, era: str,
                                                problem: str | None) -> None:
    record = get_edition(edition)
    crawler = get_crawler(settings_dict=project_settings(CRAWLER_EDITION=edition))
    pipeline = ValidatePipeline.from_crawler(crawler)
    item = Article(id=item_id, url=f"https://{record.canonical_host}/x", era=era, headline="H",
                   published="2026-09-14T18:30:20+08:00", published_source="api", body="B", edition=edition,
                   language=record.language, extraction="api")
    assert pipeline.problem(item) == problem


# -- Esperanto on real material ----------------------------------------------------------------

def test_real_listing_article_cards_are_articles_dated_in_beijing_time() -> None:
    edition = get_edition("esperanto")
    articles = {}
    for link, stamp in real_cards():
        ref = classify(link, edition)
        if ref is not None and ref.kind is Kind.ARTICLE:
            articles[ref.id] = ref
            # The real note: the URL's date is the card's (epoch ms) Beijing calendar date.
            shown = datetime.fromtimestamp(int(stamp) / 1000, BEIJING).date()
            assert ref.url_date == shown, link
            if ref.era == "E4":
                assert ref.url == link
            else:  # migrated: linked where the platform serves it, read there first
                assert (ref.era, ref.addresses) == ("E3", (link, link + ".shtml"))
    # 7 articles created on the current platform (two listed twice) and 3 migrated ones.
    assert sorted(ref.era for ref in articles.values()) == ["E3"] * 3 + ["E4"] * 7


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
