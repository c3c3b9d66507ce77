"""Which data directories a reading command (`export`, `report`, `status`) is given: its
`--data-dir` values (repeatable) resolved into data directories, each with its edition.

Editions are crawled as separate jobs, one data directory each (`DATA_ROOT/<edition>`, possibly
on several machines, brought together with rsync); the readers merge them. Each DIR given is:

- a **data directory** when it holds anything of the archive's layout (`articles/`,
  `state.sqlite3`, `runs.jsonl`, `warc/`, `quarantine/`, a lock file: `ARCHIVE_NAMES`);
- else a **parent** of data directories when some of its immediate subdirectories are data
  directories: those, sorted by name (other subdirectories are left alone);
- else, when it is empty (or holds only a report page), an empty data directory: a crawl that
  has not run yet, as every reader has always accepted;
- else an error: a directory that is none of these is a mistake in the command line.

A directory reached twice (given twice, or given and also found under a parent) is taken once.
Two directories of the **same edition** are an error naming both: each was crawled on its own,
so they would hold the same articles with versions numbered apart, and a merge that works only
while their ids happen not to overlap would break the day both crawls meet the same article.
Ids are unique across editions by construction (the legacy CMSes' per-edition ids carry the
edition's `local_id_prefix`; the platform's `ARTI` ids are platform-wide); `export` checks it
record by record all the same.

Reads only: the layout's names and, for the edition, the first record of the archive (else the
first run report).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from crawler.archive.jsonl import decode_line
from crawler.archive.layout import (
    ARCHIVE_NAMES,
    ARTICLES_DIR,
    OUTPUT_GLOB,
    REPORT_FILE,
    RUNS_FILE,
    data_dir_problem,
)

DEFAULT_DATA_DIR = "data"
EDITION_PROBE_LINES = 100  # lines read at most to find a directory's edition


class DataDirError(Exception):
    """The data directories cannot be resolved as given: one line for the user (exit 2)."""


@dataclass(frozen=True)
class DataDir:
    """One data directory of a merge, and the edition its archive holds (None: nothing yet)."""

    path: Path
    edition: str | None


Given = Sequence[str | os.PathLike[str]] | str | os.PathLike[str] | None


def given_dirs(given: Given) -> list[Path]:
    """`--data-dir` as the commands get it (None, one value or a list) as a list of paths;
    None is `data/`."""
    if given is None:
        return [Path(DEFAULT_DATA_DIR)]
    if isinstance(given, (str, os.PathLike)):
        return [Path(given)]
    return [Path(value) for value in given]


def resolve(given: Given) -> list[DataDir]:
    """The data directories of `--data-dir` values (None: `data/`), in the order given, a
    parent's in name order (see the module's docstring). DataDirError in one line."""
    found: list[DataDir] = []
    seen: set[Path] = set()
    for value in given_dirs(given):
        try:
            paths = _expand(value)
        except OSError as exc:  # a folder that cannot be listed: permissions, I/O
            raise DataDirError(f"cannot read {exc.filename or value}: "
                               f"{exc.strerror or exc}") from None
        for path in paths:
            key = path.resolve()
            if key in seen:
                continue
            seen.add(key)
            found.append(DataDir(path, edition_of(path)))
    _one_per_edition(found)
    return found


def resolve_for_command(given: Given, err: TextIO | None = None) -> list[DataDir] | None:
    """`resolve` for a command: None once the reason it failed is said in one line on `err`
    (default: standard error); the command then exits 2."""
    try:
        return resolve(given)
    except DataDirError as exc:
        print(f"cri-crawler: error: {exc}", file=err or sys.stderr)
        return None


def is_data_dir(path: Path) -> bool:
    """Whether `path` holds anything of an archive's layout."""
    return any((path / name).exists() for name in ARCHIVE_NAMES)


def edition_of(data_dir: Path) -> str | None:
    """The edition of a data directory's archive: that of its first record, else of its first
    run report; None when neither says (an empty archive)."""
    files = sorted((data_dir / ARTICLES_DIR).glob(OUTPUT_GLOB))
    for edition in _editions(_first_lines([*files, data_dir / RUNS_FILE])):
        return edition
    return None


def _expand(path: Path) -> list[Path]:
    if problem := data_dir_problem(path):
        raise DataDirError(problem)
    if is_data_dir(path):
        return [path]
    children = sorted((p for p in path.iterdir() if p.is_dir() and is_data_dir(p)),
                      key=lambda p: p.name)
    if children:
        return children
    if all(p.name == REPORT_FILE for p in path.iterdir()):
        return [path]  # an empty data directory (a merged report page may be all it holds)
    raise DataDirError(f"{path} is neither a data directory (no {', '.join(ARCHIVE_NAMES[:3])}) "
                       "nor a parent of data directories")


def _one_per_edition(found: Iterable[DataDir]) -> None:
    first: dict[str, DataDir] = {}
    for data_dir in found:
        if data_dir.edition is None:
            continue
        other = first.setdefault(data_dir.edition, data_dir)
        if other is not data_dir:
            raise DataDirError(
                f"data directories {other.path} and {data_dir.path} both hold edition "
                f"{data_dir.edition}: give one data directory per edition (the same articles "
                "would be in both, their versions numbered apart)")


def _first_lines(paths: Iterable[Path]) -> Iterator[bytes]:
    """The first complete lines of each file in turn, EDITION_PROBE_LINES at most in all."""
    budget = EDITION_PROBE_LINES
    for path in paths:
        try:
            handle = path.open("rb")
        except OSError:
            continue
        with handle:
            for line in handle:
                if budget <= 0:
                    return
                budget -= 1
                if line.endswith(b"\n"):
                    yield line


def _editions(lines: Iterable[bytes]) -> Iterator[str]:
    for line in lines:
        value = decode_line(line)
        if value is not None and isinstance(value.get("edition"), str) and value["edition"]:
            yield value["edition"]
