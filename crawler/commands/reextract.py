"""`cri-crawler reextract` and `cri-crawler import-warc`: a replay (spiders/replay.py) into the
data directory under the run lock, with every setting checked first, as `cri-crawler run`
(crawler/run.py, whose checks and lock these share); the run is judged and gets its line in
`runs.jsonl` (`mode`: `reextract` or `import`), and a summary is printed: articles new,
changed, unchanged and failed, by era, and what reading the records met.

Exit codes as `run`: 0 healthy, 1 unhealthy, 2 usage or configuration error, 3 another run
holds the data directory.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import UsageError
from scrapy.settings import Settings

from crawler import replay
from crawler.config import ConfigError
from crawler.extensions.verdict import VERDICT_STAT
from crawler.monitoring.checks import HEALTHY
from crawler.run import EXIT_HEALTHY, EXIT_UNHEALTHY, RunError, prepare, run_lock
from spiders.replay import IMPORT, REEXTRACT, ReplaySpider

SUMMARY_COLUMNS = ("new", "changed", "unchanged", "failed")


def reextract(args: argparse.Namespace) -> int:
    return _replay(args, {"mode": REEXTRACT, "since": args.since, "until": args.until,
                          "ids": args.ids})


def import_warc(args: argparse.Namespace) -> int:
    return _replay(args, {"mode": IMPORT, "files": [str(f) for f in args.files],
                          "base_url": args.base_url})


def _replay(args: argparse.Namespace, arguments: dict[str, Any]) -> int:
    try:
        # `run`'s checks: settings (-s), the data directory (--data-dir and
        # -s CRAWLER_DATA_DIR agree, writable), the edition, the alert channels.
        common = argparse.Namespace(set=args.set, data_dir=args.data_dir, quiet=args.quiet,
                                    edition=args.edition, base_url=None, since=None)
        settings, spider_args = prepare(common)
        spider_args |= {k: v for k, v in arguments.items() if v}
        try:
            ReplaySpider.check_arguments(settings, **spider_args)
        except (UsageError, ConfigError) as exc:
            raise RunError(str(exc)) from None
        with run_lock(Path(settings["CRAWLER_DATA_DIR"])):
            return replay_and_judge(settings, spider_args)
    except RunError as exc:
        print(f"cri-crawler: {'error: ' if exc.code == 2 else ''}{exc}", file=sys.stderr)
        return exc.code


def replay_and_judge(settings: Settings, spider_args: dict[str, Any]) -> int:
    """The replay; its summary on stdout; its verdict is the exit code."""
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ReplaySpider)
    process.crawl(crawler, **spider_args)
    process.start()
    values = crawler.stats.get_stats() if crawler.stats else {}
    print(summary(values, spider_args["mode"]))
    verdict = values.get(VERDICT_STAT)
    return EXIT_HEALTHY if verdict == HEALTHY else EXIT_UNHEALTHY


def summary(values: dict[str, Any], mode: str) -> str:
    """The replay's figures for people: totals, a table by era, why articles failed, what
    reading the records met."""
    section = replay.report(values, mode, [])
    lines = [f"{mode}: {section['articles']:,} articles: {section['new']:,} new, "
             f"{section['changed']:,} changed, {section['unchanged']:,} unchanged, "
             f"{section['failed']:,} failed"
             + (f" ({section['out_of_range']:,} outside --since/--until)"
                if section["out_of_range"] else "")]
    if section["by_era"]:
        lines.append(f"  {'era':<8}" + "".join(f"{c:>11}" for c in SUMMARY_COLUMNS))
        for era, counts in sorted(section["by_era"].items()):
            lines.append(f"  {era:<8}" + "".join(f"{counts.get(c, 0):>11,}" for c in SUMMARY_COLUMNS))
    if section["failed_by_reason"]:
        reasons = ", ".join(f"{k} {v:,}" for k, v in section["failed_by_reason"].items())
        lines.append(f"  failed: {reasons}")
    if section["ids_not_found"]:
        lines.append(f"  --ids not in the archive: {section['ids_not_found']:,}")
    records = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in section["records"].items())
    if records:
        lines.append(f"  records: {records}")
    return "\n".join(lines)
