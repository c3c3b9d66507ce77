"""The names of files and folders in a data directory (`CRAWLER_DATA_DIR`), relative to it:

    articles/YYYY/YYYY-MM-DD.jsonl          the output: one Article a line, by UTC date of writing
    quarantine/<file>.<UTC time>.partial    a cut last line found at start-up, moved aside
    state.sqlite3 (-wal, -shm)              the archive state (crawler/archive/state.py)
    crawl.lock                              the pid of the crawl writing (its lock: articles/)
    run.lock                                the pid of the `cri-crawler run` (its lock: the data
                                            directory itself; crawler/archive/lock.py)
    runs.jsonl                              the run history, one report a line
"""

from __future__ import annotations

from datetime import date

ARTICLES_DIR = "articles"
OUTPUT_GLOB = "*/*.jsonl"  # the output files, under ARTICLES_DIR


def output_path(day: date) -> str:
    """The output file of a UTC day, relative to the data directory."""
    return f"{ARTICLES_DIR}/{day:%Y}/{day.isoformat()}.jsonl"


QUARANTINE_DIR = "quarantine"


def quarantine_name(file_name: str, stamp: str, attempt: int = 0) -> str:
    """The name in QUARANTINE_DIR for what was cut off the output file `file_name` at `stamp`
    (UTC time); `attempt` > 0 when that name is taken already."""
    return f"{file_name}.{stamp}{f'-{attempt}' if attempt else ''}.partial"


STATE_FILE = "state.sqlite3"
CRAWL_LOCK = "crawl.lock"  # pid of the store that locks ARTICLES_DIR while it writes
RUN_LOCK = "run.lock"  # pid of the `cri-crawler run` that locks the data directory
RUNS_FILE = "runs.jsonl"
