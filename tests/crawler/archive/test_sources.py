"""Which data directories `--data-dir` names (crawler/archive/sources.py): a data directory, a
parent of per-edition ones, an empty one; each with its edition; one per edition; errors in one
line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from crawler.archive.jsonl import encode_line
from crawler.archive.layout import RUNS_FILE, STATE_FILE, output_path
from crawler.archive.sources import DataDir, DataDirError, edition_of, given_dirs, resolve
from tests.support.export import e4


def data_dir(path: Path, edition: str | None = "polish", *, runs_only: bool = False) -> Path:
    """A data directory whose archive (or, with runs_only, whose run history alone) is of
    `edition`; None: only a state file, nothing saying the edition."""
    path.mkdir(parents=True)
    if edition is None:
        (path / STATE_FILE).write_bytes(b"")
    elif runs_only:
        (path / RUNS_FILE).write_bytes(encode_line({"run": "r1", "edition": edition}))
    else:
        file = path / output_path(date(2026, 1, 2))
        file.parent.mkdir(parents=True)
        file.write_bytes(b"not json\n" + encode_line(e4(1, "2025-01-07T19:56:10+08:00",
                                                         edition=edition)))
    return path


def test_a_data_directory_is_itself_with_the_edition_of_its_first_record(tmp_path: Path) -> None:
    polish = data_dir(tmp_path / "pl")
    assert resolve([str(polish)]) == [DataDir(polish, "polish")]
    assert resolve(polish) == resolve(str(polish)) == [DataDir(polish, "polish")]


def test_the_edition_comes_from_the_run_history_when_the_archive_has_no_record(
    tmp_path: Path,
) -> None:
    assert edition_of(data_dir(tmp_path / "eo", "esperanto", runs_only=True)) == "esperanto"
    assert edition_of(data_dir(tmp_path / "none", None)) is None


def test_a_parent_is_its_data_directories_by_name_other_folders_left_alone(
    tmp_path: Path,
) -> None:
    root = tmp_path / "root"
    data_dir(root / "polish")
    data_dir(root / "esperanto", "esperanto")
    (root / "exports" / "2026").mkdir(parents=True)  # not a data directory: not taken
    (root / "report.html").write_text("a merged page")
    assert resolve([root]) == [
        DataDir(root / "esperanto", "esperanto"),
        DataDir(root / "polish", "polish"),
    ]


def test_given_in_order_and_a_directory_reached_twice_is_taken_once(tmp_path: Path) -> None:
    root = tmp_path / "root"
    polish = data_dir(root / "polish")
    esperanto = data_dir(root / "esperanto", "esperanto")
    assert [d.path for d in resolve([polish, esperanto])] == [polish, esperanto]
    assert [d.path for d in resolve([polish, root, polish / "."])] == [polish, esperanto]


def test_no_value_is_data_and_an_empty_directory_is_an_empty_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert given_dirs(None) == [Path("data")]
    with pytest.raises(DataDirError, match="^data directory data does not exist$"):
        resolve(None)
    Path("data").mkdir()
    assert resolve(None) == [DataDir(Path("data"), None)]
    (tmp_path / "data" / "report.html").write_text("the page of nothing yet")
    assert resolve(None) == [DataDir(Path("data"), None)]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "data directory {p} does not exist"),
        (lambda p: p.write_text("a file"), "data directory {p} is not a directory"),
        (
            lambda p: (p.mkdir(), (p / "notes.txt").write_text("mine")),
            "{p} is neither a data directory (no articles, state.sqlite3, runs.jsonl) nor a "
            "parent of data directories",
        ),
        (  # a parent of empty folders only: nothing says they are data directories
            lambda p: (p.mkdir(), (p / "polish").mkdir()),
            "{p} is neither a data directory (no articles, state.sqlite3, runs.jsonl) nor a "
            "parent of data directories",
        ),
    ],
)
def test_what_is_no_data_directory_is_one_line(
    tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    path = tmp_path / "given"
    make(path)
    with pytest.raises(DataDirError) as error:
        resolve([data_dir(tmp_path / "ok"), path])
    assert str(error.value) == message.format(p=path)
    assert "\n" not in str(error.value)


def test_two_directories_of_one_edition_are_refused_naming_both(tmp_path: Path) -> None:
    first = data_dir(tmp_path / "here" / "polish")
    second = data_dir(tmp_path / "there" / "polish", runs_only=True)
    with pytest.raises(DataDirError) as error:
        resolve([first, tmp_path / "there"])
    assert str(error.value) == (
        f"data directories {first} and {second} both hold edition polish: give one data "
        "directory per edition (the same articles would be in both, their versions numbered "
        "apart)"
    )
    # Directories whose edition nothing says yet (empty archives) never collide.
    assert len(resolve([data_dir(tmp_path / "a", None), data_dir(tmp_path / "b", None)])) == 2
