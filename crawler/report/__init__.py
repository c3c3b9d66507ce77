"""`cri-crawler report`: the archive as a whole and the history of runs, as one self-contained
HTML page (`<data-dir>/report.html` by default): coverage per month with likely gaps, how
articles were read, the runs of the last 30 days, edits, field coverage, the WARC archive.

Reads only (the archive and `runs.jsonl` streamed: `facts.py`), so it may run while a crawl
writes. Exit 0 (an empty data directory is a page that says so), 1 when the page cannot be
written, 2 with one line when the data directory does not exist.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TextIO

from crawler.archive.layout import data_dir_problem
from crawler.report.facts import Facts, collect
from crawler.report.page import render, write

__all__ = ["Facts", "collect", "render", "report", "write", "write_report", "refresh_after_run"]

REPORT_FILE = "report.html"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
logger = logging.getLogger(__name__)


def write_report(data_dir: Path, out: Path | None = None) -> tuple[Path, int]:
    """Write the page of `data_dir` to `out` (default `<data_dir>/report.html`); the path and
    its size in bytes. OSError when it cannot be written."""
    out = out if out is not None else data_dir / REPORT_FILE
    size = write(collect(data_dir), out)
    return out, size


def report(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """The `report` subcommand (args: data_dir, out)."""
    out = out or sys.stdout
    err = err or sys.stderr
    data_dir = Path(args.data_dir)
    if problem := data_dir_problem(data_dir):
        print(f"cri-crawler: error: {problem}", file=err)
        return EXIT_USAGE
    try:
        path, size = write_report(data_dir, Path(args.out) if args.out else None)
    except OSError as exc:
        print(f"cri-crawler: error: cannot write the report: {exc}", file=err)
        return EXIT_FAILED
    print(f"report written to {path} ({size / 1024:.0f} KB)", file=out)
    return EXIT_OK


def refresh_after_run(data_dir: Path) -> None:
    """After a `cri-crawler run` (CRAWLER_REPORT_AFTER_RUN): the page written again; a failure
    is one warning, never the run's exit code."""
    try:
        path, _ = write_report(data_dir)
    except Exception as exc:  # noqa: BLE001 - the run's verdict must stand whatever happens here
        print(f"cri-crawler: warning: report not written: {exc}", file=sys.stderr)
    else:
        logger.info("report written to %s", path)
