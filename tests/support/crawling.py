"""Runs a real crawl of the replica in a subprocess (Twisted's reactor cannot restart)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.paths import ROOT

# Full speed against the local replica: politeness is for the real site.
FAST = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "LOG_LEVEL": "INFO",
}


@dataclass
class CrawlResult:
    returncode: int
    items: list[dict[str, Any]]
    stats: dict[str, Any]
    log: str
    data_dir: Path
    extra: dict[str, Any] = field(default_factory=dict)

    def by_id(self) -> dict[str, dict[str, Any]]:
        return {item["id"]: item for item in self.items}


def scrapy_crawl(
    tmp: Path,
    base_url: str,
    spider_args: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
    timeout: float = 300,
) -> CrawlResult:
    """`scrapy crawl cri -a base_url=... -O items.jsonl` with stats written to a file."""
    tmp.mkdir(parents=True, exist_ok=True)
    out, stats_file, data_dir = tmp / "items.jsonl", tmp / "stats.json", tmp / "data"
    args = {"base_url": base_url, **(spider_args or {})}
    cmd = [sys.executable, "-m", "scrapy", "crawl", "cri", "-O", str(out)]
    for key, value in args.items():
        cmd += ["-a", f"{key}={value}"]
    merged = {
        **FAST,
        "CRAWLER_STATS_FILE": str(stats_file),
        "CRAWLER_DATA_DIR": str(data_dir),
        **(settings or {}),
    }
    for key, value in merged.items():
        cmd += ["-s", f"{key}={value}"]
    proc = subprocess.run(
        cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    items = []
    if out.exists():
        items = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line]
    stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
    return CrawlResult(proc.returncode, items, stats, proc.stderr, data_dir)
