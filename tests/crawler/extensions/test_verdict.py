"""The verdict extension on a crawler built in the test: the report is judged and appended, and
judging never dies (a broken check or an unwritable history still gives a verdict)."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from crawler import stats as cri
from crawler.context import CrawlContext
from crawler.extensions import verdict as verdict_module
from crawler.extensions.verdict import VERDICT_STAT, Verdict
from crawler.monitoring import checks
from tests.support.settings import project_settings


def judged(tmp_path: Path, **stats: object) -> tuple[Verdict, Spider]:
    crawler = get_crawler(Spider, project_settings(CRAWLER_DATA_DIR=str(tmp_path)))
    crawler.stats.open_spider()
    for name, value in {"finish_reason": "finished", **stats}.items():
        crawler.stats.set_value(name, value)
    extension = Verdict.from_crawler(crawler)
    spider = Spider("cri")
    extension.spider_opened(spider)
    extension.spider_closed(spider, "finished")
    extension.engine_stopped()
    return extension, spider


def test_a_run_is_judged_and_its_report_appended(tmp_path: Path) -> None:
    extension, _ = judged(tmp_path, **{cri.ARTICLES_DISCOVERED: 3, cri.KNOWN: 3})
    assert extension.crawler.stats.get_value(VERDICT_STAT) == "healthy"
    [line] = (tmp_path / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    report = json.loads(line)
    assert report["verdict"] == "healthy" and report["articles"]["known_not_fetched"] == 3
    assert report["alert"]["kind"] == "none"
    # the id the crawl's items carry (`CrawlContext.run`), made once
    assert report["run"] == CrawlContext.of(extension.crawler).run
    assert re.fullmatch(r"[0-9]{8}T[0-9]{6}Z-[0-9]+", report["run"])


def test_a_check_that_raises_still_gives_an_unhealthy_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> list[checks.CheckResult]:
        raise RuntimeError("a bug in a check")

    monkeypatch.setattr(verdict_module.checks, "evaluate", broken)
    with caplog.at_level(logging.ERROR):
        extension, _ = judged(tmp_path)
    assert extension.crawler.stats.get_value(VERDICT_STAT) == "unhealthy"
    assert "judging the run failed" in caplog.text


def test_an_unwritable_history_makes_the_run_unhealthy_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "runs.jsonl").mkdir()
    with caplog.at_level(logging.ERROR):
        extension, _ = judged(tmp_path)
    assert extension.crawler.stats.get_value(VERDICT_STAT) == "unhealthy"
    assert "run_report: cannot be written" in caplog.text


def test_a_crawl_that_never_opened_is_not_judged(tmp_path: Path) -> None:
    crawler = get_crawler(Spider, project_settings(CRAWLER_DATA_DIR=str(tmp_path)))
    extension = Verdict.from_crawler(crawler)
    extension.engine_stopped()
    assert not (tmp_path / "runs.jsonl").exists()
