"""The WARC archive on real crawls of the replica: every response kept, indexed by article,
items naming their records, revisits for unchanged pages, conversions for rendered shells."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.replica import ReplicaServer
from tests.support.archive import check_warc, read_archive
from tests.support.crawling import scrapy_crawl

RECHECK_ALL = {"CRAWLER_RECHECK_HOURS": "1000000", "CRAWLER_MONITOR_MAX_PAGES": "1",
               "CRAWLER_BROWSER": "False"}


def index(data: Path) -> list[tuple]:
    with sqlite3.connect(data / "warc" / "index.sqlite3") as db:
        return list(db.execute("SELECT record_id, type, uri, article_id, refers_to FROM records"))


def test_every_item_names_a_record_of_the_warc_indexed_under_its_article(
    make_replica, tmp_path: Path
) -> None:
    server: ReplicaServer = make_replica(articles=40)
    crawl = scrapy_crawl(tmp_path, server.base_url, settings=RECHECK_ALL)
    assert crawl.returncode == 0, crawl.log[-3000:]
    data = tmp_path / "data"
    records = check_warc(data)
    items = read_archive(data)
    assert items and all(item["warc_record_id"] in records for item in items)
    rows = index(data)
    for item in items:
        record = records[item["warc_record_id"]]
        assert record["type"] == "response"
        assert (item["warc_record_id"], "response") in {(r[0], r[1]) for r in rows if r[3] == item["id"]}
    # An API answer is kept with its request: the POST body names the article's page.
    api = [r for r in rows if r[2].endswith("/api/getData") and r[1] == "request" and r[3]]
    assert api and all(records[r[0]]["body"].startswith(b'{"id"') for r in api)
    # robots.txt, the sitemaps and the listings are kept too (under no article).
    uris = {r[2].rsplit("/", 1)[-1] for r in rows if r[3] is None}
    assert "robots.txt" in uris
    assert crawl.stats["warc/records"] == len(rows)


def test_a_second_crawl_over_unchanged_pages_adds_only_revisits(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica(articles=40)
    first = scrapy_crawl(tmp_path, server.base_url, settings=RECHECK_ALL)
    assert first.returncode == 0, first.log[-3000:]
    data = tmp_path / "data"
    before = {r[0] for r in index(data)}
    size = sum(f.stat().st_size for f in (data / "warc").glob("*/*.warc.gz"))
    second = scrapy_crawl(tmp_path, server.base_url, settings=RECHECK_ALL)
    assert second.returncode == 0, second.log[-3000:]
    records = check_warc(data)
    added = [r for r in index(data) if r[0] not in before]
    assert added and {r[1] for r in added} == {"request", "revisit"}
    assert all(records[r[4]]["type"] == "response" for r in added if r[1] == "revisit")
    grown = sum(f.stat().st_size for f in (data / "warc").glob("*/*.warc.gz")) - size
    assert grown < size / 2  # headers only, no second copy of the bodies


def test_warc_off_keeps_nothing_and_items_say_so(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica(articles=10)
    crawl = scrapy_crawl(tmp_path, server.base_url, settings={**RECHECK_ALL, "CRAWLER_WARC": "False"})
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert not (tmp_path / "data" / "warc").exists()
    assert all(item["warc_record_id"] is None for item in read_archive(tmp_path / "data"))


def test_a_rendered_shell_is_a_conversion_of_its_shell_response(make_replica, tmp_path: Path) -> None:
    server: ReplicaServer = make_replica(articles=40)
    shells = [a["id"] for a in server.site.expected(reach="monitor")
              if server.site.article(a["id"]).variant == "shell"]
    assert shells, "the replica has no shell among these articles"
    crawl = scrapy_crawl(tmp_path, server.base_url,
                         settings={**RECHECK_ALL, "CRAWLER_BROWSER": "True"}, timeout=300)
    assert crawl.returncode == 0, crawl.log[-3000:]
    data = tmp_path / "data"
    records = check_warc(data)
    by_id = {item["id"]: item for item in read_archive(data)}
    for shell in shells:
        record = records[by_id[shell]["warc_record_id"]]
        assert record["type"] == "conversion"
        assert records[record["refers_to"]]["type"] == "response"
