"""Politeness beyond Scrapy's (crawler/middlewares): Retry-After, robots.txt failing closed,
Crawl-delay, and odd robots.txt bodies, on the replica (timings from its request log). How a
Retry-After value reads: tests/crawler/middlewares/test_retry_after.py."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from itertools import pairwise
from pathlib import Path

import pytest

from crawler.middlewares.robots import PARSE_LIMIT
from tests.replica import ReplicaServer
from tests.replica.server import LoggedRequest, Response
from tests.support.crawling import CrawlResult, scrapy_crawl

# Articles fetched as plain pages (one GET each), by their listed URL and replica path.
ARTICLES = {
    "E1-114710": "/501/2013/02/10/101s114710.htm",
    "E1-114938": "/501/2013/02/24/101s114938.htm",
    "E1-137428": "/1461/2017/09/27/28s137428.htm",
    "E2-744781": "/wisla_i_langcy/4206/20220324/744781.html",
}
LISTED = {f"http://polish.cri.cn{path}" for path in ARTICLES.values()}


def urls(*ids: str) -> dict[str, str]:
    return {"urls": ",".join(f"http://polish.cri.cn{ARTICLES[i]}" for i in ids)}


def article_hits(server: ReplicaServer) -> list[LoggedRequest]:
    return [r for r in server.requests if r.path != "/robots.txt"]


def crawl(tmp_path: Path, server: ReplicaServer, ids: tuple[str, ...],
          **settings: str) -> CrawlResult:
    result = scrapy_crawl(tmp_path, server.base_url, urls(*ids), settings)
    assert result.returncode == 0, result.log[-3000:]
    assert result.stats["finish_reason"] == "finished"
    return result


@pytest.fixture()
def server(make_replica: Callable[..., ReplicaServer]) -> ReplicaServer:
    replica = make_replica()
    assert LISTED <= set(replica.site.urls(reach="url_only"))
    return replica


# -- Retry-After -----------------------------------------------------------------------------

def test_429_retry_after_is_waited_for_and_holds_the_host(server: ReplicaServer,
                                                          tmp_path: Path) -> None:
    # The first article request, whichever it is, answers 429 with Retry-After: 2.
    server.overrides.add(
        lambda r: r.path != "/robots.txt",
        Response(429, b"slow down", headers=[("Retry-After", "2")]),
        times=1,
    )
    ids = ("E1-114710", "E1-114938", "E1-137428")
    # One request at a time with a small slot delay, as on the real site: requests to the host
    # queued behind the 429 must wait too, not only its retry.
    result = crawl(tmp_path, server, ids, CONCURRENT_REQUESTS_PER_DOMAIN="1",
                   DOWNLOAD_DELAY="0.1", DOWNLOAD_DELAY_JITTER="0")
    hits = sorted(article_hits(server), key=lambda r: r.at)
    first = hits[0]
    assert first.status == 429
    again = [r for r in hits[1:] if r.path == first.path]
    assert len(again) == 1 and again[0].status == 200
    assert again[0].at - first.at >= 2.0
    assert all(r.at - first.at >= 2.0 for r in hits[1:]), "the host was not held"
    assert sorted(item["id"] for item in result.items) == sorted(ids)
    stats = result.stats
    assert (stats["retry_after/waits"], stats["retry_after/seconds"]) == (1, 2.0)
    assert stats["retry/count"] == 1 and "retry_after/capped" not in stats


def test_retry_after_over_the_cap_waits_the_cap(server: ReplicaServer, tmp_path: Path) -> None:
    an_hour = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    answer = Response(503, b"", headers=[("Retry-After", an_hour)])
    server.overrides.add(ARTICLES["E2-744781"], answer, times=1)
    result = crawl(tmp_path, server, ("E2-744781",), CRAWLER_RETRY_AFTER_MAX="1")
    first, again = article_hits(server)
    assert (first.status, again.status) == (503, 200)
    assert 1.0 <= again.at - first.at < 10
    assert [item["id"] for item in result.items] == ["E2-744781"]
    assert (result.stats["retry_after/capped"], result.stats["retry_after/seconds"]) == (1, 1.0)
    assert "over CRAWLER_RETRY_AFTER_MAX: the host waits 1 s" in result.log


def test_retry_after_leaves_retry_times_in_charge(server: ReplicaServer, tmp_path: Path) -> None:
    server.overrides.add(ARTICLES["E1-114710"], Response(429, b"", headers=[("Retry-After", "1")]))
    result = crawl(tmp_path, server, ("E1-114710",), RETRY_TIMES="1")
    assert [r.status for r in article_hits(server)] == [429, 429]
    assert result.items == []
    stats = result.stats
    assert (stats["retry/count"], stats["retry/max_reached"]) == (1, 1)
    assert stats["retry_after/waits"] == 2  # the last 429 holds the host too
    assert result.log.count("Gave up retrying") == 1


def test_without_retry_after_scrapy_retries_at_once(server: ReplicaServer, tmp_path: Path) -> None:
    server.overrides.fail(ARTICLES["E1-114710"], 503, times=1)
    result = crawl(tmp_path, server, ("E1-114710",))
    first, again = article_hits(server)
    assert again.at - first.at < 1.0
    assert [item["id"] for item in result.items] == ["E1-114710"]
    assert "retry_after/waits" not in result.stats


# -- robots.txt unavailable: the host is closed for the run ----------------------------------

def assert_host_closed(result: CrawlResult, server: ReplicaServer) -> None:
    assert article_hits(server) == [], "an article request reached the server"
    assert result.items == []
    assert result.stats["robots/unavailable"] == 1
    assert result.stats["robots/denied_requests"] == 2
    assert result.log.count("nothing is fetched from this host in this run") == 1


def test_robots_503_fails_closed(server: ReplicaServer, tmp_path: Path) -> None:
    server.overrides.fail("/robots.txt", 503)
    result = crawl(tmp_path, server, ("E1-114710", "E2-744781"))
    assert_host_closed(result, server)
    assert "robots.txt of 127.0.0.1" in result.log and "(HTTP 503)" in result.log


def test_robots_that_never_answers_fails_closed(server: ReplicaServer, tmp_path: Path) -> None:
    server.overrides.delay("/robots.txt", 3)
    result = crawl(tmp_path, server, ("E1-114710", "E2-744781"),
                   DOWNLOAD_TIMEOUT="1", RETRY_TIMES="0")
    assert_host_closed(result, server)
    assert "DownloadTimeoutError" in result.log


def test_robots_503_with_fail_closed_off_crawls_without_rules(server: ReplicaServer,
                                                              tmp_path: Path) -> None:
    server.overrides.fail("/robots.txt", 503)
    result = crawl(tmp_path, server, ("E1-114710",),
                   CRAWLER_ROBOTS_FAIL_CLOSED="False", RETRY_TIMES="0")
    assert [item["id"] for item in result.items] == ["E1-114710"]
    assert result.stats["robots/unavailable"] == 1 and "robots/denied_requests" not in result.stats


# -- Crawl-delay -----------------------------------------------------------------------------

def test_crawl_delay_spaces_requests_even_with_autothrottle(server: ReplicaServer,
                                                            tmp_path: Path) -> None:
    server.overrides.add("/robots.txt", Response.text("User-agent: *\nCrawl-delay: 1\n"))
    ids = ("E1-114710", "E1-114938", "E1-137428", "E2-744781")
    # AutoThrottle on, starting from no delay: fast local answers would lower any slot delay.
    result = crawl(tmp_path, server, ids, AUTOTHROTTLE_ENABLED="True", AUTOTHROTTLE_START_DELAY="0")
    assert "scrapy.extensions.throttle.AutoThrottle" in result.log
    times = sorted(r.at for r in server.requests)
    assert len(times) == 1 + len(ids)
    gaps = [b - a for a, b in pairwise(times)]
    assert min(gaps) >= 0.95, gaps
    assert sorted(item["id"] for item in result.items) == sorted(ids)
    assert result.stats["robots/crawl_delay"] == 1.0


# -- what a robots.txt can be: one policy (crawler/middlewares/robots.py) --------------------

def huge_robots() -> bytes:
    """Over 500 KiB: a group whose only rule inside the limit is cut mid-line at the limit (a
    cut there must not leave `Disallow: /`), and a rule after the limit that is never read."""
    head = b"User-agent: *\n"
    rule = b"Disallow: /private-area\n"
    padding = PARSE_LIMIT - len(head) - len(b"Disallow: /")  # comment lines up to the cut
    lines = b"# padding\n" * (padding // 10 - 1)
    lines += b"#" * (padding - len(lines) - 1) + b"\n"
    body = head + lines + rule + b"Disallow: /\n" + b"# more\n" * 20000
    assert body[PARSE_LIMIT - len(b"Disallow: /") : PARSE_LIMIT] == b"Disallow: /"
    return body


def garbage() -> bytes:
    return random.Random(5).randbytes(64 * 1024)


HTML = """<!DOCTYPE html>
<html><head><title>Strona nie istnieje</title></head>
<body><p>User-agent: *</p>
<p>Disallow: /</p></body></html>
"""

ROBOTS = {  # case -> (answer to /robots.txt, articles fetched, robots/unavailable)
    "rules apply": (Response.text("User-agent: *\nDisallow: /\n"), False, 0),
    "html page": (Response.html(HTML), True, 0),
    "garbage": (Response(200, garbage(), "application/octet-stream"), True, 0),
    "huge": (Response(200, huge_robots(), "text/plain"), True, 0),
    "over DOWNLOAD_MAXSIZE": (Response(200, huge_robots(), "text/plain"), False, 1),
    "404": (Response.html("<h1>404</h1>", 404), True, 0),
    "429": (Response.html("<h1>429</h1>", 429), False, 1),
}


@pytest.mark.parametrize("case", list(ROBOTS))
def test_robots_bodies(case: str, server: ReplicaServer, tmp_path: Path) -> None:
    answer, fetched, unavailable = ROBOTS[case]
    server.overrides.add("/robots.txt", answer)
    settings = {"RETRY_TIMES": "0"}
    if case == "over DOWNLOAD_MAXSIZE":
        settings["DOWNLOAD_MAXSIZE"] = str(PARSE_LIMIT)
    result = crawl(tmp_path, server, ("E1-114710", "E2-744781"), **settings)
    assert len(result.items) == (2 if fetched else 0)
    assert len(article_hits(server)) == (2 if fetched else 0)
    assert result.stats.get("robots/unavailable", 0) == unavailable
    assert result.stats.get("robots/truncated", 0) == (case == "huge")
    assert "Traceback" not in result.log


def test_requests_waiting_for_robots_are_all_checked(server: ReplicaServer, tmp_path: Path) -> None:
    """Scrapy 2.19's own middleware lets every waiting request but the first pass unchecked."""
    server.overrides.add("/robots.txt", Response.text("User-agent: *\nDisallow: /\n"))
    result = crawl(tmp_path, server, tuple(ARTICLES))
    assert article_hits(server) == []
    assert result.stats["robotstxt/forbidden"] == len(ARTICLES)
