"""A replay's progress line (tables), and the extension on a crawler's stats: redrawn on a
terminal, plain lines without one (its periodic task fired by hand)."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from typing import Any

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from crawler import replay
from crawler.extensions import progress as progress_module
from crawler.extensions.replay_progress import ReplayProgress, ReplaySnapshot, replay_line
from tests.support.settings import project_settings

LOGGER = "crawler.extensions.replay_progress"


def snap(**fields: Any) -> ReplaySnapshot:
    base = dict(mode="reextract", total=10_000, indexed=40_000, done=4_210, new=3, changed=12,
                unchanged=4_180, failed=15, elapsed=5.0)
    return ReplaySnapshot(**{**base, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "short", "line"),
    [
        ({}, False, "reextract: 4,210 of 10,000 articles (42%), 3 new, 12 changed, 4,180 unchanged, "
                    "15 failed, 842 articles/s, less than a minute left"),
        ({"elapsed": 50.0}, False, "reextract: 4,210 of 10,000 articles (42%), 3 new, 12 changed, "
                                   "4,180 unchanged, 15 failed, 84 articles/s, about 1 min left"),
        ({}, True, "4,210/10,000 (42%), 12 changed, 15 failed, 842/s, less than a minute left"),
        ({"done": 10_000}, False, "reextract: 10,000 of 10,000 articles (100%), 3 new, 12 changed, "
                                  "4,180 unchanged, 15 failed, 2,000 articles/s"),
        ({"done": 0, "elapsed": 0.0}, False, "reextract: 0 of 10,000 articles (0%), 3 new, "
                                             "12 changed, 4,180 unchanged, 15 failed, 0 articles/s"),
        ({"total": None}, False, "reextract: indexing, 40,000 records read"),
        ({"mode": "import", "total": 0, "done": 0}, False,
         "import: 0 of 0 articles (100%), 3 new, 12 changed, 4,180 unchanged, 15 failed, 0 articles/s"),
    ],
)
def test_replay_line(fields: dict[str, Any], short: bool, line: str) -> None:
    assert replay_line(snap(**fields), short=short) == line


class Timer:
    made: list[Timer] = []

    def __init__(self, func: Callable[[], None]) -> None:
        self.func, self.running, self.interval = func, False, None
        Timer.made.append(self)

    def start(self, interval: float, now: bool = True) -> None:
        self.running, self.interval = True, interval
        if now:
            self.func()

    def stop(self) -> None:
        self.running = False


@pytest.fixture()
def timers(monkeypatch: pytest.MonkeyPatch) -> list[Timer]:
    Timer.made = []
    monkeypatch.setattr(progress_module, "create_looping_call", Timer)
    return Timer.made


def make(tty: bool, minutes: float = 10.0) -> tuple[ReplayProgress, io.StringIO, list[float]]:
    crawler = get_crawler(settings_dict=project_settings(CRAWLER_PROGRESS_MINUTES=minutes))
    progress = ReplayProgress.from_crawler(crawler)
    stream, now = io.StringIO(), [0.0]
    progress.stream, progress.tty, progress.clock = stream, tty, lambda: now[0]
    spider = Spider(name="replay")
    spider.mode = "import"  # type: ignore[attr-defined]
    progress.spider_opened(spider)
    return progress, stream, now


def test_on_a_terminal_the_line_is_redrawn(timers: list[Timer]) -> None:
    progress, stream, now = make(tty=True)
    [timer] = timers
    progress.stats.set_value(replay.INDEXED, 500)
    timer.func()
    progress.stats.set_value(replay.TOTAL, 20)
    now[0] = 1.0
    timer.func()  # the extraction begins now: its rate counts from here
    progress.stats.set_value(replay.ARTICLES, 10)
    progress.stats.set_value("dedupe/new", 10)
    now[0] = 2.0
    timer.func()
    progress.spider_closed()
    lines = stream.getvalue().split("\r")[1:]
    assert lines[0] == "import: indexing, 0 records read"
    assert lines[1].rstrip() == "import: indexing, 500 records read"
    assert lines[3].rstrip() == ("import: 10 of 20 articles (50%), 10 new, 0 changed, 0 unchanged, "
                                 "0 failed, 10 articles/s, less than a minute left")
    assert stream.getvalue().endswith("\n")


def test_without_a_terminal_plain_lines(timers: list[Timer], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    progress, stream, now = make(tty=False)
    [timer] = timers
    assert timer.interval == 600.0
    progress.stats.set_value(replay.TOTAL, 4)
    progress.stats.set_value(replay.ARTICLES, 3)
    progress.stats.set_value(replay.FAILED + "no_body", 1)
    now[0] = 3.0
    timer.func()
    progress.spider_closed()
    assert [r.getMessage() for r in caplog.records if r.name == LOGGER] == [
        "import: 3 of 4 articles (75%), 0 new, 0 changed, 0 unchanged, 1 failed, 0 articles/s"]
    assert stream.getvalue() == ""
