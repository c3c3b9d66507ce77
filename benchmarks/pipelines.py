"""Throughput with and without the item pipelines: `python -m benchmarks.pipelines`.

Crawls the replica with N generated articles (backfill, every listed article) with the
project's pipelines and with none, alternating, and prints articles/s for both and their
ratio (target: the pipelines keep at least 80 % of the throughput). The browser is off so
that Chromium's start does not blur the figures.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from benchmarks._common import crawl, median, replica, write_result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-pipelines-"))
    runs: dict[str, list] = {"with": [], "without": []}
    try:
        with replica(args.articles) as base_url:
            for round_ in range(args.rounds):
                for mode in ("with", "without"):
                    settings = {"CRAWLER_BROWSER": "False",
                                "CRAWLER_DATA_DIR": str(work / f"data-{mode}-{round_}")}
                    if mode == "without":
                        settings["ITEM_PIPELINES"] = "{}"
                    result = crawl(work / f"{mode}-{round_}", base_url, {"since": "2004-01-01"}, settings)
                    runs[mode].append(result)
                    print(f"round {round_ + 1} {mode:>7} pipelines: {result.items} articles in "
                          f"{result.seconds:.1f} s = {result.items_per_second:.1f}/s, "
                          f"peak {result.peak_rss_mb:.0f} MB", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rate = {mode: median([r.items_per_second for r in rs]) for mode, rs in runs.items()}
    ratio = rate["with"] / rate["without"]
    print(f"median articles/s: with pipelines {rate['with']:.1f}, without {rate['without']:.1f}; "
          f"ratio {ratio:.2f} (target >= 0.80)")
    path = write_result("pipelines", {
        "articles": args.articles,
        "rounds": args.rounds,
        "items": runs["with"][0].items,
        "articles_per_second": rate,
        "ratio": ratio,
        "target_ratio": 0.8,
        "runs": {m: [{"seconds": r.seconds, "items": r.items, "peak_rss_mb": r.peak_rss_mb}
                     for r in rs] for m, rs in runs.items()},
    })
    print(f"written to {path.relative_to(path.parents[2])}")


if __name__ == "__main__":
    main()
