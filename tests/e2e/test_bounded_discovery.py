"""Bounded discovery (issue #13): a sitemap of 150,000 URLs (under the size cap) is cut to the
newest `CRAWLER_MAX_SITEMAP_URLS`, the requests it leads to wait while the scheduler holds
`CRAWLER_MAX_QUEUED_REQUESTS`, every real article is still reached, the cut is counted and
reported, and peak memory stays near a normal run's."""

from __future__ import annotations

import random
import re
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from tests.replica import ReplicaServer, Response
from tests.replica import listings
from tests.replica.probe import article_key
from tests.support.crawling import CrawlResult, scrapy_crawl
from tests.support.run import failing, last_report

ARTICLES = 100  # 81 of them within a monitoring run's reach, as in the issue
FAKES = 150_000  # article-looking URLs the site does not have (404)
NEWER_FAKES = 1_000  # of them, with a lastmod newer than any real article's
OLDER_FAKES = 5_000  # with an older one; the rest have none


def big_sitemap(real: str, seed: int = 13) -> bytes:
    """The replica's sitemap with 150,000 URLs mixed in, as the issue's (11 MB): 1,000 with a
    lastmod newer than the real entries', 5,000 older, the rest without one; in random order."""
    rows = re.findall(r"<url>.*?</url>", real)
    for n in range(FAKES):
        day = f"2019/{n % 12 + 1:02d}/{n % 28 + 1:02d}"
        loc = f"<loc>https://polish.cri.cn/{day}/ARTI{n:016d}</loc>"
        if n < NEWER_FAKES:
            rows.append(f"<url>{loc}<lastmod>2099-01-01T00:00:00+08:00</lastmod></url>")
        elif n < NEWER_FAKES + OLDER_FAKES:
            rows.append(f"<url>{loc}<lastmod>{day.replace('/', '-')}</lastmod></url>")
        else:
            rows.append(f"<url>{loc}</url>")
    random.Random(seed).shuffle(rows)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(rows) + "\n</urlset>\n").encode("utf-8")


# Scrapy's `memusage/max` is the process's ru_maxrss, and on Linux a child started by
# `subprocess` (vfork) begins with its parent's peak: pytest's, which building a 13 MB sitemap
# raises. Started from this small launcher's fork, the crawl's figure is its own.
LAUNCHER = """#!{python}
import os, sys
pid = os.fork()
if pid == 0:
    os.execv({python!r}, [{python!r}, *sys.argv[1:]])
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
"""


def crawl(server: ReplicaServer, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[CrawlResult, float]:
    launcher = tmp.parent / "launch-python"
    if not launcher.exists():
        launcher.write_text(LAUNCHER.format(python=sys.executable), encoding="utf-8")
        launcher.chmod(0o755)
    started = time.monotonic()
    with monkeypatch.context() as patch:
        patch.setattr(sys, "executable", str(launcher))  # the command scrapy_crawl runs
        result = scrapy_crawl(tmp, server.base_url, settings={
            # The replica's monitoring reach: page 1 of every section (test_crawl_replica.py).
            "CRAWLER_MONITOR_MAX_PAGES": "1",
            "MEMUSAGE_ENABLED": "True", "MEMUSAGE_CHECK_INTERVAL_SECONDS": "0.05",
            "LOG_LEVEL": "WARNING",  # the lines of 4,000 answers of 404 are not what is measured
        }, timeout=300)
    return result, time.monotonic() - started


def article_requests(server: ReplicaServer) -> list[str]:
    """Ids of the articles the crawl asked for (by the API or as a page), once each."""
    urls = [r.body_id if r.method == "POST" else "https://polish.cri.cn" + r.path for r in server.requests]
    return sorted({key for url in urls if url and (key := article_key(url))})


def fakes_asked(server: ReplicaServer) -> set[int]:
    """The fake URLs the crawl asked for, by number."""
    return {int(key[4:]) for key in article_requests(server)
            if re.fullmatch(r"ARTI\d{16}", key) and int(key[4:]) < FAKES}


def test_a_150000_url_sitemap_is_cut_and_every_real_article_is_reached(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    normal_server = make_replica(articles=ARTICLES)
    normal, normal_seconds = crawl(normal_server, tmp_path / "normal", monkeypatch)
    assert normal.returncode == 0, normal.log[-3000:]

    server = make_replica(articles=ARTICLES)
    real = listings.latest_sitemap(server.site)
    body = big_sitemap(real)
    assert 10 << 20 < len(body) < 16 << 20  # under DOWNLOAD_MAXSIZE: it is read, not refused
    server.overrides.add("/latest_sitemap.xml", Response(200, body, "application/xml"))
    result, seconds = crawl(server, tmp_path / "big", monkeypatch)
    assert result.returncode == 0, result.log[-3000:]
    stats = result.stats
    assert stats["finish_reason"] == "finished"

    expected = {item["id"] for item in server.site.expected(reach="monitor")}
    stored = {item["id"] for item in result.items}
    assert expected <= stored, sorted(expected - stored)
    assert stored == {item["id"] for item in normal.items}

    # The newest 2,000 (CRAWLER_MAX_SITEMAP_URLS) are taken: the 1,000 newer fakes, the real
    # entries and the newest of the older fakes; none without a lastmod.
    taken, listed = 2_000, FAKES + real.count("<url>")
    asked = fakes_asked(server)
    assert len(asked) == taken - real.count("<url>")
    assert set(range(NEWER_FAKES)) <= asked and max(asked) < NEWER_FAKES + OLDER_FAKES
    assert stats["scheduler/enqueued"] <= normal.stats["scheduler/enqueued"] + 2 * len(asked)
    # What was cut, counted and in the run report.
    assert stats["cri/sitemap/cut"] == listed - taken
    assert stats["cri/sitemap/article_links"] == taken
    report = last_report(result.data_dir)
    assert report["sitemaps"]["cut"] == listed - taken
    assert (report["sitemaps"]["unfetched"], report["listings"]["cut"], report["requests_cut"]) == (0, 0, 0)

    peak, normal_peak = stats["memusage/max"], normal.stats["memusage/max"]
    print(f"normal: {normal_peak >> 20} MB, {normal_seconds:.1f} s, "
          f"{normal.stats['scheduler/enqueued']} enqueued; with 150,000 URLs: {peak >> 20} MB, "
          f"{seconds:.1f} s, {stats['scheduler/enqueued']} enqueued")
    assert peak - normal_peak <= 0.2 * normal_peak, ((peak - normal_peak) >> 20, normal_peak >> 20)


def test_every_cap_cuts_what_is_over_it_and_the_report_says_so(
    make_replica: Callable[..., ReplicaServer], tmp_path: Path
) -> None:
    server = make_replica(articles=ARTICLES)
    server.overrides.add("/robots.txt", Response.text(
        "User-agent: *\nAllow: /\nSitemap: https://polish.cri.cn/sitemap/latest_sitemap.xml\n"
        "Sitemap: https://polish.cri.cn/sitemap_index.xml\n"))
    caps = {"CRAWLER_MAX_SITEMAPS": "2", "CRAWLER_MAX_SITEMAP_URLS": "30",
            "CRAWLER_MAX_LISTINGS": "3", "CRAWLER_MAX_QUEUED_REQUESTS": "5"}
    result = scrapy_crawl(tmp_path, server.base_url,
                          settings={"CRAWLER_MONITOR_MAX_PAGES": "1", **caps}, timeout=120)
    assert result.returncode == 0, result.log[-3000:]
    report = last_report(result.data_dir)

    # robots.txt's two sitemaps are fetched, the index's child is not (the cap is spent).
    assert server.requests.count(path="/latest_sitemap.xml") == 0
    assert (report["sitemaps"]["requested"], report["sitemaps"]["unfetched"]) == (2, 1)
    # Of the 81 URLs, the 30 newest by lastmod are taken, and all asked for (5 at a time).
    real = listings.latest_sitemap(server.site)
    entries = re.findall(r"<loc>(.*?)</loc><lastmod>(.*?)</lastmod>", real)
    newest = sorted(entries, key=lambda e: datetime.fromisoformat(e[1]), reverse=True)[:30]
    asked = set(article_requests(server))
    assert {article_key(loc) for loc, _ in newest} <= asked
    assert (report["sitemaps"]["article_links"], report["sitemaps"]["cut"]) == (30, len(entries) - 30)
    # Three listings walked (the home page and two sections), the others cut; an answer's cards
    # beyond 5 waiting requests are cut, not counted as discovered (nor lost).
    assert report["listings"]["requested"] == 3 and report["listings"]["cut"] > 0
    # Sections never walked are coverage lost for good: unhealthy (the other cuts catch up later).
    assert failing(report) == {"listings_cut"}
    assert report["requests_cut"] > 0
    assert report["articles"]["lost"] == 0
