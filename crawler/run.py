"""`cri-crawler run`: one monitoring (or backfill) crawl into the data directory, then health
checks, a run report in `<data-dir>/runs.jsonl`, alerts, and an exit code that says it all.

Exit codes: 0 healthy, 1 unhealthy (a check failed), 2 usage or configuration error (before any
request), 3 another run holds the data directory's lock.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import UsageError
from scrapy.settings import SETTINGS_PRIORITIES, Settings
from scrapy.utils.project import get_project_settings

from crawler.archive import lock
from crawler.archive.layout import RUN_LOCK, RUNS_FILE
from crawler import stats as cri
from crawler.config import AlertConfig, ConfigError, CrawlerConfig, check_scrapy_settings
from crawler.context import CrawlContext
from crawler.monitoring import alerts, checks, history
from spiders.cri import CriSpider

EXIT_HEALTHY, EXIT_UNHEALTHY, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
DEFAULT_DATA_DIR = "data"
LOCK_ATTEMPTS = 5

logger = logging.getLogger(__name__)


class RunError(Exception):
    """A usage or configuration problem, said in one line; exit code `code`."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def run(args: argparse.Namespace) -> int:
    try:
        settings, alert_config, spider_args = prepare(args)
        data_dir = Path(settings["CRAWLER_DATA_DIR"])
        with run_lock(data_dir):
            return crawl_and_judge(settings, alert_config, spider_args, data_dir)
    except RunError as exc:
        print(f"cri-crawler: {'error: ' if exc.code == EXIT_USAGE else ''}{exc}", file=sys.stderr)
        return exc.code


def prepare(args: argparse.Namespace) -> tuple[Settings, AlertConfig, dict[str, str]]:
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
        alert_config = AlertConfig.from_environ()
    except (UsageError, ConfigError) as exc:
        raise RunError(str(exc)) from None
    ensure_writable(Path(args.data_dir))
    if options.since and options.since > datetime.now(options.edition.tz).date():
        print(f"cri-crawler: warning: --since {options.since} is in the future: nothing is "
              "published after it yet", file=sys.stderr)
    return settings, alert_config, spider_args


def ensure_writable(data_dir: Path) -> None:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        lock.probe(data_dir)
    except OSError as exc:
        raise RunError(f"data directory {data_dir} cannot be written: {exc.strerror}") from None


@contextmanager
def run_lock(data_dir: Path) -> Iterator[None]:
    """One run at a time per data directory. A kernel lock (flock): it dies with its process,
    so a run killed with SIGKILL never blocks the next."""
    try:
        # `cri-crawler status` probes the lock for an instant: try again briefly.
        fd = lock.acquire(data_dir / RUN_LOCK, attempts=LOCK_ATTEMPTS)
    except BlockingIOError:
        raise RunError(f"another run holds {data_dir / RUN_LOCK}; exiting", EXIT_LOCKED) from None
    try:
        yield
    finally:
        os.close(fd)


def crawl_and_judge(settings: Settings, alert_config: AlertConfig, spider_args: dict[str, str],
                    data_dir: Path) -> int:
    started = datetime.now(timezone.utc)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(CriSpider)
    process.crawl(crawler, **spider_args)
    process.start()
    finished = datetime.now(timezone.utc)
    stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    context = CrawlContext.of(crawler)
    report = build_report(stats, started, finished, spider_args, context.edition.name)
    config = context.config
    runs_file = data_dir / RUNS_FILE
    past = history.read_history(runs_file)
    results = checks.evaluate(report, past, config.health, finished)
    report["verdict"] = checks.verdict(results)
    report["checks"] = [r.as_dict() for r in results]
    history.append_report(runs_file, report)
    if report["verdict"] == "healthy":
        logger.info("run %s healthy: %d new, %d updated", report["run"],
                    report["articles"]["new"], report["articles"]["updated"])
        return EXIT_HEALTHY
    alerts.notify(report, alert_config, data_dir=data_dir)
    return EXIT_UNHEALTHY


def build_report(stats: dict[str, Any], started: datetime, finished: datetime,
                 spider_args: dict[str, str], edition: str) -> dict[str, Any]:
    """The run report (one line of runs.jsonl) from the crawl's final stats."""

    def count(name: str) -> int:
        return int(stats.get(name, 0) or 0)

    def under(prefix: str) -> dict[str, int]:
        return {k[len(prefix):]: int(v) for k, v in sorted(stats.items()) if k.startswith(prefix)}

    parsed = count(cri.ARTICLES_PARSED)
    coverage = {
        name: (count(cri.field_found(name)) / parsed if parsed else None)
        for name in cri.COVERED_FIELDS
    }
    dropped = {f"validate/{k}": v for k, v in under("validate/dropped/").items()}
    dropped |= {f"cri/{k}": v for k, v in under(cri.SKIPPED).items() if cri.skipped(k) != cri.KNOWN}
    return {
        "run": f"{started:%Y%m%dT%H%M%SZ}-{os.getpid()}",
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "duration_seconds": round((finished - started).total_seconds(), 3),
        "edition": edition,
        "mode": "backfill" if spider_args.get("since") else "monitor",
        "since": spider_args.get("since"),
        "base_url": spider_args.get("base_url"),
        "finish_reason": stats.get("finish_reason"),
        "requests": count("downloader/request_count"),
        "responses": under("downloader/response_status_count/"),
        "articles": {
            "new": count("dedupe/new"),
            "updated": count("dedupe/updated"),
            "unchanged": count("dedupe/unchanged"),
            "known_not_fetched": count(cri.KNOWN),
            "dropped": dropped,
        },
        "extraction": under(cri.EXTRACTION),
        "published_source": under(cri.PUBLISHED_SOURCE),
        "pages": {
            "articles_parsed": parsed,
            "no_body": count(cri.skipped("no_body")),
            "no_date": count(cri.skipped("no_date")),
            "soft_404": count(cri.skipped("soft_404")),
            "published_mismatch": count(cri.PUBLISHED_MISMATCH),
        },
        "coverage": coverage,
        "listings": {
            "answers": count(cri.LISTING_ANSWERS),
            "without_article_link": count(cri.LISTING_WITHOUT_ARTICLE_LINK),
        },
        "errors": count("log_count/ERROR"),
        "robots_unavailable": count("robots/unavailable"),
        "newest_published": stats.get("dedupe/newest_published"),
    }
