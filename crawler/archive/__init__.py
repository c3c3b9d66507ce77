"""The archive in a data directory: its layout (`layout`), its state (`state`), JSON Lines
writing with fsync (`jsonl`) and its locks (`lock`). Shared machinery: the store and dedupe
pipelines, the run history, `cri-crawler run` and `status` all use it, none re-implements it.
The locks are used as a module: `from crawler.archive import lock`, `lock.acquire(directory, pid_file)`."""

from __future__ import annotations

from crawler.archive.jsonl import (
    append_line,
    cut_back,
    cut_back_file,
    encode_line,
    fsync_dir,
    scrub_surrogates,
    utf8,
    write_all,
    write_durably,
)
from crawler.archive.layout import (
    ARTICLES_DIR,
    CRAWL_LOCK,
    OUTPUT_GLOB,
    QUARANTINE_DIR,
    RUN_LOCK,
    RUNS_FILE,
    STATE_FILE,
    output_path,
    quarantine_name,
)
from crawler.archive.state import ArchiveState, Entry, StateDamaged, Totals, content_digest

__all__ = [
    "ARTICLES_DIR",
    "CRAWL_LOCK",
    "OUTPUT_GLOB",
    "QUARANTINE_DIR",
    "RUNS_FILE",
    "RUN_LOCK",
    "STATE_FILE",
    "ArchiveState",
    "Entry",
    "StateDamaged",
    "Totals",
    "append_line",
    "content_digest",
    "cut_back",
    "cut_back_file",
    "encode_line",
    "fsync_dir",
    "output_path",
    "quarantine_name",
    "scrub_surrogates",
    "utf8",
    "write_all",
    "write_durably",
]
