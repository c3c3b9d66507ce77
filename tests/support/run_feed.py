"""One crawl of the `feed` spider into a data directory, like `cri-crawler run` (crawler/run.py):
exit 0 when the finish reason is `finished`, else 1. Stats go to `--stats-out` as JSON.

    python -m tests.support.run_feed --data-dir D --input F [--delay S] [--shuffle] \
        [--stats-out FILE] [-s NAME=VALUE ...]       (CRAWL_FAULT: see tests/support/faults.py)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from tests.support import faults


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="run_feed")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--delay", default="0")
    parser.add_argument("--shuffle", action="store_true")
    parser.add_argument("--stats-out")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args(argv)

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    settings.set("SPIDER_MODULES", ["tests.support.spiders"], priority="cmdline")
    settings.set("CRAWLER_DATA_DIR", args.data_dir, priority="cmdline")
    for pair in args.settings:
        name, _, value = pair.partition("=")
        settings.set(name, value, priority="cmdline")
    faults.install(os.environ.get("CRAWL_FAULT"))

    process = CrawlerProcess(settings)
    crawler = process.create_crawler("feed")
    process.crawl(crawler, input=args.input, delay=args.delay, shuffle="1" if args.shuffle else "0")
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    if args.stats_out:
        out = Path(args.stats_out)
        out.write_text(json.dumps(stats, default=str, indent=1, sort_keys=True), encoding="utf-8")
    return 0 if stats.get("finish_reason") == "finished" else 1


if __name__ == "__main__":
    sys.exit(main())
