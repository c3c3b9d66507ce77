"""Replay: articles made again from stored answers (WARC records), with no network at all.

Two commands use it (`cri-crawler reextract`, `cri-crawler import-warc`; spiders/replay.py):
both first index the answers they may read, then replay each article's source cascade on
them, and hand the items to the pipelines like any crawl.

**The replay index** is a private SQLite database (SQLite's temporary file: deleted when it is
closed, also after a crash), so memory stays bounded whatever the archive holds. It is filled
in one pass, in capture order:
- `reextract`: from the archive's own index (`warc/index.sqlite3`, crawler/archive/warc.py),
  without reading the WARC files, except the requests of the API answers an index row does not
  attribute (listings, and archives written before the rows named their article);
- `import-warc`: from WARC files made by other tools, record by record (crawler/importer.py).

Each answer is one row: the article it answers (the index row's `article_id`, else the id
classified from the URL; an API answer: from the page its request asked for), where its record
is, and how it was fetched (`api`, `page`, `browser` for a rendered DOM kept as a `conversion`).
A page's address is its path on the outlet: in our own archive every URI is an outlet URL,
fetched from the outlet or from a `--base-url` (the replica), which keeps the path, so the host
is not looked at there (a base URL with `{host}` puts the host first in the path, the mirror
layout `/<host>/<path>`: `crawler.urls.from_mirror` takes it out again); `import-warc` takes
only the edition's hosts, or a `--base-url` it is told the capture was made from. Listing
answers of the API give the cards of their articles (the first listing that holds an article
wins, as in a crawl): date, teaser, photo and the section an item of the crawl carries.

**The cascade** (`replay_article`) is the spider's, the same functions of `crawler/cascade.py`
walked with a lookup where the spider makes a request: the API answer first (an E4 article, or
an older one linked on the platform), then its page, the page rendered in the browser (the
`conversion` record of that page), page n of a multi-page E1 article, the article's next
address; each source's latest capture. An answer that is not 2xx fails like the request did;
a source never captured fails as `not_captured`; a client-rendered page with no rendered copy
ends as `skipped/shell_without_browser`, as a crawl without the browser does. A `revisit`
record is read with the payload of the record it refers to (its own HTTP headers, its own id as
the item's `warc_record_id`, as the crawl had it).

The item is `crawler.extract.extract`'s, given the record's URI (the URL the crawl fetched),
its bytes and headers, and `fetched_at` = the record's `WARC-Date`: the crawl's item again,
apart from its `run` and, where a source was fetched again later, the record it names.

Why a loop over the index and not requests served from the WARC files by a download handler:
an article takes one to three stored answers, and a request's round trip through Scrapy's
scheduler, downloader and middlewares costs about as much as extracting it; here each answer
is a seek, a gzip member and a header parse (`plain_record`, warcio for anything unusual).
"""

from __future__ import annotations

import io
import json
import sqlite3
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import IO, Any, NamedTuple
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader, ArchiveLoadFailed

from crawler import stats
from crawler.archive.layout import WARC_DIR, WARC_INDEX
from crawler.cascade import Lead, after, after_failure, first_step
from crawler.editions import Edition
from crawler.extract import Answer, Gate, Item, Skip, Via, extract
from crawler.parsers import e4
from crawler.parsers.listing import Card, cards
from crawler.urls import Kind, PageRef, classify, classify_path, from_mirror, outlet_path

# -- stats of a replay run (the run report's `replay` section: `report`) ----------------------
ARTICLES = "replay/articles"  # articles replayed (in the selection)
OUT_OF_RANGE = "replay/out_of_range"  # outside --since/--until: neither counted nor written
IDS_NOT_FOUND = "replay/ids_not_found"  # --ids lines naming no article of the index
RECORDS = "replay/records/"  # + what happened to the records read (indexing)
ERA = "replay/era/"  # + <era>/<new | changed | unchanged | failed>
FAILED = "replay/failed/"  # + the reason an article gave no item
TOTAL = "replay/total"  # articles in the replay index (for the progress line)
INDEXED = "replay/indexed"  # records indexed so far (the progress line while indexing)


def record_stat(what: str) -> str:
    return RECORDS + what


def era_stat(era: str | None, what: str) -> str:
    return f"{ERA}{era or 'unknown'}/{what}"


# Records counted while indexing (`RECORDS` + name): the run report and the summary say them.
READ = "read"  # WARC records read (import) or index rows read (reextract)
ANSWERS = "answers"  # answers indexed for an article
LISTINGS = "listings"  # API listing answers whose cards were read
CORRUPT = "corrupt_members"  # gzip members that do not decompress (skipped, the next read)
TRUNCATED = "truncated"  # a file that ends inside a record
UNREADABLE = "unreadable"  # records that decompress but are no WARC record
OTHER_HOST = "other_host"  # answers of a host not the edition's (nor the --base-url)
WITHOUT_REQUEST = "without_request"  # answers without their request record (kept: GETs)
API_WITHOUT_REQUEST = "api_without_request"  # API answers whose request is missing: unknown page
NOT_ARTICLE = "not_article"  # the edition's answers that are no article (robots, sitemaps, ...)
NOT_AN_ANSWER = "other_type"  # warcinfo, metadata, ... records
MAX_STEPS = 32  # fetches one article may take in the cascade (pages of E1, addresses, ...)
YIELD_EVERY = 500  # records or articles between two turns of the event loop


class Location(NamedTuple):
    """Where a record is: a file of the replay index, the offset and length of its gzip member
    (or of the record itself in an uncompressed file), and its place in that member (0 but in
    files that compress several records in one member)."""

    file: int
    offset: int
    length: int
    ordinal: int = 0


class Capture(NamedTuple):
    """One stored answer of an article."""

    via: Via
    key: str | None  # page: its outlet path; API: the page URL asked for (None: unread yet)
    type: str  # response, revisit, conversion, resource
    uri: str  # WARC-Target-URI, as fetched
    date: str  # WARC-Date
    record_id: str
    refers_to: str | None
    digest: str | None
    location: Location
    request: Location | None = None  # an API answer's request (its body names the page)


class Payload(NamedTuple):
    """An answer as the spider would have got it."""

    status: int
    headers: dict[str, list[str]]
    body: bytes


_SCHEMA = """
CREATE TABLE files (id INTEGER PRIMARY KEY, path TEXT NOT NULL);
CREATE TABLE captures (
    article_id TEXT NOT NULL, seq INTEGER NOT NULL, via TEXT NOT NULL, key TEXT,
    type TEXT NOT NULL, uri TEXT NOT NULL, date TEXT NOT NULL, record_id TEXT NOT NULL,
    refers_to TEXT, digest TEXT,
    file INTEGER NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL, ordinal INTEGER NOT NULL,
    request_file INTEGER, request_offset INTEGER, request_length INTEGER, request_ordinal INTEGER,
    PRIMARY KEY (article_id, seq)
) WITHOUT ROWID;
-- What a revisit may stand on: by its id (WARC-Refers-To), or by URI and payload digest.
CREATE TABLE originals (
    record_id TEXT PRIMARY KEY, uri TEXT, digest TEXT,
    file INTEGER NOT NULL, offset INTEGER NOT NULL, length INTEGER NOT NULL, ordinal INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX originals_by_payload ON originals (uri, digest);
CREATE TABLE cards (
    article_id TEXT PRIMARY KEY, section TEXT, link TEXT, date TEXT, modify_date TEXT,
    brief TEXT, video TEXT, photo TEXT
) WITHOUT ROWID;
CREATE TABLE wanted (article_id TEXT PRIMARY KEY) WITHOUT ROWID;
"""
_BATCH = 5000  # rows per transaction while indexing


class ReplayIndex:
    """The answers a replay may read, by article (a private, temporary SQLite database)."""

    def __init__(self) -> None:
        # "": SQLite's own temporary file, deleted on close (and by the OS after a crash).
        self.db = sqlite3.connect("", isolation_level=None)
        self.db.executescript(_SCHEMA)
        self.files: list[str] = []
        self._seq = 0
        self._pending = 0
        self._wanted = False
        self.db.execute("BEGIN")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ReplayIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- filling -------------------------------------------------------------------------------

    def add_file(self, path: str) -> int:
        self.files.append(path)
        self.db.execute("INSERT INTO files VALUES (?, ?)", (len(self.files) - 1, path))
        return len(self.files) - 1

    def add_capture(self, article_id: str, capture: Capture) -> None:
        self._seq += 1
        request = capture.request or (None, None, None, None)
        self.db.execute(
            "INSERT INTO captures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article_id, self._seq, capture.via.value, capture.key, capture.type, capture.uri,
             capture.date, capture.record_id, capture.refers_to, capture.digest,
             *capture.location, *request))
        self._written()

    def add_original(self, record_id: str, uri: str, digest: str | None, location: Location) -> None:
        self.db.execute("INSERT OR IGNORE INTO originals VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (record_id, uri, digest, *location))
        self._written()

    def add_card(self, article_id: str, section: str, card: Card) -> None:
        """The first listing that holds an article gives its card (as the crawl's first one)."""
        self.db.execute("INSERT OR IGNORE INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (article_id, section, card.link, card.date, card.modify_date, card.brief,
                         card.video, card.photo))
        self._written()

    def want(self, article_ids: Iterable[str]) -> None:
        """Replay only these articles (`--ids`)."""
        self._wanted = True
        self.db.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", ((i,) for i in article_ids))

    def done(self) -> None:
        """Filling is over: commit."""
        if self.db.in_transaction:
            self.db.execute("COMMIT")

    def _written(self) -> None:
        self._pending += 1
        if self._pending >= _BATCH:
            self.db.execute("COMMIT")
            self.db.execute("BEGIN")
            self._pending = 0

    # -- reading -------------------------------------------------------------------------------

    def count(self) -> int:
        """Articles to replay."""
        if self._wanted:
            query = "SELECT count(*) FROM wanted WHERE article_id IN (SELECT article_id FROM captures)"
        else:
            query = "SELECT count(DISTINCT article_id) FROM captures"
        return int(self.db.execute(query).fetchone()[0])

    def missing_wanted(self) -> int:
        """`--ids` that name no article of the index."""
        return int(self.db.execute(
            "SELECT count(*) FROM wanted WHERE article_id NOT IN (SELECT article_id FROM captures)"
        ).fetchone()[0])

    def articles(self, page: int = 1000) -> Iterator[str]:
        """The article ids to replay, in order, a page at a time (no cursor held open)."""
        last = ""
        source = "wanted" if self._wanted else "captures"
        query = (f"SELECT DISTINCT article_id FROM {source} WHERE article_id > ? "
                 "ORDER BY article_id LIMIT ?")
        while True:
            rows = self.db.execute(query, (last, page)).fetchall()
            for (article_id,) in rows:
                yield article_id
            if len(rows) < page:
                return
            last = rows[-1][0]

    def captures(self, article_id: str) -> list[Capture]:
        """An article's answers, in capture order."""
        rows = self.db.execute(
            "SELECT via, key, type, uri, date, record_id, refers_to, digest, file, offset, length, "
            "ordinal, request_file, request_offset, request_length, request_ordinal "
            "FROM captures WHERE article_id = ? ORDER BY seq", (article_id,)).fetchall()
        return [
            Capture(Via(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], Location(*r[8:12]),
                    Location(*r[12:16]) if r[12] is not None else None)
            for r in rows
        ]

    def card(self, article_id: str) -> tuple[Card, str] | None:
        """The article's listing card and that listing's URL (its `section`)."""
        row = self.db.execute("SELECT section, link, date, modify_date, brief, video, photo "
                              "FROM cards WHERE article_id = ?", (article_id,)).fetchone()
        return (Card(*row[1:]), row[0]) if row else None

    def original(self, record_id: str | None, uri: str, digest: str | None) -> Location | None:
        """The record a revisit stands on: its WARC-Refers-To, else the same URI and digest."""
        row = None
        if record_id:
            row = self.db.execute("SELECT file, offset, length, ordinal FROM originals "
                                  "WHERE record_id = ?", (record_id,)).fetchone()
        if row is None and digest:
            row = self.db.execute("SELECT file, offset, length, ordinal FROM originals "
                                  "WHERE uri = ? AND digest = ? LIMIT 1", (uri, digest)).fetchone()
        return Location(*row) if row else None


# -- reading records ---------------------------------------------------------------------------

class RecordError(Exception):
    """A record that cannot be read where the index says it is."""


@dataclass
class StoredRecord:
    """A WARC record as read: its headers and, for an HTTP answer, status, headers and body."""

    type: str
    record_id: str
    uri: str
    date: str
    content_type: str
    refers_to: str | None
    concurrent_to: tuple[str, ...]
    digest: str | None
    status: int | None  # HTTP status of a response or revisit; None for other records
    http_headers: list[tuple[str, str]]
    method: str | None  # of a request record
    format: str = "warc"  # warcio reads ARC and other bytes too
    record: ArcWarcRecord | None = field(default=None, repr=False)  # read by warcio ...
    payload: bytes | None = field(default=None, repr=False)  # ... or by `_plain_record`

    def body(self) -> bytes:
        """The payload (HTTP body without its transfer and content encodings)."""
        if self.payload is not None:
            return self.payload
        assert self.record is not None
        return self.record.content_stream().read()


_LOADER = ArcWarcRecordLoader()
GZIP_MAGIC = b"\x1f\x8b"
# HTTP headers after which a body is not the payload as stored (warcio decodes those).
_ENCODED = {"transfer-encoding", "content-encoding"}
_HTTP_BLOCK = ("response", "revisit", "request")


def parse_record(data: bytes, ordinal: int = 0) -> StoredRecord:
    """The record number `ordinal` of a decompressed WARC member (or an uncompressed record)."""
    if ordinal == 0 and (plain := plain_record(data)) is not None:
        return plain
    try:
        if ordinal == 0:
            stream = BufferedReader(io.BytesIO(data))
            record = _LOADER.parse_record_stream(stream, known_format="warc")
        else:  # a member holding several records: the iterator knows their separators
            records = ArchiveIterator(io.BytesIO(data))
            record = next(r for n, r in enumerate(records) if n == ordinal)
    except (ArchiveLoadFailed, ValueError, EOFError, StopIteration) as exc:
        raise RecordError(f"no WARC record ({exc!r})") from None
    return stored_record(record)


def plain_record(data: bytes) -> StoredRecord | None:
    """A record read without warcio, when it is the plain kind our archive and most tools
    write (CRLF headers, a Content-Length, an HTTP body without transfer or content encoding):
    several times faster. None for anything else (warcio reads it)."""
    found = _plain(data)
    return found[0] if found else None


def sole_plain_record(data: bytes) -> StoredRecord | None:
    """`plain_record`, when it is the only record of the member."""
    found = _plain(data)
    return found[0] if found and not data[found[1]:].strip(b"\r\n") else None


def _plain(data: bytes) -> tuple[StoredRecord, int] | None:
    if not data.startswith(b"WARC/1."):
        return None
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    fields: dict[str, str] = {}
    concurrent = []
    for line in data[:end].decode("utf-8", "replace").split("\r\n")[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            return None
        key, text = name.strip().lower(), value.strip()
        if key == "warc-concurrent-to":
            concurrent.append(text)
        fields[key] = text
    try:
        length = int(fields["content-length"])
    except (KeyError, ValueError):
        return None
    block = data[end + 4:end + 4 + length]
    kind = fields.get("warc-type", "")
    if len(block) != length or not kind:
        return None
    content_type = fields.get("content-type", "")
    status = method = None
    http: list[tuple[str, str]] = []
    body = block
    if kind in _HTTP_BLOCK and content_type.startswith("application/http"):
        split = block.find(b"\r\n\r\n")
        if split < 0:
            return None
        first, *lines = block[:split].decode("latin-1").split("\r\n")
        for line in lines:
            name, sep, value = line.partition(":")
            if not sep or name.strip().lower() in _ENCODED:
                return None
            http.append((name.strip(), value.strip()))
        words = first.split(" ")
        if kind == "request":
            method = words[0]
        else:
            try:
                status = int(words[1])
            except (IndexError, ValueError):
                return None
        body = block[split + 4:]
    uri = fields.get("warc-target-uri", "")
    if uri.startswith("<") and uri.endswith(">"):  # WARC/1.0 as wget writes it
        uri = uri[1:-1]
    record = StoredRecord(kind, fields.get("warc-record-id", ""), uri,
                          fields.get("warc-date", ""), content_type, fields.get("warc-refers-to"),
                          tuple(concurrent), fields.get("warc-payload-digest"), status, http,
                          method, payload=body)
    return record, end + 4 + length


def stored_record(record: ArcWarcRecord) -> StoredRecord:
    headers = record.rec_headers
    http = record.http_headers
    status = method = None
    pairs: list[tuple[str, str]] = []
    if http is not None:
        pairs = list(http.headers)
        if record.rec_type == "request":
            method = http.protocol  # warcio keeps a request line's method as its `protocol`
        else:
            try:
                status = int(http.get_statuscode() or 0)
            except ValueError:
                status = 0
    concurrent = tuple(value for name, value in headers.headers
                       if name.lower() == "warc-concurrent-to")
    return StoredRecord(
        type=record.rec_type or "",
        record_id=headers.get_header("WARC-Record-ID") or "",
        uri=headers.get_header("WARC-Target-URI") or "",
        date=headers.get_header("WARC-Date") or "",
        content_type=headers.get_header("Content-Type") or "",
        refers_to=headers.get_header("WARC-Refers-To"),
        concurrent_to=concurrent,
        digest=headers.get_header("WARC-Payload-Digest"),
        status=status,
        http_headers=pairs,
        method=method,
        format=getattr(record, "format", "warc") or "",
        record=record,
    )


def inflate(data: bytes) -> bytes:
    """A gzip member decompressed; other bytes as they are. RecordError when it is corrupt."""
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        inflater = zlib.decompressobj(31)
        out = inflater.decompress(data)
        if not inflater.eof:
            raise RecordError("gzip member cut short")
        return out
    except zlib.error as exc:
        raise RecordError(f"corrupt gzip member ({exc})") from None


class RecordReader:
    """Reads the records of a replay index where it says they are, and payloads through
    revisits."""

    def __init__(self, index: ReplayIndex, open_files: int = 8) -> None:
        self.index = index
        self.open_files = open_files
        self._handles: dict[int, IO[bytes]] = {}

    def close(self) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()

    def record(self, location: Location) -> StoredRecord:
        data = self._read(location)
        return parse_record(inflate(data), location.ordinal)

    def payload(self, capture: Capture) -> Payload:
        """The answer of a capture: a revisit's status and headers with its original's body;
        a conversion (a rendered DOM) as a 200 of its WARC content type. RecordError when a
        record cannot be read or a revisit's original is not in the index."""
        record = self.record(capture.location)
        if record.type == "revisit":
            original = self.index.original(capture.refers_to, capture.uri, capture.digest)
            if original is None:
                raise RecordError(f"a revisit's original is not there ({capture.refers_to})")
            body = self.record(original).body()
        else:
            body = record.body()
        if record.status is None:  # conversion, resource: no HTTP
            return Payload(200, {"Content-Type": [record.content_type or "text/html"]}, body)
        headers: dict[str, list[str]] = {}
        for name, value in record.http_headers:
            headers.setdefault(name, []).append(value)
        return Payload(record.status, headers, body)

    def requested_page(self, location: Location) -> str | None:
        """The page URL an API request asked for (`{"id": URL}`), if it says one."""
        return requested_page(self.record(location).body())

    def _read(self, location: Location) -> bytes:
        handle = self._handles.get(location.file)
        if handle is None:
            if len(self._handles) >= self.open_files:
                self._handles.pop(next(iter(self._handles))).close()
            try:
                handle = self._handles[location.file] = open(self.index.files[location.file], "rb")
            except OSError as exc:
                name = self.index.files[location.file]
                raise RecordError(f"cannot open {name}: {exc.strerror}") from None
        try:
            handle.seek(location.offset)
            data = handle.read(location.length)
        except OSError as exc:
            raise RecordError(f"cannot read {handle.name}: {exc.strerror}") from None
        if len(data) < location.length:
            raise RecordError(f"{handle.name} ends before the record at {location.offset}")
        return data


def requested_page(body: bytes) -> str | None:
    """The `id` of a `getData` request body: the page it asks for."""
    try:
        value = json.loads(body).get("id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value else None


# -- indexing ----------------------------------------------------------------------------------

class Indexer:
    """Puts answers into a replay index: each an article's capture, a listing's cards, or
    counted as not wanted. Shared by both sources (`index_archive`, crawler/importer.py)."""

    def __init__(self, index: ReplayIndex, reader: RecordReader, edition: Edition,
                 counts: Counter[str]) -> None:
        self.index = index
        self.reader = reader
        self.edition = edition
        self.counts = counts

    def answer(self, record_type: str, path: str, capture: Capture, article_id: str | None,
               request_body: bytes | None) -> None:
        """An answer at the outlet's `path`. `article_id`: what the archive's index says;
        `request_body`: the request's, when at hand (else read from `capture.request`)."""
        if record_type in ("response", "conversion", "resource"):
            self.index.add_original(capture.record_id, capture.uri, capture.digest, capture.location)
        if path == self.edition.api_path and capture.via is not Via.BROWSER:
            self._api_answer(capture, article_id, request_body)
            return
        via = Via.BROWSER if record_type == "conversion" else Via.PAGE
        ref = classify_path(path, "", self.edition)
        if ref.kind is not Kind.ARTICLE or ref.id is None:
            self.counts[record_stat(NOT_ARTICLE)] += 1
            return
        self.counts[record_stat(ANSWERS)] += 1
        self.index.add_capture(article_id or ref.id, capture._replace(via=via, key=path))

    def _api_answer(self, capture: Capture, article_id: str | None, body: bytes | None) -> None:
        if capture.request is None and body is None:
            self.counts[record_stat(API_WITHOUT_REQUEST)] += 1
            return
        capture = capture._replace(via=Via.API)
        if article_id is not None and body is None:
            # The archive says whose answer it is: its request is read only when replayed.
            self.counts[record_stat(ANSWERS)] += 1
            self.index.add_capture(article_id, capture)
            return
        try:
            if body is not None:
                page = requested_page(body)
            else:
                assert capture.request is not None
                page = self.reader.requested_page(capture.request)
        except RecordError:
            page = None
        ref = classify(page, self.edition) if page else None
        if ref is None:
            self.counts[record_stat(NOT_ARTICLE)] += 1
        elif ref.kind is Kind.ARTICLE and ref.id is not None:
            self.counts[record_stat(ANSWERS)] += 1
            self.index.add_capture(article_id or ref.id, capture._replace(key=page))
        elif ref.kind in (Kind.SECTION, Kind.HOME):
            self._listing(capture, ref)
        else:
            self.counts[record_stat(NOT_ARTICLE)] += 1

    def _listing(self, capture: Capture, ref: PageRef) -> None:
        """The cards of a listing answer (a crawl gives them to the articles it finds there)."""
        try:
            payload = self.reader.payload(capture)
            result = e4.api_result(json.loads(payload.body))
        except (RecordError, ValueError, e4.ApiError):
            return
        if not 200 <= payload.status < 300:
            return
        self.counts[record_stat(LISTINGS)] += 1
        for card in cards(result):
            target = classify(card.link, self.edition)
            if target is not None and target.kind is Kind.ARTICLE and target.id is not None:
                self.index.add_card(target.id, ref.url, card)


def index_archive(data_dir: Path, index: ReplayIndex, reader: RecordReader, edition: Edition,
                  counts: Counter[str]) -> Iterator[int]:
    """Fill the replay index from the archive's WARC index, in capture order; yields the rows
    read so far now and then (the caller lets other work run)."""
    path = data_dir / WARC_DIR / WARC_INDEX
    if not path.exists():
        return
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    indexer = Indexer(index, reader, edition, counts)
    files: dict[str, int] = {}
    request: tuple[str, int, Location] | None = None  # the last request: its file, end, place
    try:
        rows = source.execute(
            "SELECT record_id, path, offset, length, type, uri, date, article_id, payload_digest, "
            "refers_to FROM records ORDER BY path, offset")
        for n, (record_id, file, offset, length, kind, uri, when, article_id, digest,
                refers_to) in enumerate(rows, 1):
            counts[record_stat(READ)] += 1
            if n % YIELD_EVERY == 0:
                yield n
            number = files.get(file)
            if number is None:
                number = files[file] = index.add_file(str(data_dir / file))
            location = Location(number, offset, length)
            if kind == "request":
                request = (file, offset + length, location)
                continue
            # An exchange is written as its request, then its answer, one after the other.
            paired = request[2] if request and request[0] == file and request[1] == offset else None
            request = None
            capture = Capture(Via.PAGE, None, kind, uri, when, record_id, refers_to, digest,
                              location, paired)
            outlet = from_mirror(uri, edition)  # a crawl through a base URL with `{host}`
            place = outlet_path(outlet, edition) or urlsplit(uri).path or "/"
            if kind == "conversion":
                capture = capture._replace(via=Via.BROWSER)
            indexer.answer(kind, place, capture, article_id, None)
    finally:
        source.close()


# -- the cascade -------------------------------------------------------------------------------

@dataclass
class Replayed:
    """What replaying one article gave: its item or why none, and the stats it adds."""

    era: str | None
    ending: str  # item | skipped/<reason> | failed/<cause> (as the crawl's `cri/articles/ended/`)
    item: Any = None
    counts: Counter[str] = field(default_factory=Counter)
    detail: str = ""


class ArticleCaptures:
    """One article's answers, by source: each source's latest capture."""

    def __init__(self, captures: list[Capture]) -> None:
        self.api: Capture | None = None
        self.pages: dict[str, Capture] = {}
        self.rendered: dict[str, Capture] = {}  # by the shell's record id
        self.rendered_at: dict[str, Capture] = {}  # by path
        for capture in captures:  # capture order: later ones replace earlier ones
            if capture.via is Via.API:
                self.api = capture
            elif capture.via is Via.PAGE:
                self.pages[capture.key or ""] = capture
            else:
                if capture.refers_to:
                    self.rendered[capture.refers_to] = capture
                self.rendered_at[capture.key or ""] = capture

    def page(self, url: str) -> Capture | None:
        return self.pages.get(urlsplit(url).path or "/")

    def conversion(self, url: str, shell: str | None) -> Capture | None:
        found = self.rendered.get(shell) if shell else None
        return found or self.rendered_at.get(urlsplit(url).path or "/")

    def ref(self, article_id: str, edition: Edition, reader: RecordReader) -> PageRef | None:
        """The article as the crawl knew it: from the page its API request asked for (its
        address on the platform, or its own), else from its canonical URL."""
        if self.api is not None:
            page = self.api.key
            if page is None and self.api.request is not None:
                try:
                    page = reader.requested_page(self.api.request)
                except RecordError:
                    page = None
            ref = classify(page, edition) if page else None
            if ref is not None and ref.kind is Kind.ARTICLE and ref.id == article_id:
                return ref
        for key in (*self.pages, *self.rendered_at):
            found = classify_path(key, "", edition)
            if found.kind is Kind.ARTICLE and found.id == article_id:
                return classify(found.url, edition)
        return None


def replay_article(edition: Edition, article_id: str, captures: list[Capture],
                   reader: RecordReader, *, card: Card | None, section: str | None, gate: Gate,
                   run: str) -> Replayed:
    """The crawl's cascade for one article, on its captures instead of the network."""
    sources = ArticleCaptures(captures)
    ref = sources.ref(article_id, edition, reader)
    if ref is None or ref.era is None:
        return Replayed(None, "failed/unclassified", detail="no URL of the article")
    done = Replayed(ref.era, "")
    step = first_step(Lead.of(ref, card, section), edition)
    for _ in range(MAX_STEPS):
        lead = step.lead
        if step.via is Via.API:
            capture = sources.api
        elif step.via is Via.PAGE:
            capture = sources.page(lead.url)
        else:
            capture = sources.conversion(lead.url, step.shell)
        payload, problem = _payload(reader, capture)
        if problem is not None:
            if step.via is Via.BROWSER and capture is None:
                return _ended(done, "skipped/shell_without_browser", "no rendered copy captured")
            following, stat = after_failure(step)
            if following is None or stat is None:
                return _ended(done, f"failed/{problem}", lead.url)
            done.counts[stat] += 1
            step = following
            continue
        assert capture is not None and payload is not None
        answer = Answer(from_mirror(capture.uri, edition), payload.body, payload.headers, step.via,
                        record=capture.record_id)
        outcome = extract(edition, lead.ref, answer, lead.pages, card=lead.card, section=lead.section,
                          fetched_at=fetch_time(capture.date), gate=gate, run=run)
        following, counts = after(step, outcome, capture.record_id)
        done.counts.update(counts)
        if following is not None:
            step = following
        elif isinstance(outcome, Item):
            done.item = outcome.article
            return _ended(done, "item")
        else:
            assert isinstance(outcome, Skip)
            return _ended(done, f"skipped/{outcome.reason}", outcome.detail)
    return _ended(done, "failed/too_many_steps", step.lead.url)


def _payload(reader: RecordReader, capture: Capture | None) -> tuple[Payload | None, str | None]:
    """The capture's answer, or why there is none to read (the crawl's failure cause)."""
    if capture is None:
        return None, "not_captured"
    try:
        payload = reader.payload(capture)
    except RecordError:
        return None, "unreadable_record"
    if not 200 <= payload.status < 300:
        return None, f"http_{payload.status}"
    return payload, None


def _ended(done: Replayed, ending: str, detail: str = "") -> Replayed:
    done.ending, done.detail = ending, detail
    return done


def fetch_time(warc_date: str) -> datetime | None:
    """A WARC-Date (`2026-11-30T20:32:30.311430Z`) as an aware datetime."""
    try:
        when = datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def in_range(published: str | None, since: date | None, until: date | None) -> bool:
    """Whether an item's publication day (its own offset) is within --since/--until."""
    if since is None and until is None:
        return True
    try:
        day = datetime.fromisoformat(published or "").date()
    except ValueError:
        return False
    return (since is None or day >= since) and (until is None or day <= until)


def read_ids(path: Path, edition: Edition) -> Iterator[str]:
    """The article ids of an `--ids` file: one id or article URL a line, `#` comments."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            ref = classify(text, edition) if "/" in text else None
            yield ref.id if ref is not None and ref.id else text


def report(stats_values: dict[str, Any], mode: str, sources: list[str]) -> dict[str, Any]:
    """The run report's `replay` section from the final stats: articles by ending and era,
    what indexing met, the files read (import)."""

    def count(name: str) -> int:
        value = stats_values.get(name, 0)
        return int(value) if isinstance(value, (int, float)) else 0

    by_era: dict[str, dict[str, int]] = {}
    for name in sorted(stats_values):
        if name.startswith(ERA):
            era, _, what = name[len(ERA):].partition("/")
            by_era.setdefault(era, {})[what] = count(name)
    return {
        "mode": mode,
        "articles": count(ARTICLES),
        "new": count(stats.STORED_NEW),
        "changed": count(stats.STORED_UPDATED),
        "unchanged": count("dedupe/unchanged"),
        "failed": sum(v.get("failed", 0) for v in by_era.values()),
        "failed_by_reason": {name[len(FAILED):]: count(name) for name in sorted(stats_values)
                             if name.startswith(FAILED)},
        "out_of_range": count(OUT_OF_RANGE),
        "ids_not_found": count(IDS_NOT_FOUND),
        "by_era": by_era,
        "records": {name[len(RECORDS):]: count(name) for name in sorted(stats_values)
                    if name.startswith(RECORDS)},
        "sources": sources,
    }
