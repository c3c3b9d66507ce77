"""The pipelines in real crawls (a subprocess each: the Twisted reactor cannot restart).

The `feed` spider (tests/support/spiders/feed.py) yields Article items from a JSON Lines file,
so these tests need neither the cri spider nor the replica.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.archive import encode_line
from crawler.items import Article
from tests.support.archive import (
    ROOT,
    article,
    check_versions,
    crawl,
    crawl_env,
    feed_command,
    latest,
    output_files,
    read_archive,
    schema_errors,
    write_jsonl,
)


def store_errors(log: str) -> list[str]:
    return [line for line in log.splitlines() if "ERROR" in line and "[pipelines.store]" in line]


def test_second_run_writes_nothing_then_an_edit_is_version_2(tmp_path: Path) -> None:
    data = tmp_path / "data"
    articles = [article(n) for n in range(12)]
    articles[3]["body"] += "\n\nOur Privacy Statement & Cookie Policy\n\nI agree"
    articles[7]["body"] = None  # invalid: dropped by validate
    source = write_jsonl(tmp_path / "in.jsonl", articles)

    first = crawl(data, source)
    assert first.returncode == 0, first.log
    assert first.stats["store/items"] == first.stats["dedupe/new"] == 11
    assert first.stats["validate/dropped/missing_body"] == 1
    records = read_archive(data)
    assert schema_errors(records) == []
    assert "Cookie" not in latest(records)["E2-100003"]["body"]
    archive = {f: f.read_bytes() for f in output_files(data)}

    second = crawl(data, source)
    assert second.returncode == 0, second.log
    assert second.stats["dedupe/unchanged"] == 11
    assert "store/items" not in second.stats
    assert "nothing new written (11 unchanged items skipped)" in second.log
    assert {f: f.read_bytes() for f in output_files(data)} == archive

    articles[5]["body"] = "Nowa treść po poprawce redakcji."
    third = crawl(data, write_jsonl(source, articles))
    assert third.returncode == 0, third.log
    assert (third.stats["store/items"], third.stats["dedupe/updated"]) == (1, 1)
    assert third.stats["dedupe/unchanged"] == 10
    records = read_archive(data)
    (edited,) = [r for r in records if r["version"] == 2]
    assert (edited["id"], edited["body"]) == ("E2-100005", "Nowa treść po poprawce redakcji.")
    assert edited["modified"] is not None
    check_versions(records)
    assert schema_errors(records) == []


def test_sigterm_mid_run_flushes_everything(tmp_path: Path) -> None:
    data = tmp_path / "data"
    source = write_jsonl(tmp_path / "in.jsonl", [article(n) for n in range(60)])
    stats_out, log = tmp_path / "stats.json", tmp_path / "crawl.log"
    # Batches far larger than the run: nothing is written before the spider closes.
    command = feed_command(data, source, "-s", "CRAWLER_BATCH_ITEMS=1000", "-s",
                           "CRAWLER_BATCH_SECONDS=600", delay=0.05, stats_out=stats_out)
    with log.open("w") as stderr:
        process = subprocess.Popen(command, cwd=ROOT, env=crawl_env(), stderr=stderr)
        try:
            deadline = time.monotonic() + 30
            while "Spider opened" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(1.0)
            assert output_files(data) == []
            process.send_signal(signal.SIGTERM)
            returncode = process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    stats = json.loads(stats_out.read_text())
    assert stats["finish_reason"] == "shutdown"
    assert returncode == 1  # not "finished": cron sees an unhealthy run
    written = read_archive(data)
    assert 0 < len(written) < 60
    assert len(written) == stats["store/items"] == stats["dedupe/new"]  # all it took, it wrote

    rest = crawl(data, source)
    assert rest.returncode == 0, rest.log
    records = read_archive(data)
    check_versions(records)
    assert sorted(r["id"] for r in records) == sorted(a["id"] for a in map(article, range(60)))


@contextlib.contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """The folder refuses new entries: by permission, or for root by the immutable attribute."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        folder.chmod(0o555)
        undo = [lambda: folder.chmod(0o755)]
    elif shutil.which("chattr") and subprocess.run(
        ["chattr", "+i", str(folder)], capture_output=True
    ).returncode == 0:
        undo = [lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)]
    else:
        pytest.skip("root without chattr: cannot make a folder unwritable")
    try:
        try:
            (folder / "probe").touch()
        except OSError:
            pass
        else:
            pytest.skip("cannot make a folder unwritable here")
        yield
    finally:
        for step in undo:
            step()


def test_unwritable_data_dir_stops_before_any_item(tmp_path: Path) -> None:
    data = tmp_path / "data"
    source = write_jsonl(tmp_path / "in.jsonl", [article(n) for n in range(5)])
    with unwritable(data):
        result = crawl(data, source)
    assert result.returncode == 1
    assert result.stats["finish_reason"] == "store_unavailable"
    assert "item_scraped_count" not in result.stats and "dedupe/new" not in result.stats
    (error,) = store_errors(result.log)
    assert f"cannot write to data directory {data}" in error


def test_disk_full_mid_run(tmp_path: Path) -> None:
    data = tmp_path / "data"
    articles = [article(n) for n in range(20)]
    source = write_jsonl(tmp_path / "in.jsonl", articles)
    batch = 5
    line = len(encode_line(vars(Article(**articles[0], version=1))))
    batch_bytes = batch * line  # the disk fills in the middle of the third batch
    failed = crawl(data, source, f"CRAWLER_BATCH_ITEMS={batch}",
                   fault=f"write:ENOSPC:{int(batch_bytes * 2.5)}")
    assert failed.returncode == 1
    assert failed.stats["finish_reason"] == "store_failed"
    assert failed.stats["store/errors/ENOSPC"] == 1
    (error,) = store_errors(failed.log)
    assert "No space left on device" in error
    written = read_archive(data)  # every line parses: no cut line left
    assert len(written) == failed.stats["store/items"] == 2 * batch  # earlier batches intact

    rest = crawl(data, source, f"CRAWLER_BATCH_ITEMS={batch}")
    assert rest.returncode == 0, rest.log
    assert rest.stats["store/items"] == 20 - 2 * batch
    records = read_archive(data)
    check_versions(records)
    assert sorted(r["id"] for r in records) == sorted(a["id"] for a in articles)


def test_cut_last_line_is_quarantined_at_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    articles = [article(n) for n in range(6)]
    old = data / "articles/2025/2025-12-31.jsonl"
    old.parent.mkdir(parents=True)
    # Written by an earlier run that died in the middle of its third line.
    lines = b"".join(encode_line(vars(Article(**a, version=1))) for a in articles[:2])
    old.write_bytes(lines + b'{"id":"E2-100002","url":"https://polish.cri.cn/ne')
    result = crawl(data, write_jsonl(tmp_path / "in.jsonl", articles))
    assert result.returncode == 0, result.log
    assert result.stats["store/quarantined_lines"] == 1
    assert result.stats["store/reconciled_items"] == 2
    assert result.stats["store/items"] == 4 and result.stats["dedupe/unchanged"] == 2
    (moved,) = (data / "quarantine").iterdir()
    assert moved.read_bytes() == b'{"id":"E2-100002","url":"https://polish.cri.cn/ne'
    assert "WARNING" in result.log and moved.name in result.log
    records = read_archive(data)
    check_versions(records)
    assert sorted(r["id"] for r in records) == sorted(a["id"] for a in articles)


def test_crash_between_fsync_and_state_commit(tmp_path: Path) -> None:
    data = tmp_path / "data"
    articles = [article(n) for n in range(12)]
    source = write_jsonl(tmp_path / "in.jsonl", articles)
    killed = crawl(data, source, "CRAWLER_BATCH_ITEMS=4", fault="kill-before-commit:2")
    assert killed.returncode == -signal.SIGKILL
    assert len(read_archive(data)) == 8  # the second batch is durable, not recorded

    rest = crawl(data, source, "CRAWLER_BATCH_ITEMS=4")
    assert rest.returncode == 0, rest.log
    assert rest.stats["store/reconciled_items"] == 4
    assert rest.stats["store/items"] == 4 and rest.stats["dedupe/unchanged"] == 8
    records = read_archive(data)
    check_versions(records)
    assert sorted(r["id"] for r in records) == sorted(a["id"] for a in articles)


def test_manual_export_with_scrapy_crawl_o(tmp_path: Path) -> None:
    data = tmp_path / "data"
    source = write_jsonl(tmp_path / "in.jsonl", [article(n) for n in range(5)])
    base = [sys.executable, "-m", "scrapy", "crawl", "feed", "-a", f"input={source}",
            "-s", "SPIDER_MODULES=tests.support.spiders", "-s", f"CRAWLER_DATA_DIR={data}"]
    done = subprocess.run([*base, "-O", str(tmp_path / "out.jsonl")], cwd=ROOT, env=crawl_env(),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    exported = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [r["version"] for r in exported] == [1] * 5
    assert exported == read_archive(data)  # the default keeps the archive going

    done = subprocess.run([*base, "-s", "CRAWLER_ARCHIVE=false", "-s",
                           f"CRAWLER_DATA_DIR={tmp_path / 'untouched'}",
                           "-O", str(tmp_path / "plain.jsonl")],
                          cwd=ROOT, env=crawl_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    plain = [json.loads(line) for line in (tmp_path / "plain.jsonl").read_text().splitlines()]
    assert len(plain) == 5 and {r["version"] for r in plain} == {None}
    assert not (tmp_path / "untouched").exists()
