"""The real API answer of the sister Esperanto edition (`shared/site/real/`, used as it is: the
test rewrites its host to the Polish one in memory, never the file), crawled as a Polish
section: every article card found, migrated ids asked for through the API at the address as
linked (one request each), navigation, home, search, external and empty cards ignored, the
card listed twice asked for once."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from crawler.editions import get_edition
from crawler.parsers import e4
from crawler.parsers.listing import cards
from crawler.urls import Kind, classify
from tests.replica import ReplicaServer
from tests.replica.server import Request, Response
from tests.support.crawling import scrapy_crawl
from tests.support.paths import SHARED

REAL = SHARED / "site" / "real" / "esperanto-api-getData-aktualajo-2026-09-25.json"
SECTION = "https://polish.cri.cn/aktualajo/page.shtml"
MIGRATED_ANSWER = (Path(__file__).resolve().parents[1] / "fixtures" / "esperanto" / "E3"
                   / "api-content-ARTIwzhK4GXDwVxzBMbXaeoh220817.json")
BEIJING = timezone(timedelta(hours=8))


def as_polish(raw: bytes) -> bytes:
    return raw.replace(b"esperanto.cri.cn", b"polish.cri.cn")


def linked_articles() -> dict[str, list[str]]:
    """Article links of the real answer (as Polish URLs), by id, in card order."""
    result = e4.api_result(json.loads(as_polish(REAL.read_bytes())))
    found: dict[str, list[str]] = {}
    for card in cards(result):
        ref = classify(card.link, get_edition("polish"))
        if ref is not None and ref.kind is Kind.ARTICLE:
            found.setdefault(ref.id, []).append(card.link)  # type: ignore[arg-type]
    return found


def test_card_dates_are_the_path_dates_in_beijing_time() -> None:
    result = e4.api_result(json.loads(as_polish(REAL.read_bytes())))
    dated = 0
    for card in cards(result):
        ref = classify(card.link, get_edition("polish"))
        if ref is not None and ref.kind is Kind.ARTICLE:
            assert card.time(BEIJING) is not None
            assert card.time(BEIJING).date() == ref.url_date, card.link  # type: ignore[union-attr]
            dated += 1
    assert dated == 12  # 10 articles, two of them in two modules


def test_migrated_ids_are_older_articles_served_by_the_platform() -> None:
    articles = linked_articles()
    migrated = {i: links for i, links in articles.items() if not i[4:].isdigit()}
    assert len(articles) == 10 and len(migrated) == 3
    for article_id, (link,) in migrated.items():
        ref = classify(link, get_edition("polish"))
        assert ref is not None
        assert (ref.era, ref.id, ref.linked_on_platform) == ("E3", article_id, True)
        assert ref.addresses == (link, link + ".shtml")  # as linked first, the old page last


def test_the_real_section_crawled_as_polish(tmp_path: Path) -> None:
    listing = as_polish(REAL.read_bytes())
    migrated = "https://polish.cri.cn/2021/10/26/ARTIwzhK4GXDwVxzBMbXaeoh220817"
    answer = as_polish(MIGRATED_ANSWER.read_bytes())

    def serve(request: Request) -> Response | None:
        if request.api_id == SECTION:
            return Response(200, listing, "application/json;charset=UTF-8")
        if request.api_id == migrated:
            return Response(200, answer, "application/json;charset=UTF-8")
        return Response.html("<h1>404</h1>", 404)  # every other article: gone everywhere

    with ReplicaServer() as server:
        server.overrides.add(lambda r: True, serve)
        result = scrapy_crawl(tmp_path, server.base_url, {"urls": SECTION})
        log = server.requests.snapshot()
    assert result.returncode == 0, result.log[-3000:]
    articles = linked_articles()
    asked = Counter(r.body_id for r in log if r.body_id and "/ARTI" in r.body_id)
    # Every article card, once (the card in two modules too), through the API at the address
    # as linked; nothing for navigation, home, search, external or empty cards.
    assert set(asked) == {links[0] for links in articles.values()}
    assert set(asked.values()) == {1}
    pages = [r.path for r in log if r.method == "GET" and "/ARTI" in r.path]
    # The migrated article came from its API answer: one request, no page.
    assert not [p for p in pages if "ARTIwzhK4GXDwVxzBMbXaeoh220817" in p]
    (item,) = result.items
    assert (item["id"], item["era"], item["extraction"], item["published_source"]) == (
        "ARTIwzhK4GXDwVxzBMbXaeoh220817", "E3", "api", "api")
    assert item["url"] == migrated + ".shtml"
    # The other two migrated articles: API, then the platform's page, then the old page.
    for article_id in ("ARTIGoQkjhJeZVSU0YpYTLEd220817", "ARTIT8HVO0dIzkuEd7bjA03A220817"):
        tried = [p for p in pages if article_id in p]
        assert len(tried) == 2 and tried[0].endswith(article_id) and tried[1].endswith(".shtml")
    assert result.stats["cri/address/next"] == 2
