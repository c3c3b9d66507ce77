"""What the benchmark scripts share: a replica in a subprocess, timed crawls, the machine."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
FAST = {  # no politeness delays against the local replica
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "LOG_LEVEL": "WARNING",
}


@contextmanager
def replica(articles: int, seed: int = 1) -> Iterator[str]:
    """A replica serving `articles` generated articles in its own process; yields its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.replica", "serve", "--port", "0", "--articles", str(articles),
         "--seed", str(seed)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("serving on "):
            raise RuntimeError(f"replica did not start: {line!r}")
        yield line.removeprefix("serving on ").strip()
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class Crawl:
    seconds: float
    items: int
    requests: int
    peak_rss_mb: float
    stats: dict[str, Any]

    @property
    def items_per_second(self) -> float:
        return self.items / self.seconds if self.seconds else 0.0


def crawl(work: Path, base_url: str, spider_args: dict[str, str], settings: dict[str, str]) -> Crawl:
    """One `scrapy crawl cri` in a subprocess; wall time, items, requests, peak RSS."""
    work.mkdir(parents=True, exist_ok=True)
    stats_file = work / "stats.json"
    command = [sys.executable, "-m", "scrapy", "crawl", "cri", "-a", f"base_url={base_url}"]
    for key, value in spider_args.items():
        command += ["-a", f"{key}={value}"]
    for key, value in {**FAST, "CRAWLER_STATS_FILE": str(stats_file), **settings}.items():
        command += ["-s", f"{key}={value}"]
    log = work / "crawl.log"
    start = time.perf_counter()
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
        peak = TreeMemory(process.pid).watch(process)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(f"crawl failed ({process.returncode}): {tail}")
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    return Crawl(
        seconds=seconds,
        items=int(stats.get("item_scraped_count", 0)),
        requests=int(stats.get("downloader/request_count", 0)),
        peak_rss_mb=peak / 2**20,
        stats=stats,
    )


class TreeMemory:
    """Peak resident memory of a process and all its descendants (browser included), sampled."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval = pid, interval
        self.page = os.sysconf("SC_PAGE_SIZE")

    def watch(self, process: subprocess.Popen) -> int:
        peak = 0
        while process.poll() is None:
            peak = max(peak, self.tree_rss())
            time.sleep(self.interval)
        return peak

    def tree_rss(self) -> int:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(entry.name)
            children.setdefault(int(fields[1]), []).append(pid)  # fields[1]: parent pid
            rss[pid] = int(fields[21]) * self.page  # fields[21]: resident pages
        total, todo = 0, [self.pid]
        while todo:
            pid = todo.pop()
            total += rss.get(pid, 0)
            todo.extend(children.get(pid, ()))
        return total


def median(values: list[float]) -> float:
    return statistics.median(values)


def machine() -> dict[str, Any]:
    import scrapy

    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "scrapy": scrapy.__version__,
        "platform": platform.platform(),
    }


def write_result(name: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **result}, indent=2) + "\n", encoding="utf-8")
    return path
