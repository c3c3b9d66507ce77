"""`scrapy crawl cri -a edition=...`: the Esperanto edition crawled from a real section answer
(`shared/site/real/`), a sister edition (Turkish) from the same answer moved to its host, and an
unknown edition refused before any request; `cri-crawler run --edition esperanto` on the
replica's Esperanto site."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fixtures import FIXTURES
from tests.replica import ReplicaServer
from tests.replica.server import Request, Response
from tests.support.archive import latest, read_archive
from tests.support.crawling import scrapy_crawl
from tests.support.ground_truth import assert_same_items, editions_replica
from tests.support.real import REAL_LISTING, REAL_SECTION, real_cards
from tests.support.run import cri_run, last_report

ESPERANTO_ARTICLE = FIXTURES / "esperanto/E4/api-content-ARTI1789381806935658.json"
# The Turkish edition's (made-up) fixture: its stored API answer and the item expected of it.
TURKISH_CASE = FIXTURES / "turkish/E4/api-content-ARTI1791166516000302.expected.json"


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
    # Every article it lists, created on the platform or migrated to it, at the link's address.
    listed = {link for link, _ in real_cards() if "/ARTI" in link}
    assert len(listed) == 10 and listed <= asked
    assert result.stats.get("cri/api/failed", 0) == len(listed) - 1  # 404: then the page
    # The 3 migrated ones are also asked for at their old `.shtml` page (404 too).
    assert result.stats.get("cri/address/next", 0) == 3
    assert result.stats.get("cri/skipped/fetch_failed", 0) == len(listed) - 1


def test_scrapy_crawl_edition_turkish_from_a_listing_on_its_host(tmp_path: Path) -> None:
    """`scrapy crawl cri -a edition=turkish`: the real Esperanto section answer, moved to
    turkish.cri.cn by this test (the platform is the same), with one card linking to the
    Turkish fixture's article. Every article it lists is asked for on the Turkish host, and the
    fixture's answer becomes the item the fixture test expects, in the listing's section."""
    case = json.loads(TURKISH_CASE.read_text(encoding="utf-8"))
    link, expected = case["fixture"]["url"], case["item"]
    answer = TURKISH_CASE.with_name(TURKISH_CASE.name.replace(".expected", "")).read_bytes()
    section = REAL_SECTION.replace("esperanto.cri.cn", "turkish.cri.cn")
    listing = (REAL_LISTING.read_bytes()
               .replace(b"https://esperanto.cri.cn/2026/09/14/ARTI1789381806935658", link.encode())
               .replace(b"esperanto.cri.cn", b"turkish.cri.cn"))

    def serve(request: Request) -> Response | None:
        if request.api_id == section:
            return Response(200, listing, "application/json;charset=UTF-8")
        if request.api_id == link:
            return Response(200, answer, "application/json;charset=UTF-8")
        return Response.html("<h1>404</h1>", 404)

    with ReplicaServer() as server:
        server.overrides.add(lambda r: True, serve)
        result = scrapy_crawl(tmp_path, server.base_url, {"edition": "turkish", "urls": section})
        asked = {item.body_id for item in server.requests if item.body_id}
    assert result.returncode == 0, result.log[-3000:]
    assert len(result.items) == 1, result.log[-3000:]
    item = result.items[0]
    assert (item["id"], item["url"], item["edition"], item["language"], item["section"]) == (
        expected["id"], link, "turkish", "tr", section)
    assert (item["headline"], item["body"], item["author"]) == (
        expected["headline"], expected["body"], expected["author"])
    listed = {card.replace("esperanto.cri.cn", "turkish.cri.cn") for card, _ in real_cards()
              if "/ARTI" in card} - {"https://turkish.cri.cn/2026/09/14/ARTI1789381806935658"}
    assert len(listed) == 9 and listed | {link} <= asked
    assert all(address.startswith("https://turkish.cri.cn/") for address in asked)


def test_an_unknown_edition_is_a_usage_error_before_any_request(tmp_path: Path) -> None:
    result = scrapy_crawl(tmp_path, "http://127.0.0.1:9", {"edition": "klingon"})
    assert result.returncode == 2
    assert ("edition='klingon' is unknown; known: croatian, czech, esperanto, filipino, german, "
            "hindi, polish, romanian, serbian, swahili, turkish") in result.log


def test_cri_crawler_run_edition_esperanto(tmp_path: Path) -> None:
    """A monitoring run of the Esperanto edition: healthy, exactly its site's articles (page 1
    of every section, the replica's "monitor" reach), each carrying its edition and language."""
    data = tmp_path / "data"
    with editions_replica({"esperanto": (200, 8)}) as server:
        done = cri_run(data, server.mirror_url, "--edition", "esperanto",  # shells: Chromium
                       CRAWLER_MONITOR_MAX_PAGES="1", CRAWLER_BROWSER="True")
        expected = server.sites["esperanto"].expected(reach="monitor")
    assert done.returncode == 0, done.stderr[-2000:]
    items = list(latest(read_archive(data)).values())
    assert_same_items(items, expected)
    assert {(item["edition"], item["language"]) for item in items} == {("esperanto", "eo")}
    report = last_report(data)
    assert (report["edition"], report["verdict"]) == ("esperanto", "healthy")
