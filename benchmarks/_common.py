"""What the benchmark scripts share: a replica in a subprocess, timed crawls, the machine."""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
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
def replica(articles: int, seed: int = 1, editions: tuple[str, ...] = ()) -> Iterator[str]:
    """A replica serving `articles` generated articles in its own process; yields its URL.
    `editions`: several editions' sites on that port, `articles` each (a base URL of
    `<url>/{host}` reaches each edition on its own host)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.replica", "serve", "--port", "0", "--articles", str(articles),
         "--seed", str(seed), *(arg for name in editions for arg in ("--edition", name))],
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

    @property
    def crawl_seconds(self) -> float:
        """The engine's time, from spider open to close (no interpreter start, no imports)."""
        return float(self.stats.get("elapsed_time_seconds") or self.seconds)

    @classmethod
    def of(cls, run: Measured, stats: dict[str, Any]) -> Crawl:
        return cls(
            seconds=run.seconds,
            items=int(stats.get("item_scraped_count", 0)),
            requests=int(stats.get("downloader/request_count", 0)),
            peak_rss_mb=run.peak_rss_mb,
            stats=stats,
        )


def crawl(
    work: Path, base_url: str, spider_args: dict[str, str], settings: dict[str, str]
) -> Crawl:
    """One `scrapy crawl cri` in a subprocess; wall time, items, requests, peak RSS."""
    command, stats_file = crawl_command(work, base_url, spider_args, settings)
    run = measured(command, work / "crawl.log", cwd=ROOT)
    run.check("crawl")
    return Crawl.of(run, json.loads(stats_file.read_text(encoding="utf-8")))


def crawl_command(
    work: Path, base_url: str, spider_args: dict[str, str], settings: dict[str, str]
) -> tuple[list[str], Path]:
    """The `scrapy crawl cri` command line (politeness off, see FAST) and its stats file."""
    work.mkdir(parents=True, exist_ok=True)
    stats_file = work / "stats.json"
    command = [sys.executable, "-m", "scrapy", "crawl", "cri", "-a", f"base_url={base_url}"]
    for key, value in spider_args.items():
        command += ["-a", f"{key}={value}"]
    command += setting_args({**FAST, "CRAWLER_STATS_FILE": str(stats_file), **settings})
    return command, stats_file


def setting_args(settings: dict[str, str]) -> list[str]:
    return [arg for key, value in settings.items() for arg in ("-s", f"{key}={value}")]


@dataclass
class Measured:
    """A finished subprocess: exit code, wall time, peak memory of its process tree."""

    returncode: int
    seconds: float
    peak_rss_mb: float
    log: Path

    def check(self, what: str, ok: tuple[int, ...] = (0,)) -> None:
        if self.returncode not in ok:
            tail = self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RuntimeError(f"{what} failed ({self.returncode}): {tail}")


def measured(
    command: list[str], log: Path, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> Measured:
    """Run a command (stdout and stderr to `log`), timing it and sampling its tree's memory."""
    log.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
        peak = TreeMemory(process.pid).watch(process)
    return Measured(process.returncode, time.perf_counter() - start, peak / 2**20, log)


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


def target(part: str, name: str, goal: float, value: float | None, op: str) -> dict[str, Any]:
    """One target of the issue and whether this run met it (`op`: `>=` or `<=`)."""
    met = value is not None and (value >= goal if op == ">=" else value <= goal)
    return {"part": part, "name": name, "target": f"{op} {goal:g}", "value": value, "met": met}


def median(values: list[float]) -> float:
    return statistics.median(values)


PACKAGES = (
    "scrapy",
    "twisted",
    "lxml",
    "parsel",
    "itemloaders",
    "trafilatura",
    "htmldate",
    "playwright",
    "scrapy-playwright",
)


def machine() -> dict[str, Any]:
    """Where and with what the figures were measured."""
    from importlib.metadata import PackageNotFoundError, version

    packages = {}
    for name in PACKAGES:
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = None
    return {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "scrapy": packages["scrapy"],
        "packages": packages,
        "chromium": chromium_version(),
        "commit": git_commit(),
        "platform": platform.platform(),
    }


def git_commit() -> str | None:
    """HEAD, with `+changes` when the work tree differs from it (what was measured)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=30, check=False).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=30, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}{' +changes' if dirty else ''}" if head else None


def chromium_version() -> str | None:
    try:
        out = subprocess.run(
            ["chromium", "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def write_result(name: str, result: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **result}, indent=2) + "\n", encoding="utf-8")
    return path


def run_alone(name: str, keep: Path | None, measure: Callable[[Path], dict[str, Any]]) -> None:
    """A part run on its own (`python -m benchmarks.<name>`): `measure` in a work directory
    (`keep`, or a temporary one removed afterwards), its result printed and written."""
    work = (keep or Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))).resolve()
    try:
        result = measure(work)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result, indent=1))
    path = write_result(name, result)
    print(f"written to {path.relative_to(path.parents[2])}")
