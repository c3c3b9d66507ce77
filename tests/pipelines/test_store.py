"""Dedupe and store pipelines in process: versions, batches, encoding, reconciliation, failures."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from scrapy.exceptions import CloseSpider, DropItem, NotConfigured
from scrapy.utils.test import get_crawler

from crawler.archive import ArchiveState, Entry, content_digest, encode_line, jsonl, reconcile
from crawler.items import Article
from pipelines.dedupe import DedupePipeline
from pipelines.store import StorePipeline
from tests.support import faults
from tests.support.archive import article, check_versions, read_archive, schema_errors
from tests.support.settings import project_settings

NOON = datetime(2026, 3, 14, 12, 0, tzinfo=timezone.utc)
TODAY = "articles/2026/2026-03-14.jsonl"


class Timers:
    """Stands in for scrapy.utils.asyncio.call_later: timers fire when the test says so."""

    class Handle:
        def __init__(self, delay: float, func: Any) -> None:
            self.delay, self.func, self.cancelled = delay, func, False

        def cancel(self) -> None:
            self.cancelled = True

    def __init__(self) -> None:
        self.handles: list[Timers.Handle] = []

    def __call__(self, delay: float, func: Any) -> Timers.Handle:
        self.handles.append(handle := self.Handle(delay, func))
        return handle

    @property
    def active(self) -> list[Timers.Handle]:
        return [h for h in self.handles if not h.cancelled]

    def fire(self) -> None:
        due, self.handles = self.active, []
        for handle in due:
            handle.func()


class Chain:
    """Dedupe + store as Scrapy builds them, with a test clock and test timers."""

    def __init__(self, data_dir: Path, **settings: Any) -> None:
        self.data_dir = data_dir
        self.crawler = get_crawler(settings_dict={**project_settings(),
            "CRAWLER_DATA_DIR": str(data_dir), "CRAWLER_BATCH_ITEMS": 3,
            "CRAWLER_BATCH_SECONDS": 5.0, **settings,
        })
        self.dedupe = DedupePipeline.from_crawler(self.crawler)
        self.store = StorePipeline.from_crawler(self.crawler)
        self.timers = Timers()
        self.now = NOON
        self.store.call_later = self.timers
        self.store.utcnow = lambda: self.now

    def __enter__(self) -> Chain:
        self.store.open_spider()
        return self

    def __exit__(self, *exc: object) -> None:
        self.store.close_spider()

    def feed(self, *records: dict[str, Any]) -> list[Article | None]:
        """Each record through dedupe and store; None for a dropped one."""
        out: list[Article | None] = []
        for record in records:
            try:
                out.append(self.store.process_item(self.dedupe.process_item(Article(**record))))
            except DropItem:
                out.append(None)
        return out

    @property
    def stats(self) -> dict[str, Any]:
        return self.crawler.stats.get_stats()


def durable(data_dir: Path) -> dict[str, int]:
    """id -> version as the database on disk has it (what a new process would see)."""
    with sqlite3.connect(data_dir / "state.sqlite3") as db:
        rows = dict(db.execute("SELECT id, version FROM articles"))
    db.close()
    return rows


def offsets(data_dir: Path) -> dict[str, int]:
    db = sqlite3.connect(data_dir / "state.sqlite3")
    try:
        return dict(db.execute("SELECT path, offset FROM files"))
    finally:
        db.close()


# -- dedupe ---------------------------------------------------------------------------------


def test_new_unchanged_updated(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Chain(data) as chain:
        assert all(chain.feed(article(1), article(2)))
    with Chain(data) as chain:
        second = chain.feed(article(1), article(2, revision=1))
        assert second[0] is None
        assert second[1] is not None and second[1].version == 2
        assert second[1].modified is not None
        detected = datetime.fromisoformat(second[1].modified)
        assert detected.utcoffset() == timedelta(0)
        assert abs(detected - datetime.now(timezone.utc)) < timedelta(minutes=1)
    assert chain.stats["dedupe/unchanged"] == 1
    assert chain.stats["dedupe/updated"] == 1
    assert "dedupe/new" not in chain.stats
    records = read_archive(data)
    assert [(r["id"], r["version"]) for r in records] == [
        ("E2-100001", 1), ("E2-100002", 1), ("E2-100002", 2)
    ]
    check_versions(records)


def test_updated_item_keeps_its_own_modified(tmp_path: Path) -> None:
    with Chain(tmp_path / "data") as chain:
        chain.feed(article(1))
        (item,) = chain.feed(article(1, revision=1, modified="2020-10-31T08:00:00+08:00"))
    assert item is not None and (item.version, item.modified) == (2, "2020-10-31T08:00:00+08:00")


def test_whitespace_and_unicode_form_changes_are_no_new_version(tmp_path: Path) -> None:
    with Chain(tmp_path / "data") as chain:
        chain.feed(article(1))
        spaced = article(1)
        spaced["body"] = spaced["body"].replace(" ", "  ").replace("\n\n", "\n \n")
        decomposed = article(1)
        decomposed["headline"] = decomposed["headline"].replace("ż", "z\u0307")  # NFD
        assert chain.feed(spaced, decomposed) == [None, None]
    assert chain.stats["dedupe/unchanged"] == 2


def test_same_article_twice_in_one_run_uses_the_pending_decision(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Chain(data, CRAWLER_BATCH_ITEMS=100) as chain:
        out = chain.feed(article(1), article(1), article(1, revision=1), article(1, revision=1))
        assert [i and i.version for i in out] == [1, None, 2, None]
        assert durable(data) == {}  # nothing durable yet: nothing recorded
    assert durable(data) == {"E2-100001": 2}
    check_versions(read_archive(data))


def test_dedupe_and_store_are_off_without_the_archive() -> None:
    crawler = get_crawler(settings_dict={**project_settings(), "CRAWLER_ARCHIVE": "false"})
    with pytest.raises(NotConfigured):
        DedupePipeline.from_crawler(crawler)
    with pytest.raises(NotConfigured):
        StorePipeline.from_crawler(crawler)


def test_dedupe_without_the_store_says_so() -> None:
    crawler = get_crawler(settings_dict=project_settings())
    with pytest.raises(RuntimeError, match="StorePipeline"):
        DedupePipeline.from_crawler(crawler).process_item(Article(**article(1)))


# -- batches ----------------------------------------------------------------------------------


def test_batches_by_count_and_at_close(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Chain(data) as chain:
        chain.feed(*(article(n) for n in range(7)))
        assert len(read_archive(data)) == 6  # two full batches are durable ...
        assert len(durable(data)) == 6  # ... and recorded
        assert offsets(data) == {TODAY: (data / TODAY).stat().st_size}
    assert len(read_archive(data)) == 7  # the last, partial batch at close
    assert chain.stats["store/items"] == 7
    assert chain.stats["store/batches"] == 3


def test_batch_by_time(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Chain(data) as chain:
        chain.feed(article(1))
        assert [h.delay for h in chain.timers.active] == [5.0]
        assert read_archive(data) == []
        chain.timers.fire()
        assert len(read_archive(data)) == 1 and len(durable(data)) == 1
        chain.feed(article(2), article(3), article(4))  # a full batch cancels its timer
        assert chain.timers.active == []


def test_idle_spider_flushes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Chain(data) as chain:
        chain.feed(article(1))
        chain.store._spider_idle()
        assert len(read_archive(data)) == 1


def test_new_utc_day_opens_a_new_file_and_never_goes_back(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Chain(data, CRAWLER_BATCH_ITEMS=1) as chain:
        chain.feed(article(1))
        chain.now = NOON + timedelta(days=1)
        chain.feed(article(2))
        chain.now = NOON  # the clock stepped back: keep appending to the current file
        chain.feed(article(3))
    assert sorted(p.relative_to(data).as_posix() for p in data.glob("articles/*/*.jsonl")) == [
        TODAY, "articles/2026/2026-03-15.jsonl"
    ]
    assert len((data / TODAY).read_bytes().splitlines()) == 1


def test_lines_are_full_articles_matching_the_schema(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Chain(data) as chain:
        chain.feed(article(1, images=["https://polish.cri.cn/i.jpg"], author="A. L."))
    (record,) = read_archive(data)
    assert list(record) == [f for f in Article.__dataclass_fields__]
    assert schema_errors([record]) == []
    assert "Zażółć gęślą jaźń" in (data / TODAY).read_text("utf-8")  # letters not escaped


def test_encoding_surrogates_separators_nan() -> None:
    line = encode_line(
        {"a": "x\ud800y", "b": "\ud83d\ude00", "c": "p\u2028q\u2029r\x85s", "d": "ą"}
    )
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    text = line.decode("utf-8")
    assert len(text.splitlines()) == 1  # also for str.splitlines, which splits on U+2028
    assert json.loads(text) == {"a": "x\ufffdy", "b": "😀", "c": "p\u2028q\u2029r\x85s", "d": "ą"}
    with pytest.raises(ValueError):
        encode_line({"a": float("nan")})


def test_unencodable_item_is_dropped_and_its_decision_undone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Chain(data, CRAWLER_BATCH_ITEMS=100) as chain:
        chain.feed(article(1))
        item = chain.dedupe.process_item(Article(**article(1, revision=1, summary=float("nan"))))
        with pytest.raises(DropItem, match="cannot be written as JSON"):
            chain.store.process_item(item)
        (again,) = chain.feed(article(1, revision=2))
        assert again is not None and again.version == 2  # not 3: version 2 was never written
    check_versions(read_archive(data))


# -- start-up reconciliation ------------------------------------------------------------------


def _lines(*records: dict[str, Any]) -> bytes:
    return b"".join(encode_line({**r, "version": r.get("version", 1)}) for r in records)


def test_crash_between_fsync_and_commit_is_adopted_at_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Chain(data) as chain:
        chain.feed(article(1), article(2), article(3))
    # A batch durable in the file, never recorded in the state (the process died in between).
    with (data / TODAY).open("ab") as stream:
        stream.write(_lines(article(4), article(5), {**article(1, revision=1), "version": 2}))
    with Chain(data) as chain:
        assert chain.stats["store/reconciled_items"] == 3
        assert chain.feed(article(4), article(5), article(1, revision=1)) == [None, None, None]
        (newer,) = chain.feed(article(1, revision=2))
        assert newer is not None and newer.version == 3
    check_versions(read_archive(data))
    assert offsets(data) == {TODAY: (data / TODAY).stat().st_size}


def test_cut_last_line_is_quarantined_and_reported(tmp_path: Path, caplog) -> None:
    data = tmp_path / "data"
    file = data / "articles/2020/2020-01-01.jsonl"
    file.parent.mkdir(parents=True)
    cut = _lines(article(3))[:57]
    file.write_bytes(_lines(article(1), article(2)) + cut)
    with Chain(data) as chain:
        assert chain.stats["store/quarantined_lines"] == 1
        assert chain.stats["store/reconciled_items"] == 2
        (moved,) = (data / "quarantine").iterdir()
        assert moved.name.startswith("2020-01-01.jsonl.20260314T120000")
        assert moved.suffix == ".partial"
        assert moved.read_bytes() == cut
        assert file.read_bytes() == _lines(article(1), article(2))
        assert chain.feed(article(1), article(2), article(3))[:2] == [None, None]
    assert "moved to" in caplog.text and "2020-01-01.jsonl" in caplog.text
    records = read_archive(data)
    assert sorted(r["id"] for r in records) == ["E2-100001", "E2-100002", "E2-100003"]


def test_each_damaged_record_is_quarantined_alone_and_the_rest_stays(tmp_path: Path) -> None:
    data = tmp_path / "data"
    file = data / "articles/2020/2020-01-01.jsonl"
    file.parent.mkdir(parents=True)
    garbage, cut = b"\x00\x00garbage\n", b'{"id":"E2-100004","url'
    one, two, three = _lines(article(1)), _lines(article(2)), _lines(article(3))
    file.write_bytes(one + garbage + two + three + cut)
    with Chain(data) as chain:
        assert chain.stats["store/quarantined_lines"] == 2
        assert chain.stats["store/quarantined_bytes"] == len(garbage) + len(cut)
        assert chain.stats["store/reconciled_items"] == 3
    # Exactly the damaged bytes are gone; every valid record, before and after, stays.
    assert file.read_bytes() == one + two + three
    assert durable(data) == {"E2-100001": 1, "E2-100002": 1, "E2-100003": 1}
    moved = {m.name.split(".at")[1]: m.read_bytes() for m in (data / "quarantine").iterdir()}
    assert moved == {f"{len(one)}.damaged": garbage,
                     f"{len(one + garbage + two + three)}.partial": cut}
    assert offsets(data) == {"articles/2020/2020-01-01.jsonl": file.stat().st_size}


def test_a_line_cut_in_a_closed_file_costs_that_record_only(tmp_path: Path) -> None:
    # The state kept: a line in the middle of an earlier day's file is cut (the file shrinks
    # below its recorded offset). The file is read again; the article whose only record it was
    # is no longer known (fetched again), the others stay as they are.
    data = tmp_path / "data"
    with Chain(data) as chain:
        chain.feed(*(article(n) for n in range(1, 8)))
    lines = (data / TODAY).read_bytes().splitlines(keepends=True)
    lines[3] = lines[3][:40] + b"\n"
    (data / TODAY).write_bytes(b"".join(lines))
    with Chain(data) as chain:
        assert chain.stats["store/reconcile/shrunk_files"] == 1
        assert chain.stats["store/quarantined_lines"] == 1
        assert chain.stats["store/reconcile/damaged_articles"] == 1
        assert chain.store.state.lookup("E2-100004") is None  # only record damaged: not known
        assert chain.feed(article(4)) != [None]  # so it is written again, as version 1
    records = read_archive(data)
    assert sorted(r["id"] for r in records) == [f"E2-{100000 + n}" for n in range(1, 8)]
    check_versions(records)


def test_a_damaged_newer_version_leaves_the_older_one_as_the_latest(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Chain(data) as chain:
        chain.feed(article(1))
        chain.store.flush()
        chain.feed(article(1, revision=1))
    lines = (data / TODAY).read_bytes().splitlines(keepends=True)
    assert len(lines) == 2
    (data / TODAY).write_bytes(lines[0] + lines[1][:30] + b"\n")
    with Chain(data) as chain:
        entry = chain.store.state.lookup("E2-100001")
        assert entry is not None and entry.version == 1
        (again,) = chain.feed(article(1, revision=1))
        assert again is not None and again.version == 2
    check_versions(read_archive(data))


def test_start_up_reads_only_what_follows_the_checkpoint(tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "data"
    with Chain(data, CRAWLER_BATCH_ITEMS=50) as chain:
        chain.feed(*(article(n) for n in range(200)))
    size = (data / TODAY).stat().st_size
    # Damage the recorded part: a start-up that read it would quarantine it.
    with (data / TODAY).open("r+b") as stream:
        stream.seek(10)
        stream.write(b"\xff\xff")
    read: list[bytes] = []
    real = reconcile.read_record
    monkeypatch.setattr(reconcile, "read_record", lambda raw: read.append(raw) or real(raw))
    with (data / TODAY).open("ab") as stream:
        stream.write(_lines(article(500)))
    with Chain(data) as chain:
        pass
    assert len(read) == 1 and json.loads(read[0])["id"] == "E2-100500"
    assert "store/quarantined_lines" not in chain.stats
    assert offsets(data)[TODAY] == size + len(_lines(article(500)))


def test_shrunk_or_missing_file_is_an_error_not_a_crash(tmp_path: Path, caplog) -> None:
    data = tmp_path / "data"
    with Chain(data, CRAWLER_BATCH_ITEMS=1) as chain:
        chain.feed(article(1), article(2))
        chain.now = NOON + timedelta(days=1)
        chain.feed(article(3))
    with (data / TODAY).open("r+b") as stream:
        stream.truncate(10)
    (data / "articles/2026/2026-03-15.jsonl").unlink()
    with Chain(data) as chain:
        assert chain.stats["store/reconcile/shrunk_files"] == 1
        assert chain.stats["store/reconcile/missing_files"] == 1
    assert "shorter than" in caplog.text and "missing" in caplog.text


def test_lost_state_is_rebuilt_from_the_output(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Chain(data) as chain:
        chain.feed(article(1), article(2))
        chain.feed(article(2, revision=1))
    for name in ("state.sqlite3", "state.sqlite3-wal", "state.sqlite3-shm"):
        (data / name).unlink(missing_ok=True)
    with Chain(data) as chain:
        assert chain.stats["store/reconciled_items"] == 3
        assert chain.feed(article(1), article(2, revision=1)) == [None, None]
    assert durable(data) == {"E2-100001": 1, "E2-100002": 2}


def test_reconciled_digest_matches_dedupe_digest_with_lone_surrogates(tmp_path: Path) -> None:
    data = tmp_path / "data"
    odd = article(1, body="Zepsuty znak: \ud800.")
    (data / TODAY).parent.mkdir(parents=True)
    (data / TODAY).write_bytes(_lines(odd))
    with Chain(data) as chain:
        assert chain.feed(odd) == [None]  # the written text (U+FFFD) and the item agree
    assert content_digest("a", "\ud800") == content_digest("a", "\ufffd")


# -- failures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO, errno.EACCES])
def test_failed_write_cuts_the_batch_and_stops(tmp_path: Path, caplog, code: int) -> None:
    data = tmp_path / "data"
    with Chain(data) as chain:
        chain.feed(article(1), article(2), article(3))
        intact = (data / TODAY).read_bytes()
        remove = faults.fail_writes(code, after_bytes=100)  # the next batch is cut mid-line
        try:
            out = chain.feed(article(4), article(5), article(6))
        finally:
            remove()
        assert out[2] is None  # the item whose batch failed is dropped
        assert (data / TODAY).read_bytes() == intact  # no partial batch, earlier ones intact
        assert chain.feed(article(7)) == [None]  # the store refuses further items
    assert (data / TODAY).read_bytes() == intact  # and writes nothing at close
    assert durable(data) == {"E2-100001": 1, "E2-100002": 1, "E2-100003": 1}
    assert chain.stats[f"store/errors/{errno.errorcode[code]}"] == 1
    assert chain.stats["store/unwritten_items"] == 3
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and os.strerror(code) in errors[0].getMessage()


def test_failed_fsync_cuts_the_batch(tmp_path: Path, monkeypatch) -> None:
    data = tmp_path / "data"
    with Chain(data) as chain:
        chain.feed(article(1), article(2), article(3))
        intact = (data / TODAY).read_bytes()

        def broken(fd: int) -> None:
            raise OSError(errno.EIO, os.strerror(errno.EIO))

        monkeypatch.setattr(jsonl, "sync", broken)
        chain.feed(article(4), article(5), article(6))
        monkeypatch.undo()
        assert (data / TODAY).read_bytes() == intact


def test_failed_state_commit_leaves_the_batch_for_the_next_start(
    tmp_path: Path, monkeypatch
) -> None:
    data = tmp_path / "data"
    with Chain(data) as chain:
        def broken(*args: Any) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(ArchiveState, "commit", broken)
        chain.feed(article(1), article(2), article(3))
        monkeypatch.undo()
        assert chain.stats["store/errors/OperationalError"] == 1
    with Chain(data) as chain:
        assert chain.stats["store/reconciled_items"] == 3
        assert chain.feed(article(1)) == [None]


def test_unusable_data_dir_stops_before_any_item(tmp_path: Path, caplog) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    chain = Chain(blocker / "data")
    with pytest.raises(CloseSpider) as raised:
        chain.store.open_spider()
    chain.store.close_spider()
    assert raised.value.reason == "store_unavailable"
    assert "cannot write to data directory" in caplog.text


def test_second_crawl_on_the_same_data_dir_is_refused(tmp_path: Path, caplog) -> None:
    data = tmp_path / "data"
    (data / "articles").mkdir(parents=True)
    holder = os.open(data / "articles", os.O_RDONLY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        chain = Chain(data)
        with pytest.raises(CloseSpider) as raised:
            chain.store.open_spider()
        chain.store.close_spider()
    finally:
        os.close(holder)
    assert raised.value.reason == "store_locked"
    assert "another crawl" in caplog.text
    with Chain(data):  # the lock is free again
        pass


def test_deleting_the_pid_file_lets_no_second_writer_in(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Chain(data):
        (data / "crawl.lock").unlink()
        second = Chain(data)
        with pytest.raises(CloseSpider) as raised:
            second.store.open_spider()
        second.store.close_spider()
    assert raised.value.reason == "store_locked"


def test_a_replaced_articles_directory_stops_the_writing(tmp_path: Path, caplog) -> None:
    data = tmp_path / "data"
    with Chain(data) as chain:
        chain.feed(article(1))
        assert chain.store.flush()
        (data / "articles").rename(data / "articles.moved")
        (data / "articles").mkdir()
        chain.feed(article(2))
        assert not chain.store.flush()
    assert "no longer the directory this crawl locked" in caplog.text
    assert not list((data / "articles").rglob("*.jsonl"))  # nothing went to the new one


def test_failure_of_the_last_batch_at_close_sets_the_finish_reason(tmp_path: Path) -> None:
    data = tmp_path / "data"
    chain = Chain(data)
    chain.store.open_spider()
    chain.feed(article(1))
    remove = faults.fail_writes(errno.EIO, after_bytes=0)
    try:
        chain.store.close_spider()  # the spider closes for another reason, e.g. SIGTERM
    finally:
        remove()
    chain.crawler.stats.set_value("finish_reason", "shutdown")  # CoreStats, on spider_closed
    chain.store._spider_closed()  # connected after CoreStats: runs after it
    assert chain.stats["finish_reason"] == "store_failed"
    assert read_archive(data) == [] and durable(data) == {}


def test_state_of_schema_1_gains_published(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE articles (id TEXT PRIMARY KEY, version INTEGER NOT NULL, digest BLOB NOT NULL)"
        " WITHOUT ROWID; CREATE TABLE files (path TEXT PRIMARY KEY, offset INTEGER NOT NULL)"
        " WITHOUT ROWID; PRAGMA user_version = 1;"
    )
    db.execute("INSERT INTO articles VALUES ('E2-1', 1, x'00')")
    db.commit()
    db.close()
    state = ArchiveState()
    state.open(path)
    try:
        assert state.lookup("E2-1") == (1, b"\x00", None)
        state.commit([("E2-2", Entry(1, b"\x01", "2020-10-30T10:26:09+08:00"))], "a.jsonl", 10)
        assert state.lookup("E2-2").published == "2020-10-30T10:26:09+08:00"
        assert state.totals() == (2, 2, "2020-10-30T10:26:09+08:00")
    finally:
        state.close()


def test_a_line_cut_short_and_run_into_the_next_keeps_the_next(tmp_path: Path) -> None:
    # "Cut line 3": its end and newline removed, so it runs into line 4. Only line 3 is lost.
    data = tmp_path / "data"
    with Chain(data) as chain:
        chain.feed(*(article(n) for n in range(1, 8)))
    lines = (data / TODAY).read_bytes().splitlines(keepends=True)
    cut = lines[2][:60]
    (data / TODAY).write_bytes(b"".join(lines[:2]) + cut + b"".join(lines[3:]))
    (data / "state.sqlite3").unlink()
    with Chain(data) as chain:
        assert chain.stats["store/quarantined_lines"] == 1
        assert chain.stats["store/reconciled_items"] == 6
    assert (data / TODAY).read_bytes() == b"".join(lines[:2] + lines[3:])
    (moved,) = (data / "quarantine").iterdir()
    assert moved.read_bytes() == cut and moved.suffix == ".partial"
    assert sorted(durable(data)) == [f"E2-{100000 + n}" for n in (1, 2, 4, 5, 6, 7)]


@pytest.mark.parametrize("damage", ["random", "truncated"])
def test_a_damaged_state_is_set_aside_and_rebuilt(tmp_path: Path, caplog, damage: str) -> None:
    data = tmp_path / "data"
    with Chain(data) as chain:
        chain.feed(*(article(n) for n in range(1, 301)))
    state = data / "state.sqlite3"
    original = state.read_bytes()
    assert len(original) > 8192
    if damage == "random":
        state.write_bytes(os.urandom(len(original)))
    else:
        state.write_bytes(original[: len(original) // 2])
    damaged = state.read_bytes()
    with Chain(data) as chain:
        assert chain.stats["store/state_damaged"] == 1
        assert chain.stats["store/reconciled_items"] == 300
        assert chain.feed(article(1)) == [None]  # known again: unchanged, not written twice
    (aside,) = data.glob("state.sqlite3.damaged-*")
    assert aside.read_bytes() == damaged  # kept for a look, never deleted
    [warning] = [r.message for r in caplog.records if r.levelname == "WARNING"]
    assert warning.startswith(f"store: the state was damaged ({state}: ")
    assert warning.endswith(f"moved to {aside} and rebuilt from the archive under {data / 'articles'}")
    assert len(durable(data)) == 300
