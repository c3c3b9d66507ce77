"""What the report page shows, gathered from a data directory by streaming: counters, never
the archive in memory.

- The archive (`articles/*/*.jsonl`): one pass over every record keeps counters by month of
  publication (Beijing date: `published` is written in Beijing time with its offset, so its
  first seven characters are the month), era and extraction method, and the field coverage by
  era. Each article counts once, as first stored (version 1). Records of later versions (edits,
  few) are kept by id; only when there are some, a second pass reads the records of those ids
  alone (the id is read from the line's start, the line parsed only when it matches) for the
  version before the latest, so that the page can say what changed.
- The run history (`runs.jsonl`): one pass keeps per-month counts (by the run's start, UTC)
  and the runs of the last `RUN_WINDOW` up to the newest.
- The WARC archive: file sizes by month of writing. The lock: probed as `status` does.

A line that is no JSON object is skipped and counted; a last line without its newline (a
write under way) is skipped silently, as every reader of the archive does.

Several data directories (one per edition, crawler/archive/sources.py): each is read on its own
(a `Part`: its archive, runs, WARC and lock), and the page's totals are their sums (`merged`):
counters add up, edits and runs are put together. The page shows coverage and runs per part.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from crawler.archive.jsonl import decode_line
from crawler.archive.layout import ARTICLES_DIR, OUTPUT_GLOB, RUNS_FILE, WARC_DIR, WARC_INDEX
from crawler.archive.sources import DataDir
from crawler.fetching import GONE
from crawler.monitoring.checks import parse_time
from crawler.status import lock_status

EXTRACTION_METHODS = ("api", "html", "browser", "fallback")  # crawler.validation.EXTRACTIONS
FIELDS = ("author", "images", "video")  # optional fields whose coverage the page shows
UNKNOWN = "?"
RUN_WINDOW = timedelta(days=30)
GONE_ENDINGS = frozenset(f"failed/{cause}" for cause in GONE)

# The likely-gap rule (said on the page): fewer than GAP_SHARE of the median of up to
# GAP_NEIGHBOURS months on either side, when that median is at least GAP_MIN_MEDIAN articles.
GAP_NEIGHBOURS = 6
GAP_SHARE = 0.25
GAP_MIN_MEDIAN = 4

_MONTH = re.compile(rb"^\d{4}-(0[1-9]|1[0-2])$")
_ID_START = b'{"id":"'  # the archive writes `id` first, compactly (crawler/archive/jsonl.py)


@dataclass
class Edit:
    """An article with more than one version: its latest version against the one before."""

    id: str
    url: str | None
    era: str
    version: int
    when: str | None  # the latest version's `modified`, else when it was fetched
    headline: str | None
    body_chars: int
    headline_before: str | None = None
    body_chars_before: int | None = None
    found_before: bool = False  # whether the version before is in the archive

    @property
    def headline_changed(self) -> bool:
        return self.found_before and self.headline != self.headline_before


@dataclass
class ArchiveFacts:
    files: int = 0
    records: int = 0
    articles: int = 0
    damaged_lines: int = 0
    undated: int = 0  # articles without a readable publication month
    eras: Counter[str] = field(default_factory=Counter)
    editions: Counter[str] = field(default_factory=Counter)
    by_month: dict[str, Counter[str]] = field(default_factory=dict)  # month -> era -> articles
    methods: dict[str, Counter[str]] = field(default_factory=dict)  # month -> method -> articles
    fields: dict[str, Counter[str]] = field(default_factory=dict)  # era -> field -> articles
    edits: list[Edit] = field(default_factory=list)  # newest first, all of them

    def count(self, record: Mapping[str, Any]) -> None:
        """One article, as first stored."""
        self.articles += 1
        era = _text(record.get("era"))
        self.eras[era] += 1
        self.editions[_text(record.get("edition"))] += 1
        month = month_of(record.get("published"))
        if month is None:
            self.undated += 1
        else:
            self.by_month.setdefault(month, Counter())[era] += 1
            self.methods.setdefault(month, Counter())[_text(record.get("extraction"))] += 1
        covered = self.fields.setdefault(era, Counter())
        covered["articles"] += 1
        for name in FIELDS:
            if record.get(name):
                covered[name] += 1

    def months(self) -> list[str]:
        """Every month from the first to the last that has an article, holes included."""
        return months_between(min(self.by_month), max(self.by_month)) if self.by_month else []


@dataclass
class RunRow:
    """One run of the window, as the table shows it."""

    run: str | None
    started: datetime | None
    mode: str | None
    verdict: str | None
    finish_reason: str | None
    duration: float | None
    new: int | None
    updated: int | None
    requests: int | None
    failing: list[str]

    @property
    def requests_per_new(self) -> float | None:
        if self.requests is None or not self.new:
            return None
        return self.requests / self.new


@dataclass
class RunFacts:
    total: int = 0
    damaged_lines: int = 0
    unhealthy: int = 0
    by_month: dict[str, Counter[str]] = field(default_factory=dict)  # month -> what -> count
    recent: list[RunRow] = field(default_factory=list)  # the window, oldest first
    first: datetime | None = None
    newest: RunRow | None = None


@dataclass
class WarcFacts:
    files: int = 0
    total_bytes: int = 0
    index_bytes: int = 0
    by_month: dict[str, int] = field(default_factory=dict)  # month of writing (UTC) -> bytes


@dataclass
class Part:
    """One data directory of a page over several: its own facts."""

    data_dir: Path
    edition: str | None
    archive: ArchiveFacts
    runs: RunFacts
    warc: WarcFacts | None
    lock: dict[str, Any]

    @property
    def name(self) -> str:
        """The part for people: its edition, else its directory's name (nothing in it yet)."""
        return self.edition or self.data_dir.name or str(self.data_dir)


@dataclass
class Facts:
    """Everything the page shows: of one data directory, or the sums of several (`parts`)."""

    data_dir: Path  # the first data directory
    generated: datetime
    archive: ArchiveFacts
    runs: RunFacts
    warc: WarcFacts | None  # None: no WARC archive
    lock: dict[str, Any]
    parts: list[Part] = field(default_factory=list)  # several data directories: each one

    @property
    def empty(self) -> bool:
        return self.archive.records == 0 and self.runs.total == 0

    @property
    def several(self) -> bool:
        return len(self.parts) > 1


def collect(data_dir: Path, now: datetime | None = None) -> Facts:
    """The facts of a data directory (it must exist)."""
    return Facts(
        data_dir=data_dir,
        generated=now or datetime.now(timezone.utc),
        archive=read_archive(data_dir),
        runs=read_runs(data_dir / RUNS_FILE),
        warc=read_warc(data_dir / WARC_DIR),
        lock=lock_status(data_dir),
    )


def collect_all(sources: Sequence[DataDir], now: datetime | None = None) -> Facts:
    """The facts of one data directory or of several (crawler/archive/sources.py `resolve`):
    each read alone, then summed."""
    now = now or datetime.now(timezone.utc)
    parts = []
    for source in sources:
        one = collect(source.path, now)
        parts.append(Part(source.path, source.edition, one.archive, one.runs, one.warc, one.lock))
    if len(parts) == 1:
        return Facts(parts[0].data_dir, now, parts[0].archive, parts[0].runs, parts[0].warc,
                     parts[0].lock, parts)
    held = next((p.lock for p in parts if p.lock.get("held")), parts[0].lock)
    return Facts(parts[0].data_dir, now, merged_archive(p.archive for p in parts),
                 merged_runs(p.runs for p in parts), merged_warc(p.warc for p in parts), held,
                 parts)


def merged_archive(archives: Iterable[ArchiveFacts]) -> ArchiveFacts:
    """The sums of several archives' facts; their edits together, newest first."""
    total = ArchiveFacts()
    for one in archives:
        _add_counts(total, one, ("files", "records", "articles", "damaged_lines", "undated"))
        total.eras.update(one.eras)
        total.editions.update(one.editions)
        _add_counters(total.by_month, one.by_month)
        _add_counters(total.methods, one.methods)
        _add_counters(total.fields, one.fields)
        total.edits += one.edits
    total.edits.sort(key=lambda e: _instant(e.when), reverse=True)
    return total


def merged_runs(histories: Iterable[RunFacts]) -> RunFacts:
    """The sums of several run histories; each one's window of runs, together in time order."""
    total = RunFacts()
    for one in histories:
        _add_counts(total, one, ("total", "damaged_lines", "unhealthy"))
        _add_counters(total.by_month, one.by_month)
        total.recent += one.recent
        if one.first is not None and (total.first is None or one.first < total.first):
            total.first = one.first
        if one.newest is not None and (
            total.newest is None or _started(one.newest) >= _started(total.newest)
        ):
            total.newest = one.newest
    total.recent.sort(key=_started)
    return total


def merged_warc(archives: Iterable[WarcFacts | None]) -> WarcFacts | None:
    """The sums of several WARC archives; None when none has one."""
    total: WarcFacts | None = None
    for one in archives:
        if one is None:
            continue
        total = total or WarcFacts()
        _add_counts(total, one, ("files", "total_bytes", "index_bytes"))
        for month, size in one.by_month.items():
            total.by_month[month] = total.by_month.get(month, 0) + size
    return total


def _add_counts(total: object, one: object, names: Iterable[str]) -> None:
    """The counters `names` of one part's facts added to the totals."""
    for name in names:
        setattr(total, name, getattr(total, name) + getattr(one, name))


def _add_counters(total: dict[str, Counter[str]], one: Mapping[str, Counter[str]]) -> None:
    """One part's counts by key (a month, an era) added to the totals."""
    for key, counts in one.items():
        total.setdefault(key, Counter()).update(counts)


# -- the archive ---------------------------------------------------------------------------------


def read_archive(data_dir: Path) -> ArchiveFacts:
    facts = ArchiveFacts()
    files = sorted((data_dir / ARTICLES_DIR).glob(OUTPUT_GLOB))
    facts.files = len(files)
    latest: dict[str, Edit] = {}  # id -> its latest version, for ids with a version > 1
    for record in _records(files, facts):
        facts.records += 1
        version = _version(record)
        if version == 1:
            facts.count(record)
        elif version > latest.get(str(record.get("id")), _NO_EDIT).version:
            latest[str(record.get("id"))] = _edit(record, version)
    if latest:
        _versions_before(files, latest, facts)
    facts.edits = sorted(latest.values(), key=lambda e: _instant(e.when), reverse=True)
    return facts


_NO_EDIT = Edit(id="", url=None, era=UNKNOWN, version=1, when=None, headline=None, body_chars=0)


def _edit(record: Mapping[str, Any], version: int) -> Edit:
    return Edit(
        id=str(record.get("id")),
        url=record.get("url") if isinstance(record.get("url"), str) else None,
        era=_text(record.get("era")),
        version=version,
        when=_string(record.get("modified")) or _string(record.get("fetched_at")),
        headline=_string(record.get("headline")),
        body_chars=len(record.get("body") or "") if isinstance(record.get("body"), str) else 0,
    )


def _versions_before(files: Sequence[Path], latest: dict[str, Edit], facts: ArchiveFacts) -> None:
    """The second pass, over the records of edited articles only: the version before each
    latest one; and an edited article whose version 1 is no longer in the archive (moved to
    quarantine) is counted from its oldest version left."""
    oldest: dict[str, Mapping[str, Any]] = {}
    for path in files:
        for line in _lines(path):
            article_id = _line_id(line)
            if article_id is None or article_id not in latest:
                continue
            record = decode_line(line)
            if record is None:
                continue
            version = _version(record)
            edit = latest[article_id]
            if version == edit.version - 1:
                edit.found_before = True
                edit.headline_before = _string(record.get("headline"))
                body = record.get("body")
                edit.body_chars_before = len(body) if isinstance(body, str) else 0
            if article_id not in oldest or version < _version(oldest[article_id]):
                oldest[article_id] = record
    for record in oldest.values():
        if _version(record) > 1:
            facts.count(record)


def _line_id(line: bytes) -> str | None:
    if line.startswith(_ID_START):
        end = line.find(b'"', len(_ID_START))
        if end > 0:
            return line[len(_ID_START) : end].decode("utf-8", "replace")
    record = decode_line(line)  # another writer's key order: the slow way
    return str(record.get("id")) if record is not None else None


def month_of(published: Any) -> str | None:
    """The month of a `published` value (`2024-07-03T19:56:10+08:00` -> `2024-07`): its own
    date, which is Beijing's."""
    if not isinstance(published, str) or len(published) < 7:
        return None
    month = published[:7]
    return month if _MONTH.match(month.encode()) else None


def months_between(first: str, last: str) -> list[str]:
    """`2024-11`, `2025-02` -> the four months from one to the other."""
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def likely_gaps(counts: Sequence[int]) -> list[int]:
    """Indices of the months that look like holes (the rule above). The first and the last
    month are not judged: an archive starts, and a month is under way, part-way through."""
    gaps = []
    for i in range(1, len(counts) - 1):
        before = counts[max(0, i - GAP_NEIGHBOURS) : i]
        neighbours = [*before, *counts[i + 1 : i + 1 + GAP_NEIGHBOURS]]
        typical = statistics.median(neighbours)
        if typical >= GAP_MIN_MEDIAN and counts[i] < GAP_SHARE * typical:
            gaps.append(i)
    return gaps


# -- the runs ------------------------------------------------------------------------------------


def read_runs(path: Path, window: timedelta = RUN_WINDOW) -> RunFacts:
    facts = RunFacts()
    recent: deque[RunRow] = deque()
    newest_start: datetime | None = None
    if not path.exists():
        return facts
    for report in _records([path], facts):
        facts.total += 1
        row = _run_row(report)
        if row.verdict not in (None, "healthy"):
            facts.unhealthy += 1
        if row.started is None:
            continue
        month = f"{row.started:%Y-%m}"
        counts = facts.by_month.setdefault(month, Counter())
        _count_run(counts, report, row)
        if facts.first is None or row.started < facts.first:
            facts.first = row.started
        if newest_start is None or row.started >= newest_start:
            newest_start = row.started
            facts.newest = row
        recent.append(row)
        while recent and (recent[0].started or newest_start) < newest_start - window:
            recent.popleft()
    facts.recent = sorted(recent, key=lambda r: r.started or _EARLIEST)
    return facts


def _run_row(report: Mapping[str, Any]) -> RunRow:
    articles = _mapping(report.get("articles"))
    checks = report.get("checks") if isinstance(report.get("checks"), list) else []
    return RunRow(
        run=_string(report.get("run")),
        started=_utc(report.get("started")),
        mode=_string(report.get("mode")),
        verdict=_string(report.get("verdict")),
        finish_reason=_string(report.get("finish_reason")),
        duration=_number(report.get("duration_seconds")),
        new=_int(articles.get("new")),
        updated=_int(articles.get("updated")),
        requests=_int(report.get("requests")),
        failing=[
            str(c.get("name"))
            for c in checks
            if isinstance(c, Mapping) and not c.get("ok", True)
        ],
    )


def _count_run(counts: Counter[str], report: Mapping[str, Any], row: RunRow) -> None:
    pages = _mapping(report.get("pages"))
    ended = _mapping(_mapping(report.get("articles")).get("ended"))
    counts["runs"] += 1
    if row.verdict not in (None, "healthy"):
        counts["unhealthy"] += 1
    counts["parsed"] += _int(pages.get("articles_parsed")) or 0
    counts["no_body"] += _int(pages.get("no_body")) or 0
    counts["soft_404"] += _int(pages.get("soft_404")) or 0
    counts["gone"] += sum(_int(n) or 0 for how, n in ended.items() if how in GONE_ENDINGS)
    counts["new"] += row.new or 0
    counts["updated"] += row.updated or 0


# -- the WARC archive ----------------------------------------------------------------------------


def read_warc(folder: Path) -> WarcFacts | None:
    if not folder.is_dir():
        return None
    facts = WarcFacts()
    for path in sorted(folder.glob("*/*.warc.gz")):
        month = path.name[:7]
        if not _MONTH.match(month.encode()):
            continue
        try:
            size = path.stat().st_size
        except OSError:
            continue
        facts.files += 1
        facts.total_bytes += size
        facts.by_month[month] = facts.by_month.get(month, 0) + size
    try:
        facts.index_bytes = (folder / WARC_INDEX).stat().st_size
    except OSError:
        pass
    return facts


# -- reading -------------------------------------------------------------------------------------


def _lines(path: Path) -> Iterator[bytes]:
    """The complete, non-empty lines of a file; one that vanished or cannot be read is empty."""
    try:
        handle = path.open("rb")
    except OSError:
        return
    with handle:
        for line in handle:
            if line.endswith(b"\n") and line.strip():
                yield line


def _records(paths: Iterable[Path], facts: ArchiveFacts | RunFacts) -> Iterator[dict[str, Any]]:
    """The records of the files' complete lines, in order; a damaged line is counted in
    `facts.damaged_lines`."""
    for path in paths:
        for line in _lines(path):
            record = decode_line(line)
            if record is None:
                facts.damaged_lines += 1
            else:
                yield record


def _version(record: Mapping[str, Any]) -> int:
    version = record.get("version")
    return version if isinstance(version, int) and version >= 1 else 1


def _text(value: Any) -> str:
    return value if isinstance(value, str) and value else UNKNOWN


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _utc(value: Any) -> datetime | None:
    moment = parse_time(value)
    return moment.astimezone(timezone.utc) if moment is not None else None


_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)


def _started(row: RunRow) -> datetime:
    return row.started or _EARLIEST


def _instant(value: str | None) -> datetime:
    """For sorting edits newest first: an unreadable time sorts last."""
    return _utc(value) or _EARLIEST
