"""Store: the archive, JSON Lines files under the data directory, appended in durable batches.

Layout under `CRAWLER_DATA_DIR` (default `data/`; the names are crawler/archive/layout.py):

    articles/YYYY/YYYY-MM-DD.jsonl          the output: one Article a line, by UTC date of writing;
                                            every run of that day appends to it, and a file of an
                                            earlier day is never written again
    quarantine/<file>.<time>.at<byte>.*     a damaged record start-up found in an output file,
                                            moved aside alone and reported
    state.sqlite3 (-wal, -shm)              dedupe state and per-file offsets
                                            (crawler/archive/state.py, `CrawlContext.archive`)
    crawl.lock                              the pid of the crawl that holds the writer's lock (a
                                            flock on articles/ itself: crawler/archive/lock.py)

Lines: the full Article (every field, `version` set) as UTF-8 JSON, Polish letters unescaped,
no NaN, lone surrogates replaced by U+FFFD, U+0085/U+2028/U+2029 escaped so that any splitter
(`str.splitlines` too) sees one record a line; each line ends with `\\n`
(`crawler.archive.jsonl.encode_line`, as the run history's lines).

Durability: an item is encoded when it arrives and joins the open batch. A batch is written with
`os.write` (O_APPEND), made durable with `fdatasync`, and only then committed to the state with
the file's new offset (one SQLite transaction): the state is never ahead of the output. Batches
close at `CRAWLER_BATCH_ITEMS` items, `CRAWLER_BATCH_SECONDS` after their first item, when the
spider is idle, and when the spider closes (also on SIGTERM: Scrapy's graceful shutdown).

Start-up (`open_spider`): take the lock, then for every output file compare its size with the
offset recorded in the state; read only the bytes after it (normally nothing, after a crash at
most a batch; the whole archive only when the state file is lost; the whole file when it is
shorter than recorded), adopt the valid records found there into the state, and move each
damaged one (a line cut short, or no valid record) into `quarantine/` alone, removing exactly
its bytes from the file. An article whose latest record was damaged falls back in the state to
its latest whole version, or to none (then it is fetched again). So a crash can cause a
re-fetch, never a lost or duplicated (id, version).

Failures: a data directory that cannot be written (or is locked by another crawl) stops the crawl
before any request (`CloseSpider`, finish reason `store_unavailable` / `store_locked`). A write
that fails (ENOSPC, EIO, EACCES, ...) cuts the file back to its size before the batch, so earlier
batches stay intact and no partial batch is published; one error is logged and the spider is
closed with finish reason `store_failed` (`cri-crawler run` then exits 1). Items decided but not
durable are not in the state: the next run fetches them again.

Feed exports (`scrapy crawl cri -O out.jsonl`) receive the items the store accepted into a batch.
`-s CRAWLER_ARCHIVE=false` turns dedupe and store off for a plain export.
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from dataclasses import fields
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import CloseSpider, DropItem
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro

from crawler.archive import Entry, StateDamaged, content_digest, lock
from crawler.archive.jsonl import cut_back, encode_line, fsync_dir, write_durably
from crawler.archive.layout import ARTICLES_DIR, CRAWL_LOCK, STATE_FILE, output_path
from crawler.archive.reconcile import Reconciliation
from crawler.context import CrawlContext
from crawler.items import Article
from crawler.signals import batch_writing
from crawler.stats import STORED_NEW, STORED_UPDATED
from pipelines import archive_context, item_fields

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

FIELDS = tuple(f.name for f in fields(Article))


class StoreFailed(Exception):
    """The data directory cannot be used; the message says why in one line."""

    def __init__(self, message: str, reason: str = "store_unavailable") -> None:
        super().__init__(message)
        self.reason = reason


class StorePipeline:
    """Appends items to the day's JSON Lines file in fsynced batches; owns the archive state."""

    def __init__(self, crawler: Crawler, context: CrawlContext) -> None:
        config = context.config
        self.crawler = crawler
        self.stats = crawler.stats
        self.data_dir = Path(config.data_dir)
        self.batch_items = config.batch_items
        self.batch_seconds = config.batch_seconds
        self.state = context.archive
        self._lines: list[bytes] = []
        self._records: list[tuple[str, Entry]] = []
        self._timer: Any = None
        self._fd: int | None = None
        self._day: date | None = None
        self._path: str | None = None
        self._lock: lock.Held | None = None
        self._failed: str | None = None  # the finish reason once the store cannot go on
        # Replaceable in tests: the timer and the clock.
        self.call_later = call_later
        self.utcnow = lambda: datetime.now(timezone.utc)
        crawler.signals.connect(self._spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self._spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler, archive_context(crawler))

    # -- start-up --------------------------------------------------------------------------

    def open_spider(self) -> None:
        try:
            self._open()
        except StoreFailed as exc:
            self._release()
            self._failed = exc.reason
            logger.error("store: %s; stopping before any request", exc)
            raise CloseSpider(exc.reason) from None

    def _open(self) -> None:
        where = self.data_dir
        try:
            (where / ARTICLES_DIR).mkdir(parents=True, exist_ok=True)
            fsync_dir(where)  # the folders' entries are durable before anything inside them
            self._lock = lock.acquire(where / ARTICLES_DIR, where / CRAWL_LOCK)
            lock.probe(where / ARTICLES_DIR)
        except BlockingIOError:
            pid = lock.holder_pid(where / CRAWL_LOCK)
            raise StoreFailed(
                f"another crawl is writing {where / ARTICLES_DIR}"
                + (f" (pid {pid})" if pid else ""), "store_locked"
            ) from None
        except OSError as exc:
            raise StoreFailed(f"cannot write to data directory {where}: {_why(exc)}") from None
        try:
            try:
                self.state.open(where / STATE_FILE)
            except StateDamaged as exc:
                self._reconciliation().set_aside_state(str(exc))
                self.state.open(where / STATE_FILE)  # a new one, rebuilt from the archive below
        except (sqlite3.Error, StateDamaged) as exc:
            raise StoreFailed(f"cannot open the state {where / STATE_FILE}: {exc}") from None
        except OSError as exc:
            raise StoreFailed(f"cannot set the damaged state aside: {_why(exc)}") from None
        try:
            self._reconciliation().run()
        except (OSError, sqlite3.Error) as exc:
            raise StoreFailed(f"cannot reconcile {where} with its state: {_why(exc)}") from None

    def _reconciliation(self) -> Reconciliation:
        return Reconciliation(self.data_dir, self.state, self.stats.inc_value, self.utcnow)

    # -- items -----------------------------------------------------------------------------

    def process_item(self, item: Any) -> Any:
        if self._failed:
            raise DropItem(f"not stored: the store stopped ({self._failed})", log_level="DEBUG")
        adapter = item_fields(item)
        article_id, version = adapter.get("id"), adapter.get("version")
        if not isinstance(version, int):
            raise DropItem(f"not stored: {article_id} has no version (is dedupe enabled?)")
        entry = self.state.held(article_id)
        if entry is None or entry.version != version:
            entry = Entry(version, content_digest(adapter.get("headline"), adapter.get("body")),
                          adapter.get("published"))
        try:
            line = encode_line({name: adapter.get(name) for name in FIELDS})
        except (TypeError, ValueError) as exc:
            previous = next((e for i, e in reversed(self._records) if i == article_id), None)
            self.state.release(article_id, entry, previous)
            self.stats.inc_value("store/dropped/unencodable")
            raise DropItem(f"not stored: {article_id} cannot be written as JSON ({exc})") from None
        self._lines.append(line)
        self._records.append((article_id, entry))
        if len(self._lines) == 1:
            self._timer = self.call_later(self.batch_seconds, self._flush_due)
        if len(self._lines) >= self.batch_items and not self.flush():
            raise DropItem(f"not stored: {article_id}: the batch could not be written",
                           log_level="DEBUG")
        return item

    def _flush_due(self) -> None:
        self._timer = None
        self.flush()

    def _spider_idle(self) -> None:
        if self._lines:
            self.flush()
        if self._failed:
            raise CloseSpider(self._failed)

    # -- batches ---------------------------------------------------------------------------

    def flush(self) -> bool:
        """Write, fsync and commit the open batch; False when the store has failed."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._failed:
            return False
        if not self._lines:
            return True
        data, records = b"".join(self._lines), self._records
        self._lines, self._records = [], []
        if self._lock is not None and not self._lock.intact():
            # Someone moved or replaced articles/ under a running crawl: another writer may
            # hold the new one. Writing on could duplicate (id, version) lines.
            self._fail(f"{self.data_dir / ARTICLES_DIR} is no longer the directory this crawl "
                       "locked (moved or replaced)", OSError(errno.ESTALE, "lock lost"), len(records))
            return False
        try:
            fd, path = self._file()
            before = os.fstat(fd).st_size
        except OSError as exc:
            self._fail(f"cannot open today's output file in {self.data_dir}: {_why(exc)}", exc,
                       len(records))
            return False
        # What the items name (their WARC records) is durable before they are.
        self.crawler.signals.send_catch_log(signal=batch_writing)
        try:
            write_durably(fd, data)
        except OSError as exc:
            self._cut_back(fd, before)
            self._fail(f"cannot write {self.data_dir / path}: {_why(exc)}", exc, len(records))
            return False
        try:
            self.state.commit(records, path, before + len(data))
        except sqlite3.Error as exc:
            # The batch is durable; the next start-up adopts it from the file.
            self._fail(f"cannot record a written batch in {self.data_dir / STATE_FILE}: {exc}",
                       exc, 0)
            return False
        self.stats.inc_value("store/items", len(records))
        # What the run report calls new and updated: only what is durable.
        new = sum(entry.version == 1 for _, entry in records)
        self.stats.inc_value(STORED_NEW, new)
        self.stats.inc_value(STORED_UPDATED, len(records) - new)
        self.stats.inc_value("store/batches")
        self.stats.inc_value("store/bytes", len(data))
        return True

    def _file(self) -> tuple[int, str]:
        """The day's output file, opened for appending (a new day opens a new file)."""
        day = self.utcnow().date()
        if self._fd is not None and (self._day is None or day <= self._day):
            assert self._path is not None
            return self._fd, self._path  # never back to an earlier day's file
        path = output_path(day)
        file = self.data_dir / path
        if not file.parent.is_dir():
            file.parent.mkdir(parents=True, exist_ok=True)
            fsync_dir(file.parent.parent)
        created = not file.exists()
        fd = os.open(file, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        if created:
            try:
                fsync_dir(file.parent)
            except OSError:
                os.close(fd)
                raise
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._day, self._path = fd, day, path
        return fd, path

    def _cut_back(self, fd: int, size: int) -> None:
        try:
            cut_back(fd, size)
        except OSError as exc:
            logger.error(
                "store: could not cut %s back to %d bytes (%s); the next start-up will quarantine "
                "any partial line", self._path, size, _why(exc),
            )

    def _fail(self, message: str, exc: BaseException, lost: int) -> None:
        self._failed = "store_failed"
        code = errno.errorcode.get(getattr(exc, "errno", None) or 0, type(exc).__name__)
        self.stats.inc_value(f"store/errors/{code}")
        self.stats.inc_value("store/unwritten_items", lost)
        logger.error(
            "store: %s; %d item(s) of this batch not written (earlier batches are intact, and "
            "the next run fetches these again); stopping the crawl", message, lost,
        )
        try:
            engine = self.crawler.engine
        except (AttributeError, RuntimeError):
            return  # no crawl running (tests build the pipeline alone)
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason=self._failed)).addErrback(
                lambda f: logger.error("store: could not stop the crawl: %s", f.getErrorMessage())
            )

    # -- close -----------------------------------------------------------------------------

    def close_spider(self) -> None:
        try:
            if self.state.is_open:
                self.flush()
                self._summary()
        finally:
            self._release()

    def _summary(self) -> None:
        written = self.stats.get_value("store/items", 0)
        unchanged = self.stats.get_value("dedupe/unchanged", 0)
        if written:
            logger.info("store: %d items written in %d batches under %s (%d unchanged skipped)",
                        written, self.stats.get_value("store/batches", 0),
                        self.data_dir / ARTICLES_DIR, unchanged)
        else:
            logger.info("store: nothing new written (%d unchanged items skipped)", unchanged)

    def _spider_closed(self) -> None:
        # A failure while closing (the last batch) comes after Scrapy chose the finish reason.
        if self._failed == "store_failed":
            self.stats.set_value("finish_reason", self._failed)

    def _release(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self.state.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror} ({errno.errorcode.get(exc.errno or 0, exc.errno)})"
    return str(exc)
