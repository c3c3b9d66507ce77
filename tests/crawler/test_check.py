"""`cri-crawler check [--repair]` on archives damaged in each way it names: counts per problem,
exit 1, and a repair after which the archive checks clean and no valid record was lost."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from crawler.archive import ArchiveState, encode_line
from crawler.archive.reconcile import Reconciliation
from crawler.check import PROBLEMS
from crawler.cli import main
from tests.support.archive import article, check_versions, read_archive
from tests.support.paths import ROOT

FILE = "articles/2026/2026-11-30.jsonl"


def record(n: int, version: int = 1, **fields: Any) -> bytes:
    return encode_line({**article(n, revision=version - 1), "version": version, **fields})


def archive(data: Path, lines: list[bytes], state: bool = True) -> Path:
    """An archive of these lines, with a state reconciled to them (as a run would leave it)."""
    file = data / FILE
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(b"".join(lines))
    if state:
        archive_state = ArchiveState()
        archive_state.open(data / "state.sqlite3")
        Reconciliation(data, archive_state, lambda *a: None, lambda: datetime.now(timezone.utc)).run()
        archive_state.close()
    return file


def run_check(data: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    code = main(["check", "--data-dir", str(data), "--json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_a_sound_archive_checks_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive(tmp_path, [record(n) for n in range(1, 6)] + [record(3, version=2)])
    code, result = run_check(tmp_path, capsys=capsys)
    assert code == 0
    assert result["before"]["problems"] == dict.fromkeys(PROBLEMS, 0)
    assert (result["before"]["records"], result["before"]["articles"]) == (6, 5)


@pytest.mark.parametrize(
    ("damage", "problem"),
    [
        (lambda lines: lines[:2] + [b"\x00garbage\n"] + lines[2:], "damaged_lines"),
        (lambda lines: lines[:2] + [record(9, headline=None)] + lines[2:], "invalid_records"),
        (lambda lines: lines[:2] + [record(9, edition="klingon")] + lines[2:], "invalid_records"),
        (lambda lines: lines + [lines[1]], "duplicate_versions"),
        (lambda lines: lines + [lines[3][:40]], "cut_lines"),
    ],
    ids=["garbage", "no_headline", "unknown_edition", "duplicate", "cut"],
)
def test_each_problem_is_counted_and_repaired(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              damage: Any, problem: str) -> None:
    good = [record(n) for n in range(1, 6)]
    archive(tmp_path, good)
    (tmp_path / FILE).write_bytes(b"".join(damage(list(good))))
    code, result = run_check(tmp_path, capsys=capsys)
    assert code == 1
    assert result["before"]["problems"][problem] == 1
    assert sum(result["before"]["problems"].values()) >= 1
    assert result["before"]["examples"][problem][0].startswith(FILE)

    code, result = run_check(tmp_path, "--repair", capsys=capsys)
    assert code == 0, result
    assert result["after"]["problems"] == dict.fromkeys(PROBLEMS, 0)
    records = read_archive(tmp_path)
    check_versions(records)
    assert [r["id"] for r in records] == [f"E2-{100000 + n}" for n in range(1, 6)]
    assert list((tmp_path / "quarantine").iterdir())  # kept aside, not deleted


def test_a_state_out_of_step_is_found_and_rebuilt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive(tmp_path, [record(n) for n in range(1, 4)])
    # The state says an article is at version 2, and knows one the archive never held.
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        db.execute("UPDATE articles SET version = 2 WHERE id = 'E2-100001'")
        db.execute("INSERT INTO articles (id, version, digest) VALUES ('E2-100042', 1, x'00')")
    code, result = run_check(tmp_path, capsys=capsys)
    assert code == 1
    problems = result["before"]["problems"]
    assert (problems["state_behind"], problems["state_without_record"]) == (1, 2)
    code, result = run_check(tmp_path, "--repair", capsys=capsys)
    assert code == 0 and result["after"]["problems"]["state_without_record"] == 0
    assert list(tmp_path.glob("state.sqlite3.damaged-*"))


def test_repair_waits_for_no_crawl(tmp_path: Path) -> None:
    archive(tmp_path, [record(1), b"garbage\n"], state=False)
    script = (
        "import sys; from pathlib import Path; from crawler.archive import lock\n"
        f"held = lock.acquire(Path({str(tmp_path / 'articles')!r}), Path({str(tmp_path / 'crawl.lock')!r}))\n"
        "print('locked', flush=True); sys.stdin.read()\n"
    )
    with subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline() == "locked\n"
        done = subprocess.run([sys.executable, "-m", "crawler", "check", "--data-dir",
                               str(tmp_path), "--repair"], cwd=ROOT, capture_output=True, text=True)
        holder.stdin.close()
    assert done.returncode == 3
    assert "a crawl is writing" in done.stderr
    assert (tmp_path / FILE).read_bytes().endswith(b"garbage\n")  # untouched


def test_no_archive_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--data-dir", str(tmp_path / "none")]) == 2
    assert "holds no archive" in capsys.readouterr().err
