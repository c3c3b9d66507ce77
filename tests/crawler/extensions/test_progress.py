"""The progress line (pure functions, tables) and the extension on a real crawler's stats, its
periodic task replaced by one fired by hand: plain log lines without a terminal, `\\r`
redraws with one; and once on a real asyncio loop."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler

from crawler import stats as cri
from crawler.editions import get_edition
from crawler.extensions import progress as progress_module
from crawler.extensions.progress import (
    REDRAW_SECONDS,
    Progress,
    Snapshot,
    duration,
    progress_line,
    seconds_left,
    walked_share,
)
from crawler.options import CrawlOptions
from tests.support.settings import project_settings

LOGGER = "crawler.extensions.progress"
TODAY = date(2026, 11, 28)
SINCE = date(2015, 1, 1)
POLISH = get_edition("polish")


@pytest.mark.parametrize(
    ("today", "since", "oldest", "share"),
    [
        (TODAY, TODAY - timedelta(100), None, None),  # no dated card yet
        (TODAY, TODAY - timedelta(100), TODAY, 0.0),
        (TODAY, TODAY - timedelta(100), TODAY - timedelta(1), 0.01),
        (TODAY, TODAY - timedelta(100), TODAY - timedelta(42), 0.42),
        (TODAY, TODAY - timedelta(100), TODAY - timedelta(99), 0.99),
        (TODAY, TODAY - timedelta(100), TODAY - timedelta(100), 1.0),
        (TODAY, TODAY - timedelta(100), TODAY - timedelta(300), 1.0),  # cards older than since
        (TODAY, TODAY - timedelta(100), TODAY + timedelta(1), 0.0),  # a card dated tomorrow
        (TODAY, TODAY, TODAY, 1.0),  # since today: nothing to walk
        (TODAY, TODAY + timedelta(5), TODAY, 1.0),  # since in the future
    ],
)
def test_walked_share(today: date, since: date, oldest: date | None, share: float | None) -> None:
    assert walked_share(today, since, oldest) == pytest.approx(share)


@pytest.mark.parametrize(
    ("share", "elapsed", "left"),
    [
        (None, 600.0, None),  # unknown until there is an oldest day
        (0.0, 600.0, None),  # nothing walked yet: no pace
        (0.5, 0.0, None),
        (0.5, 600.0, 600.0),
        (0.25, 600.0, 1800.0),
        (0.75, 600.0, 200.0),
        (0.01, 3600.0, 356400.0),
        (1.0, 600.0, 0.0),
    ],
)
def test_seconds_left(share: float | None, elapsed: float, left: float | None) -> None:
    assert seconds_left(share, elapsed) == pytest.approx(left)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "less than a minute"),
        (59.9, "less than a minute"),
        (60, "1 min"),
        (3599, "59 min"),
        (3600, "1 h 0 min"),
        (3 * 3600 + 10 * 60 + 59, "3 h 10 min"),
        (86399, "23 h 59 min"),
        (86400, "1 d 0 h"),
        (2 * 86400 + 5 * 3600 + 59 * 60, "2 d 5 h"),
    ],
)
def test_duration(seconds: float, text: str) -> None:
    assert duration(seconds) == text


BACKFILL = Snapshot(listing_pages=37, new=1204, updated=3, known=380, requests=3060,
                    elapsed=3400.0, today=TODAY, since=SINCE, oldest_day=date(2021, 11, 27))


@pytest.mark.parametrize(
    ("snap", "line"),
    [
        (BACKFILL,
         "progress: 37 listing pages, reached 2021-11-27 of --since 2015-01-01 (42%), "
         "1,204 new, 3 updated / 380 known, 0.9 req/s, about 1 h 18 min left"),
        (Snapshot(0, 0, 0, 0, 0, elapsed=0.0, today=TODAY, since=SINCE),
         "progress: 0 listing pages, no dated card yet of --since 2015-01-01, "
         "0 new, 0 updated / 0 known, 0.0 req/s, time left unknown"),
        (Snapshot(2, 0, 0, 0, 9, elapsed=10.0, today=TODAY, since=SINCE, oldest_day=TODAY),
         "progress: 2 listing pages, reached 2026-11-28 of --since 2015-01-01 (0%), "
         "0 new, 0 updated / 0 known, 0.9 req/s, time left unknown"),
        (Snapshot(1500, 10, 0, 0, 2000, elapsed=7200.0, today=TODAY, since=SINCE,
                  oldest_day=date(2014, 6, 1)),
         "progress: 1,500 listing pages, reached 2014-06-01 of --since 2015-01-01 (100%), "
         "10 new, 0 updated / 0 known, 0.3 req/s, less than a minute left"),
        # A monitoring run: no --since, no estimate, whatever the oldest card.
        (Snapshot(12, 5, 1, 240, 60, elapsed=30.0, today=TODAY, oldest_day=date(2026, 11, 20)),
         "progress: 12 listing pages, 5 new, 1 updated / 240 known, 2.0 req/s"),
    ],
    ids=["backfill", "backfill-start", "backfill-today", "backfill-done", "monitoring"],
)
def test_progress_line(snap: Snapshot, line: str) -> None:
    assert progress_line(snap) == line


@pytest.mark.parametrize(
    ("snap", "line"),
    [
        (BACKFILL,
         "37 pages, at 2021-11-27 (42%), 1,204 new, 3 updated / 380 known, 0.9 req/s, "
         "1 h 18 min left"),
        (replace(BACKFILL, updated=0),
         "37 pages, at 2021-11-27 (42%), 1,204 new / 380 known, 0.9 req/s, 1 h 18 min left"),
        (replace(BACKFILL, oldest_day=None),
         "37 pages, no dated card yet, 1,204 new, 3 updated / 380 known, 0.9 req/s, "
         "time left unknown"),
        (replace(BACKFILL, since=None, updated=0),
         "37 pages, 1,204 new / 380 known, 0.9 req/s"),
    ],
    ids=["backfill", "no-updated", "backfill-start", "monitoring"],
)
def test_short_progress_line(snap: Snapshot, line: str) -> None:
    assert progress_line(snap, short=True) == line


# -- The extension on a real crawler ------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Timer:
    """Stands in for Scrapy's looping call: records how it was started; `fire()` is one tick."""

    made: list[Timer] = []

    def __init__(self, func: Callable[[], None]) -> None:
        self.func, self.interval, self.running = func, 0.0, False
        Timer.made.append(self)

    def start(self, interval: float, now: bool = True) -> None:
        self.interval, self.running = interval, True
        if now:
            self.func()

    def stop(self) -> None:
        assert self.running
        self.running = False

    def fire(self) -> None:
        assert self.running, "a stopped task does not call"
        self.func()


@pytest.fixture()
def timers(monkeypatch: pytest.MonkeyPatch) -> list[Timer]:
    Timer.made = []
    monkeypatch.setattr(progress_module, "create_looping_call", Timer)
    return Timer.made


def make(minutes: float = 10.0, tty: bool | None = None,
         since: date | None = None) -> tuple[Progress, Spider, io.StringIO, Clock]:
    crawler = get_crawler(settings_dict=project_settings(CRAWLER_PROGRESS_MINUTES=minutes))
    progress = Progress.from_crawler(crawler)
    stream, clock = io.StringIO(), Clock()
    progress.stream, progress.tty, progress.clock = stream, tty, clock
    spider = Spider(name="cri")
    spider.options = CrawlOptions(edition=POLISH, since=since)  # type: ignore[attr-defined]
    spider.edition = POLISH  # type: ignore[attr-defined]
    return progress, spider, stream, clock


def crawl_some(progress: Progress) -> None:
    for _ in range(37):
        progress.stats.inc_value(cri.LISTING_ANSWERS)
    progress.stats.set_value("dedupe/new", 1204)
    progress.stats.set_value(cri.KNOWN, 380)
    progress.stats.set_value("downloader/request_count", 540)


def today() -> date:
    return datetime.now(POLISH.tz).date()


def logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def test_without_terminal_plain_lines_at_the_interval(
    timers: list[Timer], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    progress, spider, stream, clock = make(minutes=10.0, since=today() - timedelta(100))
    progress.spider_opened(spider)
    assert progress.tty is False  # asked the stream: a StringIO is no terminal
    [timer] = timers
    assert (timer.running, timer.interval) == (True, 600.0)
    assert logged(caplog) == [], "no line at the start"
    crawl_some(progress)
    progress.stats.min_value(cri.LISTING_OLDEST_DAY, (today() - timedelta(42)).isoformat())
    clock.now += 600
    timer.fire()
    clock.now += 600
    progress.stats.inc_value("dedupe/new")
    timer.fire()
    progress.spider_closed()
    assert not timer.running

    oldest, since = today() - timedelta(42), today() - timedelta(100)
    assert logged(caplog) == [
        f"progress: 37 listing pages, reached {oldest} of --since {since} (42%), "
        "1,204 new, 0 updated / 380 known, 0.9 req/s, about 13 min left",
        f"progress: 37 listing pages, reached {oldest} of --since {since} (42%), "
        "1,205 new, 0 updated / 380 known, 0.5 req/s, about 27 min left",
    ]
    assert {r.levelno for r in caplog.records if r.name == LOGGER} == {logging.INFO}
    assert stream.getvalue() == "", "never a redraw without a terminal"


def test_without_terminal_a_short_run_logs_nothing(
    timers: list[Timer], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    progress, spider, stream, clock = make(minutes=10.0)
    progress.spider_opened(spider)
    crawl_some(progress)
    clock.now += 599  # the interval has not come: the timer never fired
    progress.spider_closed()
    assert logged(caplog) == []
    assert stream.getvalue() == ""


def test_zero_minutes_disables_the_plain_lines(
    timers: list[Timer], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    progress, spider, stream, clock = make(minutes=0.0, tty=False)
    progress.spider_opened(spider)
    assert timers == []
    clock.now += 86400
    progress.spider_closed()
    assert logged(caplog) == []
    assert stream.getvalue() == ""


def test_on_a_terminal_the_line_is_redrawn(
    timers: list[Timer], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    progress, spider, stream, clock = make(minutes=0.0, tty=True)  # 0: plain lines only
    progress.spider_opened(spider)  # the first line at once
    [timer] = timers
    assert timer.interval == REDRAW_SECONDS
    crawl_some(progress)
    clock.now += 600
    timer.fire()
    progress.stats.set_value("dedupe/new", 1)  # a shorter line: padded over the longer
    timer.fire()
    progress.spider_closed()
    assert not timer.running

    first = "progress: 0 listing pages, 0 new, 0 updated / 0 known, 0.0 req/s"
    second = "progress: 37 listing pages, 1,204 new, 0 updated / 380 known, 0.9 req/s"
    third = "progress: 37 listing pages, 1 new, 0 updated / 380 known, 0.9 req/s"
    assert stream.getvalue() == f"\r{first}\r{second}\r{third.ljust(len(second))}\r{third}\n"
    assert logged(caplog) == [], "no log lines on a terminal"


def test_a_narrow_terminal_gets_the_short_line_cut_to_its_width(timers: list[Timer]) -> None:
    progress, spider, stream, clock = make(tty=True, since=today() - timedelta(100))
    progress.spider_opened(spider)
    crawl_some(progress)
    progress.stats.min_value(cri.LISTING_OLDEST_DAY, (today() - timedelta(42)).isoformat())
    clock.now += 600
    drawn = []
    for width in (200, 80, 40):
        progress.width = width
        timers[0].fire()
        drawn.append(stream.getvalue().rsplit("\r", 1)[-1].rstrip())
    oldest, since = today() - timedelta(42), today() - timedelta(100)
    assert drawn == [
        f"progress: 37 listing pages, reached {oldest} of --since {since} (42%), "
        "1,204 new, 0 updated / 380 known, 0.9 req/s, about 13 min left",
        f"37 pages, at {oldest} (42%), 1,204 new / 380 known, 0.9 req/s, 13 min left",
        f"37 pages, at {oldest} (42%), 1,204 ne",
    ]
    assert all(len(line) < width for line, width in zip(drawn, (200, 80, 40)))


def test_on_a_terminal_log_records_start_on_a_clean_line(timers: list[Timer]) -> None:
    progress, spider, stream, clock = make(tty=True)
    handler = logging.StreamHandler(stream)  # as Scrapy's handler writes to stderr
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        progress.spider_opened(spider)
        logging.getLogger("tests.progress").warning("a record")
        progress.spider_closed()
        logging.getLogger("tests.progress").warning("after the run")
    finally:
        root.removeHandler(handler)
    line = "progress: 0 listing pages, 0 new, 0 updated / 0 known, 0.0 req/s"
    blank = "\r" + " " * len(line) + "\r"
    assert stream.getvalue() == f"\r{line}{blank}a record\n\r{line}\nafter the run\n"
    assert handler.filters == []


def test_a_spider_without_options_gets_the_monitoring_line(
    timers: list[Timer], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    progress, _, _, clock = make(tty=False)
    progress.spider_opened(Spider(name="feed"))
    clock.now += 600
    timers[0].fire()
    progress.spider_closed()
    assert logged(caplog) == ["progress: 0 listing pages, 0 new, 0 updated / 0 known, 0.0 req/s"]


@pytest.mark.parametrize("tty", [True, False])
def test_the_periodic_task_runs_on_the_asyncio_loop(tty: bool) -> None:
    """Scrapy's own looping call, in a running loop as under the asyncio reactor: started at
    spider_opened, stopped at spider_closed."""
    progress, spider, stream, _ = make(minutes=10.0, tty=tty)

    async def run() -> None:
        progress.spider_opened(spider)
        assert progress.task is not None and progress.task.running
        progress.spider_closed()
        assert progress.task is None

    asyncio.run(run())
    assert stream.getvalue().endswith("\n") is tty
