"""How far a long run has come, read from the crawl's stats: on a terminal one live line redrawn
about every second; without one (cron) a plain INFO line every `CRAWLER_PROGRESS_MINUTES`.

The line (a backfill; a monitoring run has no `--since` and no estimate):
    progress: 37 listing pages, reached 2019-03-02 of --since 2015-01-01 (42%),
    1,204 new, 3 updated / 380 known, 0.9 req/s, about 3 h 10 min left
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone, tzinfo
from functools import partial
from typing import TYPE_CHECKING, Any, TextIO

from scrapy import Spider, signals
from scrapy.utils.asyncio import create_looping_call

from crawler import stats as cri
from crawler.context import CrawlContext

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector
    from scrapy.utils.asyncio import AsyncioLoopingCall
    from twisted.internet.task import LoopingCall

logger = logging.getLogger(__name__)

REDRAW_SECONDS = 1.0  # the live line on a terminal
WIDE = 10_000  # a terminal of unknown width: the line is not cut
# Stats named by their writers (pipelines/dedupe.py, Scrapy), not in crawler/stats.py.
NEW, UPDATED, REQUESTS = "dedupe/new", "dedupe/updated", "downloader/request_count"


@dataclass(frozen=True)
class Snapshot:
    """What one progress line says: counts from the stats, the run's `--since`, its clock."""

    listing_pages: int
    new: int
    updated: int
    known: int
    requests: int
    elapsed: float  # seconds since the spider opened
    today: date  # in the edition's time zone, as the cards' days are
    since: date | None = None  # None: a monitoring run
    oldest_day: date | None = None  # of the cards seen so far


def walked_share(today: date, since: date, oldest_day: date | None) -> float | None:
    """The share (0 to 1) of the days from today back to `since` that the walk has reached;
    None while no card has a day."""
    if oldest_day is None:
        return None
    span = (today - since).days
    if span <= 0 or oldest_day <= since:
        return 1.0
    return min(max((today - oldest_day).days / span, 0.0), 1.0)


def seconds_left(share: float | None, elapsed: float) -> float | None:
    """The time the rest of the span takes at the pace so far (`share` of it in `elapsed`
    seconds); None while nothing is walked. Rough: sections are walked side by side, and the
    oldest day is the furthest any one of them reached."""
    if share is None or share <= 0 or elapsed <= 0:
        return None
    return elapsed * (1 - share) / share


def duration(seconds: float) -> str:
    """`3 h 10 min`, `2 d 5 h`, `less than a minute`."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "less than a minute"
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def progress_line(snap: Snapshot, short: bool = False) -> str:
    """The line, without the `--since` parts for a monitoring run. `short`, for a narrow
    terminal: `37 pages, at 2019-03-02 (42%), 1,204 new / 380 known, 0.9 req/s, 3 h 10 min left`."""
    parts = [f"{snap.listing_pages:,} pages" if short else
             f"progress: {snap.listing_pages:,} listing pages"]
    share = None if snap.since is None else walked_share(snap.today, snap.since, snap.oldest_day)
    if snap.since is not None and share is None:
        parts.append("no dated card yet" if short else f"no dated card yet of --since {snap.since}")
    elif snap.since is not None and share is not None:
        percent = int(share * 100 + 1e-9)  # 0.29 * 100 is 28.999...
        parts.append(f"at {snap.oldest_day} ({percent}%)" if short else
                     f"reached {snap.oldest_day} of --since {snap.since} ({percent}%)")
    if short and not snap.updated:
        parts.append(f"{snap.new:,} new / {snap.known:,} known")
    else:
        parts.append(f"{snap.new:,} new, {snap.updated:,} updated / {snap.known:,} known")
    rate = snap.requests / snap.elapsed if snap.elapsed > 0 else 0.0
    parts.append(f"{rate:.1f} req/s")
    if snap.since is not None:
        left = seconds_left(share, snap.elapsed)
        if left is None:
            parts.append("time left unknown")
        elif left < 60:
            parts.append("less than a minute left")
        else:
            parts.append(f"{'' if short else 'about '}{duration(left)} left")
    return ", ".join(parts)


class Progress:
    """Shows the progress line of a run: redrawn on a terminal, logged every few minutes
    without one. `stream` (stderr), `tty` (None: ask the stream at spider_opened) and `width`
    (None: ask the terminal at each redraw, it may be resized) can be given, for tests. A
    subclass for another kind of run says its own line (`describe`) to its own logger."""

    lines_logger = logger  # where the plain lines go

    def __init__(
        self,
        stats: StatsCollector,
        minutes: float,
        stream: TextIO | None = None,
        tty: bool | None = None,
        width: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stats = stats
        self.minutes = minutes
        self.stream = stream
        self.tty = tty
        self.width = width
        self.clock = clock
        self.task: AsyncioLoopingCall | LoopingCall | None = None
        self.since: date | None = None
        self.tz: tzinfo = timezone.utc
        self.started = 0.0
        self.drawn = 0  # characters of the live line now on the terminal (0: none)
        self.eraser = _EraseBeforeLog(self)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        assert crawler.stats is not None
        extension = cls(crawler.stats, CrawlContext.of(crawler).config.progress_minutes)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        # Other spiders (the tests' feed spider) have no options: a monitoring-style line.
        self.since = getattr(getattr(spider, "options", None), "since", None)
        self.tz = getattr(getattr(spider, "edition", None), "tz", None) or timezone.utc
        self.started = self.clock()
        if self.stream is None:
            self.stream = sys.stderr
        if self.tty is None:
            self.tty = _isatty(self.stream)
        if self.tty:
            # Log records to this terminal would land after the live line: erase it first.
            for handler in _handlers_of(self.stream):
                handler.addFilter(self.eraser)
            self.task = create_looping_call(self.redraw)
            self.task.start(REDRAW_SECONDS, now=True)
        elif self.minutes > 0:
            # No line at the start: a run shorter than the interval logs none.
            self.task = create_looping_call(self.log)
            self.task.start(self.minutes * 60, now=False)

    def spider_closed(self) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.task = None
        if self.tty:
            for handler in _handlers_of(self.stream):
                handler.removeFilter(self.eraser)
            self.redraw()
            self._write("\n")
            self.drawn = 0

    def snapshot(self) -> Snapshot:
        def count(name: str) -> int:
            value = self.stats.get_value(name, 0)
            return value if isinstance(value, int) else 0

        return Snapshot(
            listing_pages=count(cri.LISTING_ANSWERS),
            new=count(NEW),
            updated=count(UPDATED),
            known=count(cri.KNOWN),
            requests=count(REQUESTS),
            elapsed=max(self.clock() - self.started, 0.0),
            today=datetime.now(self.tz).date(),
            since=self.since,
            oldest_day=_day(self.stats.get_value(cri.LISTING_OLDEST_DAY)),
        )

    def describe(self) -> Callable[[bool], str]:
        """The line of the stats as they are now, given whether it must be short."""
        return partial(progress_line, self.snapshot())

    def log(self) -> None:
        self.lines_logger.info("%s", self.describe()(False))

    def redraw(self) -> None:
        # A line that wraps cannot be redrawn: the short one on a narrow terminal, cut at worst.
        line_of, width = self.describe(), (self.width or _columns(self.stream)) - 1
        line = line_of(False)
        if len(line) > width:
            line = line_of(True)[:width]
        # Pad over the end of a longer line drawn before.
        self._write("\r" + line.ljust(self.drawn))
        self.drawn = len(line)

    def erase(self) -> None:
        if self.drawn:
            self._write("\r" + " " * self.drawn + "\r")
            self.drawn = 0

    def _write(self, text: str) -> None:
        assert self.stream is not None
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a closed terminal must not stop the crawl
            pass


class _EraseBeforeLog(logging.Filter):
    """On a handler that writes to the live line's terminal: erases the line before each record
    (the next redraw puts it back under the record). Lets every record through."""

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    def filter(self, record: logging.LogRecord) -> bool:
        self.progress.erase()
        return True


def _handlers_of(stream: Any) -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if getattr(h, "stream", None) is stream]


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _columns(stream: TextIO | None) -> int:
    """The terminal's width; very wide when unknown."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns  # type: ignore[union-attr]
    except (AttributeError, OSError, ValueError):
        return WIDE
    return columns if columns >= 20 else WIDE  # some terminals say 0


def _day(value: object) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
