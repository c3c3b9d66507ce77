"""`cri-crawler run`: one monitoring (or backfill) crawl into the data directory under the run
lock, with every setting checked before any request; the crawl's verdict (health checks, the
run report in `<data-dir>/runs.jsonl`, alerts: crawler/extensions/verdict.py) is the exit code.

Exit codes: 0 healthy, 1 unhealthy (a check failed), 2 usage or configuration error (before any
request), 3 another run holds the data directory's lock.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import UsageError
from scrapy.settings import SETTINGS_PRIORITIES, Settings
from scrapy.utils.project import get_project_settings

from crawler.archive import lock
from crawler.archive.layout import RUN_LOCK
from crawler.config import AlertConfig, ConfigError, CrawlerConfig, check_scrapy_settings
from crawler.extensions.verdict import VERDICT_STAT
from crawler.monitoring.checks import HEALTHY
from spiders.cri import CriSpider

EXIT_HEALTHY, EXIT_UNHEALTHY, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
DEFAULT_DATA_DIR = "data"
LOCK_ATTEMPTS = 5



class RunError(Exception):
    """A usage or configuration problem, said in one line; exit code `code`."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def run(args: argparse.Namespace) -> int:
    try:
        settings, spider_args = prepare(args)
        data_dir = Path(settings["CRAWLER_DATA_DIR"])
        with run_lock(data_dir):
            code = crawl_and_judge(settings, spider_args)
        if settings.getbool("CRAWLER_REPORT_AFTER_RUN"):  # after the lock: the page shows none
            from crawler.report import refresh_after_run

            refresh_after_run(data_dir)
        return code
    except RunError as exc:
        print(f"cri-crawler: {'error: ' if exc.code == EXIT_USAGE else ''}{exc}", file=sys.stderr)
        return exc.code


def prepare(args: argparse.Namespace) -> tuple[Settings, dict[str, str]]:
    """Settings, alert channels and spider arguments, all checked before any request."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    for assignment in args.set or ():
        name, sep, value = assignment.partition("=")
        if not sep or not name.strip():
            raise RunError(f"--set takes NAME=VALUE, got {assignment!r}")
        settings.set(name.strip(), value, priority="cmdline")
    # The data directory: --data-dir, or -s CRAWLER_DATA_DIR, or data/; both given must agree.
    cmdline = settings.getpriority("CRAWLER_DATA_DIR") == SETTINGS_PRIORITIES["cmdline"]
    given_dir = settings.get("CRAWLER_DATA_DIR") if cmdline else None
    if given_dir is not None and args.data_dir is not None and Path(given_dir) != Path(args.data_dir):
        raise RunError(f"--data-dir {args.data_dir} and -s CRAWLER_DATA_DIR={given_dir} disagree")
    args.data_dir = Path(args.data_dir or given_dir or DEFAULT_DATA_DIR)
    settings.set("CRAWLER_DATA_DIR", str(args.data_dir), priority="cmdline")
    if args.quiet:
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    given = (("edition", args.edition), ("base_url", args.base_url), ("since", args.since))
    spider_args = {k: v for k, v in given if v}
    try:
        CrawlerConfig.from_settings(settings)
        check_scrapy_settings(settings)
        options = CriSpider.check_arguments(settings, **spider_args)
        AlertConfig.from_environ()  # the verdict's alert channels
    except (UsageError, ConfigError) as exc:
        raise RunError(str(exc)) from None
    ensure_writable(Path(args.data_dir))
    if options.since and options.since > datetime.now(options.edition.tz).date():
        print(f"cri-crawler: warning: --since {options.since} is in the future: nothing is "
              "published after it yet", file=sys.stderr)
    return settings, spider_args


def ensure_writable(data_dir: Path) -> None:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        lock.probe(data_dir)
    except OSError as exc:
        raise RunError(f"data directory {data_dir} cannot be written: {exc.strerror}") from None


@contextmanager
def run_lock(data_dir: Path) -> Iterator[None]:
    """One run at a time per data directory: a kernel lock (flock) on the directory itself,
    which dies with its process (a run killed with SIGKILL never blocks the next) and which
    deleting `run.lock` (the holder's pid) does not lift."""
    try:
        # `cri-crawler status` probes the lock for an instant: try again briefly.
        held = lock.acquire(data_dir, data_dir / RUN_LOCK, attempts=LOCK_ATTEMPTS)
    except BlockingIOError:
        pid = lock.holder_pid(data_dir / RUN_LOCK)
        holder = f" (pid {pid})" if pid else ""
        raise RunError(f"another run holds {data_dir}{holder}; exiting", EXIT_LOCKED) from None
    except OSError as exc:  # a full disk or a read-only one: nothing has run yet
        raise RunError(f"cannot take {data_dir / RUN_LOCK}: {exc.strerror or exc}") from None
    try:
        yield
    finally:
        held.release()


def crawl_and_judge(settings: Settings, spider_args: dict[str, str]) -> int:
    """The crawl; its verdict (crawler/extensions/verdict.py) is the exit code."""
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(CriSpider)
    process.crawl(crawler, **spider_args)
    process.start()
    verdict = crawler.stats.get_value(VERDICT_STAT) if crawler.stats else None
    return EXIT_HEALTHY if verdict == HEALTHY else EXIT_UNHEALTHY
