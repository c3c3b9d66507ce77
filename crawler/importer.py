"""Import: the answers of WARC files captured by other tools (`wget --warc-file`, Browsertrix,
a Common Crawl extract of the outlet's records) into a replay index (crawler/replay.py), from
which `cri-crawler import-warc` makes items as `reextract` does from our own archive.

Files are read record by record, gzip (one member a record, or several records a member) or
not, and never whole: memory stays bounded by the largest record. What cannot be read is
counted, and everything else is kept:
- a gzip member that does not decompress (`corrupt_members`): skipped, reading goes on at the
  next gzip member found after it; a file that ends inside a member (`truncated`): what came
  before it is kept;
- bytes that decompress to no WARC record (`unreadable`): skipped;
- an answer of a host that is not the edition's (canonical hosts, aliases, gateways) nor the
  `--base-url` the capture was made from (`other_host`): not read further;
- an answer whose request record is missing (`without_request`): kept (a page's URL says which
  article it is), except an API answer, whose request alone names its page
  (`api_without_request`).

Records taken: `response`, `revisit` (resolved to the record it refers to, by WARC-Refers-To or
by URI and payload digest), `resource` (a page stored without HTTP headers) and `conversion`
(a rendered DOM). A request and its answer are paired by WARC-Concurrent-To (either way), or as
neighbours with the same target URI (wget writes the request first, Browsertrix the answer).
Files are read in the order given: when an article was captured more than once, the last
capture is the one extracted (give files oldest first).

Provenance: an imported item's `warc_record_id` is the source record's own id; the source
files are listed in the run report (`replay.sources`), where every such id can be found.

`--base-url`: a capture of the local replica (or any copy served from another origin) has
URIs on that origin; given its base (only its origin counts), such URIs are read as the
outlet's paths, or, in the mirror layout `/<host>/<path>` with one of the edition's hosts (a
copy served through a base URL with `{host}`, `wget --mirror`), as that host's. Without it no
other host is ever taken for the outlet's, so a Common Crawl extract with other sites in it
gives only the edition's articles.
"""

from __future__ import annotations

import io
import os
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator

from crawler.editions import Edition
from crawler.extract import Via
from crawler.replay import (
    CORRUPT,
    GZIP_MAGIC,
    NOT_AN_ANSWER,
    OTHER_HOST,
    READ,
    TRUNCATED,
    UNREADABLE,
    WITHOUT_REQUEST,
    YIELD_EVERY,
    Capture,
    Indexer,
    Location,
    RecordReader,
    ReplayIndex,
    StoredRecord,
    record_stat,
    sole_plain_record,
    stored_record,
)
from crawler.urls import from_mirror, outlet_path

CHUNK = 1 << 16
MAX_MEMBER = 256 << 20  # decompressed bytes of one gzip member; beyond: counted as corrupt
MAX_REQUEST_BODY = 1 << 20  # an API request's body is read (its `id`); more is no such request
ANSWERS = frozenset({"response", "revisit", "resource", "conversion"})
# Answers that have no request of their own.
STANDALONE = frozenset({"resource", "conversion"})


class _Corrupt(Exception):
    pass


class _Truncated(Exception):
    pass


@dataclass
class _Seen:
    """A record met in a file, waiting for its partner (a request, or an answer)."""

    record: StoredRecord
    location: Location
    body: bytes | None = None  # a request's body, when it may name an API page


def gzip_members(handle: IO[bytes], counts: Counter[str]) -> Iterator[tuple[int, int, bytes]]:
    """(offset, length, decompressed bytes) of each gzip member of a file that can be read;
    a corrupt member is counted and skipped to the next member's magic bytes, a member the
    file ends in is counted and ends the reading."""
    size = os.fstat(handle.fileno()).st_size
    start = 0
    while start < size:
        try:
            data, length = _inflate(handle, start, size)
        except _Truncated:
            counts[record_stat(TRUNCATED)] += 1
            return
        except _Corrupt:
            counts[record_stat(CORRUPT)] += 1
            found = _next_member(handle, start + 1, size)
            if found is None:
                return
            start = found
            continue
        yield start, length, data
        start += length


def _inflate(handle: IO[bytes], start: int, size: int) -> tuple[bytes, int]:
    handle.seek(start)
    inflater = zlib.decompressobj(31)
    out = bytearray()
    used = 0
    try:
        while not inflater.eof:
            chunk = handle.read(CHUNK)
            if not chunk:
                raise _Truncated
            out += inflater.decompress(chunk)
            used += len(chunk) - (len(inflater.unused_data) if inflater.eof else 0)
            if len(out) > MAX_MEMBER:
                raise _Corrupt
    except zlib.error:
        raise _Corrupt from None
    return bytes(out), used


def _next_member(handle: IO[bytes], start: int, size: int) -> int | None:
    """The offset of the next gzip header (magic, deflate) at or after `start`."""
    magic = GZIP_MAGIC + b"\x08"
    position = start
    while position < size:
        handle.seek(position)
        block = handle.read(CHUNK + len(magic) - 1)
        found = block.find(magic)
        if found >= 0:
            return position + found
        position += CHUNK
    return None


def plain_records(handle: IO[bytes],
                  counts: Counter[str]) -> Iterator[tuple[StoredRecord, int, int, bytes | None]]:
    """(record, offset, length, request body) of each record of an uncompressed WARC file;
    after a record that cannot be parsed, reading goes on at the next `WARC/1.` line."""
    size = os.fstat(handle.fileno()).st_size
    position = 0
    while position < size:
        handle.seek(position)
        records = ArchiveIterator(handle)
        try:
            for record in records:
                stored = stored_record(record)
                if not _whole(stored):  # its length cannot be trusted either: look further
                    raise ValueError("no WARC record")
                body = _request_body(stored)
                offset, length = records.get_record_offset(), records.get_record_length()
                position = offset + length
                yield stored, offset, length, body
            return
        except Exception:  # warcio raises many kinds on damaged input
            counts[record_stat(UNREADABLE)] += 1
            handle.seek(position)
            head = handle.read(CHUNK)
            start = position + len(head) - len(head.lstrip(b"\r\n"))  # where the bad one began
            found = _next_warc_line(handle, start + 1, size)
            if found is None:
                return
            position = found


def _next_warc_line(handle: IO[bytes], start: int, size: int) -> int | None:
    marker = b"\nWARC/1."
    position = max(start - 1, 0)
    while position < size:
        handle.seek(position)
        block = handle.read(CHUNK + len(marker))
        found = block.find(marker)
        if found >= 0:
            return position + found + 1
        position += CHUNK
    return None


def _whole(record: StoredRecord) -> bool:
    """A WARC record with a type and an id (warcio reads other bytes as something too)."""
    return bool(record.type and record.record_id) and record.format == "warc"


def _request_body(record: StoredRecord) -> bytes | None:
    """The body of a POST request (an API request names its page there), else None."""
    if record.type != "request" or (record.method or "").upper() != "POST":
        return None
    body = record.body()
    return body if len(body) <= MAX_REQUEST_BODY else None


class Importer:
    """Indexes the answers of WARC files of other tools (see the module docstring)."""

    def __init__(self, index: ReplayIndex, reader: RecordReader, edition: Edition,
                 base_url: str | None, counts: Counter[str]) -> None:
        self.index = index
        self.edition = edition
        self.base = urlsplit(base_url) if base_url else None
        self.counts = counts
        self.indexer = Indexer(index, reader, edition, counts)

    def add(self, path: Path) -> Iterator[int]:
        """Index one file; yields the records read so far now and then."""
        number = self.index.add_file(str(path))
        with path.open("rb") as handle:
            gzipped = handle.read(2) == GZIP_MAGIC
            handle.seek(0)
            records = self._gzip_records(handle, number) if gzipped else (
                (record, Location(number, offset, length), body)
                for record, offset, length, body in plain_records(handle, self.counts))
            waiting: _Seen | None = None  # the last request or answer: its partner may be next
            for n, (record, location, body) in enumerate(records, 1):
                self.counts[record_stat(READ)] += 1
                if n % YIELD_EVERY == 0:
                    yield n
                seen = _Seen(record, location, body)
                if record.type in STANDALONE:
                    self._answer(seen, None, standalone=True)
                    continue
                if record.type != "request" and record.type not in ANSWERS:
                    self.counts[record_stat(NOT_AN_ANSWER)] += 1
                    continue
                asking = record.type == "request"
                if waiting is not None and (waiting.record.type == "request") != asking:
                    answer, request = (waiting, seen) if asking else (seen, waiting)
                    if _paired(answer, request):  # in either order: wget's, Browsertrix's
                        self._answer(answer, request)
                        waiting = None
                        continue
                if waiting is not None and waiting.record.type != "request":
                    self._answer(waiting, None)  # an answer whose request is not next to it
                waiting = seen
            if waiting is not None and waiting.record.type != "request":
                self._answer(waiting, None)

    def _gzip_records(self, handle: IO[bytes],
                      number: int) -> Iterator[tuple[StoredRecord, Location, bytes | None]]:
        for offset, length, data in gzip_members(handle, self.counts):
            if (sole := sole_plain_record(data)) is not None:  # the common case, fast
                yield sole, Location(number, offset, length), _request_body(sole)
                continue
            try:
                for ordinal, record in enumerate(ArchiveIterator(io.BytesIO(data))):
                    stored = stored_record(record)
                    if not _whole(stored):
                        raise ValueError("no WARC record")
                    yield stored, Location(number, offset, length, ordinal), _request_body(stored)
            except Exception:  # warcio raises many kinds on damaged input
                self.counts[record_stat(UNREADABLE)] += 1

    def _answer(self, seen: _Seen, request: _Seen | None, standalone: bool = False) -> None:
        record = seen.record
        if urlsplit(record.uri).scheme not in ("http", "https"):
            self.counts[record_stat(NOT_AN_ANSWER)] += 1  # a tool's own log or arguments
            return
        path = self._outlet_path(record.uri)
        if path is None:
            self.counts[record_stat(OTHER_HOST)] += 1
            return
        if request is None and not standalone and path != self.edition.api_path:
            self.counts[record_stat(WITHOUT_REQUEST)] += 1  # (an API answer's: counted apart)
        via = Via.BROWSER if record.type == "conversion" else Via.PAGE
        capture = Capture(via, None, record.type, record.uri, record.date, record.record_id,
                          record.refers_to, record.digest, seen.location,
                          request.location if request is not None else None)
        self.indexer.answer(record.type, path, capture, None,
                            request.body if request is not None else None)

    def _outlet_path(self, uri: str) -> str | None:
        """The outlet's path of a record's URI: on one of the edition's hosts, or on the
        origin the capture was made from (`--base-url`)."""
        path = outlet_path(uri, self.edition)
        if path is not None:
            return path
        if self.base is not None:
            parts = urlsplit(uri)
            if (parts.scheme, parts.netloc) == (self.base.scheme, self.base.netloc):
                # A mirror's `/<host>/<path>` (a crawl through a base URL with `{host}`).
                mirrored = outlet_path(from_mirror(uri, self.edition), self.edition)
                return mirrored or parts.path or "/"
        return None


def _paired(answer: _Seen, request: _Seen) -> bool:
    """Whether a request is the answer's: one names the other (WARC-Concurrent-To), or,
    naming none, they have the same target URI."""
    a, r = answer.record, request.record
    if a.record_id in r.concurrent_to or r.record_id in a.concurrent_to:
        return True
    if a.concurrent_to or r.concurrent_to:
        return False
    return a.uri == r.uri
