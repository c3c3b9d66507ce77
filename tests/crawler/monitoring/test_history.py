"""The run history file (`runs.jsonl`): appends that stay whole, reading its tail backwards."""

from __future__ import annotations

import errno
import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest

from crawler.monitoring import history
from crawler.monitoring.history import append_report, read_history


def _reports(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [
        {"run": f"r{i}", "errors": i, "note": "Wiadomości z Chin"} for i in range(start, start + n)
    ]


def test_append_then_read(tmp_path: Path) -> None:
    path = tmp_path / "runs.jsonl"
    for r in _reports(5):
        append_report(path, r)
    raw = path.read_bytes()
    assert raw.count(b"\n") == 5 and raw.endswith(b"\n")
    assert "Wiadomości".encode() in raw  # ensure_ascii=False
    assert read_history(path, 3) == _reports(3, start=2)
    assert read_history(path, 100) == _reports(5)
    assert read_history(path, 0) == []
    assert read_history(tmp_path / "missing.jsonl", 10) == []


def test_append_keeps_one_record_a_line(tmp_path: Path) -> None:
    path = tmp_path / "runs.jsonl"
    odd = {
        "run": "odd",
        "text": "a\u2028b\u2029c\x85d\ne",
        "nan": float("nan"),
        "inf": float("inf"),
        "surrogate": "x\udcff",
    }
    append_report(path, odd)
    append_report(path, {"run": "next"})
    lines = path.read_bytes().decode("utf-8").splitlines()  # splits at U+2028 too
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["text"] == "a\u2028b\u2029c\x85d\ne"
    assert first["nan"] is None and first["inf"] is None
    assert first["surrogate"] == "x\ufffd"


def test_a_failed_write_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "runs.jsonl"
    append_report(path, {"run": "kept"})
    before = path.read_bytes()
    real_write = os.write

    def write_half_then_fail(fd: int, data: Any) -> int:
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(history.os, "write", write_half_then_fail)
    with pytest.raises(OSError):
        append_report(path, {"run": "lost", "padding": "x" * 100})
    monkeypatch.undo()
    assert path.read_bytes() == before
    append_report(path, {"run": "after"})
    assert [r["run"] for r in read_history(path, 10)] == ["kept", "after"]


def test_a_cut_last_line_is_ignored_and_the_next_append_stays_intact(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "runs.jsonl"
    for r in _reports(3):
        append_report(path, r)
    with open(path, "ab") as f:
        f.write(b'{"run": "r3", "errors": ')  # a crash in the middle of a write
    with caplog.at_level(logging.WARNING):
        assert read_history(path, 10) == _reports(3)
    assert not caplog.records  # a cut last line is not worth a warning
    append_report(path, _reports(1, start=4)[0])
    with caplog.at_level(logging.WARNING):
        assert read_history(path, 10) == _reports(3) + _reports(1, start=4)
    # now the cut line is an ordinary garbage line in the middle
    assert len(caplog.records) == 1 and "unparseable" in caplog.records[0].getMessage()


def test_garbage_lines_are_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "runs.jsonl"
    good = _reports(4)
    lines = [
        json.dumps(good[0]).encode(),
        b"not json",
        json.dumps(good[1]).encode(),
        b"[1, 2]",
        b"42",
        b"",
        json.dumps(good[2], ensure_ascii=False).encode(),
        b"\xff\xfe{}",
        b"   ",
        json.dumps(good[3]).encode(),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    with caplog.at_level(logging.WARNING, logger="crawler.monitoring.history"):
        assert read_history(path, 10) == good
    assert len(caplog.records) == 4  # blank lines are not garbage
    assert all(r.levelno == logging.WARNING for r in caplog.records)


@pytest.mark.parametrize("block_size", [1, 7, 64, 1 << 16])
def test_reading_backwards_across_block_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block_size: int
) -> None:
    path = tmp_path / "runs.jsonl"
    records = [{"run": f"r{i}", "pad": "ż" * (i * 13 % 97)} for i in range(60)]
    path.write_bytes(b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records))
    monkeypatch.setattr(history, "BLOCK_SIZE", block_size)
    for limit in (1, 2, 17, 60, 61):
        assert read_history(path, limit) == records[-limit:]


def test_a_line_longer_than_a_block(tmp_path: Path) -> None:
    path = tmp_path / "runs.jsonl"
    big = {"run": "big", "checks": ["x" * 1000] * 300}  # ~300 KB, several blocks
    for r in (_reports(1)[0], big, _reports(1, start=1)[0]):
        append_report(path, r)
    assert read_history(path, 2) == [big, _reports(1, start=1)[0]]
    assert read_history(path, 3)[0] == _reports(1)[0]


def test_read_history_reads_only_the_tail_of_a_large_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "runs.jsonl"
    # 50,000 lines of which all but the last 20 are garbage: reaching any of them would warn.
    garbage = b"".join(b"garbage line %d, not JSON at all\n" % i for i in range(50_000 - 20))
    tail = b"".join(json.dumps(r).encode() + b"\n" for r in _reports(20))
    path.write_bytes(garbage + tail)
    read_bytes = []
    real_read_at = history._read_at

    def counting(handle: Any, position: int, size: int) -> bytes:
        read_bytes.append(size)
        return real_read_at(handle, position, size)

    monkeypatch.setattr(history, "_read_at", counting)
    with caplog.at_level(logging.WARNING):
        assert read_history(path, 10) == _reports(10, start=10)
    assert not caplog.records
    assert sum(read_bytes) <= history.BLOCK_SIZE < path.stat().st_size // 20
