"""Reading the archive for an export, in bounded memory.

The first pass (`scan`) reads every output file once, line by line, and keeps for each record
only where it is (file, byte offset, length), a digest of its bytes and what placing it needs
(publication instant, id, version, year, era, extraction): about 500 bytes a record, not the
record. `current` is the latest version of each id, chosen over the whole archive before any
date filter. The second pass (`Lines`) reads the records of one partition back by offset, in
the partition's order, and checks each against its digest (an archive rewritten in between,
by `check --repair`, is an error, not a wrong export).

What is not a record is skipped and counted, as `cri-crawler check` names it: `cut_lines` (a
last line without its newline: a run still writing, or one that was killed), `damaged_lines`,
`invalid_records` (the schema's rules, `crawler/validation.py`), `duplicate_versions` (an
(id, version) seen again: the first is kept). Nothing in the data directory is written.

Several data directories (one per edition, `crawler/archive/sources.py`) are read one after the
other as one archive. An id found in two of them is an error (`IdCollision`), never two rows:
ids are unique across editions by construction, so this is a merge of the wrong directories.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import NamedTuple

from crawler.archive.layout import ARTICLES_DIR, OUTPUT_GLOB
from crawler.archive.reconcile import read_record
from crawler.editions import EDITIONS
from crawler.export.profiles import BEIJING
from crawler.validation import ArticleRules

PROBLEMS = ("cut_lines", "damaged_lines", "invalid_records", "duplicate_versions")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)


class Entry(NamedTuple):
    """Where one record is, and what placing it in the export needs (not its text)."""

    published_us: int  # UTC microseconds since 1970: the first sort key
    id: str
    version: int
    file: int  # index in Scan.files
    offset: int
    length: int
    digest: bytes  # blake2b-128 of the line's bytes
    year: int  # publication year in the edition's time zone: the partition
    day: int  # publication day there (date.toordinal): --since/--until
    era: str | None
    extraction: str | None
    edition: str


class ArchiveChanged(Exception):
    """A record is no longer where the first pass found it."""


class IdCollision(Exception):
    """The same article id in two data directories of a merge: one line for the user."""


@dataclass
class Scan:
    """What the first pass found."""

    files: list[Path]
    history: list[Entry] = field(default_factory=list)  # every version, in file order
    current: list[Entry] = field(default_factory=list)  # the latest version of each id
    problems: Counter[str] = field(default_factory=Counter)
    first_problem: dict[str, str] = field(default_factory=dict)  # where each was first seen
    lines: int = 0  # complete records read (before --edition and dates)
    data_dirs: list[Path] = field(default_factory=list)
    file_dirs: list[int] = field(default_factory=list)  # each file's index in data_dirs

    def problem(self, name: str, where: str) -> None:
        self.problems[name] += 1
        self.first_problem.setdefault(name, where)

    def by_data_dir(self, entries: Iterable[Entry]) -> Counter[int]:
        """How many of `entries` each data directory (its index in data_dirs) gave."""
        return Counter(self.file_dirs[e.file] for e in entries)


def line_digest(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=16).digest()


def edition_tz(name: str) -> tzinfo:
    edition = EDITIONS.get(name)
    return edition.tz if edition is not None else BEIJING


def output_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / ARTICLES_DIR).glob(OUTPUT_GLOB))


def scan(data_dirs: Path | Sequence[Path], edition: str | None = None,
         since: date | None = None, until: date | None = None) -> Scan:
    """The first pass over the archive of one data directory or of several read as one (see
    the module's docstring). IdCollision when two of them hold the same id."""
    dirs = [data_dirs] if isinstance(data_dirs, Path) else list(data_dirs)
    result = Scan([], data_dirs=dirs)
    for index, data_dir in enumerate(dirs):
        files = output_files(data_dir)
        result.files += files
        result.file_dirs += [index] * len(files)
    rules: dict[str, ArticleRules] = {}
    seen: set[tuple[str, int]] = set()
    latest: dict[str, Entry] = {}
    low = since.toordinal() if since else None
    high = until.toordinal() if until else None
    for number, file in enumerate(result.files):
        name = _name(result, number)
        position = 0
        with file.open("rb") as stream:
            for raw in stream:
                entry = _entry(raw, number, position, rules, result, f"{name} at byte {position}")
                position += len(raw)
                if entry is None or (edition is not None and entry.edition != edition):
                    continue
                best = latest.get(entry.id)
                if best is not None and result.file_dirs[best.file] != result.file_dirs[number]:
                    raise IdCollision(
                        f"article {entry.id} is in two data directories: "
                        f"{result.files[best.file]} at byte {best.offset} and {file} at byte "
                        f"{entry.offset}; ids must be unique across the merged editions, "
                        "nothing exported")
                if (entry.id, entry.version) in seen:
                    result.problem("duplicate_versions", f"{name} at byte {entry.offset}")
                    continue
                seen.add((entry.id, entry.version))
                result.lines += 1
                if best is None or entry.version > best.version:
                    latest[entry.id] = entry
                if (low is None or entry.day >= low) and (high is None or entry.day <= high):
                    result.history.append(entry)
    result.current = [
        e for e in latest.values()
        if (low is None or e.day >= low) and (high is None or e.day <= high)
    ]
    return result


def _name(result: Scan, number: int) -> str:
    """A file for messages: relative to its data directory when there is one, else its path."""
    file = result.files[number]
    if len(result.data_dirs) > 1:
        return str(file)
    return file.relative_to(result.data_dirs[0]).as_posix()


def _entry(raw: bytes, number: int, offset: int, rules: dict[str, ArticleRules], result: Scan,
           where: str) -> Entry | None:
    if not raw.endswith(b"\n"):
        result.problem("cut_lines", where)
        return None
    if read_record(raw) is None:
        result.problem("damaged_lines", where)
        return None
    record = json.loads(raw)
    edition = EDITIONS.get(record.get("edition"))  # type: ignore[arg-type]
    if edition is None:
        result.problem("invalid_records", where)
        return None
    checker = rules.get(edition.name)
    if checker is None:
        checker = rules[edition.name] = ArticleRules(edition)
    if checker.problem(record) is not None:
        result.problem("invalid_records", where)
        return None
    published = datetime.fromisoformat(record["published"])  # valid: checked above
    if published.tzinfo is None:
        published = published.replace(tzinfo=edition.tz)
    local = published.astimezone(edition.tz)
    return Entry(
        published_us=(published - _EPOCH) // _MICROSECOND,
        id=record["id"],
        version=record["version"],
        file=number,
        offset=offset,
        length=len(raw),
        digest=line_digest(raw),
        year=local.year,
        day=local.date().toordinal(),
        era=_shared(record.get("era")),  # one string object per value, not one per record
        extraction=_shared(record.get("extraction")),
        edition=edition.name,
    )


def _shared(value: str | None) -> str | None:
    return sys.intern(value) if isinstance(value, str) else None


def sort_key(entry: Entry) -> tuple[int, str, int]:
    """The order of rows in every partition: publication instant, id, version."""
    return entry.published_us, entry.id, entry.version


class Lines:
    """The second pass: a record's bytes by its Entry, through a few open files at a time."""

    OPEN_FILES = 32

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self._open: OrderedDict[int, int] = OrderedDict()  # file index -> fd, least recent first

    def read(self, entry: Entry) -> bytes:
        fd = self._fd(entry.file)
        raw = os.pread(fd, entry.length, entry.offset)
        if len(raw) != entry.length or line_digest(raw) != entry.digest:
            raise ArchiveChanged(
                f"{self.files[entry.file]} changed during the export (at byte {entry.offset}); "
                "run it again"
            )
        return raw

    def _fd(self, number: int) -> int:
        fd = self._open.get(number)
        if fd is not None:
            self._open.move_to_end(number)
            return fd
        if len(self._open) >= self.OPEN_FILES:
            _, oldest = self._open.popitem(last=False)
            os.close(oldest)
        fd = os.open(self.files[number], os.O_RDONLY | os.O_CLOEXEC)
        self._open[number] = fd
        return fd

    def close(self) -> None:
        while self._open:
            os.close(self._open.popitem()[1])

    def __enter__(self) -> Lines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

