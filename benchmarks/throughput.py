"""Parts 2 and 3: crawl throughput of the full project against a bare Scrapy spider, and scale.

The full project: `scrapy crawl cri -a since=2004-01-01` (discovery through robots.txt,
sitemaps and the API listings, every listed article, pipelines and archive on) against a
replica in its own process, browser, politeness and the WARC archive off (part 8 measures the
WARC archive's cost against this same crawl). Its requests are counted by kind from its stats
(`request_kinds`): what it asks for beyond one request per stored article. The bare spider
(`bare_spider.py`, Scrapy's defaults, no pipelines) then GETs the article URLs that crawl
stored, one request each, with a trivial callback: the ceiling of any Scrapy crawler on the
same articles.
Crawls alternate (full, bare, full, bare, ...) on the same replica; a figure is the median
over rounds, the ratio is of the medians. Rates use the engine's time (spider open to close);
wall times (interpreter start and imports included) are kept beside them.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import _profile
from benchmarks._common import (
    FAST,
    ROOT,
    Crawl,
    crawl,
    crawl_command,
    measured,
    replica,
    setting_args,
    target,
)
from crawler import stats as cri
from crawler.editions import get_edition
from crawler.urls import classify, rebase

RATIO_TARGET = 0.8
GROWTH_TARGET = 0.15
MEMORY_TARGET_MB = 200.0
SINCE = {"since": "2004-01-01"}
NO_BROWSER = {"CRAWLER_BROWSER": "False"}
PROBE = "benchmarks.memory_probe.MemoryProbe"
REDIRECTS = (301, 302, 303, 307, 308)


def full_settings(data_dir: Path) -> dict[str, str]:
    """Browser and WARC archive off, the archive in `data_dir`, and the memory probe added to the
    project's extensions (a command-line EXTENSIONS replaces the project's dict, so it carries
    them). Part 8 (`benchmarks/warc.py`) turns the WARC archive on over these settings."""
    from crawler import settings

    extensions = {**settings.EXTENSIONS, PROBE: 800}  # before StatsFile (900) writes the stats
    return {**NO_BROWSER, "CRAWLER_WARC": "False", "CRAWLER_DATA_DIR": str(data_dir),
            "EXTENSIONS": json.dumps(extensions)}


def request_kinds(stats: dict[str, Any]) -> dict[str, int]:
    """A crawl's requests (`downloader/request_count`) by kind, from its stats: robots.txt as
    the robots policy fetches it, sitemaps, listing pages, each fetched article's first source,
    the fallbacks of a failed source by cause (the API failed, answered no article, or an
    article without a body: its page; an article not at its first address: the next one), the
    browser, Scrapy's retries and the requests after a redirect. `other`: what is left (the
    spider's own robots.txt request, read for its `Sitemap:` lines; pages 2..n of multi-page
    articles)."""

    def count(name: str) -> int:
        return int(stats.get(name, 0) or 0)

    fetched = count(cri.ARTICLES_DISCOVERED) - count(cri.KNOWN) - count(cri.GONE_SKIPPED)
    kinds = {
        "robots": count("robotstxt/request_count"),
        "sitemaps": count(cri.SITEMAP_REQUESTED),
        "listings": count(cri.LISTING_REQUESTED),
        "article_first": fetched,
        "fallback_api_failed": count(cri.API_FAILED),
        "fallback_api_unusable": count(cri.API_UNUSABLE),
        "fallback_api_no_body": count(cri.API_NO_BODY),
        "fallback_next_address": count(cri.NEXT_ADDRESS),
        "browser": count(cri.BROWSER_REQUESTS),
        "retries": count("retry/count"),
        "redirects": sum(count(f"downloader/response_status_count/{s}") for s in REDIRECTS),
    }
    kinds["other"] = count("downloader/request_count") - sum(kinds.values())
    return kinds


def write_url_file(url_file: Path, data_dir: Path, base_url: str) -> None:
    """One URL a line for the bare spider: where the full crawl read each stored article (an
    older article on the current platform: its address there, as its old page may be gone)."""
    urls = []
    for item in stored_items(data_dir):
        ref = classify(item["url"], get_edition(item["edition"]))
        urls.append(rebase((ref and ref.platform_url) or item["url"], base_url))
    url_file.write_text("".join(url + "\n" for url in urls), encoding="utf-8")


def stored_items(data_dir: Path) -> list[dict[str, Any]]:
    """The articles a crawl wrote to its archive."""
    items = []
    for path in sorted((data_dir / "articles").rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                items.append(json.loads(line))
    return items


def bare_crawl(work: Path, url_file: Path) -> Crawl:
    """The bare spider in a subprocess, from a directory outside the project (Scrapy defaults)."""
    command, cwd, env = bare_crawl_command(work, url_file)
    run = measured(command, work / "crawl.log", cwd=cwd, env=env)
    run.check("bare crawl")
    return Crawl.of(run, json.loads((work / "stats.json").read_text(encoding="utf-8")))


def bare_crawl_command(work: Path, url_file: Path) -> tuple[list[str], Path, dict[str, str]]:
    """The bare spider's command line, working directory and environment; stats to
    `work/stats.json`. It runs from a directory with no scrapy.cfg above it and without
    SCRAPY_* variables: Scrapy would load the project's settings otherwise."""
    work.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "scrapy",
        "runspider",
        str(ROOT / "benchmarks" / "bare_spider.py"),
        "-a",
        f"url_file={url_file}",
        "-a",
        f"stats_file={work / 'stats.json'}",
        *setting_args({**FAST, "TELNETCONSOLE_ENABLED": "False"}),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
    return command, Path(tempfile.gettempdir()), env


def figures(runs: list[Crawl]) -> dict[str, Any]:
    return {
        "items": runs[0].items,
        "requests": runs[0].requests,
        "articles_per_second": statistics.median(r.items / r.crawl_seconds for r in runs),
        "articles_per_second_wall": statistics.median(r.items_per_second for r in runs),
        "ms_per_article": statistics.median(
            1000 * r.crawl_seconds / r.items for r in runs if r.items
        ),
        "peak_rss_mb": max(r.peak_rss_mb for r in runs),
        "rounds": [
            {
                "crawl_seconds": round(r.crawl_seconds, 2),
                "wall_seconds": round(r.seconds, 2),
                "items": r.items,
                "requests": r.requests,
                "peak_rss_mb": round(r.peak_rss_mb, 1),
            }
            for r in runs
        ],
    }


def measure(work: Path, articles: int, rounds: int) -> dict[str, Any]:
    """Full project and bare spider, alternating, on one replica of `articles` articles."""
    full: list[Crawl] = []
    bare: list[Crawl] = []
    url_file = work / "urls.txt"
    with replica(articles) as base_url:
        for round_ in range(rounds):
            data = work / f"data-{round_}"
            full.append(crawl(work / f"full-{round_}", base_url, SINCE, full_settings(data)))
            if round_ == 0:
                write_url_file(url_file, data, base_url)
            bare.append(bare_crawl(work / f"bare-{round_}", url_file))
            print(
                f"bench: {articles} articles, round {round_ + 1}: full {full[-1].items} in "
                f"{full[-1].crawl_seconds:.1f} s, bare {bare[-1].items} in {bare[-1].crawl_seconds:.1f} s",
                file=sys.stderr,
                flush=True,
            )
        result: dict[str, Any] = {
            "replica_articles": articles,
            "full": figures(full),
            "bare": figures(bare),
        }
        result["ratio"] = (
            result["full"]["articles_per_second"] / result["bare"]["articles_per_second"]
        )
        result["ratio_wall"] = (
            result["full"]["articles_per_second_wall"] / result["bare"]["articles_per_second_wall"]
        )
        result["extraction_methods"] = {
            k.rsplit("/", 1)[1]: v
            for k, v in full[0].stats.items()
            if k.startswith("cri/extraction/")
        }
        result["request_kinds"] = request_kinds(full[0].stats)
        result["requests_per_article"] = (
            full[0].requests / full[0].items if full[0].items else None
        )
        result["memory_held"] = {
            k.rsplit("/", 1)[1]: v
            for k, v in full[0].stats.items()
            if k.startswith("bench/memory/")
        }
    return result


def part_throughput(work: Path, articles: int, rounds: int, profile_venv: str) -> dict[str, Any]:
    """Part 2; profiles a further crawl when the ratio target is missed."""
    result = measure(work, articles, rounds)
    if result["ratio"] < RATIO_TARGET and profile_venv != "none":
        print("bench: profiling the full crawl (ratio target missed)", file=sys.stderr, flush=True)
        result.update(measure_profile_only(work / "profiled", articles, profile_venv))
    result["targets"] = [
        target(
            "throughput",
            f"articles/s, full project / bare Scrapy ({articles} articles)",
            RATIO_TARGET,
            result["ratio"],
            ">=",
        )
    ]
    return result


def measure_profile_only(work: Path, articles: int, profile_venv: str) -> dict[str, Any]:
    """py-spy profiles of one more full crawl and one more bare crawl of the same articles
    (`create`: make py-spy's venv if missing): where each spends its busy time."""
    create = profile_venv == "create"
    with replica(articles) as base_url:
        data = work / "data"
        command, _ = crawl_command(work / "full", base_url, SINCE, full_settings(data))
        full = _profile.record(command, work / "profile-full", create_venv=create)
        if "error" in full:
            return {"profile": full}
        url_file = work / "urls.txt"
        write_url_file(url_file, data, base_url)
        bare_command, cwd, env = bare_crawl_command(work / "bare", url_file)
        bare = _profile.record(
            bare_command, work / "profile-bare", create_venv=create, cwd=cwd, env=env
        )
    items = len(url_file.read_text(encoding="utf-8").splitlines())
    return {"profile": full, "profile_bare": bare, "profiled_items": items}


def part_scale(work: Path, articles: int, baseline: dict[str, Any]) -> dict[str, Any]:
    """Part 3: the same at `articles`; memory growth against `baseline` (part 2's result)."""
    result = measure(work, articles, 1)
    small, big = baseline["full"]["peak_rss_mb"], result["full"]["peak_rss_mb"]
    result["baseline_articles"] = baseline["replica_articles"]
    result["baseline_peak_rss_mb"] = small
    result["baseline_memory_held"] = baseline.get("memory_held", {})
    result["memory_growth"] = big / small - 1
    result["ms_per_article_growth"] = (
        result["full"]["ms_per_article"] / baseline["full"]["ms_per_article"] - 1
    )
    result["targets"] = [
        target(
            "scale",
            f"peak memory growth {baseline['replica_articles']} -> {articles} articles",
            GROWTH_TARGET,
            result["memory_growth"],
            "<=",
        ),
        target(
            "scale",
            f"peak memory (MB) at {articles} articles, no browser",
            MEMORY_TARGET_MB,
            big,
            "<=",
        ),
    ]
    return result
