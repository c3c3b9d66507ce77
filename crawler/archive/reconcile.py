"""Reconciliation of a data directory's state with its output files, and repairs of damage:
the one place that reads the archive back (the store at start-up, `cri-crawler check`).

For every output file, compare its size with the offset recorded in the state; read only the
bytes after it (normally nothing, after a crash at most a batch; the whole archive only when the
state file is lost; the whole file when it is shorter than recorded), adopt the valid records
found there into the state, and move each damaged one (a line cut short, or no valid record)
into `quarantine/` alone, named after its file and byte offset, removing exactly its bytes from
the file (a cut last line: truncated; others: the file is rewritten without them and renamed
over it). An article whose latest record was damaged falls back in the state to its latest whole
version, or to none (then it is fetched again like a new one). A damaged state file is set
aside (`state.sqlite3.damaged-<time>`, never deleted) and rebuilt the same way.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from crawler.archive.jsonl import cut_back_file, fsync_dir, write_all
from crawler.archive.layout import (
    ARTICLES_DIR,
    OUTPUT_GLOB,
    QUARANTINE_DIR,
    STATE_FILE,
    quarantine_name,
)
from crawler.archive.state import ArchiveState, Entry, content_digest

logger = logging.getLogger(__name__)

# The id of a damaged line, if its start survived (the id is a line's first field).
_DAMAGED_ID = re.compile(rb'^\{"id":"((?:[^"\\]|\\.){1,200})"')
Count = Callable[..., None]  # a stats collector's inc_value(name, count=1)


class Reconciliation:
    """Reconciles `state` with the output files under `data_dir`; `count` adds to a stat,
    `now` gives the UTC time that names quarantined files."""

    def __init__(self, data_dir: Path, state: ArchiveState, count: Count,
                 now: Callable[[], datetime]) -> None:
        self.data_dir = data_dir
        self.state = state
        self.count = count
        self.now = now

    def output_files(self) -> list[Path]:
        return sorted((self.data_dir / ARTICLES_DIR).glob(OUTPUT_GLOB))

    def set_aside_state(self, why: str) -> None:
        """A damaged state is moved aside (never deleted: someone may want to look at it), with
        its -wal and -shm; the state is then rebuilt by reading the whole archive once."""
        stamp = self.now().strftime("%Y%m%dT%H%M%SZ")
        state = self.data_dir / STATE_FILE
        aside = state.with_name(f"{STATE_FILE}.damaged-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            part = state.with_name(state.name + suffix)
            if part.exists():
                os.replace(part, aside.with_name(aside.name + suffix))
        fsync_dir(self.data_dir)
        self.count("store/state_damaged")
        logger.warning("store: the state was damaged (%s); moved to %s and rebuilt from the "
                       "archive under %s", why, aside, self.data_dir / ARTICLES_DIR)

    def run(self) -> None:
        """Bring the state up to the end of every output file (see the module docstring)."""
        offsets = self.state.offsets()
        seen: set[str] = set()
        damaged: set[str] = set()
        for file in self.output_files():
            path = file.relative_to(self.data_dir).as_posix()
            seen.add(path)
            size, offset = file.stat().st_size, offsets.get(path, 0)
            if size < offset:
                # Nothing of ours shrinks a file below a committed offset: someone cut it. Read
                # it again from the start: what is still whole stays, what is damaged goes.
                logger.warning("store: %s is %d bytes, shorter than the %d already recorded; "
                               "reading it again from its start", file, size, offset)
                self.count("store/reconcile/shrunk_files")
                offset = 0
            if size > offset or offset == 0:
                damaged |= self._reconcile_file(file, path, offset)
        for path in sorted(set(offsets) - seen):
            logger.error("store: output file %s is missing", self.data_dir / path)
            self.count("store/reconcile/missing_files")
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
                record = read_record(raw)
                if record is None:
                    # A line cut short and the next one run together: keep the whole one.
                    start = _whole_record_within(raw)
                    damaged.append((position, raw[:start]))
                    if start < len(raw):
                        record = read_record(raw[start:])
                if record is not None:
                    records.append(record)
                position += len(raw)
        size = position
        if damaged:
            size = self.take_out(file, damaged)
        self.state.adopt(records, path, size)
        if records:
            self.count("store/reconciled_items", len(records))
            logger.info("store: %s: %d items written after the last checkpoint adopted into the "
                        "state", path, len(records))
        return {match.decode("utf-8", "replace") for _, raw in damaged
                for match in _DAMAGED_ID.findall(raw)}

    def take_out(self, file: Path, damaged: list[tuple[int, bytes]]) -> int:
        """Move each damaged line to the quarantine, then remove exactly those bytes from the
        file (a cut last line: truncate; others: the file is rewritten without them and
        renamed over it). Returns the file's new size."""
        for where, raw in damaged:
            self._quarantine(file, where, raw)
        size = file.stat().st_size
        last_at, last = damaged[-1]
        if len(damaged) == 1 and last_at + len(last) == size:
            cut_back_file(file, last_at)
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
        stamp = self.now().strftime("%Y%m%dT%H%M%S.%fZ")
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
        self.count("store/quarantined_lines")
        self.count("store/quarantined_bytes", len(raw))
        what = "a line cut short (e.g. by a crash)" if cut else "a line that is no valid record"
        logger.warning("store: %s at byte %d: %d bytes of %s; moved to %s", file, where,
                       len(raw), what, target)

    def _restore(self, ids: set[str]) -> None:
        """The state of articles whose record was damaged: their latest version still whole in
        the archive, or none (then they are fetched again like new ones). One pass over the
        archive, only after damage was found."""
        latest: dict[str, Entry] = {}
        needles = {i: f'"id":{json.dumps(i, ensure_ascii=False)}'.encode() for i in ids}
        for file in self.output_files():
            with file.open("rb") as stream:
                for raw in stream:
                    if not any(needle in raw for needle in needles.values()):
                        continue
                    record = read_record(raw)
                    if record and record[0] in ids:
                        found = latest.get(record[0])
                        if found is None or record[1].version > found.version:
                            latest[record[0]] = record[1]
        self.state.reset({i: latest.get(i) for i in ids})
        refetched = sorted(ids - latest.keys())
        self.count("store/reconcile/damaged_articles", len(ids))
        logger.warning(
            "store: %d article(s) lost a record to damage; the state now holds their latest "
            "whole version%s", len(ids),
            f"; {len(refetched)} with none left will be fetched again ({', '.join(refetched[:5])}"
            f"{', ...' if len(refetched) > 5 else ''})" if refetched else "",
        )


def read_record(raw: bytes) -> tuple[str, Entry] | None:
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
        if read_record(raw[start:]) is not None:
            return start
        start = raw.find(b'{"id":"', start + 1)
    return len(raw)
