"""`cri-crawler status`: the last runs, the archive's totals, whether a run holds the lock."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from crawler.archive import ArchiveState, Entry, content_digest
from crawler.cli import main
from crawler.monitoring.history import append_report
from crawler.status import archive_totals


def run_report(
    n: int, *, new: int = 0, verdict: str = "healthy", failing: tuple[str, ...] = ()
) -> dict[str, Any]:
    checks = [{"name": "errors", "ok": True}] + [{"name": name, "ok": False} for name in failing]
    return {
        "run": f"20261128T{n:02d}3500Z-{100 + n}",
        "started": f"2026-11-28T{n:02d}:35:00+00:00",
        "duration_seconds": 12.25 + n,
        "mode": "monitor",
        "finish_reason": "finished",
        "articles": {"new": new, "updated": n % 2, "unchanged": 100},
        "errors": 0 if verdict == "healthy" else 7,
        "verdict": verdict,
        "checks": checks,
    }


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    for n in range(12):
        append_report(folder / "runs.jsonl", run_report(n, new=3 if n == 0 else 0))
    append_report(
        folder / "runs.jsonl",
        run_report(12, verdict="unhealthy", failing=("errors", "coverage_body")),
    )
    state = ArchiveState()
    state.open(folder / "state.sqlite3")
    try:
        state.commit(
            [
                ("a1", Entry(1, content_digest("Nagłówek", "Treść"), "2026-11-19T08:00+08:00")),
                ("a2", Entry(2, content_digest("Drugi", "Tekst"), "2026-11-20T10:00:00+08:00")),
                ("a3", Entry(1, content_digest("Trzeci", "Tekst"), None)),
            ],
            "articles/2026/2026-11-28.jsonl",
            300,
        )
    finally:
        state.close()
    return folder


def status(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["status", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_table(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = status(capsys, "--data-dir", str(data_dir))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"data directory  {data_dir}"
    assert lines[1] == "running now     no"
    assert lines[2] == (
        "archive         3 articles, 4 versions, newest published 2026-11-20T10:00:00+08:00"
    )
    assert "last 10 runs, oldest first" in out
    header = next(line for line in lines if line.startswith("started (UTC)"))
    assert header.split() == ["started", "(UTC)", "duration", "new", "updated", "errors", "verdict"]
    rows = lines[lines.index(header) + 1 :]
    assert len(rows) == 10
    assert rows[0].split() == ["2026-11-28", "03:35:00", "15.2s", "0", "1", "0", "healthy"]
    assert rows[-1].split() == [
        "2026-11-28",
        "12:35:00",
        "24.2s",
        "0",
        "0",
        "7",
        "unhealthy",
        "(errors,",
        "coverage_body)",
    ]


def test_json(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = status(capsys, "--data-dir", str(data_dir), "--json", "--runs", "3")
    assert code == 0
    content = json.loads(out)
    assert content["data_dir"] == str(data_dir)
    assert content["running"] is False and content["lock"] == {
        "held": False,
        "file": None,
        "pid": None,
    }
    assert content["archive"] == {
        "state": "ok",
        "articles": 3,
        "versions": 4,
        "newest_published": "2026-11-20T10:00:00+08:00",
    }
    assert [r["run"] for r in content["runs"]] == [
        f"20261128T{n}3500Z-{100 + n}" for n in (10, 11, 12)
    ]
    assert content["last_run"] == content["runs"][-1]
    assert content["runs"][-1] == {
        "run": "20261128T123500Z-112",
        "started": "2026-11-28T12:35:00+00:00",
        "duration_seconds": 24.25,
        "mode": "monitor",
        "new": 0,
        "updated": 0,
        "errors": 7,
        "finish_reason": "finished",
        "verdict": "unhealthy",
        "failing": ["errors", "coverage_body"],
    }


def test_totals_match_the_archive_state_and_leave_it_untouched(data_dir: Path) -> None:
    path = data_dir / "state.sqlite3"
    before = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in data_dir.iterdir()}
    state = ArchiveState()
    totals = archive_totals(path)
    after = {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in data_dir.iterdir()}
    assert after == before  # read-only: no file written, none created
    state.open(path)
    try:
        expected = state.totals()
    finally:
        state.close()
    assert (totals["articles"], totals["versions"], totals["newest_published"]) == tuple(expected)


def test_totals_while_a_run_has_the_state_open(data_dir: Path) -> None:
    state = ArchiveState()
    state.open(data_dir / "state.sqlite3")  # a writer: -wal and -shm exist, shared with it
    try:
        entry = Entry(1, content_digest("Czwarty", "Tekst"), "2026-11-27T09:00:00+08:00")
        state.commit([("a4", entry)], "articles/2026/2026-11-28.jsonl", 400)
        assert archive_totals(data_dir / "state.sqlite3")["articles"] == 4  # read from the WAL
    finally:
        state.close()


def test_an_empty_data_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = status(capsys, "--data-dir", str(tmp_path))
    assert (code, err) == (0, "")
    assert "archive         empty (no state.sqlite3 yet)" in out
    assert out.rstrip().endswith("no runs recorded yet")
    assert not list(tmp_path.iterdir())  # status creates nothing
    code, out, _ = status(capsys, "--data-dir", str(tmp_path), "--json")
    content = json.loads(out)
    assert content["runs"] == [] and content["last_run"] is None
    assert content["archive"]["state"] == "missing"


def test_an_unreadable_state_is_reported_not_raised(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for leftover in data_dir.glob("state.sqlite3*"):
        leftover.unlink()
    (data_dir / "state.sqlite3").write_bytes(b"this is not a database" * 100)
    code, out, _ = status(capsys, "--data-dir", str(data_dir), "--json")
    assert code == 0
    assert json.loads(out)["archive"]["state"].startswith("unreadable: ")


@contextmanager
def lock_held_by_another_process(directory: Path, pid_file: Path) -> Iterator[int]:
    """A child process holding the lock as `cri-crawler run` and the store take it."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from crawler.archive import lock\n"
        f"held = lock.acquire(Path({str(directory)!r}), Path({str(pid_file)!r}))\n"
        "print('locked', flush=True)\n"
        "sys.stdin.read()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[2],
    ) as child:
        assert child.stdout is not None and child.stdin is not None
        assert child.stdout.readline() == "locked\n"
        try:
            yield child.pid
        finally:
            child.stdin.close()  # the child reads EOF and exits, which releases the lock
            child.wait(10)


@pytest.mark.parametrize(("locked", "lock_file"), [(".", "run.lock"), ("articles", "crawl.lock")])
def test_a_held_lock_is_reported(
    data_dir: Path, capsys: pytest.CaptureFixture[str], locked: str, lock_file: str
) -> None:
    (data_dir / locked).mkdir(exist_ok=True)
    with lock_held_by_another_process(data_dir / locked, data_dir / lock_file) as pid:
        code, out, _ = status(capsys, "--data-dir", str(data_dir))
        assert code == 0
        assert f"running now     yes ({lock_file} is held, pid {pid})" in out.splitlines()
        code, out, _ = status(capsys, "--data-dir", str(data_dir), "--json")
        assert json.loads(out)["lock"] == {"held": True, "file": lock_file, "pid": pid}
        # Deleting the pid file does not lift the lock.
        (data_dir / lock_file).unlink()
        code, out, _ = status(capsys, "--data-dir", str(data_dir), "--json")
        assert json.loads(out)["lock"] == {"held": True, "file": lock_file, "pid": None}
    # Released with its process; and the probe itself left no lock behind.
    code, out, _ = status(capsys, "--data-dir", str(data_dir), "--json")
    assert json.loads(out)["running"] is False
    fd = os.open(data_dir / locked, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)


def test_a_missing_data_directory_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere"
    code, out, err = status(capsys, "--data-dir", str(missing))
    assert code == 2 and out == ""
    assert err == f"cri-crawler: error: data directory {missing} does not exist\n"
    assert not missing.exists()


@pytest.mark.parametrize("runs", ["0", "-1", "ten"])
def test_a_bad_runs_count_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], runs: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["status", "--data-dir", str(tmp_path), "--runs", runs])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--runs" in err


# -- several data directories (one per edition) --------------------------------------------------


@pytest.fixture()
def root(tmp_path: Path, data_dir: Path) -> Path:
    """DATA_ROOT/<edition>: the Polish directory above, and an Esperanto one of two runs."""
    root = tmp_path / "root"
    root.mkdir()
    polish = data_dir.rename(root / "polish")
    with (polish / "runs.jsonl").open("ab") as handle:
        handle.write(b'{"run": "old", "edition": "polish"}\n')  # says the edition
    (root / "esperanto").mkdir()
    for n in (20, 21):
        append_report(root / "esperanto" / "runs.jsonl", {**run_report(n - 10, new=n),
                                                          "edition": "esperanto"})
    return root


def test_several_data_directories_one_section_each(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = status(capsys, "--data-dir", str(root), "--runs", "3")
    assert (code, err) == (0, "")
    esperanto, polish = out.split("\n\nedition ")
    assert esperanto.splitlines()[:4] == [
        "edition         esperanto",
        f"data directory  {root / 'esperanto'}",
        "running now     no",
        "archive         empty (no state.sqlite3 yet)",
    ]
    newest_two = [row.split()[:4] for row in esperanto.splitlines()[-2:]]
    assert newest_two == [["2026-11-28", "10:35:00", "22.2s", "20"],
                          ["2026-11-28", "11:35:00", "23.2s", "21"]]
    assert polish.splitlines()[:3] == [
        "        polish",
        f"data directory  {root / 'polish'}",
        "running now     no",
    ]
    assert "3 articles, 4 versions" in polish and "last 3 runs, oldest first" in polish
    # The same with the directories named one by one, in the order given.
    code, again, _ = status(capsys, "--data-dir", str(root / "esperanto"), "--data-dir",
                            str(root / "polish"), "--runs", "3")
    assert (code, again) == (0, out)


def test_several_data_directories_as_json(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = status(capsys, "--data-dir", str(root / "polish"), "--data-dir",
                          str(root / "esperanto"), "--json")
    assert code == 0
    content = json.loads(out)
    assert [(c["edition"], c["data_dir"]) for c in content] == [
        ("polish", str(root / "polish")),
        ("esperanto", str(root / "esperanto")),
    ]
    assert list(content[0])[0] == "edition"
    assert content[0]["archive"]["articles"] == 3 and content[1]["archive"]["state"] == "missing"
    assert [r["new"] for r in content[1]["runs"]] == [20, 21]
    assert content[0]["now"] == content[1]["now"]


def test_a_parent_of_one_data_directory_is_that_directory_as_before(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(root / "esperanto")
    _, out, _ = status(capsys, "--data-dir", str(root))
    _, direct, _ = status(capsys, "--data-dir", str(root / "polish"))
    assert out == direct and out.startswith(f"data directory  {root / 'polish'}\n")


def test_what_is_no_data_directory_is_one_line_and_exit_2(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cat.jpg").write_bytes(b"\xff\xd8")
    code, out, err = status(capsys, "--data-dir", str(root), "--data-dir", str(tmp_path / "photos"))
    assert (code, out) == (2, "")
    assert err == (
        f"cri-crawler: error: {tmp_path / 'photos'} is neither a data directory (no articles, "
        "state.sqlite3, runs.jsonl) nor a parent of data directories\n"
    )
    shutil.copytree(root / "polish", tmp_path / "copy")
    code, _, err = status(capsys, "--data-dir", str(root), "--data-dir", str(tmp_path / "copy"))
    assert code == 2 and err.count("\n") == 1 and "both hold edition polish" in err
