"""Part 9, scale-out (issue #17): two editions as two jobs on one Scrapyd node, against a bare
Scrapy crawl of each edition's articles and against the two crawls one after the other.

One replica serves both editions (`python -m tests.replica serve --edition polish --edition
esperanto`), each on its own host (`base_url=.../{host}`). Scrapyd: a real node (the tests'
`tests/support/scrapyd.py`: 127.0.0.1, a Python without the project, so the jobs run the
deployed egg), `cri-crawler schedule --since 2004-01-01` of both editions; wall time from the
schedule call until both jobs are finished, peak memory of the node's process tree (Scrapyd
and its jobs) sampled every 0.1 s. Bare: `benchmarks/bare_spider.py` on the URLs each job
stored, one edition after the other. One after the other: `scrapy crawl cri` of each edition.
Politeness off everywhere (the replica is local).

    python -m benchmarks.scrapyd [--articles N]
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import threading
import time
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

from benchmarks._common import FAST, TreeMemory, crawl, replica, write_result
from benchmarks.throughput import NO_BROWSER, SINCE, bare_crawl, write_url_file
from crawler.cli import main as cri_crawler
from tests.support.scrapyd import ScrapydNode, scrapyd_node

EDITIONS = ("polish", "esperanto")


def run(work: Path, articles: int) -> dict[str, Any]:
    with replica(articles, editions=EDITIONS) as url:
        base_url = url + "/{host}"
        jobs = scrapyd_jobs(work / "scrapyd", base_url)
        bare = {}
        sequential = {}
        for edition in EDITIONS:
            data_dir = jobs["node_root"] / "data" / edition
            url_file = work / f"{edition}.urls"
            write_url_file(url_file, data_dir, base_url)
            bare[edition] = bare_crawl(work / f"bare-{edition}", url_file)
            one = crawl(work / f"crawl-{edition}", base_url, {**SINCE, "edition": edition},
                        {**NO_BROWSER, "CRAWLER_DATA_DIR": str(work / f"crawl-{edition}/data")})
            sequential[edition] = one
    bare_wall = sum(run.seconds for run in bare.values())
    sequential_wall = sum(run.seconds for run in sequential.values())
    return {
        "articles_per_edition": articles,
        "scrapyd": {k: v for k, v in jobs.items() if k != "node_root"},
        "bare": {e: {"items": r.items, "requests": r.requests, "wall_seconds": round(r.seconds, 2),
                     "peak_rss_mb": round(r.peak_rss_mb, 1)} for e, r in bare.items()},
        "sequential": {e: {"items": r.items, "requests": r.requests,
                           "wall_seconds": round(r.seconds, 2),
                           "peak_rss_mb": round(r.peak_rss_mb, 1)} for e, r in sequential.items()},
        "bare_wall_seconds": round(bare_wall, 2),
        "sequential_wall_seconds": round(sequential_wall, 2),
        "bare_peak_rss_mb": round(max(r.peak_rss_mb for r in bare.values()), 1),
        "sequential_peak_rss_mb": round(max(r.peak_rss_mb for r in sequential.values()), 1),
    }


def scrapyd_jobs(work: Path, base_url: str) -> dict[str, Any]:
    """Both editions scheduled at once on a fresh node; wall time until both finished."""
    work.mkdir(parents=True, exist_ok=True)
    with scrapyd_node(work) as node:
        peak = Peak(node)
        settings = {**FAST, **NO_BROWSER, "LOG_LEVEL": "INFO"}
        argv = ["schedule", "--scrapyd", node.url, "--since", SINCE["since"], "--base-url",
                base_url, *(a for k, v in settings.items() for a in ("-s", f"{k}={v}"))]
        argv += [a for edition in EDITIONS for a in ("--edition", edition)]
        started = time.perf_counter()
        out = io.StringIO()
        with redirect_stdout(out), redirect_stderr(out):
            code = cri_crawler(argv)
        if code != 0:
            raise RuntimeError(f"schedule failed ({code}): {out.getvalue()}")
        ids = [line.split()[3] for line in out.getvalue().splitlines() if ": scheduled job " in line]
        node.wait(*ids, timeout=3600)
        wall = time.perf_counter() - started
        peak.stop()
        verdicts = {}
        for job in ids:
            report = json.loads((node.root / "data" / job.split("-")[0] / "runs.jsonl")
                                .read_text(encoding="utf-8").splitlines()[-1])
            verdicts[report["edition"]] = {
                "job": job, "verdict": report["verdict"], "new": report["articles"]["new"],
                "requests": report["requests"], "crawl_seconds": report["duration_seconds"],
            }
        return {"wall_seconds": round(wall, 2), "peak_rss_mb": round(peak.value / 2**20, 1),
                "jobs": verdicts, "node_root": node.root}


class Peak:
    """The node's process tree's peak resident memory, sampled in a thread."""

    def __init__(self, node: ScrapydNode) -> None:
        self.tree = TreeMemory(node.process.pid)
        self.value = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.done.wait(0.1):
            self.value = max(self.value, self.tree.tree_rss())

    def stop(self) -> None:
        self.done.set()
        self.thread.join()


def main() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--articles", type=int, default=10_000)
    args = cli.parse_args()
    with tempfile.TemporaryDirectory(prefix="cri-bench-scrapyd-") as work:
        result = run(Path(work), args.articles)
    print(json.dumps(result, indent=1, default=str))
    write_result("scrapyd", result)


if __name__ == "__main__":
    main()
