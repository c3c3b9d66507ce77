"""End to end: one replica serves the Polish and the Esperanto edition by host
(`http://127.0.0.1:PORT/<host>/<path>`), two crawls through `base_url=.../{host}` run side by
side, each into its own data directory, and each holds exactly its edition's ground truth."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.archive import latest, read_archive
from tests.support.crawling import CrawlResult, scrapy_crawl
from tests.support.ground_truth import assert_same_items, cross_edition_requests, editions_replica
from tests.support.replay import cri_replay, run_reports

# Small sites (a few seconds a crawl); distinct seeds, though the editions' ids differ anyway.
EDITIONS = {"polish": (300, 7), "esperanto": (200, 8)}
# The replica's "monitor" reach is page 1 of every section (see test_crawl_replica.py).
MONITOR = {"CRAWLER_MONITOR_MAX_PAGES": "1"}


@dataclass
class TwoCrawls:
    results: dict[str, CrawlResult]
    expected: dict[str, list[dict[str, Any]]]  # each site's ground truth, reach "monitor"
    unprefixed: list[str]  # paths of requests that named no host
    strayed: list[str]  # API requests for another edition's page
    served: dict[str, int]  # requests each site served under its canonical host


@pytest.fixture(scope="module")
def two_crawls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoCrawls]:
    root = tmp_path_factory.mktemp("two-editions")
    with editions_replica(EDITIONS) as server:
        assert server.mirror_url == server.base_url + "/{host}"
        with ThreadPoolExecutor(len(server.sites)) as pool:
            jobs = {name: pool.submit(scrapy_crawl, root / name, server.mirror_url,
                                      {"edition": name}, MONITOR)
                    for name in server.sites}
            results = {name: job.result() for name, job in jobs.items()}
        yield TwoCrawls(
            results,
            {name: site.expected(reach="monitor") for name, site in server.sites.items()},
            sorted({r.path for r in server.requests if not r.host}),
            cross_edition_requests(server),
            {name: server.requests.count(edition=name, host=site.edition.canonical_host)
             for name, site in server.sites.items()},
        )


def test_each_data_directory_holds_exactly_its_editions_articles(two_crawls: TwoCrawls) -> None:
    expected = two_crawls.expected
    assert {e["id"] for e in expected["polish"]}.isdisjoint(e["id"] for e in expected["esperanto"])
    for name, result in two_crawls.results.items():
        assert result.returncode == 0, result.log[-3000:]
        assert_same_items(result.items, expected[name])
        assert {(i["edition"], i["language"]) for i in result.items} == {
            ("polish", "pl") if name == "polish" else ("esperanto", "eo")}
        # The data directory holds the same articles, one version each, and nothing else.
        assert result.data_dir.parent.name == name
        assert_same_items(read_archive(result.data_dir), expected[name])
        stats = result.stats
        assert stats["finish_reason"] == "finished"
        assert stats.get("egress/refused", 0) == 0
        # Answers under `/<host>/` were read as the outlet's pages: the migrated E3 articles
        # whose API fails come from the platform's page by its parser, never the fallback.
        assert stats.get("cri/extraction/html", 0) >= 1
        assert stats.get("cri/extraction/fallback", 0) == 0
    # Esperanto has the current platform and its migrated E3 articles only.
    assert {i["era"] for i in two_crawls.results["esperanto"].items} == {"E3", "E4"}


def test_every_request_went_to_its_editions_site(two_crawls: TwoCrawls) -> None:
    # Every request named its edition's host, but robots.txt of the origin (Scrapy's robots
    # middleware asks the base's root) and the Nuxt module the browser loads from the root.
    unprefixed = two_crawls.unprefixed
    assert all(p == "/robots.txt" or p.startswith("/_nuxt/") for p in unprefixed), unprefixed
    assert two_crawls.strayed == []
    assert min(two_crawls.served.values()) > 100


def test_an_archive_crawled_through_the_host_layout_reextracts_unchanged(two_crawls: TwoCrawls) -> None:
    """Its WARC records' URIs are `http://127.0.0.1:PORT/<host>/<path>`: read as the outlet's."""
    data_dir = two_crawls.results["esperanto"].data_dir
    before = read_archive(data_dir)
    done = cri_replay("reextract", data_dir, "--edition", "esperanto")
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.connections == []
    assert read_archive(data_dir) == before
    report = run_reports(data_dir)[-1]
    assert report["mode"] == "reextract"
    assert report["replay"]["unchanged"] == len(latest(before)) == len(two_crawls.expected["esperanto"])
    assert report["articles"]["new"] == report["articles"]["updated"] == 0
