"""The names of files and folders in a data directory (`CRAWLER_DATA_DIR`), relative to it:

    articles/YYYY/YYYY-MM-DD.jsonl          the output: one Article a line, by UTC date of writing
    quarantine/<file>.<UTC time>.at<byte>.partial|damaged   a damaged record, moved aside alone
    state.sqlite3 (-wal, -shm)              the archive state (crawler/archive/state.py)
    crawl.lock                              the pid of the crawl writing (its lock: articles/)
    run.lock                                the pid of the `cri-crawler run` (its lock: the data
                                            directory itself; crawler/archive/lock.py)
    runs.jsonl                              the run history, one report a line
    warc/YYYY/YYYY-MM-DD.warc.gz            every response the crawl used (crawler/archive/warc.py)
    warc/index.sqlite3                      where each WARC record is, and for which article
    report.html                             the report page (`cri-crawler report`), by default
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

ARTICLES_DIR = "articles"
OUTPUT_GLOB = "*/*.jsonl"  # the output files, under ARTICLES_DIR


def output_path(day: date) -> str:
    """The output file of a UTC day, relative to the data directory."""
    return f"{ARTICLES_DIR}/{day:%Y}/{day.isoformat()}.jsonl"


QUARANTINE_DIR = "quarantine"


def quarantine_name(file_name: str, stamp: str, attempt: int = 0, *, at: int = 0,
                    cut: bool = True) -> str:
    """The name in QUARANTINE_DIR for a damaged record taken out of the output file `file_name`
    at byte `at`, at `stamp` (UTC time): `.partial` for a line cut short (no newline),
    `.damaged` for a whole line that is no valid record; `attempt` > 0 when that name is taken
    already."""
    kind = "partial" if cut else "damaged"
    return f"{file_name}.{stamp}{f'-{attempt}' if attempt else ''}.at{at}.{kind}"


WARC_DIR = "warc"
WARC_INDEX = "index.sqlite3"  # in WARC_DIR


def warc_path(day: date) -> str:
    """The WARC file of a UTC day, relative to the data directory."""
    return f"{WARC_DIR}/{day:%Y}/{day.isoformat()}.warc.gz"


STATE_FILE = "state.sqlite3"
CRAWL_LOCK = "crawl.lock"  # pid of the store that locks ARTICLES_DIR while it writes
RUN_LOCK = "run.lock"  # pid of the `cri-crawler run` that locks the data directory
RUNS_FILE = "runs.jsonl"
REPORT_FILE = "report.html"  # the report page's default place; no part of the archive
# Any of these makes a folder a data directory (crawler/archive/sources.py); the first three
# name it in messages.
ARCHIVE_NAMES = (ARTICLES_DIR, STATE_FILE, RUNS_FILE, WARC_DIR, QUARANTINE_DIR, RUN_LOCK,
                 CRAWL_LOCK)


def data_dir_problem(data_dir: Path) -> str | None:
    """Why `data_dir` cannot be read as a data directory (one line), or None."""
    if data_dir.is_dir():
        return None
    what = "is not a directory" if data_dir.exists() else "does not exist"
    return f"data directory {data_dir} {what}"
