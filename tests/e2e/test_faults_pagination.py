"""Pagination that repeats or never ends (a backfill walking a section's `?page=N`): a page that
brings nothing unseen counts towards CRAWLER_EMPTY_PAGES_STOP, an endless supply of new cards
stops at CRAWLER_MAX_LISTING_PAGES; either way the run finishes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from tests.replica import ReplicaServer
from tests.replica.server import Request, Response
from tests.support.crawling import scrapy_crawl

SECTION = "https://polish.cri.cn/kultura/page.shtml"
SETTINGS = {"CRAWLER_BROWSER": "False", "CRAWLER_EMPTY_PAGES_STOP": "3",
            "CRAWLER_MAX_LISTING_PAGES": "4", "DOWNLOAD_TIMEOUT": "5"}


def page_of(request: Request) -> int:
    match = re.search(r"[?&]page=(\d+)", request.api_id or "")
    return int(match[1]) if match else 1


def section_pages(server: ReplicaServer) -> list[int]:
    return sorted(page_of_id(r.body_id) for r in server.requests
                  if r.body_id and r.body_id.startswith(SECTION))


def page_of_id(body_id: str) -> int:
    match = re.search(r"[?&]page=(\d+)", body_id)
    return int(match[1]) if match else 1


def first_page(request: Request) -> dict:
    assert request.server is not None
    request.body = json.dumps({"id": SECTION}).encode()
    return json.loads(request.server.route(request).body)


def test_pages_that_repeat_page_one_stop_after_the_empty_run(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path
) -> None:
    server = make_replica()
    server.overrides.add(lambda r: (r.api_id or "").startswith(SECTION + "?page="),
                         lambda r: Response.json(first_page(r)), methods=("POST",))
    result = scrapy_crawl(tmp_path, server.base_url, {"urls": SECTION, "since": "2004-01-01"},
                          SETTINGS, timeout=120)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    assert section_pages(server) == [1, 2, 3, 4]  # page 1, then 3 pages with nothing new
    assert result.stats.get("cri/listing/stopped_empty", 0) >= 1  # this section and its children


def test_endless_new_cards_stop_at_the_page_cap(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path
) -> None:
    server = make_replica()

    def fresh(request: Request) -> Response:
        # Page 1's answer with every article id changed by the page number: new every time.
        page, text = page_of(request), json.dumps(first_page(request))
        return Response(200, re.sub(r"ARTI(\d{12})\d{4}", lambda m: f"ARTI{m[1]}{page:04d}", text).encode(),
                        "application/json;charset=UTF-8")

    server.overrides.add(lambda r: (r.api_id or "").startswith(SECTION + "?page="), fresh,
                         methods=("POST",))
    result = scrapy_crawl(tmp_path, server.base_url, {"urls": SECTION, "since": "2004-01-01"},
                          SETTINGS, timeout=120)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    assert section_pages(server) == [1, 2, 3, 4]
    assert result.stats.get("cri/listing/page_cap", 0) >= 1
