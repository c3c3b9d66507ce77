"""Part 5: the browser path, client-rendered E4 pages rendered in Debian's Chromium.

The replica's client-rendered shells (`knobs["html"] == "shell"`: about 1 % of generated E4
articles, plus 3 fixed ones) are crawled by URL list with the browser on, as the crawl meets
them: the API first (it gives no body for a shell), the page (a shell), then the page in
Chromium through scrapy-playwright. Pages per second (engine time, Chromium's start
included: a run starts it once) and the peak memory of the whole process tree, Chromium's
processes included. The items are checked against the ground truth.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from benchmarks import metrics
from benchmarks._common import crawl, replica
from benchmarks.throughput import stored_items


def shells(articles: int) -> list[Any]:
    from tests.replica import Site

    site = Site(articles=articles)
    return [a for a in site.iter_articles() if a.era == "E4" and a.knobs.get("html") == "shell"]


def run(work: Path, articles: int) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    chosen = shells(articles)
    url_file = work / "shells.txt"
    url_file.write_text("".join(a.url + "\n" for a in chosen), encoding="utf-8")
    truth = {a.id: a.expected() for a in chosen}
    print(
        f"bench: browser path on {len(chosen)} client-rendered pages", file=sys.stderr, flush=True
    )
    with replica(articles) as base_url:
        result = crawl(
            work / "crawl",
            base_url,
            {"url_file": str(url_file)},
            {"CRAWLER_BROWSER": "True", "CRAWLER_DATA_DIR": str(work / "data")},
        )
    items = stored_items(work / "data")
    correct = sum(
        1
        for item in items
        if item["id"] in truth
        and metrics.same_text(truth[item["id"]]["headline"], item["headline"])
        and item["published"] == truth[item["id"]]["published"]
        and metrics.same_body(truth[item["id"]]["body"], item["body"])
    )
    stats = result.stats
    return {
        "replica_articles": articles,
        "pages": len(chosen),
        "items": result.items,
        "correct_items": correct,
        "browser_requests": int(stats.get("cri/browser/requests", 0)),
        "requests": result.requests,
        "pages_per_second": result.items / result.crawl_seconds if result.crawl_seconds else None,
        "pages_per_second_wall": result.items_per_second,
        "crawl_seconds": result.crawl_seconds,
        "wall_seconds": result.seconds,
        "peak_rss_mb": result.peak_rss_mb,
        "extraction_methods": {
            k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("cri/extraction/")
        },
        "skipped": {
            k.split("/", 2)[2]: v for k, v in stats.items() if k.startswith("cri/skipped/")
        },
    }
