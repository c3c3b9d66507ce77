"""The WARC archive: every response the crawl uses, kept as it came, so that every item can be
derived again offline (`crawler/extract.py` is the same pure function live and from here).

Layout under the data directory (crawler/archive/layout.py):

    warc/YYYY/YYYY-MM-DD.warc.gz    one gzip member per record, by UTC date of writing
    warc/index.sqlite3              one row per record: where it is, what it is, which article

Records (WARC/1.1, written with `warcio`): a `request` and a `response` for each exchange
(article pages, API answers with the `POST /api/getData` body, listings, robots.txt, sitemaps);
a page rendered in the browser is a `conversion` record of the rendered DOM whose
`WARC-Refers-To` is the shell's `response`; a response whose payload is the same as an earlier
one of the same URI (the payload digest) is a `revisit` record pointing at it, not a second copy.
Bodies are kept as Scrapy handed them to the spider: decompressed, so `Content-Encoding` and
`Transfer-Encoding` are dropped from the stored HTTP headers and `Content-Length` is the
body's; `WARC-Payload-Digest` is that body's.

Crash safety, as the JSON Lines store: an exchange is one `os.write` (O_APPEND) of its gzip
members, indexed after it is written; the store's `batch_writing` signal makes the records
durable (fdatasync) before a batch of items that names them is written. At start-up whatever a
file holds after the end of its last indexed record (a record cut by a kill, or written but not
indexed) is moved to `quarantine/` and cut off; nothing indexed before it is touched.
"""

from __future__ import annotations

import io
import logging
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.archive.jsonl import cut_back_file, fsync_dir, write_all
from crawler.archive.layout import QUARANTINE_DIR, WARC_DIR, WARC_INDEX, quarantine_name, warc_path

logger = logging.getLogger(__name__)

# Hop-by-hop and encoding headers that no longer describe the body as stored.
_DROPPED_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})
_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    record_id TEXT PRIMARY KEY,   -- WARC-Record-ID, <urn:uuid:...>
    path TEXT NOT NULL,           -- the WARC file, relative to the data directory
    offset INTEGER NOT NULL,      -- of the record's gzip member in it
    length INTEGER NOT NULL,      -- of that member
    type TEXT NOT NULL,           -- request, response, revisit, conversion
    uri TEXT NOT NULL,            -- WARC-Target-URI
    date TEXT NOT NULL,           -- WARC-Date
    article_id TEXT,              -- the article the exchange was for, if any
    payload_digest TEXT,          -- WARC-Payload-Digest (response, revisit, conversion)
    refers_to TEXT                -- the record a revisit or conversion stands on
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS records_by_article ON records (article_id);
CREATE INDEX IF NOT EXISTS records_by_payload ON records (uri, payload_digest);
"""


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, as the crawl used it."""

    url: str
    method: str
    request_headers: Iterable[tuple[str, str]]
    request_body: bytes
    status: int
    reason: str
    headers: Iterable[tuple[str, str]]
    body: bytes
    article_id: str | None = None
    rendered_from: str | None = None  # a browser's DOM: the shell's response record id
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True)
class Stored:
    """Where an exchange went: the record its payload is in, and what kind it is."""

    record_id: str
    kind: str  # response, revisit, conversion
    records: int  # written for the exchange (its request too)
    size: int  # bytes they took in the file


class WarcArchive:
    """Writes exchanges into the day's WARC file and indexes them."""

    def __init__(self, data_dir: Path, utcnow: Callable[[], datetime] | None = None) -> None:
        self.data_dir = data_dir
        self.utcnow = utcnow or (lambda: datetime.now(timezone.utc))
        self._db: sqlite3.Connection | None = None
        self._fd: int | None = None
        self._day: date | None = None
        self._path: str | None = None
        self._size = 0
        self._dirty = False

    # -- open and close ----------------------------------------------------------------------

    def open(self) -> None:
        folder = self.data_dir / WARC_DIR
        folder.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(folder / WARC_INDEX, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.executescript(_SCHEMA)
        except BaseException:
            db.close()
            raise
        self._db = db
        self._recover()

    def close(self) -> None:
        self.sync()
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._db is not None:
            db, self._db = self._db, None
            db.close()

    @property
    def is_open(self) -> bool:
        return self._db is not None

    def sync(self) -> None:
        """Make every record written so far durable."""
        if self._dirty and self._fd is not None:
            os.fdatasync(self._fd)
            self._dirty = False

    # -- writing -----------------------------------------------------------------------------

    def store(self, exchange: Exchange) -> Stored:
        """Write the exchange (a request and its response, revisit or conversion record) and
        index it; returns where its payload is."""
        assert self._db is not None, "the WARC archive is not open"
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True, warc_version="WARC/1.1")
        http = _response_headers(exchange)
        response = self._answer_record(writer, exchange, http)
        kind = response.rec_headers.get_header("WARC-Type")
        response_id = response.rec_headers.get_header("WARC-Record-ID")
        request = writer.create_warc_record(
            exchange.url, "request", payload=io.BytesIO(exchange.request_body),
            length=len(exchange.request_body),
            http_headers=_request_headers(exchange),
            warc_headers_dict={"WARC-Concurrent-To": response_id},
        )
        members = []
        for record in (request, response):
            start = buffer.tell()
            writer.write_record(record)
            members.append((record, start, buffer.tell() - start))
        data = buffer.getvalue()
        fd, path = self._file()
        offset = self._size
        write_all(fd, data)
        self._size += len(data)
        self._dirty = True
        rows = [
            (record.rec_headers.get_header("WARC-Record-ID"), path, offset + start, length,
             record.rec_headers.get_header("WARC-Type"), exchange.url,
             record.rec_headers.get_header("WARC-Date"), exchange.article_id,
             record.rec_headers.get_header("WARC-Payload-Digest"),
             record.rec_headers.get_header("WARC-Refers-To"))
            for record, start, length in members
        ]
        with self._db:
            self._db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        return Stored(response_id, kind, len(rows), len(data))

    def _answer_record(self, writer: WARCWriter, exchange: Exchange,
                       http: StatusAndHeaders) -> object:
        body = io.BytesIO(exchange.body)
        if exchange.rendered_from is not None:
            return writer.create_warc_record(
                exchange.url, "conversion", payload=body, length=len(exchange.body),
                warc_content_type="text/html; charset=utf-8",
                warc_headers_dict={"WARC-Refers-To": exchange.rendered_from},
            )
        record = writer.create_warc_record(exchange.url, "response", payload=body,
                                           length=len(exchange.body), http_headers=http)
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        earlier = self._same_payload(exchange.url, digest)
        if earlier is None:
            return record
        record_id, when = earlier
        revisit = writer.create_revisit_record(
            exchange.url, digest=digest, refers_to_uri=exchange.url, refers_to_date=when,
            http_headers=http,
        )
        revisit.rec_headers.add_header("WARC-Refers-To", record_id)
        return revisit

    def _same_payload(self, uri: str, digest: str) -> tuple[str, str] | None:
        assert self._db is not None
        row = self._db.execute(
            "SELECT record_id, date FROM records WHERE uri = ? AND payload_digest = ? "
            "AND type IN ('response', 'conversion') LIMIT 1", (uri, digest),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def _file(self) -> tuple[int, str]:
        day = self.utcnow().date()
        if self._fd is not None and self._day is not None and day <= self._day:
            assert self._path is not None
            return self._fd, self._path
        self.sync()
        path = warc_path(day)
        file = self.data_dir / path
        file.parent.mkdir(parents=True, exist_ok=True)
        created = not file.exists()
        fd = os.open(file, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        if created:
            fsync_dir(file.parent)
        if self._fd is not None:
            os.close(self._fd)
        self._fd, self._day, self._path, self._size = fd, day, path, os.fstat(fd).st_size
        return fd, path

    # -- reading -----------------------------------------------------------------------------

    def records_of(self, article_id: str) -> list[tuple[str, str, int, int, str, str]]:
        """(record_id, path, offset, length, type, uri) of an article's records, oldest first."""
        assert self._db is not None
        return list(self._db.execute(
            "SELECT record_id, path, offset, length, type, uri FROM records "
            "WHERE article_id = ? ORDER BY path, offset", (article_id,)))

    # -- start-up ----------------------------------------------------------------------------

    def _recover(self) -> None:
        """Cut off what a file holds after its last indexed record (see the module docstring)."""
        assert self._db is not None
        ends = dict(self._db.execute("SELECT path, max(offset + length) FROM records GROUP BY path"))
        for file in sorted((self.data_dir / WARC_DIR).glob("*/*.warc.gz")):
            path = file.relative_to(self.data_dir).as_posix()
            end, size = ends.get(path, 0), file.stat().st_size
            if size < end:  # cut by someone: the rows beyond it point at nothing
                with self._db:
                    self._db.execute("DELETE FROM records WHERE path = ? AND offset + length > ?",
                                     (path, size))
                logger.error("warc: %s is %d bytes, shorter than its index says (%d): the "
                             "records beyond it are gone", file, size, end)
                end = self._db.execute("SELECT coalesce(max(offset + length), 0) FROM records "
                                       "WHERE path = ?", (path,)).fetchone()[0]
            if size > end:
                self._quarantine_tail(file, end, size)

    def _quarantine_tail(self, file: Path, end: int, size: int) -> None:
        folder = self.data_dir / QUARANTINE_DIR
        folder.mkdir(exist_ok=True)
        stamp = self.utcnow().strftime("%Y%m%dT%H%M%S.%fZ")
        with file.open("rb") as stream:
            stream.seek(end)
            tail = stream.read()
        target = folder / quarantine_name(file.name, stamp, at=end)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        try:
            write_all(fd, tail)
            os.fsync(fd)
        finally:
            os.close(fd)
        fsync_dir(folder)
        cut_back_file(file, end)
        logger.warning("warc: %s held %d bytes after its last indexed record (a record cut by "
                       "a crash, or not indexed); moved to %s", file, size - end, target)


def _request_headers(exchange: Exchange) -> StatusAndHeaders:
    parts = exchange.url.split("/", 3)
    target = "/" + (parts[3] if len(parts) > 3 else "")
    headers = [("Host", parts[2] if len(parts) > 2 else "")]
    headers += [(k, v) for k, v in exchange.request_headers if k.lower() != "host"]
    return StatusAndHeaders(f"{exchange.method} {target} {exchange.protocol}", headers,
                            is_http_request=True)


def _response_headers(exchange: Exchange) -> StatusAndHeaders:
    headers = [(k, v) for k, v in exchange.headers if k.lower() not in _DROPPED_HEADERS]
    headers.append(("Content-Length", str(len(exchange.body))))
    return StatusAndHeaders(f"{exchange.status} {exchange.reason}".strip(), headers,
                            protocol=exchange.protocol)


def iter_headers(raw: Iterable[tuple[bytes, list[bytes]]]) -> Iterator[tuple[str, str]]:
    """Scrapy's `Headers.items()` as (name, value) text pairs, one per value."""
    for name, values in raw:
        for value in values:
            yield name.decode("latin-1"), value.decode("latin-1")
