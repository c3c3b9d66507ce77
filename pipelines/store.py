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
import json
import logging
import os
import re
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
from crawler.archive.jsonl import cut_back, encode_line, fsync_dir, write_all, write_durably
from crawler.archive.layout import (
    ARTICLES_DIR,
    CRAWL_LOCK,
    OUTPUT_GLOB,
    QUARANTINE_DIR,
    STATE_FILE,
    output_path,
    quarantine_name,
)
from crawler.context import CrawlContext
from crawler.items import Article
from crawler.stats import STORED_NEW, STORED_UPDATED
from pipelines import archive_context, item_fields

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

FIELDS = tuple(f.name for f in fields(Article))
# The id of a damaged line, if its start survived (the id is a line's first field).
_DAMAGED_ID = re.compile(rb'^\{"id":"((?:[^"\\]|\\.){1,200})"')


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
                self._set_aside_state(str(exc))
                self.state.open(where / STATE_FILE)  # a new one, rebuilt from the archive below
        except (sqlite3.Error, StateDamaged) as exc:
            raise StoreFailed(f"cannot open the state {where / STATE_FILE}: {exc}") from None
        except OSError as exc:
            raise StoreFailed(f"cannot set the damaged state aside: {_why(exc)}") from None
        try:
            self._reconcile()
        except (OSError, sqlite3.Error) as exc:
            raise StoreFailed(f"cannot reconcile {where} with its state: {_why(exc)}") from None

    def _set_aside_state(self, why: str) -> None:
        """A damaged state is moved aside (never deleted: someone may want to look at it), with
        its -wal and -shm; the state is then rebuilt by reading the whole archive once."""
        stamp = self.utcnow().strftime("%Y%m%dT%H%M%SZ")
        state = self.data_dir / STATE_FILE
        aside = state.with_name(f"{STATE_FILE}.damaged-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            part = state.with_name(state.name + suffix)
            if part.exists():
                os.replace(part, aside.with_name(aside.name + suffix))
        fsync_dir(self.data_dir)
        self.stats.inc_value("store/state_damaged")
        logger.warning("store: the state was damaged (%s); moved to %s and rebuilt from the "
                       "archive under %s", why, aside, self.data_dir / ARTICLES_DIR)

    def _reconcile(self) -> None:
        """Bring the state up to the end of every output file (see the module docstring)."""
        offsets = self.state.offsets()
        seen: set[str] = set()
        damaged: set[str] = set()
        for file in sorted((self.data_dir / ARTICLES_DIR).glob(OUTPUT_GLOB)):
            path = file.relative_to(self.data_dir).as_posix()
            seen.add(path)
            size, offset = file.stat().st_size, offsets.get(path, 0)
            if size < offset:
                # Nothing of ours shrinks a file below a committed offset: someone cut it. Read
                # it again from the start: what is still whole stays, what is damaged goes.
                logger.warning("store: %s is %d bytes, shorter than the %d already recorded; "
                               "reading it again from its start", file, size, offset)
                self.stats.inc_value("store/reconcile/shrunk_files")
                offset = 0
            if size > offset or offset == 0:
                damaged |= self._reconcile_file(file, path, offset)
        for path in sorted(set(offsets) - seen):
            logger.error("store: output file %s is missing", self.data_dir / path)
            self.stats.inc_value("store/reconcile/missing_files")
        if damaged:
            self._restore(damaged)

    def _reconcile_file(self, file: Path, path: str, offset: int) -> set[str]:
        """Adopt every whole record after `offset`; move each damaged one aside alone (a line
        that does not parse, or a last line without its newline). Returns the ids the damaged
        records seem to hold."""
        records: list[tuple[str, Entry]] = []
        damaged: list[tuple[int, bytes]] = []  # (byte offset, the damaged line)
        position = offset
        with file.open("rb") as stream:
            stream.seek(offset)
            for raw in stream:  # binary: split on b"\n" only
                record = _read_record(raw)
                if record is None:
                    # A line cut short and the next one run together: keep the whole one.
                    start = _whole_record_within(raw)
                    damaged.append((position, raw[:start]))
                    if start < len(raw):
                        record = _read_record(raw[start:])
                if record is not None:
                    records.append(record)
                position += len(raw)
        size = position
        if damaged:
            size = self._take_out(file, damaged)
        self.state.adopt(records, path, size)
        if records:
            self.stats.inc_value("store/reconciled_items", len(records))
            logger.info("store: %s: %d items written after the last checkpoint adopted into the "
                        "state", path, len(records))
        return {match.decode("utf-8", "replace") for _, raw in damaged
                for match in _DAMAGED_ID.findall(raw)}

    def _take_out(self, file: Path, damaged: list[tuple[int, bytes]]) -> int:
        """Move each damaged line to the quarantine, then remove exactly those bytes from the
        file (a cut last line: truncate; others: the file is rewritten without them and
        renamed over it). Returns the file's new size."""
        for where, raw in damaged:
            self._quarantine(file, where, raw)
        size = file.stat().st_size
        last_at, last = damaged[-1]
        if len(damaged) == 1 and last_at + len(last) == size:
            fd = os.open(file, os.O_WRONLY | os.O_CLOEXEC)
            try:
                os.ftruncate(fd, last_at)
                os.fsync(fd)
            finally:
                os.close(fd)
            return last_at
        kept = file.with_name(file.name + ".rewrite")
        removed = 0
        with file.open("rb") as source, kept.open("wb") as target:
            position = 0
            for where, raw in damaged:
                target.write(source.read(where - position))
                source.seek(where + len(raw))
                position, removed = where + len(raw), removed + len(raw)
            while chunk := source.read(1 << 20):
                target.write(chunk)
            target.flush()
            os.fsync(target.fileno())
        os.replace(kept, file)
        fsync_dir(file.parent)
        return size - removed

    def _quarantine(self, file: Path, where: int, raw: bytes) -> None:
        """Keep one damaged record aside, named after its file and byte offset."""
        folder = self.data_dir / QUARANTINE_DIR
        folder.mkdir(exist_ok=True)
        stamp = self.utcnow().strftime("%Y%m%dT%H%M%S.%fZ")
        cut = not raw.endswith(b"\n")  # a write cut short: `.partial`; else `.damaged`
        for attempt in range(100):
            target = folder / quarantine_name(file.name, stamp, attempt, at=where, cut=cut)
            try:
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
            except FileExistsError:
                continue
            break
        else:  # pragma: no cover - a hundred quarantines in one microsecond
            raise FileExistsError(errno.EEXIST, "no free quarantine name", str(target))
        try:
            write_all(fd, raw)
            os.fsync(fd)
        finally:
            os.close(fd)
        fsync_dir(folder)
        self.stats.inc_value("store/quarantined_lines")
        self.stats.inc_value("store/quarantined_bytes", len(raw))
        what = "a line cut short (e.g. by a crash)" if cut else "a line that is no valid record"
        logger.warning("store: %s at byte %d: %d bytes of %s; moved to %s", file, where,
                       len(raw), what, target)

    def _restore(self, ids: set[str]) -> None:
        """The state of articles whose record was damaged: their latest version still whole in
        the archive, or none (then they are fetched again like new ones). One pass over the
        archive, only after damage was found."""
        latest: dict[str, Entry] = {}
        needles = {i: f'"id":{json.dumps(i, ensure_ascii=False)}'.encode() for i in ids}
        for file in sorted((self.data_dir / ARTICLES_DIR).glob(OUTPUT_GLOB)):
            with file.open("rb") as stream:
                for raw in stream:
                    if not any(needle in raw for needle in needles.values()):
                        continue
                    record = _read_record(raw)
                    if record and record[0] in ids:
                        found = latest.get(record[0])
                        if found is None or record[1].version > found.version:
                            latest[record[0]] = record[1]
        self.state.reset({i: latest.get(i) for i in ids})
        refetched = sorted(ids - latest.keys())
        self.stats.inc_value("store/reconcile/damaged_articles", len(ids))
        logger.warning(
            "store: %d article(s) lost a record to damage; the state now holds their latest "
            "whole version%s", len(ids),
            f"; {len(refetched)} with none left will be fetched again ({', '.join(refetched[:5])}"
            f"{', ...' if len(refetched) > 5 else ''})" if refetched else "",
        )

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


def _read_record(raw: bytes) -> tuple[str, Entry] | None:
    """(id, Entry) of one complete output line; None for a cut or unreadable one."""
    if not raw.endswith(b"\n"):
        return None
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    article_id, version = record.get("id"), record.get("version")
    if not isinstance(article_id, str) or type(version) is not int or version < 1:
        return None
    if not all(isinstance(record.get(k), (str, type(None))) for k in ("headline", "body")):
        return None
    published = record.get("published") if isinstance(record.get("published"), str) else None
    return article_id, Entry(
        version, content_digest(record.get("headline"), record.get("body")), published
    )


def _whole_record_within(raw: bytes) -> int:
    """Where a whole record starts inside a damaged line (the end of a line cut short, run into
    the next record), or the line's length when none does."""
    start = raw.find(b'{"id":"', 1)
    while start != -1:
        if _read_record(raw[start:]) is not None:
            return start
        start = raw.find(b'{"id":"', start + 1)
    return len(raw)


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror} ({errno.errorcode.get(exc.errno or 0, exc.errno)})"
    return str(exc)
