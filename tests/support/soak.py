"""The soak: the replica with many articles, a share of requests failing at random (mixed
faults of tests/replica/faults.py), then one normal run on the same data directory. Nothing
lost, nothing duplicated, every line parses; prints the figures, peak memory included.

    python -m tests.support.soak --articles 10000 --rate 0.05      # the full soak (a few minutes)

CI runs it at a reduced size (tests/e2e/test_faults_soak.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from tests.replica import ReplicaServer
from tests.replica.faults import random_faults
from tests.support.archive import check_versions, read_archive
from tests.support.crawling import scrapy_crawl

SETTINGS = {
    "CRAWLER_BROWSER": "False",
    "DOWNLOAD_TIMEOUT": "2",
    "RETRY_TIMES": "2",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "MEMUSAGE_ENABLED": "True",
    "MEMUSAGE_CHECK_INTERVAL_SECONDS": "0.5",
    "LOG_LEVEL": "WARNING",
    "CRAWLER_HEALTH_MAX_ERRORS": "1000000",
}


def run_soak(articles: int, rate: float, seed: int, work: Path) -> dict[str, Any]:
    """Two crawls by URL list (every article reachable by URL, no browser): faulted, then normal."""
    figures: dict[str, Any] = {"articles": articles, "rate": rate, "seed": seed}
    with ReplicaServer(articles=articles, seed=seed) as server:
        expected = server.site.ids(reach="url_only")
        url_file = work / "urls.txt"
        url_file.write_text("\n".join(server.site.urls(reach="url_only")) + "\n", encoding="utf-8")
        faults = server.overrides.add(*random_faults(rate, seed))
        runs = []
        for name in ("faulted", "normal"):
            started = time.monotonic()
            result = scrapy_crawl(work / "crawl", server.base_url, {"url_file": str(url_file)},
                                  SETTINGS, timeout=3600)
            stats = result.stats
            runs.append({
                "run": name,
                "returncode": result.returncode,
                "finish_reason": stats.get("finish_reason"),
                "seconds": round(time.monotonic() - started, 1),
                "requests": stats.get("downloader/request_count", 0),
                "faults_injected": faults.hits if name == "faulted" else 0,
                "items_written": stats.get("store/items", 0),
                "retries": stats.get("retry/count", 0),
                "given_up": stats.get("retry/max_reached", 0),
                "walls": sum(v for k, v in stats.items() if k.startswith("cri/interstitial/")),
                "truncated_streams": stats.get("integrity/truncated_stream", 0),
                "peak_memory_mb": round(stats.get("memusage/max", 0) / 2**20, 1),
                "memory_growth_mb": round(
                    (stats.get("memusage/max", 0) - stats.get("memusage/startup", 0)) / 2**20, 1),
            })
            faults.remove()  # the follow-up run is normal
    records = read_archive(work / "crawl" / "data")  # every line parses, each `\n`-ended
    check_versions(records)
    counts = Counter(r["id"] for r in records)
    figures.update(
        runs=runs,
        expected=len(expected),
        archived=len(counts),
        lost=sorted(expected - counts.keys())[:20],
        duplicated=sorted(i for i, n in counts.items() if n > 1)[:20],
        unexpected=sorted(counts.keys() - expected)[:20],
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.soak",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=0.05, help="share of requests that fail")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cri-soak-") as tmp:
        figures = run_soak(args.articles, args.rate, args.seed, Path(tmp))
    print(json.dumps(figures, indent=2))
    ok = not (figures["lost"] or figures["duplicated"] or figures["unexpected"])
    return 0 if ok and all(r["finish_reason"] == "finished" for r in figures["runs"]) else 1


if __name__ == "__main__":
    sys.exit(main())
