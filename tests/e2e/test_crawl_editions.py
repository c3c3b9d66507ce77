"""`scrapy crawl cri -a edition=...`: the Esperanto edition crawled from a real section answer
(`shared/site/real/`), and an unknown edition refused before any request."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures import FIXTURES
from tests.replica import ReplicaServer
from tests.replica.server import Request, Response
from tests.support.crawling import scrapy_crawl
from tests.support.real import REAL_LISTING, REAL_SECTION, real_cards

ESPERANTO_ARTICLE = FIXTURES / "esperanto/E4/api-content-ARTI1789381806935658.json"


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


def test_an_unknown_edition_is_a_usage_error_before_any_request(tmp_path: Path) -> None:
    result = scrapy_crawl(tmp_path, "http://127.0.0.1:9", {"edition": "klingon"})
    assert result.returncode == 2
    assert "edition='klingon' is unknown; known: esperanto, polish" in result.log
