"""Hostile sitemaps: entity expansion ("billion laughs"), external entities (a local file, a URL)
and an external DTD. Scrapy's `Sitemap` parses with lxml `resolve_entities=False`, no network
and no huge trees: proved here on the parser, and on a crawl whose sitemap is hostile (nothing
is read from disk or fetched from the trap server, the run finishes)."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from scrapy.utils.sitemap import Sitemap

from tests.replica import ReplicaServer
from tests.replica.server import Response
from tests.support.crawling import scrapy_crawl

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def laughs(levels: int = 9, width: int = 10) -> bytes:
    entities = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "{"".join(f"&l{i - 1};" for _ in range(width))}">' for i in range(1, levels + 1)
    ]
    return (f'<?xml version="1.0"?><!DOCTYPE u [{"".join(entities)}]>'
            f"<urlset {NS}><url><loc>https://polish.cri.cn/&l{levels};</loc></url></urlset>").encode()


def external(system_id: str) -> bytes:
    return (f'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "{system_id}">]>'
            f"<urlset {NS}><url><loc>https://polish.cri.cn/a&x;</loc></url></urlset>").encode()


def test_entity_expansion_is_not_performed() -> None:
    tracemalloc.start()
    started = time.monotonic()
    try:
        entries = list(Sitemap(laughs()))  # 10**9 "lol"s if expanded
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 1
    assert peak < 1 << 20
    assert all(len(e.get("loc", "")) < 100 for e in entries)


def test_external_file_entity_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-TOKEN", encoding="utf-8")
    entries = list(Sitemap(external(secret.as_uri())))
    assert "SECRET-TOKEN" not in repr(entries)


def test_hostile_sitemap_in_a_crawl_fetches_nothing_and_the_run_finishes(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path
) -> None:
    server, trap = make_replica(), make_replica()
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-TOKEN", encoding="utf-8")
    sitemap = Response(200, external(f"{trap.base_url}/evil.dtd"), "application/xml")
    dtd = (f'<?xml version="1.0"?><!DOCTYPE u SYSTEM "{trap.base_url}/evil.dtd">'
           f"<urlset {NS}><url><loc>https://polish.cri.cn/a</loc></url></urlset>").encode()
    server.overrides.add("/sitemap_index.xml", sitemap)
    server.overrides.add("/latest_sitemap.xml", Response(200, laughs(), "application/xml"))
    server.overrides.add("/sitemap/latest_sitemap.xml", Response(200, dtd, "application/xml"))
    server.overrides.add("/robots.txt", Response.text(
        "User-agent: *\nAllow: /\nSitemap: https://polish.cri.cn/sitemap_index.xml\n"
        "Sitemap: https://polish.cri.cn/latest_sitemap.xml\n"
        "Sitemap: https://polish.cri.cn/sitemap/latest_sitemap.xml\n"
        f"Sitemap: https://polish.cri.cn/{secret.as_uri()}\n"))
    result = scrapy_crawl(tmp_path / "crawl", server.base_url,
                          settings={"CRAWLER_MONITOR_MAX_PAGES": "1", "CRAWLER_BROWSER": "False"},
                          timeout=120)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    assert len(trap.requests) == 0
    assert server.requests.count(path="/latest_sitemap.xml") == 1
    assert "SECRET-TOKEN" not in result.log and "SECRET-TOKEN" not in repr(result.items)
    assert len(result.items) > 5  # discovery went on through the API
