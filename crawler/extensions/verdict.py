"""Every crawl judged, however it was started (`cri-crawler run`, `scrapy crawl`, a Scrapyd job):
when the engine has stopped, the run report is built from the final stats, the health checks
judge it with the history of `<data_dir>/runs.jsonl`, the alert channels hear of it, and the
report is appended there. The verdict is also the stat `cri/verdict`, from which
`cri-crawler run` takes its exit code.

The engine's stop, not `spider_closed`: the store can still change the finish reason in its own
`spider_closed` handler (a last batch that failed), and every handler of that signal has run
before `engine_stopped`.

Every verdict is also one log line (`crawler.monitoring.verdict_line`): on a Scrapyd node the
job's log is what `cri-crawler status --scrapyd` reads.

Judging never dies: a report that cannot be read or written, or a check that raises, still
ends in a verdict in the log and on the alert channels, and that verdict is unhealthy.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured

from crawler import __version__
from crawler.archive.layout import RUNS_FILE
from crawler.config import AlertConfig
from crawler.context import CrawlContext
from crawler.monitoring import alerts, checks, history
from crawler.monitoring.checks import UNHEALTHY, CheckResult
from crawler.monitoring.report import build_report
from crawler.monitoring.verdict_line import verdict_line

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

VERDICT_STAT = "cri/verdict"  # healthy | unhealthy, once the run is judged

logger = logging.getLogger(__name__)


class Verdict:
    def __init__(self, crawler: Crawler, alert_config: AlertConfig) -> None:
        self.crawler = crawler
        self.alert_config = alert_config
        self.started = datetime.now(timezone.utc)
        self.spider: Spider | None = None
        self.reason: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Verdict:
        if not crawler.settings.getbool("CRAWLER_VERDICT"):
            raise NotConfigured
        # Checked before any request by `cri-crawler run` and `scrapy crawl` (ConfigError here
        # is for other ways of starting a crawl).
        extension = cls(crawler, AlertConfig.from_environ())
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.started = datetime.now(timezone.utc)
        self.spider = spider

    def spider_closed(self, spider: Spider, reason: str) -> None:
        self.reason = reason

    def engine_stopped(self) -> None:
        if self.spider is None:
            return  # the crawl never opened: nothing ran to judge
        try:
            verdict = self.judge()
        except Exception:  # the verdict must come out whatever broke
            logger.exception("judging the run failed: the run counts as unhealthy")
            verdict = UNHEALTHY
            context = CrawlContext.of(self.crawler)
            logger.error("%s", verdict_line(
                {"run": context.run, "edition": context.edition.name, "verdict": verdict,
                 "finish_reason": self.reason}, __version__))
        self.crawler.stats.set_value(VERDICT_STAT, verdict)

    def judge(self) -> str:
        context = CrawlContext.of(self.crawler)
        config = context.config
        stats = dict(self.crawler.stats.get_stats())
        if self.reason is not None:
            stats.setdefault("finish_reason", self.reason)
        options = getattr(self.spider, "options", None)
        finished = datetime.now(timezone.utc)
        report = build_report(stats, self.started, finished, run=context.run,
                              edition=context.edition.name, since=getattr(options, "since", None),
                              base_url=getattr(options, "base_url", None))
        # A replay (spiders/replay.py) says what it was: its `mode` and a `replay` section.
        if (fields := getattr(self.spider, "report_fields", None)) is not None:
            report.update(fields())
        data_dir = Path(config.data_dir)
        runs_file = data_dir / RUNS_FILE
        try:
            past = history.read_history(runs_file)
        except OSError as exc:
            logger.error("cannot read the run history %s (%s): judged without it", runs_file, exc)
            past = []
        results = checks.evaluate(report, past, config.health, finished)
        self._record(report, results)
        report["alert"] = self._announce(report, past, finished, data_dir)
        try:
            history.append_report(runs_file, report)
        except OSError as exc:
            # The verdict must still be heard: unhealthy, on every channel.
            why = exc.strerror or str(exc)
            results.append(CheckResult("run_report", False, why, "==", "written", None,
                                       f"run_report: cannot be written to {runs_file} ({why})"))
            self._record(report, results)
            self._announce(report, past, finished, data_dir)
        if report["verdict"] == checks.HEALTHY:
            articles = report["articles"]
            logger.info("run %s healthy: %d new, %d updated", report["run"], articles["new"],
                        articles["updated"])
        # The machine-readable verdict, the one thing a Scrapyd job's log must hold.
        level = logging.INFO if report["verdict"] == checks.HEALTHY else logging.ERROR
        logger.log(level, "%s", verdict_line(report, __version__))
        return report["verdict"]

    def _record(self, report: dict[str, Any], results: list[CheckResult]) -> None:
        report["verdict"] = checks.verdict(results)
        report["checks"] = [r.as_dict() for r in results]

    def _announce(self, report: dict[str, Any], past: list[dict[str, Any]], now: datetime,
                  data_dir: Path) -> dict[str, Any]:
        return alerts.announce(report, past, self.alert_config, now=now, data_dir=data_dir,
                               repeat_hours=CrawlContext.of(self.crawler).config.alert_repeat_hours)
