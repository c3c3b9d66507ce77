"""`scrapy crawl` that checks spider arguments, settings and alert channels first (a bad one is
one line, exit 2) and exits 1 when the crawl did not finish normally (`store_failed`,
`shutdown`, `closespider_timeout`, ...), as Scrapy's own exit codes go: an unhealthy verdict of
a finished crawl is in the log, `runs.jsonl` and the alerts, not in the exit code (a Scrapyd
job has none to give). `cri-crawler run` exits with the verdict."""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler.config import AlertConfig, ConfigError, check_scrapy_settings


class Command(ScrapyCrawlCommand):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # Scrapy's own usage errors
            return
        assert self.crawler_process is not None
        spidercls = self.crawler_process.spider_loader.load(args[0])
        check = getattr(spidercls, "check_arguments", None)
        if check is not None:
            try:
                check_scrapy_settings(self.settings)
                check(self.settings, **opts.spargs)
                AlertConfig.from_environ()  # the verdict's alert channels
            except (UsageError, ConfigError) as exc:
                print(f"scrapy crawl {args[0]}: error: {exc}", file=sys.stderr)
                self.exitcode = 2
                return
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
        if self.crawler_process.bootstrap_failed or reason != "finished":
            self.exitcode = 1
