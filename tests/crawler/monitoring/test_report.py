"""The run report from final stats: every discovered article accounted for, discovery paths
apart, blocks that cost something apart from those recovered."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest

from crawler import stats as cri
from crawler.monitoring.report import build_report

STARTED = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)


def report_of(stats: dict[str, Any], since: date | None = None) -> dict[str, Any]:
    return build_report(stats, STARTED, STARTED + timedelta(seconds=90), run="test-run",
                        edition="polish", since=since, base_url=None)


def test_every_discovered_article_is_accounted_for() -> None:
    stats = {
        cri.ARTICLES_DISCOVERED: 81,
        cri.KNOWN: 60,
        cri.GONE_SKIPPED: 1,
        cri.article_ended("item"): 10,
        cri.article_ended("skipped/soft_404"): 1,
        cri.article_ended("skipped/no_body"): 1,
        cri.article_ended("failed/http_404"): 1,
        cri.article_ended("failed/egress_refused"): 2,
        cri.article_ended("failed/too_large"): 1,
        "validate/dropped/missing_headline": 1,
        "store/unwritten_items": 2,
        cri.STORED_NEW: 6,
        cri.STORED_UPDATED: 1,
        "dedupe/new": 8,  # counted before the store: not what the report calls new
        "dedupe/unchanged": 1,
    }
    articles = report_of(stats)["articles"]
    assert articles["discovered"] == 81
    assert articles["fetched"] == 81 - 60 - 1 == 20
    # 20 fetched, 16 ended where a callback saw them: 4 vanished (the duplicate filter, ...).
    assert articles["unaccounted"] == 4
    # lost: 4 unaccounted + 2 refused + 1 too large + 1 invalid + 2 unwritten; the no-body page
    # is judged by its own check, the 404 and the not-found page are settled.
    assert articles["lost"] == 10
    assert (articles["new"], articles["updated"], articles["unchanged"]) == (6, 1, 1)
    assert articles["ended"]["failed/egress_refused"] == 2


def test_a_quiet_run_loses_nothing() -> None:
    articles = report_of({cri.ARTICLES_DISCOVERED: 80, cri.KNOWN: 80})["articles"]
    assert (articles["fetched"], articles["unaccounted"], articles["lost"]) == (0, 0, 0)


@pytest.mark.parametrize(
    ("how", "lost"),
    [
        ("item", 0),
        ("skipped/before_since", 0),
        ("skipped/shell_without_browser", 0),  # the browser turned off: a choice
        ("failed/http_410", 0),
        ("skipped/no_date", 0),  # judged by coverage_published
        ("skipped/too_deep", 1),
        ("skipped/body_too_long", 1),
        ("failed/http_503", 1),
        ("failed/robots_denied", 1),
        ("failed/Error", 1),  # a browser that cannot start
    ],
)
def test_what_counts_as_lost(how: str, lost: int) -> None:
    stats = {cri.ARTICLES_DISCOVERED: 1, cri.article_ended(how): 1}
    assert report_of(stats)["articles"]["lost"] == lost


def test_discovery_paths_and_blocks_apart() -> None:
    stats = {
        cri.LISTING_REQUESTED: 12, cri.LISTING_ANSWERS: 9, cri.LISTING_WITHOUT_ARTICLE_LINK: 2,
        cri.SITEMAP_REQUESTED: 2, cri.SITEMAP_ANSWERS: 1, cri.SITEMAP_ARTICLE_LINKS: 70,
        "downloader/response_status_count/403": 3, "downloader/response_status_count/429": 1,
        "downloader/response_status_count/200": 40, cri.BLOCKED_UNRECOVERED: 1,
        "robotstxt/forbidden": 2, cri.LISTING_CUT: 4, cri.SITEMAP_CUT: 148_000,
        cri.SITEMAP_UNFETCHED: 5, cri.DISCOVERY_CUT: 7,
    }
    report = report_of(stats, since=date(2020, 1, 1))
    assert report["listings"] == {"requested": 12, "answers": 9, "unreadable": 3,
                                  "without_article_link": 2, "cut": 4}
    assert report["sitemaps"] == {"requested": 2, "answers": 1, "article_links": 70,
                                  "cut": 148_000, "unfetched": 5}
    assert report["requests_cut"] == 7
    assert report["blocked"] == {"answers": 4, "unrecovered": 1}
    assert report["robots_forbidden"] == 2
    assert (report["mode"], report["since"]) == ("backfill", "2020-01-01")
    assert report["duration_seconds"] == 90
