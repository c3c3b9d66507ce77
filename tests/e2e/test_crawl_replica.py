"""End to end: the `cri` spider against the local replica equals the replica's ground truth."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.replica import ReplicaServer
from tests.replica.probe import article_key
from tests.support.crawling import CrawlResult, scrapy_crawl
from tests.support.paths import SEED_TEXT

ARTICLES = 400  # generated articles on top of the real samples: every era and variant


@pytest.fixture(scope="module")
def site_server():
    with ReplicaServer(articles=ARTICLES, seed=7) as server:
        yield server


def assert_same_items(result: CrawlResult, expected: list[dict[str, Any]]) -> None:
    """Every expected article exactly once, every field of the ground truth equal."""
    assert result.returncode == 0, result.log[-3000:]
    ids = [item["id"] for item in result.items]
    assert len(ids) == len(set(ids)), "an article was written twice"
    fields = list(expected[0])
    got = {item["id"]: {k: item.get(k) for k in fields} for item in result.items}
    want = {item["id"]: item for item in expected}
    missing = sorted(want.keys() - got.keys())
    extra = sorted(got.keys() - want.keys())
    differing = {
        i: {k: (got[i][k], want[i][k]) for k in fields if got[i][k] != want[i][k]}
        for i in want.keys() & got.keys()
        if got[i] != want[i]
    }
    assert (missing, extra, differing) == ([], [], {})


def article_requests(server: ReplicaServer) -> tuple[Counter[str], Counter[str]]:
    """Per article id: API requests for it, and GETs of its pages (the replica's own mapping)."""
    api: Counter[str] = Counter()
    pages: Counter[str] = Counter()
    for request in server.requests:
        if request.method == "POST" and request.body_id and (key := article_key(request.body_id)):
            api[key] += 1
        elif request.method == "GET" and (key := article_key("https://polish.cri.cn" + request.path)):
            pages[key] += 1
    return api, pages


def test_default_crawl_finds_exactly_the_newest_articles(site_server: ReplicaServer, tmp_path: Path) -> None:
    site_server.requests.clear()
    # The replica's "monitor" reach is page 1 of every section: a monitoring crawl with an
    # empty archive walks on while pages bring new articles, so it is held to one page here.
    result = scrapy_crawl(tmp_path, site_server.base_url, settings={"CRAWLER_MONITOR_MAX_PAGES": "1"})
    expected = site_server.site.expected(reach="monitor")
    assert_same_items(result, expected)
    # Articles whose API answer and page show no time (`knobs["time"]`) among them: their
    # cards' time, `published_source` "listing".
    assert {item["published_source"] for item in expected} == {"api", "page", "listing"}
    # Alias forms in listings, sitemaps and cards never make a second request for an article:
    # one API request at most, one page request, and one more only for the browser.
    api, pages = article_requests(site_server)
    assert max(api.values()) == 1
    assert max(pages.values()) <= 2
    assert result.stats.get("cri/duplicate_link", 0) > 0  # the replica repeats articles
    stats = result.stats
    assert stats["finish_reason"] == "finished"
    # The client-rendered shells among the newest articles went through Chromium.
    assert stats.get("cri/extraction/browser", 0) >= 1
    assert stats.get("cri/extraction/api", 0) >= 1
    assert stats.get("cri/extraction/html", 0) >= 1
    assert stats.get("cri/extraction/fallback", 0) == 0


def test_backfill_since_walks_pagination_down_to_the_date(site_server: ReplicaServer, tmp_path: Path) -> None:
    expected_all = site_server.site.expected(reach="backfill")
    days = sorted(item["published"][:10] for item in expected_all)
    since = days[len(days) // 3]  # old enough to need several pages of every section
    result = scrapy_crawl(tmp_path, site_server.base_url, {"since": since})
    expected = site_server.site.expected(reach="backfill", since=since)
    assert len(expected) > len(site_server.site.expected(reach="monitor", since=since))
    assert_same_items(result, expected)


def test_url_file_crawl_of_every_era_and_alias_form(site_server: ReplicaServer, tmp_path: Path) -> None:
    urls = site_server.site.urls(reach="url_only")
    url_file = tmp_path / "urls.txt"
    url_file.write_text("# old eras, reachable only by URL\n" + "\n".join(urls) + "\n", encoding="utf-8")
    result = scrapy_crawl(tmp_path / "crawl", site_server.base_url, {"url_file": str(url_file)})
    assert_same_items(result, site_server.site.expected(reach="url_only"))
    eras = {item["era"] for item in result.items}
    assert eras == {"E1", "E2", "E3"}
    # No page of these eras needs a browser: Playwright is never started.
    assert "cri/browser/started" not in result.stats


def test_an_article_without_a_time_reached_by_url_takes_its_urls_date(
        site_server: ReplicaServer, tmp_path: Path) -> None:
    """E4 articles whose API answer and page show no time (`knobs["time"]`), asked for by URL
    (no listing card): the URL's date at midnight, `published_source` "url", and the run
    report counts them so."""
    site = site_server.site
    timeless = [a for a in site.iter_articles("backfill") if "time" in a.knobs]
    assert {a.knobs["api"] in ("fail0", "http500") for a in timeless} == {True, False}
    urls = [site.listed_url(a) for a in timeless]
    result = scrapy_crawl(tmp_path, site_server.base_url, {"urls": ",".join(urls)})
    expected = [a.expected("address") for a in timeless]
    assert_same_items(result, expected)
    assert {item["published"][11:] for item in result.items} == {"00:00:00+08:00"}
    assert result.stats["cri/published_source/url"] == len(timeless)


def test_seed_article_is_exact(site_server: ReplicaServer, tmp_path: Path) -> None:
    seed = "https://polish.cri.cn/2024/07/03/ARTIzR7mcXGTA3meOEfr1fMJ240703.shtml"
    result = scrapy_crawl(tmp_path, site_server.base_url, {"urls": seed + "?spm=C78358.1"})
    [item] = result.items
    lines = [line.strip() for line in SEED_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert item["headline"] == lines[1] == "Xi Jinping przeprowadził rozmowy z prezydentem Kazachstanu"
    assert item["published"] == "2024-07-03T19:56:10+08:00"
    assert item["author"] == "A. L."
    body_lines = lines[lines.index("Podziel się:") + 1 : lines.index("Our Privacy Statement & Cookie Policy")]
    body_lines[-1] = body_lines[-1].removesuffix(" (A. L.)")
    assert item["body"] == "\n\n".join(body_lines)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"DOWNLOAD_DELAY": "abc"}, "DOWNLOAD_DELAY must be a number, got 'abc'"),
        # (LOG_LEVEL=LOUD breaks Scrapy's own start-up before any command runs: only
        # `cri-crawler run` can catch it.)
        ({"ROBOTSTXT_OBEY": "maybe"}, "ROBOTSTXT_OBEY must be true or false, got 'maybe'"),
    ],
)
def test_a_malformed_scrapy_setting_is_one_line_before_any_request(
    replica: ReplicaServer, tmp_path: Path, settings: dict[str, str], message: str
) -> None:
    before = len(replica.requests)
    result = scrapy_crawl(tmp_path, replica.base_url, settings=settings)
    assert result.returncode == 2
    assert [line for line in result.log.splitlines() if "error" in line.lower()] == [
        f"scrapy crawl cri: error: {message}"
    ]
    assert len(replica.requests) == before
