"""`cri-crawler run`: one crawl of the outlet into the data directory."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import UsageError
from scrapy.utils.project import get_project_settings

from crawler.config import ConfigError
from spiders.cri import CriSpider

EXIT_HEALTHY, EXIT_UNHEALTHY, EXIT_USAGE = 0, 1, 2


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    data_dir = Path(args.data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"cri-crawler: error: cannot create data directory {data_dir}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    settings.set("CRAWLER_DATA_DIR", str(data_dir), priority="cmdline")
    if args.quiet:
        settings.set("LOG_LEVEL", "WARNING", priority="cmdline")
    spider_args = {k: v for k, v in (("base_url", args.base_url), ("since", args.since)) if v}
    try:
        CriSpider.check_arguments(settings, **spider_args)
    except (UsageError, ConfigError) as exc:
        print(f"cri-crawler: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(CriSpider)
    process.crawl(crawler, **spider_args)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    if stats.get("finish_reason") != "finished":
        logging.getLogger(__name__).error("run unhealthy: finish reason %s", stats.get("finish_reason"))
        return EXIT_UNHEALTHY
    return EXIT_HEALTHY
